"""Form fields and helpers shared by every app: ids typed or tampered with in a form or a URL, and NUL characters
in imported files (``nul_cells``).

A database integer key holds at most 2**63 - 1. Django's choice fields and ``<int:…>`` URLs pass any run of digits
to the database, and SQLite's driver cannot bind a bigger number: the request then ends in a server error
(``OverflowError``) instead of "not one of the choices" or a missing page. Python's ``str.isdigit`` also accepts
digits that ``int()`` refuses (superscripts such as '²'). So every id that comes from outside goes through
``row_id``, the choice fields below, or the ``id`` path converter (registered in ``core.apps``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, overload

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1
_INTEGER_KEYS = frozenset(
    {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField"}
)


def row_id(value: Any) -> int | None:
    """The id sent, as an int, when it is a whole number of ASCII digits between 1 and ``MAX_ID``; else None
    ('', '-1', '9' * 40, '٣', '²', 'NaN' choose nothing)."""
    text = str(value if value is not None else "").strip()
    if not text or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


@overload
def whole_number(value: str | None, default: int, invalid: int) -> int: ...
@overload
def whole_number(value: str | None, default: int, invalid: None = None) -> int | None: ...
def whole_number(value: str | None, default: int, invalid: int | None = None) -> int | None:
    """A whole number typed in a form: ``default`` when left empty, ``invalid`` when it is not a whole number of
    ASCII digits that a database column can hold (for the service to refuse with its own message)."""
    text = (value or "").strip()
    if not text:
        return default
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else invalid


class IdCheckMixin:
    """Refuses, as "not one of the choices", a value that cannot be an integer key, before any query."""

    queryset: Any
    to_field_name: str | None
    error_messages: dict[str, Any]

    def _integer_keys(self) -> bool:
        return (
            self.to_field_name is None and self.queryset.model._meta.pk.get_internal_type() in _INTEGER_KEYS
        )

    def _refuse_non_ids(self, values: Iterable[Any], code: str) -> None:
        if not self._integer_keys():
            return
        for value in values:
            if not hasattr(value, "_meta") and row_id(value) is None:
                params = {"pk": value} if code == "invalid_pk_value" else {"value": value}
                raise ValidationError(self.error_messages[code], code=code, params=params)


class ModelChoiceField(IdCheckMixin, forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            self._refuse_non_ids([value], "invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(IdCheckMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            self._refuse_non_ids(value, "invalid_pk_value")
        return super()._check_values(value)  # type: ignore[misc]


class IdConverter:
    """``<id:pk>`` in a URL: an integer key of 1 to 18 digits (always below 2**63), so that a longer number is a
    missing page (404), not a database error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def nul_cells(rows: Iterable[tuple[int, Iterable[tuple[str, Any]]]]) -> list[tuple[int, str, str]]:
    """Every cell of an imported file that holds a NUL character (0x00), as (row, column, the cell with the NUL
    shown as ``\\0``, at most 120 characters). PostgreSQL cannot store a NUL in text (SQLite would, so the two
    databases would differ); it comes from a damaged file or a binary export saved as .csv. ``rows`` gives each
    row's number as the spreadsheet shows it and its (column name, value) pairs; a column name holding a NUL
    counts too."""
    return [
        (row, column.replace("\x00", "\\0"), (value if isinstance(value, str) else "").replace("\x00", "\\0")[:120])
        for row, cells in rows
        for column, value in cells
        if "\x00" in column or (isinstance(value, str) and "\x00" in value)
    ]
