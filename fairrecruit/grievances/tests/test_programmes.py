"""Brand remediation programmes: import a fee survey (CSV/XLSX), amount owed per worker under the chosen
standard, a repayment schedule, payments tracked to completion; a bad file imports nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings

from fairrecruit.core import crypto
from fairrecruit.core.models import AuditEvent
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import Programme, ProgrammePayment, ProgrammeWorker, worker_ref_hashes
from fairrecruit.grievances.programmes import (
    PAGE,
    ProgrammeError,
    payments_import,
    programme_import,
    programme_payment_record,
    programme_progress,
    schedule,
    worker_by_ref,
    workers_page,
)
from fairrecruit.grievances.tests.conftest import World, migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db
HEADER = (
    "worker_ref,origin,destination,recruitment_date,contract_months,promised_wage_amount,"
    "promised_wage_currency,earnings_amount,earnings_currency,payment_amount,payment_currency,payment_date,"
    "payment_purpose,payment_paid_to"
)
ROWS = [
    "E-001,NP,QA,2024-03-01,24,1200,QAR,1100,QAR,120000,NPR,2024-02-20,service charge,licensed_agency",
    "E-001,NP,QA,2024-03-01,24,1200,QAR,1100,QAR,30000,NPR,2024-02-25,ticket,licensed_agency",
    "E-002,BD,QA,2023-06-01,24,1000,QAR,1000,QAR,400000,BDT,2023-05-10,visa,sub_agent",
    "E-003,NP,QA,2024-03-01,24,1200,QAR,1200,QAR,,,,,",
]


def csv_bytes(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def by_ref(prog: Programme) -> dict[str, ProgrammeWorker]:
    """The programme's workers by their (encrypted) reference, found through the keyed hash."""
    found = {ref: worker_by_ref(prog, ref) for ref in ("E-001", "E-002", "E-003")}
    return {ref: w for ref, w in found.items() if w is not None}


def test_schedule_splits_to_the_cent() -> None:
    s = schedule(Decimal("100.00"), 3, dt.date(2026, 1, 31), 1)
    assert [a for _d, a in s] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert [d for d, _a in s] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]


