"""The type stubs shipped for the compiled modules match what those modules define at run time."""
import child_process
import typecheck
from package_layout import CORE_MODULES


def test_stubs_match_the_compiled_modules(tmp_path):
    """stubtest of every installed module that ships a stub: midox._core's, and the PortMidi binding's when it
    is built (the installed midox, not the checkout's: typecheck runs it from a directory of its own)."""
    layout = typecheck.installed_layout(child_process.NEUTRAL_CWD)
    assert set(CORE_MODULES) <= set(layout['stubbed'])
    stubs = typecheck.copy_package(layout, tmp_path, stubs_only=True)
    result = typecheck.run_stubtest(layout['stubbed'], stubs, child_process.NEUTRAL_CWD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Success: no issues found in {len(layout['stubbed'])} modules" in result.stdout
