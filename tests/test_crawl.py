"""Every page reachable by following links from the home page, with the demo data, as a visitor without an account
(in English, Nepali and Arabic) and as each demo user, answers without a server error, and no link on our own pages
leads to a missing page or to one its reader may not open; each page is a whole page with a title, in the language
asked for and in its direction (Arabic right to left). Real HTTP through Django's test client; one GET per URL
shape (ids replaced), so that a register of thousands of organisations is sampled, not walked. GET forms
(searches, filters) are submitted filled in, as links; every page whose link has a query is also asked for with each
of BAD_VALUES in every parameter; POST forms with fields are sent with each of BAD_VALUES (the first is nothing) in
every field. A form must answer with a message, not a server error. Bad values go once to each form and query shape
per language and per kind of reader (a visitor, or someone signed in): the demo users share them, since a view that
branches on its reader does so on whether one is signed in, and a form only some roles see is still sent to by the
first of them to see it."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from fairrecruit.core.management.commands.demo import DEMO_PASSWORD
from fairrecruit.evidence.selectors import CACHE_DEFAULTS

# Committed, as a real demo's data is: PostgreSQL's autovacuum, which cannot see a test transaction's rows, would
# otherwise record these tables as empty while the pages read them, and the planner would pick nested loops.
pytestmark = pytest.mark.django_db(transaction=True)

# every demo account: core (demo), certification (body, auditors, recruiters, scheme owner), evidence (researchers)
USERS = ("brand", "union", "regulator", "staff", "certbody", "auditor", "recruiter", "schemeowner", "researcher")
PER_SHAPE = 1  # pages fetched per URL shape
MAX_PAGES = 400  # per visitor
SKIP = re.compile(r"^/(static|media)/|/logout/|^/admin/")


# What a hurried, mistaken or hostile sender puts in every field of a POST form, one value per send: nothing, a
# number too big for any column, a negative one, not-a-number, a day that does not exist, a NUL character (which
# PostgreSQL refuses to store), a text too long for any column, Arabic-Indic digits, markup.
BAD_VALUES = ("", "9" * 40, "-1", "NaN", "2024-02-30", "a\x00b", "x" * 5000, "٣٤", "<b>'\"</b>")
SAMPLE = {"number": "1", "date": "2024-01-01", "month": "2024-01", "email": "someone@example.org", "url": "https://example.org/"}


class _Links(HTMLParser):
    """The links of a page; its GET forms filled in (text fields with a sample word, the first option of each list,
    hidden fields and ticked boxes as they are) as the URLs they would open; and its POST forms that have fields to
    fill in (not bare buttons such as "log out"), with their hidden fields, to be sent with those fields empty."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.posts: list[tuple[str, dict[str, str], list[str]]] = []  # action, hidden fields, fields to fill
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._post: tuple[str, dict[str, str], list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form":
            if a.get("method", "get").lower() == "get":
                self._form = (a.get("action", ""), [])
            else:
                self._post = (a.get("action", ""), {}, [])
        elif self._post is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = a.get("type", "text").lower() if tag == "input" else tag
            if kind == "hidden":
                self._post[1][a["name"]] = a.get("value", "")
            elif kind not in ("submit", "button", "image", "reset"):
                self._post[2].append(a["name"])
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "password") or (
                kind in ("checkbox", "radio") and "checked" not in a
            ):
                return
            value = a.get("value") or ("" if kind in ("hidden", "checkbox", "radio") else SAMPLE.get(kind, "Nepal"))
            self._form[1].append((a["name"], value))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
        elif self._select is not None and tag == "option":
            self._form[1].append((self._select, a.get("value", "")))  # type: ignore[index]
            self._select = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            action, fields = self._form
            self.hrefs.append(action + ("&" if "?" in action else "?") + urlencode(fields))
            self._form = None
        elif tag == "form" and self._post is not None:
            if self._post[2]:
                self.posts.append(self._post)
            self._post = None


