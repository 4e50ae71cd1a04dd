"""Fuzzing the MIDI file decoder (midox._core._smf through MidiFile) under hypothesis.

Inputs: small files of the shared corpus with random mutations (bytes flipped, replaced, inserted, deleted,
the file truncated, ranges duplicated, chunk and event lengths set to huge values), pure random bytes, and
a valid header followed by random chunks of random events. For each input:

- strict reading returns or raises one of the classes mido can raise (OSError, EOFError, ValueError,
  IndexError, KeyError, KeySignatureError), and exactly what mido does: the same class, or the same tracks.
  The oracle is mido 1.3.3 with difference 8 of docs/differences.md applied (running status only from channel
  messages, unknown meta events keep their delta time), the only place where midox reads differently on purpose;
- tolerant reading (errors='ignore') never raises, places every problem inside the file, agrees with strict
  reading where that succeeds, and its result saves (unless it holds messages no file can hold) and reloads
  to the same tracks;
- nothing takes long: every read is timed, and hypothesis has a per-example deadline.

The corpus lives beside the project (../shared/corpus) or where MIDOX_CORPUS points; without it the mutation
test is skipped (the other two do not need it).
"""
import io
import os
import pathlib
import time
import warnings

import mido
import mido.midifiles.midifiles as mido_midifiles
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import midox
from midox.midifiles.tracks import fix_end_of_track

from smf_bytes import vlq

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get('MIDOX_CORPUS', ROOT.parent / 'shared' / 'corpus'))
# A handful of small files of every kind (type 0 and 1, running status, sysex, meta events).
SEEDS = [path.read_bytes() for path in sorted(
    (path for path in CORPUS.glob('*') if path.suffix.lower() in ('.mid', '.midi', '.kar', '.rmi')
     and 60 <= path.stat().st_size <= 700), key=lambda path: (path.stat().st_size, path.name))[:12]]

