#!/usr/bin/env python3
"""Times carbon-aware scheduling at scale (issue 13's benchmark): a trace of JOBS flexible jobs
(../shared/bench/gen_jobs.py NODES JOBS 1 LOAD: with the defaults, 100,000 jobs over about a
year on 25 nodes of 8 GPUs) on the benchmark's hardware (scenarios/bench/fifo-gpu-cluster.json)
under Germany's hourly carbon intensity of 2023 (repeated), every job flexible (a deadline of its
runtime plus 12 to 48 h of slack), run with `wattsim compare` under fifo and under
easy-backfill + carbon-forecast (perfect forecasts), one run at a time. Prints a Markdown table:
each stack's events, policy decisions held back (jobs deferred), run time, events per second,
and run time beside fifo's (the target: within 3x). Medians over --reps (runs alternate).

usage: bench/carbon_bench.py [--nodes 25] [--trace-jobs 100000] [--load 0.5] [--reps 3]
                             [--wattsim build/wattsim] [--shared ../shared/bench]
Needs a Release build; stdlib only (result sets are read with `wattsim inspect --json`).
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
INTENSITY = {"csv": os.path.join(REPO, "scenarios", "data", "carbon", "DE-LU_2023_hourly.csv"),
             "time_column": "Datetime (UTC)", "value_column": "Carbon Intensity gCO₂eq/kWh (LCA)",
             "unit": "g/kWh", "repeat": True}
STACKS = {
    "fifo": {"name": "fifo"},
    "carbon-forecast": {"scheduler": "easy-backfill", "managers": [{"name": "carbon-forecast"}]},
}


def inspect(wattsim, path):
    return json.loads(subprocess.run([wattsim, "inspect", "--json", path], check=True, capture_output=True,
                                     text=True).stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=25)
    ap.add_argument("--trace-jobs", type=int, default=100000)
    ap.add_argument("--load", type=float, default=0.5)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--wattsim", default=os.path.join(REPO, "build", "wattsim"))
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared", "bench"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        trace = os.path.join(work, "jobs.csv")
        with open(trace, "w") as f:
            subprocess.run([sys.executable, os.path.join(args.shared, "gen_jobs.py"), str(args.nodes),
                            str(args.trace_jobs), "1", str(args.load)], stdout=f, check=True)
        sets = ["--set", f"workload.trace.path={trace}", "--set", f"facility.racks[0].count={args.nodes}",
                "--set", "start=2023-01-01T00:00:00Z",
                "--set", "carbon.intensity=" + json.dumps(INTENSITY, ensure_ascii=False),
                "--set", 'workload.flexibility={"slack": ["12 h", "48 h"]}']
        policies = []
        for name, stack in STACKS.items():
            policies += ["--policy", f"{name}={json.dumps(stack)}"]
        runs = {}
        summary = None
        for rep in range(args.reps):
            out = os.path.join(work, "carbon.h5")
            p = subprocess.run([args.wattsim, "compare", SCENARIO, "-q", "--jobs", "1", "-o", out, "--force"] + sets +
                               policies, capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit(f"compare failed:\n{p.stderr[-3000:]}")
            doc = inspect(args.wattsim, out)
            summary = {r["variant"]: r for r in doc["runs"]}
            for t in doc["timing"]:
                runs.setdefault(t["variant"], []).append(t)
        med = lambda rows, key: statistics.median(r[key] for r in rows)
        fifo = med(runs["fifo"], "run_wall_s")
        print(f"{args.trace_jobs:,} flexible jobs (12-48 h slack) on {args.nodes} bench nodes at load {args.load}, "
              f"DE-LU 2023 hourly intensity; medians of {args.reps}\n")
        print("| stack | events | jobs deferred | deadline misses | carbon t | run s | events/s | run time vs fifo |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name in STACKS:
            rows = runs[name]
            s = summary[name]
            deferred = s.get("policy_carbon_forecast_jobs_deferred")
            deferred = float("nan") if deferred is None else deferred  # NaN (null) where the stack has none
            print(f"| {name} | {med(rows, 'events'):,.0f} | {deferred:,.0f} | {s['deadline_misses']:,.0f} | "
                  f"{s['carbon_location_kg'] / 1e3:,.1f} | {med(rows, 'run_wall_s'):.2f} | "
                  f"{med(rows, 'events_per_s'):,.0f} | {med(rows, 'run_wall_s') / fifo:.2f}x |")


if __name__ == "__main__":
    main()
