"""Writes the benchmark network: N tasks, each after up to 3 earlier tasks,
with PERT three-point durations. Seeded, so both sides see the same network.

usage: python3 bench/network.py OUT.json [N] [SEED]
"""
import json
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
tasks = []
for i in range(n):
    k = rng.randint(0, min(3, i))
    preds = sorted(rng.sample(range(i), k)) if i else []
    a = round(rng.uniform(1, 10), 2)
    m = round(a + rng.uniform(0, 10), 2)
    b = round(m + rng.uniform(0.5, 20), 2)
    tasks.append({"id": f"T{i}", "predecessors": [f"T{p}" for p in preds], "a": a, "m": m, "b": b})
with open(out, "w") as f:
    json.dump(tasks, f)
