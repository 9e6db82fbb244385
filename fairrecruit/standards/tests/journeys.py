"""Journeys shared by the tests (plain data, no fixtures)."""

from __future__ import annotations

import copy
from typing import Any

NP_QA_2019: dict[str, Any] = {
    "id": "t-np-qa",
    "origin": "NP",
    "destination": "QA",
    "occupation": {"title": "construction labourer", "isco08": "9313"},
    "recruitment_date": "2019-03-01",
    "contract_months": 24,
    "promised_wage": {"amount": 1000, "currency": "QAR"},
    "first_month_earnings": {"amount": 1000, "currency": "QAR"},
    "payments": [
        {"amount": 120000, "currency": "NPR", "date": "2019-03-05", "category": "service_fee", "paid_to": "licensed_agency"},
        {"amount": 30000, "currency": "NPR", "date": "2019-03-05", "category": "air_ticket", "paid_to": "licensed_agency"},
        {"amount": 5000, "currency": "NPR", "date": "2019-03-10", "category": "medical", "paid_to": "other"},
    ],
    "events": [{"type": "documents_retained"}],
}


def journey(**changes: Any) -> dict[str, Any]:
    j = copy.deepcopy(NP_QA_2019)
    j.update(changes)
    return j
