#!/usr/bin/env python3
"""Peak memory of the server for the heaviest requests its limits allow.

Starts `rapport serve` on a fresh SQLite file and sends, one at a time, the
largest requests the API accepts: importing a 10,000-item estimate (the
item limit), simulating it at the work budget (5 x 10^7 item draws),
simulating a 50-item estimate at 1,000,000 iterations (the iteration
limit), a one-item estimate with 49 alternatives at 1,000,000 iterations,
the same as a queued job, and typesetting the 10,000-item basis of
estimate as PDF. Each request goes to a freshly started server, so each
row is that request's own peak: the server's whole resident set at its
highest (`VmHWM`), start-up included, not a difference. With `--one-server`
every request goes to the same server instead, its peak counter reset
before each (`echo 5 > /proc/PID/clear_refs`): what a long-running server
reaches, memory its allocator kept from earlier requests included.

Linux only; not run in CI (it takes a few minutes). Run it by hand:

    cargo build --release && python3 bench/memory.py target/release/rapport

The ceiling the server promises is 256 MB per request; exits 1 above it.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ONE_SERVER = "--one-server" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--one-server"]
BINARY = ARGS[0] if ARGS else "target/debug/rapport"
CEILING_MB = 256

# The crash script's server helpers; it reads its own arguments on import.
sys.path.insert(0, os.path.dirname(__file__))
sys.argv = sys.argv[:1]
import crash  # noqa: E402
from crash import free_port, setup, start, seed_project  # noqa: E402

crash.BINARY = BINARY


def request(base, token, method, path, body=None, content_type="application/json", timeout=900):
    data = body.encode() if isinstance(body, str) else (json.dumps(body).encode() if body is not None else None)
    r = urllib.request.Request(base + path, data=data, method=method)
    r.add_header("Authorization", "Bearer " + token)
    if data is not None:
        r.add_header("Content-Type", content_type)
    with urllib.request.urlopen(r, timeout=timeout) as response:
        return response.status, response.read()


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/{pid}/status")


def measured(pid, label, action):
    before = status_kb(pid, "VmRSS")
    started = time.monotonic()
    outcome = action()
    seconds = time.monotonic() - started
    peak = status_kb(pid, "VmHWM")
    print(f"{label:58} {outcome:>6} {before / 1024:8.0f} MB {peak / 1024:8.0f} MB {seconds:7.1f} s", flush=True)
    return peak / 1024


def estimate(items, alternatives=0, name="Memory"):
    parts = [f'[estimate]\nname = "{name}"\ncurrency = "USD"\niterations = 1000\nseed = 5\n']
    parts.append('[[role]]\nid = "eng"\nrate = 120\n')
    for k in range(items):
        after = f'\nafter = ["i{k - 1}"]' if k and k % 10 else ""
        parts.append(f'[[item]]\nid = "i{k}"\nrole = "eng"\nhours = [8, 10, 16]\nduration = [1, 2, 4]{after}\n')
    for k in range(min(items, 40)):
        parts.append(f'[[risk]]\nid = "r{k}"\nprobability = 0.1\ncost = [100, 200, 900]\ndelay = [1, 2, 3]\non = "i{k}"\n')
    for a in range(alternatives):
        parts.append(f"[[alternative]]\nname = \"Option {a}\"\nscale_hours = {1 + a / 100}\n")
    return "".join(parts)


def main():
    directory = tempfile.mkdtemp()
    db = os.path.join(directory, "memory.db")
    token = setup(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(db, port)
    servers = [server]

    def fresh():
        if ONE_SERVER:
            with open(f"/proc/{servers[-1].pid}/clear_refs", "w") as f:
                f.write("5")
            return servers[-1].pid
        servers[-1].terminate()
        servers[-1].wait()
        servers.append(start(db, port))
        return servers[-1].pid

    try:
        project = seed_project(base, token)
        print(f"{'request':58} {'status':>6} {'RSS before':>11} {'peak':>11} {'time':>9}")
        peaks = []
        large = estimate(10_000, name="Ten thousand items")
        print(f"(the 10,000-item file is {len(large) / 1e6:.2f} MB)")
        estimates = f"/api/v1/projects/{project}/estimates"

        def run(method, path, body=None, content_type="application/json"):
            return lambda: request(base, token, method, path, body, content_type)[0]

        peaks.append(measured(fresh(), "import 10,000 items", run("POST", estimates, large, "application/toml")))
        peaks.append(measured(fresh(), "simulate 10,000 items x 5,000 iterations (budget)",
                              run("POST", f"{estimates}/1/simulate?iterations=5000", {})))
        peaks.append(measured(fresh(), "basis of estimate (PDF) of 10,000 items", run("GET", f"{estimates}/1/basis")))
        request(base, token, "POST", estimates, estimate(50), "application/toml")
        peaks.append(measured(fresh(), "simulate 50 items x 1,000,000 iterations (limit)",
                              run("POST", f"{estimates}/2/simulate?iterations=1000000", {})))
        request(base, token, "POST", estimates, estimate(1, alternatives=49), "application/toml")
        peaks.append(measured(fresh(), "simulate 1 item, 49 alternatives x 1,000,000 iterations",
                              run("POST", f"{estimates}/3/simulate?iterations=1000000", {})))

        def job():
            _, body = request(base, token, "POST", f"{estimates}/2/simulations?iterations=1000000", {})
            url = json.loads(body)["url"]
            while True:
                _, body = request(base, token, "GET", url)
                state = json.loads(body)["state"]
                if state in ("done", "failed", "cancelled"):
                    return state
                time.sleep(0.2)

        peaks.append(measured(fresh(), "job: 50 items x 1,000,000 iterations", job))
    finally:
        servers[-1].terminate()
        servers[-1].wait()
    worst = max(peaks)
    print(f"highest peak {worst:.0f} MB; ceiling {CEILING_MB} MB")
    sys.exit(1 if worst > CEILING_MB else 0)


if __name__ == "__main__":
    main()
