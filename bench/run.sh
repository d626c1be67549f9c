#!/usr/bin/env bash
# Rapport's simulation against the Python package pmcontrols on the same
# random network (1,000 tasks, up to 3 predecessors each, PERT durations,
# 10,000 iterations), run side by side in one go; then Rapport's peak memory
# at 200,000 iterations. Two ratios against pmcontrols' in-process time:
# Rapport's simulation in-process, and Rapport's whole process as a user
# runs it (`rapport estimate FILE --format json --output …`, start to exit:
# reading the file, simulating, writing the results). Prints the times, both
# ratios, and whether the tools agree on the mean and P80 within sampling
# error. Exits 1 if either ratio is under 20, if they disagree, or if the
# peak memory is 150 MB or more.
#
# pmcontrols goes into a throwaway virtual environment (needs PyPI).
# usage: bench/run.sh [TASKS] [ITERATIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-1000}
iterations=${2:-10000}
rounds=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== setting up pmcontrols in a throwaway virtual environment"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pmcontrols
echo "== building Rapport's benchmark and binary (release)"
cargo bench -p rapport-core --bench network --no-run --quiet 2>/dev/null || cargo bench -p rapport-core --bench network --no-run
cargo build --release --quiet -p rapport-cli
python3 bench/network.py "$work/network.json" "$tasks" 42

# Alternate the tools round by round, so all see the same machine.
for round in $(seq 1 "$rounds"); do
  cargo bench --quiet -p rapport-core --bench network -- "$work/network.json" "$iterations" 9 >> "$work/rapport.jsonl"
  python3 bench/whole_process.py target/release/rapport "$work/network.json" "$iterations" 9 >> "$work/whole.jsonl"
  "$work/venv/bin/python" bench/pmcontrols_pert.py "$work/network.json" "$iterations" 3 >> "$work/pmcontrols.jsonl"
done

echo "== peak memory: $tasks tasks at 200,000 iterations"
python3 - "$work/network.json" "$work/network.toml" <<'PY'
import json, sys
tasks = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    out.write('[estimate]\nname = "memory check"\n[[role]]\nid = "engineer"\nrate = 100\n')
    for t in tasks:
        preds = ", ".join(f'"{p}"' for p in t["predecessors"])
        out.write(f'[[item]]\nid = "{t["id"]}"\nrole = "engineer"\nhours = [{t["a"]}, {t["m"]}, {t["b"]}]\n'
                  f'duration = [{t["a"]}, {t["m"]}, {t["b"]}]\nafter = [{preds}]\n')
PY
/usr/bin/time -v target/release/rapport estimate "$work/network.toml" --iterations 200000 --format json --output "$work/out.json" 2> "$work/time.txt"
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")

python3 - "$work/rapport.jsonl" "$work/pmcontrols.jsonl" "$iterations" "$peak_kb" "$work/whole.jsonl" <<'PY'
import json, math, statistics, sys
rapport = [json.loads(l) for l in open(sys.argv[1])]
pm = [json.loads(l) for l in open(sys.argv[2])]
n = int(sys.argv[3])
peak_mb = int(sys.argv[4]) / 1024
whole = [json.loads(l) for l in open(sys.argv[5])]
r_ms = statistics.median(t for r in rapport for t in r["times_ms"])
w_ms = statistics.median(t for r in whole for t in r["times_ms"])
p_ms = statistics.median(t for r in pm for t in r["times_ms"])
ratio = p_ms / r_ms
whole_ratio = p_ms / w_ms
r, p = rapport[-1], pm[-1]
sd = r["sd"]
# Two independent estimates: the difference has sqrt(2) times the standard
# error of each. SE(mean) = sd/sqrt(n); SE(P80) = sqrt(0.8*0.2/n)/f(P80),
# with f from the normal approximation phi(0.8416)/sd (the total of a
# 1,000-task network is close to normal).
se_mean = sd / math.sqrt(n)
f80 = math.exp(-0.5 * 0.8416 ** 2) / math.sqrt(2 * math.pi) / sd
se_p80 = math.sqrt(0.16 / n) / f80
ok_mean = abs(r["mean"] - p["mean"]) <= 4 * math.sqrt(2) * se_mean
ok_p80 = abs(r["p80"] - p["p80"]) <= 4 * math.sqrt(2) * se_p80
print(f"network: {r['tasks']} tasks, {n} iterations, {len(rapport)} rounds")
print(f"Rapport    median {r_ms:8.1f} ms  in-process simulate() (percentiles, criticality and sensitivity included)")
print(f"Rapport    median {w_ms:8.1f} ms  whole process: rapport estimate FILE --format json --output FILE")
print(f"pmcontrols median {p_ms:8.1f} ms  (pmcontrols.pert, in-process)")
print(f"ratio in-process:    Rapport is {ratio:.1f}x faster (required: 20x)")
print(f"ratio whole process: Rapport is {whole_ratio:.1f}x faster (required: 20x)")
print(f"mean: Rapport {r['mean']:.3f}, pmcontrols {p['mean']:.3f} (tolerance {4*math.sqrt(2)*se_mean:.3f}) -> {'agree' if ok_mean else 'DISAGREE'}")
print(f"P80:  Rapport {r['p80']:.3f}, pmcontrols {p['p80']:.3f} (tolerance {4*math.sqrt(2)*se_p80:.3f}) -> {'agree' if ok_p80 else 'DISAGREE'}")
print(f"peak memory at 200,000 iterations: {peak_mb:.1f} MB (limit 150 MB)")
sys.exit(0 if ratio >= 20 and whole_ratio >= 20 and ok_mean and ok_p80 and peak_mb < 150 else 1)
PY
