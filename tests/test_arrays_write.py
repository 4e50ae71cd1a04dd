"""Writing MIDI files from MidiArrays: to_bytes(), save(), to_midifile(), after reading and after edits."""
import io
import os
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

np = pytest.importorskip('numpy', reason='midox.arrays needs NumPy')

import midox  # noqa: E402
from midox.arrays import TABLES, MidiArrays, read_arrays  # noqa: E402
from midox.arrays.dtypes import DTYPES  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', ROOT.parent / 'shared' / 'corpus'))
FILES = sorted(path for path in CORPUS.glob('*') if path.suffix.lower() in ('.mid', '.midi'))
needs_corpus = pytest.mark.skipif(not FILES, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')


def messages(data):
    midi = midox.MidiFile(file=io.BytesIO(data), errors='ignore')
    return [list(track) for track in midi.tracks]


def payloads(arrays, table):
    """The bytes each row's offset and length locate in the file (where they are differs from file to file)."""
    return [arrays.data[offset:offset + length] for offset, length in zip(table['offset'].tolist(),
                                                                           table['length'].tolist())]


def assert_same_tables(ours, theirs):
    for name in TABLES:
        mine, other = getattr(ours, name), getattr(theirs, name)
        if 'offset' in mine.dtype.names:
            assert payloads(ours, mine) == payloads(theirs, other), name
            fields = [field for field in mine.dtype.names if field != 'offset']
            mine, other = mine[fields], other[fields]
        assert np.array_equal(mine, other), name
    assert (ours.unclosed_notes, ours.unmatched_note_offs) == (theirs.unclosed_notes, theirs.unmatched_note_offs)


@needs_corpus
@pytest.mark.parametrize('pairing', ['fifo', 'all'])
@pytest.mark.parametrize('path', FILES, ids=[path.name for path in FILES])
def test_corpus_file_is_written_back(path, pairing):
    data = path.read_bytes()
    arrays = read_arrays(data, errors='ignore', pairing=pairing)
    written = arrays.to_bytes()
    # MidiFile.save()'s messages (what a file holds once written: one end_of_track per track) ...
    source = midox.MidiFile(file=io.BytesIO(data), errors='ignore')
    assert messages(written) == messages(source._encode())
    # ... and the same tables when read again
    again = read_arrays(written, errors='ignore', pairing=pairing)
    assert_same_tables(again, arrays)
    assert (again.type, again.ticks_per_beat, again.smpte) == (arrays.type, arrays.ticks_per_beat, arrays.smpte)
    # the tables made into NumPy arrays write the same bytes as the rows as read
    for name in TABLES:
        getattr(arrays, name)
    assert arrays.to_bytes() == written


notes = st.tuples(st.integers(0, 15), st.integers(0, 127), st.integers(1, 127), st.integers(0, 50),
                  st.integers(0, 50), st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(notes, max_size=20), min_size=1, max_size=4), st.sampled_from(['fifo', 'all']))
def test_generated_midifile_round_trips(tracks, pairing):
    midi = midox.MidiFile(ticks_per_beat=96)
    for track_notes in tracks:
        track = midi.add_track()
        for channel, pitch, velocity, wait, length, as_note_on in track_notes:
            track.append(midox.Message('note_on', channel=channel, note=pitch, velocity=velocity, time=wait))
            off = midox.Message('note_on', channel=channel, note=pitch, velocity=0, time=length) if as_note_on \
                else midox.Message('note_off', channel=channel, note=pitch, velocity=velocity, time=length)
            track.append(off)
    arrays = midi.to_arrays(pairing=pairing)
    assert messages(arrays.to_bytes()) == messages(midi._encode())
    assert_same_tables(read_arrays(arrays.to_bytes(), pairing=pairing), arrays)


def song():
    midi = midox.MidiFile(ticks_per_beat=100)
    track = midi.add_track('piano')
    track.append(midox.MetaMessage('set_tempo', tempo=1000000))
    for pitch in (60, 64, 67):
        track.append(midox.Message('note_on', note=pitch, velocity=80, time=0))
        track.append(midox.Message('note_off', note=pitch, velocity=10, time=100))
    track.append(midox.Message('control_change', control=7, value=90, time=0))
    return midi


