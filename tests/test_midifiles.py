"""MIDI files (midox.midifiles.midifiles): hand-made bytes for every error path of strict reading, tolerant
reading and its recoveries, the documented differences from mido (docs/differences.md, difference 8), the
MidiFile API, and generated files checked against mido 1.3.3.

Files are written as commented hex dumps (mido's test style) and assembled with ``smf()``, which adds the
MThd header and the MTrk chunk headers with their lengths. In a file made of the standard 14-byte header
and one track, the first event starts at byte offset 22 (14 + the 8-byte MTrk chunk header).
"""
import io
import struct
import threading
import time
import warnings
from collections import namedtuple

import mido
import mido.frozen
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import midox
import midox.frozen
import midox.midifiles.midifiles as midox_midifiles
from midox import KeySignatureError, Message, MetaMessage, MidiFile, MidiTrack, UnknownMetaMessage
from midox.midifiles.tracks import fix_end_of_track

FIRST_EVENT = 22        # offset of the first event of the first track in smf(...) files
FIRST_TRACK = 14        # offset of the first MTrk chunk


# --- building files ----------------------------------------------------------------------------------------

def hexdump(text):
    """Bytes from a hex dump with '#' comments."""
    return bytes.fromhex(' '.join(line.split('#')[0] for line in text.splitlines()))


def chunk(name, body, size=None):
    """An IFF chunk: 4-byte name, 4-byte big-endian length (the body's unless given), body."""
    return name + (len(body) if size is None else size).to_bytes(4, 'big') + body


def header(fmt=1, ntracks=1, division=480):
    return chunk(b'MThd', struct.pack('>hhh', fmt, ntracks, division) if division < 0x8000
                 else struct.pack('>hhH', fmt, ntracks, division))


def smf(*tracks, fmt=1, ntracks=None, division=480):
    """A Standard MIDI File whose tracks hold the given events (hex dumps or bytes)."""
    bodies = [hexdump(track) if isinstance(track, str) else track for track in tracks]
    return header(fmt, len(bodies) if ntracks is None else ntracks, division) + b''.join(
        chunk(b'MTrk', body) for body in bodies)


def load(data, module=midox, **options):
    return module.MidiFile(file=io.BytesIO(data), **options)


def tolerant(data, **options):
    """Read with errors='ignore', making sure that it warns about nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        return load(data, errors='ignore', **options)


def saved_bytes(mid):
    out = io.BytesIO()
    mid.save(file=out)
    return out.getvalue()


def mido_error(data, **options):
    """The exception mido raises reading data (the test fails if it reads it)."""
    with pytest.raises(Exception) as raised:
        load(data, mido, **options)
    return raised.value


def describe(msg):
    """What a message is, comparable between mido and midox: class name and vars (data as tuples)."""
    values = {name: tuple(value) if isinstance(value, list) else value for name, value in vars(msg).items()}
    return type(msg).__name__, values


def described(tracks):
    return [[describe(msg) for msg in track] for track in tracks]


def problems(mid):
    """A file's problems as (track, offset) pairs."""
    return [(problem.track, problem.offset) for problem in mid.problems]


def eot(time=0):
    return MetaMessage('end_of_track', time=time)


def note_on(note=60, velocity=64, time=0):
    return Message('note_on', note=note, velocity=velocity, time=time)


# --- strict reading: every error path ----------------------------------------------------------------------

# One file per error path: what mido raises (the class name), where midox says it is ('track T, byte offset O'
# or, for the header, 'byte offset O'), and what errors='ignore' recovers: the tracks and the problems as
# (track, offset, a fragment of the text).
Case = namedtuple('Case', 'data error place tracks found')

ONE_NOTE = '''
00 90 3c 40  # note_on 60 64
00 ff 2f 00  # end_of_track
'''

ERROR_CASES = {
    'empty file': Case(b'', 'EOFError', 'byte offset 0', [], [(None, 0, 'no MThd header')]),
    'too short for a chunk header': Case(hexdump('''
        4d 54 68 64  # MThd
        00 00        # half a chunk length
        '''), 'EOFError', 'byte offset 0', [], [(None, 0, 'MThd chunk shorter than 6 bytes')]),
    'no MThd': Case(b'This is not a MIDI file at all.', 'OSError', 'byte offset 0', [],
                    [(None, 0, 'no MThd header')]),
    'MThd shorter than 6 bytes': Case(hexdump('''
        4d 54 68 64  # MThd
        00 00 00 04  # length 4: no room for the division
        00 01 00 01  # format 1, 1 track
        ''') + chunk(b'MTrk', hexdump(ONE_NOTE)),
        'EOFError', 'byte offset 8', [[note_on(), eot()]], [(None, 0, 'MThd chunk shorter than 6 bytes')]),
    'missing MTrk': Case(header(ntracks=1), 'EOFError', 'track 0, byte offset 14', [],
                         [(None, 10, 'declares 1 tracks but the file holds 0')]),
    'wrong chunk id': Case(header() + hexdump('''
        4d 54 72 58  # "MTrX"
        00 00 00 04  # length 4
        00 ff 2f 00  # end_of_track
        '''), 'OSError', 'track 0, byte offset 14', [],
        [(None, 14, "unknown chunk b'MTrX' skipped"), (None, 10, 'declares 1 tracks but the file holds 0')]),
    'truncated event': Case(smf('''
        00 90 3c 40  # note_on
        10 80 3c     # note_off without its velocity: the track ends
        '''), 'EOFError', 'track 0, byte offset 26', [[note_on()]], [(0, 26, 'event cut off')]),
    'running status without status': Case(smf('''
        00 40        # a data byte where the first status byte must be
        00 ff 2f 00  # end_of_track
        '''), 'OSError', 'track 0, byte offset 22', [[eot()]],
        [(0, 22, 'running status without last_status')]),
    'undefined status byte f4': Case(smf('''
        00 90 3c 40  # note_on
        60 f4        # undefined status byte, 96 ticks later
        00 ff 2f 00  # end_of_track
        '''), 'OSError', 'track 0, byte offset 26', [[note_on(), eot(96)]],
        [(0, 26, 'undefined status byte 0xf4')]),
    'data byte above 127': Case(smf('''
        00 90 3c 80  # note_on with velocity 128
        00 ff 2f 00  # end_of_track
        '''), 'OSError', 'track 0, byte offset 22', [[note_on(velocity=127), eot()]],
        [(0, 22, 'clipped to 127')]),
    'sysex data above 127': Case(smf('''
        00 f0 03 01 80 f7  # sysex 01 80
        00 ff 2f 00        # end_of_track
        '''), 'ValueError', 'track 0, byte offset 22', [[Message('sysex', data=[1, 127]), eot()]],
        [(0, 22, 'sysex data clipped to 127')]),
    'sysex longer than 1,000,000': Case(smf('''
        00 f0 bd 84 41  # sysex of 1,000,001 bytes
        00 ff 2f 00
        '''), 'OSError', 'track 0, byte offset 22', [[]], [(0, 22, 'event cut off')]),
    'meta longer than 1,000,000': Case(smf('''
        00 ff 01 bd 84 41  # text of 1,000,001 bytes
        00 ff 2f 00
        '''), 'OSError', 'track 0, byte offset 22', [[]], [(0, 22, 'event cut off')]),
    'sysex of 1,000,000 cut off': Case(smf('''
        00 f0 bd 84 40  # sysex of 1,000,000 bytes: allowed, but the file ends
        00 ff 2f 00
        '''), 'EOFError', 'track 0, byte offset 22', [[]], [(0, 22, 'event cut off')]),
    'set_tempo too short': Case(smf('''
        30 ff 51 02 07 a1  # set_tempo with 2 bytes, 48 ticks in
        00 ff 2f 00
        '''), 'IndexError', 'track 0, byte offset 22',
        [[UnknownMetaMessage(0x51, [0x07, 0xa1], time=48), eot()]], [(0, 22, 'meta event 0x51 has a bad payload')]),
    'bad key signature': Case(smf('''
        00 ff 59 02 08 00  # key_signature with 8 sharps
        00 ff 2f 00
        '''), 'KeySignatureError', 'track 0, byte offset 22',
        [[UnknownMetaMessage(0x59, [8, 0]), eot()]], [(0, 22, 'KeySignatureError')]),
    'bad smpte_offset frame rate': Case(smf('''
        00 ff 54 05 e0 00 00 00 00  # smpte_offset, frame rate code 7 (0xe0 >> 5)
        00 ff 2f 00
        '''), 'KeyError', 'track 0, byte offset 22',
        [[UnknownMetaMessage(0x54, [0xe0, 0, 0, 0, 0]), eot()]], [(0, 22, 'KeyError')]),
    'error in the second track': Case(smf(ONE_NOTE, '''
        00 90 3c 40  # note_on
        00 f9        # undefined status byte
        '''), 'OSError', 'track 1, byte offset 42',
        [[note_on(), eot()], [note_on()]], [(1, 42, 'undefined status byte 0xf9')]),
}
CASE_IDS = list(ERROR_CASES)


