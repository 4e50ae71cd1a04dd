"""The installed package's types, as a user's ``mypy --strict`` sees them: typical programs pass, mistakes are
reported (tests/typecheck.py says how; tools/typecheck.sh runs the same checks outside pytest)."""
import importlib.util
import os
import subprocess
import sys

import pytest

import child_process
import typecheck

pytestmark = pytest.mark.xdist_group('typecheck')      # one mypy run (the module fixture) for the module


@pytest.fixture(scope='module')
def checked(tmp_path_factory):
    """One mypy run over the examples, the user program and the must-fail file (they share the package's
    analysis): its output."""
    work = tmp_path_factory.mktemp('typecheck')
    layout = typecheck.installed_layout(child_process.NEUTRAL_CWD)
    site = typecheck.copy_package(layout, work / 'site')
    files = [*typecheck.examples(), typecheck.USER_PROGRAM, typecheck.MUST_FAIL]
    result = typecheck.run_mypy(files, site, work / 'cache', child_process.NEUTRAL_CWD)
    assert result.returncode in (0, 1), result.stdout + result.stderr       # 2: mypy itself failed
    return result.stdout


def test_examples_exist():
    assert [path.name for path in typecheck.examples()] == ['demo.py']


@pytest.mark.parametrize('name', ['demo.py', 'user_program.py'])
def test_programs_pass_mypy_strict(checked, name):
    path = {path.name: path for path in [*typecheck.examples(), typecheck.USER_PROGRAM]}[name]
    assert typecheck.reported_errors(checked, path) == set(), checked


def test_mistakes_are_reported(checked):
    expected = typecheck.expected_errors(typecheck.MUST_FAIL)
    assert len(expected) >= 20
    assert typecheck.reported_errors(checked, typecheck.MUST_FAIL) == expected, checked


def test_marks_are_read():
    lines = typecheck.MUST_FAIL.read_text().splitlines()
    assert (7, 'attr-defined') in typecheck.expected_errors(typecheck.MUST_FAIL)
    assert 'midox.open_ouput' in lines[6]
    output = f'{typecheck.MUST_FAIL}:7: error: Module has no attribute "open_ouput"  [attr-defined]\n'
    assert typecheck.reported_errors(output, typecheck.MUST_FAIL) == {(7, 'attr-defined')}


def test_user_program_runs():
    """The program that passes the type check is correct: it runs (the parts that need no MIDI device)."""
    args = ['numpy'] if importlib.util.find_spec('numpy') else []
    result = subprocess.run([sys.executable, str(typecheck.USER_PROGRAM), *args], capture_output=True, text=True,
                            cwd=child_process.NEUTRAL_CWD, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == 'ok', result.stdout + result.stderr


def test_typecheck_script():
    """tools/typecheck.sh, what a wheel's test run calls: every check, from a directory of its own."""
    result = subprocess.run(['bash', str(typecheck.ROOT / 'tools' / 'typecheck.sh')], capture_output=True, text=True,
                            cwd=child_process.NEUTRAL_CWD, timeout=600, env=dict(os.environ, PYTHON=sys.executable))
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'type checks passed' in result.stdout
