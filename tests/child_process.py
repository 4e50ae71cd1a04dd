"""Where tests run child Pythons: a directory outside the checkout.

``python -c`` and ``python -m`` put the current directory first on sys.path, so a child started in the checkout
would import the uncompiled source tree (midox/ without its extensions) instead of the installed package. Tests
give children ``cwd=NEUTRAL_CWD`` (or their tmp_path).
"""
import atexit
import shutil
import tempfile

NEUTRAL_CWD = tempfile.mkdtemp(prefix="midox-tests-cwd-")
atexit.register(shutil.rmtree, NEUTRAL_CWD, ignore_errors=True)