ERROR_CLASSES = {'EOFError': EOFError, 'OSError': OSError, 'ValueError': ValueError, 'IndexError': IndexError,
                 'KeyError': KeyError, 'KeySignatureError': KeySignatureError}


@pytest.mark.parametrize('case_id', CASE_IDS)
def test_strict_error_class_is_midos_and_names_the_place(case_id):
    case = ERROR_CASES[case_id]
    assert type(mido_error(case.data)).__name__ == case.error
    with pytest.raises(ERROR_CLASSES[case.error]) as raised:
        load(case.data)
    assert case.place in str(raised.value)


@pytest.mark.parametrize('case_id', CASE_IDS)
def test_ignore_reads_what_it_can_and_records_the_place(case_id):
    case = ERROR_CASES[case_id]
    mid = tolerant(case.data)
    assert mid.tracks == case.tracks
    assert all(isinstance(track, MidiTrack) for track in mid.tracks)
    assert problems(mid) == [(track, offset) for track, offset, _ in case.found]
    for problem, (_, _, fragment) in zip(mid.problems, case.found):
        assert fragment in problem.what
        assert isinstance(problem, midox.FileProblem) and problem == (problem.track, problem.offset, problem.what)


@pytest.mark.parametrize('case_id', CASE_IDS)
def test_warn_issues_a_midifilewarning_and_reads_as_ignore(case_id):
    case = ERROR_CASES[case_id]
    with pytest.warns(midox.MidiFileWarning) as record:
        mid = load(case.data, errors='warn')
    assert mid.tracks == case.tracks
    assert mid.problems == tolerant(case.data).problems
    assert record[0].filename == __file__          # the warning points at the caller's line
    assert str(mid.problems[0]) in str(record[0].message)


@pytest.mark.parametrize('status', [0xF4, 0xF5, 0xF9, 0xFD])
def test_every_undefined_status_byte_is_an_oserror_as_mido(status):
    data = smf(bytes([0x00, status]) + hexdump('00 ff 2f 00'))
    assert type(mido_error(data)) is OSError
    with pytest.raises(OSError, match=f'undefined status byte 0x{status:02x} .track 0, byte offset 22'):
        load(data)
    assert tolerant(data).tracks == [[eot()]]


def test_clip_reads_data_bytes_above_127_as_mido():
    data = smf('''
        00 90 3c ff        # note_on, velocity 255
        00 b0 07 80        # control_change 7, value 128
        00 7f ff           # running status: control_change 127, value 255
        00 f0 03 01 80 f7  # sysex 01 80
        00 ff 2f 00
        ''')
    expected = load(data, mido, clip=True)
    mid = load(data, clip=True)
    assert described(mid.tracks) == described(expected.tracks)
    assert mid.tracks[0][0].velocity == 127 and mid.tracks[0][3].data == (1, 127)
    assert mid.problems == []
    assert described(tolerant(data).tracks) == described(expected.tracks)      # 'ignore' clips too


def test_utf8_text_that_does_not_decode_raises_as_mido():
    data = smf('''
        00 ff 03 02 c3 28  # track_name: not UTF-8
        00 ff 2f 00
        ''')
    assert type(mido_error(data, charset='utf-8')) is UnicodeDecodeError
    with pytest.raises(UnicodeDecodeError):
        load(data, charset='utf-8')
    mid = tolerant(data, charset='utf-8')
    assert mid.tracks == [[UnknownMetaMessage(0x03, [0xc3, 0x28]), eot()]]
    assert problems(mid) == [(0, FIRST_EVENT)]
    assert load(data).tracks[0].name == '\xc3('      # latin1 decodes anything


# Every meta type as a file holds it, with a delta time of 16.
META_EVENTS = [
    'ff 00 02 00 07',              # sequence_number 7
    'ff 00 00',                    # sequence_number, empty: 0
    'ff 01 05 48 65 6c 6c 6f',     # text 'Hello'
    'ff 01 02 e9 e8',              # text in latin1: 'éè'
    'ff 02 03 28 63 29',           # copyright '(c)'
    'ff 03 05 50 69 61 6e 6f',     # track_name 'Piano'
    'ff 04 04 4f 62 6f 65',        # instrument_name 'Oboe'
    'ff 05 02 6c 61',              # lyrics 'la'
    'ff 06 05 56 65 72 73 65',     # marker 'Verse'
    'ff 07 03 63 75 65',           # cue_marker 'cue'
    'ff 09 04 50 6f 72 74',        # device_name 'Port'
    'ff 20 01 09',                 # channel_prefix 9
    'ff 21 01 01',                 # midi_port 1
    'ff 21 00',                    # midi_port, empty: 0
    'ff 2f 00',                    # end_of_track (mid-track)
    'ff 51 03 07 a1 20',           # set_tempo 500000
    'ff 51 04 0f 42 40 99',        # set_tempo 1000000, a byte too many (ignored)
    'ff 54 05 41 02 03 04 05',     # smpte_offset: rate code 2 (29.97 fps), 1 h 2 min 3 s, frame 4, sub 5
    'ff 54 05 7f 3b 3b 1d 63',     # smpte_offset: 30 fps, 31 h 59 min 59 s, frame 29, sub 99
    'ff 58 04 06 03 18 08',        # time_signature 6/8
    'ff 59 02 fd 01',              # key_signature: 3 flats, minor (Cm)
    'ff 59 02 07 00',              # key_signature: 7 sharps, major (C#)
    'ff 7f 04 00 00 41 01',        # sequencer_specific
    'ff 7f 00',                    # sequencer_specific, empty
]


