"""Evidence upload through the API with the case code and PIN: the web form's checks, encrypted on disk,
logged, stored once per Idempotency-Key, documented in OpenAPI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.grievances import storage
from fairrecruit.grievances.models import Attachment
from fairrecruit.grievances.services import ComplaintInput, Submitted, complaint_submit

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/evidence"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KEY = "upload-key-0000000001"


@pytest.fixture(autouse=True)
def _private_dir(settings: Any, tmp_path: Path) -> None:
    cache.clear()
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path / "evidence")


@pytest.fixture
def case() -> Submitted:
    return complaint_submit(
        data=ComplaintInput(categories=["fees"], description="They kept my receipt."),
        token="case-token-000000000001",
        channel="web",
    )


def _post(client: Client, done: Submitted, *files: tuple[str, bytes], key: str = KEY, **extra: Any) -> Any:
    body: dict[str, Any] = {"code": done.code, "pin": done.pin}
    body["file"] = [SimpleUploadedFile(name, data) for name, data in files]
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, body, **headers, **extra)


def test_upload_is_encrypted_logged_and_stored_once(client: Client, case: Submitted) -> None:
    r = _post(client, case, ("receipt.jpg", JPEG), ("contract.pdf", PDF))
    assert r.status_code == 201, r.content
    got = r.json()["attachments"]
    assert [a["content_type"] for a in got] == ["image/jpeg", "application/pdf"]
    a = Attachment.objects.get(pk=got[0]["id"])
    assert a.case_id == case.case.pk and a.from_worker
    raw = (storage.conf.evidence_dir() / a.storage_name).read_bytes()
    assert JPEG not in raw and storage.read(a.storage_name) == JPEG  # encrypted at rest
    ev = AuditEvent.objects.get(action="grievance.case.worker_information")
    assert ev.new is not None and sorted(ev.new["attachments"]) == sorted(x["id"] for x in got)
    assert ev.ip is None and ev.user_agent == ""  # the worker's action is not traced to an address
    files_before = sorted(p.name for p in storage.conf.evidence_dir().iterdir())
    again = _post(client, case, ("receipt.jpg", JPEG), ("contract.pdf", PDF))
    assert again.status_code == 200 and again.json() == r.json()
    assert Attachment.objects.filter(case=case.case).count() == 2
    assert AuditEvent.objects.filter(action="grievance.case.worker_information").count() == 1
    assert sorted(p.name for p in storage.conf.evidence_dir().iterdir()) == files_before
    conflict = _post(client, case, ("other.pdf", PDF + b"%more"))
    assert conflict.status_code == 409
    assert conflict.json()["errors"][0]["field"] == "Idempotency-Key"


def test_same_checks_as_the_web_form(client: Client, case: Submitted, settings: Any) -> None:
    bad = _post(client, case, ("photo.jpg", b"MZ\x90\x00 not an image"), key="key-bad-type-00000001")
    assert bad.status_code == 400
    err = bad.json()["errors"][0]
    assert err["field"] == "file[0]" and "PDF" in err["message"]
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_BYTES = 50
    big = _post(client, case, ("big.jpg", JPEG), key="key-too-big-000000001")
    assert big.status_code == 400 and big.json()["errors"][0]["field"] == "file[0]"
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_FILES = 1
    two = _post(client, case, ("a.jpg", JPEG), ("b.pdf", PDF), key="key-too-many-0000001")
    assert two.status_code == 400 and two.json()["errors"][0]["field"] == "file"
    assert not Attachment.objects.exists()
    assert not list(storage.conf.evidence_dir().glob("*"))  # refused files are never written
    none = client.post(URL, {"code": case.code, "pin": case.pin})
    assert none.status_code == 400 and none.json()["errors"][0]["field"] == "file"
    assert client.post(URL, "{}", content_type="application/json").status_code == 400
    short_key = _post(client, case, ("a.jpg", JPEG), key="short")
    assert short_key.status_code == 400 and short_key.json()["errors"][0]["field"] == "Idempotency-Key"


def test_wrong_pin_and_rate_limit(client: Client, case: Submitted, settings: Any) -> None:
    wrong = Submitted(case.case, case.code, "000000" if case.pin != "000000" else "111111", False)
    assert _post(client, wrong, ("a.jpg", JPEG)).status_code == 404
    assert not Attachment.objects.exists()
    settings.FAIRRECRUIT_GRIEVANCE_PIN_RATE = "2/h"
    cache.clear()
    codes = [
        _post(client, case, ("a.jpg", JPEG), key=f"rate-key-00000000000{i}").status_code for i in range(3)
    ]
    assert codes[-1] == 429


def test_documented_in_openapi(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/complaints/evidence"]["post"]
    form = op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["code", "pin", "file"]
    assert form["properties"]["file"]["items"]["format"] == "binary"
    assert {"200", "201", "400", "404", "409", "429"} <= set(op["responses"])
    assert "errors" in op["responses"]["400"]["content"]["application/json"]["schema"]["properties"]
    assert any(p["name"] == "Idempotency-Key" for p in op["parameters"])
