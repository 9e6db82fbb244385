"""Every string, on worker pages and on staff and organisations' pages alike, is translated into every supported
language.

The catalogues live in fairrecruit/locale/<lang>/LC_MESSAGES/django.po (compiled to django.mo, committed).
These tests fail when:
- a string marked for translation in a template or Python file is missing from a catalogue (someone added a
  string and did not run scripts/i18n.sh), or is there but untranslated or fuzzy;
- a translation breaks a placeholder (%(name)s, %s, {name}) or an HTML tag of its source string, or has the
  wrong number of plural forms for its language;
- a django.mo file is stale (it does not hold exactly what its django.po says): run scripts/i18n.sh;
- a rendered worker page in another language still shows an English string from the catalogue.
How translators work: docs/translating.md.
"""

from __future__ import annotations

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import templatize

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fairrecruit"
LOCALE = PACKAGE / "locale"

# Every language of the site except the source language (English), with its number of plural forms.
NPLURALS = {"ne": 2, "bn": 2, "hi": 2, "fil": 2, "id": 1, "vi": 1, "my": 1, "ar": 6, "ru": 3, "es": 2}
LANGS = sorted(NPLURALS)

# Directories `makemessages` skips (see scripts/i18n.sh: --ignore='tests/*'; it never scans locale dirs).
SKIP_DIRS = {"tests", "locale", "__pycache__", "node_modules"}
# Python functions whose string arguments xgettext extracts, as (context index, singular, plural) positions.
PY_KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def test_every_site_language_has_a_catalogue():
    site = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert site == set(LANGS), "settings.LANGUAGES and this test disagree; add the language to NPLURALS"
    assert Path(settings.LOCALE_PATHS[0]) == LOCALE
    for lang in LANGS:
        assert (LOCALE / lang / "LC_MESSAGES" / "django.po").is_file(), f"no catalogue for {lang}"
        assert (LOCALE / lang / "LC_MESSAGES" / "django.mo").is_file(), (
            f"{lang}: django.mo missing: run scripts/i18n.sh"
        )


# ---------------------------------------------------------------- source strings (what makemessages extracts)


def _source_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if path.is_file() and path.suffix in {".py", ".html", ".txt"} and not path.name.startswith("."):
            files.append(path)
    return files


def _const(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _messages_in_python(source: str, filename: str) -> set[tuple[str | None, str, str | None]]:
    """(context, msgid, msgid_plural) for each literal passed to a gettext function."""
    found = set()
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        )
        if name not in PY_KEYWORDS:
            continue
        ctx_i, sing_i, plur_i = PY_KEYWORDS[name]
        args = node.args
        needed = max(i for i in (ctx_i, sing_i, plur_i) if i is not None)
        if len(args) <= needed:
            continue
        singular = _const(args[sing_i])
        if singular is None:
            continue  # a variable: nothing to extract (xgettext skips it too)
        context = _const(args[ctx_i]) if ctx_i is not None else None
        plural = _const(args[plur_i]) if plur_i is not None else None
        if ctx_i is not None and context is None:
            continue
        found.add((context, singular, plural))
    return found


_TEMPLATE_CALL = re.compile(r"\b(npgettext|ngettext|pgettext|gettext|_)\(")


def _messages_in_template(source: str, filename: str) -> set[tuple[str | None, str, str | None]]:
    """Turn the template into what Django hands to xgettext, then read the gettext calls back out of it."""
    code = templatize(source, origin=filename)
    found = set()
    for match in _TEMPLATE_CALL.finditer(code):
        start = match.start()
        end = code.find(")", match.end())
        call = None
        while end != -1:  # the string may contain ")": grow until the call parses
            try:
                call = ast.parse(code[start : end + 1].replace(",count)", ",0)"), mode="eval").body
                break
            except SyntaxError:
                end = code.find(")", end + 1)
        assert isinstance(call, ast.Call), f"{filename}: cannot read {code[start : start + 80]!r}"
        args = [a.value if isinstance(a, ast.Constant) else None for a in call.args]
        name = match.group(1)
        if name in ("gettext", "_") and isinstance(args[0], str):
            found.add((None, args[0], None))
        elif name == "pgettext":
            found.add((args[0], args[1], None))
        elif name == "ngettext":
            found.add((None, args[0], args[1]))
        elif name == "npgettext":
            found.add((args[0], args[1], args[2]))
    return found


def _source_messages() -> dict[tuple[str | None, str], tuple[str | None, str]]:
    """(context, msgid) -> (msgid_plural, file) for every translatable string in the code.

    scripts/i18n.sh imports this (with LANGS and NPLURALS) to add what xgettext misses."""
    messages: dict[tuple[str | None, str], tuple[str | None, str]] = {}
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(ROOT))
        found = _messages_in_python(text, rel) if path.suffix == ".py" else _messages_in_template(text, rel)
        for context, msgid, plural in found:
            if msgid:
                messages.setdefault((context, msgid), (plural, rel))
    return messages


