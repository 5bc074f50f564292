#!/usr/bin/python3
"""Writes the hourly heat demand of a district-heating network from outside temperatures.

    make_heat_demand.py WEATHER_JSON OUT_CSV [--base KW] [--per-kelvin KW] [--balance C]

A degree-hour model (heat demand rises linearly as the outside air falls below a balance
temperature; domestic hot water gives a constant base):

    demand_kw = base + per_kelvin * max(0, balance - T_out)

with base 600 kW, 120 kW per K and a balance point of 15 C by default: a small network of
some 300-400 homes, 600 kW in summer and about 3 MW on a -5 C day. T_out is Open-Meteo's
hourly temperature_2m; its local times minus utc_offset_seconds are written as UTC.
"""

import argparse
import datetime as dt
import json
import sys


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("weather")
    ap.add_argument("out")
    ap.add_argument("--base", type=float, default=600.0)
    ap.add_argument("--per-kelvin", type=float, default=120.0)
    ap.add_argument("--balance", type=float, default=15.0)
    a = ap.parse_args(argv[1:])
    with open(a.weather, encoding="utf-8") as f:
        w = json.load(f)
    offset = dt.timedelta(seconds=w["utc_offset_seconds"])
    with open(a.out, "w", encoding="utf-8", newline="\n") as out:
        out.write("time_utc,heat_demand_kw\n")
        for t, temp in zip(w["hourly"]["time"], w["hourly"]["temperature_2m"]):
            utc = dt.datetime.fromisoformat(t) - offset
            demand = a.base + a.per_kelvin * max(0.0, a.balance - temp)
            out.write(f"{utc:%Y-%m-%dT%H:%M:%SZ},{demand:.1f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
