"""A background job: an import (or other long work) queued by a page or command and run by a worker."""

from __future__ import annotations

import uuid

from django.db import models

from fairrecruit.core.models import User


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60, help_text="registered job kind, e.g. registry.import")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0, help_text="units of work done (rows)")
    total = models.PositiveIntegerField(default=0, help_text="units of work in all (0: not known yet)")
    stage = models.CharField(max_length=200, blank=True, help_text="what the job is doing now")
    params = models.JSONField(default=dict, blank=True, help_text="what the job was asked to do")
    result = models.JSONField(default=dict, blank=True, help_text="what it produced: ids, counts, report")
    error = models.TextField(blank=True, help_text="why it failed")
    input_name = models.CharField(max_length=300, blank=True, help_text="the uploaded file's own name")
    input_path = models.CharField(
        max_length=1000, blank=True, help_text="the input file in FAIRRECRUIT_JOBS_DIR; deleted when the job ends"
    )
    worker = models.CharField(max_length=200, blank=True, help_text="host, process and thread that ran it")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="last sign of life from the worker running it (every few seconds)"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="jobs_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
