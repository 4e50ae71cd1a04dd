"""Type checks of the installed midox, as its users' type checker sees it.

- ``mypy --strict`` on examples/*.py and tests/typing/user_program.py (typical programs): no error;
- ``mypy --strict`` on tests/typing/must_fail.py: exactly the errors its lines are marked with
  (``# error: CODE``), so that types too loose to catch mistakes fail;
- stubtest of every compiled module that ships a stub (midox/_core/*.pyi, and midox.backends._portmidi when
  the binding is built) against the module itself.

The package checked is the one ``import midox`` gives a Python started in a directory of its own (never a source
tree beside it). mypy cannot follow an editable install (an import hook), so its files are copied to a temporary
folder first: on PYTHONPATH (a package directory to mypy, whose own errors it leaves to the package, as for an
installed package) for the programs, and, stubs only, on MYPYPATH for stubtest (as tests/package_layout.py does).

Run as a script by tools/typecheck.sh (``python tests/typecheck.py``); tests/test_typing.py and
tests/test_stubs.py use its functions.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TYPING = ROOT / 'tests' / 'typing'
USER_PROGRAM = TYPING / 'user_program.py'
MUST_FAIL = TYPING / 'must_fail.py'
ALLOWLIST = ROOT / 'tools' / 'stubtest_allowlist.txt'

# Run by a child Python in a directory of its own: where the installed packages of midox are, and the modules
# that ship a stub and are built (find_spec finds a module without importing it; it imports the packages).
_LAYOUT = r'''
import importlib.util, json, os
packages, todo = {}, ['midox', 'midox.backends']      # midox.backends is mapped from backends/ by the build
while todo:
    name = todo.pop()
    if name not in packages:
        folder = packages[name] = list(importlib.util.find_spec(name).submodule_search_locations)[0]
        todo += [f'{name}.{entry}' for entry in os.listdir(folder)
                 if os.path.isfile(os.path.join(folder, entry, '__init__.py'))]
stubbed = [f'{name}.{entry[:-4]}' for name, folder in packages.items() for entry in os.listdir(folder)
           if entry.endswith('.pyi') and entry != '__init__.pyi']
print(json.dumps({'packages': packages,
                  'stubbed': sorted(name for name in stubbed if importlib.util.find_spec(name) is not None)}))
'''

_ERROR = re.compile(r'^(?P<path>.+?):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$')
_MARK = re.compile(r'#\s*error:\s*(?P<code>[a-z-]+)\s*$')


def examples():
    """The example programs (none when examples/ is not there, as in a copy of tests/ and tools/ alone)."""
    return sorted((ROOT / 'examples').glob('*.py'))


def installed_layout(cwd):
    """{'packages': {package name: folder}, 'stubbed': [module names]} of the midox a child Python imports."""
    result = subprocess.run([sys.executable, '-c', _LAYOUT], capture_output=True, text=True, cwd=cwd, check=True)
    return json.loads(result.stdout)


def copy_package(layout, destination, stubs_only=False):
    """Copy the installed package's typing files (.py, .pyi, py.typed; with stubs_only, the .pyi files beside
    empty package stubs) to destination/midox/... and return destination."""
    for name, folder in layout['packages'].items():
        target = pathlib.Path(destination, *name.split('.'))
        target.mkdir(parents=True, exist_ok=True)
        for entry in pathlib.Path(folder).iterdir():
            if entry.suffix == '.pyi' or (not stubs_only and (entry.suffix == '.py' or entry.name == 'py.typed')):
                shutil.copyfile(entry, target / entry.name)
        if stubs_only:
            (target / '__init__.pyi').write_text('')
    return pathlib.Path(destination)


def run_mypy(files, site, cache, cwd):
    """mypy --strict on files, with the copied package (copy_package) as an installed package."""
    return subprocess.run(
        [sys.executable, '-m', 'mypy', '--strict', '--no-color-output', '--cache-dir', str(cache),
         *map(str, files)],
        capture_output=True, text=True, cwd=cwd,
        env=dict(_without('MYPYPATH'), PYTHONPATH=os.pathsep.join([str(site), *_paths('PYTHONPATH')])))


def run_stubtest(modules, stubs, cwd):
    """stubtest of modules (the installed ones, imported in cwd) against the stubs copied to stubs."""
    return subprocess.run(
        [sys.executable, '-m', 'mypy.stubtest', '--allowlist', str(ALLOWLIST), *modules],
        capture_output=True, text=True, cwd=cwd, env=dict(os.environ, MYPYPATH=str(stubs)))


def reported_errors(output, path):
    """{(line, error code)} that mypy's output reports in the file at path."""
    path = pathlib.Path(path).resolve()
    found = set()
    for line in output.splitlines():
        match = _ERROR.match(line)
        if match and pathlib.Path(match['path']).resolve() == path:
            found.add((int(match['line']), match['code']))
    return found


def expected_errors(path):
    """{(line, error code)} that the lines of the file at path are marked with (``# error: CODE``)."""
    lines = pathlib.Path(path).read_text().splitlines()
    return {(number, match['code']) for number, text in enumerate(lines, 1) if (match := _MARK.search(text))}


def _paths(name):
    return [path for path in os.environ.get(name, '').split(os.pathsep) if path]


def _without(*names):
    return {key: value for key, value in os.environ.items() if key not in names}


def main():
    failures = []
    with tempfile.TemporaryDirectory(prefix='midox-typecheck-') as work:
        work = pathlib.Path(work)
        cwd = work / 'cwd'
        cwd.mkdir()
        layout = installed_layout(cwd)
        print(f"midox at {layout['packages']['midox']}")
        site = copy_package(layout, work / 'site')
        stubs = copy_package(layout, work / 'stubs', stubs_only=True)

        programs = [*examples(), USER_PROGRAM]
        if not examples():
            print('examples/ not found: not checked')
        result = run_mypy([*programs, MUST_FAIL], site, work / 'mypy-cache', cwd)
        for program in programs:
            errors = reported_errors(result.stdout, program)
            print(f"mypy --strict {program.name}: {'ok' if not errors else f'{len(errors)} errors'}")
            if errors:
                failures.append(program.name)
        expected, reported = expected_errors(MUST_FAIL), reported_errors(result.stdout, MUST_FAIL)
        print(f'mypy --strict {MUST_FAIL.name}: {len(reported & expected)} of the {len(expected)} errors expected'
              + (f', missing {sorted(expected - reported)}' if expected - reported else '')
              + (f', unexpected {sorted(reported - expected)}' if reported - expected else ''))
        if reported != expected or not expected:
            failures.append(MUST_FAIL.name)
        if failures or result.returncode not in (0, 1):
            print(result.stdout + result.stderr)

        stubtest = run_stubtest(layout['stubbed'], stubs, cwd)
        print(f"stubtest {' '.join(layout['stubbed'])}: {'ok' if stubtest.returncode == 0 else 'FAILED'}")
        if stubtest.returncode != 0:
            print(stubtest.stdout + stubtest.stderr)
            failures.append('stubtest')
    print('type checks passed' if not failures else f"type checks FAILED: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
