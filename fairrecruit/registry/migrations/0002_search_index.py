"""The name-search index of the registry (see fairrecruit/registry/search.py).

SQLite: a contentless FTS5 table with the trigram tokenizer holding ``registry_actor.search_text`` padded with a
space at both ends (so every word has a start and an end trigram), rowid = actor id, kept in sync by triggers on
insert, delete and update of ``search_text``, plus an ``fts5vocab`` table for trigram document counts. The
table is contentless (not external content) so that Django can still rebuild ``registry_actor`` in later
migrations; rebuilding a table drops its triggers, which ``search.ensure_search_index`` puts back.
PostgreSQL: the ``pg_trgm`` extension and a GIN trigram index on ``search_text``.
Other databases: nothing (search falls back to a slow scan).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS registry_actor_fts USING fts5("
    "search_text, content='', tokenize='trigram', detail='full')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS registry_actor_fts_vocab USING fts5vocab(registry_actor_fts, row)",
    "CREATE TRIGGER IF NOT EXISTS registry_actor_fts_ai AFTER INSERT ON registry_actor BEGIN "
    "INSERT INTO registry_actor_fts(rowid, search_text) VALUES (new.id, ' ' || new.search_text || ' '); END",
    "CREATE TRIGGER IF NOT EXISTS registry_actor_fts_ad AFTER DELETE ON registry_actor BEGIN "
    "INSERT INTO registry_actor_fts(registry_actor_fts, rowid, search_text) "
    "VALUES ('delete', old.id, ' ' || old.search_text || ' '); END",
    "CREATE TRIGGER IF NOT EXISTS registry_actor_fts_au AFTER UPDATE OF search_text ON registry_actor BEGIN "
    "INSERT INTO registry_actor_fts(registry_actor_fts, rowid, search_text) "
    "VALUES ('delete', old.id, ' ' || old.search_text || ' '); "
    "INSERT INTO registry_actor_fts(rowid, search_text) VALUES (new.id, ' ' || new.search_text || ' '); END",
    "INSERT INTO registry_actor_fts(rowid, search_text) SELECT id, ' ' || search_text || ' ' FROM registry_actor",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS registry_actor_fts_au",
    "DROP TRIGGER IF EXISTS registry_actor_fts_ad",
    "DROP TRIGGER IF EXISTS registry_actor_fts_ai",
    "DROP TABLE IF EXISTS registry_actor_fts_vocab",
    "DROP TABLE IF EXISTS registry_actor_fts",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_actor_search_trgm ON registry_actor USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS registry_actor_search_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        conn = schema_editor.connection
        if conn.vendor == "sqlite":
            with conn.cursor() as cur:
                cur.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
                if not cur.fetchone()[0]:  # search then scans every actor (slow on big registries)
                    print("\n  SQLite without FTS5: the registry search index is not created")
                    return
        for sql in statements_by_vendor.get(conn.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
