#!/usr/bin/env python3
"""Kill Rapport mid-write and check that nothing acknowledged is lost or torn.

Each round starts `rapport serve` on one SQLite file, has 8 clients create
accounts (each with three standards) and status records as fast as they can
for a moment, kills the server with SIGKILL in the middle of it, restarts
it, and checks:

- `PRAGMA integrity_check` says ok;
- every account the server acknowledged (201) is there, with all three of
  its standards (a torn write would leave fewer);
- every acknowledged status record is there.

Bounded: ROUNDS rounds (default 20), each writing for at most a few seconds,
only to 127.0.0.1. Not run in CI (it kills processes and takes a minute);
run it by hand:

    cargo build && python3 bench/crash.py [ROUNDS] [path/to/rapport]

Prints the counts per round and a total; exits 1 if anything was lost.
"""

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
BINARY = sys.argv[2] if len(sys.argv) > 2 else "target/debug/rapport"
CLIENTS = 8


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, token, method, path, body=None, timeout=5):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read() or b"null")


def start(db, port):
    process = subprocess.Popen(
        [BINARY, "serve", "--database-url", db, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not start")


def setup(db):
    """An admin and a token, through the CLI, on a fresh database."""
    env = dict(os.environ, RAPPORT_DATABASE_URL=db)
    subprocess.run(
        [BINARY, "user", "add", "--email", "crash@example.com", "--name", "Crash", "--role", "admin", "--password-stdin"],
        input=b"a long crash test password\n", env=env, check=True, capture_output=True,
    )
    token = subprocess.run(
        [BINARY, "token", "create", "--email", "crash@example.com", "--label", "crash"],
        env=env, check=True, capture_output=True,
    ).stdout.decode().strip()
    return token


def writer(base, token, client, project_id, acknowledged, stop):
    n = 0
    while not stop.is_set():
        n += 1
        name = f"c{client}-{n}"
        try:
            if n % 3:
                status, body = call(base, token, "POST", "/api/v1/accounts", {
                    "name": name,
                    "standards": [{"title": f"{name} standard {i}"} for i in range(3)],
                })
                if status == 201:
                    acknowledged.append(("account", body["id"]))
            else:
                day = 1 + (client * 1000 + n) % 3000
                date = time.strftime("%Y-%m-%d", time.gmtime(1767225600 + day * 86400))
                status, body = call(base, token, "POST", f"/api/v1/projects/{project_id}/status",
                                    {"status_date": date, "ev": 1000, "ac": 1100})
                if status == 201:
                    acknowledged.append(("status", body["id"]))
        except (urllib.error.URLError, ConnectionError, OSError, json.JSONDecodeError):
            # Refused (a date taken twice is a 409) or cut off by the kill:
            # not acknowledged, so nothing is owed.
            pass


def seed_project(base, token):
    _, account = call(base, token, "POST", "/api/v1/accounts", {"name": "Crash client"})
    _, pm = call(base, token, "POST", "/api/v1/people", {"side": "firm", "name": "Crash PM"})
    _, rep = call(base, token, "POST", "/api/v1/people",
                  {"side": "client", "account_id": account["id"], "name": "Crash rep"})
    planned = [{"period_end": "2026-12-31", "pv": 1000000}]
    _, project = call(base, token, "POST", "/api/v1/projects", {
        "account_id": account["id"], "name": "Crash project", "project_manager_id": pm["id"],
        "client_rep_id": rep["id"],
        "baseline": {"currency": "USD", "bac": 1000000, "start": "2026-01-01", "finish": "2026-12-31",
                     "planned": planned},
    })
    return project["id"]


def check(db, base, token, project_id, acknowledged):
    with sqlite3.connect(db) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    _, accounts = call(base, token, "GET", "/api/v1/accounts?include_archived=true", timeout=30)
    by_id = {a["id"]: a for a in accounts}
    _, records = call(base, token, "GET", f"/api/v1/projects/{project_id}/status?include_archived=true", timeout=30)
    record_ids = {r["id"] for r in records}
    lost = torn = 0
    for kind, ident in acknowledged:
        if kind == "account":
            account = by_id.get(ident)
            if account is None:
                lost += 1
            elif len(account["standards"]) != 3:
                torn += 1
        elif ident not in record_ids:
            lost += 1
    return integrity, lost, torn


def main():
    work = tempfile.mkdtemp(prefix="rapport-crash-")
    db = os.path.join(work, "rapport.db")
    token = setup(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(db, port)
    project_id = seed_project(base, token)
    all_acknowledged = []
    failures = 0
    for round_no in range(1, ROUNDS + 1):
        acknowledged, stop = [], threading.Event()
        threads = [threading.Thread(target=writer, args=(base, token, c, project_id, acknowledged, stop))
                   for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(random.uniform(0.5, 2.0))
        server.send_signal(signal.SIGKILL)
        server.wait()
        stop.set()
        for thread in threads:
            thread.join()
        all_acknowledged.extend(acknowledged)
        server = start(db, port)
        integrity, lost, torn = check(db, base, token, project_id, all_acknowledged)
        ok = integrity == "ok" and lost == 0 and torn == 0
        failures += 0 if ok else 1
        print(f"round {round_no:2}: {len(acknowledged):4} acknowledged this round, "
              f"{len(all_acknowledged):5} in all; integrity {integrity}; lost {lost}; torn {torn}"
              + ("" if ok else "  <-- FAILED"), flush=True)
    server.send_signal(signal.SIGTERM)
    server.wait()
    print(f"{ROUNDS} rounds, {len(all_acknowledged)} acknowledged writes, "
          f"{failures} round(s) with a loss, a torn write or a damaged file")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
