"""Choices shown only on signed-in staff pages (invoices), kept apart from ``models`` so their labels are
listed as staff-only in tests/test_translations.py (translation optional)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    APPLICATION = "application", _("Application fee")
    AUDIT = "audit", _("Audit fee")
    CERTIFICATE = "certificate", _("Certificate fee")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


__all__ = ["InvoiceKind", "InvoiceStatus"]
