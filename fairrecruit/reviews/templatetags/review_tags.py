"""``{% load review_tags %}{% reviews_section actor %}``: the reviews section of an actor's profile page."""

from __future__ import annotations

from typing import Any

from django import template

from fairrecruit.registry.models import Actor
from fairrecruit.reviews.selectors import actor_review_section

register = template.Library()


@register.inclusion_tag("reviews/_profile_section.html", takes_context=True)
def reviews_section(context: template.Context, actor: Actor) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"review_section": actor_review_section(actor, user=user), "request": request}
