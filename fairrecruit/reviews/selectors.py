"""Reads for reviews, scoped by who asks. Public reads return only what may be public: published reviews'
shown text, coarse facts (year, countries, month of publication), replies, and aggregates over at least
``FAIRRECRUIT_REVIEW_MIN_AGGREGATE`` reviews (and as many answers to each question)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import Organisation, User
from fairrecruit.core.permissions import Scope, scope_for
from fairrecruit.registry.models import Actor
from fairrecruit.reviews import conf
from fairrecruit.reviews.models import Answer, Review, ReviewStatus

QUESTIONS = (
    ("paid_fees", _("Paid fees or costs to get the job")),
    ("contract_matched", _("Contract matched what was promised")),
    ("documents_taken", _("Passport or documents were taken")),
    ("info_before_departure", _("Got clear information before leaving")),
    ("wage_as_promised", _("Wage paid as promised")),
    ("free_to_change", _("Free to change employer or go home")),
)
MAX_MERGE_DEPTH = 10


def min_aggregate() -> int:
    return int(conf.get("FAIRRECRUIT_REVIEW_MIN_AGGREGATE"))


# --- actors --------------------------------------------------------------------------------------------------


def actor_canonical(identifier: str) -> Actor | None:
    """The actor with this identifier, following record-linkage merges to the surviving record."""
    actor = Actor.objects.filter(identifier=identifier).first()
    for _i in range(MAX_MERGE_DEPTH):
        if actor is None or actor.merged_into_id is None:
            break
        actor = actor.merged_into
    return actor


def actor_family(actor: Actor) -> list[int]:
    """The actor and every record merged into it (their reviews are its reviews)."""
    ids, frontier = [actor.pk], [actor.pk]
    for _i in range(MAX_MERGE_DEPTH):
        frontier = list(Actor.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
        if not frontier:
            break
        ids += frontier
    return ids


def actor_search(query: str, limit: int = 10) -> list[Actor]:
    from fairrecruit.registry.names import search_key

    key = search_key(query)
    if len(key) < 2:
        return []
    return list(
        Actor.objects.filter(merged_into__isnull=True)
        .filter(Q(search_text__icontains=key) | Q(identifier__iexact=query.strip()))
        .order_by("name")[:limit]
    )


# --- scoped reads (moderators) ----------------------------------------------------------------------------------


def reviews_in_scope(user: User | None, permission: str) -> QuerySet[Review]:
    """Reviews ``user`` may act on with ``permission``: all (staff), those of their organisations' countries
    (actor's country, worker's origin or destination), or none."""
    scope, orgs = scope_for(user, permission)
    if scope == Scope.ALL:
        return Review.objects.all()
    if scope == Scope.ORGANISATION:
        countries = set(
            Organisation.objects.filter(pk__in=orgs).exclude(country="").values_list("country", flat=True)
        )
        if countries:
            return Review.objects.filter(
                Q(actor__country__in=countries) | Q(origin__in=countries) | Q(destination__in=countries)
            )
    return Review.objects.none()


def can_moderate(user: User | None, review: Review) -> bool:
    return reviews_in_scope(user, "review.moderate").filter(pk=review.pk).exists()


def moderation_queue(user: User | None) -> dict[str, list[Any]]:
    """Pending reviews (oldest first) and published reviews with open flags."""
    qs = reviews_in_scope(user, "review.moderate").select_related("actor")
    pending = list(qs.filter(status=ReviewStatus.PENDING).order_by("created_at"))
    flagged = list(
        qs.filter(status=ReviewStatus.PUBLISHED)
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        .filter(open_flags__gt=0)
        .order_by("created_at")
    )
    return {"pending": pending, "flagged": flagged}


# --- public ------------------------------------------------------------------------------------------------------


@dataclass
class PublicReview:
    id: str
    rating: int
    treatment: int | None
    text: str  # in the reader's language when a translation exists
    language: str  # language of ``text``
    original_text: str | None  # the text as published, when ``text`` is a translation
    original_language: str
    origin: str
    destination: str
    recruitment_year: int | None
    published: str  # "YYYY-MM": month and year only
    published_month: dt.date | None = None  # the first day of that month, for display
    replies: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rating": self.rating,
            "treatment": self.treatment,
            "text": self.text,
            "language": self.language,
            "original_text": self.original_text,
            "original_language": self.original_language,
            "origin": self.origin,
            "destination": self.destination,
            "recruitment_year": self.recruitment_year,
            "published": self.published,
            "replies": self.replies,
        }


def _lang_matches(a: str, b: str) -> bool:
    return bool(a and b) and a.split("-")[0].lower() == b.split("-")[0].lower()


def published_reviews(actor: Actor) -> QuerySet[Review]:
    return Review.objects.filter(actor_id__in=actor_family(actor), status=ReviewStatus.PUBLISHED)


def public_reviews(
    actor: Actor, language: str | None = None, *, offset: int = 0, limit: int | None = None
) -> list[PublicReview]:
    """Published reviews, newest first, with the text in ``language`` (default: the active language) when a
    translation exists and the published text one tap away."""
    lang = language or get_language() or "en"
    out = []
    qs = (
        published_reviews(actor)
        .prefetch_related("translations", "replies__organisation")
        .order_by("-published_at", "pk")
    )
    qs = qs[offset : offset + limit] if limit is not None else qs[offset:]
    for r in qs:
        text, text_lang, original = r.text, r.language, None
        if r.text and not _lang_matches(r.language, lang):
            t = next((t for t in r.translations.all() if _lang_matches(t.language, lang)), None)
            if t is not None:
                text, text_lang, original = t.text, t.language, r.text
        published = r.published_at.strftime("%Y-%m") if r.published_at else ""
        out.append(
            PublicReview(
                id=str(r.pk),
                rating=r.rating,
                treatment=r.treatment,
                text=text,
                language=text_lang,
                original_text=original,
                original_language=r.language,
                origin=r.origin,
                destination=r.destination,
                recruitment_year=r.recruitment_year,
                published=published,
                published_month=r.published_at.date().replace(day=1) if r.published_at else None,
                replies=[
                    {
                        "organisation": rep.organisation.name,
                        "text": rep.text,
                        "date": rep.updated_at.strftime("%Y-%m"),
                    }
                    for rep in r.replies.all()
                ],
            )
        )
    return out


def _share(values: list[str], k: int) -> dict[str, Any] | None:
    answered = [v for v in values if v in (Answer.YES, Answer.NO, Answer.PARTLY)]
    if len(answered) < k:
        return None
    yes = sum(1 for v in answered if v == Answer.YES)
    return {"yes": yes, "answered": len(answered), "percent": round(100 * yes / len(answered))}


def _median(values: list[float], k: int, digits: int = 2) -> float | None:
    """The median over at least ``k`` values, to two significant figures: with few reviews the exact
    middle value is one worker's own payment, which the recruiter may recognise."""
    if len(values) < k:
        return None
    m = statistics.median(values)
    if m <= 0:
        return 0.0
    return float(round(m, digits - 1 - math.floor(math.log10(m))))


