"""Repairing MIDI files (midox.midifiles.repairs): repair() and repair_file().

- Every corpus file, read tolerantly and repaired, saves and reads back strictly to exactly the repaired
  file; files that needed nothing report no change and keep their messages.
- Each repair on a small hand-made file: the exact change lines and the resulting messages and times.
- Generated broken files (mutated corpus bytes, and headers followed by chunks of events of every kind with
  long delta times, real-time bytes, bad meta payloads ...) all repair to files that read back strictly,
  every message kept at its tick unless a line says it moved, every message left out named by a line, and
  repairing again changes nothing.

Files are written as commented hex dumps and assembled with smf(), which adds the MThd header and the MTrk
chunk headers. The corpus lives beside the project (../shared/corpus) or where MIDOX_CORPUS points.
"""
import io
import os
import pathlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import midox
from midox import Message, MetaMessage, MidiFile, MidiTrack, UnknownMetaMessage
from midox.midifiles import repair, repair_file
from midox.midifiles.repairs import MAX_DELTA, MAX_TRACKS

from smf_bytes import chunk, vlq

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', ROOT.parent / 'shared' / 'corpus'))
FILES = sorted(path for path in CORPUS.glob('*') if path.suffix.lower() in ('.mid', '.midi', '.kar', '.rmi'))
# The one corpus file that needs a repair (corpus README): key signatures with mode byte 255.
BAD_KEY_SIGNATURE = 'simutrans-data__34d837a3__05-Boring-afternoon.mid'
CLIPPED = {'miditok__17d8aebc__ValueError_Control168.mid', 'songwrite__2b892832__son_chant.mid',
           'songwrite__5b144d48__son_accordeon.mid', 'songwrite__a2446670__son_guitare.mid'}
END = '00 FF 2F 00'         # end_of_track at delta 0
# The meta types with a spec: tolerant reading keeps one as UnknownMetaMessage only when strict reading refuses it.
SPEC_TYPE_BYTES = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x20, 0x21, 0x2F, 0x51, 0x54, 0x58, 0x59, 0x7F}


# --- helpers ---------------------------------------------------------------------------------------------------

def hexdump(text):
    """Bytes from a hex dump with '#' comments."""
    return bytes.fromhex(' '.join(line.split('#')[0] for line in text.splitlines()))


def smf(*tracks, fmt=1, ntracks=None, division=480):
    """A Standard MIDI File whose tracks hold the given events (hex dumps or bytes)."""
    bodies = [hexdump(track) if isinstance(track, str) else track for track in tracks]
    count = len(bodies) if ntracks is None else ntracks
    return (chunk(b'MThd', fmt.to_bytes(2, 'big') + count.to_bytes(2, 'big') + division.to_bytes(2, 'big'))
            + b''.join(chunk(b'MTrk', body) for body in bodies))


def tolerant(data, **options):
    return MidiFile(file=io.BytesIO(data), errors='ignore', **options)


def saved(mid):
    out = io.BytesIO()
    mid.save(file=out)
    return out.getvalue()


def described(tracks):
    """Tracks as comparable values: each message's class and attributes (time included)."""
    return [[(type(msg).__name__, vars(msg)) for msg in track] for track in tracks]


def repaired_and_checked(mid):
    """repair(mid), checked: the input unchanged, and the saved repair read back strictly exactly."""
    before = described(mid.tracks)
    repaired, changes = repair(mid)
    assert described(mid.tracks) == before, 'repair() changed its input'
    back = MidiFile(file=io.BytesIO(saved(repaired)), charset=repaired.charset)
    assert described(back.tracks) == described(repaired.tracks)
    assert (back.type, back.ticks_per_beat, back.smpte) == (repaired.type, repaired.ticks_per_beat, repaired.smpte)
    assert all(isinstance(line, str) and '\n' not in line for line in changes)
    return repaired, changes


def repaired_bytes(data, **options):
    return repaired_and_checked(tolerant(data, **options))


def filler(time=MAX_DELTA):
    return MetaMessage('text', text='', time=time)