@pytest.mark.parametrize('event', META_EVENTS)
def test_every_meta_type_reads_as_mido(event):
    data = smf('10 ' + event + '\n 00 ff 2f 00')
    expected = load(data, mido)
    mid = load(data)
    assert described(mid.tracks) == described(expected.tracks)
    assert mid.tracks[0][0].time == 16
    assert saved_bytes(mid) == saved_bytes(expected)


def test_unknown_meta_reads_as_mido_but_keeps_its_delta_fix_4():
    data = smf('''
        60 ff 60 02 01 02  # unknown meta type 0x60, 96 ticks in
        00 ff 2f 00
        ''')
    expected = load(data, mido).tracks[0][0]
    msg = load(data).tracks[0][0]
    assert (type(msg).__name__, msg.type_byte, tuple(msg.data)) == ('UnknownMetaMessage', 0x60, tuple(expected.data))
    assert msg.time == 96 and expected.time == 0        # mido drops the delta time
    assert saved_bytes(load(data)) == data              # and so midox writes the file back unchanged


@given(groups=st.lists(st.integers(0, 127), min_size=1, max_size=40))
def test_delta_times_of_any_length_read_as_mido(groups):
    """A variable-length quantity may have any number of bytes: mido's value, however many bits it needs."""
    delta = bytes([group | 0x80 for group in groups[:-1]] + groups[-1:])
    data = smf(delta + hexdump('90 3c 40  00 ff 2f 00'))
    expected = load(data, mido).tracks[0][0].time
    for errors in ('strict', 'ignore'):
        assert load(data, errors=errors).tracks[0][0].time == expected


def test_a_delta_time_of_a_million_bytes_is_read_whole():
    """Regression: such a quantity took time quadratic in its length (minutes for 1 MB; see
    benchmarks/bench_smf.py's long-quantity row for the time now)."""
    groups = 1_000_000
    data = smf(b'\xff' * (groups - 1) + hexdump('7f 90 3c 40  00 ff 2f 00'))
    for errors in ('strict', 'ignore'):
        assert load(data, errors=errors).tracks[0][0].time == 2 ** (7 * groups) - 1


def test_a_length_past_64_bits_is_refused_by_its_size():
    """mido raises ValueError from str() of a length of more than 4,300 digits; midox says how long it is."""
    data = smf(hexdump('00 ff 01') + b'\xff' * 20_000 + hexdump('7f 61  00 ff 2f 00'))
    with pytest.raises(OSError, match='Message length given in 20001 bytes .more than 64 bits. exceeds maximum '
                                      'length 1000000 .track 0, byte offset 22.'):
        load(data)
    assert load(data, errors='ignore').problems[0].what.startswith('event cut off')


# --- tolerant reading: recoveries --------------------------------------------------------------------------

TWO_NOTES = '''
00 90 3c 40  # note_on 60
60 80 3c 40  # note_off 60, 96 ticks later
00 ff 2f 00  # end_of_track
'''


def test_riff_rmid_wrapper_is_unwrapped():
    inner = smf(TWO_NOTES, ONE_NOTE)
    info = chunk(b'LIST', b'INFOISFT\x04\x00\x00\x00abc\x00')     # a RIFF chunk after the data: not MIDI
    body = b'RMID' + b'data' + len(inner).to_bytes(4, 'little') + inner + info
    data = b'RIFF' + len(body).to_bytes(4, 'little') + body
    assert type(mido_error(data)) is OSError
    with pytest.raises(OSError):
        load(data)
    mid = tolerant(data)
    assert mid.tracks == load(inner).tracks
    assert [problem.what for problem in mid.problems] == ['RIFF RMID wrapper removed']
    assert problems(mid) == [(None, 0)]


def test_unknown_chunk_is_skipped():
    data = header() + hexdump('''
        58 46 49 48  # "XFIH": a chunk of someone's own
        00 00 00 03  # length 3
        61 62 63     # "abc"
        ''') + chunk(b'MTrk', hexdump(TWO_NOTES))
    assert type(mido_error(data)) is OSError
    mid = tolerant(data)
    assert mid.tracks == load(smf(TWO_NOTES)).tracks
    assert problems(mid) == [(None, FIRST_TRACK)]
    assert "unknown chunk b'XFIH' skipped" in mid.problems[0].what


def test_chunk_length_larger_than_the_file_reads_the_track_to_the_end():
    data = header() + chunk(b'MTrk', hexdump(TWO_NOTES), size=0x1000)
    assert type(mido_error(data)) is EOFError
    with pytest.raises(EOFError, match='track 0, byte offset 34'):      # the event after the last one
        load(data)
    mid = tolerant(data)
    assert mid.tracks == load(smf(TWO_NOTES)).tracks
    assert problems(mid) == [(0, FIRST_TRACK)]
    assert 'claims 4096 bytes but 12 remain' in mid.problems[0].what


def test_file_cut_off_in_its_last_track_keeps_everything_before():
    whole = smf(ONE_NOTE, '''
        00 c0 05     # program_change 5
        00 90 3e 40  # note_on 62
        60 80 3e 40  # note_off 62
        00 ff 2f 00
        ''')
    data = whole[:-6]       # cut inside the note_off: '60 80' remain
    assert type(mido_error(data)) is EOFError
    with pytest.raises(EOFError, match='track 1, byte offset 45'):
        load(data)
    mid = tolerant(data)
    assert mid.tracks == [[note_on(), eot()], [Message('program_change', program=5), note_on(62)]]
    assert problems(mid) == [(1, 30), (1, 45)]
    assert 'claims' in mid.problems[0].what and 'cut off' in mid.problems[1].what


def test_header_declaring_fewer_tracks_than_the_file_holds():
    data = smf(ONE_NOTE, TWO_NOTES, ntracks=1)
    expected = load(data, mido)
    strict = load(data)
    assert described(strict.tracks) == described(expected.tracks) and len(strict.tracks) == 1
    mid = tolerant(data)
    assert mid.tracks == load(smf(ONE_NOTE, TWO_NOTES)).tracks
    assert problems(mid) == [(None, 10)]
    assert 'declares 1 tracks but the file holds 2; all 2 read' in mid.problems[0].what


def test_tolerant_reading_stops_at_the_most_tracks_a_file_holds():
    """Regression: 2,000,000 empty MTrk chunks (16 MB) took 516 MB and 15 s, and save() then failed. The
    65,536th chunk and what follows are ignored, with a problem saying where; the result saves and reads back."""
    extra = 5
    data = header(ntracks=1) + chunk(b'MTrk', hexdump(ONE_NOTE)) * (0xFFFF + extra)
    mid = tolerant(data)
    assert len(mid.tracks) == 0xFFFF and mid.tracks[-1] == mid.tracks[0]
    ignored_from = len(header()) + 0xFFFF * len(chunk(b'MTrk', hexdump(ONE_NOTE)))
    assert [tuple(problem) for problem in mid.problems] == [
        (None, ignored_from, f'more than 65535 track chunks (the most a file holds): the last '
                             f'{len(data) - ignored_from} bytes of the file ignored'),
        (None, 10, 'header declares 1 tracks but the file holds 65535; all 65535 read')]
    assert load(saved_bytes(mid)).tracks == mid.tracks


def test_header_declaring_more_tracks_than_the_file_holds():
    data = smf(ONE_NOTE, ntracks=3)
    assert type(mido_error(data)) is EOFError
    with pytest.raises(EOFError, match='track 1, byte offset 30'):
        load(data)
    assert tolerant(data).tracks == [[note_on(), eot()]]


