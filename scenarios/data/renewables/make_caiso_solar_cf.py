#!/usr/bin/python3
"""Writes an hourly solar capacity-factor shape for CAISO, 2022, from EIA-930 generation.

    make_caiso_solar_cf.py [IN_CSV] [OUT_CSV]

defaults: CISO_NG_avgCI.csv and CISO_2022_solar_cf.csv beside this script.

Input: EIA-930 net generation by fuel for the CAISO balancing authority (column SUN, MWh in
each hour, i.e. average MW), one row per hour of 2022, UTC, hour start (see SOURCES.md).

Method:
  1. Negative SUN (at night the plants draw station load, so net generation dips below zero)
     counts as 0.
  2. An hour with an empty SUN cell (3 rows of the file are empty throughout) takes the value
     of the same hour on the previous day (after step 1); the previous day's hour is never
     itself empty in this file, and the script stops if it is (or if the gap is on 1 January).
  3. capacity_factor = SUN / C, clipped to [0, 1], where C is the year's largest hourly SUN.
     EIA-930 reports generation, not installed capacity, so the peak hour stands for the
     fleet's AC capacity. The fleet never delivers its full nameplate at once (inverter
     clipping, soiling, not every plant in full sun) and it grew during the year, so the
     result overstates the capacity factor somewhat against nameplate; the peak is 1 by
     construction. Scale with the modelled plant's AC capacity.

Output: columns `time` (copied from the input's `timestamp`: ISO 8601 UTC with +00:00, hour
start) and `capacity_factor` (6 decimals), LF line endings, 8760 rows. Rerunning gives the same
bytes. Standard library only.
"""

import csv
import datetime as dt
import os
import sys


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    src = argv[1] if len(argv) > 1 else os.path.join(here, "CISO_NG_avgCI.csv")
    dst = argv[2] if len(argv) > 2 else os.path.join(here, "CISO_2022_solar_cf.csv")

    times, sun = [], []
    with open(src, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            times.append(row["timestamp"])
            cell = row["SUN"].strip()
            sun.append(max(0.0, float(cell)) if cell else None)

    # The file must be consecutive hours, so "24 rows back" is the previous day's hour.
    parsed = [dt.datetime.fromisoformat(t) for t in times]
    for a, b in zip(parsed, parsed[1:]):
        if b - a != dt.timedelta(hours=1):
            sys.exit(f"{src}: hours not consecutive at {b}")

    filled = []
    for i, v in enumerate(sun):
        if v is None:
            if i < 24 or sun[i - 24] is None:
                sys.exit(f"{src}: empty SUN at {times[i]} and no value a day before")
            sun[i] = sun[i - 24]
            filled.append(times[i])

    peak = max(sun)
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        out.write("time,capacity_factor\n")
        for t, v in zip(times, sun):
            cf = min(1.0, max(0.0, v / peak))
            out.write(f"{t},{cf:.6f}\n")

    mean = sum(min(1.0, v / peak) for v in sun) / len(sun)
    print(f"{dst}: {len(sun)} rows; peak SUN {peak:.1f} MW; filled {len(filled)} empty hours "
          f"({', '.join(filled)}); mean capacity factor {mean:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