def end(time=0):
    return MetaMessage('end_of_track', time=time)


def note_on(time=0, note=60, channel=0):
    return Message('note_on', channel=channel, note=note, velocity=64, time=time)


def note_off(time=0, note=60, channel=0):
    return Message('note_off', channel=channel, note=note, velocity=0, time=time)


# --- the corpus ------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not FILES, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
@pytest.mark.parametrize('path', FILES, ids=[path.name for path in FILES])
def test_corpus_file_repairs_to_a_file_read_back_strictly(path):
    mid = MidiFile(path, errors='ignore')
    repaired, changes = repaired_and_checked(mid)
    if path.name == BAD_KEY_SIGNATURE:
        assert changes and all(re.fullmatch(
            r'track \d+, message \d+ \(tick 0\): meta event 0x59 dropped: strict reading refuses its payload '
            r'\(KeySignatureError: Could not decode key with 1 flats and mode 255\)', line) for line in changes)
        assert len(changes) == sum(isinstance(msg, UnknownMetaMessage) for track in mid.tracks for msg in track)
    else:   # nothing to do: the messages are the file's (copies)
        assert changes == []
        assert described(repaired.tracks) == described(mid.tracks)
        assert all(a is not b for track, copy in zip(mid.tracks, repaired.tracks) for a, b in zip(track, copy))
        assert (repaired.type, repaired.ticks_per_beat, repaired.smpte) == (mid.type, mid.ticks_per_beat, mid.smpte)