def test_header_track_count_above_32767():
    """mido reads the count as signed (0xFFFF is -1: no tracks, silently); midox reads it unsigned, as the SMF
    says (docs/differences.md, difference 8): strict reading then misses track 1, and tolerant reading reads the
    tracks the file holds, the count that does not match them being a problem like any other."""
    data = hexdump('''
        4d 54 68 64  00 00 00 06  # MThd, length 6
        00 01                     # format 1
        ff ff                     # 65535 tracks
        01 e0                     # 480 ticks per beat
        ''') + chunk(b'MTrk', hexdump(ONE_NOTE))
    assert load(data, mido).tracks == []
    with pytest.raises(EOFError, match=r'^missing track chunk \(track 1, byte offset 30\)$'):
        load(data)
    mid = tolerant(data)
    assert mid.tracks == [[note_on(), eot()]]
    assert problems(mid) == [(None, 10)]


def test_warning_names_the_file(tmp_path):
    path = tmp_path / 'broken.mid'
    path.write_bytes(ERROR_CASES['data byte above 127'].data)
    with pytest.warns(midox.MidiFileWarning, match='1 problems? in .*broken.mid: track 0, byte 22: data byte'):
        MidiFile(path, errors='warn')


def test_undefined_status_byte_is_skipped_and_its_delta_carried():
    data = smf('''
        00 90 3c 40  # note_on         at   0
        10 f5        # undefined       at  16
        20 f9        # undefined       at  48
        30 80 3c 40  # note_off        at  96
        40 fd        # undefined       at 160
        00 ff 2f 00  # end_of_track    at 160
        ''')
    mid = tolerant(data)
    assert mid.tracks == [[note_on(), Message('note_off', note=60, velocity=64, time=96), eot(64)]]
    assert sum(msg.time for msg in mid.tracks[0]) == 0x10 + 0x20 + 0x30 + 0x40     # nothing is lost
    assert problems(mid) == [(0, 26), (0, 28), (0, 34)]


def test_data_bytes_above_127_are_clipped():
    data = smf('''
        00 90 3c 40  # note_on
        00 3e c8     # running status, velocity 200
        00 e0 00 ff  # pitchwheel with MSB 255
        00 ff 2f 00
        ''')
    mid = tolerant(data)
    assert mid.tracks == [[note_on(), note_on(62, 127), Message('pitchwheel', pitch=8064), eot()]]
    assert problems(mid) == [(0, 26), (0, 29)]
    assert described(mid.tracks) == described(load(data, mido, clip=True).tracks)


def test_bad_meta_payloads_are_kept_as_unknown_meta_with_their_delta():
    data = smf('''
        10 ff 51 01 07           # set_tempo, 1 byte
        20 ff 58 02 04 02        # time_signature, 2 bytes
        30 ff 59 02 00 05        # key_signature, mode 5
        40 ff 20 00              # channel_prefix, empty
        00 ff 2f 00
        ''')
    mid = tolerant(data)
    assert mid.tracks == [[UnknownMetaMessage(0x51, [7], time=0x10), UnknownMetaMessage(0x58, [4, 2], time=0x20),
                           UnknownMetaMessage(0x59, [0, 5], time=0x30), UnknownMetaMessage(0x20, [], time=0x40),
                           eot()]]
    assert problems(mid) == [(0, 22), (0, 27), (0, 33), (0, 39)]
    assert saved_bytes(mid) == data         # kept byte for byte


def test_second_mthd_after_the_tracks_is_ignored():
    first = smf(TWO_NOTES)
    data = first + smf(ONE_NOTE, ONE_NOTE)
    assert described(load(data).tracks) == described(load(data, mido).tracks)     # strict reads one track
    mid = tolerant(data)
    assert mid.tracks == load(first).tracks
    assert problems(mid) == [(None, len(first))]
    assert 'another MIDI file follows' in mid.problems[0].what


def test_bytes_before_the_header_and_after_the_last_chunk_are_skipped():
    data = b'\x00' * 128 + smf(TWO_NOTES) + b'\x00\x00\x00'       # a MacBinary header; padding
    assert type(mido_error(data)) is OSError
    mid = tolerant(data)
    assert mid.tracks == load(smf(TWO_NOTES)).tracks
    assert problems(mid) == [(None, 0), (None, 128 + 14 + 8 + 12)]
    assert '128 bytes before the MThd header skipped' in mid.problems[0].what
    assert '3 trailing bytes' in mid.problems[1].what


def test_garbage_between_chunks_is_skipped():
    data = header(ntracks=2) + chunk(b'MTrk', hexdump(ONE_NOTE)) + b'\x00\x01\x02' + chunk(b'MTrk', hexdump(TWO_NOTES))
    assert type(mido_error(data)) is OSError
    mid = tolerant(data)
    assert mid.tracks == load(smf(ONE_NOTE, TWO_NOTES)).tracks
    assert problems(mid) == [(None, 30)]


def test_division_of_zero():
    data = smf(ONE_NOTE, division=0)
    assert load(data).ticks_per_beat == 0 == load(data, mido).ticks_per_beat
    mid = tolerant(data)
    assert mid.ticks_per_beat == 480
    assert problems(mid) == [(None, 12)]


def test_a_clean_file_has_no_problems_in_any_mode():
    data = smf(TWO_NOTES, ONE_NOTE)
    for errors in ('strict', 'warn', 'ignore'):
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            mid = load(data, errors=errors)
        assert mid.problems == [] and mid.errors == errors
        assert mid.tracks == load(data).tracks


# --- difference 8 (docs/differences.md): running status only ever holds a channel status ------------------

@pytest.mark.parametrize('events, middle', [
    ('00 f0 02 01 f7  # sysex 01', Message('sysex', data=[1])),
    ('00 f7 02 01 f7  # sysex as an F7 (escape) event', Message('sysex', data=[1])),
    ('00 f8           # clock', Message('clock')),
    ('00 fe           # active_sensing', Message('active_sensing')),
    ('00 f2 01 02     # songpos', Message('songpos', pos=257)),
    ('00 f6           # tune_request', Message('tune_request')),
], ids=['sysex', 'f7 sysex', 'clock', 'active_sensing', 'songpos', 'tune_request'])
def test_running_status_survives_non_channel_events_fix_4(events, middle):
    data = smf(f'''
        00 90 3c 40  # note_on 60: running status 0x90
        {events}
        00 3e 40     # running status: note_on 62
        00 ff 2f 00
        ''')
    mid = load(data)
    assert mid.tracks == [[note_on(), middle, note_on(62), eot()]]
    try:
        theirs = described(load(data, mido).tracks)
    except (EOFError, ValueError, OSError):
        return      # mido makes the non-channel status the running status and fails on the data bytes
    assert theirs != described(mid.tracks)


def test_mido_running_status_after_songpos_reads_another_songpos():
    data = smf('''
        00 90 3c 40  # note_on
        00 f2 01 02  # songpos 257
        00 3e 40     # mido: songpos again; midox: note_on 62
        00 ff 2f 00
        ''')
    assert load(data, mido).tracks[0][2].type == 'songpos'
    assert load(data).tracks[0][2] == note_on(62)


def test_sysex_never_becomes_running_status_fix_4():
    data = smf('''
        00 f0 02 01 f7  # sysex, and no channel message before it
        00 3e 40        # a data byte: there is no running status
        00 ff 2f 00
        ''')
    assert type(mido_error(data)) is EOFError       # mido reads a second sysex of length 0x40
    with pytest.raises(OSError, match='running status without last_status .track 0, byte offset 27'):
        load(data)


