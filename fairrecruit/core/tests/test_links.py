"""The site's public address (FAIRRECRUIT_PUBLIC_URL) in links that leave the page: posters' QR codes,
certificates, e-mails and SMS replies; a mistyped address is refused by the system check."""

from __future__ import annotations

from typing import Any

import pytest
import segno
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory

from fairrecruit.certification.views import verify_url
from fairrecruit.core.links import check_public_urls
from fairrecruit.grievances.notifications import public_base

PUBLIC = "https://fairrecruit.example"


def test_the_poster_qr_code_carries_the_public_address_not_the_requests(client: Client, settings: Any) -> None:
    settings.FAIRRECRUIT_PUBLIC_URL = PUBLIC + "/"
    html = client.get("/poster/").content.decode()  # the request came to http://testserver/
    link = PUBLIC + "/"
    assert segno.make(link, error="m").svg_inline(scale=6, title=link) in html and f"<strong>{link}</strong>" in html
    assert "testserver" not in html


def test_an_apps_own_address_wins_and_the_sites_is_the_fallback(settings: Any) -> None:
    request = RequestFactory().get("/")
    assert verify_url(request, "FR-C-1") == "http://testserver/certification/verify/FR-C-1/"
    assert public_base() == ""  # no address known: e-mails and SMS replies leave the link out
    settings.FAIRRECRUIT_PUBLIC_URL = PUBLIC
    assert verify_url(request, "FR-C-1") == PUBLIC + "/certification/verify/FR-C-1/"
    assert public_base() == PUBLIC
    settings.FAIRRECRUIT_CERT_PUBLIC_URL = "https://verify.example/"
    settings.FAIRRECRUIT_GRIEVANCE_PUBLIC_URL = "https://cases.example"
    assert verify_url(request, "FR-C-1") == "https://verify.example/certification/verify/FR-C-1/"
    assert public_base() == "https://cases.example"


def test_an_address_without_scheme_or_with_a_path_is_refused_at_start(settings: Any) -> None:
    for good in ("", "https://fairrecruit.org", "http://127.0.0.1:8000/"):
        settings.FAIRRECRUIT_PUBLIC_URL = good
        assert check_public_urls() == [], good
    for bad in ("fairrecruit.org", "https://fairrecruit.org/app", "ftp://fairrecruit.org", "https://x.org/?a=1"):
        settings.FAIRRECRUIT_PUBLIC_URL = bad
        found = check_public_urls()
        assert [e.id for e in found] == ["fairrecruit.E101"] and "FAIRRECRUIT_PUBLIC_URL" in found[0].msg, bad
    settings.FAIRRECRUIT_PUBLIC_URL = ""
    settings.FAIRRECRUIT_CERT_PUBLIC_URL = "verify.example"
    with pytest.raises(SystemCheckError, match="FAIRRECRUIT_CERT_PUBLIC_URL='verify.example' is not a site address"):
        call_command("check")
