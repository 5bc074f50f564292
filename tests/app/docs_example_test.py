#!/usr/bin/python3
"""Runs the first ```python block of a Markdown file (docs/results.md, docs/batch.md) on a result set.

    docs_example_test.py DOCS_MD RESULT_H5

The block runs in a fresh interpreter (a subprocess of this Python) with
sys.argv = [<temporary script>, RESULT_H5]. The exit status is the block's: non-zero on a
failed assertion or any exception; 2 when the command line is wrong or no block is found.
"""

import os
import re
import subprocess
import sys
import tempfile


def first_python_block(markdown):
    match = re.search(r"^```python[ \t]*\n(.*?)^```[ \t]*$", markdown, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else None


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    docs, result = argv[1], argv[2]
    with open(docs, encoding="utf-8") as f:
        code = first_python_block(f.read())
    if code is None:
        print(f"{docs}: no ```python block found", file=sys.stderr)
        return 2
    fd, script = tempfile.mkstemp(prefix="results_example_", suffix=".py")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(code)
        status = subprocess.run([sys.executable, script, result]).returncode
    finally:
        os.unlink(script)
    if status != 0:
        print(f"{docs}: the python example failed on {result} (exit status {status})", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
