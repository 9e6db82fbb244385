"""JSON API for evidence (mounted under /api/v1/): corridor profiles, open-data releases, knowledge products."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from ninja import Router

from fairrecruit.core import links
from fairrecruit.evidence import sdg, selectors, survey
from fairrecruit.evidence.models import KnowledgeProduct, Tag

router = Router(tags=["evidence"])


@router.get("/corridors", summary="Corridors with survey data or assessments, and their headline SDG 10.7.1")
def corridors_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {**c, "url": links.absolute(request, reverse("evidence:corridor", args=[c["code"]]))}
        for c in selectors.corridors()
    ]


@router.get(
    "/corridors/{corridor}",
    summary="A corridor profile: SDG 10.7.1 by group (both zero-cost variants), distributions, rules in force",
    description="`corridor` is ORIGIN-DESTINATION with ISO 3166 alpha-2 codes, e.g. NP-QA. Groups with fewer than "
    "5 workers (or fewer than 5 who paid something) have their statistics withheld (`suppressed: true`, "
    "`suppressed_reason: min_cell`), and so do the next-smallest groups of the same disaggregation, so that the "
    "overall minus the published groups pools at least 5 workers (`suppressed_reason: complementary`). "
    "Where 1 to 4 workers of a group paid nothing, their number is withheld the same way: `n_zero_cost` and "
    "`zero_cost_share` are null and the group's `exclude` row is withheld (`suppressed_reason: zero_cost`). "
    "`distributions` hold only the groups whose statistics are published, and no bin of 1 to 4 workers: such a bin "
    "is merged with its nearest neighbour holding workers (the one with fewer), the same bins for the overall and "
    "every sex; a row spans the fixed bins `bin` to `last_bin` (0: nothing paid; `label`: the range, in "
    "English), and a group's rows add up to its workers (`n`). `ratio_of_means` is a comparison only; "
    "`confidence` is the level of the intervals. Each survey lists the exchange rates it used (`conversions`: "
    "currency, `for_date` asked, `per_usd`, `rate_date`, `source`, `latest_available`).",
)
def corridor_get(request: HttpRequest, corridor: str) -> HttpResponse:
    parsed = selectors.parse_corridor(corridor)
    if parsed is None:
        return JsonResponse(
            {
                "errors": [
                    {
                        "field": "corridor",
                        "message": "write ORIGIN-DESTINATION with ISO 3166 alpha-2 codes, e.g. NP-QA",
                    }
                ]
            },
            status=404,
        )
    p = selectors.corridor_profile(*parsed)
    rules = []
    for r in p["rules"]:
        e: dict[str, Any] = {"id": r["id"], "role": r["role"], "title": r["title"], "found": r["found"]}
        if r.get("rule"):
            e["rule"] = {
                "id": r["rule"].id,
                "title": r["rule"].title,
                "cap": r["version"]["cap"],
                "source": r["version"]["source"].as_dict(),
            }
        if r.get("principles"):
            e["principles"] = [
                {"id": x.id, "label": x.label, "source": x.source.as_dict()} for x in r["principles"]
            ]
        rules.append(e)
    return JsonResponse(
        {
            "corridor": p["code"],
            "date": p["day"].isoformat(),
            "definition": {
                "indicator": "SDG 10.7.1",
                "metadata": sdg.METADATA_URL,
                "version": sdg.METADATA_VERSION,
            },
            "synthetic_data": p["synthetic"],
            "surveys": [
                {
                    "title": s.title,
                    "producer": s.producer,
                    "synthetic": s.synthetic,
                    "fx_rule": s.fx_rule,
                    "conversions": survey.conversion_rows(s.conversions),
                    "earnings_rule": s.earnings_rule,
                }
                for s in p["surveys"]
            ],
            "survey_statistics": p["stats"],
            "distributions": _distributions(p["distributions"]),
            "platform_assessments": {"n": p["platform_n"], "statistics": p["platform_stats"]},
            "rules": rules,
            "recruiters": {k: v for k, v in p["recruiters"].items()},
            "min_cell": p["min_cell"],
        }
    )


def _distributions(dist: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The profile's distributions, each row with the ``label`` of the range it spans (in English, as the rest)."""
    with translation.override("en"):
        return {
            key: [{**d, "label": selectors.bin_label(key.removesuffix("_by_sex"), d["bin"], d["last_bin"])} for d in rows]
            for key, rows in dist.items()
        }


@router.get("/releases", summary="Open-data releases (Frictionless data packages) with disclosure control")
def releases_list(request: HttpRequest) -> list[dict[str, Any]]:
    out = []
    for r in selectors.releases():
        out.append(
            {
                "slug": r.slug,
                "title": r.title,
                "version": r.version,
                "created": r.created_at.isoformat(),
                "licence": r.licence,
                "k": r.k,
                "rounding_usd": r.rounding,
                "datapackage": links.absolute(request,
                    reverse("evidence:release_file", args=[r.slug, "datapackage.json"])
                ),
                "files": [
                    {
                        **f,
                        "url": links.absolute(request,
                            reverse("evidence:release_file", args=[r.slug, f["name"]])
                        ),
                    }
                    for f in r.files
                ],
            }
        )
    return out


@router.get(
    "/knowledge",
    summary="Published studies, datasets and practices (search by words, kind, GCM "
    "objective number, corridor, theme)",
)
def knowledge_list(
    request: HttpRequest, q: str = "", kind: str = "", gcm: str = "", corridor: str = "", theme: str = ""
) -> list[dict[str, Any]]:
    qs = selectors.products_search(
        None,
        q=q,
        kind=kind,
        gcm=gcm,
        corridor=corridor,
        theme=theme,
        status=KnowledgeProduct.Status.PUBLISHED,
    )
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "title": p.title,
            "summary": p.summary,
            "year": p.year,
            "url": p.url,
            "published": p.published_at.isoformat() if p.published_at else None,
            "data": {"release": p.release.slug if p.release else None, "url": p.data_url or None},
            "partners": [
                {"name": x.partner.name, "role": x.role, "kind": x.partner.kind, "country": x.partner.country}
                for x in p.partners.all()
            ],
            "gcm_objectives": sorted(int(t.code) for t in p.tags.all() if t.kind == Tag.Kind.GCM),
            "corridors": sorted(t.code for t in p.tags.all() if t.kind == Tag.Kind.CORRIDOR),
            "themes": sorted(t.label for t in p.tags.all() if t.kind == Tag.Kind.THEME),
        }
        for p in qs[:200]
    ]
