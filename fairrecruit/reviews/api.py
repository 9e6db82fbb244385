"""JSON API for worker reviews (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["reviews"])
