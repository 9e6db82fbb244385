"""The corridor profile as a PDF report (fpdf2), in the reader's language.

The report says what the corridor page says, with the same translated words: the indicator and its tables, the
distributions as bar charts, the fee rules in force (titles and summaries in the reader's language where
FairRecruit wrote them, sources in English as published), recruiters, certificates and complaints. The fonts
(``core/pdf_fonts.py``) draw every script the worker pages speak; Arabic is laid out right to left.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fairrecruit.core import pdf_fonts
from fairrecruit.core.countries import country_name
from fairrecruit.evidence import sdg, selectors
from fairrecruit.evidence.templatetags.evidence import (
    actor_kind,
    by_label,
    certificate_status,
    level,
    licence_status,
    months,
    sanction_kind,
)
from fairrecruit.standards.templatetags.fees import (
    cap_text,
    cost_labels,
    payee_labels,
    standard_title,
    sub_cap_text,
)

_BLUE, _RED, _GREY = pdf_fonts.BLUE, pdf_fonts.RED, pdf_fonts.GREY
_SERIES = {"F": (142, 59, 142), "M": (11, 79, 108), "X": (107, 78, 0)}
_T = pdf_fonts.text


def corridor_pdf(profile: dict[str, Any], language: str = "en") -> bytes:
    """The report of ``profile`` (``selectors.corridor_profile``) in ``language``."""
    with translation.override(language):
        return _corridor_pdf(profile)


def _corridor_pdf(p: dict[str, Any]) -> bytes:
    origin, destination = country_name(p["origin"]), country_name(p["destination"])
    pdf = pdf_fonts.Document()
    pdf.footer_text = _("FairRecruit corridor profile, page %(page)s")
    title = _("%(origin)s → %(destination)s: recruitment costs") % {"origin": origin, "destination": destination}
    pdf.set_title(_T(title))
    pdf.add_page()
    pdf.para(title, size=16, style="B", height=8)
    pdf.para(
        _("Corridor %(code)s. Rules in force on %(day)s.") % {"code": p["code"], "day": f"{p['day']:%Y-%m-%d}"}
        + f" {_('SDG indicator 10.7.1')}: {sdg.METADATA_URL}",
        size=9,
    )
    if p["synthetic"]:
        pdf.set_text_color(*_RED)
        pdf.para(_("Demo data: the survey behind these numbers is synthetic (generated), not real workers."), style="B")
        pdf.set_text_color(0, 0, 0)
    _indicator(pdf, p, destination)
    _rules(pdf, p["rules"])
    _recruiters(pdf, p["recruiters"], origin)
    _certificates(pdf, p.get("certification"), origin)
    _complaints(pdf, p.get("complaints"))
    return bytes(pdf.output())


def _stat_cells(r: dict[str, Any], min_cell: int) -> list[str]:
    if r.get("suppressed_reason") in ("complementary", "zero_cost"):  # so that a small group cannot be worked out
        return ["—", _("not shown"), "", "", ""]
    if r.get("suppressed"):
        return [f"< {min_cell}", _("not shown (too few workers)"), "", "", ""]
    return [
        number_format(r["n"], force_grouping=True),
        f"{months(r['mean'])} ({months(r['mean_ci_low'])}–{months(r['mean_ci_high'])})",
        months(r["median"]),
        months(r["q80"]),
        months(r["ratio_of_means"]),
    ]


def _stat_heads() -> list[str]:
    return [_("Workers"), _("Mean (95%% CI)") % {}, _("Median"), _("4th quintile"), _("Ratio of means*")]


_STAT_WIDTHS = (34, 22, 44, 26, 28, 36)


def _indicator(pdf: pdf_fonts.Document, p: dict[str, Any], destination: str) -> None:
    pdf.section(_("Months of earnings paid for the job"))
    overall = [r for r in p["stats"] if r["by"] == "all"]
    if not overall:
        pdf.para(_("No survey data for this corridor yet."))
    else:
        pdf.para(_("SDG indicator 10.7.1"), size=10, style="B")
        pdf.grid(
            [_("Workers who paid nothing"), *_stat_heads()],
            [
                [_("included") if r["zero_costs"] == "include" else _("left out"), *_stat_cells(r, p["min_cell"])]
                for r in overall
            ],
            _STAT_WIDTHS,
        )
        for dimension in selectors.PROFILE_DIMENSIONS:
            rows = [r for r in p["stats"] if r["by"] == dimension and r["zero_costs"] == "include"]
            if rows:
                pdf.ln(1)
                pdf.para(by_label(dimension), size=10, style="B")
                pdf.grid(
                    [_("Group"), *_stat_heads()],
                    [[level(r["group"]), *_stat_cells(r, p["min_cell"])] for r in rows],
                    _STAT_WIDTHS,
                )
        pdf.ln(1)
        pdf.set_text_color(*_GREY)
        pdf.para(
            _(
                "For every surveyed worker, the recruitment costs they paid are divided by their first month's "
                "earnings in %(destination)s (both converted at the same day's reference rate). The table shows the "
                "weighted mean, median and 4th quintile (80th percentile) of these ratios, as the UN metadata of SDG "
                "indicator 10.7.1 defines. Whether workers who paid nothing count is shown both ways. *The ratio of "
                "mean costs to mean earnings is shown only for comparison: it is not the indicator. Confidence "
                "intervals are for the mean (linearisation, assuming simple random sampling). Groups with fewer "
                "than %(min_cell)s workers are not shown."
            )
            % {"destination": destination, "min_cell": p["min_cell"]}
            + " "
            + _(
                "Where fewer than %(min_cell)s workers of a group paid nothing, how many did is not shown, nor the "
                "figures without them."
            )
            % {"min_cell": p["min_cell"]}
            + " "
            + _(
                "In the charts, a range with fewer than %(min_cell)s workers is merged with the next range that has "
                "workers (the one with fewer), and its bar is labelled with the whole range."
            )
            % {"min_cell": p["min_cell"]},
            size=8,
            height=4,
        )
        pdf.set_text_color(0, 0, 0)
        # The distributions hold only the groups whose statistics are published (selectors.withheld), as on the page.
        dist = p["distributions"]
        # One bar per published bin: bins of fewer than MIN_CELL workers come merged (selectors._safe_bins).
        ratio = selectors.histogram_bars("ratio", dist["ratio"], dist["ratio_by_sex"])
        cost = selectors.histogram_bars("cost", dist["cost"], dist["cost_by_sex"])
        _bars(pdf, _("Share of workers by months of earnings paid"), ratio, {d["bin"]: d["share"] for d in dist["ratio"]})
        _bars(pdf, _("Share of workers by costs paid (US dollars)"), cost, {d["bin"]: d["share"] for d in dist["cost"]})
        _bars_by_sex(pdf, ratio, dist["ratio_by_sex"])
        for s in p["surveys"]:
            label = f" ({_('synthetic')})" if s.synthetic else ""
            pdf.para(f"- {s.title}{label}; {s.producer or 'producer not given'}; {s.fx_rule}", size=8, height=4)
    if p["platform_n"]:
        pdf.ln(1)
        pdf.para(_("Cases assessed on FairRecruit"), size=10, style="B")
        n = p["platform_n"]
        pdf.para(
            ngettext(
                "%(n)s journey brought to FairRecruit: not a sample of all workers.",
                "%(n)s journeys brought to FairRecruit: not a sample of all workers.",
                n,
            )
            % {"n": n},
            size=9,
        )
        rows = [r for r in p["platform_stats"] if r["zero_costs"] == "include"]
        pdf.grid(
            [_("Group"), *_stat_heads()],
            [[level(r["group"]), *_stat_cells(r, p["min_cell"])] for r in rows],
            _STAT_WIDTHS,
        )


def _bars(pdf: pdf_fonts.Document, title: str, bars: list[tuple[int, str]], shares: dict[int, float]) -> None:
    """A bar per (first bin, label) of ``bars`` (``selectors.histogram_bars``), its share from ``shares`` by bin."""
    if not shares:
        return
    pdf.ln(2)
    pdf.para(title, size=9, style="B")
    pdf.set_font(pdf.family, "", 8)
    top = max(shares.values(), default=0.0) or 1.0
    for b, label in bars:
        _bar(pdf, _T(label), shares.get(b, 0.0), top, _BLUE, 4.5)


def _bars_by_sex(pdf: pdf_fonts.Document, bars: list[tuple[int, str]], dist: list[dict[str, Any]]) -> None:
    sexes = sorted({d["level"] for d in dist if d["level"] in _SERIES})
    if not sexes:
        return
    shares = {(d["level"], d["bin"]): d["share"] for d in dist}
    pdf.ln(2)
    pdf.para(
        f"{_('Women and men')} ({', '.join(level(s) for s in sexes)})",
        size=9,
        style="B",
    )
    pdf.set_font(pdf.family, "", 7)
    top = max(shares.values(), default=0.0) or 1.0
    for b, label in bars:
        for s in sexes:
            _bar(pdf, _T(f"{label} · {level(s)}"), shares.get((s, b), 0.0), top, _SERIES[s], 3.8)


def _bar(pdf: pdf_fonts.Document, label: str, share: float, top: float, colour: tuple[int, int, int], h: float) -> None:
    """One bar: its label in a 44 mm column next to the bar, the bar (100 mm for the largest share), then the
    percentage. Left to right, or mirrored in a right-to-left document as its paragraphs and tables are: the label at
    the right margin, the bar growing leftwards from it, the percentage on its left."""
    if pdf.will_page_break(h):  # the bar goes on the page its label goes on
        pdf.add_page()
    y = pdf.get_y()
    width = 100 * share / top
    rtl = pdf_fonts.align() == "R"
    right = pdf.w - pdf.r_margin
    pdf.set_x(right - 44 if rtl else pdf.l_margin)
    pdf.cell(44, h, label, align="L" if rtl else "R")
    if width > 0:
        pdf.set_fill_color(*colour)
        pdf.rect(right - 46 - width if rtl else pdf.l_margin + 46, y + 0.5, width, h - 1, style="F")
    pdf.set_x(right - 68 - width if rtl else pdf.l_margin + 48 + width)
    pdf.cell(20, h, f"{share * 100:.0f}%", new_x="LMARGIN", new_y="NEXT", align="R" if rtl else "L")


def _rules(pdf: pdf_fonts.Document, rules: list[dict[str, Any]]) -> None:
    language = translation.get_language() or "en"
    pdf.section(_("Fee rules in force today"))
    for r in rules:
        pdf.para(standard_title(r), size=10, style="B")
        if r["id"] == "ilo-zero-fee":
            if not r["found"]:
                pdf.para(_("No international zero-fee standard was published yet on that date."), size=9)
                continue
            pdf.para(
                _(
                    "International standards say: you should pay nothing. The employer should pay all "
                    "recruitment fees and costs."
                ),
                size=9,
            )
            for principle in r["principles"]:
                pdf.para(principle.label_in(language)[0], size=9)
                src = principle.source
                pdf.source(src.title, src.article, src.url, src.verified)
            continue
        if not r["found"]:
            pdf.para(
                _(
                    "FairRecruit does not know a rule for this country and date. This does not mean you may be "
                    "charged anything: ask a union, a migrant centre or the labour ministry."
                ),
                size=9,
            )
            continue
        rule, v = r["rule"], r["version"]
        pdf.para(rule.title_in(language)[0], size=9, style="B")
        pdf.para(rule.summary_in(language)[0], size=9)
        until = f"{v['until']:%Y-%m-%d}" if v.get("until") else _("today")
        pdf.para(f"{_('In force')}: {v['from']:%Y-%m-%d} – {until}", size=9)
        if v.get("prohibited"):
            pdf.para(f"{_('You must not pay')}: {cost_labels(v['prohibited_codes'])}", size=9)
        if v.get("capped"):
            pdf.para(
                f"{_('Together you may be charged')} {cap_text(v['cap_spec'])}: {cost_labels(v['capped_codes'])}",
                size=9,
            )
            for sub in v.get("sub_caps") or ():
                pdf.para(sub_cap_text(sub), size=9)
        if v.get("allowed"):
            pdf.para(f"{_('You may have to pay')}: {cost_labels(v['allowed_codes'])}", size=9)
        if v.get("payees"):
            pdf.para(f"{_('This rule binds payments to')}: {payee_labels(v['payees'])}", size=9)
        src = v["source"]
        pdf.source(src.title, src.article, src.url, src.verified)


def _recruiters(pdf: pdf_fonts.Document, rec: dict[str, Any], origin: str) -> None:
    pdf.section(_("Recruiters in %(origin)s") % {"origin": origin})
    if not rec["total"]:
        pdf.para(_("No recruiters of %(origin)s in the registry yet.") % {"origin": origin})
        return
    n = rec["total"]
    pdf.para(
        ngettext(
            "%(n)s recruiter in the FairRecruit registry.", "%(n)s recruiters in the FairRecruit registry.", n
        )
        % {"n": n}
    )
    pdf.para("; ".join(f"{actor_kind(k)}: {c}" for k, c in rec["by_kind"]), size=9)
    if rec["licences"]:
        pdf.para(
            f"{_('Licences by status:')} " + "; ".join(f"{licence_status(k)}: {c}" for k, c in rec["licences"]),
            size=9,
        )
    if rec.get("sanctions"):
        pdf.para(
            f"{_('Sanctions by regulators')}: " + "; ".join(f"{sanction_kind(k)}: {c}" for k, c in rec["sanctions"]),
            size=9,
        )


def _certificates(pdf: pdf_fonts.Document, cert: dict[str, Any] | None, origin: str) -> None:
    pdf.section(_("Certified recruiters of %(origin)s") % {"origin": origin})
    if cert is None:
        pdf.para(_("Certification is not run on this installation."))
        return
    if not cert["certificates"]:
        pdf.para(_("No certified recruiter of %(origin)s in the register yet.") % {"origin": origin})
        return
    pdf.grid(
        [_("Recruiter"), _("Certificate"), _("Status"), _("Valid until"), _("Corridors")],
        [
            [
                c["holder"],
                c["number"],
                certificate_status(c["status"]),
                f"{c['valid_until']:%Y-%m-%d}",
                (", ".join(c["scope"]) or _("all"))
                + ("" if c.get("covers", True) else f" ({_('not this corridor')})"),
            ]
            for c in cert["certificates"]
        ],
        (58, 34, 26, 26, 46),
    )


def _complaints(pdf: pdf_fonts.Document, complaints: dict[str, Any] | None) -> None:
    pdf.section(_("Complaints and remedies"))
    if complaints is None:
        pdf.para(_("The grievance mechanism is not run on this installation."))
        return
    row, m = complaints["row"], complaints["min_cell"]
    if row is None:
        pdf.para(_("No complaints about this corridor yet."))
        return

    def cell(c: Any) -> str:
        if c.suppressed:
            return _("fewer than %(m)s") % {"m": m}
        return "—" if c.value is None else str(c.value)

    pdf.grid(
        [_("Received"), _("Resolved"), _("Median days to resolution"), _("Recovered (USD)")],
        [[cell(row[k]) for k in ("received", "resolved", "median_days_to_resolution", "recovered_usd")]],
        (45, 45, 50, 50),
    )
    pdf.ln(1)
    pdf.para(
        _(
            "Complaints about recruitment in this corridor made through FairRecruit (web, SMS, partner hotlines). "
            "Figures based on fewer than %(m)s complaints are not shown, so that no worker can be recognised."
        )
        % {"m": m},
        size=8,
        height=4,
    )
