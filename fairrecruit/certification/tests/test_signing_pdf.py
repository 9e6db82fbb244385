"""Certificates are signed (a changed field is detected) and the certificate and audit report PDFs render."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from django.test import Client
from pypdf import PdfReader

from fairrecruit.certification import signing
from fairrecruit.certification.models import Certificate
from fairrecruit.certification.tests.factories import World
from fairrecruit.core import pdf_fonts
from tests.pdfs import render, text_and_fonts


def test_tampered_field_shows_signature_invalid(world: World, client: Client) -> None:
    cert = world.certified()
    assert signing.verify_certificate(cert)
    page = client.get(f"/certification/verify/{cert.number}/").content.decode()
    assert "Signature valid" in page and "Signature invalid" not in page
    Certificate.objects.filter(pk=cert.pk).update(valid_until="2099-12-31")  # someone edits the database
    page = client.get(f"/certification/verify/{cert.number}/").content.decode()
    assert "Signature invalid" in page
    assert client.get(f"/api/v1/certification/verify/{cert.number}").json()["signature_valid"] is False
    Certificate.objects.filter(pk=cert.pk).update(
        valid_until=cert.valid_until, scope_corridors=["NP-QA", "NP-AE", "NP-SA"]
    )
    assert not signing.verify_certificate(Certificate.objects.get(pk=cert.pk))


def test_signature_depends_on_the_key(world: World, settings: object) -> None:
    cert = world.certified()
    settings.FAIRRECRUIT_CERT_SIGNING_KEY = "11" * 32  # type: ignore[attr-defined]
    assert not signing.using_development_key()
    assert not signing.verify_certificate(cert)
    fields = signing.canonical_fields(cert)
    assert signing.verify(fields, signing.sign(fields))
    assert not signing.verify(fields, "not-a-signature")


def test_unknown_certificate_is_404(client: Client, db: object) -> None:
    r = client.get("/certification/verify/NOPE-1/")
    assert r.status_code == 404 and "It may be false" in r.content.decode()
    assert client.get("/api/v1/certification/verify/NOPE-1").status_code == 404


def _png_of_first_page(data: bytes, tmp_path: Path) -> Path:
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(src), str(tmp_path / "page")], check=True
    )
    pngs = sorted(tmp_path.glob("page*.png"))
    assert pngs, "pdftoppm made no PNG"
    return pngs[0]


def test_certificate_pdf_renders_with_qr(world: World, client: Client, tmp_path: Path) -> None:
    cert = world.certified()
    r = client.get(f"/certification/certificates/{cert.number}/certificate.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert cert.number in text and f"/certification/verify/{cert.number}/" in text
    png = _png_of_first_page(r.content, tmp_path)
    assert png.stat().st_size > 1000 and png.read_bytes().startswith(b"\x89PNG")


def test_audit_report_pdf_renders(world: World, client: Client, tmp_path: Path) -> None:
    audit = world.conduct(world.planned_audit(), fee_reports=1)
    client.force_login(world.manager)
    r = client.get(f"/certification/audits/{audit.pk}/report.pdf")
    assert r.status_code == 200
    reader = PdfReader(io.BytesIO(r.content))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Himalaya Manpower" in text and "W01" in text and "Major non-conformity" in text
    png = _png_of_first_page(r.content, tmp_path)
    assert png.stat().st_size > 1000


def test_qr_is_drawn_module_by_module() -> None:
    import segno
    from fpdf import FPDF

    url = "https://example.org/certification/verify/IRIS-FR-2026-000001/"
    doc = FPDF()
    doc.set_compression(False)
    doc.add_page()
    pdf_fonts.draw_qr(doc, url, 10, 10, 50)
    dark = sum(sum(1 for m in row if m) for row in segno.make(url, error="m").matrix_iter(scale=1, border=4))
    assert bytes(doc.output()).count(b" re f") == dark + 1  # every dark module, plus the white background


def _fonts_and_errors(data: bytes, tmp_path: Path) -> tuple[set[str], str]:
    _pages, errors = render(data, tmp_path / "all")
    return text_and_fonts(data)[1], errors


def test_names_keep_their_script_in_the_certificate_and_the_audit_report(
    world: World, client: Client, tmp_path: Path
) -> None:
    """A recruiter named in Nepali or Bengali is printed as written, not transliterated to Latin letters."""
    cert = world.certified()
    cert.holder_name = "नेपाल सेवा मानव संसाधन"
    cert.save(update_fields=["holder_name"])
    r = client.get(f"/certification/certificates/{cert.number}/certificate.pdf")
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert "नेपाल" in text and "nepal" not in text.lower()
    fonts, errors = _fonts_and_errors(r.content, tmp_path)
    assert "NotoSansDevanagariBold" in fonts and "Error" not in errors, errors

    audit = world.conduct(world.planned_audit(), fee_reports=1)
    actor = audit.application.actor
    actor.name = "ঢাকা ওভারসিজ"
    actor.save(update_fields=["name"])
    client.force_login(world.manager)
    r = client.get(f"/certification/audits/{audit.pk}/report.pdf")
    assert r.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Dhaka" not in text and "W01" in text
    fonts, errors = _fonts_and_errors(r.content, tmp_path)
    assert "NotoSansBengaliBold" in fonts and "Error" not in errors, errors
