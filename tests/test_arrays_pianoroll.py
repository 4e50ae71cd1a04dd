"""midox.arrays.pianoroll against pretty_midi's get_piano_roll(), which it must equal bit for bit.

The NOTE/CONTROL/PITCH_BEND tables are made from pretty_midi's own instruments (each one its own track, so
that the grouping is pretty_midi's), from the shared corpus and from hypothesis' note lists; hand-made cases
cover the edges.
"""
import os
import pathlib
import warnings

import pytest

np = pytest.importorskip('numpy', reason='the arrays need numpy')
from hypothesis import given, strategies as st  # noqa: E402

from midox.arrays.dtypes import CONTROL, NOTE, PITCH_BEND  # noqa: E402
from midox.arrays.pianoroll import pianoroll  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', ROOT.parent / 'shared' / 'corpus'))
# The corpus's smaller files: pretty_midi takes seconds over a large one for each roll.
CORPUS_FILES = sorted(path for path in CORPUS.glob('*') if path.suffix.lower() in ('.mid', '.midi', '.kar')
                      and path.stat().st_size < 15_000)


def table(dtype, rows, **columns):
    """A structured array of ``rows`` rows with the given columns filled (the others zero)."""
    array = np.zeros(rows, dtype=dtype)
    for name, values in columns.items():
        array[name] = values
    return array


def notes(*rows, channel=0, program=0):
    """NOTE rows from (track, pitch, velocity, start_time, end_time) tuples."""
    track, pitch, velocity, start, end = zip(*rows) if rows else ((),) * 5
    return table(NOTE, len(rows), track=track, pitch=pitch, velocity=velocity, start_time=start, end_time=end,
                 channel=channel, program=program, off_event=np.arange(len(rows)))


def pedal(*rows, track=0, channel=0):
    """CONTROL rows of the sustain pedal from (time, value) tuples."""
    time, value = zip(*rows)
    return table(CONTROL, len(rows), track=track, channel=channel, control=64, value=value, time=time,
                 event=np.arange(len(rows)))


def tables_of(midi):
    """pretty_midi's instruments as NOTE, CONTROL and PITCH_BEND tables, instrument i on track i, in order."""
    note_rows, control_rows, bend_rows = [], [], []
    for number, instrument in enumerate(midi.instruments):
        channel = 9 if instrument.is_drum else 0
        note_rows += [(number, channel, instrument.program, n.pitch, n.velocity, n.start, n.end)
                      for n in instrument.notes]
        control_rows += [(number, channel, c.number, c.value, c.time, event)
                         for event, c in enumerate(instrument.control_changes)]
        bend_rows += [(number, channel, b.pitch, b.time, event) for event, b in enumerate(instrument.pitch_bends)]
    note_table = _from_rows(NOTE, note_rows, 'track channel program pitch velocity start_time end_time')
    note_table['off_event'] = note_table['track']       # created in list order
    return (note_table, _from_rows(CONTROL, control_rows, 'track channel control value time event'),
            _from_rows(PITCH_BEND, bend_rows, 'track channel pitch time event'))


def _from_rows(dtype, rows, names):
    names = names.split()
    columns = zip(*rows) if rows else ((),) * len(names)
    return table(dtype, len(rows), **dict(zip(names, columns)))


def assert_same_roll(midi, **options):
    want = midi.get_piano_roll(**options)
    note_table, control_table, bend_table = tables_of(midi)
    got = pianoroll(note_table, control_table, pitch_bends=bend_table, **options)
    assert got.shape == want.shape
    assert np.array_equal(got, want)


# --- against pretty_midi ---------------------------------------------------------------------------------------

