"""Shared test set-up: refuse to run against an unbuilt source tree, and hypothesis profiles."""
import os

import pytest
from hypothesis import HealthCheck, settings

# tests/standin runs in a child process with the ALSA sequencer stand-in preloaded (tests/test_portmidi.py).
collect_ignore = ["standin"]

settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_configure(config):
    try:
        import midox._core._messages  # noqa: F401
    except ImportError as error:
        pytest.exit(f"midox is not built ({error}); run: python -m pip install -e '.[test]'", returncode=4)


@pytest.fixture
def restore_meta_specs():
    """Undo add_meta_spec() calls made by a test (the meta spec registry is module state)."""
    from midox.midifiles import meta
    saved = dict(meta._META_SPECS), dict(meta._META_SPEC_BY_TYPE)
    yield
    for table, old in zip((meta._META_SPECS, meta._META_SPEC_BY_TYPE), saved):
        table.clear()
        table.update(old)


@pytest.fixture(scope="session")
def jack_server():
    """A running JACK server (dummy driver, --sync) that this process's JACK clients use."""
    from jack_server import JackServer
    server = JackServer().start()
    yield server
    server.stop()
