#!/usr/bin/env bash
# Build the manual (docs/) as HTML with warnings as errors, then run its examples (Sphinx's doctest builder).
# Installs nothing: it needs midox installed (pip install -e '.[docs]' builds it in place) and the docs extra.
#
#   bash tools/docs.sh              # HTML in build/docs/html, then the examples
#
# Exits non-zero on any warning, a broken reference, or an example whose output differs from the one shown.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
out=build/docs

if ! "$python" -c 'import midox._core._messages' 2>/dev/null; then
    echo "tools/docs.sh: midox is not built for $python (pip install -e '.[docs]')" >&2
    exit 2
fi
if ! "$python" -c 'import sphinx, myst_parser, furo, numpy, pyarrow' 2>/dev/null; then
    echo "tools/docs.sh: the docs requirements are missing (pip install -e '.[docs]')" >&2
    exit 2
fi

# A fresh build each time: Sphinx reports the warnings of a page only when it reads it.
rm -rf "$out"
start=$SECONDS
"$python" -m sphinx -W --keep-going -q -b html -d "$out/doctrees" docs "$out/html"
echo "tools/docs.sh: HTML in $out/html ($((SECONDS - start)) s)"
start=$SECONDS
"$python" -m sphinx -W --keep-going -q -b doctest -d "$out/doctrees" docs "$out/doctest"
sed -n '/^Doctest summary/,$p' "$out/doctest/output.txt"
echo "tools/docs.sh: the examples pass ($((SECONDS - start)) s)"
