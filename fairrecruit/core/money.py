"""An amount of money as the reader's language writes it: one function for pages, PDFs and SMS replies."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat


def money(amount: Any, currency: str | None = None, *, cents: bool = False, sms: bool = False) -> str:
    """``amount`` grouped as the reader's language groups digits (lakhs in Nepali, Bengali and Hindi: see
    ``core/formats``), cents only when there are any ("1,50,000 NPR", "1,234.50 QAR"), then the currency code;
    "—" when the amount is unknown. Accepts numbers, Decimals and numeric strings. ``cents``: always two decimals
    (the contract comparison, where wages are compared to the cent: "1,000.00 QAR"). ``sms``: the no-break spaces
    that Spanish and Russian group digits with become plain spaces, which the GSM alphabet has (a no-break space
    would send a whole Latin-script reply as UCS-2: 70 characters a part instead of 160)."""
    if amount is None or amount == "":
        return "—"
    text = f"{floatformat(amount, '2g' if cents else '-2g')} {currency or ''}".strip()
    return text.replace("\u00a0", " ").replace("\u202f", " ") if sms else text