def test_edits_are_written():
    arrays = song().to_arrays()
    arrays.notes['pitch'] += 2                                  # transpose
    arrays.notes = arrays.notes[arrays.notes['pitch'] != 66]    # delete a note
    arrays.controls['value'] = 100
    again = read_arrays(arrays.to_bytes())
    assert again.notes['pitch'].tolist() == [62, 69]
    assert again.notes['start'].tolist() == [0, 200] and again.notes['end'].tolist() == [100, 300]
    assert again.controls['value'].tolist() == [100]
    assert again.notes['end_time'].tolist() == [1.0, 3.0]       # tempo 1 s per beat of 100 ticks


def test_added_rows_go_before_the_files_events_of_their_tick():
    arrays = song().to_arrays()
    added = np.zeros(1, DTYPES['notes'])
    added[['pitch', 'velocity', 'start', 'end', 'on_event', 'off_event']] = (72, 50, 100, 150, -1, -1)
    arrays.notes = np.concatenate([arrays.notes, added])
    track = midox.MidiFile(file=io.BytesIO(arrays.to_bytes())).tracks[0]
    at_100 = [msg for msg, tick in zip(track, np.cumsum([msg.time for msg in track])) if tick == 100]
    assert [(msg.type, msg.note) for msg in at_100] == [('note_on', 72), ('note_off', 60), ('note_on', 64)]
    assert sorted(read_arrays(arrays.to_bytes()).notes['pitch'].tolist()) == [60, 64, 67, 72]


@pytest.mark.parametrize('scale', [1, 3, 10**6])
def test_event_indices_far_apart_are_written_in_their_order(scale):
    """Event indices only order the events of a tick: spread them (beyond what a counting sort of the
    items would allocate for, with 10**6) and the file is the same; reverse them and the events of a tick are
    written the other way round."""
    arrays = read_arrays(song().to_arrays().to_bytes())
    expected = arrays.to_bytes()
    for name, fields in (('notes', ('on_event', 'off_event')), ('controls', ('event',)), ('tempos', ('event',)),
                         ('others', ('event',))):
        for field in fields:
            getattr(arrays, name)[field] *= scale
    assert arrays.to_bytes() == expected
    arrays.notes['on_event'] = 10**9 - arrays.notes['on_event']
    arrays.notes['off_event'] = 10**9 - arrays.notes['off_event']
    track = midox.MidiFile(file=io.BytesIO(arrays.to_bytes())).tracks[0]
    at_100 = [msg for msg, tick in zip(track, np.cumsum([msg.time for msg in track])) if tick == 100]
    assert [(msg.type, msg.note) for msg in at_100] == [('note_on', 64), ('note_off', 60)]


def test_quantised_ticks_are_written_in_tick_order():
    arrays = song().to_arrays()
    arrays.notes['start'] = [150, 20, 0]
    arrays.notes['end'] = [160, 40, 10]
    again = read_arrays(arrays.to_bytes())
    assert sorted(zip(again.notes['start'].tolist(), again.notes['pitch'].tolist())) == [(0, 67), (20, 64), (150, 60)]


def test_notes_closed_by_one_note_off_write_it_once():
    midi = midox.MidiFile()
    track = midi.add_track()
    track.extend([midox.Message('note_on', note=60, velocity=50), midox.Message('note_on', note=60, velocity=60,
                                                                                time=5),
                  midox.Message('note_off', note=60, time=5)])
    arrays = midi.to_arrays(pairing='all')
    assert len(arrays.notes) == 2 and len(set(arrays.notes['off_event'].tolist())) == 1
    assert messages(arrays.to_bytes()) == messages(midi._encode())


