"""No complaint is lost or stored twice: a burst of complaint submissions with retries, from threads, while the
server process is killed (SIGKILL) and restarted a few times. Afterwards every acknowledged complaint is in
the database exactly once, under the code it was acknowledged with.

It runs a real server (`python -m fairrecruit.cli runserver --noreload`) on a free loopback port against the
test database: on PostgreSQL (FAIRRECRUIT_DATABASE_URL pointing at one, as `make test` does in its second
pass) the test database itself; on SQLite a file copy of the migrated test database. Loopback only, bounded
in time (10 to 20 s; at most 90 s when the machine is very busy)."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from fairrecruit.core import crypto

ROOT = Path(__file__).resolve().parents[1]
DEADLINE_S = 90.0  # reached only when the machine is very busy (each restart imports Django again)
KILLS = 3


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url(tmp: Path) -> tuple[str, Path | None]:
    """The URL the server should use, and the SQLite file when on SQLite."""
    sd = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(sd.get("USER") or "", safe="")
        if sd.get("PASSWORD"):
            auth += ":" + quote(sd["PASSWORD"], safe="")
        host = sd.get("HOST") or "127.0.0.1"
        port = sd.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{quote(sd['NAME'], safe='')}", None
    assert connection.vendor == "sqlite"
    # The test database is in memory: copy it (migrated, empty) to a file the server can open.
    path = tmp / "noloss.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}", path


class Server:
    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port, self.env, self.log = port, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        out = open(self.log, "ab")  # noqa: SIM115 - handed to the child process
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fairrecruit.cli",
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        end = time.monotonic() + 20
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start in 20 s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _body(i: int) -> bytes:
    return json.dumps(
        {
            "categories": ["fees", "documents_retained"] if i % 2 else ["wages"],
            "description": f"burst complaint {i}",
            "origin": "NP",
            "destination": "QA",
            "recruitment_year": 2024,
            "wage_promised": {"amount": 1200, "currency": "QAR"},
            "payments": [{"amount": 1000 + i, "currency": "NPR", "purpose": "service charge"}],
            "worker": {"name": f"Worker {i}", "phone": f"+97798{i:08d}"},
            "consent": {"share": True},
        }
    ).encode()


@pytest.mark.django_db(transaction=True)
def test_every_acknowledged_complaint_is_stored_exactly_once(tmp_path: Path) -> None:
    url, sqlite_file = _database_url(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fairrecruit.settings",
            "FAIRRECRUIT_DATABASE_URL": url,
            "FAIRRECRUIT_GRIEVANCE_RATE": "1000000/h",
            "FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR": str(tmp_path / "evidence"),
            "FAIRRECRUIT_LOG_LEVEL": "CRITICAL",
            "PYTHONUNBUFFERED": "1",
        }
    )
    server = Server(_free_port(), env, tmp_path / "server.log")
    threads_n, per_thread = (6, 8) if sqlite_file is None else (4, 6)
    keys = [f"noloss-{t}-{n}-{os.urandom(6).hex()}" for t in range(threads_n) for n in range(per_thread)]
    acks: dict[str, list[str]] = {k: [] for k in keys}
    failures = {"connection": 0, "server_error": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLINE_S

    def client(my_keys: list[str]) -> None:
        for k in my_keys:
            i = keys.index(k)
            # A client that does not get an answer retries, with the same key, until acknowledged.
            while time.monotonic() < deadline:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
                    conn.request(
                        "POST",
                        "/api/v1/complaints",
                        body=_body(i),
                        headers={"Content-Type": "application/json", "Idempotency-Key": k},
                    )
                    resp = conn.getresponse()
                    data = resp.read()
                    conn.close()
                except (OSError, http.client.HTTPException):
                    with lock:
                        failures["connection"] += 1
                    time.sleep(0.05)
                    continue
                if resp.status in (200, 201):
                    with lock:
                        acks[k].append(json.loads(data)["code"])
                    # Sometimes the client did not see the answer and sends once more: still one complaint.
                    if random.random() < 0.2:
                        continue
                    break
                assert resp.status >= 500 or resp.status == 429, (resp.status, data[:300])
                with lock:
                    failures["server_error"] += 1
                time.sleep(0.05)

    server.start()
    workers = [threading.Thread(target=client, args=(keys[t::threads_n],)) for t in range(threads_n)]
    try:
        for w in workers:
            w.start()
        for _ in range(KILLS):
            time.sleep(random.uniform(0.4, 1.2))
            server.kill()  # in the middle of the burst: requests in flight are cut off
            time.sleep(0.1)
            server.start()
        for w in workers:
            w.join(timeout=max(1.0, deadline - time.monotonic() + 5))
    finally:
        server.kill()
    assert not any(w.is_alive() for w in workers), "clients still running at the deadline"
    assert server.starts == KILLS + 1

    unacknowledged = [k for k, codes in acks.items() if not codes]
    assert not unacknowledged, f"{len(unacknowledged)} complaints never acknowledged; failures {failures}"
    for k, codes in acks.items():
        assert len(set(codes)) == 1, f"{k} acknowledged with different codes {codes}"

    if sqlite_file is not None:
        with sqlite3.connect(sqlite_file) as db:
            rows = db.execute("SELECT code, idempotency_key, description FROM grievances_case").fetchall()
    else:
        with connection.cursor() as cur:
            cur.execute("SELECT code, idempotency_key, description FROM grievances_case")
            rows = cur.fetchall()
    by_code: dict[str, int] = {}
    by_key: dict[str, int] = {}
    for code, key_hash, _d in rows:
        by_code[code] = by_code.get(code, 0) + 1
        by_key[key_hash] = by_key.get(key_hash, 0) + 1
    assert len(rows) == len(keys), f"{len(rows)} rows for {len(keys)} complaints"
    for k, codes in acks.items():
        assert by_code.get(codes[0]) == 1, (
            f"acknowledged {codes[0]} is stored {by_code.get(codes[0], 0)} times"
        )
        assert by_key.get(crypto.lookup_hash(k, purpose="grievance.idempotency")) == 1
    descriptions = sorted(d for _c, _k, d in rows)
    assert descriptions == sorted(f"burst complaint {i}" for i in range(len(keys)))
    print(f"no-loss: {len(keys)} complaints, {KILLS} kills, failures seen by clients: {failures}")
