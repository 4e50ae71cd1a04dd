"""The fuzz targets of tests/fuzz/ (atheris, run by ``bash tools/sanitize.sh fuzz SECONDS``) as ordinary tests:
every input a target once failed on, saved in tests/fuzz/regressions/<target>/, passes its check now; and every
target passes its own seeds (real files of the corpus, when there is one), so a check never fails on good input.
"""
import importlib
import pathlib
import sys

import pytest

FUZZ = pathlib.Path(__file__).resolve().parent / 'fuzz'
sys.path.insert(0, str(FUZZ))

import _fuzzing  # noqa: E402

TARGETS = sorted(path.stem.removeprefix('fuzz_') for path in FUZZ.glob('fuzz_*.py'))
SAVED = [(target, path, data) for target in TARGETS for path, data in _fuzzing.regression_inputs(target)]


def target(name):
    return importlib.import_module(f'fuzz_{name}')


def test_every_saved_input_belongs_to_a_target():
    folders = [path.name for path in _fuzzing.REGRESSIONS.iterdir() if path.is_dir()] \
        if _fuzzing.REGRESSIONS.is_dir() else []
    assert set(folders) <= set(TARGETS)


@pytest.mark.parametrize('name, path, data', SAVED, ids=[f'{name}/{path.name}' for name, path, _ in SAVED])
def test_saved_input(name, path, data):
    target(name).check(data)


@pytest.mark.parametrize('name', TARGETS)
def test_seeds(name):
    module = target(name)
    for data in module.seeds():
        module.check(data)