def test_meta_events_leave_running_status_unchanged_fix_4():
    data = smf('''
        00 90 3c 40        # note_on 60
        00 ff 01 01 41     # text "A"
        00 ff 51 03 07 a1 20   # set_tempo
        00 3e 40           # running status still 0x90: note_on 62
        00 ff 2f 00
        ''')
    mid = load(data)
    assert mid.tracks[0][3] == note_on(62)
    assert described(mid.tracks) == described(load(data, mido).tracks)


def test_running_status_across_channel_messages():
    data = smf('''
        00 c5 07     # program_change ch 5
        00 09        # running status: program_change 9
        00 b1 07 64  # control_change ch 1
        00 0a 20     # running status: control_change 10
        00 ff 2f 00
        ''')
    mid = load(data)
    assert [msg.type for msg in mid.tracks[0]] == ['program_change'] * 2 + ['control_change'] * 2 + ['end_of_track']
    assert described(mid.tracks) == described(load(data, mido).tracks)


# --- difference 8 (docs/differences.md): saving refuses the real-time messages ----------------------------

@pytest.mark.parametrize('type_', ['clock', 'start', 'continue', 'stop', 'active_sensing', 'reset'])
def test_save_refuses_realtime_messages_fix_2(type_):
    mid = MidiFile()
    mid.add_track().append(Message(type_))
    with pytest.raises(ValueError, match='realtime'):
        saved_bytes(mid)
    theirs = mido.MidiFile()
    theirs.add_track().append(mido.Message(type_))
    if type_ in ('active_sensing', 'reset'):
        assert saved_bytes(theirs)[-5:-4] == bytes(mido.Message(type_).bytes())    # mido writes them
    else:
        with pytest.raises(ValueError):
            saved_bytes(theirs)


def test_save_accepts_tune_request_fix_2():
    mid = MidiFile()
    mid.add_track().extend([Message('tune_request', time=5), note_on()])
    data = saved_bytes(mid)
    assert data.endswith(hexdump('05 f6  00 90 3c 40  00 ff 2f 00'))
    assert load(data).tracks == [[Message('tune_request', time=5), note_on(), eot()]]
    theirs = mido.MidiFile()
    theirs.add_track().append(mido.Message('tune_request'))
    with pytest.raises(ValueError):
        saved_bytes(theirs)         # mido calls tune_request real-time


# --- difference 8 (docs/differences.md): merged_track is never stale --------------------------------------

def test_merged_track_reflects_edits_after_first_access_fix_5():
    data = smf(TWO_NOTES, ONE_NOTE)
    for module in (midox, mido):
        mid = load(data, module)
        first = mid.merged_track
        mid.tracks[1].insert(0, module.Message('program_change', program=9, time=10))
        if module is mido:
            assert len(mid.merged_track) == len(first)      # mido's cached merge is stale
            continue
        assert len(mid.merged_track) == len(first) + 1
        mid.tracks.append(MidiTrack([MetaMessage('marker', text='x', time=200)]))
        merged = mid.merged_track
        assert len(merged) == len(first) + 2
        assert [msg.type for msg in merged] == ['note_on', 'program_change', 'note_on', 'note_off', 'marker',
                                                'end_of_track']
        assert [msg.time for msg in mid] == pytest.approx([0, 10 / 960, 0, 86 / 960, 104 / 960, 0])
        assert mid.length == pytest.approx(200 / 960)
        del mid.merged_track        # kept for mido's sake
        assert mid.merged_track == merged


# --- difference 8 (docs/differences.md): charset per file ------------------------------------------------

def test_charset_per_file_in_threads_fix_6():
    def named(name, charset):
        text = name.encode(charset)
        return smf(bytes([0x00, 0xFF, 0x03, len(text)]) + text + hexdump('00 ff 2f 00'))

    utf8, latin1 = named('Grüße ✓', 'utf-8'), named('Grüße', 'latin1')
    jobs = [(utf8, 'utf-8', 'Grüße ✓'), (latin1, 'latin1', 'Grüße')] * 2
    errors = []
    barrier = threading.Barrier(len(jobs))

    def work(data, charset, name):
        barrier.wait()
        for _ in range(200):
            mid = load(data, charset=charset)
            if mid.tracks[0].name != name or saved_bytes(mid) != data:
                errors.append(charset)

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert load(utf8).tracks[0].name == 'Grüße ✓'.encode('utf-8').decode('latin1')
    assert described(load(utf8, charset='utf-8').tracks) == described(load(utf8, mido, charset='utf-8').tracks)


def test_save_uses_the_files_charset_fix_6():
    mid = MidiFile(charset='utf-8')
    mid.add_track(name='✓ é')
    assert saved_bytes(mid).endswith(hexdump('00 ff 03 06 e2 9c 93 20 c3 a9  00 ff 2f 00'))
    latin = MidiFile()
    latin.add_track(name='é')
    assert saved_bytes(latin).endswith(hexdump('00 ff 03 01 e9  00 ff 2f 00'))
    latin.add_track(name='✓')
    with pytest.raises(UnicodeEncodeError):
        saved_bytes(latin)
    theirs = mido.MidiFile(charset='utf-8')
    theirs.add_track(name='✓ é')
    assert saved_bytes(theirs) == saved_bytes(mid)


# --- difference 8 (docs/differences.md): SMPTE time division --------------------------------------------

@pytest.mark.parametrize('rate_byte, fps, ticks_per_frame', [
    (0xE7, 25, 40), (0xE8, 24, 4), (0xE3, 29.97, 80), (0xE2, 30, 100)])
def test_smpte_division_fix_10(rate_byte, fps, ticks_per_frame):
    division = rate_byte << 8 | ticks_per_frame
    data = smf('''
        00 ff 51 03 0f 42 40  # set_tempo 1000000: no effect with SMPTE timing
        00 90 3c 40           # note_on
        83 60 80 3c 40        # note_off 480 ticks later
        8f 00 ff 2f 00        # end_of_track 1920 ticks later
        ''', division=division)
    assert data[12:14] == bytes([rate_byte, ticks_per_frame])
    mid = load(data)
    assert mid.smpte == (fps, ticks_per_frame)
    assert mid.ticks_per_beat is None
    per_second = fps * ticks_per_frame
    assert [msg.time for msg in mid] == pytest.approx([0, 0, 480 / per_second, 1920 / per_second], rel=1e-12)
    assert mid.length == pytest.approx(2400 / per_second, rel=1e-12)
    assert saved_bytes(mid) == data
    assert load(data, mido).ticks_per_beat == struct.unpack('>h', data[12:14])[0]     # mido: negative


def test_smpte_unknown_rate_stays_a_negative_ticks_per_beat_as_mido():
    data = smf(ONE_NOTE, division=0x8001)       # rate byte 0x80 (-128) is no SMPTE rate
    mid = load(data)
    assert mid.smpte is None
    assert mid.ticks_per_beat == load(data, mido).ticks_per_beat == -32767
    assert saved_bytes(mid) == data


# --- difference 8 (docs/differences.md): play() -------------------------------------------------------

class FakeClock:
    """A clock that only moves when play() sleeps, and oversleeps by `late` seconds every time."""

    def __init__(self, late=0.0):
        self.now = 1000.0
        self.late = late
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds + self.late


