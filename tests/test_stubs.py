"""The type stubs shipped for the compiled modules match what those modules define at run time."""
import os
import pathlib
import subprocess
import sys

import child_process
from package_layout import CORE_MODULES, installed_stubs

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_stubs_match_the_compiled_modules(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--allowlist", str(ROOT / "tools" / "stubtest_allowlist.txt"),
         *CORE_MODULES],
        capture_output=True, text=True, cwd=child_process.NEUTRAL_CWD,     # the installed midox, not the checkout's
        env=dict(os.environ, MYPYPATH=str(installed_stubs(tmp_path))),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
