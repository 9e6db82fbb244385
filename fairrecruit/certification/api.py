"""JSON API for certification (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["certification"])
