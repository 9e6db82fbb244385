"""The `fairrecruit` command-line tool.

`fairrecruit <command> [options]` runs the project's management commands (the same services as the pages):

  fairrecruit assess FILE.json [--format json|table]     assess one journey
  fairrecruit assess --batch FILE [--output FILE]         assess JSON Lines, CSV or Parquet in bulk
  fairrecruit rules check | list                          validate / list the rule files
  fairrecruit demo [--port 8000] [--no-serve]             set up the SQLite demo and start the server
  fairrecruit token create --user NAME --name LABEL       make an API token
  fairrecruit import_register FILE --mapping np-dofe      import a regulator's licence list (CSV/XLSX)
  fairrecruit jobs work [--once] | list                   run the background jobs the pages queue / list them
  fairrecruit rekey [--dry-run] [--check]                re-encrypt everything after a new field key is put first
  fairrecruit retention [--dry-run]                       delete what is kept only for a while (run it daily)
  fairrecruit migrate | runserver | createsuperuser ...   any Django command

`fairrecruit help` lists every command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairrecruit.settings")
    from django.core.management import execute_from_command_line

    from fairrecruit.core.context import Origin, current_origin

    current_origin.set(Origin(channel="cli"))
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        args = ["help"] if not args else args
        if args == ["help"]:
            return
    execute_from_command_line(["fairrecruit", *args])


if __name__ == "__main__":
    main()
