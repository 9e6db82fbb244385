"""The corridor profile as a PDF report (fpdf2, pure Python). Text is transliterated to Latin (anyascii) so the
built-in PDF fonts can show every rule title and source, in any script, without shipping font files. The report
is written in English whatever the reader's language (the pages are translated; a Latin-only font could not show
most of the workers' scripts)."""

from __future__ import annotations

from typing import Any

from anyascii import anyascii
from django.utils import translation
from fpdf import FPDF

from fairrecruit.evidence import sdg
from fairrecruit.evidence.selectors import COST_EDGES, RATIO_EDGES
from fairrecruit.registry.models import ActorKind, LicenceStatus

_BLUE = (11, 79, 108)
_SERIES = {"F": (142, 59, 142), "M": (11, 79, 108), "X": (107, 78, 0)}


def _t(text: Any) -> str:
    return anyascii(str(text)).encode("latin-1", "replace").decode("latin-1")


def _num(v: float | None, digits: int = 1) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, _t(f"FairRecruit corridor profile - page {self.page_no()}"), align="C")


def corridor_pdf(profile: dict[str, Any]) -> bytes:
    with translation.override("en"):
        return _corridor_pdf(profile)


def _corridor_pdf(profile: dict[str, Any]) -> bytes:
    ratio_labels = sdg.bin_labels(RATIO_EDGES)
    cost_labels = sdg.bin_labels(COST_EDGES, prefix="$")
    pdf = _Report(format="A4")
    pdf.set_title(_t(f"Recruitment costs {profile['origin_name']} to {profile['destination_name']}"))
    pdf.set_author("FairRecruit")
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(
        0,
        8,
        _t(f"Recruitment costs: {profile['origin_name']} to {profile['destination_name']}"),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        _t(
            f"Corridor {profile['code']}. Rules as in force on {profile['day']:%Y-%m-%d}. "
            f"SDG indicator 10.7.1 (metadata {sdg.METADATA_VERSION}): {sdg.METADATA_URL}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    if profile["synthetic"]:
        pdf.set_text_color(164, 0, 15)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(
            0,
            5,
            "DEMO DATA: the survey behind these numbers is synthetic (generated), not real workers.",
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
        pdf.set_text_color(0, 0, 0)
    _section(pdf, "Months of earnings paid for the job (SDG 10.7.1)")
    overall = [r for r in profile["stats"] if r["by"] == "all"]
    if not overall:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(
            0, 5, "No survey data for this corridor yet.", new_x="LMARGIN", new_y="NEXT", align="L"
        )
    else:
        _stats_table(pdf, [r for r in profile["stats"] if r["by"] in ("all", "sex")])
        pdf.set_font("Helvetica", "", 8)
        pdf.multi_cell(
            0,
            4,
            _t(
                "Per-worker ratio of costs to first-month earnings, then weighted mean, median and "
                "4th quintile (80th percentile). Ratio of means is shown only for comparison. "
                f"Groups with fewer than {profile['min_cell']} workers are not shown."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
        dist = profile["distributions"]
        _bars(pdf, "Share of workers by months of earnings paid", ratio_labels, dist["ratio"])
        _bars(pdf, "Share of workers by costs paid (US dollars)", cost_labels, dist["cost"])
        _bars_by_sex(pdf, "Months of earnings paid, women and men", ratio_labels, dist["ratio_by_sex"])
    _section(pdf, "Fee rules in force")
    for r in profile["rules"]:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, _t(r["title"]), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("Helvetica", "", 9)
        for line in _rule_lines(r):
            pdf.multi_cell(0, 4.5, _t(line), new_x="LMARGIN", new_y="NEXT", align="L")
    _section(pdf, "Recruiters of the origin country in the registry")
    rec = profile["recruiters"]
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        5,
        _t(f"{rec['total']} recruiters known. " + "; ".join(f"{ActorKind(k).label}: {n}" for k, n in rec["by_kind"])),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    if rec["licences"]:
        pdf.multi_cell(
            0,
            5,
            _t("Licences: " + "; ".join(f"{LicenceStatus(k).label}: {n}" for k, n in rec["licences"])),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
    _section(pdf, "Certified recruiters of the origin country")
    pdf.set_font("Helvetica", "", 10)
    for line in _certification_lines(profile.get("certification")):
        pdf.multi_cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT", align="L")
    _section(pdf, "Complaints and remedies")
    pdf.set_font("Helvetica", "", 10)
    for line in _complaint_lines(profile.get("complaints")):
        pdf.multi_cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT", align="L")
    _section(pdf, "Sources of the data")
    pdf.set_font("Helvetica", "", 9)
    for s in profile["surveys"]:
        label = " (SYNTHETIC demo data)" if s.synthetic else ""
        pdf.multi_cell(
            0,
            4.5,
            _t(f"- {s.title}{label}; {s.producer or 'producer not given'}; {s.fx_rule}"),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
    if profile["platform_n"]:
        pdf.multi_cell(
            0,
            4.5,
            _t(
                f"- {profile['platform_n']} fee assessments stored on FairRecruit (cases brought "
                "to the platform, not a sample)."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
    return bytes(pdf.output())


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.set_text_color(*_BLUE)
    pdf.multi_cell(0, 6, _t(title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)


def _stats_table(pdf: FPDF, rows: list[dict[str, Any]]) -> None:
    head = ("Zero costs", "Group", "Workers", "Mean (95% CI)", "Median", "4th quintile", "Ratio of means*")
    widths = (22, 26, 18, 44, 20, 24, 28)
    pdf.set_font("Helvetica", "B", 8)
    for h, w in zip(head, widths, strict=True):
        pdf.cell(w, 5, h, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for r in rows:
        if r.get("suppressed"):
            cells = (r["zero_costs"], r["group"], "<5", "not shown", "", "", "")
        else:
            ci = f"{_num(r['mean'])} ({_num(r['mean_ci_low'])}-{_num(r['mean_ci_high'])})"
            cells = (
                r["zero_costs"],
                r["group"],
                f"{r['n']:,}",
                ci,
                _num(r["median"]),
                _num(r["q80"]),
                _num(r["ratio_of_means"]),
            )
        for c, w in zip(cells, widths, strict=True):
            pdf.cell(w, 5, _t(c))
        pdf.ln()


def _bars(pdf: FPDF, title: str, labels: list[str], dist: list[dict[str, Any]]) -> None:
    shares = {d["bin"]: d["share"] for d in dist}
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 9)
    pdf.multi_cell(0, 5, _t(title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font("Helvetica", "", 8)
    top = max(shares.values()) if shares else 1.0
    for i, label in enumerate(labels):
        v = shares.get(i, 0.0)
        y = pdf.get_y()
        pdf.cell(32, 4.5, _t(label), align="R")
        pdf.set_fill_color(*_BLUE)
        w = 110 * v / top if top else 0
        if w > 0:
            pdf.rect(pdf.l_margin + 34, y + 0.5, w, 3.5, style="F")
        pdf.set_x(pdf.l_margin + 36 + w)
        pdf.cell(20, 4.5, f"{v * 100:.0f}%", new_x="LMARGIN", new_y="NEXT", align="L")


def _bars_by_sex(pdf: FPDF, title: str, labels: list[str], dist: list[dict[str, Any]]) -> None:
    levels = sorted({d["level"] for d in dist if d["level"] in _SERIES})
    if not levels:
        return
    shares = {(d["level"], d["bin"]): d["share"] for d in dist}
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 9)
    pdf.multi_cell(
        0,
        5,
        _t(title + " (" + ", ".join({"F": "women", "M": "men", "X": "other"}[s] for s in levels) + ")"),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.set_font("Helvetica", "", 7)
    top = max(shares.values()) if shares else 1.0
    for i, label in enumerate(labels):
        for s in levels:
            v = shares.get((s, i), 0.0)
            y = pdf.get_y()
            pdf.cell(32, 3.6, _t(f"{label} {s}"), align="R")
            pdf.set_fill_color(*_SERIES[s])
            w = 110 * v / top if top else 0
            if w > 0:
                pdf.rect(pdf.l_margin + 34, y + 0.4, w, 2.8, style="F")
            pdf.set_x(pdf.l_margin + 36 + w)
            pdf.cell(20, 3.6, f"{v * 100:.0f}%", new_x="LMARGIN", new_y="NEXT", align="L")


def _rule_lines(r: dict[str, Any]) -> list[str]:
    out = []
    if r["id"] == "ilo-zero-fee":
        if r["found"]:
            out.append("Workers should pay no recruitment fees or related costs; the employer pays.")
            for p in r["principles"]:
                out.append(
                    f"{p.label} - {p.source.title}, {p.source.article}: {p.source.url}"
                    + ("" if p.source.verified else " (wording recalled, not checked)")
                )
        return out
    if not r["found"]:
        return [
            "No rule known to FairRecruit for this country and date (this does not mean any charge is allowed)."
        ]
    v = r["version"]
    out.append(f"{r['rule'].title}: {r['rule'].summary}")
    if v["cap"]:
        out.append(f"Cap: {v['cap']}")
    src = v["source"]
    out.append(
        f"Source: {src.title}, {src.article}: {src.url}"
        + ("" if src.verified else " (wording recalled, not checked)")
    )
    return out


def _certification_lines(cert: dict[str, Any] | None) -> list[str]:
    if cert is None:
        return ["Certification is not run on this installation."]
    if not cert["certificates"]:
        return ["No certified recruiter of this country in the register yet."]
    from fairrecruit.certification.models import CertificateStatus  # installed, or cert would be None

    return [
        f"- {c['holder']} ({c['identifier']}): certificate {c['number']}, {str(CertificateStatus(c['status']).label).lower()}, valid "
        f"until {c['valid_until']:%Y-%m-%d}; corridors: {', '.join(c['scope']) or 'all'}"
        for c in cert["certificates"]
    ]


def _complaint_lines(complaints: dict[str, Any] | None) -> list[str]:
    if complaints is None:
        return ["The grievance mechanism is not run on this installation."]
    row, m = complaints["row"], complaints["min_cell"]
    if row is None:
        return ["No complaints about this corridor yet."]

    def cell(c: Any) -> str:
        return f"fewer than {m}" if c.suppressed else ("-" if c.value is None else str(c.value))

    return [
        f"Received: {cell(row['received'])}; resolved: {cell(row['resolved'])}; median days to resolution: "
        f"{cell(row['median_days_to_resolution'])}; recovered (USD): {cell(row['recovered_usd'])}.",
        f"Figures based on fewer than {m} complaints are not shown.",
    ]
