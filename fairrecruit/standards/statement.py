"""A worker's fee statement as a PDF, in the worker's language.

"Check my fees" tells a worker what is owed back; the statement is the same answer on paper, to show a union, a
migrant workers' centre, the labour office or the recruiter: what the worker typed (the journey and every
payment), what each rule says of each payment and the amount owed under it, the rules' sources (marked where the
wording is only recalled), the other problems found, the exchange rates used and the rule set. It is made from the
engine's result and stored nowhere. The words are the page's (the same catalogue entries).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fairrecruit.core import pdf_fonts
from fairrecruit.core.auth import api_user, post_limited
from fairrecruit.core.conf import setting
from fairrecruit.core.countries import country_name
from fairrecruit.core.crypto import lookup_hash
from fairrecruit.core.links import absolute, public_base
from fairrecruit.core.money import money
from fairrecruit.core.openapi import ERROR_SCHEMA, json_response
from fairrecruit.standards import selectors
from fairrecruit.standards.forms import EVENT_LABELS, JourneyForm, PaymentForm
from fairrecruit.standards.loader import get_rules
from fairrecruit.standards.templatetags.fees import (
    finding_text,
    gap_texts,
    item_label,
    no_rule_text,
    payee_label,
    rule_summary,
    standard_title,
    verdict_label,
)

FILENAME = "fairrecruit-fee-statement.pdf"
DEFAULTS = {"FAIRRECRUIT_STATEMENT_RATE": "30/h"}


def resend_fields(request: HttpRequest, leave_out: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """What an answer page's "Download this as a PDF" form (``core/_statement_form.html``) sends again: the POST's
    fields, each value of each, without the CSRF token (the form adds its own) and ``leave_out``."""
    skip = {"csrfmiddlewaretoken", *leave_out}
    return [(k, v) for k, values in request.POST.lists() if k not in skip for v in values]


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A statement as a download, never kept by a cache on the way (it holds what the worker typed)."""
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["Cache-Control"] = "no-store"
    return resp


def api_language(request: HttpRequest) -> str | JsonResponse:
    """For the statement endpoints: the language asked (``?language=``, a site language, default en), or the
    refusal to send: 429 when an anonymous connection is over ``FAIRRECRUIT_STATEMENT_RATE`` (a partner's token is
    not limited: a hotline or app makes statements for many workers from one server), 400 for another language."""
    if api_user(request) is None and over_rate(request):
        return JsonResponse(
            {"errors": [{"field": "", "message": "too many statements from this connection: wait an hour"}]}, status=429
        )
    asked = request.GET.get("language") or "en"
    if asked not in {code for code, _name in settings.LANGUAGES}:
        return JsonResponse(
            {"errors": [{"field": "language", "message": "must be one of the site languages, e.g. en, ne"}]}, status=400
        )
    return asked


