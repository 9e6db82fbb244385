"""Reads for the evidence app: survey microdata and platform assessments as DuckDB tables, corridor profiles,
releases and knowledge products scoped by who asks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import duckdb
import pycountry
from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from fairrecruit.core import fx
from fairrecruit.core.conf import setting
from fairrecruit.core.countries import country_name as core_country_name
from fairrecruit.core.models import User
from fairrecruit.evidence import sdg, survey
from fairrecruit.evidence.models import KnowledgeProduct, Release, Survey, SurveyRecord, Tag
from fairrecruit.evidence.permissions import can, external_conflict
from fairrecruit.standards.models import Assessment

MIN_CELL = 5  # public pages show no group with fewer workers than this
RATIO_EDGES = (0.5, 1, 2, 3, 6, 12)  # months of earnings
COST_EDGES = (250, 500, 1000, 2000, 4000, 8000)  # US dollars


def _bin_labels(edges: tuple[float, ...], *, prefix: str = "") -> list[str]:
    """The bins of a distribution chart in the reader's language: 'nothing', 'up to 0.5', '0.5–1', ..."""
    return sdg.bin_labels(edges, nothing=_("nothing"), up_to=_("up to %(n)s"), over=_("over %(n)s"), prefix=prefix)


HISTOGRAMS: dict[str, tuple[str, tuple[float, ...], str]] = {
    # variable of a corridor profile's distributions: (survey column, bin edges, prefix of the numbers)
    "ratio": ("ratio", RATIO_EDGES, ""),
    "cost": ("cost_usd", COST_EDGES, "$"),
}


def bin_label(variable: str, first: int, last: int) -> str:
    """The label of bins ``first`` to ``last`` of a distribution (``ratio`` or ``cost``) in the reader's language:
    a bin of its own as :func:`sdg.bin_labels` writes it, merged ones as the range they span ('up to 2', '1–6',
    'over 3', '0–1' when workers who paid nothing are in it, 'over 0')."""
    _column, edges, prefix = HISTOGRAMS[variable]
    if first == last:
        return _bin_labels(edges, prefix=prefix)[first]
    lower = None if first == 0 else (0.0 if first == 1 else edges[first - 2])  # bin i >= 2 is (e[i-2], e[i-1]]
    upper = None if last == len(edges) + 1 else edges[last - 1]
    if upper is None:  # up to the open end
        return _bin_labels((lower or 0.0,), prefix=prefix)[2]
    if lower == 0.0:  # above nothing
        return _bin_labels((upper,), prefix=prefix)[1]
    return _bin_labels((lower or 0.0, upper), prefix=prefix)[2]  # nothing (0) included: '0–1'


