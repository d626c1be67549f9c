"""Times pmcontrols.pert on the benchmark network, in-process and around the
simulation call alone (imports and file reading excluded). Prints JSON.

usage: python bench/pmcontrols_pert.py NETWORK.json ITERATIONS REPEATS
"""
import json
import statistics
import sys
import time

import pmcontrols as pm

tasks = json.load(open(sys.argv[1]))
n_sim = int(sys.argv[2])
repeats = int(sys.argv[3])
times = []
result = None
for rep in range(repeats):
    start = time.perf_counter()
    result = pm.pert(tasks, n_sim=n_sim, seed=rep + 1)
    times.append(time.perf_counter() - start)
print(json.dumps({
    "tool": "pmcontrols " + pm.__version__ if hasattr(pm, "__version__") else "pmcontrols",
    "median_ms": statistics.median(times) * 1000,
    "times_ms": [t * 1000 for t in times],
    "mean": result.stats["mc_mean"],
    "p80": result.stats["mc_p80"],
}))
