"""JSON API for the registry (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["registry"])