def aggregate(actor: Actor) -> dict[str, Any]:
    """Counts and shares over the actor's published reviews. Every figure needs at least K reviews (K =
    ``FAIRRECRUIT_REVIEW_MIN_AGGREGATE``) and K answers to its question; below that it is None (not shown)."""
    k = max(1, min_aggregate())
    rows = list(
        published_reviews(actor).values(
            "rating", "treatment", "paid_usd", "cost_months", *(q for q, _label in QUESTIONS)
        )
    )
    n = len(rows)
    out: dict[str, Any] = {"count": n, "threshold": k, "shown": n >= k}
    if n < k:
        return out
    dist = {s: sum(1 for r in rows if r["rating"] == s) for s in (5, 4, 3, 2, 1)}
    out["rating"] = {
        "average": round(sum(r["rating"] for r in rows) / n, 1),
        "distribution": [{"stars": s, "count": c, "percent": round(100 * c / n)} for s, c in dist.items()],
    }
    treat = [r["treatment"] for r in rows if r["treatment"]]
    out["treatment"] = round(sum(treat) / len(treat), 1) if len(treat) >= k else None
    out["questions"] = []
    for q, label in QUESTIONS:
        share = _share([r[q] for r in rows], k)
        out["questions"].append({"key": q, "label": str(label), "share": share})
    paid = [float(r["paid_usd"]) for r in rows if r["paid_usd"] is not None and r["paid_usd"] > 0]
    months = [float(r["cost_months"]) for r in rows if r["cost_months"] is not None and r["cost_months"] > 0]
    out["fees"] = {
        "reported": len(paid),
        "median_usd": _median(paid, k),
        "median_months": _median(months, k),
    }
    return out


PER_PAGE = 20


def actor_review_section(
    actor: Actor, *, user: User | None = None, language: str | None = None, page: int = 1
) -> dict[str, Any]:
    """Everything the ``reviews/_profile_section.html`` snippet shows for an actor: the aggregate (or the
    threshold), one page of published reviews, and whether ``user`` may reply in the actor's name."""
    page = max(1, page)
    reviews = public_reviews(actor, language, offset=(page - 1) * PER_PAGE, limit=PER_PAGE + 1)
    return {
        "actor": actor,
        "aggregate": aggregate(actor),
        "reviews": reviews[:PER_PAGE],
        "page": page,
        "has_next": len(reviews) > PER_PAGE,
        "can_reply": bool(reply_organisations(user, actor)),
    }


def reply_organisations(user: User | None, actor: Actor) -> list[Organisation]:
    """The organisations in whose name ``user`` may reply to reviews of ``actor``: organisations that staff
    linked to the actor (``RegistryClaim``) where ``user`` has a role with ``review.reply``."""
    from fairrecruit.core.permissions import can
    from fairrecruit.reviews.models import RegistryClaim

    if user is None or not user.is_authenticated:
        return []
    claimed = RegistryClaim.objects.filter(actor_id__in=actor_family(actor)).values_list(
        "organisation_id", flat=True
    )
    return [o for o in Organisation.objects.filter(pk__in=claimed) if can(user, "review.reply", o.pk)]
