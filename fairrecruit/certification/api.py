"""JSON API for certification (mounted under /api/v1/): the public register and certificate verification.
No token needed: both show only what a certificate states."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from fairrecruit.certification import selectors, signing
from fairrecruit.core.openapi import ERROR_SCHEMA, json_response

router = Router(tags=["certification"])

_CERT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "number": {"type": "string"},
        "holder": {"type": "string"},
        "registry_identifier": {
            "type": "string",
            "description": "the recruiter's identifier in the registry",
        },
        "scheme": {"type": "string"},
        "scheme_name": {"type": "string"},
        "standard": {"type": "string", "description": "standard id, e.g. iris"},
        "certification_body": {"type": "string"},
        "corridors": {
            "type": "array",
            "items": {"type": "string"},
            "description": "origin-destination, NP-QA",
        },
        "sectors": {"type": "array", "items": {"type": "string"}},
        "issued_on": {"type": "string", "format": "date"},
        "valid_until": {"type": "string", "format": "date"},
        "status": {"type": "string", "enum": ["active", "suspended", "withdrawn"]},
        "status_reason": {"type": "string"},
        "status_changed_at": {"type": ["string", "null"], "format": "date"},
    },
}
_VERIFY_SCHEMA = {
    "type": "object",
    "properties": {
        **_CERT_SCHEMA["properties"],
        "signature_valid": {
            "type": "boolean",
            "description": "the Ed25519 signature over the certificate's fields holds (false: altered)",
        },
        "valid_now": {"type": "boolean", "description": "signature valid and status active"},
        "key_id": {"type": "string"},
        "signature": {"type": "string", "description": "url-safe base64, no padding"},
        "signed_fields": {"type": "object", "description": "the canonical fields the signature covers"},
    },
}

@router.get(
    "/certification/register",
    summary="Public register of certified, suspended and withdrawn recruiters",
    description="Optional query parameters: `status` (active, suspended, withdrawn), `q` (name, registry "
    "identifier or certificate number), `limit` (default 100, at most 500), `offset`.",
    openapi_extra={
        "parameters": [
            {
                "name": "status",
                "in": "query",
                "schema": {"type": "string", "enum": ["active", "suspended", "withdrawn"]},
            },
            {"name": "q", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 100, "maximum": 500}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0}},
        ],
        "responses": {
            "200": {
                "description": "Certificates",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "count": {"type": "integer"},
                                "results": {"type": "array", "items": _CERT_SCHEMA},
                            },
                        }
                    }
                },
            }
        },
    },
)
def register(request: HttpRequest) -> HttpResponse:
    try:
        limit = max(1, min(500, int(request.GET.get("limit", 100))))
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return JsonResponse({"errors": [{"field": "limit", "message": "must be a whole number"}]}, status=400)
    qs = selectors.register(request.GET.get("status") or None, (request.GET.get("q") or "").strip()[:100])
    return JsonResponse(
        {
            "count": qs.count(),
            "results": [selectors.public_certificate(c) for c in qs[offset : offset + limit]],
        }
    )


@router.get(
    "/certification/verify/{number}",
    summary="Verify a certificate: live status and signature check",
    description="The certificate with this number, its current status, and whether the Ed25519 signature over "
    "its fields holds. 404 when no certificate has this number.",
    openapi_extra={
        "responses": {
            "200": json_response(_VERIFY_SCHEMA, "Found"),
            "404": json_response(ERROR_SCHEMA, "No such certificate"),
        }
    },
)
def verify(request: HttpRequest, number: str) -> HttpResponse:
    result = selectors.verification(number)
    if result is None:
        return JsonResponse({"errors": [{"field": "number", "message": "no such certificate"}]}, status=404)
    cert = result["certificate"]
    return JsonResponse(
        {
            **result["public"],
            "signature_valid": result["signature_valid"],
            "valid_now": result["valid_now"],
            "key_id": result["key_id"],
            "signature": cert.signature,
            "signed_fields": signing.canonical_fields(cert),
        }
    )


@router.get(
    "/certification/signing-key",
    summary="The public key that signs certificates (to check signatures offline)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Ed25519 public key",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "algorithm": {"type": "string"},
                                "key_id": {"type": "string"},
                                "public_key": {"type": "string", "description": "raw 32 bytes, hex"},
                                "canonical_form": {"type": "string"},
                                "retired_keys": {
                                    "type": "array",
                                    "description": "retired keys that still verify what they signed",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "key_id": {"type": "string"},
                                            "public_key": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        }
                    }
                },
            }
        }
    },
)
def signing_key(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "algorithm": "Ed25519",
            "key_id": signing.key_id(),
            "public_key": signing.public_key_raw().hex(),
            "canonical_form": "JSON of signed_fields, keys sorted, separators ',' and ':', UTF-8, no ASCII escaping",
            "retired_keys": [
                {"key_id": k, "public_key": v.hex()}
                for k, v in signing.trusted_public_keys().items()
                if k != signing.key_id()
            ],
        }
    )
