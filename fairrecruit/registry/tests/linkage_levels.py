"""Which comparison level of the linkage model a pair of standardised records lands on (for the linkage tests)."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from fairrecruit.registry.linkage import _schema, settings_creator


def level_of(comparison: str, a: dict[str, Any], b: dict[str, Any]) -> str:
    """The label of the level of ``comparison`` a pair of standardised records lands on (the first that holds)."""
    settings = settings_creator().get_settings("duckdb").as_dict()
    levels = next(c for c in settings["comparisons"] if c["output_column_name"] == comparison)[
        "comparison_levels"
    ]
    con = duckdb.connect()
    left_t = pa.Table.from_pylist([a], schema=_schema())  # noqa: F841 - read by DuckDB by name
    right_t = pa.Table.from_pylist([b], schema=_schema())  # noqa: F841
    cols = [k for k in a if k not in ("unique_id", "kind")]
    con.execute(
        "create table p as select "
        + ", ".join(f"left_t.{c} as {c}_l, right_t.{c} as {c}_r" for c in cols)
        + " from left_t, right_t"
    )
    for level in levels:
        if level["sql_condition"] == "ELSE":
            return str(level["label_for_charts"])
        row = con.execute(f"select count(*) from p where {level['sql_condition']}").fetchone()
        if row and row[0]:
            return str(level["label_for_charts"])
    raise AssertionError("no level")
