"""Shared test fixtures. Tests run on SQLite by default and on PostgreSQL when FAIRRECRUIT_DATABASE_URL
points at one (as `make test` does in CI)."""
