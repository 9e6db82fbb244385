#!/bin/sh
# Refresh the translation catalogues: collect every string marked for translation in the code into
# fairrecruit/locale/<lang>/LC_MESSAGES/django.po, then compile each .po into the django.mo the site reads.
#   sh scripts/i18n.sh            extract and compile (needs GNU gettext: xgettext, msgmerge, msgfmt)
#   sh scripts/i18n.sh compile    only compile (after editing a .po by hand)
# New strings arrive untranslated; strings whose English changed arrive marked "#, fuzzy" with the old
# translation as a guess. Translate or check them, delete the fuzzy mark, run this script again, then run
#   .venv/bin/python -m pytest tests/test_translations.py
# The .mo files are committed so the site runs on machines without gettext. See docs/translating.md.
set -eu
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
LANGS="ne bn hi fil id vi my ar ru es"
ADMIN="${DJANGO_ADMIN:-$ROOT/.venv/bin/django-admin}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
export DJANGO_SETTINGS_MODULE=fairrecruit.settings
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

for tool in xgettext msgmerge msgfmt; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "$tool is missing: install GNU gettext (Debian: apt-get install gettext)" >&2; exit 1; }
done

if [ "${1:-}" != "compile" ]; then
  MEMORY="$(mktemp)"
  trap 'rm -f "$MEMORY"' EXIT
  # 1. Remember every translation, so that step 3 can restore one that extraction dropped and re-added.
  "$PY" - "$MEMORY" <<'PYEOF'
import json, sys
from pathlib import Path
import polib
memory = {}
for po_path in Path("fairrecruit/locale").glob("*/LC_MESSAGES/django.po"):
    lang = po_path.parts[-3]
    for e in polib.pofile(str(po_path)):
        if e.translated() and not e.obsolete:
            key = json.dumps([lang, e.msgctxt, e.msgid, e.msgid_plural])
            memory[key] = e.msgstr_plural and {str(k): v for k, v in e.msgstr_plural.items()} or e.msgstr
Path(sys.argv[1]).write_text(json.dumps(memory), encoding="utf-8")
PYEOF
  # 2. Extract with Django/xgettext. Run from fairrecruit/ so the catalogues land in fairrecruit/locale.
  set --
  for lang in $LANGS; do set -- "$@" -l "$lang"; done
  (cd fairrecruit && "$ADMIN" makemessages "$@" --ignore='tests/*' --no-obsolete)
  # 3. xgettext 0.21 misses strings that Python itself sees: _() inside f-strings, and literals written
  #    with \u escapes (it keeps the backslash, so the site never finds the translation). Add what it
  #    missed, read the way tests/test_translations.py reads the code, and restore remembered translations.
  "$PY" - "$MEMORY" <<'PYEOF'
import json, sys
from pathlib import Path
import django
django.setup()
import polib
from tests.test_translations import LANGS, NPLURALS, _source_messages
memory = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
source = _source_messages()
for lang in LANGS:
    path = f"fairrecruit/locale/{lang}/LC_MESSAGES/django.po"
    po = polib.pofile(path, wrapwidth=79)
    have = {(e.msgctxt, e.msgid) for e in po}
    added = restored = 0
    for (ctx, msgid), (plural, where) in sorted(source.items(), key=lambda kv: (kv[1][1], kv[0][1])):
        if (ctx, msgid) in have:
            continue
        entry = polib.POEntry(msgctxt=ctx, msgid=msgid, msgstr="", occurrences=[(where.removeprefix("fairrecruit/"), "")])
        if plural:
            entry.msgid_plural = plural
            entry.msgstr_plural = {i: "" for i in range(NPLURALS[lang])}
        if "%" in msgid:
            entry.flags.append("python-format")
        po.append(entry)
        added += 1
    for e in po:
        if e.obsolete or e.translated() or "fuzzy" in e.flags:
            continue
        old = memory.get(json.dumps([lang, e.msgctxt, e.msgid, e.msgid_plural]))
        if isinstance(old, dict):
            e.msgstr_plural = {int(k): v for k, v in old.items()}
            restored += 1
        elif old:
            e.msgstr = old
            restored += 1
    if added or restored:
        po.save(path)
        print(f"{lang}: {added} string(s) added that xgettext missed, {restored} translation(s) restored")
PYEOF
fi
(cd fairrecruit && "$ADMIN" compilemessages --locale ne --locale bn --locale hi --locale fil --locale id \
  --locale vi --locale my --locale ar --locale ru --locale es)
for lang in $LANGS; do
  printf '%-4s ' "$lang"; msgfmt --check --statistics -o /dev/null "fairrecruit/locale/$lang/LC_MESSAGES/django.po" 2>&1
done
