"""Automatic checks on a review before a moderator sees it (plain Python, no Django).

- Personal data in free text is redacted: phone numbers, passport numbers (the common formats of Nepal, the
  Philippines, Bangladesh, India, Indonesia, Sri Lanka and Viet Nam: one or two letters and 7 or 8 digits,
  sometimes a trailing letter; digits after the word "passport" in several languages), e-mail addresses, and
  personal names (after "my name is", "Mr./Mrs." and the same in other languages, and the words of the
  contact name the worker gave).
- Abuse (a small word list in several languages), spam (links, repeated text), duplicates and bursts are not
  changed but reported as reasons for a moderator to look.

Redaction errs on the side of removing too much: a moderator can put back a wrongly removed number.
Digits are matched in every script (Devanagari ९८४१..., Bengali, Arabic-Indic, Myanmar).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

PHONE = "[phone]"
PASSPORT = "[passport]"
EMAIL = "[email]"
NAME = "[name]"

# A "word" in any script: letters and their combining marks (Devanagari vowel signs are marks, not letters).
_W = r"[^\s\d.,;:!?()\[\]{}\"'«»“”‘’।॥،؛/\\|<>*+=#@&%$^~`_-]+"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Passport: 1-2 Latin letters, optional space or dash, 7-8 digits, optional trailing letter (PH "P1234567A").
_PASSPORT_RE = re.compile(r"(?<![\w])[A-Za-z]{1,2}[ -]?\d{7,8}[A-Za-z]?(?![\w])", re.ASCII)
_PASSPORT_WORDS = (
    "passport no",
    "passport number",
    "passport",
    "pp no",
    "राहदानी",
    "पासपोर्ट",
    "পাসপোর্ট",
    "pasaporte",
    "pasaporte blg",
    "paspor",
    "hộ chiếu",
    "pasaport",
    "паспорт",
    "جواز السفر",
    "جواز",
    "ပတ်စပို့",
    "pasapoato",
)
_PASSPORT_AFTER_WORD = re.compile(
    r"(?i)(?:" + "|".join(re.escape(w) for w in sorted(_PASSPORT_WORDS, key=len, reverse=True)) + r")"
    r"\s*(?:no\.?|number|नं\.?|নং|#|:)?\s*[:#.-]?\s*([A-Za-z]{0,2}[ -]?\d{6,9}[A-Za-z]?)"
)
# A phone number: an optional + or 00, then digits (any script) with spaces, dots, dashes or brackets
# between them, 7 to 15 digits in all.
_PHONE_RE = re.compile(r"(?<!\w)(?:\+|00)?\(?\d[\d\s().\-]{5,22}\d(?!\w)")
_AMOUNT_SHAPE = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$|^\d{1,3}(?:,\d{2})+,\d{3}$")
_CURRENCY_WORDS = frozenset(
    """rs rs. npr inr bdt php idr vnd lkr pkr mmk qar aed sar kwd omr bhd myr sgd usd us$ $ rp rp. tk tk. taka
    rupees rupee rupiah peso pesos dong riyal rial dirham ringgit kyat dollar dollars rupiya रु रु. रुपैयाँ
    रुपैया रुपये रुपए टाका টাকা ৳ ₹ ₱ ₫ ﷼ lakh lakhs लाख লাখ juta ribu triệu nghìn đồng""".split()
)

# Phrases after which a personal name follows, in the site's languages. The name is the next one to three
# words (stopping at punctuation or a word that ends the phrase, such as Nepali "हो").
_NAME_TRIGGERS = (
    "my name is",
    "i am called",
    "name is",
    "name:",
    "mr.",
    "mr",
    "mrs.",
    "mrs",
    "ms.",
    "ms",
    "miss",
    "mister",
    "madam",
    "sir",
    "dear",
    "मेरो नाम",
    "मेरा नाम",
    "नाम:",
    "श्रीमती",
    "আমার নাম",
    "নাম:",
    "জনাব",
    "ang pangalan ko ay",
    "pangalan ko ay",
    "ako si",
    "si g.",
    "si gng.",
    "gng.",
    "g.",
    "nama saya",
    "saya bernama",
    "bapak",
    "pak",
    "ibu",
    "bu",
    "tên tôi là",
    "tôi tên là",
    "tôi là",
    "anh",
    "chị",
    "ông",
    "bà",
    "me llamo",
    "mi nombre es",
    "sr.",
    "sra.",
    "señor",
    "señora",
    "меня зовут",
    "моё имя",
    "мое имя",
    "господин",
    "госпожа",
    "اسمي",
    "أنا اسمي",
    "السيد",
    "السيدة",
    "ကျွန်တော့်နာမည်",
    "ကျွန်မနာမည်",
    "ဦး",
    "ဒေါ်",
)
# Words that cannot be (part of) a name: they end the name that precedes them.
_NAME_STOP = frozenset(
    """and or but from in at of the a an is was am are i he she they we you my his her with to for who which
    हो हुँ छ छु र मा को ले बाट থেকে আর এবং হয় ay at na ng sa dan dari yang adalah và là từ ở y de del es
    и из в это و من في هو""".split()
)
# Short honorifics that are also common words: only a trigger when followed by a capitalised Latin word.
_WEAK_TRIGGERS = frozenset("mr ms sir dear madam miss g. pak bu ibu bapak anh chị ông bà".split())

ABUSE_WORDS = frozenset(
    """fuck fucking fucker motherfucker shit bitch bastard asshole whore slut cunt dickhead
    मुजी मुजि माचिक्ने रण्डी रन्डी चिक्ने
    चूतिया चुतिया मादरचोद भोसड़ी भोसडी हरामी कमीना रंडी
    চুদ মাগি খানকি হারামি শুয়োর বাল
    putangina tangina gago puta tarantado ulol bwisit
    bangsat kontol bajingan brengsek
    địt đụ đéo lồn cặc
    mierda cabrón cabron pendejo puta hijoputa
    сука блять блядь хуй пизда мудак
    شرموطة عاهرة قحبة
    """.split()
)
THREAT_PHRASES = (
    "i will kill",
    "will kill you",
    "kill you",
    "मारिदिन्छु",
    "मार दूंगा",
    "मार डालूंगा",
    "মেরে ফেলব",
    "papatayin kita",
    "aku bunuh",
    "saya bunuh",
    "giết mày",
    "te mataré",
    "убью",
    "سأقتلك",
)
_LINK_RE = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|biz|xyz|ly|me|io)\b")
_REPEAT_CHARS = re.compile(r"(.)\1{9,}")


@dataclass(frozen=True)
class Finding:
    code: str  # phone, passport, email, name, abuse, threat, link, repeated, duplicate, burst
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass
class CheckResult:
    text: str  # the text with personal data redacted
    findings: list[Finding] = field(default_factory=list)

    @property
    def redacted(self) -> list[str]:
        return [f.code for f in self.findings if f.code in ("phone", "passport", "email", "name")]

    @property
    def clean(self) -> bool:
        return not self.findings


def _digits(s: str) -> int:
    return sum(1 for ch in s if unicodedata.decimal(ch, None) is not None)


def _is_amount(text: str, start: int, end: int) -> bool:
    """A number written as money: grouped thousands (1,20,000 / 15.000.000) or next to a currency word."""
    match = text[start:end].strip()
    ascii_digits = "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c for c in match
    )
    if _AMOUNT_SHAPE.match(ascii_digits):
        return True
    before = text[max(0, start - 12) : start].casefold().split()
    after = text[end : end + 12].casefold().split()
    near = (before[-1:] if before else []) + (after[:1] if after else [])
    return any(w.strip(".,:;/-") in _CURRENCY_WORDS or w in _CURRENCY_WORDS for w in near)


def _redact_phones(text: str) -> tuple[str, int]:
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        s = m.group(0)
        n = _digits(s)
        if n < 7 or n > 15 or _is_amount(m.string, m.start(), m.end()):
            return s
        # A year range or a date ("2019-2021", "12.03.2020") is not a phone number.
        if re.fullmatch(r"\d{4}\s*[-–]\s*\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", s.strip()):
            return s
        count += 1
        trail = s[len(s.rstrip()) :]
        return PHONE + trail

    return _PHONE_RE.sub(repl, text), count


def _redact_passports(text: str) -> tuple[str, int]:
    count = 0

    def after_word(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return m.group(0)[: m.start(1) - m.start(0)] + PASSPORT

    text = _PASSPORT_AFTER_WORD.sub(after_word, text)

    def plain(m: re.Match[str]) -> str:
        nonlocal count
        letters = re.match(r"[A-Za-z]+", m.group(0))
        if letters and letters.group(0).casefold() in _CURRENCY_WORDS:  # "Rs1500000" is money
            return m.group(0)
        count += 1
        return PASSPORT

    return _PASSPORT_RE.sub(plain, text), count


def _name_words(contact_name: str) -> list[str]:
    words = re.findall(_W, contact_name or "")
    return [w for w in words if len(w) >= 3 and w.casefold() not in _NAME_STOP]


def _redact_names(text: str, contact_name: str = "") -> tuple[str, int]:
    count = 0
    triggers = sorted(_NAME_TRIGGERS, key=len, reverse=True)
    pattern = re.compile(
        r"(?i)(?<![^\s(\"'“‘])(" + "|".join(re.escape(t) for t in triggers) + r")(?=[\s:.,])[\s:,.]*"
        r"((?:" + _W + r")(?:[ \t]+(?:" + _W + r")){0,2})"
    )

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        trigger, words = m.group(1), m.group(2).split()
        weak = (
            trigger.casefold().rstrip(".") in {w.rstrip(".") for w in _WEAK_TRIGGERS}
            or trigger.casefold() in _WEAK_TRIGGERS
        )
        if weak and not (words and words[0][:1].isupper() and words[0][:1].isascii()):
            return m.group(0)
        kept: list[str] = []
        for w in words:
            if w.casefold() in _NAME_STOP or (kept and weak and not w[:1].isupper()):
                break
            kept.append(w)
        if not kept:
            return m.group(0)
        count += 1
        head = m.group(0)[: m.start(2) - m.start(0)]
        rest = " ".join(words[len(kept) :])
        return head + NAME + (" " + rest if rest else "")

    text = pattern.sub(repl, text)
    for w in _name_words(contact_name):
        rx = re.compile(r"(?i)(?<![^\W\d_])" + re.escape(w) + r"(?![^\W\d_])")
        text, n = rx.subn(NAME, text)
        count += n
    return text, count


def redact(text: str, *, contact_name: str = "") -> CheckResult:
    """Remove phone numbers, passport numbers, e-mail addresses and personal names from ``text``."""
    findings: list[Finding] = []
    out = unicodedata.normalize("NFC", text or "")
    out, n = _EMAIL_RE.subn(EMAIL, out)
    if n:
        findings.append(Finding("email", f"{n} e-mail address(es) removed"))
    out, n = _redact_passports(out)
    if n:
        findings.append(Finding("passport", f"{n} passport number(s) removed"))
    out, n = _redact_phones(out)
    if n:
        findings.append(Finding("phone", f"{n} phone number(s) removed"))
    out, n = _redact_names(out, contact_name)
    if n:
        findings.append(Finding("name", f"{n} personal name(s) removed"))
    return CheckResult(out, findings)


def normalise_text(text: str) -> str:
    """The form used to find duplicates: NFKC, case-folded, spaces collapsed, punctuation dropped."""
    t = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join("".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in t).split())


def text_fingerprint(text: str) -> str:
    """A plain SHA-256 of the normalised text (callers key it with ``crypto.lookup_hash`` before storing)."""
    return hashlib.sha256(normalise_text(text).encode()).hexdigest()


def abuse(text: str) -> list[Finding]:
    words = set(normalise_text(text).split())
    found = sorted(words & ABUSE_WORDS)
    t = normalise_text(text)
    out = []
    if found:
        out.append(Finding("abuse", f"possibly abusive words: {', '.join(found[:5])}"))
    threats = [p for p in THREAT_PHRASES if f" {normalise_text(p)} " in f" {t} "]
    if threats:
        out.append(Finding("threat", "possible threat of violence"))
    return out


def spam(text: str) -> list[Finding]:
    out = []
    links = _LINK_RE.findall(text or "")
    if links:
        out.append(Finding("link", f"{len(links)} link(s) in the text"))
    words = normalise_text(text).split()
    if _REPEAT_CHARS.search(text or "") or (len(words) >= 12 and len(set(words)) / len(words) < 0.3):
        out.append(Finding("repeated", "the same characters or words repeated many times"))
    return out


def run_checks(
    text: str,
    *,
    contact_name: str = "",
    duplicate: bool = False,
    burst_count: int = 0,
    burst_limit: int = 3,
    burst_window_hours: float = 24,
) -> CheckResult:
    """All checks: redaction first, then abuse and spam on the redacted text, then duplicates and bursts
    (which the caller measures: same text for the same actor; reviews of one actor from one source)."""
    result = redact(text, contact_name=contact_name)
    result.findings += abuse(result.text) + spam(result.text)
    if duplicate:
        result.findings.append(Finding("duplicate", "the same text was already sent about this actor"))
    if burst_count > burst_limit:
        result.findings.append(
            Finding(
                "burst",
                f"{burst_count} reviews of this actor from one source within {burst_window_hours:g} hours",
            )
        )
    return result