def histogram_bars(variable: str, *dists: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """The bars of a chart of ``dists`` (distribution rows of one variable of :func:`corridor_profile`, which share
    their bins): (first bin, label in the reader's language) of every published bin, merged ones included, and of
    every bin no worker falls in. A row's bar is the one of its ``bin``."""
    _column, edges, _prefix = HISTOGRAMS[variable]
    spans = {d["bin"]: d["last_bin"] for rows in dists for d in rows}
    bars, b = [], 0
    while b <= len(edges) + 1:
        last = spans.get(b, b)
        bars.append((b, bin_label(variable, b, last)))
        b = last + 1
    return bars


PROFILE_DIMENSIONS = ("sex", "documented", "occupation", "age_group", "education")
CORRIDOR_RE = re.compile(r"^([A-Z]{2})-([A-Z]{2})$")
RECRUITER_KINDS = ("licensed_agency", "branch", "sub_agent", "individual_broker", "reported")

T = TypeVar("T")


def country_name(cc: str) -> str:
    """In English, as the corridor pages, CSV and PDF are (their figures are cached for every reader)."""
    return core_country_name(cc, "en")


def parse_corridor(code: str) -> tuple[str, str] | None:
    m = CORRIDOR_RE.match(code.upper())
    if not m or m.group(1) == m.group(2):
        return None
    if not all(pycountry.countries.get(alpha_2=c) for c in m.groups()):
        return None
    return m.group(1), m.group(2)


# --- survey microdata -------------------------------------------------------------------------------------


def survey_records(
    *,
    origin: str | None = None,
    destination: str | None = None,
    surveys: QuerySet[Survey] | None = None,
    published_only: bool = True,
) -> list[dict[str, Any]]:
    """The normalised rows of imported surveys (by default only those shown on corridor profiles)."""
    qs = SurveyRecord.objects.filter(survey__status__in=["imported", "partial"])
    if published_only:
        qs = qs.filter(survey__published=True)
    if surveys is not None:
        qs = qs.filter(survey__in=surveys)
    if origin:
        qs = qs.filter(origin=origin)
    if destination:
        qs = qs.filter(destination=destination)
    rows = list(qs.values(*survey.NORMALISED_COLUMNS))
    for r in rows:
        for k in ("sex", "age_group", "education", "isco08", "isco_major", "industry"):
            r[k] = r[k] or None
    return rows


def survey_table(con: duckdb.DuckDBPyConnection, **filters: Any) -> tuple[str, int]:
    rows = survey_records(**filters)
    return survey.from_records(con, rows, "survey"), len(rows)


# --- platform assessments ---------------------------------------------------------------------------------


PLATFORM_SOURCES = ("assessments", "reviews", "complaints")
SOURCE_TITLES = {
    "assessments": "fee assessments stored through the API (standards.Assessment)",
    "reviews": "published worker reviews with payments (reviews.Review, their fee assessment)",
    "complaints": "complaints with payments (grievances.FeeAssessment, the latest per case)",
}


def _review_assessments() -> QuerySet[Any] | None:
    """Published reviews that carry a fee assessment (None without the reviews app)."""
    if not apps.is_installed("fairrecruit.reviews"):
        return None
    from fairrecruit.reviews.models import Review, ReviewStatus

    return Review.objects.filter(status=ReviewStatus.PUBLISHED, assessment__isnull=False)


def _complaint_assessments() -> QuerySet[Any] | None:
    """Fee assessments of complaints, every version (None without the grievances app)."""
    if not apps.is_installed("fairrecruit.grievances"):
        return None
    from fairrecruit.grievances.models import FeeAssessment

    return FeeAssessment.objects.all()


def _platform_journeys(
    origin: str | None, destination: str | None, sources: tuple[str, ...]
) -> list[tuple[str, dict[str, Any], dict[str, Any], dt.date]]:
    """(source, journey, engine result, reference day) of every fee assessment the platform holds: stored
    assessments, published reviews and complaints (one per case: its latest assessment). A worker who both
    reviewed and complained counts twice: the sources are anonymous and cannot be joined."""
    out: list[tuple[str, dict[str, Any], dict[str, Any], dt.date]] = []
    corridor = {k: v for k, v in (("origin", origin), ("destination", destination)) if v}

    def day_of(journey: dict[str, Any], result: dict[str, Any], fallback: Any) -> dt.date:
        ref = result.get("reference_date") or journey.get("recruitment_date") or fallback
        return ref if isinstance(ref, dt.date) else dt.date.fromisoformat(str(ref)[:10])

    if "assessments" in sources:
        qs = Assessment.objects.filter(**corridor).order_by("created_at", "id")
        for journey, result, ref in qs.values_list("journey", "result", "reference_date"):
            out.append(("assessments", journey, result, day_of(journey, result, ref)))
    reviews = _review_assessments()
    if "reviews" in sources and reviews is not None:
        for journey, result, created in reviews.filter(**corridor).order_by("created_at", "id").values_list(
            "journey", "assessment", "created_at"
        ):
            if journey and result:
                out.append(("reviews", journey, result, day_of(journey, result, created)))
    fees = _complaint_assessments()
    if "complaints" in sources and fees is not None:
        seen: set[Any] = set()
        fees = fees.filter(**{f"case__{k}": v for k, v in corridor.items()})
        for case_id, journey, result, created in fees.order_by("case_id", "-created_at", "-id").values_list(
            "case_id", "journey", "result", "created_at"
        ):
            if case_id not in seen:
                seen.add(case_id)
                out.append(("complaints", journey, result, day_of(journey, result, created)))
    return out


def platform_counts() -> dict[tuple[str, str], int]:
    """How many platform records (see :func:`_platform_journeys`) each corridor has, counted in the database."""
    counts: dict[tuple[str, str], int] = {}

    def add(rows: Any) -> None:
        for o, d, n in rows:
            if o and d:
                counts[(o, d)] = counts.get((o, d), 0) + n

    add(Assessment.objects.values_list("origin", "destination").annotate(n=Count("id")))
    if (reviews := _review_assessments()) is not None:
        add(reviews.values_list("origin", "destination").annotate(n=Count("id")))
    if (fees := _complaint_assessments()) is not None:
        add(fees.values_list("case__origin", "case__destination").annotate(n=Count("case_id", distinct=True)))
    return counts


def platform_records(
    *, origin: str | None = None, destination: str | None = None, sources: tuple[str, ...] = PLATFORM_SOURCES
) -> list[dict[str, Any]]:
    """The platform's fee assessments (see :func:`_platform_journeys`) as normalised records (weight 1: cases
    brought to the platform, not a sample), with the fields the open-data release needs (paid and owed in US
    dollars) and ``source``."""
    out: list[dict[str, Any]] = []
    for source, journey, result, day in _platform_journeys(origin, destination, sources):
        s = result.get("sdg_10_7_1") or {}
        if s.get("costs") is None or not s.get("earnings"):
            continue
        earnings_usd, _ = fx.to_usd(float(s["earnings"]), s["currency"], day)
        cost_usd, _ = fx.to_usd(float(s["costs"]), s["currency"], day)
        if earnings_usd is None or cost_usd is None:
            continue
        i = len(out) + 1
        occ = (journey.get("occupation") or {}).get("isco08") or ""
        owed = (result.get("owed") or {}).get("ilo-zero-fee") or {}
        out.append(
            {
                "row": i,
                "worker_id": f"A{i}",
                "source": source,
                "year": day.year,
                "origin": journey["origin"],
                "destination": journey["destination"],
                "sex": journey.get("sex") or None,
                "age": None,
                "age_group": None,
                "education": None,
                "isco08": occ or None,
                "isco_major": occ[:1] or None,
                "industry": None,
                "documented": None,
                "weight": 1.0,
                "cost": float(s["costs"]),
                "cost_currency": s["currency"],
                "earnings": float(s["earnings"]),
                "earnings_currency": s["currency"],
                "fx_date": day,
                "cost_usd": cost_usd,
                "earnings_usd": earnings_usd,
                "ratio": float(s["costs"]) / float(s["earnings"]),
                "months": float(s["costs"]) / float(s["earnings"]),
                "paid_usd": (result.get("paid") or {}).get("amount_usd"),
                "owed_usd": owed.get("amount_usd"),
            }
        )
    return out


def platform_conversions(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The exchange rates behind the US-dollar figures of :func:`platform_records` (``cost_usd``, ``earnings_usd``:
    the ECB reference rate of each record's ``fx_date``, its first payment's or recruitment day), in the form of a
    survey's conversions (:func:`survey.conversion_rows`): one per currency and day, US dollars left out."""
    out = []
    for code, day in sorted({(r["cost_currency"], r["fx_date"]) for r in records if r["cost_currency"] != "USD"}):
        rate = fx.usd_rate(code, day)
        if rate is not None:  # a record without a rate is not among platform_records
            out.append({"currency": code, "for_date": day.isoformat(), "rate_date": rate.day.isoformat(),
                        "per_usd": round(rate.per_usd, 6), "source": rate.source,
                        "latest_available": rate.latest_available})
    return out


def review_units() -> list[dict[str, Any]]:
    """One row per published review: corridor, year and the structured answers (for aggregate release tables;
    no actor, no text, no date finer than the year)."""
    if not apps.is_installed("fairrecruit.reviews"):
        return []
    from fairrecruit.reviews.models import Review, ReviewStatus

    out = []
    for o, d, year, paid, docs, contract, wage, rating in Review.objects.filter(
        status=ReviewStatus.PUBLISHED
    ).values_list(
        "origin", "destination", "recruitment_year", "paid_fees", "documents_taken", "contract_matched",
        "wage_as_promised", "rating",
    ):
        out.append(
            {
                "corridor": f"{o}-{d}" if o and d else "unknown",
                "year": year or "unknown",
                "paid_fees": paid,
                "documents_taken": docs,
                "contract_matched": contract,
                "wage_as_promised": wage,
                "rating": rating,
            }
        )
    return out


def complaint_units() -> list[dict[str, Any]]:
    """One row per complaint: corridor, year received, main category, resolved or not, US dollars recovered."""
    if not apps.is_installed("fairrecruit.grievances"):
        return []
    from fairrecruit.grievances.models import RESOLVED_OUTCOMES, Case, RemediationPayment, Status

    recovered: dict[Any, float] = {}
    for case_id, usd in RemediationPayment.objects.exclude(amount_usd=None).values_list(
        "plan__case_id", "amount_usd"
    ):
        recovered[case_id] = recovered.get(case_id, 0.0) + float(usd or 0)
    out = []
    for pk, o, d, received, category, status, outcome in Case.objects.values_list(
        "pk", "origin", "destination", "received_at", "primary_category", "status", "outcome"
    ):
        out.append(
            {
                "corridor": f"{o}-{d}" if o and d else "unknown",
                "year": received.year,
                "category": category,
                "resolved": status == Status.CLOSED and outcome in RESOLVED_OUTCOMES,
                "recovered_usd": recovered.get(pk),
            }
        )
    return out


# --- corridors --------------------------------------------------------------------------------------------


# Corridor pages read every survey row of the corridor and the platform's assessments: their figures are kept in the
# cache for this many seconds (0: computed at every view). Importing, showing or hiding a survey makes the next view
# compute them afresh (corridor_data_changed); other sources (complaints, reviews, licences, sanctions) show with
# this delay.
CACHE_DEFAULTS: dict[str, Any] = {"FAIRRECRUIT_CORRIDOR_CACHE_SECONDS": 300}
_VERSION_KEY = "evidence:corridors:version"


def corridor_data_changed() -> None:
    """Survey data changed: corridor figures are computed afresh at their next view, in every web process."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not in the cache (yet, or any more)
        cache.set(_VERSION_KEY, 2, None)


def _cached(name: str, compute: Callable[[], T]) -> T:
    ttl = int(setting(CACHE_DEFAULTS, "FAIRRECRUIT_CORRIDOR_CACHE_SECONDS"))
    if ttl <= 0:
        return compute()
    version = cache.get_or_set(_VERSION_KEY, 1, None)
    key = f"evidence:{name}:v{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, ttl)
    return value


def corridors() -> list[dict[str, Any]]:
    """Every corridor with survey data or platform assessments, with the headline (median months, zero costs
    included) where at least :data:`MIN_CELL` workers are behind it (kept in the cache, see ``_cached``)."""
    return _cached("corridors", _corridors)


def _corridors() -> list[dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for o, d, n in (
        SurveyRecord.objects.filter(survey__published=True, survey__status__in=["imported", "partial"])
        .values_list("origin", "destination")
        .annotate(n=Count("id"))
    ):
        found.setdefault((o, d), {"survey_n": 0, "platform_n": 0})["survey_n"] = n
    for (o, d), n in platform_counts().items():
        found.setdefault((o, d), {"survey_n": 0, "platform_n": 0})["platform_n"] = n
    headline: dict[str, dict[str, Any]] = {}
    if any(v["survey_n"] for v in found.values()):
        con = duckdb.connect()
        try:
            table, _ = survey_table(con)
            rows = sdg.indicator(con, table, sdg.Options(by=(("corridor",),)))
            # The headline of a corridor is its profile's overall figure: withheld as the profile withholds it
            # (no complement: the list publishes no total over the corridors).
            hidden = withheld(rows, complement=False)
            for r in rows:
                if r["by"] == "corridor" and r["zero_costs"] == "include" and ("corridor", r["group"]) not in hidden:
                    headline[r["group"]] = r
        finally:
            con.close()
    out = []
    for (o, d), v in sorted(found.items()):
        code = f"{o}-{d}"
        h = headline.get(code)
        out.append(
            {
                "code": code,
                "origin": o,
                "destination": d,
                "origin_name": country_name(o),
                "destination_name": country_name(d),
                "survey_n": v["survey_n"],
                "platform_n": v["platform_n"],
                "median": h["median"] if h else None,
                "mean": h["mean"] if h else None,
            }
        )
    return out


def corridor_profile(origin: str, destination: str, *, day: dt.date | None = None) -> dict[str, Any]:
    """Everything a corridor page, its CSV and its PDF show (kept in the cache, see ``_cached``)."""
    day = day or dt.date.today()
    return _cached(f"profile:{origin}-{destination}:{day.isoformat()}",
                   lambda: _corridor_profile(origin, destination, day))


def corridor_report(origin: str, destination: str, language: str, *, day: dt.date | None = None) -> bytes:
    """The corridor's PDF report in ``language`` (``pdf.corridor_pdf`` of :func:`corridor_profile`), kept in the
    cache like the profile: a report takes a second or more to lay out, and every reader of a language gets the
    same one."""
    from fairrecruit.evidence.pdf import corridor_pdf

    day = day or dt.date.today()
    return _cached(
        f"report:{origin}-{destination}:{day.isoformat()}:{language}",
        lambda: corridor_pdf(corridor_profile(origin, destination, day=day), language),
    )


def _corridor_profile(origin: str, destination: str, day: dt.date) -> dict[str, Any]:
    from fairrecruit.standards.selectors import rules_in_force

    con = duckdb.connect()
    try:
        table, n = survey_table(con, origin=origin, destination=destination)
        stats: list[dict[str, Any]] = []
        dist: dict[str, Any] = {}
        if n:
            opts = sdg.Options(by=tuple((d,) for d in PROFILE_DIMENSIONS))
            stats, shown = _protected(sdg.indicator(con, table, opts))
            for variable, (column, edges, _prefix) in HISTOGRAMS.items():
                dist[variable], dist[f"{variable}_by_sex"] = _safe_bins(
                    shown(sdg.ALL, sdg.distribution(con, table, column, edges)),
                    shown("sex", sdg.distribution(con, table, column, edges, by="sex")),
                    len(edges) + 2,
                )
        platform = platform_records(origin=origin, destination=destination)
        platform_stats: list[dict[str, Any]] = []
        if platform:
            survey.from_records(con, platform, "platform")
            platform_stats, _shown = _protected(sdg.indicator(con, "platform", sdg.Options(by=(("sex",),))))
    finally:
        con.close()
    surveys = list(
        Survey.objects.filter(
            published=True,
            status__in=["imported", "partial"],
            records__origin=origin,
            records__destination=destination,
        ).distinct()
    )
    return {
        "code": f"{origin}-{destination}",
        "origin": origin,
        "destination": destination,
        "origin_name": country_name(origin),
        "destination_name": country_name(destination),
        "day": day,
        "n": n,
        "stats": stats,
        "distributions": dist,
        "platform_n": len(platform),
        "platform_stats": platform_stats,
        "surveys": surveys,
        "synthetic": any(s.synthetic for s in surveys),
        "rules": rules_in_force(origin=origin, destination=destination, day=day),
        "recruiters": recruiters(origin),
        "certification": certification_in(origin, destination),
        "complaints": complaints_in(origin, destination),
        "min_cell": MIN_CELL,
    }


def withheld(rows: list[dict[str, Any]], *, complement: bool = True) -> set[tuple[str, str]]:
    """The ``(by, group)`` pairs of ``rows`` (:func:`sdg.indicator`, one or both zero-cost variants) whose
    statistics no public output shows: the one place where a corridor's page, CSV, PDF and API are protected.

    *Primary suppression*: a group with fewer than :data:`MIN_CELL` workers, or with fewer than :data:`MIN_CELL`
    who paid something (the "exclude" variant's row: the "include" row with the zero costs, all 0, added), is
    withheld in both variants.

    *Secondary (complementary) suppression*, with ``complement``: the groups of one disaggregation add up to the
    overall figure, and each published row carries its weighted population, so population x mean is an exact
    weighted total even with unequal survey weights: the overall minus the published groups is the hidden groups'
    exact mean ratio, mean cost and weight, pooled. So, in a disaggregation with a withheld group, the next-smallest
    groups are withheld with it until, in each variant, the hidden groups together hold none or at least
    :data:`MIN_CELL` workers (with one other group only, both are withheld; the overall stays)."""
    sizes: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        sizes.setdefault((r["by"], r["group"]), {})[r["zero_costs"]] = int(r["n"])
    hidden = {key for key, n in sizes.items() if _small(n.values())}
    return _complemented(sizes, hidden) if complement else hidden


def zero_cost_withheld(rows: list[dict[str, Any]], withheld_too: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The ``(by, group)`` pairs of ``rows`` whose number of workers who paid nothing no public output shows:
    1 to :data:`MIN_CELL` - 1 of them, the groups in ``withheld_too`` (:func:`withheld`: nothing of theirs
    shows), and groups withheld with these so that their count cannot be worked out.

    The count shows in three ways, all withheld together: ``n_zero_cost`` and ``zero_cost_share`` of both rows,
    the "exclude" variant's row (its ``n`` is the "include" row's minus the workers who paid nothing, and its mean
    against the "include" mean gives their weight), and the overall minus the published groups (so the same
    complementary rule as :func:`withheld` applies, to the counts of workers who paid nothing; it is not needed
    when the overall's own count is withheld)."""
    zeros: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        if r["n_zero_cost"] is not None:
            zeros[(r["by"], r["group"])] = {"zero": int(r["n_zero_cost"])}
    hidden = {key for key, n in zeros.items() if _small(n.values())} | withheld_too
    if any(by == sdg.ALL for by, _g in hidden):
        return hidden  # nothing to subtract from: every group's count is at most the overall's 1 to 4
    return _complemented(zeros, hidden)


def _small(counts: Iterable[int]) -> bool:
    return any(0 < c < MIN_CELL for c in counts)


def _complemented(sizes: dict[tuple[str, str], dict[str, int]], hidden: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """``hidden`` with, in each disaggregation holding a hidden group, the next-smallest groups added until the
    hidden ones pool none or at least :data:`MIN_CELL` of every count in ``sizes`` (see :func:`withheld`)."""
    hidden = set(hidden)
    counts = {c for n in sizes.values() for c in n}
    for by in sorted({b for b, _g in hidden} - {sdg.ALL}):
        # the smallest first; a group with none of any count (no worker who paid nothing) adds nothing to the pool
        rest = sorted(
            (k for k in sizes if k[0] == by and k not in hidden),
            key=lambda k: (max(sizes[k].values()) == 0, max(sizes[k].values()), k[1]),
        )
        while rest and _small(sum(sizes[k].get(c, 0) for k in hidden if k[0] == by) for c in counts):
            hidden.add(rest.pop(0))
    return hidden


def _protected(
    rows: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], Callable[[str, list[dict[str, Any]]], list[dict[str, Any]]]]:
    """``rows`` with the statistics of :func:`withheld` groups blanked (``suppressed`` true, and
    ``suppressed_reason``: ``min_cell`` for a small group, ``complementary`` for one withheld so that a small group
    cannot be worked out), the counts of workers who paid nothing of :func:`zero_cost_withheld` groups blanked
    (with their "exclude" rows, ``suppressed_reason``: ``zero_cost``), and a filter of :func:`sdg.distribution`
    rows by the same groups: ``shown(by, dist)`` keeps the levels of disaggregation ``by`` (``sdg.ALL`` for the
    overall) whose statistics are published."""
    hidden = withheld(rows)
    primary = withheld(rows, complement=False)
    no_zeros = zero_cost_withheld(rows, hidden)
    published = {(r["by"], r["group"]) for r in rows} - hidden
    for r in rows:
        key = (r["by"], r["group"])
        r["suppressed"] = key in hidden or (key in no_zeros and r["zero_costs"] == "exclude")
        r["suppressed_reason"] = None
        if r["suppressed"]:
            r["suppressed_reason"] = (
                "min_cell" if key in primary else "complementary" if key in hidden else "zero_cost"
            )
            for k in sdg.RESULT_COLUMNS:
                if k not in ("zero_costs", "by", "group", "confidence"):
                    r[k] = None
        elif key in no_zeros:
            r["n_zero_cost"] = r["zero_cost_share"] = None

    def shown(by: str, dist: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [d for d in dist if (by, d["level"]) in published]

    return rows, shown


def _safe_bins(
    overall: list[dict[str, Any]], by_sex: list[dict[str, Any]], size: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The published distributions of one variable (:func:`sdg.distribution` rows of the ``size`` bins, overall and
    by sex, already kept to the published groups by ``shown``) with no bin of 1 to :data:`MIN_CELL` - 1 workers:
    the one place where the page's and the PDF's charts and the API's distributions are protected.

    The overall and every sex share the same bins (so that no bin of one can be worked out from another's), and
    so do the workers of the withheld groups pooled (the overall minus the published sexes): while some bin holds
    1 to MIN_CELL - 1 workers in any of them, the one with the fewest workers overall (the lowest, on a tie) is
    merged with its nearest bin holding workers on either side, the one with fewer workers (on a tie, the one
    towards the nearer end of the scale), the empty bins between them included. A merged row's ``bin`` and
    ``last_bin`` are the first and last bins it spans (its label: :func:`bin_label`); counts, weights and shares
    are summed, so a group's bins still add up to its workers. A distribution that cannot be made safe, or that
    would be a single bar spanning every bin, is not published (both lists empty)."""
    if not overall:  # the corridor's own figure is withheld: so is every group of it
        return [], []

    def counts(rows: list[dict[str, Any]], level: str) -> list[int]:
        c = [0] * size
        for d in rows:
            if d["level"] == level:
                c[d["bin"]] = d["n"]
        return c

    total = counts(overall, sdg.ALL)
    sexes = sorted({d["level"] for d in by_sex})
    vectors = [total] + [counts(by_sex, s) for s in sexes]
    vectors.append([t - sum(v[b] for v in vectors[1:]) for b, t in enumerate(total)])  # the withheld, pooled
    segs = [(b, b) for b in range(size)]

    def n(v: list[int], seg: tuple[int, int]) -> int:
        return sum(v[seg[0] : seg[1] + 1])

    while unsafe := [i for i, seg in enumerate(segs) if any(0 < n(v, seg) < MIN_CELL for v in vectors)]:
        i = min(unsafe, key=lambda i: (n(total, segs[i]), i))
        left = next((j for j in range(i - 1, -1, -1) if n(total, segs[j])), None)
        right = next((j for j in range(i + 1, len(segs)) if n(total, segs[j])), None)
        towards_top = segs[i][0] + segs[i][1] >= size - 1  # in the upper half of the scale
        sides = [(n(total, segs[j]), (j == left) == towards_top, j) for j in (left, right) if j is not None]
        if not sides:
            return [], []
        j = min(sides)[2]
        lo, hi = min(i, j), max(i, j)
        segs[lo : hi + 1] = [(segs[lo][0], segs[hi][1])]
    if segs == [(0, size - 1)]:
        return [], []

    def rows(source: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for level in sorted({d["level"] for d in source}):
            mine = [d for d in source if d["level"] == level]
            for first, last in segs:
                inside = [d for d in mine if first <= d["bin"] <= last]
                if inside:
                    out.append({"level": level, "bin": first, "last_bin": last,
                                **{k: sum(d[k] for d in inside) for k in ("share", "n", "weight")}})
        return out

    return rows(overall), rows(by_sex)


def recruiters(origin: str) -> dict[str, Any]:
    """Recruiters of the origin country in the registry, by kind, and their licences by status (as codes: pages
    label them in the reader's language)."""
    from fairrecruit.registry.models import Actor, Licence, LicenceStatus

    actors = Actor.objects.filter(country=origin, kind__in=RECRUITER_KINDS, merged_into__isnull=True)
    kinds = dict(actors.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    statuses = dict(
        Licence.objects.filter(actor__country=origin, actor__merged_into__isnull=True)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "total": sum(kinds.values()),
        "by_kind": [(k, kinds[k]) for k in RECRUITER_KINDS if kinds.get(k)],
        "licences": [(s, statuses[s]) for s in LicenceStatus.values if statuses.get(s)],
        "certification_available": apps.is_installed("fairrecruit.certification"),
        "sanctions": sanctions_in(origin),
    }


def sanctions_in(country: str) -> list[tuple[str, int]] | None:
    """Sanctions imposed by the country's regulators and not lifted, by kind (codes), or None when the
    enforcement app is not installed."""
    if not apps.is_installed("fairrecruit.enforcement"):
        return None
    from fairrecruit.enforcement.models import Sanction, SanctionKind

    counts = dict(
        Sanction.objects.filter(regulator__country=country, lifted_on__isnull=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [(k, counts[k]) for k in SanctionKind.values if counts.get(k)]


def certification_in(origin: str, destination: str) -> dict[str, Any] | None:
    """Certificates (public register: active, suspended, withdrawn) of recruiters of the origin country, with
    whether each one's scope covers this corridor. None when the certification app is not installed."""
    if not apps.is_installed("fairrecruit.certification"):
        return None
    from fairrecruit.certification.selectors import register

    code = f"{origin}-{destination}"
    certs = []
    counts: dict[str, int] = {}
    for c in register().filter(actor__country=origin):
        counts[c.status] = counts.get(c.status, 0) + 1
        certs.append(
            {
                "number": c.number,
                "holder": c.holder_name,
                "identifier": c.actor.identifier,
                "status": c.status,
                "valid_until": c.valid_until,
                "scope": c.scope_corridors,
                "covers": not c.scope_corridors or code in c.scope_corridors,
            }
        )
    return {"certificates": certs, "counts": counts}


def complaints_in(origin: str, destination: str) -> dict[str, Any] | None:
    """The corridor's row of the public complaint statistics (cells below the threshold suppressed), or None
    when the grievances app is not installed."""
    if not apps.is_installed("fairrecruit.grievances"):
        return None
    from fairrecruit.grievances.selectors import public_statistics

    stats = public_statistics(corridor=(origin, destination))
    row = next(iter(stats["corridors"]), None)
    return {"min_cell": stats["min_cell"], "row": row}


# --- releases and knowledge products ----------------------------------------------------------------------


def surveys() -> QuerySet[Survey]:
    return Survey.objects.order_by("-imported_at", "-id")


def releases() -> QuerySet[Release]:
    return Release.objects.all()


def products_visible_to(user: User | None) -> QuerySet[KnowledgeProduct]:
    """Published products for everyone; submitters see their own; reviewers and staff see those in review."""
    qs = KnowledgeProduct.objects.all()
    if user is None or not user.is_authenticated:
        return qs.filter(status=KnowledgeProduct.Status.PUBLISHED)
    if can(user, "knowledge.review_internal") or can(user, "knowledge.review_external"):
        return qs
    return qs.filter(Q(status=KnowledgeProduct.Status.PUBLISHED) | Q(submitted_by=user))


def products_search(
    user: User | None,
    *,
    q: str = "",
    kind: str = "",
    gcm: str = "",
    corridor: str = "",
    theme: str = "",
    status: str = "",
) -> QuerySet[KnowledgeProduct]:
    qs = products_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        for word in q.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(partners__partner__name__icontains=word)
                | Q(tags__label__icontains=word)
            )
    if kind:
        qs = qs.filter(kind=kind)
    for tag_kind, code in (
        (Tag.Kind.GCM, gcm),
        (Tag.Kind.CORRIDOR, corridor.upper()),
        (Tag.Kind.THEME, theme),
    ):
        if code:
            qs = qs.filter(tags__kind=tag_kind, tags__code=code)
    return qs.distinct().prefetch_related("tags", "partners__partner")


def review_queue(user: User | None) -> QuerySet[KnowledgeProduct]:
    """Products waiting for a decision that ``user`` may give (not their own, not already decided this round, and
    for an external reviewer none they are not independent of)."""
    if user is None or not (can(user, "knowledge.review_internal") or can(user, "knowledge.review_external")):
        return KnowledgeProduct.objects.none()
    queue = (
        KnowledgeProduct.objects.filter(status=KnowledgeProduct.Status.SUBMITTED)
        .exclude(submitted_by=user)
        .exclude(reviews__reviewer=user, reviews__round=F("round"))
    )
    if can(user, "knowledge.review_internal"):
        return queue
    # An external reviewer is not offered work they may not review (their own organisation's, or a partner's).
    return queue.exclude(id__in=[p.id for p in queue if external_conflict(user, p)])