def steady_file(count=100, ticks=48):
    """count note_on messages, ticks apart (0.05 s at 480 ticks per beat and 120 bpm), and a marker."""
    mid = MidiFile()
    track = mid.add_track()
    track.append(MetaMessage('marker', text='start', time=ticks))
    for index in range(count):
        track.append(note_on(note=index % 128, time=ticks))
    return mid


def test_play_sleeps_to_absolute_deadlines_fix_12(monkeypatch):
    clock = FakeClock(late=0.004)
    monkeypatch.setattr(time, 'sleep', clock.sleep)
    mid = steady_file()
    start = clock.now
    yielded = []
    for msg in mid.play(now=clock):
        yielded.append((clock.now - start, msg))
    assert [msg.type for _, msg in yielded] == ['note_on'] * 100
    for index, (at, msg) in enumerate(yielded):
        deadline = 0.05 * (index + 2)       # the marker comes first, 0.05 s in
        assert deadline - 1e-9 <= at <= deadline + 0.004 + 1e-9        # never drifts by more than one oversleep
    assert len(clock.sleeps) == 101
    assert clock.sleeps[0] == pytest.approx(0.05)
    assert clock.sleeps[1:] == pytest.approx([0.046] * 100)     # each sleep makes up for the last oversleep


def test_play_does_not_delay_the_first_message_fix_12(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(time, 'sleep', clock.sleep)
    mid = steady_file(count=3, ticks=0)
    mid.tracks[0].append(note_on(time=480))
    played = mid.play(now=clock)
    assert next(played) == note_on(note=0)
    assert clock.sleeps == []
    assert [msg.time for msg in played] == pytest.approx([0, 0, 0.5])
    assert clock.sleeps == pytest.approx([0.5])


def test_play_meta_messages_flag_fix_12(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(time, 'sleep', clock.sleep)
    mid = steady_file(count=2)
    assert [msg.type for msg in mid.play(now=clock)] == ['note_on', 'note_on']
    assert clock.now == pytest.approx(1000.15)      # the marker and the end_of_track are still waited for
    assert [msg.type for msg in mid.play(meta_messages=True, now=clock)] == [
        'marker', 'note_on', 'note_on', 'end_of_track']


def test_play_keeps_the_spacing_when_preparing_takes_time_fix_12(monkeypatch):
    """'first message without merge delay': however long merging the tracks takes, the messages keep their
    spacing (the merge must not eat into the schedule and make the first messages rush out together)."""
    clock = FakeClock()
    monkeypatch.setattr(time, 'sleep', clock.sleep)
    real_merge = midox_midifiles.merge_tracks

    def slow_merge(tracks, *args, **kwargs):
        clock.now += 1.0        # a merge that takes a second
        return real_merge(tracks, *args, **kwargs)

    monkeypatch.setattr(midox_midifiles, 'merge_tracks', slow_merge)
    times = [clock.now for _ in steady_file(count=10).play(now=clock)]
    assert [later - times[0] for later in times] == pytest.approx([0.05 * index for index in range(10)])


# --- MidiFile API ------------------------------------------------------------------------------------------

def test_new_file_defaults_as_mido():
    mid, theirs = MidiFile(), mido.MidiFile()
    for name in ('filename', 'type', 'ticks_per_beat', 'charset', 'debug', 'clip', 'tracks'):
        assert getattr(mid, name) == getattr(theirs, name), name
    assert mid.problems == [] and mid.smpte is None and mid.errors == 'strict'
    assert mid.length == 0 == theirs.length


@pytest.mark.parametrize('type_', [-1, 3, 1.5, '1', None])
def test_constructor_rejects_a_bad_type_as_mido(type_):
    with pytest.raises(ValueError):
        MidiFile(type=type_)
    with pytest.raises(ValueError):
        mido.MidiFile(type=type_)


@pytest.mark.parametrize('errors', ['strict ', 'Strict', 'raise', None, 1])
def test_constructor_rejects_bad_errors(errors):
    with pytest.raises(ValueError, match='errors must be one of strict, warn, ignore'):
        MidiFile(errors=errors)


def test_constructor_tracks_argument_is_kept_as_mido():
    tracks = [MidiTrack([note_on()]), MidiTrack()]
    mid = MidiFile(type=2, ticks_per_beat=96, tracks=tracks)
    theirs = mido.MidiFile(type=2, ticks_per_beat=96, tracks=tracks)
    assert mid.tracks is tracks and theirs.tracks is tracks
    assert (mid.type, mid.ticks_per_beat) == (2, 96)
    mid = MidiFile(file=io.BytesIO(smf(ONE_NOTE)), tracks=tracks)      # tracks win over file, as mido
    assert mid.tracks is tracks


def test_filename_and_file(tmp_path):
    data = smf(TWO_NOTES, ONE_NOTE)
    path = tmp_path / 'song.mid'
    path.write_bytes(data)
    by_path, by_str, by_file = MidiFile(path), MidiFile(str(path)), MidiFile(file=io.BytesIO(data))
    assert by_path.filename == path and by_str.filename == str(path) and by_file.filename is None
    assert by_path.tracks == by_str.tracks == by_file.tracks
    with open(path, 'rb') as infile:
        assert MidiFile(filename='ignored-when-file-is-given', file=infile).tracks == by_file.tracks
    with pytest.raises(FileNotFoundError):
        MidiFile(tmp_path / 'missing.mid')


def test_save_to_filename_and_file(tmp_path):
    mid = load(smf(TWO_NOTES, ONE_NOTE))
    mid.save(tmp_path / 'a.mid')
    mid.save(str(tmp_path / 'b.mid'))
    with open(tmp_path / 'c.mid', 'wb') as outfile:
        mid.save(file=outfile)
    data = saved_bytes(mid)
    assert data == smf(TWO_NOTES, ONE_NOTE)
    for name in 'abc':
        assert (tmp_path / f'{name}.mid').read_bytes() == data
    assert saved_bytes(load(data, mido)) == data


def test_save_errors_as_mido():
    for module in (midox, mido):
        with pytest.raises(ValueError, match='requires filename or file'):
            module.MidiFile().save()
        two = module.MidiFile(type=0)
        two.add_track()
        two.add_track()
        with pytest.raises(ValueError, match='type 0 file must have exactly 1 track'):
            two.save(file=io.BytesIO())
        with pytest.raises(ValueError, match='type 0'):
            module.MidiFile(type=0).save(file=io.BytesIO())
        with pytest.raises(ValueError, match='type 0'):
            two.save()          # the track count is checked first


@pytest.mark.parametrize('time_, error', [(1.5, 'must be int'), (-1, 'non-negative')])
def test_save_refuses_bad_times_as_mido(time_, error):
    for module in (midox, mido):
        mid = module.MidiFile()
        track = mid.add_track()
        track.append(module.Message('note_on', time=time_))
        with pytest.raises(ValueError, match=error):
            saved_bytes(mid)


def test_save_writes_one_end_of_track_and_running_status_as_mido():
    on_channel_1 = Message('note_on', channel=1, note=60, velocity=64, time=2)
    tracks = [[note_on(time=0), eot(5), note_on(62, time=3), on_channel_1, note_on(time=1), eot(7)], []]
    mid = MidiFile(tracks=[MidiTrack(track) for track in tracks])
    data = saved_bytes(mid)
    assert data == smf('''
        00 90 3c 40  # note_on
        08 3e 40     # running status; 5 + 3 ticks (the end_of_track's time moves on)
        02 91 3c 40  # channel 1
        01 90 3c 40
        07 ff 2f 00  # one end_of_track, with the time of the last one
        ''', '00 ff 2f 00')
    theirs = mido.MidiFile(tracks=[mido.MidiTrack(mido.Message(**vars(msg)) if not msg.is_meta
                                                  else mido.MetaMessage(**vars(msg)) for msg in track)
                                   for track in tracks])
    assert saved_bytes(theirs) == data
    assert load(data).tracks == [list(fix_end_of_track(track)) for track in tracks]


def test_save_refuses_ticks_per_beat_it_cannot_write():
    """mido raises struct.error for a ticks_per_beat outside -32768..32767; midox must not write a header
    that reads back as something else (0xE728 is SMPTE 25 fps, 40 ticks per frame)."""
    for ticks_per_beat in (0xE728, 40000, 0x10000 + 480):
        with pytest.raises(struct.error):
            saved_bytes(mido.MidiFile(ticks_per_beat=ticks_per_beat))
        mid = MidiFile(ticks_per_beat=ticks_per_beat)
        try:
            data = saved_bytes(mid)
        except (ValueError, struct.error):
            continue
        reread = load(data)
        assert (reread.ticks_per_beat, reread.smpte) == (ticks_per_beat, None)


def test_large_file_saves_as_mido():
    """Events and payloads far beyond any small buffer: 20,000 notes with running status, a 100,000-byte
    sysex, 70,000 characters of text, a delta time at the 4-byte limit."""
    def fill(module):
        mid = module.MidiFile()
        track = mid.add_track('big')
        track.append(module.MetaMessage('text', text='é' * 70000, time=0x0FFFFFFF))
        track.append(module.Message('sysex', data=[index % 128 for index in range(100000)], time=0x1FFFFF))
        for index in range(20000):
            track.append(module.Message('note_on', note=index % 128, velocity=index % 100, time=index % 300))
        mid.add_track().append(module.Message('sysex', data=[], time=0x3FFF))
        return mid

    data = saved_bytes(fill(midox))
    assert data == saved_bytes(fill(mido))
    assert described(load(data).tracks) == described(load(data, mido).tracks)
    assert hexdump('ff ff ff 7f ff 01 84 a2 70') in data       # the delta time, FF 01, the length 70,000


def test_delta_times_longer_than_4_bytes_are_refused():
    """midox refuses what a file cannot hold (a delta time has at most 4 bytes); mido writes 5 bytes."""
    mid = MidiFile()
    mid.add_track().append(note_on(time=0x10000000))
    with pytest.raises(ValueError, match='at most 268435455 ticks'):
        saved_bytes(mid)
    theirs = mido.MidiFile()
    theirs.add_track().append(mido.Message('note_on', time=0x10000000))
    assert hexdump('81 80 80 80 00 90') in saved_bytes(theirs)
    mid.tracks[0][0].time = 0x0FFFFFFF
    assert load(saved_bytes(mid)).tracks[0][0].time == 0x0FFFFFFF


def test_add_track_as_mido():
    mid, theirs = MidiFile(), mido.MidiFile()
    for name in (None, 'Piano', ''):
        track, their_track = mid.add_track(name), theirs.add_track(name)
        assert isinstance(track, MidiTrack) and track is mid.tracks[-1]
        assert described([track]) == described([their_track])
    assert mid.tracks[1].name == 'Piano' and mid.tracks[0] == []
    first = mid.merged_track
    mid.tracks[0].append(note_on(time=1))
    assert len(mid.merged_track) == len(first) + 1


def test_print_tracks_as_mido(capsys):
    data = smf('''
        00 ff 03 04 4c 65 61 64  # track_name "Lead"
        00 90 3c 40
        60 80 3c 40
        00 ff 2f 00
        ''', '''
        00 ff 01 01 41  # text "A"
        00 f0 02 7e f7  # sysex
        00 c0 05
        00 ff 2f 00
        ''')
    for meta_only in (False, True):
        load(data, mido).print_tracks(meta_only=meta_only)
        expected = capsys.readouterr().out
        load(data).print_tracks(meta_only=meta_only)
        assert capsys.readouterr().out == expected
    load(data).print_tracks()
    assert capsys.readouterr().out.startswith("=== Track 0\nMetaMessage('track_name', name='Lead', time=0)\n")


def test_repr_as_mido_and_evaluable():
    data = smf(TWO_NOTES, '''
        00 ff 03 01 41  # track_name "A"
        00 c0 05
        00 ff 2f 00
        ''', division=96)
    mid = load(data)
    assert repr(mid) == repr(load(data, mido))
    namespace = {name: getattr(midox, name) for name in ('MidiFile', 'MidiTrack', 'Message', 'MetaMessage')}
    again = eval(repr(mid), namespace)      # noqa: S307 - the point of the test
    assert (again.type, again.ticks_per_beat, again.tracks) == (1, 96, mid.tracks)
    assert repr(MidiFile()) == repr(mido.MidiFile()) == 'MidiFile(type=1, ticks_per_beat=480)'


def test_context_manager_as_mido():
    with MidiFile(file=io.BytesIO(smf(ONE_NOTE))) as mid:
        assert mid.tracks == [[note_on(), eot()]]
    with pytest.raises(KeyError):
        with MidiFile():
            raise KeyError('not swallowed')


def test_type_2_cannot_be_merged_timed_or_played_as_mido():
    data = smf(ONE_NOTE, TWO_NOTES, fmt=2)
    for module in (midox, mido):
        mid = load(data, module)
        assert mid.type == 2
        with pytest.raises(ValueError, match='impossible to compute length'):
            mid.length
        with pytest.raises(TypeError, match="can't merge tracks in type 2"):
            list(mid)
        with pytest.raises(TypeError, match="can't merge tracks in type 2"):
            mid.merged_track
        with pytest.raises(TypeError, match="can't merge tracks in type 2"):
            list(mid.play())
        assert saved_bytes(mid) == data


def test_type_0_reads_and_saves_as_mido():
    data = smf(TWO_NOTES, fmt=0)
    mid = load(data)
    assert mid.type == 0 and described(mid.tracks) == described(load(data, mido).tracks)
    assert saved_bytes(mid) == data


def test_debug_prints_and_loads_the_same(capsys):
    data = smf(TWO_NOTES, ONE_NOTE)
    mid = load(data, debug=True)
    assert capsys.readouterr().out.strip()
    assert mid.debug is True
    assert mid.tracks == load(data).tracks and mid.type == 1 and mid.ticks_per_beat == 480
    load(data)
    assert capsys.readouterr().out == ''


def test_length_and_iteration_follow_tempo_changes_as_mido():
    data = smf('''
        00 ff 51 03 0f 42 40  # set_tempo 1000000 (60 bpm)
        00 90 3c 40
        83 60 80 3c 40        # 480 ticks: 1 s
        00 ff 51 03 03 d0 90  # set_tempo 250000
        83 60 90 3e 40        # 480 ticks: 0.25 s
        00 ff 2f 00
        ''', TWO_NOTES)
    mid, theirs = load(data), load(data, mido)
    assert [describe(msg) for msg in mid] == [describe(msg) for msg in theirs]
    assert mid.length == theirs.length == pytest.approx(1.25)


def test_iteration_keeps_zero_delta_times_as_int_0_as_mido():
    """mido yields the int 0 for a message at the same time as the one before (tick2second is only used
    for delta > 0), and SecondsIterator documents the same; the time shows in repr() and str()."""
    data = smf(TWO_NOTES, ONE_NOTE)
    theirs = [msg.time for msg in load(data, mido)]
    ours = [msg.time for msg in load(data)]
    assert [(type(value), value) for value in ours] == [(type(value), value) for value in theirs]
    assert [repr(msg) for msg in load(data)] == [repr(msg) for msg in load(data, mido)]


def test_iteration_does_not_change_the_tracks():
    mid = load(smf(TWO_NOTES, ONE_NOTE))
    before = [list(track) for track in mid.tracks]
    for msg in mid:
        msg.time = 12345
    assert mid.tracks == before
    assert [msg.time for msg in mid.tracks[0]] == [0, 96, 0]


# --- generated files against mido --------------------------------------------------------------------------

data7 = st.integers(0, 127)
channel = st.integers(0, 15)
CHANNEL_MESSAGE = st.one_of(
    st.fixed_dictionaries({'type': st.sampled_from(['note_on', 'note_off']), 'channel': channel, 'note': data7,
                           'velocity': data7}),
    st.fixed_dictionaries({'type': st.just('polytouch'), 'channel': channel, 'note': data7, 'value': data7}),
    st.fixed_dictionaries({'type': st.just('control_change'), 'channel': channel, 'control': data7,
                           'value': data7}),
    st.fixed_dictionaries({'type': st.just('program_change'), 'channel': channel, 'program': data7}),
    st.fixed_dictionaries({'type': st.just('aftertouch'), 'channel': channel, 'value': data7}),
    st.fixed_dictionaries({'type': st.just('pitchwheel'), 'channel': channel, 'pitch': st.integers(-8192, 8191)}),
)
OTHER_MESSAGE = st.one_of(
    st.fixed_dictionaries({'type': st.just('sysex'), 'data': st.lists(data7, max_size=20).map(tuple)}),
    st.fixed_dictionaries({'type': st.just('songpos'), 'pos': st.integers(0, 16383)}),
    st.fixed_dictionaries({'type': st.just('song_select'), 'song': data7}),
    st.fixed_dictionaries({'type': st.just('quarter_frame'), 'frame_type': st.integers(0, 7),
                           'frame_value': st.integers(0, 15)}),
)
latin1 = st.text(st.characters(max_codepoint=255), max_size=10)
META_MESSAGE = st.one_of(
    st.fixed_dictionaries({'type': st.just('set_tempo'), 'tempo': st.integers(1, 0xFFFFFF)}),
    st.fixed_dictionaries({'type': st.sampled_from(['text', 'marker', 'lyrics']), 'text': latin1}),
    st.fixed_dictionaries({'type': st.just('track_name'), 'name': latin1}),
    st.fixed_dictionaries({'type': st.just('time_signature'), 'numerator': st.integers(1, 16),
                           'denominator': st.sampled_from([1, 2, 4, 8, 16])}),
    st.fixed_dictionaries({'type': st.just('key_signature'), 'key': st.sampled_from(['C', 'F#m', 'Eb', 'A'])}),
    st.fixed_dictionaries({'type': st.just('end_of_track')}),
)
# ((is_meta, values), delta time, frozen): mostly channel messages, as in real files.
EVENT = st.tuples(st.one_of(CHANNEL_MESSAGE.map(lambda values: (False, values)),
                            CHANNEL_MESSAGE.map(lambda values: (False, values)),
                            OTHER_MESSAGE.map(lambda values: (False, values)),
                            META_MESSAGE.map(lambda values: (True, values))),
                  st.one_of(st.integers(0, 10000), st.just(0)),
                  st.booleans())
TRACKS = st.lists(st.lists(EVENT, max_size=25), min_size=1, max_size=4)


def build(module, tracks, ticks_per_beat):
    """The same type 1 file in mido or midox, from lists of ((is_meta, values), delta, frozen)."""
    mid = module.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    for events in tracks:
        track = mid.add_track()
        for (is_meta, values), delta, frozen in events:
            msg = (module.MetaMessage if is_meta else module.Message)(**values, time=delta)
            track.append(module.frozen.freeze_message(msg) if frozen else msg)
    return mid


@settings(deadline=None)
@given(tracks=TRACKS, ticks_per_beat=st.sampled_from([1, 96, 480, 960, 32767]))
def test_generated_files_round_trip_and_match_mido(tracks, ticks_per_beat):
    mid = build(midox, tracks, ticks_per_beat)
    theirs = build(mido, tracks, ticks_per_beat)
    data = saved_bytes(mid)
    assert data == saved_bytes(theirs)
    reread = load(data)
    assert reread.tracks == [list(fix_end_of_track(track)) for track in mid.tracks]
    assert reread.problems == [] and tolerant(data).tracks == reread.tracks
    assert described(load(data, mido).tracks) == described(reread.tracks)
    merged, their_merged = [describe(msg) for msg in reread], [describe(msg) for msg in load(data, mido)]
    assert merged == their_merged
    assert reread.length == load(data, mido).length
    assert [describe(msg) for msg in mid] == [describe(msg) for msg in theirs]


# --- custom meta specs in files -------------------------------------------------------------------------


@pytest.mark.usefixtures('restore_meta_specs')
def test_custom_meta_spec_reads_and_writes_files():
    """A spec written for mido is used by the C decoder and the encoder, for new and built-in type bytes."""
    class MetaSpec_light(midox.midifiles.MetaSpec):
        type_byte = 0x70
        attributes = ['level']
        defaults = [0]

        def decode(self, message, data):
            message.level = data[0]

        def encode(self, message):
            return [message.level]

    class MetaSpec_set_tempo(midox.midifiles.meta.MetaSpec_set_tempo):   # replaces the built-in
        def decode(self, message, data):
            super().decode(message, data)
            message.tempo = message.tempo * 2

    midox.midifiles.add_meta_spec(MetaSpec_light)
    mid = midox.MidiFile()
    track = mid.add_track()
    track.append(midox.MetaMessage('light', level=9, time=3))
    track.append(midox.MetaMessage('set_tempo', tempo=1000, time=4))
    saved = io.BytesIO()
    mid.save(file=saved)
    assert b'\xff\x70\x01\x09' in saved.getvalue()
    assert midox.MidiFile(file=io.BytesIO(saved.getvalue())).tracks[0][:2] == track[:2]
    midox.midifiles.add_meta_spec(MetaSpec_set_tempo)
    reread = midox.MidiFile(file=io.BytesIO(saved.getvalue()))
    assert reread.tracks[0][1] == midox.MetaMessage('set_tempo', tempo=2000, time=4)


def test_smpte_file_repr_evaluates_back():
    mid = midox.MidiFile(smpte=(25, 40), ticks_per_beat=None)
    mid.add_track().append(midox.Message('note_on', time=10))
    namespace = {name: getattr(midox, name) for name in ('MidiFile', 'MidiTrack', 'Message', 'MetaMessage')}
    again = eval(repr(mid), namespace)
    assert (again.smpte, again.ticks_per_beat, again.tracks) == (mid.smpte, None, mid.tracks)
    saved = io.BytesIO()
    again.save(file=saved)
    assert saved.getvalue()[12:14] == b'\xe7\x28'
