#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus/<target>/ from the shipped files (scenarios,
their data, the invalid examples of tests/app), cut to a few dozen rows, and the libFuzzer
dictionaries tests/fuzz/<target>.dict (the JSON Schemas' keys, units, enum values). Run from
anywhere; it replaces only the files it writes. The input format of each target is described
at the top of its harness, tests/fuzz/fuzz_<target>.cpp."""

import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"
ROWS = 36


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def head(path, rows=ROWS):
    with open(path, "rb") as f:
        return b"".join(line for _, line in zip(range(rows + 1), f))


def scenario():
    for path in sorted((ROOT / "scenarios").glob("*.json")) + sorted((ROOT / "scenarios" / "bench").glob("*.json")):
        if "batch" not in path.name:
            write("scenario", path.name, path.read_bytes())
    for path in sorted((ROOT / "tests" / "app" / "invalid_scenarios").glob("*.json")):
        write("scenario", "invalid-" + path.name, path.read_bytes())
    default = (ROOT / "scenarios" / "default.json").read_bytes()
    write("scenario", "set-default.txt",
          b"--set facility.racks[0].count=64\n--set policy.name=fifo\n--set horizon=\"2 d\"\n" + default)
    write("scenario", "set-bad-paths.txt",
          b"--set facility..racks=1\n--set facility.racks[9].count=1\n--set seed[0]=1\n--set =3\n" + default)
    write("scenario", "set-new-objects.txt",
          b"--set supply.grid.limit=\"1 MW\"\n--set workload.generator[0].jobs=5\n--set output={\"interval\": \"2 h\"}\n" + default)


def quantity():
    # (dimension index as in fuzz_quantity.cpp, allow negative, text)
    seeds = [(0, 0, "400 W"), (0, 0, "2.5MW"), (0, 0, "45 kW"), (1, 0, "1.5 kWh"), (1, 0, "3 GJ"),
             (2, 0, "7 d"), (2, 0, "30 min"), (2, 0, "1e3 us"), (2, 1, "-2 h"), (2, 0, "1 y"),
             (3, 0, "400 g/kWh"), (3, 0, "0.4 kg/kWh"), (4, 0, "12 t"), (5, 1, "-5 C"), (5, 0, "300 K"),
             (6, 0, "85 %"), (6, 0, "0.85"), (7, 1, "-12.5"), (8, 0, "1.98 GHz"), (9, 0, "80 GiB"), (9, 0, "3.35 TB"), (0, 0, "+1.2.3 kW"),
             (0, 0, "12 parsecs"), (2, 0, " 90 s \t")]
    for i, (dim, neg, text) in enumerate(seeds):
        write("quantity", f"q{i:02d}", bytes([dim | (0x80 if neg else 0)]) + text.encode())


def job_csv():
    write("job_csv", "bench-jobs.csv", b"\xff" + head(ROOT / "tests" / "data" / "bench" / "jobs-64x10k.csv"))
    write("job_csv", "all-columns.csv", b"\x80" +
          b"job_id,submit_s,gpus,duration_s,util,beta,earliest_start_s,deadline_s,estimate_s,user,queue,tags\r\n"
          b"0,0,8,3600,0.9,0.8,,,,alice,training,a;b\r\n"
          b"1,60.5,1,600,0.5,,120,7200,900,bob,batch,\r\n"
          b"\r\n"
          b"2,60.5,16,7200,1,1,,,,,,\r\n")
    write("job_csv", "reordered.csv", b"\x00\xef\xbb\xbfutil,gpus,job_id,duration_s,submit_s\n0.5,2,7,10,0\n1,4,8,20,1")


def series_csv():
    data = ROOT / "scenarios" / "data"
    seeds = [
        ("carbon", 0, "Datetime (UTC)", "Carbon Intensity gCO₂eq/kWh (LCA)", data / "carbon" / "DE-LU_2023_hourly.csv"),
        ("prices", 2 | 32, "Datetime (UTC)", "Price (USD/MWh)", data / "prices" / "US-CAL-CISO_electricity_prices_2023.csv"),
        ("sun", 1 | 8, "timestamp", "SUN", data / "renewables" / "CISO_NG_avgCI.csv"),
        ("solcast", 4 | 16, "datetime", "Berlin", data / "renewables" / "solcast2022_global_actual.csv"),
        ("heat", 2, "", "", data / "heat" / "frankfurt_district_heat_2023.csv"),
    ]
    for name, flags, time_column, value_column, path in seeds:
        options = bytes([flags]) + f"{time_column}\t{value_column}\n".encode()
        write("series_csv", name + ".csv", options + head(path))
    write("series_csv", "epoch-seconds.csv", b"\x02\n" + b"t,v\n1672531200,1\n1672534800,2\n1672538400.5,3\n")
    write("series_csv", "skip-gaps.csv", b"\x0b\n" +
          b"timestamp,SUN\n2022-01-05 09:00:00+00:00,120\n2022-01-05 10:00:00+00:00,\n2022-01-05 11:00:00Z,300\n")


def open_meteo():
    doc = json.loads((ROOT / "scenarios" / "data" / "weather" / "DE-LU_2023.json").read_text())
    for key in list(doc["hourly"]):
        doc["hourly"][key] = doc["hourly"][key][:ROWS]
    write("open_meteo", "DE-LU_2023.json", json.dumps(doc, indent=1, ensure_ascii=False))
    small = {"utc_offset_seconds": -18000, "hourly_units": {"temperature_2m": "°C"},
             "hourly": {"time": ["2023-03-12T01:00:00", "2023-03-12T02:00:00", "2023-03-12T03:00:00"],
                        "temperature_2m": [1.5, -2, 3e1]}}
    write("open_meteo", "small.json", json.dumps(small, ensure_ascii=False))
    small["hourly_units"]["temperature_2m"] = "°F"
    write("open_meteo", "fahrenheit.json", json.dumps(small, ensure_ascii=False))


def epw():
    text = head(ROOT / "tests" / "data" / "weather" / "USA_AZ_Phoenix-Sky.Harbor.epw", 8 + ROWS)
    write("epw", "phoenix.epw", b"\x00" + text)
    write("epw", "phoenix-2024.epw", bytes([2024 - 1999]) + text)


def batch():
    def adapt(text):
        doc = json.loads(text)
        demand = doc.get("demand", {})
        demand.pop("set", None)
        if "scenario" in demand:
            demand["scenario"] = "default.json"
        return json.dumps(doc, indent=1, ensure_ascii=False)

    write("batch", "batch-net-zero.json", adapt((ROOT / "scenarios" / "batch-net-zero.json").read_text()))
    for path in sorted((ROOT / "tests" / "app" / "invalid_batches").glob("*.json")):
        write("batch", "invalid-" + path.name, adapt(path.read_text()))
    result = json.loads(adapt((ROOT / "scenarios" / "batch-net-zero.json").read_text()))
    result["demand"] = {"result": "default.h5"}
    result["max_variants"] = 50
    result["grid"] = {"solar_kw": [0, 500], "battery_kwh": [0, 1000], "battery_kw": [500]}
    write("batch", "result-demand.json", json.dumps(result, indent=1, ensure_ascii=False))


def dict_entry(word):
    """A libFuzzer dictionary line: ASCII only, quotes, backslashes and other bytes as \\xNN."""
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\x{b:02x}" for b in word.encode()) + '"'


def dictionaries():
    units = ["W", "kW", "MW", "GW", "J", "kWh", "MWh", "us", "ms", "s", "min", "h", "d", "w", "y", "g/kWh",
             "kg/kWh", "kg/MWh", "t/MWh", "g", "kg", "t", "C", "K", "%", "Hz", "MHz", "GHz"]
    for target, schema in (("scenario", "scenario.schema.json"), ("batch", "batch.schema.json")):
        doc = json.loads((ROOT / "scenarios" / "schema" / schema).read_text())
        words = set()

        def walk(x):
            if isinstance(x, dict):
                for key, value in x.items():
                    if key == "properties" and isinstance(value, dict):
                        words.update(value)
                    if key == "enum" and isinstance(value, list):
                        words.update(v for v in value if isinstance(v, str))
                    walk(value)
            elif isinstance(x, list):
                for value in x:
                    walk(value)

        walk(doc)
        lines = [dict_entry(f'"{w}"') for w in sorted(words)] + [dict_entry(f' {u}"') for u in units]
        lines += ['"{"', '"}"', '"["', '"]"', '":"', '","', '"null"', '"true"', '"false"', '"-1e308"', '"1e309"']
        if target == "scenario":
            lines += ['"--set "', '"=\\x0a"', '"[0]."']
        (ROOT / "tests" / "fuzz" / f"{target}.dict").write_text("\n".join(lines) + "\n")
    quantity_words = units + ["kJ", "MJ", "GJ", "Wh", "GWh", "kHz", "B", "kB", "MB", "GB", "TB", "PB", "KiB", "MiB",
                              "GiB", "TiB", "PiB", "e308", "e-308", "e+", "inf", "nan", "0x", ".", "+", "-"]
    (ROOT / "tests" / "fuzz" / "quantity.dict").write_text("".join(f'"{w}"\n' for w in quantity_words))


if __name__ == "__main__":
    dictionaries()
    for make in (scenario, quantity, job_csv, series_csv, open_meteo, epw, batch):
        make()