SOURCE = _source_messages()


def test_the_extractor_finds_strings_in_templates_and_python():
    msgids = {msgid for _ctx, msgid in SOURCE}
    assert "Check my fees" in msgids  # {% translate %} in core/base.html
    assert "not allowed: all of it is owed to you" in msgids  # gettext_lazy in standards/templatetags/fees.py
    plural = [(k, v) for k, v in SOURCE.items() if v[0]]
    assert plural, "no {% blocktranslate count %} found"


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_every_string_of_the_source(lang):
    po = _catalogue(lang)
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    missing, untranslated = [], []
    for (context, msgid), (plural, where) in sorted(SOURCE.items(), key=lambda kv: (kv[1][1], kv[0][1])):
        entry = entries.get((context, msgid))
        if entry is None or (entry.msgid_plural or None) != plural:
            missing.append(f"{where}: {msgid!r}")
        elif not entry.translated():
            untranslated.append(f"{where}: {msgid!r}")
    assert not missing, (
        f"{lang}: {len(missing)} string(s) in the code are not in the catalogue; run scripts/i18n.sh, translate "
        "them in every fairrecruit/locale/*/LC_MESSAGES/django.po and run it again:\n  "
        + "\n  ".join(missing)
    )
    assert not untranslated, f"{lang}: untranslated:\n  " + "\n  ".join(untranslated)


# ---------------------------------------------------------------- the catalogues themselves


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete_and_not_fuzzy(lang):
    po = _catalogue(lang)
    assert po.metadata.get("Language") == lang
    assert not po.metadata_is_fuzzy, f"{lang}: the header is marked fuzzy"
    assert po.metadata.get("Content-Type", "").lower() == "text/plain; charset=utf-8"
    live = [e for e in po if not e.obsolete]
    assert live, f"{lang}: empty catalogue"
    # every page is translated, staff and organisations' pages too (case handlers, regulators, certification
    # bodies and recruiters work in their own languages as much as workers do)
    assert not [e.msgid for e in live if not e.translated()], f"{lang}: untranslated entries"
    assert not [e.msgid for e in live if "fuzzy" in e.flags], f"{lang}: fuzzy entries (check and unmark them)"


_PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%"
)
_BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def _named(text: str) -> list[str]:
    return sorted(p for p in _PLACEHOLDER.findall(text) if p.startswith("%("))


def _positional(text: str) -> list[str]:
    return [p for p in _PLACEHOLDER.findall(text) if not p.startswith("%(")]


def _shape(text: str) -> tuple:
    return (_named(text), _positional(text), sorted(_BRACE.findall(text)), sorted(_TAG.findall(text)))


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_placeholders_and_html(lang):
    po = _catalogue(lang)
    problems = []
    for e in po:
        if e.obsolete or not e.translated():
            continue  # untranslated entries are reported by the tests above
        if not e.msgid_plural:
            if _shape(e.msgstr) != _shape(e.msgid):
                problems.append(f"{e.msgid!r}: {_shape(e.msgid)} became {_shape(e.msgstr)} in {e.msgstr!r}")
            continue
        # Plural forms: a form may leave out the count where the language says it in words ("مراجعتان" for
        # two reviews) but may not invent a placeholder, and every placeholder must appear in some form.
        source_named = set(_named(e.msgid)) | set(_named(e.msgid_plural))
        used = set()
        for i, form in sorted(e.msgstr_plural.items()):
            named = set(_named(form))
            used |= named
            if not named <= source_named or _positional(form) or _BRACE.findall(form):
                problems.append(f"{e.msgid!r} form {i}: unexpected placeholder in {form!r}")
            if sorted(_TAG.findall(form)) != sorted(_TAG.findall(e.msgid_plural)):
                problems.append(f"{e.msgid!r} form {i}: HTML differs in {form!r}")
        if used != source_named:
            problems.append(
                f"{e.msgid!r}: placeholders {sorted(source_named - used)} appear in no plural form"
            )
    assert not problems, f"{lang}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms(lang):
    po = _catalogue(lang)
    header = po.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    assert match and int(match.group(1)) == NPLURALS[lang], f"{lang}: Plural-Forms header {header!r}"
    plural = gettext.c2py(re.search(r"plural\s*=\s*(.+?);?\s*$", header).group(1).rstrip(";"))
    assert {plural(n) for n in range(0, 1000)} == set(range(NPLURALS[lang])), f"{lang}: plural expression"
    for e in po:
        if e.msgid_plural and not e.obsolete:
            assert sorted(e.msgstr_plural) == list(range(NPLURALS[lang])), f"{lang}: {e.msgid!r} plural forms"
            assert all(e.msgstr_plural.values()), f"{lang}: {e.msgid!r} has an empty plural form"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_is_not_stale(lang):
    po = _catalogue(lang)
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fh:
        compiled = dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)  # the header
    expected: dict = {}
    for e in po:
        if e.obsolete or "fuzzy" in e.flags or not e.translated():
            continue
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        if e.msgid_plural:
            for i, form in e.msgstr_plural.items():
                expected[(key, int(i))] = form
        else:
            expected[key] = e.msgstr
    stale = sorted(set(expected.items()) ^ set(compiled.items()), key=str)
    assert not stale, f"{lang}: django.mo differs from django.po; run scripts/i18n.sh. First: {stale[:5]}"


