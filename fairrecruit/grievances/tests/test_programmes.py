"""Brand remediation programmes: import a fee survey (CSV/XLSX), amount owed per worker under the chosen
standard, a repayment schedule, payments tracked to completion; a bad file imports nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import Programme
from fairrecruit.grievances.programmes import (
    ProgrammeError,
    programme_import,
    programme_payment_record,
    programme_progress,
    schedule,
)
from fairrecruit.grievances.tests.conftest import World

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
    workers = {w.worker_ref: w for w in prog.workers.all()}
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
    assert progress["settled"] == 1 and progress["overdue"] == ["E-001", "E-002"]
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
