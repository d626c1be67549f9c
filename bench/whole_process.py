"""Times `rapport estimate` as a user runs it, start to exit: the process
is spawned, reads the estimate file, simulates and writes the JSON results
to a file. The same network as the in-process benchmark (durations only,
PERT). Prints one JSON line.

usage: python3 bench/whole_process.py RAPPORT NETWORK.json ITERATIONS REPEATS
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

rapport, network, iterations, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tasks = json.load(open(network))
work = tempfile.mkdtemp()
estimate = os.path.join(work, "network.toml")
# The same estimate the in-process benchmark builds (benches/network.rs).
with open(estimate, "w") as out:
    out.write('[estimate]\nname = "benchmark network"\ndistribution = "pert"\n')
    for t in tasks:
        preds = ", ".join(f'"{p}"' for p in t["predecessors"])
        out.write(f'[[item]]\nid = "{t["id"]}"\nduration = [{t["a"]}, {t["m"]}, {t["b"]}]\nafter = [{preds}]\n')
results = os.path.join(work, "results.json")
times = []
for rep in range(repeats):
    start = time.perf_counter()
    subprocess.run(
        [rapport, "estimate", estimate, "--iterations", iterations, "--seed", str(rep + 1),
         "--format", "json", "--output", results],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    times.append((time.perf_counter() - start) * 1000)
duration = json.load(open(results))["duration"]
print(json.dumps({
    "tool": "rapport (whole process)",
    "median_ms": statistics.median(times),
    "times_ms": times,
    "mean": duration["mean"],
    "p80": duration["p80"],
}))
