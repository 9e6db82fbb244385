"""Jobs API: ``GET /api/v1/jobs/{id}``, a job's status and progress (token of the user who queued it, or staff)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import Router

from fairrecruit.core.auth import api_user
from fairrecruit.core.openapi import ERROR_SCHEMA, json_response
from fairrecruit.jobs import selectors

router = Router(tags=["jobs"])

@router.get(
    "/jobs/{job_id}",
    summary="A background job: status and progress (token required)",
    description="`status` is queued, running, done or failed; `done` of `total` rows; `result` (ids and counts) "
    "once done, `error` once failed; while it runs, `heartbeat_at` is the worker's last sign of life (every "
    "FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS). Only the job's creator and staff see it.",
    openapi_extra={"responses": {
        "200": json_response({"type": "object"}, "The job"),
        "401": json_response(ERROR_SCHEMA, "No or bad token"),
        "404": json_response(ERROR_SCHEMA, "No such job visible to you"),
    }},
)
def job_get(request: HttpRequest, job_id: str) -> JsonResponse:
    token = api_user(request)
    if token is None:
        return JsonResponse({"errors": [{"field": "Authorization", "message": "send 'Authorization: Bearer <token>'"}]},
                            status=401)
    job = selectors.job_for(token.user, job_id)
    if job is None:
        return JsonResponse({"errors": [{"field": "id", "message": "no such job visible to you"}]}, status=404)
    return JsonResponse(selectors.job_summary(job), json_dumps_params={"ensure_ascii": False})
