"""The certificate and the audit report as PDFs (fpdf2, pure Python, as ``evidence.pdf``), in English, with
names, findings and interview notes in the script they were written in (the fonts of ``core/pdf_fonts.py``:
Latin, Cyrillic, Devanagari, Bengali, Arabic, Burmese). The certificate carries a QR code (segno) to its verification page,
drawn as vector squares, and its Ed25519 signature."""

from __future__ import annotations

from fpdf import FPDF

from fairrecruit.certification.models import Audit, Certificate, Grade
from fairrecruit.core import pdf_fonts

_BLUE = (11, 79, 108)


_t = pdf_fonts.text
_FONT = pdf_fonts.FAMILY


def _doc(label: str) -> pdf_fonts.Document:
    """An English document (whatever the reader's language) whose footer says ``label`` and the page."""
    pdf = pdf_fonts.Document()
    pdf.set_lang("en")
    pdf.footer_text = label.replace("%", "%%") + " - page %(page)s"
    return pdf


def _line(pdf: FPDF, text: str, size: float = 10, style: str = "", h: float = 5) -> None:
    pdf.set_font(_FONT, style, size)
    pdf.multi_cell(0, h, _t(text), new_x="LMARGIN", new_y="NEXT", align="L")


def certificate_pdf(cert: Certificate, *, verify_url: str) -> bytes:
    pdf = _doc(f"Certificate {cert.number}")
    pdf.set_title(_t(f"Certificate {cert.number}"))
    pdf.add_page()
    pdf.set_draw_color(*_BLUE)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 194, 281)
    pdf.set_y(22)
    pdf.set_text_color(*_BLUE)
    pdf.set_font(_FONT, "B", 24)
    pdf.cell(0, 12, "Certificate of ethical recruitment", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(_FONT, "", 11)
    pdf.cell(
        0, 8, _t(f"Scheme: {cert.scheme.name} ({cert.scheme.code})"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(0, 6, _t(f"Standard: {cert.scheme.standard_title}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font(_FONT, "", 12)
    pdf.cell(0, 8, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "B", 20)
    pdf.multi_cell(0, 10, _t(cert.holder_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 10)
    pdf.cell(0, 6, _t(f"Registry record {cert.actor.identifier}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(_FONT, "", 12)
    pdf.multi_cell(
        0,
        7,
        _t(
            "was audited by an accredited auditor and found to conform to the criteria of the scheme, "
            f"for recruitment in the corridors {', '.join(cert.scope_corridors)} "
            f"and the sectors {', '.join(cert.scope_sectors)}."
        ),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    for label, value in (
        ("Certificate number", cert.number),
        ("Issued on", cert.issued_on.isoformat()),
        ("Valid until", cert.valid_until.isoformat()),
        ("Certification body", cert.body.organisation.name),
    ):
        pdf.set_x(40)
        pdf.set_font(_FONT, "B", 11)
        pdf.cell(50, 7, _t(label))
        pdf.set_font(_FONT, "", 11)
        pdf.cell(0, 7, _t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _line(
        pdf,
        "Validity depends on surveillance audits and on continuous monitoring of what workers report. "
        "Check the current status by scanning the code or at the address below.",
        9,
    )
    y = pdf.get_y() + 4
    pdf_fonts.draw_qr(pdf, verify_url, 80, y, 50)
    pdf.set_y(y + 54)
    _line(pdf, verify_url, 9, "B")
    pdf.ln(2)
    _line(pdf, f"Ed25519 signature (key {cert.key_id}) over the certificate's fields:", 8)
    pdf.set_font("Courier", "", 7)
    pdf.multi_cell(0, 3.5, _t(cert.signature), new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(pdf.output())


def audit_report_pdf(audit: Audit, *, per_interview: bool = True) -> bytes:
    """The audit report. ``per_interview=False`` (the recruiter's copy): interviews only as counts per answer,
    and only from ``selectors.INTERVIEW_MIN_AGGREGATE`` interviews up."""
    app = audit.application
    scheme = app.scheme
    pdf = _doc(f"Audit report {audit.pk}")
    pdf.set_title(_t(f"Audit report {audit.pk} - {app.actor.name}"))
    pdf.add_page()
    pdf.set_text_color(*_BLUE)
    _line(pdf, f"Audit report: {app.actor.name}", 16, "B", 8)
    pdf.set_text_color(0, 0, 0)
    _line(
        pdf,
        f"{audit.get_kind_display()} - scheme {scheme.name} ({scheme.code}), standard {scheme.standard_title}, "
        f"rule-set {scheme.ruleset_version}.",
        9,
    )
    _line(
        pdf,
        f"Certification body: {app.body.organisation.name}. Lead auditor: "
        f"{audit.lead_auditor.get_full_name() or audit.lead_auditor.get_username() if audit.lead_auditor else '-'}. "
        f"Dates: {audit.planned_start or '-'} to {audit.planned_end or '-'}. "
        f"Scope: {', '.join(app.scope_corridors)}; {', '.join(app.scope_sectors)}.",
        9,
    )
    team = [u.get_full_name() or u.get_username() for u in audit.team.all()]
    if team:
        _line(pdf, f"Audit team: {', '.join(team)}.", 9)
    _line(pdf, f"Status: {audit.get_status_display()}", 9)
    pdf.ln(3)
    _line(pdf, "Summary", 12, "B", 7)
    _line(pdf, audit.summary or "(no summary yet)", 10)
    findings = {f.criterion_id: f for f in audit.findings.prefetch_related("actions")}
    counts = {g: sum(1 for f in findings.values() if f.grade == g) for g in Grade.values}
    _line(
        pdf,
        "Findings: " + ", ".join(f"{Grade(g).label}: {n}" for g, n in counts.items()),
        10,
        "B",
    )
    pdf.ln(2)
    _line(pdf, "Findings by criterion", 12, "B", 7)
    for c in scheme.criteria:
        f = findings.get(c["id"])
        grade = Grade(f.grade).label if f else "not assessed"
        flag = "" if c.get("verified") else " [wording not verified against the source]"
        _line(pdf, f"{c['number']} {c['label']}{flag}: {grade}", 10, "B")
        if f and f.note:
            _line(pdf, f.note, 9)
        if f and f.from_interviews:
            _line(pdf, "Raised by worker interviews.", 8, "I")
        for a in f.actions.all() if f else []:
            _line(
                pdf,
                f"Corrective action ({a.get_status_display()}): {a.description} - owner {a.owner}, "
                f"deadline {a.deadline}"
                + (f"; verified: {a.verification_note}" if a.verification_note else ""),
                9,
            )
    pdf.ln(2)
    _line(pdf, "Worker interviews", 12, "B", 7)
    interviews = list(audit.interviews.all())
    _line(
        pdf,
        f"{len(interviews)} anonymous interviews; required sample {audit.sample_size} "
        f"(square root of {app.placements_per_year} placements, between {scheme.interview_min} and "
        f"{scheme.interview_max}).",
        9,
    )
    from fairrecruit.certification.selectors import INTERVIEW_MIN_AGGREGATE

    if per_interview:
        for iv in interviews:
            answers = ", ".join(f"{k}: {v}" for k, v in sorted(iv.answers.items()) if v)
            _line(pdf, f"{iv.code} ({iv.conducted_on}): {answers or '-'}", 9)
    elif len(interviews) < INTERVIEW_MIN_AGGREGATE:
        _line(pdf, f"Answers are not shown for fewer than {INTERVIEW_MIN_AGGREGATE} interviews.", 9, "I")
    else:
        agg: dict[str, dict[str, int]] = {}
        for iv in interviews:
            for k, v in iv.answers.items():
                if v:
                    agg.setdefault(k, {})[v] = agg.get(k, {}).get(v, 0) + 1
        for k in sorted(agg):
            _line(pdf, f"{k}: " + ", ".join(f"{v} {n}" for v, n in sorted(agg[k].items())), 9)
    if hasattr(audit, "decision"):
        d = audit.decision
        pdf.ln(2)
        _line(pdf, "Decision", 12, "B", 7)
        _line(
            pdf,
            f"{'Granted' if d.granted else 'Not granted'} on {d.decided_at:%Y-%m-%d} by "
            f"{d.decided_by.get_username()}: {d.reason}",
            10,
        )
    return bytes(pdf.output())