@pytest.mark.parametrize('table, field, value, message', [
    ('notes', 'pitch', 128, r'notes\[0\]: pitch 128 is out of range 0..127'),
    ('notes', 'channel', 16, r'notes\[0\]: channel 16 is out of range 0..15'),
    ('notes', 'start', 150, r'notes\[0\]: end 100 is before start 150'),
    ('notes', 'start', -1, r'notes\[0\]: tick -1 is negative'),
    ('controls', 'value', 200, r'controls\[0\]: value 200 is out of range 0..127'),
    ('tempos', 'tempo', 1 << 24, r'tempos\[0\]: tempo 16777216 does not fit 3 bytes'),
    ('texts', 'offset', 10 ** 9, r'texts\[0\]: bytes 1000000000\.\.1000000005 are not in data'),
])
def test_values_a_file_cannot_hold_are_refused(table, field, value, message):
    arrays = song().to_arrays()
    getattr(arrays, table)[field][0] = value
    with pytest.raises(ValueError, match=message):
        arrays.to_bytes()


def test_a_table_of_another_dtype_is_refused():
    arrays = song().to_arrays()
    arrays.controls = np.zeros(1, [('tick', 'i8')])
    with pytest.raises(TypeError, match='controls must have the fields'):
        arrays.to_bytes()


def test_save_and_to_midifile(tmp_path):
    arrays = song().to_arrays()
    arrays.save(tmp_path / 'song.mid')
    out = io.BytesIO()
    arrays.save(out)
    assert (tmp_path / 'song.mid').read_bytes() == out.getvalue() == arrays.to_bytes()
    assert messages(arrays.to_bytes()) == [list(track) for track in arrays.to_midifile().tracks]


def test_an_empty_midiarrays_writes_a_file_of_its_tracks():
    arrays = MidiArrays(ticks_per_beat=240)
    arrays.notes = np.zeros(1, DTYPES['notes'])
    arrays.notes[['track', 'pitch', 'velocity', 'end', 'on_event', 'off_event']] = (1, 60, 90, 240, -1, -1)
    midi = midox.MidiFile(file=io.BytesIO(arrays.to_bytes()))
    assert (midi.ticks_per_beat, len(midi.tracks)) == (240, 2)
    assert [msg.type for msg in midi.tracks[1]] == ['note_on', 'note_off', 'end_of_track']


def test_retime_after_editing_tempos():
    arrays = song().to_arrays()
    arrays.tempos['tempo'] = 500000
    assert arrays.notes['end_time'].tolist() == [1.0, 2.0, 3.0]
    arrays.retime()
    assert arrays.notes['end_time'].tolist() == [0.5, 1.0, 1.5]
    assert arrays.seconds([0, 100, 250]).tolist() == [0.0, 0.5, 1.25]


@pytest.mark.parametrize('track, errors, message', [
    # a real-time message in a track: strict reading keeps it, as mido (found by tests/fuzz/fuzz_arrays.py)
    ('00 fe 00 ff 2f 00', 'strict', r'^others\[0\]: realtime messages are not allowed in MIDI files$'),
    # a delta time of 5 bytes: tolerant reading keeps it
    ('81 80 80 80 00 90 3c 40 00 ff 2f 00', 'ignore',
     r'^others\[0\]: 268435456 ticks after the event before it: a MIDI file holds delta times of at most '
     r'268435455 ticks$'),
    # the same before the end_of_track, which the table keeps but writes as the track's end (found by the fuzzer)
    ('00 90 3c 40 00 80 3c 40 81 80 80 80 00 ff 2f 00', 'ignore',
     r'^others\[0\]: 268435456 ticks after the event before it: a MIDI file holds delta times of at most '
     r'268435455 ticks$'),
])
def test_what_a_file_cannot_hold_is_refused_naming_its_row(track, errors, message):
    """As MidiFile.save(): ValueError, here naming the table and row."""
    body = bytes.fromhex(track)
    data = b'MThd\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60MTrk' + len(body).to_bytes(4, 'big') + body
    arrays = read_arrays(data, errors=errors)
    with pytest.raises(ValueError, match=message):
        arrays.to_bytes()
    with pytest.raises(ValueError):
        midox.MidiFile(file=io.BytesIO(data), errors=errors).save(file=io.BytesIO())