@pytest.mark.skipif(not CORPUS_FILES, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
@pytest.mark.parametrize('path', CORPUS_FILES[::4], ids=lambda path: path.name)
def test_read_arrays_rolls_as_pretty_midi(pretty_midi, path):
    # End to end: the notes of read_arrays(pairing='all') (pretty_midi's pairing) rolled as pretty_midi rolls
    # its own; pretty_midi reads tempos from the first track only, so files with others are left out.
    import midox
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            midi = pretty_midi.PrettyMIDI(str(path))
    except Exception as error:
        with pytest.raises(Exception) as refused:   # pretty_midi reads through mido, strictly: so does midox
            midox.read_arrays(path)
        assert type(refused.value).__name__ == type(error).__name__     # mido's class or midox's of that name
        return
    arrays = midox.read_arrays(path, pairing='all')
    ours, theirs = arrays.pianoroll(fs=100, pedal_threshold=None), midi.get_piano_roll(fs=100, pedal_threshold=None)
    if (arrays.tempos['track'] > 0).any():
        # pretty_midi ignores tempo changes outside the first track, so its columns are other times: the same
        # pitches sound, that is all that can agree
        assert np.array_equal(ours.any(axis=1), theirs.any(axis=1))
        return
    assert ours.shape == theirs.shape
    # The notes' seconds agree within 1e-9 (tests/test_arrays_read.py) but are not pretty_midi's floats bit for
    # bit (it computes them another way), so a note whose start or end falls right on a column's edge may
    # gain or lose that column; nothing else may differ.
    differing = np.argwhere(ours != theirs)
    edges = np.concatenate([(arrays.notes['start_time'] * 100), (arrays.notes['end_time'] * 100)])
    near_edge = np.abs(edges - np.round(edges)) < 1e-6
    edge_columns = set(np.round(edges[near_edge]).astype(int).tolist())
    assert all(column in edge_columns or column + 1 in edge_columns for _, column in differing)


@pytest.fixture(scope='module')
def pretty_midi():
    return pytest.importorskip('pretty_midi', reason='pretty_midi is the reference')


@pytest.mark.skipif(not CORPUS_FILES, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
@pytest.mark.parametrize('path', CORPUS_FILES, ids=lambda path: path.name)
def test_corpus_file_rolls_as_pretty_midi(pretty_midi, path):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            midi = pretty_midi.PrettyMIDI(str(path))
    except Exception as error:      # pretty_midi (through mido) refuses some malformed files: so does midox
        import midox
        with pytest.raises(Exception) as refused:
            midox.read_arrays(path)
        assert type(refused.value).__name__ == type(error).__name__     # mido's class or midox's of that name
        return
    assert_same_roll(midi, fs=100)
    assert_same_roll(midi, fs=31.5, pedal_threshold=None)
    assert_same_roll(midi, fs=100, times=np.arange(0, midi.get_end_time() + 0.5, 1 / 23))


instants = st.one_of(st.floats(0, 4, allow_nan=False), st.integers(0, 400).map(lambda k: k / 100))


@st.composite
def instruments(draw, pretty_midi):
    """A pretty_midi instrument with notes, maybe pedal and other controllers, maybe bends."""
    is_drum = draw(st.booleans()) and draw(st.booleans())
    instrument = pretty_midi.Instrument(draw(st.integers(0, 127)), is_drum=is_drum)
    for _ in range(draw(st.integers(1, 12))):
        start, end = sorted(draw(st.tuples(instants, instants)))
        instrument.notes.append(pretty_midi.Note(draw(st.integers(1, 127)), draw(st.integers(0, 127)), start, end))
    times = sorted(draw(st.lists(instants, max_size=8)))
    instrument.control_changes = [
        pretty_midi.ControlChange(draw(st.sampled_from((64, 64, 7))), draw(st.integers(0, 127)), time)
        for time in times]
    if draw(st.booleans()):
        instrument.pitch_bends = [pretty_midi.PitchBend(draw(st.integers(-8192, 8191)), time)
                                  for time in sorted(draw(st.lists(instants, max_size=4)))]
    return instrument


@given(data=st.data(), fs=st.sampled_from((100, 10, 44.1)), pedal_threshold=st.sampled_from((64, 1, None)),
       sampled=st.booleans())
def test_generated_notes_roll_as_pretty_midi(pretty_midi, data, fs, pedal_threshold, sampled):
    midi = pretty_midi.PrettyMIDI()
    midi.instruments = data.draw(st.lists(instruments(pretty_midi), min_size=1, max_size=4))
    options = dict(fs=fs, pedal_threshold=pedal_threshold)
    if sampled:
        options['times'] = np.array(sorted(data.draw(st.lists(instants, min_size=1, max_size=30))))
    assert_same_roll(midi, **options)


# --- edges --------------------------------------------------------------------------------------------------------

def test_no_notes_is_an_empty_roll():
    assert pianoroll(notes()).shape == (128, 0)
    assert pianoroll(notes(), times=np.arange(5.0)).shape == (128, 0)
    assert pianoroll(notes(), separate=True).shape == (0, 128, 0)


def test_a_note_adds_its_velocity_over_its_columns():
    roll = pianoroll(notes((0, 60, 90, 0.015, 0.05), (0, 60, 10, 0.03, 0.04)), fs=100)
    assert roll.shape == (128, 5)
    assert roll[60].tolist() == [0, 90, 90, 100, 90]        # int(1.5) = 1 to int(5.0) = 5
    assert not roll[np.arange(128) != 60].any()


def test_a_zero_length_note_draws_nothing_but_widens_the_roll():
    roll = pianoroll(notes((0, 60, 90, 1.0, 1.0), (0, 62, 90, 0.0, 0.5)), fs=10)
    assert roll.shape == (128, 10)
    assert roll[60].sum() == 0 and roll[62].tolist() == [90] * 5 + [0] * 5


def test_an_instrument_that_draws_nothing_beside_a_pedalled_one(pretty_midi):
    """Regression (hypothesis): the unpedalled instruments' sum was int64 when none of their notes drew a
    column (NumPy's bincount of nothing), and adding the pedalled instrument's float64 roll to it failed."""
    midi = pretty_midi.PrettyMIDI()
    silent, pedalled = pretty_midi.Instrument(0), pretty_midi.Instrument(0)
    silent.notes.append(pretty_midi.Note(velocity=90, pitch=60, start=0.5, end=0.5))
    pedalled.notes.append(pretty_midi.Note(velocity=80, pitch=62, start=0.0, end=0.1))
    pedalled.control_changes += [pretty_midi.ControlChange(64, 127, 0.05), pretty_midi.ControlChange(64, 0, 0.3)]
    midi.instruments = [silent, pedalled]
    assert_same_roll(midi, fs=100, pedal_threshold=64)


def test_drums_widen_the_roll_but_draw_nothing():
    roll = pianoroll(np.concatenate((notes((0, 36, 100, 0, 2.0), channel=9), notes((1, 60, 50, 0, 1.0)))), fs=10)
    assert roll.shape == (128, 20)
    assert roll[36].sum() == 0 and roll[60].sum() == 500


def test_the_pedal_holds_the_running_maximum_until_it_comes_up():
    played = notes((0, 60, 80, 0.0, 0.2), (0, 60, 40, 0.3, 0.4), (0, 64, 70, 0.5, 0.6))
    roll = pianoroll(played, pedal((0.1, 100), (0.45, 127), (0.5, 10)), fs=10)
    assert roll[60].tolist() == [80, 80, 80, 80, 80, 0]      # held from column 1 to column 5
    assert roll[64].tolist() == [0, 0, 0, 0, 0, 70]
    assert pianoroll(played, pedal((0.1, 100), (0.5, 10)), fs=10, pedal_threshold=None)[60].tolist() == \
        [80, 80, 0, 40, 0, 0]


def test_one_track_or_one_roll_per_track():
    played = notes((0, 60, 80, 0.0, 0.3), (2, 62, 50, 0.1, 0.5))
    assert pianoroll(played, fs=10, track=0).shape == (128, 3)
    assert pianoroll(played, fs=10, track=1).shape == (128, 0)
    rolls = pianoroll(played, fs=10, separate=True)
    assert rolls.shape == (3, 128, 5)
    assert rolls[0, 60].sum() == 240 and rolls[2, 62].sum() == 200 and not rolls[1].any()
    assert np.array_equal(rolls.sum(axis=0), pianoroll(played, fs=10))


def test_ticks_per_column_counts_ticks():
    played = table(NOTE, 2, pitch=[60, 61], velocity=[10, 20], start=[0, 48], end=[96, 100], off_event=[0, 1])
    assert pianoroll(played, ticks_per_column=1).shape == (128, 100)
    roll = pianoroll(played, ticks_per_column=24)        # tick t in column t // 24
    assert roll[60].tolist() == [10, 10, 10, 10] and roll[61].tolist() == [0, 0, 20, 20]
    with pytest.raises(ValueError, match='positive integer'):
        pianoroll(played, ticks_per_column=0)


def test_times_are_sampled_as_means_and_the_last_column_is_zero():
    roll = pianoroll(notes((0, 60, 30, 0.0, 0.1), (0, 60, 30, 0.05, 0.2)), fs=100, times=[0.0, 0.1, 0.3, 0.5])
    assert roll[60].tolist() == [45.0, 15.0, 0.0, 0.0]
    with pytest.raises(ValueError, match='non-decreasing'):
        pianoroll(notes((0, 60, 30, 0.0, 0.1)), times=[0.2, 0.1])