def _shape(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>", parts.path)
    path = re.sub(r"/corridors/[A-Z]{2}-[A-Z]{2}/", "/corridors/<corridor>/", path)
    path = re.sub(r"/GR-[A-Z0-9]{4}-[A-Z0-9]{4}/", "/<case>/", path)
    # the 31 fee-check examples, each with a statement PDF (a second to lay out): one here, every one in
    # standards/tests/test_statement.py
    path = re.sub(r"^/check/examples/[^/]+/", "/check/examples/<example>/", path)
    path = re.sub(r"\d+", "<n>", path)
    return path + ("?" + "&".join(sorted(k.split("=")[0] for k in parts.query.split("&"))) if parts.query else "")


def _crawl(client: Client, starts: list[str], tested: set[tuple[str, ...]] | None = None, **headers: str) -> dict[str, int]:
    tested = set() if tested is None else tested  # (method, shape, fields) already sent bad values, across crawls
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    broken: list[str] = []
    wrong: list[str] = []
    posted = 0
    queue = deque((u, "(start)") for u in starts)
    while queue and len(seen) < MAX_PAGES:
        url, source = queue.popleft()
        if url in seen:
            continue
        shape = _shape(url)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        resp = client.get(url, **headers)
        seen[url] = resp.status_code
        if resp.status_code >= 500 or resp.status_code in (403, 404):  # a link we show must lead somewhere
            broken.append(f"{url} -> {resp.status_code} (linked from {source})")
            continue
        query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
        if query and ("GET", shape) not in tested:
            tested.add(("GET", shape))
        else:
            query = []
        for value in BAD_VALUES if query else ():  # this page with each bad value in every parameter of its query
            sent = client.get(urlsplit(url).path, dict.fromkeys((k for k, _ in query), value), **headers)
            posted += 1
            if sent.status_code >= 500:
                broken.append(f"{url} with {value[:12]!r} in every parameter -> {sent.status_code}")
        if resp.status_code in (301, 302, 303):
            target = urljoin(url, resp["Location"])
            if urlsplit(target).netloc in ("", "testserver"):
                queue.append((urlsplit(target).path + (f"?{urlsplit(target).query}" if urlsplit(target).query else ""), url))
            continue
        if "text/html" not in resp.get("Content-Type", ""):
            continue
        html = resp.content.decode("utf-8", "replace")
        language = headers.get("HTTP_ACCEPT_LANGUAGE", "en")
        direction = "rtl" if language == "ar" else "ltr"
        ours = not url.startswith("/api/")  # the API's documentation page is django-ninja's
        if ours and (f'<html lang="{language}" dir="{direction}">' not in html or not re.search(r"<title>[^<]+</title>", html)):
            wrong.append(f"{url}: not a whole page in {language} ({direction}) with a title")
        parser = _Links()
        parser.feed(html)
        for action, hidden, names in parser.posts:
            target = urljoin(url, action or url)
            key = ("POST", _shape(target), *sorted(names))
            if urlsplit(target).netloc not in ("", "testserver") or key in tested:
                continue
            tested.add(key)
            for value in BAD_VALUES:
                sent = client.post(urlsplit(target).path, {**hidden, **dict.fromkeys(names, value)}, **headers)
                posted += 1
                if sent.status_code >= 500:
                    broken.append(f"POST {target} with {value[:12]!r} in every field -> {sent.status_code} "
                                  f"(form on {url})")
        for href in parser.hrefs:
            absolute = urljoin(url, urldefrag(href)[0])
            parts = urlsplit(absolute)
            if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
                continue  # mailto:, tel:, other sites
            if SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append((target, url))
    assert not broken, "\n".join(broken)
    assert not wrong, "\n".join(wrong)
    print(f"crawl {starts} {headers}: {len(seen)} pages, {posted} forms and queries sent with bad values")
    return seen


@pytest.fixture
def demo() -> None:
    call_command("demo", "--no-serve")


def test_every_linked_page_answers_for_visitors_and_each_demo_user(demo: None, settings: Any) -> None:
    # The corridor figures and reports are cached as in production (the demo data does not change during the
    # crawl): each report is laid out once per language, not once per reader.
    settings.FAIRRECRUIT_CORRIDOR_CACHE_SECONDS = CACHE_DEFAULTS["FAIRRECRUIT_CORRIDOR_CACHE_SECONDS"]
    visitor = Client(raise_request_exception=False)
    english = _crawl(visitor, ["/"])
    assert len(english) > 40, sorted(english)
    for language in ("ne", "ar"):  # a translation that breaks a template fails only in its language
        assert len(_crawl(Client(raise_request_exception=False), ["/"], HTTP_ACCEPT_LANGUAGE=language)) > 40
    signed_in: set[tuple[str, ...]] = set()  # bad values sent by one demo user are not sent again by the next
    for username in USERS:
        client = Client(raise_request_exception=False)
        assert client.login(username=username, password=DEMO_PASSWORD)
        pages = _crawl(client, ["/", "/work/"], signed_in)
        assert len(pages) > len(english) // 2, (username, len(pages))
