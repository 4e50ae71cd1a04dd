"""The byte formats of Standard MIDI Files that midox._core._smf owns besides the events: the header and its
timing word, the chunks, meta event framing and the end_of_track rule, each against mido 1.3.3."""
import io

import mido
import pytest
from hypothesis import given
from hypothesis import strategies as st

import midox
from midox._core import _smf


@given(fmt=st.integers(0, 2), division=st.integers(-0x8000, 0x7FFF), ntracks=st.integers(0, 3))
def test_header_round_trips_and_mido_reads_it(fmt, division, ntracks):
    ticks_per_beat, smpte = _smf.timing_from_division(division)
    word = _smf.division_from_timing(ticks_per_beat, smpte)
    assert word == division & 0xFFFF
    data = _smf.encode_smf(fmt, word, [[]] * ntracks)
    assert data[:14] == b'MThd\x00\x00\x00\x06' + bytes([0, fmt, 0, ntracks]) + word.to_bytes(2, 'big')
    assert _smf.decode_smf(data)[:2] == (fmt, division)
    theirs = mido.MidiFile(file=io.BytesIO(data))
    assert (theirs.type, len(theirs.tracks), theirs.ticks_per_beat) == (fmt, ntracks, division)


@pytest.mark.parametrize('fps, code', [(24, -24), (25, -25), (29.97, -29), (30, -30)])
def test_smpte_timing(fps, code):
    word = _smf.division_from_timing(None, (fps, 80))
    assert word == (code & 0xFF) << 8 | 80
    signed = word - 0x10000
    assert _smf.timing_from_division(signed) == (None, (fps, 80))


@pytest.mark.parametrize('ticks_per_beat, smpte, match', [
    (0x8000, None, 'ticks_per_beat must be at most 32767'),
    (-0x8001, None, 'ticks_per_beat must be at most 32767'),
    (None, (31, 80), r'smpte must be \(24, 25, 29.97 or 30'),
    (None, (25, 0), r'smpte must be \(24, 25, 29.97 or 30'),
    (None, (25, 256), r'smpte must be \(24, 25, 29.97 or 30'),
])
def test_timing_the_header_cannot_hold(ticks_per_beat, smpte, match):
    with pytest.raises(ValueError, match=match):
        _smf.division_from_timing(ticks_per_beat, smpte)


def test_chunks_as_mido_writes_them(tmp_path):
    tracks = [midox.MidiTrack([midox.Message('note_on', note=60, time=5), midox.MetaMessage('set_tempo')]),
              midox.MidiTrack()]
    ours = _smf.encode_smf(1, 96, tracks)
    theirs = io.BytesIO()
    mido.MidiFile(ticks_per_beat=96, tracks=[mido.MidiTrack(mido.Message(**vars(msg)) if not msg.is_meta else
                                                            mido.MetaMessage(**vars(msg)) for msg in track)
                                             for track in tracks]).save(file=theirs)
    assert ours == theirs.getvalue()
    assert ours[14:18] == b'MTrk' and int.from_bytes(ours[18:22], 'big') == len(_smf.encode_track(tracks[0]))


def test_more_tracks_than_a_header_holds_is_a_clear_error():
    mid = midox.MidiFile(tracks=[midox.MidiTrack() for _ in range(65536)])
    with pytest.raises(ValueError, match='^a MIDI file holds at most 65535 tracks, not 65536$'):
        mid.save(file=io.BytesIO())
    del mid.tracks[-1]
    out = io.BytesIO()
    mid.save(file=out)
    assert len(midox.MidiFile(file=io.BytesIO(out.getvalue())).tracks) == 65535


@pytest.mark.parametrize('fmt', [-0x8001, 0x8000, 10 ** 30])
def test_format_the_header_cannot_hold(fmt):
    with pytest.raises(ValueError, match=f'^file format {fmt} does not fit the header'):
        _smf.encode_smf(fmt, 480, [])


@given(type_byte=st.integers(0, 255), payload=st.binary(max_size=300))
def test_meta_event_framing_as_mido(type_byte, payload):
    event = _smf.meta_event_bytes(type_byte, payload)
    assert event == [0xFF, type_byte, *mido.midifiles.meta.encode_variable_int(len(payload)), *payload]
    assert _smf.split_meta_event(bytes(event)) == (type_byte, payload)


@pytest.mark.parametrize('event, match', [
    (b'', 'must start with 0xFF'), (b'\x90', 'must start with 0xFF'), (b'\xff', 'without type byte'),
    (b'\xff\x01', 'length is missing or incomplete'), (b'\xff\x01\x81', 'length is missing or incomplete'),
    (b'\xff\x01\x02a', 'length is 2 but 1 payload bytes follow'),
    (b'\xff\x01\x00a', 'length is 0 but 1 payload bytes follow'),
])
def test_split_meta_event_errors(event, match):
    with pytest.raises(ValueError, match=match):
        _smf.split_meta_event(event)


@pytest.mark.parametrize('type_byte', [-1, 256])
def test_meta_event_type_byte_out_of_range(type_byte):
    with pytest.raises(ValueError, match='meta type byte must be in range 0..255'):
        _smf.meta_event_bytes(type_byte, b'')


times = st.one_of(st.integers(0, 1000), st.floats(0, 1000, allow_nan=False))


@given(items=st.lists(st.tuples(st.booleans(), times), max_size=12))
def test_end_of_track_fold_is_mido_fix_end_of_track(items):
    ours = [midox.MetaMessage('end_of_track', time=t) if eot else midox.Message('clock', time=t)
            for eot, t in items]
    theirs = [mido.MetaMessage('end_of_track', time=t) if eot else mido.Message('clock', time=t)
              for eot, t in items]
    expected = [(msg.type, msg.time) for msg in mido.midifiles.tracks.fix_end_of_track(theirs)]
    fold = _smf.EndOfTrackFold()
    kept = [(msg.type, fold.delta(msg, msg.time)) for msg in ours]
    kept = [pair for pair in kept if pair[1] is not None] + [('end_of_track', fold.carry)]
    assert kept == expected
    assert [(msg.type, msg.time) for msg in midox.midifiles.tracks.fix_end_of_track(ours)] == expected
    merged = midox.merge_tracks([ours])
    assert [(msg.type, msg.time) for msg in merged] == [
        (msg.type, msg.time) for msg in mido.merge_tracks([theirs])]
