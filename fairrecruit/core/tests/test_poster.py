"""The public poster of the worker pages (``/poster/``): no account, the site's address as a QR code, what the site
answers in each language asked, each section in its own language and direction; a bad ``lang`` is named."""

from __future__ import annotations

import segno
from django.test import Client
from django.utils import translation


def test_poster_shows_the_site_address_as_a_qr_code_in_each_language_asked(client: Client) -> None:
    resp = client.get("/poster/", {"lang": ["bn", "ar", "en"]})
    html = resp.content.decode()
    assert resp.status_code == 200
    link = "http://testserver/"
    assert segno.make(link, error="m").svg_inline(scale=6, title=link) in html and f"<strong>{link}</strong>" in html
    for lang, direction in (("bn", "ltr"), ("ar", "rtl"), ("en", "ltr")):
        with translation.override(lang):
            heading = translation.gettext("Did you pay for your job abroad?")
            scan = translation.gettext("Scan with your phone's camera, or type this address:")
        section = html.split(f'<section lang="{lang}" dir="{direction}">')[1].split("</section>")[0]
        assert heading in section and scan in section
    assert html.count("<section lang=") == 3
    # the languages asked are ticked, so the next print starts from them
    assert 'value="bn" checked' in html and 'value="ne" checked' not in html


def test_poster_in_english_by_default_and_bad_languages_named(client: Client) -> None:
    html = client.get("/poster/").content.decode()
    assert html.count("<section lang=") == 1 and '<section lang="en" dir="ltr">' in html
    bad = client.get("/poster/", {"lang": ["ne", "zz"]}, HTTP_ACCEPT_LANGUAGE="ne")
    assert bad.status_code == 400
    with translation.override("ne"):
        message = translation.gettext("lang: %(code)s is not one of FairRecruit's languages (%(list)s)")
    assert message.split("%(code)s")[0].replace("'", "&#x27;") in bad.content.decode()
    many = client.get("/poster/", {"lang": ["en", "ne", "bn", "hi", "ar"]})
    assert many.status_code == 400 and "at most 4 languages" in many.content.decode()
    assert many.content.decode().count("<section lang=") == 4


def test_every_page_links_to_the_poster(client: Client) -> None:
    assert b'href="/poster/"' in client.get("/").content
