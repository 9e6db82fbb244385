from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.evidence import sdg, survey

TABLE_COLUMNS = (
    ("zero costs", "zero_costs", 10),
    ("by", "by", 12),
    ("group", "group", 16),
    ("n", "n", 7),
    ("population", "population", 12),
    ("paid 0", "zero_cost_share", 6),
    ("mean", "mean", 7),
    ("{level} CI", "ci", 15),
    ("median", "median", 7),
    ("q80", "q80", 7),
    ("ratio of means*", "ratio_of_means", 15),
)
# printed after TABLE_COLUMNS when bootstrap intervals were computed
BOOTSTRAP_COLUMNS = (
    ("boot {level} mean", "boot_mean", 15),
    ("boot {level} median", "boot_median", 15),
    ("boot {level} q80", "boot_q80", 15),
)
LEFT = ("zero_costs", "by", "group")


class Command(BaseCommand):
    help = (
        "Recruitment-cost statistics. `stats sdg-10-7-1 FILE` computes SDG indicator 10.7.1 from survey "
        "microdata (CSV, XLSX or Parquet; --platform: from the assessments stored on FairRecruit), prints a table "
        "and writes CSV or Parquet. `stats import FILE --title T` stores a survey for the corridor pages. "
        "`stats release --title T` builds an open-data release."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        s = sub.add_parser("sdg-10-7-1", help="compute SDG indicator 10.7.1")
        s.add_argument("file", nargs="?", help="survey microdata: .csv, .xlsx or .parquet")
        s.add_argument(
            "--platform", action="store_true", help="use the stored fee assessments instead of a file"
        )
        s.add_argument(
            "--by",
            default="",
            help="disaggregations, e.g. sex,destination (one-way each) or "
            "sex*destination (cross); names: " + ", ".join(sdg.DIMENSIONS),
        )
        s.add_argument(
            "--zero-costs",
            default="both",
            choices=["include", "exclude", "both"],
            help="keep workers who paid nothing, leave them out, or report both (default)",
        )
        s.add_argument("--output", "-o", help="write the table to .csv or .parquet")
        s.add_argument("--confidence", type=float, default=0.95)
        s.add_argument(
            "--bootstrap", type=int, default=0, help="bootstrap replicates for percentile CIs (0: none)"
        )
        s.add_argument("--seed", type=int, default=sdg.DEFAULT_SEED)
        s.add_argument(
            "--fx-date-column", help="convert at the date in this column (default: 1 July of year)"
        )
        s.add_argument("--partial", action="store_true", help="leave rejected rows out instead of stopping")
        s.add_argument("--report", help="write every rejected row (row, field, message) to this CSV")
        i = sub.add_parser("import", help="validate and store a survey for the corridor pages")
        i.add_argument("file")
        i.add_argument("--title", required=True)
        i.add_argument("--producer", default="")
        i.add_argument("--synthetic", action="store_true", help="the data are generated, not real workers")
        i.add_argument("--partial", action="store_true")
        i.add_argument("--fx-date-column")
        i.add_argument(
            "--earnings-rule",
            default="first_full_month",
            choices=["first_full_month", "last_month", "typical_month"],
        )
        i.add_argument("--dry-run", action="store_true", help="validate and report; store nothing")
        r = sub.add_parser("release", help="build an open-data release from the platform's data")
        r.add_argument("--title", required=True)
        r.add_argument("--k", type=int, default=5)
        r.add_argument("--rounding", type=int, default=100)
        r.add_argument("--notes", default="")
        r.add_argument("--slug")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["subcommand"].replace("-", "_"))(opts)

    # --- sdg-10-7-1 -----------------------------------------------------------------------------------------

    def _sdg_10_7_1(self, opts: dict[str, Any]) -> None:
        try:
            options = sdg.Options(
                by=sdg.parse_by(opts["by"]),
                zero_costs=sdg.parse_zero_costs(opts["zero_costs"]),
                confidence=opts["confidence"],
                bootstrap=opts["bootstrap"],
                seed=opts["seed"],
            )
        except sdg.SdgError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(opts["output"]) if opts["output"] else None
        if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
            raise CommandError(f"{out.name}: write .csv or .parquet")
        con = duckdb.connect()
        notes: list[str] = []
        conversions: list[dict[str, Any]] | None = None
        try:
            if opts["platform"]:
                from fairrecruit.evidence.selectors import platform_conversions, platform_records

                records = platform_records()
                if not records:
                    raise CommandError("no stored assessments with earnings to compute from")
                survey.from_records(con, records, "survey")
                conversions = platform_conversions(records)
                notes.append(
                    f"{len(records)} fee assessments stored on FairRecruit (weight 1 each): cases "
                    "brought to the platform, not a sample survey."
                )
            else:
                if not opts["file"]:
                    raise CommandError("give a survey FILE, or --platform")
                try:
                    s = survey.load(
                        opts["file"], con=con, partial=opts["partial"], fx_date_column=opts["fx_date_column"]
                    )
                except survey.SurveyError as exc:
                    self._report(opts.get("report"), exc.rejections)
                    for line in exc.lines():
                        self.stderr.write(f"error: {line}")
                    raise CommandError(str(exc)) from exc
                self._report(opts.get("report"), s.rejections)
                self._warnings([w.as_dict() for w in s.warnings])
                notes += s.notes
                conversions = s.conversions
                if s.rejections:
                    notes.append(
                        f"{len({r.row for r in s.rejections})} row(s) rejected and left out (--partial)."
                    )
            rows = sdg.indicator(con, "survey", options)
        finally:
            con.close()
        self.stdout.write(render_table(rows, confidence=options.confidence, bootstrap=bool(options.bootstrap)))
        for n in [
            *notes,
            "paid 0: the (weighted) share of workers who paid no recruitment costs.",
            "* ratio of means: mean costs / mean earnings, a comparison only, not the indicator.",
            f"Definition: SDG 10.7.1 metadata {sdg.METADATA_VERSION}, {sdg.METADATA_URL}",
        ]:
            self.stdout.write(n)
        if conversions:
            self.stdout.write(survey.conversions_text(conversions))
        if out is not None:
            sdg.write_table(rows, out, conversions=conversions)
            self.stdout.write(f"wrote {len(rows)} rows to {out}")
            if conversions is not None:
                survey.write_conversions(conversions, survey.conversions_path(out))
                self.stdout.write(
                    f"wrote {len(conversions)} exchange rate(s) to {survey.conversions_path(out)}"
                )

    def _report(self, path: str | None, rejections: list[survey.Rejection]) -> None:
        if not path:
            return
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["row", "field", "message"])
            w.writerows((r.row, r.field, r.message) for r in rejections)

    # --- import, release ------------------------------------------------------------------------------------

    def _import(self, opts: dict[str, Any]) -> None:
        from fairrecruit.evidence.services import survey_import

        s = survey_import(
            actor=None,
            path=opts["file"],
            title=opts["title"],
            producer=opts["producer"],
            synthetic=opts["synthetic"],
            partial=opts["partial"],
            fx_date_column=opts["fx_date_column"],
            earnings_rule=opts["earnings_rule"],
            dry_run=opts["dry_run"],
        )
        rej = s.report.get("rejections", [])
        for r in rej[: survey.SHOWN]:
            self.stderr.write("error: " + survey.issue_line(r))
        if s.status == "rejected":
            raise CommandError(s.report.get("error") or "rejected")
        self._warnings(s.report.get("warnings", []))
        what = "checked (dry run, nothing stored)" if opts["dry_run"] else f"stored as survey {s.pk}"
        self.stdout.write(f"{s.filename}: {s.rows_imported} of {s.rows_total} rows {what}; status {s.status}")
        if s.report.get("warnings_total"):
            self.stdout.write(survey.warnings_note(s.report["warnings_total"], s.report["rows_warned"]))
        if s.fx_rule:
            self.stdout.write(f"Currency conversion: {s.fx_rule}.")
        if s.conversions:
            self.stdout.write(survey.conversions_text(s.conversions))

    def _warnings(self, warnings: list[dict[str, Any]]) -> None:
        """Implausible values in imported rows (kept): the first few, the rest in the report."""
        for w in warnings[: survey.SHOWN]:
            self.stderr.write("warning: " + survey.issue_line(w))

    def _release(self, opts: dict[str, Any]) -> None:
        from fairrecruit.evidence.services import EvidenceError, release_create

        try:
            r = release_create(
                actor=None,
                title=opts["title"],
                k=opts["k"],
                rounding=opts["rounding"],
                notes=opts["notes"],
                slug=opts["slug"],
            )
        except EvidenceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"release {r.slug}: " + ", ".join(f"{f['name']} ({f['bytes']} bytes)" for f in r.files)
        )


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)