def test_csv_import_owed_per_worker_schedule_and_payments_to_completion(world: World) -> None:
    clock = FixedClock(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    done = programme_import(
        actor=world.brand_user,
        organisation=world.brand,
        name="2026 repayment",
        data=csv_bytes(ROWS),
        filename="survey.csv",
        instalments=2,
        first_due=dt.date(2026, 4, 1),
        interval_months=3,
        clock=clock,
    )
    prog = done.programme
    workers = by_ref(prog)
    assert workers["E-001"].owed == Decimal("150000.00") and workers["E-001"].currency == "NPR"
    assert workers["E-002"].owed == Decimal("400000.00") and workers["E-002"].currency == "BDT"
    assert workers["E-003"].owed == Decimal("0.00") and workers["E-003"].settled_at is not None
    inst = list(workers["E-001"].instalments.values_list("due_date", "amount"))
    assert inst == [(dt.date(2026, 4, 1), Decimal("75000.00")), (dt.date(2026, 7, 1), Decimal("75000.00"))]
    again = programme_import(
        actor=world.brand_user,
        organisation=world.brand,
        name="again",
        data=csv_bytes(ROWS),
        filename="survey.csv",
        first_due=dt.date(2026, 4, 1),
    )
    assert not again.created and Programme.objects.count() == 1
    progress = programme_progress(prog, today=dt.date(2026, 5, 1))
    assert progress["settled"] == 1 and progress["overdue"] == [workers["E-001"].pk, workers["E-002"].pk]
    for ref, amount in (("E-001", 150000), ("E-002", 200000), ("E-002", 200000)):
        programme_payment_record(
            actor=world.brand_user,
            worker=workers[ref],
            amount=amount,
            paid_on=dt.date(2026, 3, 1),
            reference="bank",
            clock=clock,
        )
    progress = programme_progress(prog, today=dt.date(2026, 12, 1))
    assert progress["complete"] and progress["settled"] == 3 and progress["overdue"] == []
    assert progress["paid"] == {"NPR": Decimal("150000.00"), "BDT": Decimal("400000.00"), "QAR": Decimal("0")}


def test_origin_law_standard(world: World) -> None:
    done = programme_import(
        actor=world.brand_user,
        organisation=world.brand,
        name="NP law",
        data=csv_bytes(ROWS[:2]),
        filename="s.csv",
        standard="origin",
        first_due=dt.date(2026, 4, 1),
    )
    w = done.programme.workers.get()
    assert w.result["owed"]["law-np"]["amount"] == (float(w.owed) if w.owed is not None else None)
    assert w.owed is None or w.owed < Decimal("150000")  # Nepal allows a capped service charge


def test_xlsx_import(world: World) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.split(","))
    ws.append(
        [
            "E-9",
            "NP",
            "QA",
            dt.date(2024, 3, 1),
            24,
            1200,
            "QAR",
            1100,
            "QAR",
            50000,
            "NPR",
            dt.date(2024, 2, 1),
            "medical",
            "licensed_agency",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    done = programme_import(
        actor=world.brand_user,
        organisation=world.brand,
        name="xlsx",
        data=buf.getvalue(),
        filename="survey.xlsx",
        first_due=dt.date(2026, 4, 1),
    )
    assert done.programme.workers.get().owed == Decimal("50000.00")


def test_a_bad_file_imports_nothing_and_says_where(world: World) -> None:
    bad = ROWS + [
        "E-004,XX,QA,2024-13-01,24,1200,QAR,1100,QAR,-5,NPR,2024-02-20,fee,",
        "E-001,BD,QA,2024-03-01,24,1200,QAR,1100,QAR,1,NPR,2024-02-20,fee,",
    ]
    with pytest.raises(ProgrammeError) as e:
        programme_import(
            actor=world.brand_user,
            organisation=world.brand,
            name="bad",
            data=csv_bytes(bad),
            filename="bad.csv",
            first_due=dt.date(2026, 4, 1),
        )
    cols = {(row, col) for row, col, _m in e.value.rows}
    assert (6, "origin") in cols and (6, "recruitment_date") in cols and (6, "payment_amount") in cols
    assert (7, "origin") in cols  # differs from the worker's first row
    assert Programme.objects.count() == 0
    with pytest.raises(ProgrammeError):
        programme_import(
            actor=world.brand_user,
            organisation=world.brand,
            name="x",
            data=b"a,b\n1,2\n",
            filename="x.csv",
            first_due=dt.date(2026, 4, 1),
        )


def test_only_the_brand_and_staff_run_its_programmes(world: World, client: Client) -> None:
    with pytest.raises(PermissionDenied):
        programme_import(
            actor=world.recruiter,
            organisation=world.brand,
            name="x",
            data=csv_bytes(ROWS),
            filename="s.csv",
            first_due=dt.date(2026, 4, 1),
        )
    client.force_login(world.brand_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        "/grievances/programmes/",
        {
            "organisation": world.brand.pk,
            "name": "Web import",
            "standard": "ilo-zero-fee",
            "instalments": 1,
            "first_due": "2026-04-01",
            "interval_months": 1,
            "file": SimpleUploadedFile("survey.csv", csv_bytes(ROWS), content_type="text/csv"),
        },
    )
    assert r.status_code == 302
    prog = Programme.objects.get()
    page = client.get(f"/grievances/programmes/{prog.pk}/")
    assert page.status_code == 200 and "E-001" in page.content.decode()
    r = client.post(
        f"/grievances/programmes/{prog.pk}/",
        {"worker_ref": "E-001", "amount": "150000", "paid_on": "2026-01-15", "reference": "tx"},
    )
    assert r.status_code == 302
    client.force_login(world.regulator)
    assert client.get(f"/grievances/programmes/{prog.pk}/").status_code == 404


def test_a_cell_with_a_nul_character_is_named_and_nothing_is_imported(world: World) -> None:
    """PostgreSQL cannot store a NUL: the import ended in a database error before."""
    rows = [ROWS[0], ROWS[1].replace("ticket", "tic\x00ket"), *ROWS[2:]]
    with pytest.raises(ProgrammeError) as e:
        programme_import(
            actor=world.brand_user, organisation=world.brand, name="x", data=csv_bytes(rows), filename="s.csv",
            instalments=2, first_due=dt.date(2026, 4, 1), interval_months=3,
        )
    assert [(row, column) for row, column, _m in e.value.rows] == [(3, "payment_purpose")]
    assert "NUL" in e.value.rows[0][2]
    assert not Programme.objects.exists()


def test_a_column_name_with_a_nul_character_is_named_on_every_row(world: World) -> None:
    data = csv_bytes(ROWS).replace(b"payment_purpose", b"payment_\x00purpose")
    with pytest.raises(ProgrammeError) as e:
        programme_import(
            actor=world.brand_user, organisation=world.brand, name="x", data=data, filename="s.csv",
            instalments=2, first_due=dt.date(2026, 4, 1), interval_months=3,
        )
    assert [(row, column) for row, column, _m in e.value.rows] == [
        (i, "payment_\\0purpose") for i in range(2, len(ROWS) + 2)
    ]
    assert not Programme.objects.exists()


def test_worker_references_are_stored_encrypted_and_each_shown_one_is_a_logged_read(
    world: World, client: Client
) -> None:
    done = programme_import(actor=world.brand_user, organisation=world.brand, name="enc", data=csv_bytes(ROWS),
                            filename="s.csv", first_due=dt.date(2026, 1, 1))
    prog = done.programme
    with connection.cursor() as cur:
        cur.execute("SELECT worker_ref, worker_ref_hash, journey, result FROM grievances_programmeworker")
        stored = cur.fetchall()
    assert len(stored) == 3
    # Not a reference in clear, nor in the journey or the result (the whole reference: a token's URL-safe base64
    # holds "E-00" by chance in about one run in a few thousand, "E-001" in about one in a million)
    assert not any(ref in str(cell) for row in stored for cell in row for ref in ("E-001", "E-002", "E-003"))
    w = by_ref(prog)["E-001"]
    assert "id" not in w.journey and w.result["journey_id"] is None
    programme_payment_record(actor=world.brand_user, worker=w, amount=1000, paid_on=dt.date(2026, 1, 5))
    paid = AuditEvent.objects.get(action="grievance.programme.payment")
    assert (paid.new or {})["worker"] == w.pk and "E-001" not in str(paid.new)

    client.force_login(world.brand_user)
    page = client.get(f"/grievances/programmes/{prog.pk}/").content.decode()
    assert all(ref in page for ref in ("E-001", "E-002", "E-003"))
    reads = AuditEvent.objects.filter(action="sensitive.read", target_type="grievances.programmeworker")
    assert sorted(int(e.target_id) for e in reads) == sorted(prog.workers.values_list("pk", flat=True))
    assert {e.actor for e in reads} == {world.brand_user}
    # Behind schedule: E-001 (1,000 of 150,000 due on 1 January) and E-002; E-003 owed nothing.
    behind = client.get(f"/grievances/programmes/{prog.pk}/?behind=1").content.decode()
    assert "E-001" in behind and "E-002" in behind and "E-003" not in behind
    # A payment is recorded by the reference as imported; an unknown one is named.
    r = client.post(f"/grievances/programmes/{prog.pk}/",
                    {"worker_ref": "E-002", "amount": "5", "paid_on": "2026-01-15", "reference": "tx"})
    assert r.status_code == 302 and by_ref(prog)["E-002"].paid == Decimal("5.00")
    r = client.post(f"/grievances/programmes/{prog.pk}/",
                    {"worker_ref": "E-999", "amount": "5", "paid_on": "2026-01-15", "reference": "tx"})
    assert r.status_code == 400 and "No worker with this reference" in r.content.decode()
    # Another employer's user cannot read them, and the refusal is logged.
    with pytest.raises(PermissionDenied):
        workers_page(prog, user=world.recruiter, purpose="test")
    assert AuditEvent.objects.filter(action="sensitive.read_denied", actor=world.recruiter).count() == 1


def test_the_programme_page_shows_500_workers_a_page(world: World, client: Client) -> None:
    rows = [f"W{i:04d},NP,QA,2024-03-01,24,1200,QAR,1200,QAR,,,,," for i in range(PAGE + 3)]
    prog = programme_import(actor=world.brand_user, organisation=world.brand, name="big", data=csv_bytes(rows),
                            filename="big.csv", first_due=dt.date(2026, 1, 1)).programme
    client.force_login(world.brand_user)
    first = client.get(f"/grievances/programmes/{prog.pk}/").content.decode()
    assert "W0000" in first and f"W{PAGE - 1:04d}" in first and f"W{PAGE:04d}" not in first
    assert "?page=2" in first
    second = client.get(f"/grievances/programmes/{prog.pk}/?page=2").content.decode()
    assert f"W{PAGE:04d}" in second and f"W{PAGE + 2:04d}" in second and "W0000" not in second
    assert AuditEvent.objects.filter(action="sensitive.read").count() == PAGE + 3
    assert client.get(f"/grievances/programmes/{prog.pk}/?page=x").status_code == 200  # the first page


def _old_programme(old: Any) -> Any:
    """A programme made with the models of an earlier migration state (``old``: its apps)."""
    org = old.get_model("core", "Organisation").objects.create(name="Old Brand", kind="employer")
    return old.get_model("grievances", "Programme").objects.create(
        organisation=org, name="old", standard="ilo-zero-fee", first_due=dt.date(2026, 1, 1), source_name="s.csv",
        source_sha256="0" * 64, ruleset_version="1", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_the_references_stored_in_clear() -> None:
    before = [("grievances", "0003_reported_actor_key")]
    old = migrate_to(before)
    prog = _old_programme(old)
    # "#" is not in the encrypted tokens' alphabet (URL-safe base64): "E-" was, and a token holding it by chance
    # (about one run in five) failed the test
    for ref in ("E#1", "E#2"):
        old.get_model("grievances", "ProgrammeWorker").objects.create(
            programme=prog, worker_ref=ref, origin="NP", destination="QA", journey={"id": ref, "origin": "NP"},
            result={"journey_id": ref, "owed": {}}, status="assessed", currency="NPR")

    migrate_to_latest()
    migrated = Programme.objects.get(pk=prog.pk)
    with connection.cursor() as cur:
        cur.execute("SELECT worker_ref, journey, result FROM grievances_programmeworker")
        assert not any("E#" in str(cell) for row in cur.fetchall() for cell in row)
    w = worker_by_ref(migrated, "E#2")
    assert w is not None and w.journey == {"origin": "NP"} and w.result["journey_id"] is None
    assert crypto.decrypt(w.worker_ref.token) == "E#2"

    migrate_to(before)  # and back: the clear text again
    with connection.cursor() as cur:
        cur.execute("SELECT worker_ref, journey FROM grievances_programmeworker ORDER BY id")
        back = cur.fetchall()
    assert [r[0] for r in back] == ["E#1", "E#2"] and all('"id"' in str(r[1]) for r in back)
    migrate_to_latest()


def test_a_resent_payment_form_records_the_payment_once(world: World, client: Client) -> None:
    prog = programme_import(actor=world.brand_user, organisation=world.brand, name="p", data=csv_bytes(ROWS),
                            filename="s.csv", first_due=dt.date(2026, 1, 1)).programme
    client.force_login(world.brand_user)
    html = client.get(f"/grievances/programmes/{prog.pk}/").content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    sent = {"worker_ref": "E-001", "amount": "1000", "paid_on": "2026-01-15", "reference": "tx", "token": token}
    for _ in range(2):  # a double tap, or the page sent again after a lost answer
        assert client.post(f"/grievances/programmes/{prog.pk}/", sent).status_code == 302
    assert ProgrammePayment.objects.count() == 1 and by_ref(prog)["E-001"].paid == Decimal("1000.00")
    changed = client.post(f"/grievances/programmes/{prog.pk}/", sent | {"amount": "2000"})
    assert changed.status_code == 400 and "already sent with other values" in changed.content.decode()
    zero = client.post(f"/grievances/programmes/{prog.pk}/", sent | {"amount": "0", "token": "x" * 20})
    assert zero.status_code == 400 and ProgrammePayment.objects.count() == 1


PAYMENTS = "worker_ref,amount,paid_on,currency,reference\nE-001,150000,2026-01-10,NPR,b1\nE-002,100000,2026-01-10,,b2\n" \
           "E-002,300000,2026-02-10,BDT,b3\n"


def test_payments_from_a_file_all_or_nothing_and_once(world: World, client: Client) -> None:
    prog = programme_import(actor=world.brand_user, organisation=world.brand, name="p", data=csv_bytes(ROWS),
                            filename="s.csv", first_due=dt.date(2026, 1, 1)).programme
    client.force_login(world.brand_user)
    url = f"/grievances/programmes/{prog.pk}/"

    def send(text: str, name: str = "bank.csv") -> Any:
        return client.post(url, {"step": "file", "file": SimpleUploadedFile(name, text.encode())}, follow=True)

    bad = send(PAYMENTS.replace("E-002,100000", "E-404,100000").replace("BDT", "QAR")
               .replace("2026-02-10", "2099-02-10") + "E-003,12.345,2026-01-01,,\n")
    html = bad.content.decode()
    assert bad.status_code == 400 and ProgrammePayment.objects.count() == 0  # nothing recorded
    for cell in ("<td>3</td><td>worker_ref</td>", "<td>4</td><td>currency</td>", "<td>4</td><td>paid_on</td>",
                 "<td>5</td><td>amount</td>"):
        assert cell in html, cell
    assert "this worker is owed in BDT" in html
    missing = send("worker_ref,amount\nE-001,5\n")
    assert missing.status_code == 400 and "<td>paid_on</td><td>column is missing</td>" in missing.content.decode()
    done = send(PAYMENTS)
    assert done.status_code == 200 and "3 payment(s) recorded; 0 row(s) were already recorded; 3 worker(s) fully " \
        "repaid." in done.content.decode()  # E-003 owed nothing: repaid from the start
    workers = by_ref(prog)
    assert workers["E-001"].paid == Decimal("150000.00") and workers["E-001"].settled_at is not None
    assert workers["E-002"].paid == Decimal("400000.00") and workers["E-002"].settled_at is not None
    again = send(PAYMENTS)  # the same file again: nothing new
    assert "0 payment(s) recorded; 3 row(s) were already recorded" in again.content.decode()
    old = crypto.configured_keys()[0].decode()
    with override_settings(FAIRRECRUIT_FIELD_KEYS=f"{Fernet.generate_key().decode()},{old}"):  # after a key rotation
        assert payments_import(actor=world.brand_user, programme=prog, data=PAYMENTS.encode(),
                               filename="bank.csv").recorded == 0
    assert ProgrammePayment.objects.count() == 3
    assert AuditEvent.objects.filter(action="grievance.programme.payments_import").count() == 1
    with pytest.raises(PermissionDenied):
        payments_import(actor=world.recruiter, programme=prog, data=PAYMENTS.encode(), filename="x.csv")


def test_the_programme_csv_for_the_payroll(world: World, client: Client) -> None:
    rows = [*ROWS, "=HYPERLINK(1),NP,QA,2024-03-01,24,1200,QAR,1200,QAR,,,,,"]
    prog = programme_import(actor=world.brand_user, organisation=world.brand, name="p", data=csv_bytes(rows),
                            filename="s.csv", instalments=2, first_due=dt.date(2026, 1, 1),
                            interval_months=3).programme
    programme_payment_record(actor=world.brand_user, worker=by_ref(prog)["E-001"], amount=100000,
                             paid_on=dt.date(2026, 1, 5))
    client.force_login(world.brand_user)
    reads = AuditEvent.objects.filter(action="sensitive.read").count()
    resp = client.get(f"/grievances/programmes/{prog.pk}/?format=csv")
    assert resp["Content-Type"].startswith("text/csv") and "programme-" in resp["Content-Disposition"]
    got = {r["worker_ref"]: r for r in csv.DictReader(io.StringIO(resp.content.decode()))}
    e1 = got["E-001"]
    assert (e1["owed"], e1["paid"], e1["outstanding"], e1["currency"]) == ("150000.00", "100000.00", "50000.00", "NPR")
    # 75,000 on 1 January (covered) and 75,000 on 1 April, of which 25,000 is covered by the payment
    assert (e1["next_due_date"], e1["next_due_amount"], e1["behind_schedule"]) == ("2026-04-01", "50000.00", "yes")
    assert got["E-003"]["settled_on"] != "" and got["E-003"]["next_due_date"] == ""
    assert "'=HYPERLINK(1)" in got  # a reference a spreadsheet would run is neutralised
    assert AuditEvent.objects.filter(action="sensitive.read").count() == reads + 4  # each reference, logged
    client.force_login(world.regulator)
    assert client.get(f"/grievances/programmes/{prog.pk}/?format=csv").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_migration_removes_the_clear_reference_from_old_payment_audit_events() -> None:
    before = [("grievances", "0006_programme_payment_idempotency")]
    old = migrate_to(before)
    prog = _old_programme(old)
    worker = old.get_model("grievances", "ProgrammeWorker").objects.create(
        programme=prog, worker_ref="E-7", worker_ref_hash=worker_ref_hashes(prog.pk, "E-7")[0],
        origin="NP", destination="QA", journey={}, result={}, status="assessed", currency="NPR")
    events = old.get_model("core", "AuditEvent")
    paid = events.objects.create(action="grievance.programme.payment", target_type="grievances.programme",
                                 target_id=str(prog.pk), actor_label="brand",
                                 new={"worker_ref": "E-7", "amount": "10.00", "currency": "NPR"})
    other = events.objects.create(action="grievance.programme.import", target_type="grievances.programme",
                                  target_id=str(prog.pk), actor_label="brand", new={"workers": 1})

    migrate_to_latest()
    scrubbed = AuditEvent.objects.get(pk=paid.pk).new or {}
    assert "E-7" not in str(scrubbed) and scrubbed["worker"] == worker.pk and scrubbed["amount"] == "10.00"
    assert AuditEvent.objects.get(pk=other.pk).new == {"workers": 1}  # other events as they were
