"""The type stubs shipped for the compiled modules match what those modules define at run time."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORE_MODULES = ["midox._core._specs", "midox._core._checks", "midox._core._messages", "midox._core._parser",
                "midox._core._smf"]


def test_stubs_match_the_compiled_modules():
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--allowlist", str(ROOT / "tools" / "stubtest_allowlist.txt"),
         *CORE_MODULES],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
