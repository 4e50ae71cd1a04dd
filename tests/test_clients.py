"""mido's clients run unchanged on midox, installed as mido with midox.install_as_mido().

- pretty_midi's own test suite (from its sdist, downloaded with pip at test time for the installed version)
  gives the same outcome per test on midox as on mido.
- pretty_midi and miditoolkit read every corpus file and write it back (PrettyMIDI.write, miditoolkit's
  dump, which builds note_on messages with the extra attribute end=): the notes, tempos, controls, pitch
  bends, signatures and texts they see, and the SHA-256 of the bytes they write, are the same per file as
  with mido (or both fail with the same exception class). tests/clients/digest.py does the reading.

Each side runs in its own interpreter (one cannot have both mido and midox as mido), with a temporary
directory as working directory, so that the installed midox is imported.
"""
import ast
import concurrent.futures
import importlib.metadata
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ElementTree

import pytest

import midox

HERE = pathlib.Path(__file__).resolve().parent
CLIENTS = HERE / 'clients'
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', HERE.parent.parent / 'shared' / 'corpus'))
FILES = sorted(str(path) for path in CORPUS.glob('*') if path.suffix.lower() in ('.mid', '.midi', '.kar', '.rmi'))
CLIENT_NAMES = ('pretty_midi', 'miditoolkit')


def test_install_as_mido_aliases_every_module(tmp_path):
    script = '''
import sys, importlib, midox
midox.install_as_mido()
midox.install_as_mido()                     # again: nothing changes
import mido, mido.messages.checks, mido.midifiles.meta, mido.frozen, mido.backends.rtmidi, mido.backends.backend
from mido.messages.specs import SPEC_BY_TYPE
from mido.midifiles.meta import MetaSpec, add_meta_spec
assert mido is midox and mido.messages.checks is midox.messages.checks
assert mido.midifiles.meta is midox.midifiles.meta and mido.backends.rtmidi is midox.backends.rtmidi
assert SPEC_BY_TYPE is midox.messages.SPEC_BY_TYPE and MetaSpec is midox.midifiles.meta.MetaSpec
# The midox modules keep their own identity.
assert midox.__spec__.name == 'midox' and midox.frozen.__spec__.name == 'midox.frozen'
assert importlib.reload(midox.frozen) is midox.frozen
assert midox.backends.rtmidi.__spec__.name == 'midox.backends.rtmidi'
for missing in ('mido.backends.amidi', 'mido.nothing'):
    try:
        importlib.import_module(missing)
    except ModuleNotFoundError as error:
        assert error.name == missing, error.name
    else:
        raise AssertionError(missing)
print(sorted(name for name in sys.modules if name.startswith('mido.') and not name.startswith('mido._')))
'''
    result = subprocess.run([sys.executable, '-c', script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    aliased = ast.literal_eval(result.stdout)
    assert {'mido.messages', 'mido.messages.specs', 'mido.midifiles.midifiles', 'mido.parser', 'mido.ports',
            'mido.sockets', 'mido.syx', 'mido.backends.backend', 'mido.backends.rtmidi'} <= set(aliased)


def test_install_as_mido_refuses_when_mido_is_imported(tmp_path):
    script = 'import mido, midox\nmidox.install_as_mido()'
    result = subprocess.run([sys.executable, '-c', script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.rstrip().endswith(
        'RuntimeError: mido is already imported, so midox cannot stand in for it: call midox.install_as_mido() '
        'before importing mido or a library that imports it')


def test_install_as_mido_is_documented():
    assert 'install_as_mido' in midox.__all__
    assert midox.install_as_mido.__doc__.startswith('Register midox under mido')


# --- pretty_midi's test suite ----------------------------------------------------------------------------------

def pytest_outcomes(junit_xml):
    """{test id: 'passed' | 'failed' | 'skipped'} from a JUnit XML report."""
    outcomes = {}
    for case in ElementTree.parse(junit_xml).iter('testcase'):
        kinds = {child.tag for child in case} & {'failure', 'error', 'skipped'}
        outcome = 'failed' if kinds & {'failure', 'error'} else 'skipped' if kinds else 'passed'
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return outcomes


def test_pretty_midi_test_suite_passes_as_on_mido(tmp_path):
    version = importlib.metadata.version('pretty_midi')
    download = subprocess.run(
        [sys.executable, '-m', 'pip', 'download', '--quiet', '--no-deps', '--no-binary', ':all:',
         '--dest', str(tmp_path), f'pretty_midi=={version}'], capture_output=True, text=True)
    assert download.returncode == 0, f'pip could not download the pretty_midi {version} sdist: {download.stderr}'
    sdist, = tmp_path.glob('pretty_midi-*.tar.gz')
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter='data')
    source, = (path for path in tmp_path.iterdir() if path.is_dir())
    tests = source / 'tests'
    assert (tests / 'test_pretty_midi.py').exists()

    outcomes = {}
    for library, command in (('mido', [sys.executable, '-m', 'pytest']),
                             ('midox', [sys.executable, str(CLIENTS / 'run_as_mido.py')])):
        report = tmp_path / f'{library}.xml'
        # The tests' own directory as working directory: the installed pretty_midi is what they import.
        result = subprocess.run([*command, '-q', '-p', 'no:cacheprovider', f'--rootdir={tests}',
                                 f'--junitxml={report}', str(tests)], cwd=tests, capture_output=True, text=True)
        assert report.exists(), result.stdout + result.stderr
        outcomes[library] = pytest_outcomes(report)
    assert len(outcomes['mido']) >= 10
    assert outcomes['midox'] == outcomes['mido']
    assert set(outcomes['midox'].values()) == {'passed'}


# --- reading and writing the corpus ----------------------------------------------------------------------------

def run_digest(library, files, output):
    result = subprocess.run([sys.executable, str(CLIENTS / 'digest.py'), library, str(output), *files],
                            cwd=output.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(output.read_text())


@pytest.fixture(scope='module')
def corpus_digests(tmp_path_factory):
    """{library: {file: {client: digest}}}, mido's side in two processes (it is the slow one), all at once."""
    if not FILES:
        pytest.skip(f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
    folder = tmp_path_factory.mktemp('digests')
    jobs = [('mido', FILES[0::2]), ('mido', FILES[1::2]), ('midox', FILES)]
    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(lambda index: run_digest(*jobs[index], folder / f'{index}.json'), range(len(jobs))))
    return {'mido': {**results[0], **results[1]}, 'midox': results[2]}


@pytest.mark.xdist_group('corpus_digests')
@pytest.mark.parametrize('client', CLIENT_NAMES)
def test_client_reads_and_writes_the_corpus_as_on_mido(corpus_digests, client):
    expected, got = corpus_digests['mido'], corpus_digests['midox']
    assert got.keys() == expected.keys() == set(FILES)
    differences = [(pathlib.Path(path).name, key)
                   for path in FILES
                   for key in sorted(expected[path][client].keys() | got[path][client].keys())
                   if expected[path][client].get(key) != got[path][client].get(key)]
    assert differences == []
    read = [path for path in FILES if 'raises' not in got[path][client]]
    assert len(read) >= 0.9 * len(FILES)        # most files are read, so the comparison means something
    assert sum(len(inst['notes']) for path in read for inst in got[path][client]['instruments']) > 100_000