STRICT_ERRORS = (OSError, EOFError, ValueError, IndexError, KeyError, midox.KeySignatureError)
MAX_DELTA = 0x0FFFFFFF      # the largest delta time that fits the 4 bytes a file allows
SLOW = 1.0                  # seconds: no single read may take this long
# Three times the profile's examples (dev 300, ci 900): each one takes a few milliseconds.
FUZZ = settings(max_examples=3 * settings().max_examples, deadline=2000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the oracle: mido 1.3.3 with difference 8 (docs/differences.md) -----------------------------------------

def _read_track_fix_4(infile, debug=False, clip=False):
    """mido's read_track, line for line, except that only channel messages (status < 0xF0) set running
    status, as difference 8 (docs/differences.md) says."""
    track = mido.MidiTrack()
    name, size = mido_midifiles.read_chunk_header(infile)
    if name != b'MTrk':
        raise OSError('no MTrk header at start of track')
    start = infile.tell()
    last_status = None
    while True:
        if infile.tell() - start == size:
            break
        delta = mido_midifiles.read_variable_int(infile)
        status_byte = mido_midifiles.read_byte(infile)
        if status_byte < 0x80:
            if last_status is None:
                raise OSError('running status without last_status')
            peek_data = [status_byte]
            status_byte = last_status
        else:
            if status_byte < 0xF0:      # docs/differences.md, difference 8 (mido: status_byte != 0xFF)
                last_status = status_byte
            peek_data = []
        if status_byte == 0xFF:
            msg = mido_midifiles.read_meta_message(infile, delta)
        elif status_byte in (0xF0, 0xF7):
            msg = mido_midifiles.read_sysex(infile, delta, clip)
        else:
            msg = mido_midifiles.read_message(infile, status_byte, peek_data, delta, clip)
        track.append(msg)
    return track


_MIDO_READ_FILE_HEADER = mido_midifiles.read_file_header


def _read_file_header_unsigned(infile):
    """mido's read_file_header, with the track count unsigned, as difference 8 (docs/differences.md) says."""
    fmt, ntracks, division = _MIDO_READ_FILE_HEADER(infile)
    return fmt, ntracks & 0xFFFF, division


@pytest.fixture(scope='module', autouse=True)
def mido_with_fix_4():
    original_read_track = mido_midifiles.read_track
    original_build = mido_midifiles.build_meta_message

    def build(meta_type, data, delta=0):
        msg = original_build(meta_type, data, delta)
        if isinstance(msg, mido.UnknownMetaMessage):
            vars(msg)['time'] = delta
        return msg
    mido_midifiles.read_track = _read_track_fix_4
    mido_midifiles.build_meta_message = build
    mido_midifiles.read_file_header = _read_file_header_unsigned
    yield
    mido_midifiles.read_track = original_read_track
    mido_midifiles.build_meta_message = original_build
    mido_midifiles.read_file_header = _MIDO_READ_FILE_HEADER


# --- helpers -------------------------------------------------------------------------------------------------

def describe(msg):
    values = {name: tuple(value) if isinstance(value, list) else value for name, value in vars(msg).items()}
    return type(msg).__name__.replace('Frozen', ''), values


def described(tracks):
    return [[describe(msg) for msg in track] for track in tracks]


def timed(function):
    """(result or None, exception or None), failing the test if the call took SLOW seconds or more."""
    began = time.perf_counter()
    try:
        result, error = function(), None
    except Exception as raised:     # noqa: BLE001 - the outcome is compared afterwards
        result, error = None, raised
    elapsed = time.perf_counter() - began
    assert elapsed < SLOW, f'reading took {elapsed:.2f} s'
    return result, error


def same_class(ours, theirs):
    """midox raises mido's class, or its own namesake of a mido class (KeySignatureError)."""
    expected = type(theirs)
    if expected.__module__.startswith('mido'):
        expected = getattr(midox, expected.__name__)
    return type(ours) is expected


def savable(track):
    """Whether every message of a track can go into a file (times of at most 4 bytes; no real-time)."""
    return all(0 <= msg.time <= MAX_DELTA and not (not msg.is_meta and msg.is_realtime)
               for msg in fix_end_of_track(track))


def strict_as_mido(data, **options):
    """Read data strictly with midox and with the oracle: the same class raised, or the same file read.
    Return midox's file (None if it raised) and the oracle's."""
    ours, our_error = timed(lambda: midox.MidiFile(file=io.BytesIO(data), **options))
    theirs, their_error = timed(lambda: mido.MidiFile(file=io.BytesIO(data), **options))
    if our_error is not None:
        assert isinstance(our_error, STRICT_ERRORS), repr(our_error)
        assert their_error is not None, f'mido reads what midox rejects with {our_error!r}'
        assert same_class(our_error, their_error), f'midox {our_error!r}, mido {their_error!r}'
    else:
        assert their_error is None, f'midox reads what mido rejects with {their_error!r}'
        assert described(ours.tracks) == described(theirs.tracks)
        assert ours.type == theirs.type
        if ours.smpte is None:
            assert ours.ticks_per_beat == theirs.ticks_per_beat
        assert ours.problems == []
    return ours, theirs


def outcome(function):
    try:
        return 'ok', function()
    except Exception as error:      # noqa: BLE001 - compared with the other library's outcome
        return 'raised', type(error).__name__


def check_as_mido_after_reading(ours, theirs):
    """A file that both read strictly iterates and saves as mido does (where the differences docs/differences.md
    lists do not apply)."""
    if ours.type != 2 and ours.smpte is None and ours.ticks_per_beat != 0:     # mido divides by zero
        assert outcome(lambda: [describe(msg) for msg in ours]) == outcome(lambda: [describe(msg) for msg in theirs])
    ours_saved = outcome(lambda: saved_bytes(ours))
    theirs_saved = outcome(lambda: saved_bytes(theirs))
    if ours_saved[0] == theirs_saved[0] == 'ok' or ours_saved[1] == theirs_saved[1] == 'ValueError':
        assert ours_saved == theirs_saved
        return
    types = {msg.type for track in ours.tracks for msg in track}
    if ours_saved[0] == 'ok':       # difference 8 (docs/differences.md): mido refuses tune_request
        assert 'tune_request' in types and theirs_saved == ('raised', 'ValueError')
    else:                           # difference 8: midox refuses reset and active_sensing; 4-byte delta times
        assert ours_saved == ('raised', 'ValueError'), ours_saved
        assert types & {'reset', 'active_sensing'} or not all(savable(track) for track in ours.tracks)


def saved_bytes(mid):
    out = io.BytesIO()
    mid.save(file=out)
    return out.getvalue()


def check(data):
    """Every property of the module docstring, for one input."""
    # Strict, against the oracle; with clip=True and with a charset that can fail too.
    ours, theirs = strict_as_mido(data)
    if ours is not None:
        check_as_mido_after_reading(ours, theirs)
    strict_as_mido(data, clip=True)
    strict_as_mido(data, charset='utf-8')

    # Tolerant.
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        mid, error = timed(lambda: midox.MidiFile(file=io.BytesIO(data), errors='ignore'))
    assert error is None, repr(error)
    for problem in mid.problems:
        assert problem.track is None or 0 <= problem.track < len(mid.tracks), problem
        assert 0 <= problem.offset <= len(data), problem
    if ours is not None:
        # strict reading read the declared tracks; tolerant reading reads them alike, and maybe more
        assert described(mid.tracks[:len(ours.tracks)]) == described(ours.tracks)
        assert all(problem.track is None or problem.track >= len(ours.tracks) for problem in mid.problems)

    # What tolerant reading returns saves and reloads.
    out = io.BytesIO()
    try:
        mid.save(file=out)
    except ValueError:
        assert not all(savable(track) for track in mid.tracks) or (mid.type == 0 and len(mid.tracks) != 1)
        return
    reloaded, error = timed(lambda: midox.MidiFile(file=io.BytesIO(out.getvalue()), errors='ignore'))
    assert error is None, repr(error)
    assert described(reloaded.tracks) == described([list(fix_end_of_track(track)) for track in mid.tracks])
    assert (reloaded.type, reloaded.ticks_per_beat, reloaded.smpte) == (mid.type, mid.ticks_per_beat, mid.smpte)
    assert all(problem.track is not None for problem in reloaded.problems)      # the structure is sound now


# --- mutations -----------------------------------------------------------------------------------------------

def chunk_length_offsets(data):
    """Offsets of the 4-byte length fields of the MThd and MTrk chunks found in data."""
    offsets = []
    for name in (b'MThd', b'MTrk'):
        at = data.find(name)
        while at >= 0:
            offsets.append(at + 4)
            at = data.find(name, at + 1)
    return [offset for offset in offsets if offset + 4 <= len(data)]


def event_length_offsets(data):
    """Offsets where a sysex (F0, F7) or meta (FF type) event's length may start."""
    return [index + (2 if data[index] == 0xFF else 1) for index in range(len(data) - 2)
            if data[index] in (0xF0, 0xF7, 0xFF)]


HUGE = [0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 1_000_001, 1_000_000, 65536]
HUGE_VLQ = [b'\x8f\xff\xff\xff\x7f', b'\xff\xff\xff\x7f', b'\xbd\x84\x41', b'\xbd\x84\x40', b'\x84\x00',
            b'\xff' * 12 + b'\x7f']

MUTATION = st.one_of(
    st.tuples(st.just('flip'), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.tuples(st.just('replace'), st.integers(0, 1 << 20), st.integers(0, 255)),
    st.tuples(st.just('insert'), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just('delete'), st.integers(0, 1 << 20), st.integers(1, 16)),
    st.tuples(st.just('truncate'), st.integers(0, 1 << 20)),
    st.tuples(st.just('duplicate'), st.integers(0, 1 << 20), st.integers(1, 64), st.integers(0, 1 << 20)),
    st.tuples(st.just('chunk length'), st.integers(0, 1 << 20), st.sampled_from(HUGE + [0, 1, 5])),
    st.tuples(st.just('event length'), st.integers(0, 1 << 20), st.sampled_from(HUGE_VLQ)),
    st.tuples(st.just('status'), st.integers(0, 1 << 20),
              st.sampled_from([0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFD, 0xFE, 0xFF, 0x80])),
)


def mutate(data, mutation):
    """Apply one mutation; positions are taken modulo what they index."""
    kind, position, *args = mutation
    data = bytearray(data)
    if not data:
        return bytes(args[0]) if kind == 'insert' else b''
    at = position % len(data)
    if kind == 'flip':
        data[at] ^= 1 << args[0]
    elif kind in ('replace', 'status'):
        data[at] = args[0]
    elif kind == 'insert':
        data[at:at] = args[0]
    elif kind == 'delete':
        del data[at:at + args[0]]
    elif kind == 'truncate':
        del data[at:]
    elif kind == 'duplicate':
        piece = data[at:at + args[0]]
        target = args[1] % (len(data) + 1)
        data[target:target] = piece
    elif kind == 'chunk length':
        offsets = chunk_length_offsets(data)
        if offsets:
            offset = offsets[position % len(offsets)]
            data[offset:offset + 4] = args[0].to_bytes(4, 'big')
    elif kind == 'event length':
        offsets = event_length_offsets(data)
        if offsets:
            offset = offsets[position % len(offsets)]
            data[offset:offset + 1] = args[0]
    return bytes(data)


# --- the tests -----------------------------------------------------------------------------------------------

@pytest.mark.skipif(not SEEDS, reason=f'no MIDI corpus at {CORPUS} (set MIDOX_CORPUS)')
@FUZZ
@given(seed=st.sampled_from(range(max(len(SEEDS), 1))), mutations=st.lists(MUTATION, min_size=1, max_size=5))
def test_mutated_corpus_files(seed, mutations):
    data = SEEDS[seed]
    for mutation in mutations:
        data = mutate(data, mutation)
    check(data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), st.binary(max_size=40).map(lambda tail: b'MThd' + tail)))