def _interval(low: Any, high: Any) -> str:
    return "-" if low is None or high is None else f"{low:.2f}–{high:.2f}"


def render_table(rows: list[dict[str, Any]], *, confidence: float = 0.95, bootstrap: bool = False) -> str:
    """The indicator's rows as a text table; the intervals' heading says their level (``confidence``), and
    the bootstrap intervals get columns of their own when they were computed."""
    level = f"{confidence * 100:g}%"
    columns = [*TABLE_COLUMNS, *(BOOTSTRAP_COLUMNS if bootstrap else ())]
    lines = [
        "  ".join(
            f"{h.format(level=level):>{w}}" if k not in LEFT else f"{h:<{w}}" for h, k, w in columns
        )
    ]
    for r in rows:
        cells = []
        for _h, k, w in columns:
            if k == "ci":
                v = _interval(r["mean_ci_low"], r["mean_ci_high"])
            elif k.startswith("boot_"):
                v = _interval(r.get(f"{k}_low"), r.get(f"{k}_high"))
            elif k == "zero_cost_share":
                v = "-" if r[k] is None else f"{100 * r[k]:.0f}%"
            else:
                v = _fmt(r[k])
            cells.append(f"{v:<{w}}" if k in LEFT else f"{v:>{w}}")
        lines.append("  ".join(cells))
    return "\n".join(lines)