# ---------------------------------------------------------------- rendered pages

WORKER_PAGES = [
    "/",
    "/check/",
    "/charges/",
    "/charges/?origin=NP&destination=QA&date=2019-01-01",  # rules shown: their wording comes from the catalogue
    "/charges/?origin=VN&destination=JP&date=2024-01-01",  # a cap in months of wage
    "/standards/",
    "/standards/law/BD/",
    "/check/examples/",
    "/check/examples/np-qa-2014-mason/",  # a whole assessment result
    "/verify/",
    "/verify/job-offer/",
    "/contract/",
    "/fee-survey/lang-survey/",  # a brand's workforce fee survey (see the test)
    "/complain/",
    "/complain/follow/",
    "/reviews/new/",
    "/reviews/my/",
    "/corridors/",  # with a survey stored (see the test): charts, tables of groups, rules, recruiters
    "/corridors/NP-QA/",
    "/open-data/",
    "/knowledge/",  # the search form lists the 23 GCM objectives
    "/sanctions/",  # with sanctions of every kind and state stored (see the test)
    "/verify/NP-DOFE-4242/",  # a profile with its sanctions
    "/verify/?q=Himal+Sathi",  # a search result with its sanctions
    "/no-such-page/",
]


class _Text(HTMLParser):
    """Text a reader sees: text nodes and the attributes a browser shows or reads aloud, except what a page marks
    as written in English on purpose (``lang="en"``: a rule's own text, a source's title) when the page is not."""

    SHOWN = {"placeholder", "title", "aria-label", "alt"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0
        self._open: list[tuple[str, bool]] = []  # open elements, and whether each is marked English
        self.html_attrs: dict[str, str | None] = {}

    def _english(self) -> bool:
        return any(english for _tag, english in self._open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_attrs = attributes
        if tag in ("script", "style"):
            self._skip += 1
        if tag not in self.VOID and tag != "html":
            self._open.append((tag, attributes.get("lang") == "en"))
        if not self._english():
            for name, value in attrs:
                if name in self.SHOWN and value:
                    self.chunks.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if any(t == tag for t, _e in self._open):
            while self._open and self._open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self._skip and data.strip() and not self._english():
            self.chunks.append(" ".join(data.split()))


def _render(client, path: str, lang: str | None):
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(path)
    assert response.status_code in (200, 404), f"{path} in {lang}: HTTP {response.status_code}"
    parser = _Text()
    parser.feed(response.content.decode())
    return parser


def _leaks(lang: str, chunks: list[str]) -> list[str]:
    """English catalogue strings shown as they are, although the catalogue translates them differently."""
    po = _catalogue(lang)
    english = {
        e.msgid
        for e in po
        if not e.obsolete
        and not e.msgid_plural
        and e.msgstr != e.msgid
        and "%" not in e.msgid
        and "{" not in e.msgid
    }
    found = []
    for chunk in chunks:
        parts = {chunk, chunk.rstrip(":").strip()}
        for msgid in english:
            if msgid in parts or (
                len(msgid) >= 12 and msgid in chunk and re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", chunk)
            ):
                found.append(f"{msgid!r} in {chunk[:80]!r}")
    return found


@pytest.fixture
def corridor_survey(db, tmp_path):
    """A small synthetic survey, so that the corridor pages show their charts and tables of groups."""
    from fairrecruit.evidence import generate, services

    path = generate.write_csv(tmp_path / "survey.csv", generate.survey_rows(300, seed=5))
    survey = services.survey_import(actor=None, path=path, title="Test survey (synthetic)", synthetic=True)
    assert survey.status == "imported", survey.report
    return survey


@pytest.fixture
def sanctions():
    """Sanctions of every kind and state: an order to repay (with an amount), a suspension in force, a revocation
    lifted on appeal, a ban of an unlicensed broker, one still to come."""
    import datetime as dt

    from fairrecruit.enforcement.services import sanction_impose, sanction_lift
    from fairrecruit.enforcement.tests.helpers import build, sanction_input

    r = build()
    day = dt.timedelta(days=1)
    impose = [
        sanction_input(r, kind="compensation", breaches=["overcharging", "records"]),
        sanction_input(r, kind="suspension", amount=None, currency="", effective_until=r["today"] + 30 * day,
                       breaches=["contract_substitution", "document_retention", "misleading_advertising"]),
        sanction_input(r, subject=r["twin"], kind="revocation", amount=None, currency="", licence=r["twin_a"],
                       breaches=["other"]),
        sanction_input(r, subject=r["broker"], kind="ban", amount=None, currency="", breaches=["unlicensed"]),
        sanction_input(r, kind="warning", amount=None, currency="", decided_on=r["today"],
                       effective_from=r["today"] + 3 * day),
        sanction_input(r, subject=r["twin"], kind="suspension", amount=None, currency="", licence=r["twin_b"],
                       decided_on=r["today"] - 60 * day, effective_from=r["today"] - 60 * day,
                       effective_until=r["today"] - 10 * day),
    ]
    made = [sanction_impose(user=None, organisation=None, data=d)[0] for d in impose]
    sanction_lift(user=None, organisation=None, sanction=made[2], lifted_on=r["today"], reason="appeal upheld")
    return r


@pytest.fixture
def fee_survey():
    from fairrecruit.core.models import OrganisationKind
    from fairrecruit.core.services import organisation_create
    from fairrecruit.supplychain.models import FeeSurvey

    brand = organisation_create(actor=None, name="Gulf Logistics W.L.L.", kind=OrganisationKind.EMPLOYER, country="QA")
    return FeeSurvey.objects.create(organisation=brand, title="Fee survey 2026", code="lang-survey")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_worker_pages_show_no_english_catalogue_string(client, lang, corridor_survey, sanctions, fee_survey):
    problems = []
    for path in WORKER_PAGES:
        page = _render(client, path, lang)
        assert page.html_attrs.get("lang") == lang, f"{path}: <html lang> is {page.html_attrs.get('lang')!r}"
        assert page.html_attrs.get("dir") == ("rtl" if lang == "ar" else "ltr"), (
            f"{path}: wrong dir in {lang}"
        )
        problems += [f"{path}: {leak}" for leak in _leaks(lang, page.chunks)]
    assert not problems, f"{lang}: English shown on a translated page:\n  " + "\n  ".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_contract_comparison_result_is_translated(client, lang):
    """The answer of Compare my contract (a POST): verdict, terms, wage gap, findings, next steps."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.post("/contract/", {
        "promised_wage_amount": "1400", "promised_wage_currency": "QAR", "actual_wage_amount": "1000",
        "actual_wage_currency": "QAR", "promised_contract_months": "24", "months_worked": "1",
        "promised_hours_per_day": "8", "actual_hours_per_day": "10", "promised_food": "yes", "actual_food": "no",
        "promised_rest_days_per_week": "1", "actual_rest_days_per_week": "1",
        "received": "after_arrival", "language_understood": "no"})
    assert response.status_code == 200
    page = _Text()
    page.feed(response.content.decode())
    assert page.html_attrs.get("lang") == lang
    leaks = _leaks(lang, page.chunks)
    assert not leaks, f"{lang}: English shown on the comparison:\n  " + "\n  ".join(leaks)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang, expected",
    [
        ("ne", ["मेरो शुल्क जाँच्नुहोस्", "जाँच्नुहोस्", "तपाईंले के-के तिर्नुभयो, हामीलाई बताउनुहोस्।"]),
        ("ar", ["افحص الرسوم التي دفعتها", "افحص", "أخبرنا بما دفعت."]),
    ],
)
def test_fee_check_page_is_translated(client, lang, expected):
    html = _render(client, "/check/", lang)
    text = "\n".join(html.chunks)
    for phrase in expected:
        assert phrase in text, f"/check/ in {lang} lacks {phrase!r}"
    for english in ("Check my fees", "What may they charge?", "Tell us what you paid.", "I come from"):
        assert english not in text, f"/check/ in {lang} still shows {english!r}"


@pytest.mark.django_db
def test_language_choice_is_remembered_in_a_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "bn", "next": "/check/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bn"
    page = _render(client, "/check/", None)  # no Accept-Language: only the cookie says Bengali
    assert page.html_attrs.get("lang") == "bn"
    assert "আমার খরচ যাচাই করুন" in page.chunks