def api_openapi(body_schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI of a statement endpoint that takes ``body_schema``."""
    return {
        "parameters": [{"name": "language", "in": "query", "required": False, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body_schema}}},
        "responses": {
            "200": {"description": "The statement", "content": {"application/pdf": {}}},
            "400": json_response(ERROR_SCHEMA, "Bad input"),
            "429": json_response(ERROR_SCHEMA, "Too many statements from this connection"),
        },
    }


def over_rate(request: HttpRequest) -> bool:
    """Count one statement from this connection (a salted hash of its address, kept in the cache only); True when
    over ``FAIRRECRUIT_STATEMENT_RATE``: laying a statement out takes about a second of the server's time."""
    return post_limited(
        request,
        group="standards.statement",
        rate=setting(DEFAULTS, "FAIRRECRUIT_STATEMENT_RATE"),
        source=lambda _group, req: lookup_hash(req.META.get("REMOTE_ADDR") or "unknown", purpose="statement")[:32],
    )


def statement_pdf(
    journey: dict[str, Any], result: dict[str, Any], language: str, *, today: dt.date, complain: str | None = None
) -> bytes:
    """The statement of ``result`` (``services.assessment_compute`` of ``journey``) in ``language``; with
    ``complain`` (the complaint page's full address, see :func:`complaint_address`), how to complain when
    something is owed, as a link and a QR code."""
    with translation.override(language):
        pdf = begin(_("What you should get back"), _("FairRecruit fee statement, page %(page)s"), today)
        _journey(pdf, journey)
        _payments(pdf, result)
        _owed(pdf, result)
        _findings(pdf, result)
        pdf.para(f"{_('Rule set')} {result['ruleset_version']}.", size=8)
        owed = any((s.get("owed") or {}).get("amount") for s in result["standards"])
        return end(pdf, complain, ["fees"] if owed else [])


def begin(title: str, footer: str, today: dt.date) -> pdf_fonts.Document:
    """A worker's statement, started: its title, and that it was made from what the worker typed, on ``today``,
    and that making it stored nothing (also the contract comparison's statement). Not "nothing was stored": a
    worker who answered a brand's fee survey takes the same statement after their answer was recorded."""
    pdf = pdf_fonts.Document()
    pdf.footer_text = footer
    pdf.set_title(title)
    pdf.add_page()
    pdf.para(title, size=16, style="B", height=8)
    pdf.para(
        _("Made by FairRecruit on %(day)s from what you typed.") % {"day": today.isoformat()}
        + " "
        + _("Making this statement stored nothing you typed."),
        size=9,
    )
    return pdf


def end(pdf: pdf_fonts.Document, complain: str | None = None, categories: list[str] | None = None) -> bytes:
    """A worker's statement, finished: where to complain (when ``complain`` is given and there is something to
    complain about, ``categories`` ticked on the form, as a link and a QR code), what the statement is not, and
    whom to show it to."""
    if complain and categories:
        link = complain + "?" + urlencode([("category", c) for c in categories])
        pdf.ln(3)
        pdf.para(f"{_('Make a complaint')}: {_('a case code and PIN to follow it, no account needed.')}", style="B")
        pdf.para(link, size=9)
        size = 28.0
        if pdf.get_y() + size > pdf.h - 20:
            pdf.add_page()
        x = pdf.w - pdf.r_margin - size if pdf_fonts.align() == "R" else pdf.l_margin
        y = pdf.get_y() + 1
        pdf_fonts.draw_qr(pdf, link, x, y, size)
        pdf.set_y(y + size + 1)
    pdf.ln(3)
    pdf.para(
        _(
            "This statement is not a decision of a court or of a labour office. Show it, with your receipts, "
            "to a union, a migrant workers' centre or the labour office: they can help you claim the money."
        ),
        size=9,
        style="B",
    )
    return bytes(pdf.output())


def complaint_address(request: HttpRequest | None) -> str | None:
    """The complaint page's full address for a statement: on the public address (``FAIRRECRUIT_PUBLIC_URL``) or,
    when there is none, the request's; None from the command line without a public address."""
    path = reverse("grievances:new")
    if request is not None:
        return absolute(request, path)
    base = public_base()
    return base + path if base else None


def _journey(pdf: pdf_fonts.Document, j: dict[str, Any]) -> None:
    f = JourneyForm.base_fields
    pdf.section(_("Your job"))
    lines = [
        (f["origin"].label, country_name(j["origin"])),
        (f["destination"].label, country_name(j["destination"])),
        (f["occupation"].label, (j.get("occupation") or {}).get("title", "")),
        (f["recruitment_date"].label, j.get("recruitment_date", "")),
        (f["contract_months"].label, j.get("contract_months", "")),
        (f["promised_wage_amount"].label, money(*_amount(j.get("promised_wage")))),
        (f["earnings_amount"].label, money(*_amount(j.get("first_month_earnings")))),
        (f["events"].label, ", ".join(str(EVENT_LABELS.get(e["type"], e["type"])) for e in j.get("events") or [])),
    ]
    if j.get("domestic_work"):
        lines.append((f["domestic_work"].label, _("Yes")))
    for label, value in lines:
        if value not in ("", None):
            pdf.para(f"{label}: {value}", size=9)
    for r in j.get("recruiters") or []:
        pdf.para(f"{payee_label(r.get('role'))}: {r.get('name', '')}", size=9)


def _amount(value: dict[str, Any] | None) -> tuple[float | None, str | None]:
    return (value or {}).get("amount"), (value or {}).get("currency")


def _payments(pdf: pdf_fonts.Document, result: dict[str, Any]) -> None:
    f = PaymentForm.base_fields
    pdf.ln(2)
    pdf.grid(
        ["#", _("Paid for"), str(f["amount"].label), str(f["date"].label), str(f["paid_to"].label)],
        [
            [
                str(p["index"] + 1),
                _paid_for(p),
                money(p["amount"], p["currency"]),
                p.get("date") or "",
                payee_label(p.get("paid_to")),
            ]
            for p in result["payments"]
        ],
        (8, 80, 34, 26, 42),
    )
    if result.get("unclassified"):
        pdf.para(
            _("We could not tell what some payments were for. A person should look at them:")
            + " "
            + " ".join(f"#{i + 1}" for i in result["unclassified"]),
            size=9,
        )


def _paid_for(payment: dict[str, Any]) -> str:
    """What a payment was for: the engine's item in the reader's language, and the worker's words when other."""
    typed = (payment.get("purpose") or "").strip()
    if not payment.get("item"):
        return typed
    label = item_label(payment["item"])
    return label if not typed or typed.casefold() == label.casefold() else f"{label} ({typed})"


def _owed(pdf: pdf_fonts.Document, result: dict[str, Any]) -> None:
    pdf.section(_("What you should get back"))
    for s in result["standards"]:
        pdf.para(standard_title(s), size=11, style="B", height=6)
        if s["status"] == "no_rule":
            pdf.para(f"{no_rule_text(s)} {_('This does not mean any charge is allowed.')}", size=9)
            continue
        owed = s.get("owed") or {}
        if owed.get("amount"):
            usd = f" (≈ {money(round(owed['amount_usd']), 'USD')})" if owed.get("amount_usd") else ""
            label = _("Owed to you, at least") if s["status"] == "incomplete" else _("Owed to you")
            pdf.para(f"{label}: {money(owed['amount'], owed['currency'])}{usd}", size=10, style="B")
        elif s["status"] == "incomplete":
            pdf.para(_("We cannot say yet what is owed under this rule."), size=9)
        else:
            pdf.para(_("Nothing charged against this rule."), size=9)
        if s["status"] == "incomplete":
            pdf.para(f"{_('Only part of this could be checked:')} {'; '.join(gap_texts(s))}.", size=9)
        elif s.get("rule"):
            summary = rule_summary(s["rule"])
            pdf.para(summary["text"], size=9)
            if summary["translated"]:
                pdf.para(_("Translated by FairRecruit: the law's own text (see the source) is what counts."), size=8)
        pdf.grid(
            ["#", _("Paid for"), _("Verdict"), _("Owed")],
            [
                [
                    str(v["index"] + 1),
                    item_label(v["item"]) if v.get("item") else "",
                    verdict_label(v["verdict"]) + (f" ({_('needs review')})" if v.get("needs_review") else ""),
                    money(v["owed"], v["currency"]) if v.get("owed") else "",
                ]
                for v in s["payments"]
            ],
            (8, 70, 70, 42),
        )
        if s.get("rule"):
            src = s["rule"]["source"]
            pdf.source(src["title"], src["article"], src["url"], bool(src.get("verified")))
        for c in s.get("citations") or []:
            pdf.para(principle_label(c), size=9)
            pdf.source(c.get("standard", ""), c.get("article", ""), c.get("url", ""), bool(c.get("verified")))


def principle_label(cited: dict[str, Any]) -> str:
    """A cited principle's label in the reader's language where FairRecruit wrote one, else English."""
    found = get_rules().principles.get(cited.get("id", ""))
    return found.label_in(translation.get_language() or "en")[0] if found else str(cited.get("label", ""))


def _findings(pdf: pdf_fonts.Document, result: dict[str, Any]) -> None:
    if result.get("findings"):
        pdf.section(_("What else went wrong"))
        for f in result["findings"]:
            pdf.para(f"- {finding_text(f)}", size=9)
    months = (result.get("sdg_10_7_1") or {}).get("months")
    if months is not None:
        pdf.ln(2)
        pdf.para(
            _("You paid about %(m)s months of your first wage for this job.") % {"m": number_format(months, 1)},
            size=9,
        )
    rates = selectors.rates_used(result)
    if rates:
        pdf.para(_("Exchange rates used"), size=9, style="B")
        rate_lines(pdf, rates)


def rate_lines(pdf: pdf_fonts.Document, rates: list[dict[str, Any]]) -> None:
    """One small line per exchange rate used (``currency``, ``per_usd``, ``date``, ``source``), in the reader's
    language with the source as published (also the contract statement's)."""
    for t in rates:
        pdf.para(
            _("%(c)s: %(r)s per US dollar on %(d)s") % {"c": t["currency"], "r": t["per_usd"], "d": t["date"]}
            + f" ({t['source']})",
            size=8,
            height=4,
        )
