#!/usr/bin/env bash
# Type checks of the midox that `python3` (or $PYTHON) imports, as its users' type checker sees it: mypy --strict
# on examples/ and tests/typing/ (typical programs pass, the marked mistakes of must_fail.py are reported), and
# stubtest of every compiled module's stub. Needs mypy; runs from a directory of its own, so that a source tree
# never stands in for the installed package. Works with tests/ beside tools/ (examples/ is checked if there).
# Usage: bash tools/typecheck.sh        (exit status 0: every check passed)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$(mktemp -d)"
trap 'cd / && rm -rf "$OLDPWD"' EXIT
"${PYTHON:-python3}" "$here/tests/typecheck.py"
