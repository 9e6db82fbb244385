"""Number formats of 'fil' from CLDR (see ``fairrecruit/core/formats/__init__.py``)."""

from fairrecruit.core.formats import cldr_numbers

DECIMAL_SEPARATOR, THOUSAND_SEPARATOR, NUMBER_GROUPING = cldr_numbers("fil")
