#!/usr/bin/env python3
"""Times wattsim on the cluster benchmark (BENCH-SPEC.md, fifo-gpu-cluster v1) beside the
peer implementations in ../shared/bench/peers, in one session, alternating the runs, and
prints medians and ratios as a Markdown table for bench/README.md.

usage: bench/cluster_bench.py [--runs 5] [--sizes 64,256,1024] [--engines wattsim,ref,simgrid]
                              [--shared ../shared/bench] [--wattsim build/wattsim]

Needs: a Release build of wattsim (make build); g++ and libsimgrid-dev to build the peers
(built in a temporary folder: their code never enters this repository); libjemalloc2 for the
"simgrid-tuned" variant (skipped without it); GNU time (/usr/bin/time) for peak memory.
wattsim's outputs must match the reference to 1e-6 relative (the run stops otherwise); a peer
that differs is noted under the table. Stdlib only.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {64: 10000, 256: 100000, 1024: 1000000}
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"


def sh(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def build_peers(shared, work):
    peers = os.path.join(work, "peers")
    shutil.copytree(os.path.join(shared, "peers"), peers)
    os.makedirs(os.path.join(peers, "build"), exist_ok=True)
    sh(["g++", "-O2", "-std=c++17", "-o", "build/ref_sim", "reference/ref_sim.cpp"], cwd=peers)
    try:
        sh(["g++", "-O2", "-std=c++17", "-o", "build/sg_sim", "simgrid/sg_sim.cpp", "-lsimgrid"], cwd=peers)
    except subprocess.CalledProcessError:
        print("note: SimGrid peer not built (libsimgrid-dev missing?)", file=sys.stderr)
    return peers


def engines(peers, wattsim, trace, nodes, out):
    scenario = os.path.join(REPO, "scenarios/bench/fifo-gpu-cluster.json")
    e = {
        "wattsim": [wattsim, "run", scenario, "-q", "-o", out, "--set", f"workload.trace.path={trace}",
                    "--set", f"facility.racks[0].count={nodes}"],
        "ref": [os.path.join(peers, "build/ref_sim"), trace, str(nodes)],
    }
    sg = os.path.join(peers, "build/sg_sim")
    if os.path.exists(sg):
        e["simgrid"] = [sg, trace, str(nodes), "--log=host_energy.thres:warning"]
        if os.path.exists(JEMALLOC):
            e["simgrid-tuned"] = ["env", f"LD_PRELOAD={JEMALLOC}", sg, trace, str(nodes),
                                  "--log=host_energy.thres:warning", "--cfg=contexts/stack-size:64"]
    return e


def timed(argv):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + argv, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{p.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return wall, rss, p.stdout


def outputs(engine, stdout, wattsim, out):
    if engine != "wattsim":
        return {k: float(v) for k, v in re.findall(r"^(\w+)=([-0-9.e+]+)$", stdout, re.M)}
    import json
    s = json.loads(sh([wattsim, "inspect", out, "--json"]).stdout)["summary"]
    return {"makespan_s": s["makespan_s"], "energy_kwh": s["facility_energy_kwh"],
            "carbon_kg": s["carbon_location_kg"], "mean_wait_s": s["mean_wait_s"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="64,256,1024")
    ap.add_argument("--engines", default="wattsim,ref,simgrid-tuned")
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared", "bench"))
    ap.add_argument("--wattsim", default=os.path.join(REPO, "build", "wattsim"))
    args = ap.parse_args()
    wanted = args.engines.split(",")
    with tempfile.TemporaryDirectory() as work:
        peers = build_peers(args.shared, work)
        rows = []
        notes = []
        for nodes in [int(s) for s in args.sizes.split(",")]:
            jobs = SIZES[nodes]
            trace = os.path.join(work, f"jobs_n{nodes}_j{jobs}.csv")
            with open(trace, "w") as f:
                subprocess.run([sys.executable, os.path.join(args.shared, "gen_jobs.py"), str(nodes), str(jobs), "1",
                                "0.9"], stdout=f, check=True)
            out = os.path.join(work, f"out_{nodes}.h5")
            es = {k: v for k, v in engines(peers, args.wattsim, trace, nodes, out).items() if k in wanted}
            # Check: wattsim agrees with the reference to 1e-6 relative (peers that do not are noted).
            _, _, ref_out = timed(engines(peers, args.wattsim, trace, nodes, out)["ref"])
            want = outputs("ref", ref_out, args.wattsim, out)
            walls = {k: [] for k in es}
            rss = {k: [] for k in es}
            for run in range(args.runs):
                for name, argv in es.items():  # alternate engines within each round
                    w, r, stdout = timed(argv)
                    walls[name].append(w)
                    rss[name].append(r)
                    if run == 0:
                        got = outputs(name, stdout, args.wattsim, out)
                        for key in ["makespan_s", "energy_kwh", "mean_wait_s"]:
                            if abs(got[key] - want[key]) > 1e-6 * abs(want[key]):
                                msg = f"{name} on {nodes} nodes: {key} {got[key]} != reference {want[key]}"
                                if name == "wattsim":
                                    raise SystemExit(msg)
                                notes.append(msg)  # a peer's own rounding (SimGrid: double time)
            for name in es:
                rows.append((nodes, jobs, name, statistics.median(walls[name]), statistics.median(rss[name]) / 1024))
        ref = {(n, j): w for n, j, e, w, _ in rows if e == "ref"}
        print(f"{args.runs} alternating runs each, medians; outputs checked against the reference (1e-6)\n")
        print("| nodes | jobs | engine | wall s | jobs/s | peak RSS MB | vs ref |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for n, j, e, w, m in rows:
            ratio = f"{w / ref[(n, j)]:.2f}x" if (n, j) in ref else "-"
            print(f"| {n} | {j} | {e} | {w:.3f} | {j / w:,.0f} | {m:.1f} | {ratio} |")
        for note in notes:
            print(f"\nnote: {note}")


if __name__ == "__main__":
    main()
