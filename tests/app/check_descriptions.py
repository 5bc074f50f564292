#!/usr/bin/python3
"""Checks that a result set can be read without the docs open (docs/results.md, "Units and descriptions").

    check_descriptions.py RESULT_H5

With h5py: /meta has format_version; every dataset has a string attribute "description" and
"units" (for a compound dataset, "units" and "descriptions" are JSON objects naming every
field); every group holding numeric attributes (a summary) has "units" and "descriptions"
naming each of them. Descriptions must not be empty. Prints each problem; the exit status is
1 when there is one, 0 otherwise, 2 for a wrong command line.
"""

import json
import sys

import h5py
import numpy


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def check(path):
    problems = []
    with h5py.File(path, "r") as f:
        if "format_version" not in f["meta"].attrs:
            problems.append("/meta: no format_version")

        def json_object(obj, name, where):
            if name not in obj.attrs:
                problems.append(f"{where}: no {name} attribute")
                return {}
            try:
                doc = json.loads(text(obj.attrs[name]))
            except ValueError:
                doc = None
            if not isinstance(doc, dict):
                problems.append(f"{where}: {name} is not a JSON object")
                return {}
            return doc

        def visit(name, obj):
            where = "/" + name
            if isinstance(obj, h5py.Dataset):
                if not text(obj.attrs.get("description", "")):
                    problems.append(f"{where}: no description")
                if not obj.dtype.names and "units" not in obj.attrs:
                    problems.append(f"{where}: no units")
                if obj.dtype.names:
                    units = json_object(obj, "units", where)
                    descriptions = json_object(obj, "descriptions", where)
                    for field in obj.dtype.names:
                        if field not in units:
                            problems.append(f"{where}: field {field} has no unit")
                        if not descriptions.get(field):
                            problems.append(f"{where}: field {field} has no description")
            elif name != "meta":
                values = [k for k, v in obj.attrs.items() if isinstance(v, (float, int, numpy.number))]
                if values:
                    units = json_object(obj, "units", where)
                    descriptions = json_object(obj, "descriptions", where)
                    for key in values:
                        if key not in units:
                            problems.append(f"{where}: {key} has no unit")
                        if not descriptions.get(key):
                            problems.append(f"{where}: {key} has no description")

        f.visititems(visit)
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(f"{argv[1]}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
