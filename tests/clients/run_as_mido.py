"""Run pytest with midox standing in for mido: python run_as_mido.py PYTEST-ARGUMENTS...

midox.install_as_mido() runs before pytest imports the tests, so their ``import mido`` (and the library's
under test) gives midox.
"""
import sys

import midox

midox.install_as_mido()

import mido  # noqa: E402  (after the switch, on purpose)
import pytest  # noqa: E402

assert mido is midox, mido
sys.exit(pytest.main(sys.argv[1:]))