@pytest.mark.skipif(not FILES, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
@pytest.mark.parametrize('name', sorted(CLIPPED) + [BAD_KEY_SIGNATURE])
def test_corpus_repair_file_lists_what_reading_found(name, tmp_path):
    source = CORPUS / name
    if not source.exists():
        pytest.skip(f'{name} is not in the corpus')
    target = tmp_path / 'repaired.mid'
    lines = repair_file(source, target)
    read = MidiFile(source, errors='ignore')
    problems = [str(problem) for problem in read.problems]
    assert problems and lines[:len(problems)] == problems
    assert lines[len(problems):] == repair(read)[1]
    if name in CLIPPED:
        assert all(re.fullmatch(r'track \d+, byte \d+: data byte must be in range 0..127; clipped to 127', line)
                   for line in problems)
        assert described(MidiFile(target).tracks) == described(MidiFile(source, clip=True).tracks)
    else:
        assert described(MidiFile(target).tracks) == described(repair(read)[0].tracks)


# --- each repair, on hand-made files ---------------------------------------------------------------------------

def test_real_time_messages_dropped_their_delta_carried():
    data = smf('''
        00 90 3C 40     # note_on
        05 F8           # clock at tick 5
        07 80 3C 00     # note_off at tick 12
        03 FE           # active_sensing at tick 15
        02 FA           # start at tick 17, the last message before end_of_track
        01 FF 2F 00     # end_of_track at tick 18
    ''')
    repaired, changes = repaired_bytes(data)
    assert changes == [
        'track 0, message 1 (tick 5): clock dropped: a real-time message cannot be stored in a file; '
        'its delta time (5) goes to the next message',
        'track 0, message 3 (tick 15): active_sensing dropped: a real-time message cannot be stored in a file; '
        'its delta time (3) goes to the next message',
        'track 0, message 4 (tick 17): start dropped: a real-time message cannot be stored in a file; '
        'its delta time (2) goes to the next message',
    ]
    assert repaired.tracks == [[note_on(), note_off(12), end(6)]]


def test_real_time_messages_built_in_python_are_dropped_too():
    mid = MidiFile(tracks=[MidiTrack([Message('reset', time=3), Message('stop'), note_on(4)])])
    repaired, changes = repaired_and_checked(mid)
    assert changes == [
        'track 0, message 0 (tick 3): reset dropped: a real-time message cannot be stored in a file; '
        'its delta time (3) goes to the next message',
        'track 0, message 1 (tick 3): stop dropped: a real-time message cannot be stored in a file',
        'track 0: end_of_track added at tick 7',
    ]
    assert repaired.tracks == [[note_on(7), end()]]


def test_type_0_file_with_several_tracks_becomes_type_1():
    data = smf(f'00 90 3C 40 {END}', f'00 91 3E 40 {END}', f'00 92 40 40 {END}', fmt=0, ntracks=1)
    read = tolerant(data)
    assert read.type == 0 and len(read.tracks) == 3
    repaired, changes = repaired_and_checked(read)
    assert changes == ['type 0 file with 3 tracks saved as type 1 (synchronous tracks): type 0 holds one track']
    assert repaired.type == 1
    assert repaired.tracks == [[note_on(channel=0, note=60), end()], [note_on(channel=1, note=62), end()],
                               [note_on(channel=2, note=64), end()]]
    assert [(msg.type, msg.time) for msg in repaired] == [(msg.type, msg.time) for msg in read]     # same playback


def test_type_0_file_without_a_track_gets_an_empty_one():
    repaired, changes = repaired_bytes(smf(fmt=0, ntracks=1))
    assert changes == ['type 0 file without a track: an empty track added (type 0 holds exactly one)']
    assert (repaired.type, repaired.tracks) == (0, [[end()]])


def test_long_delta_times_bridged_by_empty_text_events():
    data = smf(
        vlq(MAX_DELTA) + hexdump('90 3C 40')                    # the longest delta a file holds: kept
        + vlq(MAX_DELTA + 1) + hexdump('80 3C 00')              # one more: one filler
        + vlq(3 * MAX_DELTA + 7) + hexdump('90 3E 40')          # three fillers
        + vlq(0xFFFFFFFF) + hexdump('80 3E 00')                 # the longest bridged: 16 fillers
        + vlq(2 * MAX_DELTA) + hexdump('FF 2F 00'))             # end_of_track too
    read = tolerant(data)
    ticks = [MAX_DELTA, 2 * MAX_DELTA + 1, 5 * MAX_DELTA + 8, 5 * MAX_DELTA + 8 + 0xFFFFFFFF]
    repaired, changes = repaired_and_checked(read)
    assert changes == [
        f'track 0, message 1 (tick {ticks[1]}): delta time {MAX_DELTA + 1} is above {MAX_DELTA}; '
        '1 empty text meta message inserted before it, so that it keeps its tick',
        f'track 0, message 2 (tick {ticks[2]}): delta time {3 * MAX_DELTA + 7} is above {MAX_DELTA}; '
        '3 empty text meta messages inserted before it, so that it keeps its tick',
        f'track 0, message 3 (tick {ticks[3]}): delta time {0xFFFFFFFF} is above {MAX_DELTA}; '
        '16 empty text meta messages inserted before it, so that it keeps its tick',
        f'track 0, end_of_track (tick {ticks[3] + 2 * MAX_DELTA}): delta time {2 * MAX_DELTA} is above '
        f'{MAX_DELTA}; 1 empty text meta message inserted before it, so that it keeps its tick',
    ]
    assert repaired.tracks == [
        [note_on(MAX_DELTA), filler(), note_off(1), *[filler()] * 3, note_on(7, note=62),
         *[filler()] * 16, note_off(0xFFFFFFFF - 16 * MAX_DELTA, note=62), filler(), end(MAX_DELTA)]]
    events, end_tick = timeline(repaired.tracks[0])
    assert [tick for tick, _ in events] == ticks and end_tick == ticks[3] + 2 * MAX_DELTA


def test_delta_times_beyond_32_bits_are_cut():
    data = smf(vlq(0x100000000) + hexdump('90 3C 40') + hexdump('0A 80 3C 00')
               + vlq(1 << 70) + hexdump('FF 2F 00'))        # beyond 64 bits: a Python int
    repaired, changes = repaired_bytes(data)
    assert changes == [
        f'track 0, message 0 (tick {0x100000000}): delta time {0x100000000} cut to {MAX_DELTA} (a file holds at '
        f'most {MAX_DELTA}); it and the later messages of the track move {0x100000000 - MAX_DELTA} ticks earlier',
        f'track 0, end_of_track (tick {0x100000000 + 10 + (1 << 70)}): delta time {1 << 70} cut to {MAX_DELTA} '
        f'(a file holds at most {MAX_DELTA}); it and the later messages of the track move '
        f'{(1 << 70) - MAX_DELTA} ticks earlier',
    ]
    assert repaired.tracks == [[note_on(MAX_DELTA), note_off(10), end(MAX_DELTA)]]


def test_carried_delta_times_that_get_too_long_are_bridged():
    data = smf(vlq(MAX_DELTA) + hexdump('F8') + hexdump('05 90 3C 40') + hexdump(END))
    repaired, changes = repaired_bytes(data)
    assert changes == [
        f'track 0, message 0 (tick {MAX_DELTA}): clock dropped: a real-time message cannot be stored in a file; '
        f'its delta time ({MAX_DELTA}) goes to the next message',
        f'track 0, message 1 (tick {MAX_DELTA + 5}): delta time {MAX_DELTA + 5} is above {MAX_DELTA}; '
        '1 empty text meta message inserted before it, so that it keeps its tick',
    ]
    assert repaired.tracks == [[filler(), note_on(5), end()]]


def test_end_of_track_in_the_middle_removed_and_missing_one_added():
    data = smf('''
        00 90 3C 40
        0A FF 2F 00     # end_of_track at tick 10, before the end
        05 80 3C 00     # note_off at tick 15, the last message
    ''', '''
        00 90 3C 40
        00 FF 2F 00     # two end_of_tracks at the end: the first goes
        07 FF 2F 00
    ''', '00 90 3C 40 81 00')      # cut off in its last event
    repaired, changes = repaired_bytes(data)
    assert changes == [
        'track 0, message 1 (tick 10): end_of_track before the end of the track removed; '
        'its delta time (10) goes to the next message',
        'track 0: end_of_track added at tick 15',
        'track 1, message 1 (tick 0): end_of_track before the end of the track removed',
        'track 2: end_of_track added at tick 0',
    ]
    assert repaired.tracks == [[note_on(), note_off(15), end()], [note_on(), end(7)], [note_on(), end()]]


def test_meta_events_strict_reading_refuses_are_dropped():
    data = smf('''
        00 FF 59 02 01 FF       # key_signature, mode 255
        03 FF 51 02 07 A1       # set_tempo with 2 bytes
        04 FF 54 05 7F 00 3C 00 00      # smpte_offset of 60 seconds
        00 FF 58 04 04 02 18 08         # time_signature: fine
        00 FF 60 01 05          # a meta type no spec knows: kept as it is
        00 FF 2F 00
    ''')
    repaired, changes = repaired_bytes(data)
    assert changes == [
        'track 0, message 0 (tick 0): meta event 0x59 dropped: strict reading refuses its payload '
        '(KeySignatureError: Could not decode key with 1 flats and mode 255)',
        'track 0, message 1 (tick 3): meta event 0x51 dropped: strict reading refuses its payload '
        '(IndexError: list index out of range); its delta time (3) goes to the next message',
        'track 0, message 2 (tick 7): meta event 0x54 dropped: strict reading refuses its payload '
        '(ValueError: attribute must be in range 0..59); its delta time (4) goes to the next message',
    ]
    assert repaired.tracks == [[MetaMessage('time_signature', numerator=4, denominator=4, time=7),
                                UnknownMetaMessage(0x60, [5]), end()]]


def test_text_the_files_charset_cannot_decode_is_dropped():
    data = smf('00 FF 01 02 C3 A9   00 FF 01 01 E9   ' + END)      # 'é' in UTF-8, then in Latin-1
    repaired, changes = repaired_bytes(data, charset='utf-8')
    assert changes == [
        "track 0, message 1 (tick 0): meta event 0x01 dropped: strict reading refuses its payload "
        "(UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 0: unexpected end of data)"]
    assert repaired.tracks == [[MetaMessage('text', text='é'), end()]]
    assert repaired_bytes(data)[0].tracks == [[MetaMessage('text', text='Ã©'), MetaMessage('text', text='é'), end()]]


def test_unknown_meta_message_that_decodes_is_saved_as_what_strict_reading_gives():
    mid = MidiFile(tracks=[MidiTrack([UnknownMetaMessage(0x51, [7, 0xA1, 0x20], time=2), end()])])
    repaired, changes = repaired_and_checked(mid)
    assert changes == ['track 0, message 0 (tick 2): meta event 0x51 saved as the set_tempo message strict '
                       'reading gives for it']
    assert repaired.tracks == [[MetaMessage('set_tempo', tempo=500000, time=2), end()]]


def test_events_longer_than_strict_reading_takes_are_dropped():
    data = smf(
        hexdump('00 F0') + vlq(1_000_001) + b'\x01' * 1_000_000 + b'\xf7'       # 1,000,000 data bytes: too long
        + hexdump('00 F0') + vlq(1_000_000) + b'\x02' * 999_999 + b'\xf7'       # the longest sysex: kept
        + hexdump('05 FF 01') + vlq(1_000_001) + b'a' * 1_000_001               # too long
        + hexdump('00 FF 7F') + vlq(1_000_000) + b'\x03' * 1_000_000            # the longest meta event: kept
        + hexdump(END))
    repaired, changes = repaired_bytes(data)
    assert changes == [
        'track 0, message 0 (tick 0): sysex dropped: 1000000 data bytes, strict reading takes at most 999999',
        'track 0, message 2 (tick 5): text dropped: a payload of 1000001 bytes, strict reading takes at most '
        '1000000; its delta time (5) goes to the next message',
    ]
    assert repaired.tracks == [[Message('sysex', data=[2] * 999_999),
                                MetaMessage('sequencer_specific', data=[3] * 1_000_000, time=5), end()]]


@pytest.mark.parametrize('fmt, division, expected', [
    (7, 480, ['format 7 is not a MIDI file format: saved as type 1']),
    (0xFFFF, 96, ['format -1 is not a MIDI file format: saved as type 1']),
    (1, 0x8001, ['-32767 ticks per beat cannot time a file: 480 assumed']),        # no SMPTE frame rate
    (1, 0xE800, ['SMPTE timing (24, 0) cannot be saved: 480 ticks per beat assumed']),
    (1, 0xE728, []),                                                                # 25 fps, 40 ticks
])
def test_header_repairs(fmt, division, expected):
    read = tolerant(smf(END, fmt=fmt, division=division))
    repaired, changes = repaired_and_checked(read)
    assert changes == expected
    assert repaired.type == (read.type if fmt <= 2 else 1)
    if expected and 'ticks per beat' in expected[0]:
        assert (repaired.ticks_per_beat, repaired.smpte) == (480, None)
    else:
        assert (repaired.ticks_per_beat, repaired.smpte) == (read.ticks_per_beat, read.smpte)


def test_division_of_0_read_strictly_gets_480_ticks_per_beat():
    read = MidiFile(file=io.BytesIO(smf(END, division=0)))
    assert read.ticks_per_beat == 0
    repaired, changes = repaired_and_checked(read)
    assert changes == ['0 ticks per beat cannot time a file: 480 assumed']
    assert repaired.ticks_per_beat == 480


def many_tracks(fmt, bodies):
    """A MidiFile of len(bodies) tracks, more than a file holds (only a program builds one: tolerant reading
    stops at the 65,535th track), each read from its body."""
    tracks = []
    for start in range(0, len(bodies), MAX_TRACKS):
        tracks += tolerant(chunk(b'MThd', fmt.to_bytes(2, 'big') + b'\x00\x00\x01\xe0') + b''.join(
            chunk(b'MTrk', hexdump(body) if isinstance(body, str) else body)
            for body in bodies[start:start + MAX_TRACKS])).tracks
    return MidiFile(type=fmt, ticks_per_beat=480, tracks=tracks)


NOTE = hexdump(f'00 90 3C 40 0A 80 3C 00 {END}')
EMPTY = hexdump(END)


def test_too_many_tracks_empty_ones_dropped_from_the_end_as_few_as_needed():
    bodies = [NOTE] * MAX_TRACKS + [EMPTY, NOTE, EMPTY, EMPTY]
    bodies[10] = EMPTY
    repaired, changes = repaired_and_checked(many_tracks(1, bodies))
    assert changes == [f'track {MAX_TRACKS + 3}: empty track dropped (a file holds at most 65535 tracks)',
                       f'track {MAX_TRACKS + 2}: empty track dropped (a file holds at most 65535 tracks)',
                       f'track {MAX_TRACKS}: empty track dropped (a file holds at most 65535 tracks)',
                       'track 10: empty track dropped (a file holds at most 65535 tracks)']
    assert len(repaired.tracks) == MAX_TRACKS
    assert repaired.tracks[10] == [note_on(), note_off(10), end()]


def test_too_many_tracks_of_type_1_merged_into_the_last():
    bodies = [NOTE] * (MAX_TRACKS - 1) + ['00 90 3C 40 14 80 3C 00 05 FF 2F 00', '05 91 3E 40 0A 81 3E 00 ' + END,
                                          '00 92 40 40 00 82 40 00 30 FF 2F 00']
    repaired, changes = repaired_and_checked(many_tracks(1, bodies))
    assert changes == [f'tracks {MAX_TRACKS - 1} to {MAX_TRACKS + 1} (3 tracks) merged into one by time '
                       '(a file holds at most 65535 tracks)']
    assert len(repaired.tracks) == MAX_TRACKS
    assert repaired.tracks[-1] == [note_on(), note_on(0, 64, 2), note_off(0, 64, 2), note_on(5, 62, 1),
                                   note_off(10, 62, 1), note_off(5), end(48 - 20)]


def test_too_many_tracks_of_type_2_appended_to_the_last():
    long_end = vlq(MAX_DELTA - 5) + hexdump('FF 2F 00')
    bodies = [NOTE] * (MAX_TRACKS - 1) + [hexdump('00 90 3C 40') + long_end, '0A 91 3E 40 ' + END, NOTE]
    repaired, changes = repaired_and_checked(many_tracks(2, bodies))
    assert changes == [
        f'tracks {MAX_TRACKS - 1} to {MAX_TRACKS + 1} (3 tracks) appended one after another into one '
        '(a file holds at most 65535 tracks)',
        f'track {MAX_TRACKS}, its first message (appended): delta time {MAX_DELTA + 5} is above {MAX_DELTA}; 1 empty '
        'text meta message inserted before it, so that it keeps its tick']
    assert repaired.tracks[-1] == [note_on(), filler(), note_on(5, 62, 1), note_on(), note_off(10), end()]


def test_input_is_not_modified_and_the_repair_holds_copies():
    track = MidiTrack([note_on(3), Message('clock', time=2), MetaMessage('end_of_track', time=1), note_off(4)])
    mid = MidiFile(type=0, tracks=[track, MidiTrack()])
    kept = [(msg, msg.copy()) for msg in track]
    repaired, changes = repaired_and_checked(mid)
    assert len(changes) == 5
    assert mid.type == 0 and mid.tracks == [track, []] and all(msg == copy for msg, copy in kept)
    repaired.tracks[0][0].velocity = 1
    assert track[0].velocity == 64


@pytest.mark.parametrize('time', [-1, 1.5])
def test_a_time_that_is_no_delta_time_raises(time):
    mid = MidiFile(tracks=[MidiTrack([note_on(), note_off(time)])])
    with pytest.raises(ValueError, match=re.escape(f'track 0, message 1: time {time!r} is not a delta time')):
        repair(mid)


def test_repair_file_lists_the_problems_of_reading_then_the_repairs(tmp_path):
    body = hexdump(f'00 90 3C 80   05 F8   05 80 3C 00 {END}')        # velocity 128, a clock
    inner = smf(body) + chunk(b'XFIH', b'junk')
    source = tmp_path / 'broken.rmi'
    source.write_bytes(b'RIFF' + (len(inner) + 12).to_bytes(4, 'little') + b'RMID'
                       + b'data' + len(inner).to_bytes(4, 'little') + inner)
    target = tmp_path / 'repaired.mid'
    assert repair_file(source, target) == [      # offsets in the RIFF file, where the SMF starts at byte 20
        'header, byte 0: RIFF RMID wrapper removed',
        'track 0, byte 42: data byte must be in range 0..127; clipped to 127',
        "header, byte 56: unknown chunk b'XFIH' skipped",
        'track 0, message 1 (tick 5): clock dropped: a real-time message cannot be stored in a file; '
        'its delta time (5) goes to the next message',
    ]
    assert MidiFile(target).tracks == [[Message('note_on', note=60, velocity=127), note_off(10), end()]]
    assert repair_file(target, tmp_path / 'again.mid') == []
    assert (tmp_path / 'again.mid').read_bytes() == target.read_bytes()


def test_repair_file_of_something_that_is_no_midi_file(tmp_path):
    source = tmp_path / 'text.mid'
    source.write_bytes(b'not a MIDI file at all')
    assert repair_file(source, tmp_path / 'out.mid') == ['header, byte 0: no MThd header: not a MIDI file; '
                                                          'no tracks read']
    assert MidiFile(tmp_path / 'out.mid').tracks == []


def test_repair_and_repair_file_are_exported():
    assert midox.midifiles.repair is repair and 'repair_file' in midox.midifiles.__all__


# --- generated broken files ------------------------------------------------------------------------------------

def timeline(track, dropped=()):
    """(tick, message at time 0) for every message of a track but dropped ones, end_of_track and empty text
    events (the fillers repair inserts); then the track's end tick."""
    events, now = [], 0
    for index, msg in enumerate(track):
        now += msg.time
        if index in dropped or msg.type == 'end_of_track' or msg.type == 'text' and not msg.text:
            continue
        events.append((now, msg.copy(time=0)))
    return events, now


def check_repair(data):
    """The properties of the module docstring, for one generated file."""
    mid = tolerant(data)
    repaired, changes = repaired_and_checked(mid)
    again, changes_again = repair(repaired)
    assert changes_again == [] and described(again.tracks) == described(repaired.tracks)
    if len(mid.tracks) > MAX_TRACKS:
        return
    assert len(repaired.tracks) == max(len(mid.tracks), 1 if mid.type == 0 else 0)
    dropped, cut = {}, set()
    for line in changes:
        found = re.match(r'track (\d+), message (\d+) \(tick \d+\): .* (dropped|removed)', line)
        if found:
            dropped.setdefault(int(found[1]), set()).add(int(found[2]))
        found = re.match(r'track (\d+), .* cut to', line)
        if found:
            cut.add(int(found[1]))
    for number, (track, result) in enumerate(zip(mid.tracks, repaired.tracks)):
        for index, msg in enumerate(track):     # what is not kept is named by a line
            if msg.is_realtime or isinstance(msg, UnknownMetaMessage) and msg.type_byte in SPEC_TYPE_BYTES:
                assert index in dropped.get(number, ()), (number, index, msg)
        expected, got = timeline(track, dropped.get(number, ())), timeline(result)
        if number in cut:           # the same messages, the later ones earlier
            assert [msg for _, msg in expected[0]] == [msg for _, msg in got[0]]
        else:                       # every message kept at its tick
            assert expected == got


def mutated(data, mutations):
    data = bytearray(data)
    for kind, position, value in mutations:
        at = position % (len(data) + 1)
        if kind == 'replace' and at < len(data):
            data[at] = value[0]
        elif kind == 'insert':
            data[at:at] = value
        elif kind == 'delete':
            del data[at:at + len(value)]
        elif kind == 'truncate':
            del data[at:]
    return bytes(data)


SEEDS = [path.read_bytes() for path in FILES if 60 <= path.stat().st_size <= 1500][:16]
INSERTS = st.sampled_from([b'\xf8', b'\x00\xfa', b'\x00\xfe', b'\x8f\xff\xff\xff\x7f', b'\xff\xff\xff\xff\xff\x7f',
                           b'\x00\xff\x2f\x00', b'\x00\xff\x59\x02\x01\xff', b'\x00\xff\x51\x01\x07', b'\xff',
                           b'\x90\x80\x80', b'\x00\xf0\x03\x81\x82\xf7', b'MTrk\x00\x00\x00\x04\x00\xff\x2f\x00'])
MUTATION = st.tuples(st.sampled_from(['replace', 'insert', 'delete', 'truncate']), st.integers(0, 1 << 16),
                     st.one_of(st.binary(min_size=1, max_size=6), INSERTS))
FUZZ = settings(max_examples=2 * settings().max_examples, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.skipif(not SEEDS, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
@FUZZ
@given(seed=st.integers(0, max(len(SEEDS) - 1, 0)), mutations=st.lists(MUTATION, min_size=1, max_size=6),
       riff=st.booleans())
def test_mutated_corpus_files_repair(seed, mutations, riff):
    data = mutated(SEEDS[seed], mutations)
    if riff:
        data = b'RIFF\x00\x00\x00\x00RMIDdata' + len(data).to_bytes(4, 'little') + data
    check_repair(data)


DATA = st.integers(0, 127)
EVENT = st.one_of(
    st.builds(lambda status, a, b: bytes([status, a, b]), st.integers(0x80, 0xEF), DATA, DATA),
    st.builds(lambda a, b: bytes([a, b]), DATA, DATA),                          # running status (or stray)
    st.builds(lambda status, a: bytes([status, a]), st.integers(0x80, 0xFF), st.integers(0x80, 0xFF)),    # clipped
    st.sampled_from([b'\xf8', b'\xfa', b'\xfb', b'\xfc', b'\xfe', b'\xf9', b'\xf6', b'\xf1\x10', b'\xf2\x01\x02',
                     b'\xff\x2f\x00', b'\xff\x2f\x01\x00']),
    st.builds(lambda kind, body: bytes([kind]) + vlq(len(body)) + body, st.sampled_from([0xF0, 0xF7]),
              st.binary(max_size=6)),
    st.builds(lambda kind, body: bytes([0xFF, kind]) + vlq(len(body)) + body,
              st.sampled_from([0x00, 0x01, 0x03, 0x20, 0x21, 0x51, 0x54, 0x58, 0x59, 0x7F, 0x60]),
              st.binary(max_size=6)),
)
DELTA = st.one_of(st.integers(0, 100), st.integers(0, 100), st.sampled_from([MAX_DELTA, MAX_DELTA + 1, 0xFFFFFFFF,
                                                                             1 << 32, 1 << 64]))
TRACK = st.lists(st.builds(lambda delta, event: vlq(delta) + event, DELTA, EVENT), max_size=12).map(b''.join)
CHUNK = st.one_of(TRACK.map(lambda body: chunk(b'MTrk', body)),
                  st.builds(lambda body, cut: chunk(b'MTrk', body)[:-cut], TRACK, st.integers(1, 4)),
                  st.builds(lambda name, body: chunk(name, body), st.sampled_from([b'XFIH', b'MThd']),
                            st.binary(max_size=6)),
                  st.binary(min_size=1, max_size=6))


@FUZZ
@given(fmt=st.sampled_from([0, 0, 1, 2, 3, 0xFFFF]), ntracks=st.integers(0, 3),
       division=st.sampled_from([0, 96, 480, 0x7FFF, 0xE728, 0xE800, 0x8001, 0xFFFF]),
       chunks=st.lists(CHUNK, max_size=5))
def test_built_files_repair(fmt, ntracks, division, chunks):
    check_repair(chunk(b'MThd', fmt.to_bytes(2, 'big') + ntracks.to_bytes(2, 'big') + division.to_bytes(2, 'big'))
                 + b''.join(chunks))
