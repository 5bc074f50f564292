#!/usr/bin/env python3
"""Times `wattsim compare` of five policy stacks on the cluster benchmark's trace (BENCH-SPEC.md,
gen_jobs.py NODES JOBS 1 0.9) with 1 and 2 workers, and prints Markdown tables for bench/README.md:
the wall time of the whole comparison, each run's CPU time with 1 and 2 workers (its growth is the
cost of running beside another), and each stack's event rate and run time beside fifo's and
easy-backfill's (run times with 1 worker: the run's own /meta wall_time_s).

usage: bench/compare_bench.py [--nodes 1024] [--trace-jobs 1000000] [--reps 1]
                              [--stacks fifo,easy-backfill,idle-off,cap-to-budget,dvfs-energy]
                              [--node DGX-H100] [--workers 1,2] [--wattsim build/wattsim]
                              [--shared ../shared/bench]

The scenario is scenarios/bench/fifo-gpu-cluster.json with NODES nodes of `--node` (default the
catalog's DGX-H100: 8 H100s with five p-states, so that dvfs-energy and cap-to-budget have clocks
to choose; the benchmark's own one-state bench-node leaves them nothing to do). The stacks:
  fifo            {"name": "fifo"}
  easy-backfill   {"name": "easy-backfill"}
  idle-off        easy-backfill + best-fit + idle-off (timeout 15 min, reserve 2)
  cap-to-budget   the same + cap-to-budget at 80 % of the peak facility power of a fifo run
                  (measured first, lowest-beta order)
  dvfs-energy     easy-backfill + dvfs-energy (objective energy)
Each comparison's /compare/summary must be the same, value for value, with every worker count
(the run stops otherwise). Figures are medians over --reps. Needs a Release build; stdlib only
(the result sets are read with `wattsim inspect --json`).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(REPO, "scenarios", "bench", "fifo-gpu-cluster.json")


def stack(name, budget_w):
    idle = {"name": "idle-off", "timeout": "15 min", "reserve": 2}
    return {
        "fifo": {"name": "fifo"},
        "easy-backfill": {"name": "easy-backfill"},
        "idle-off": {"scheduler": "easy-backfill", "placement": "best-fit", "managers": [idle]},
        "cap-to-budget": {"scheduler": "easy-backfill", "placement": "best-fit",
                          "managers": [idle, {"name": "cap-to-budget", "budget": budget_w, "order": "lowest-beta"}]},
        "dvfs-energy": {"scheduler": "easy-backfill", "managers": [{"name": "dvfs-energy", "objective": "energy"}]},
    }[name]


def inspect(wattsim, path):
    return json.loads(subprocess.run([wattsim, "inspect", "--json", path], check=True, capture_output=True,
                                     text=True).stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=1024)
    ap.add_argument("--trace-jobs", type=int, default=1000000)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--stacks", default="fifo,easy-backfill,idle-off,cap-to-budget,dvfs-energy")
    ap.add_argument("--node", default="DGX-H100")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--wattsim", default=os.path.join(REPO, "build", "wattsim"))
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared", "bench"))
    args = ap.parse_args()
    stacks = args.stacks.split(",")
    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as work:
        trace = os.path.join(work, f"jobs_n{args.nodes}_j{args.trace_jobs}.csv")
        with open(trace, "w") as f:
            subprocess.run([sys.executable, os.path.join(args.shared, "gen_jobs.py"), str(args.nodes),
                            str(args.trace_jobs), "1", "0.9"], stdout=f, check=True)
        sets = ["--set", f"workload.trace.path={trace}", "--set", f"facility.racks[0].count={args.nodes}"]
        if args.node:
            sets += ["--set", f"facility.racks[0].node={args.node}"]
        # The budget: 80 % of the peak facility power of a fifo run.
        peak_out = os.path.join(work, "fifo.h5")
        subprocess.run([args.wattsim, "run", SCENARIO, "-q", "-o", peak_out] + sets, check=True)
        peak_kw = inspect(args.wattsim, peak_out)["summary"]["peak_facility_power_kw"]
        budget_w = 0.8 * peak_kw * 1e3
        policies = []
        for name in stacks:
            policies += ["--policy", f"{name}={json.dumps(stack(name, budget_w))}"]
        walls = {w: [] for w in workers}
        runs = {w: {} for w in workers}  # workers -> stack -> [timing rows]
        summaries = {}
        for rep in range(args.reps):
            for w in workers:  # alternate the worker counts within each repetition
                out = os.path.join(work, f"compare_{w}.h5")
                t0 = time.perf_counter()
                p = subprocess.run([args.wattsim, "compare", SCENARIO, "-q", "--jobs", str(w), "-o", out] + sets +
                                   policies, capture_output=True, text=True)
                walls[w].append(time.perf_counter() - t0)
                if p.returncode != 0:
                    raise SystemExit(f"compare --jobs {w} failed:\n{p.stderr[-3000:]}")
                doc = inspect(args.wattsim, out)
                summaries.setdefault(w, doc["runs"])
                if doc["runs"] != summaries[workers[0]]:
                    raise SystemExit(f"/compare/summary differs between --jobs {workers[0]} and --jobs {w}")
                for t in doc["timing"]:
                    runs[w].setdefault(t["variant"], []).append(t)
        med = lambda rows, key: statistics.median(r[key] for r in rows)
        base = workers[0]
        fifo = med(runs[base]["fifo"], "run_wall_s") if "fifo" in runs[base] else None
        print(f"`wattsim compare` of {len(stacks)} stacks, {args.trace_jobs:,} jobs on {args.nodes} x {args.node}, "
              f"budget {budget_w / 1e6:.3f} MW (80 % of fifo's {peak_kw / 1e3:.3f} MW peak); "
              f"medians of {args.reps}; /compare/summary identical with {', '.join(map(str, workers))} workers\n")
        easy = med(runs[base]["easy-backfill"], "run_wall_s") if "easy-backfill" in runs[base] else None
        head = "| stack | policy | events | run s | events/s | run time vs fifo | vs easy-backfill |"
        for w in workers:
            head += f" CPU s, {w} worker{'s' if w > 1 else ''} |"
        if len(workers) > 1:
            head += f" CPU growth {workers[0]} -> {workers[-1]} |"
        print(head)
        print("|" + " --- |" * (head.count("|") - 1))
        policy_of = {r["variant"]: r["policy"] for r in summaries[base]}
        for name in stacks:
            rows = runs[base][name]
            ratio = f"{med(rows, 'run_wall_s') / fifo:.2f}x" if fifo else "-"
            to_easy = f"{med(rows, 'run_wall_s') / easy:.2f}x" if easy and name != "fifo" else "-"
            line = (f"| {name} | {policy_of[name]} | {med(rows, 'events'):,.0f} | {med(rows, 'run_wall_s'):.2f} | "
                    f"{med(rows, 'events_per_s'):,.0f} | {ratio} | {to_easy} |")
            cpus = [med(runs[w][name], "cpu_s") for w in workers]
            line += "".join(f" {c:.2f} |" for c in cpus)
            if len(workers) > 1:
                line += f" {100 * (cpus[-1] / cpus[0] - 1):+.1f} % |"
            print(line)
        print()
        print("| workers | wall s (whole comparison) | CPU s (all runs) | speed-up | CPU per run vs 1 worker |")
        print("| --- | --- | --- | --- | --- |")
        cpu_total = {w: sum(med(runs[w][n], "cpu_s") for n in stacks) for w in workers}
        for w in workers:
            wall = statistics.median(walls[w])
            print(f"| {w} | {wall:.2f} | {cpu_total[w]:.2f} | {statistics.median(walls[base]) / wall:.2f}x | "
                  f"{100 * (cpu_total[w] / cpu_total[base] - 1):+.1f} % |")


if __name__ == "__main__":
    main()