def test_random_bytes(data):
    check(data)


# Events: mostly well formed (channel messages with and without running status, sysex, meta events of every
# type with payloads of any length), some random bytes.
data_byte = st.integers(0, 127)
CHANNEL = st.builds(lambda status, first, second, running: bytes([first, second]) if running
                    else bytes([status, first, second]),
                    st.integers(0x80, 0xEF), data_byte, data_byte, st.booleans())
SYSEX = st.builds(lambda kind, payload, end: bytes([kind]) + vlq(len(payload) + end) + payload + b'\xf7' * end,
                  st.sampled_from([0xF0, 0xF7]), st.binary(max_size=12), st.integers(0, 1))
META = st.builds(lambda type_byte, payload: bytes([0xFF, type_byte]) + vlq(len(payload)) + payload,
                 st.sampled_from([0x00, 0x01, 0x03, 0x05, 0x20, 0x21, 0x2F, 0x51, 0x54, 0x58, 0x59, 0x7F, 0x60]),
                 st.binary(max_size=8))
SYSTEM = st.sampled_from([b'\xf1\x10', b'\xf2\x01\x02', b'\xf3\x05', b'\xf6', b'\xf8', b'\xfa', b'\xfe', b'\xf4'])
EVENT = st.builds(lambda delta, body: vlq(delta) + body,
                  st.one_of(st.integers(0, 200), st.integers(0, 1 << 32)),
                  st.one_of(CHANNEL, CHANNEL, CHANNEL, SYSEX, META, SYSTEM, st.binary(min_size=1, max_size=4)))
