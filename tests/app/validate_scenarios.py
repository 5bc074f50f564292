#!/usr/bin/python3
"""Validates wattsim scenario files against scenarios/schema/scenario.schema.json.

    validate_scenarios.py SCHEMA FILE...                   exit 0 if every file is valid, else 1
    validate_scenarios.py SCHEMA --expect-invalid FILE...  exit 0 if every file is INVALID, else 1

(--expect-invalid may stand anywhere on the command line.) Each problem is printed with its
JSON path ($.facility.racks[0].count). Exit status 2 for a wrong command line or schema.

Like the C++ parser, "integer" means a JSON number written without a fraction or exponent
(4, not 4.0), and NaN/Infinity are not JSON.
"""

import difflib
import json
import sys

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match


def _strict_integer(checker, instance):
    return isinstance(instance, int) and not isinstance(instance, bool)


Validator = jsonschema.validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


def json_path(path):
    out = "$"
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def load_json(file):
    with open(file, encoding="utf-8") as f:
        return json.load(f, parse_constant=_reject_constant)


def short(value, limit=60):
    if isinstance(value, dict):
        return "this object"
    if isinstance(value, list) and len(json.dumps(value)) > limit:
        return "this array"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def required_keys(schema):
    """The keys a {"required": [...]} schema, or an anyOf of them, asks for."""
    if "required" in schema:
        return list(schema["required"])
    return [k for s in schema.get("anyOf", []) for k in s.get("required", [])]


def alternative(schema):
    title, description = schema.get("title"), schema.get("description")
    if title and description:
        return f"{title} ({description})"
    return title or description or short(schema)


def message(error):
    """The error's message, with long values shortened and schema details explained."""
    kind, value, inst = error.validator, error.validator_value, short(error.instance)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if kind == "pattern" and description:
        return f"{inst} is not {description[0].lower()}{description[1:]}"
    if kind == "oneOf":
        alternatives = "; ".join(alternative(s) for s in value)
        return f"{inst} matches {'none' if error.context else 'more than one'} of: {alternatives}"
    if kind == "anyOf":
        return f"{inst} matches none of the alternatives" + (f" ({description})" if description else "")
    if kind == "not" and required_keys(value):
        keys = ", ".join(f'"{k}"' for k in required_keys(value))
        return f"{keys} not allowed here"
    text = error.message.replace(repr(error.instance), inst)
    if kind in ("type", "minimum", "exclusiveMinimum") and "pattern" in error.schema and description:
        text += f" (expected {description[0].lower()}{description[1:]})"
    return text


def describe(error):
    """Lines for an error: its JSON path and message, and for oneOf/anyOf the nearest cause."""
    where = json_path(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        lines = []
        for key in error.instance:
            if key in allowed or not allowed:
                continue
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f'; did you mean "{near[0]}"?' if near else ""
            lines.append(f"{json_path(list(error.absolute_path) + [key])}: unknown key{hint} "
                         f"(valid keys: {', '.join(allowed)})")
        if lines:
            return lines
    lines = [f"{where}: {message(error)}"]
    if error.context:
        cause = best_match(error.context)
        lines.append(f"    because {json_path(cause.absolute_path)}: {message(cause)}")
    return lines


def problems(validator, file):
    try:
        doc = load_json(file)
    except (OSError, ValueError) as e:
        return [f"{file}: cannot read as JSON: {e}"]
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    return [line for e in errors for line in describe(e)]


def main(argv):
    expect_invalid = "--expect-invalid" in argv
    args = [a for a in argv[1:] if a != "--expect-invalid"]
    if len(args) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_file, files = args[0], args[1:]
    try:
        schema = load_json(schema_file)
        Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"{schema_file}: not a usable JSON Schema: {e}", file=sys.stderr)
        return 2
    validator = Validator(schema)

    failed = False
    for file in files:
        found = problems(validator, file)
        if expect_invalid:
            if found:
                print(f"{file}: invalid, as expected ({len(found)} problem line{'s' if len(found) != 1 else ''})")
                for line in found:
                    print(f"  {line}")
            else:
                print(f"{file}: valid, but expected invalid")
                failed = True
        elif found:
            print(f"{file}: invalid")
            for line in found:
                print(f"  {line}")
            failed = True
        else:
            print(f"{file}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
