#!/usr/bin/env bash
# Install midox with what its tests need, then run the whole test suite.
# Usage: bash tools/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet -e '.[test]'
python3 -m pytest "$@"
