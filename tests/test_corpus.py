"""midox against mido 1.3.3 on every file of the shared corpus of real MIDI files.

For each file: the strict load equals mido's (every message's class, attributes and delta time; the
length; the merged iteration in seconds), or both fail with the same exception class; saving gives the
bytes mido's save gives and loads back to the same tracks; tolerant reading succeeds and, on files that
strict reading accepts, reports no problem and reads the same.

The corpus lives beside the project (../shared/corpus) or where MIDOX_CORPUS points; see its README.
"""
import io
import os
import pathlib

import mido
import mido.midifiles.midifiles
import pytest

import midox
from midox.midifiles.tracks import fix_end_of_track

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', ROOT.parent / 'shared' / 'corpus'))
FILES = sorted(path for path in CORPUS.glob('*') if path.suffix.lower() in ('.mid', '.midi', '.kar', '.rmi'))

# Malformed in the wild (corpus README): what tolerant reading must recover, and how.
CLIPPED = {'miditok__17d8aebc__ValueError_Control168.mid', 'songwrite__2b892832__son_chant.mid',
           'songwrite__5b144d48__son_accordeon.mid', 'songwrite__a2446670__son_guitare.mid'}
BAD_KEY_SIGNATURE = {'simutrans-data__34d837a3__05-Boring-afternoon.mid'}

pytestmark = pytest.mark.skipif(not FILES, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')


@pytest.fixture(autouse=True)
def mido_keeps_unknown_meta_time(monkeypatch):
    """difference 8 (docs/differences.md): unknown meta events keep their delta time. Teach the oracle the same, so that
    everything else can be compared exactly."""
    original = mido.midifiles.midifiles.build_meta_message

    def build(meta_type, data, delta=0):
        msg = original(meta_type, data, delta)
        if isinstance(msg, mido.UnknownMetaMessage):
            vars(msg)['time'] = delta
        return msg
    monkeypatch.setattr(mido.midifiles.midifiles, 'build_meta_message', build)


def describe(msg):
    return type(msg).__name__.replace('Frozen', ''), vars(msg)


def assert_same_tracks(expected_tracks, actual_tracks):
    assert len(actual_tracks) == len(expected_tracks)
    for index, (expected, actual) in enumerate(zip(expected_tracks, actual_tracks)):
        assert len(actual) == len(expected), f'track {index}'
        for position, (want, got) in enumerate(zip(expected, actual)):
            assert describe(got) == describe(want), f'track {index}, message {position}'


def midox_class(error):
    """The class midox raises where mido raises error: the same builtin class, or midox's own namesake
    of a mido class (KeySignatureError)."""
    cls = type(error)
    return getattr(midox, cls.__name__) if cls.__module__.startswith('mido.') else cls


def mido_load(source, **options):
    try:
        if isinstance(source, io.BytesIO):
            return mido.MidiFile(file=source, **options), None
        return mido.MidiFile(source, **options), None
    except Exception as error:      # the oracle's failure is an expected outcome to compare with
        return None, error


@pytest.mark.parametrize('path', FILES, ids=[path.name for path in FILES])
def test_strict_load_equals_mido(path):
    expected, expected_error = mido_load(path)
    if expected_error is not None:
        with pytest.raises(midox_class(expected_error)):
            midox.MidiFile(path)
        return
    mid = midox.MidiFile(path)
    assert (mid.type, mid.ticks_per_beat) == (expected.type, expected.ticks_per_beat)
    assert mid.problems == []
    assert_same_tracks(expected.tracks, mid.tracks)
    if expected.type != 2:
        assert [describe(msg) for msg in mid] == [describe(msg) for msg in expected]
        assert mid.length == expected.length


@pytest.mark.parametrize('path', FILES, ids=[path.name for path in FILES])
def test_save_equals_mido_and_round_trips(path):
    mid = midox.MidiFile(path, errors='ignore')      # what tolerant reading recovers saves too
    saved = io.BytesIO()
    mid.save(file=saved)
    reloaded = midox.MidiFile(file=io.BytesIO(saved.getvalue()), errors='ignore')
    # Saving ends every track with exactly one end_of_track (mido's fix_end_of_track); nothing else changes.
    assert_same_tracks([list(fix_end_of_track(track)) for track in mid.tracks], reloaded.tracks)
    oracle, oracle_error = mido_load(io.BytesIO(saved.getvalue()))
    if oracle_error is None:
        mido_saved = io.BytesIO()
        oracle.save(file=mido_saved)
        assert saved.getvalue() == mido_saved.getvalue()
    else:
        assert path.name in BAD_KEY_SIGNATURE       # the bad key signatures are kept, byte for byte


@pytest.mark.parametrize('path', FILES, ids=[path.name for path in FILES])
def test_tolerant_load(path):
    mid = midox.MidiFile(path, errors='ignore')
    strict, strict_error = mido_load(path)
    if strict_error is None:
        # The declared tracks read as strictly; any problem is in the file's structure around them (trailing
        # bytes, extra chunks), and tracks beyond the header's count are read and reported.
        assert_same_tracks(strict.tracks, mid.tracks[:len(strict.tracks)])
        assert all(problem.track is None for problem in mid.problems)
        if len(mid.tracks) > len(strict.tracks):
            assert any('declares' in problem.what for problem in mid.problems)
    elif path.name in CLIPPED:
        clipped, _ = mido_load(path, clip=True)
        assert_same_tracks(clipped.tracks, mid.tracks)
        assert mid.problems and all('clipped to 127' in problem.what for problem in mid.problems)
    elif path.name in BAD_KEY_SIGNATURE:
        unknown = [msg for track in mid.tracks for msg in track if isinstance(msg, midox.UnknownMetaMessage)]
        assert unknown and all(msg.type_byte == 0x59 and len(msg.data) == 2 for msg in unknown)
        assert len(mid.problems) == len(unknown)
        assert all('UnknownMetaMessage' in problem.what for problem in mid.problems)
    else:
        assert mid.problems, f'{path.name}: mido fails ({strict_error!r}) but no problem was recorded'


@pytest.mark.parametrize('path', [path for path in FILES if path.name in CLIPPED | BAD_KEY_SIGNATURE],
                         ids=lambda path: path.name)
def test_warn_mode_warns_and_records(path):
    with pytest.warns(midox.MidiFileWarning):
        mid = midox.MidiFile(path, errors='warn')
    assert mid.problems
    assert all(problem.track is not None and problem.offset > 0 for problem in mid.problems)
