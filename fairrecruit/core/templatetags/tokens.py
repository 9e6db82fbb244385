"""``{% form_token %}``: a hidden, fresh token in a form, so that the same form sent again (a double tap, a page
resent after a lost answer: the browser sends the same token) stores nothing new
(``core.idempotency.submit_once``)."""

from __future__ import annotations

import secrets

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    return format_html('<input type="hidden" name="token" value="{}">', secrets.token_urlsafe(24))