TRACK_BODY = st.lists(EVENT, max_size=20).map(b''.join)
CHUNK = st.one_of(
    st.builds(lambda body, end: b'MTrk' + len(body + end).to_bytes(4, 'big') + body + end,
              TRACK_BODY, st.sampled_from([b'\x00\xff\x2f\x00', b''])),
    st.builds(lambda body, size: b'MTrk' + size.to_bytes(4, 'big') + body, TRACK_BODY, st.integers(0, 64)),
    st.builds(lambda name, body: name + len(body).to_bytes(4, 'big') + body,
              st.sampled_from([b'XFIH', b'MThd', b'RIFF']), st.binary(max_size=10)),
)


@FUZZ
@given(fmt=st.integers(0, 2), ntracks=st.integers(0, 5), division=st.sampled_from([0, 96, 480, 0x7FFF, 0xE728, 0x8001,
                                                                                   0xE250, 0xFFFF]),
       chunks=st.lists(CHUNK, max_size=5), tail=st.binary(max_size=8))
def test_valid_header_then_random_chunks(fmt, ntracks, division, chunks, tail):
    data = (b'MThd\x00\x00\x00\x06' + fmt.to_bytes(2, 'big') + ntracks.to_bytes(2, 'big') + division.to_bytes(2, 'big')
            + b''.join(chunks) + tail)
    check(data)


def test_mutate_is_deterministic_and_covers_every_kind():
    seed = (b'MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0MTrk\x00\x00\x00\x0b'
            b'\x00\xf0\x02\x01\xf7\x00\xff\x01\x01A\x00')
    assert mutate(seed, ('flip', 0, 0)) == b'LThd' + seed[4:]
    assert mutate(seed, ('truncate', 10)) == seed[:10]
    assert mutate(seed, ('duplicate', 0, 4, 0)) == b'MThd' + seed
    assert mutate(seed, ('delete', 4, 4)) == seed[:4] + seed[8:]
    assert mutate(seed, ('chunk length', 1, 0xFFFFFFFF))[18:22] == b'\xff\xff\xff\xff'
    assert mutate(seed, ('event length', 0, b'\xbd\x84\x41'))[23:28] == b'\xf0\xbd\x84\x41\x01'
    assert chunk_length_offsets(seed) == [4, 18]
    for data in [mutate(seed, mutation) for mutation in [('status', 22, 0xF4), ('event length', 1, b'\x84\x00')]]:
        check(data)
