"""Meta events read from files: the built-in types are built in C (midox._core._meta), everything else by
the registered spec in Python. Both are compared with mido 1.3.3 reading the same bytes, and with midox's
own spec path (build_meta_message)."""
import io
import pickle
import sys

import mido
import mido.midifiles.meta as mido_meta
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import midox
import midox.frozen
import midox.midifiles.meta as meta
from midox.midifiles.meta import MetaMessage, UnknownMetaMessage, build_meta_message

from smf_bytes import vlq

BUILT_IN_BYTES = sorted(key for key in meta._META_SPECS if isinstance(key, int))


def file_with_meta(type_byte, payload, delta=0):
    """A type 0 file whose track holds the meta event, then a note and end of track."""
    body = vlq(delta) + bytes([0xFF, type_byte]) + vlq(len(payload)) + payload + b'\x00\x90\x3c\x40\x00\xff\x2f\x00'
    header = b'MThd' + (6).to_bytes(4, 'big') + b'\x00\x00\x00\x01\x01\xe0'
    return header + b'MTrk' + len(body).to_bytes(4, 'big') + body


def read_first(lib, data, charset='latin1'):
    """The first message of the file as lib reads it: (class name, vars), or the exception class name."""
    try:
        msg = lib.MidiFile(file=io.BytesIO(data), charset=charset).tracks[0][0]
    except Exception as error:
        return type(error).__name__
    return type(msg).__name__, vars(msg)


# Any bytes, and small values, which make valid SMPTE times, time and key signatures likely.
payloads = st.one_of(st.binary(max_size=8), st.lists(st.integers(0, 3) | st.integers(0, 60), max_size=6).map(bytes))


@given(type_byte=st.sampled_from(BUILT_IN_BYTES), payload=payloads, delta=st.integers(0, 300))
@example(type_byte=0x58, payload=bytes([4, 29, 24, 8]), delta=0)          # mido's float test refuses 2**29
@example(type_byte=0x58, payload=bytes([4, 28, 24, 8]), delta=0)
@example(type_byte=0x54, payload=bytes([0x7F, 59, 59, 255, 99]), delta=0)
@example(type_byte=0x54, payload=bytes([0x60, 60, 0, 0, 0]), delta=0)
@example(type_byte=0x59, payload=bytes([0xF9, 1]), delta=0)
@example(type_byte=0x59, payload=bytes([0xF8, 0]), delta=0)
@example(type_byte=0x59, payload=bytes([7, 2]), delta=0)
@example(type_byte=0x00, payload=b'\x01', delta=0)
@example(type_byte=0x20, payload=b'', delta=0)
def test_built_in_meta_events_read_as_mido_reads_them(type_byte, payload, delta):
    data = file_with_meta(type_byte, payload, delta)
    expected = read_first(mido, data)
    got = read_first(midox, data)
    assert got == expected
    if isinstance(got, tuple):
        # The spec path gives the same message as the C path.
        assert vars(build_meta_message(type_byte, payload, delta)) == got[1]


@given(type_byte=st.sampled_from([1, 2, 3, 4, 5, 6, 7, 9]), payload=st.binary(max_size=8),
       charset=st.sampled_from(['latin1', 'utf-8', 'ascii', 'cp1252', 'shift_jis', 'utf-16']))
def test_text_events_decode_in_the_file_charset_as_mido(type_byte, payload, charset):
    data = file_with_meta(type_byte, payload)
    assert read_first(midox, data, charset) == read_first(mido, data, charset)


def test_undecodable_text_raises_the_decoding_error_with_the_place():
    data = file_with_meta(0x03, b'\xff\xfe', delta=0)
    with pytest.raises(UnicodeDecodeError):
        mido.MidiFile(file=io.BytesIO(data), charset='utf-8')
    with pytest.raises(UnicodeDecodeError) as info:
        midox.MidiFile(file=io.BytesIO(data), charset='utf-8')
    if sys.version_info >= (3, 11):         # the class cannot carry it in its message: a note says where
        assert info.value.__notes__ == ['(track 0, byte offset 22)']
    tolerant = midox.MidiFile(file=io.BytesIO(data), charset='utf-8', errors='ignore')
    assert tolerant.tracks[0][0] == UnknownMetaMessage(0x03, b'\xff\xfe')
    assert 'UnicodeDecodeError' in tolerant.problems[0].what


def test_messages_built_in_c_are_ordinary_meta_messages():
    data = file_with_meta(0x51, b'\x07\xa1\x20', delta=5)
    msg = midox.MidiFile(file=io.BytesIO(data)).tracks[0][0]
    assert type(msg) is MetaMessage and msg.is_meta
    assert list(vars(msg)) == ['type', 'tempo', 'time']
    assert msg == MetaMessage('set_tempo', tempo=500000, time=5)
    with pytest.raises(ValueError):
        msg.tempo = 2 ** 24                     # assignments are checked as ever
    msg.tempo = 600000
    assert msg.bytes() == [0xFF, 0x51, 3, 0x09, 0x27, 0xC0]
    assert pickle.loads(pickle.dumps(msg)) == msg
    assert midox.frozen.freeze_message(msg).tempo == 600000
    assert msg.copy(time=9).time == 9 and msg.time == 5


@pytest.mark.usefixtures('restore_meta_specs')
def test_a_subclass_of_a_built_in_spec_decodes_with_its_own_code():
    # What musicpy and many scripts do: read files with bad key signatures instead of failing.
    def tolerate_bad_keys(lib):
        class MetaSpec_key_signature(lib.midifiles.meta.MetaSpec_key_signature):
            def decode(self, message, data):
                try:
                    super().decode(message, data)
                except lib.midifiles.meta.KeySignatureError:
                    message.key = None

            def check(self, name, value):
                if value is not None:
                    super().check(name, value)

        lib.midifiles.meta.add_meta_spec(MetaSpec_key_signature)

    good, bad = file_with_meta(0x59, b'\x02\x00'), file_with_meta(0x59, b'\x09\x00')
    assert read_first(midox, bad) == read_first(mido, bad) == 'KeySignatureError'
    before = dict(mido_meta._META_SPECS), dict(mido_meta._META_SPEC_BY_TYPE)
    try:
        for lib in (mido, midox):
            tolerate_bad_keys(lib)
        for data in (good, bad):
            assert read_first(midox, data) == read_first(mido, data)
        assert read_first(midox, bad)[1]['key'] is None
    finally:
        for table, old in zip((mido_meta._META_SPECS, mido_meta._META_SPEC_BY_TYPE), before):
            table.clear()
            table.update(old)
    # The built-in spec back in place: the C path again, and the error again.
    meta.add_meta_spec(meta.MetaSpec_key_signature)
    assert read_first(midox, bad) == 'KeySignatureError'


@pytest.mark.usefixtures('restore_meta_specs')
def test_a_custom_spec_takes_over_a_type_byte_at_once():
    class MetaSpec_tempo_in_bpm(meta.MetaSpec):
        type_byte = 0x51
        attributes = ['bpm']
        defaults = [120]

        def decode(self, message, data):
            message.bpm = round(60_000_000 / (data[0] << 16 | data[1] << 8 | data[2]))

        def encode(self, message):
            return list(round(60_000_000 / message.bpm).to_bytes(3, 'big'))

    data = file_with_meta(0x51, b'\x07\xa1\x20')
    assert midox.MidiFile(file=io.BytesIO(data)).tracks[0][0].tempo == 500000
    meta.add_meta_spec(MetaSpec_tempo_in_bpm)
    msg = midox.MidiFile(file=io.BytesIO(data)).tracks[0][0]
    assert vars(msg) == {'type': 'tempo_in_bpm', 'bpm': 120, 'time': 0}
    # A spec object put straight into the registry is seen too.
    meta._META_SPECS[0x51] = meta._META_SPECS['set_tempo']
    assert midox.MidiFile(file=io.BytesIO(data)).tracks[0][0].tempo == 500000


def test_unknown_type_bytes_keep_payload_and_time():
    data = file_with_meta(0x60, b'\x01\x02', delta=7)
    msg = midox.MidiFile(file=io.BytesIO(data)).tracks[0][0]
    assert type(msg) is UnknownMetaMessage
    assert vars(msg) == {'type': 'unknown_meta', 'type_byte': 0x60, 'data': (1, 2), 'time': 7}


def test_merging_copies_meta_messages_with_their_new_times():
    mid = midox.MidiFile()
    first = midox.MidiTrack([MetaMessage('set_tempo', tempo=400000, time=10), UnknownMetaMessage(0x60, [1], time=5)])
    second = midox.MidiTrack([midox.frozen.FrozenMetaMessage('marker', text='x', time=12)])
    mid.tracks += [first, second]
    merged = midox.merge_tracks(mid.tracks)
    assert [(type(msg).__name__, msg.time) for msg in merged] == [
        ('MetaMessage', 10), ('FrozenMetaMessage', 2), ('UnknownMetaMessage', 3), ('MetaMessage', 0)]
    assert merged[0] is not first[0] and first[0].time == 10 and first[1].time == 5
    assert vars(merged[2]) == {'type': 'unknown_meta', 'type_byte': 0x60, 'data': (1,), 'time': 3}
    seconds = [msg.time for msg in mid]
    assert seconds == [10 * (500000 * 1e-6 / 480), 2 * (400000 * 1e-6 / 480), 3 * (400000 * 1e-6 / 480), 0]


# --- saving: the built-in types are encoded in C too -------------------------------------------------------------

def saved(lib, mid):
    out = io.BytesIO()
    mid.save(file=out)
    return out.getvalue()


def save_outcome(lib, msg, charset='latin1'):
    """The bytes a one-track file holding msg saves to, or the exception class name."""
    mid = lib.MidiFile(charset=charset)
    mid.tracks.append(lib.MidiTrack([msg]))
    try:
        return saved(lib, mid)
    except Exception as error:
        return type(error).__name__


@given(type_byte=st.sampled_from(BUILT_IN_BYTES), payload=payloads)
@example(type_byte=0x58, payload=bytes([4, 28, 24, 8]))
@example(type_byte=0x58, payload=bytes([4, 0, 24, 8]))
@example(type_byte=0x59, payload=bytes([0xF9, 1]))
@example(type_byte=0x54, payload=bytes([0x7F, 59, 59, 255, 99]))
def test_meta_messages_save_as_mido_saves_them(type_byte, payload):
    data = file_with_meta(type_byte, payload)
    try:
        expected = saved(mido, mido.MidiFile(file=io.BytesIO(data)))
    except Exception:
        assume(False)       # a payload mido cannot read: reading is compared above
    assert saved(midox, midox.MidiFile(file=io.BytesIO(data))) == expected


@pytest.mark.parametrize('type_, name, value', [
    ('set_tempo', 'tempo', 2 ** 24), ('set_tempo', 'tempo', 500000.0), ('sequence_number', 'number', 70000),
    ('midi_port', 'port', True), ('channel_prefix', 'channel', 256), ('key_signature', 'key', 'H'),
    ('time_signature', 'denominator', 3), ('time_signature', 'denominator', 2 ** 29),
    ('time_signature', 'numerator', 300), ('smpte_offset', 'frame_rate', 31), ('smpte_offset', 'hours', 40),
    ('smpte_offset', 'frames', -1), ('text', 'text', b'bytes'), ('sequencer_specific', 'data', (256,)),
    ('sequencer_specific', 'data', [1, 2]), ('lyrics', 'text', 'd\u00e9j\u00e0'), ('marker', 'text', '\u266b'),
])
def test_values_a_layout_cannot_hold_are_encoded_by_the_spec(type_, name, value):
    # Only reachable by writing to vars(): assignments are checked. The spec's encode() decides, as in mido.
    outcomes = []
    for lib in (mido, midox):
        msg = lib.MetaMessage(type_)
        vars(msg)[name] = value
        outcomes.append(save_outcome(lib, msg))
    assert outcomes[1] == outcomes[0]


@given(text=st.text(max_size=6), charset=st.sampled_from(['latin1', 'utf-8', 'ascii', 'cp1252', 'utf-16']))
def test_text_is_encoded_in_the_file_charset_as_mido(text, charset):
    outcomes = [save_outcome(lib, lib.MetaMessage('track_name', name=text), charset) for lib in (mido, midox)]
    assert outcomes[1] == outcomes[0]


def test_unknown_meta_messages_save_their_data():
    for msg in (UnknownMetaMessage(0x60, [1, 2, 3], time=4), midox.frozen.FrozenUnknownMetaMessage(0x0A, b'xy')):
        mido_msg = mido.UnknownMetaMessage(msg.type_byte, list(msg.data), time=msg.time)
        assert save_outcome(midox, msg) == save_outcome(mido, mido_msg)


@pytest.mark.usefixtures('restore_meta_specs')
def test_a_subclass_of_a_built_in_spec_encodes_with_its_own_code():
    class MetaSpec_set_tempo(meta.MetaSpec_set_tempo):
        def encode(self, message):
            return [0, 0, 1]            # every tempo saved as 1 microsecond per beat

    msg = MetaMessage('set_tempo', tempo=500000)
    before = save_outcome(midox, msg)
    meta.add_meta_spec(MetaSpec_set_tempo)
    after = save_outcome(midox, msg)
    assert before.replace(b'\xff\x51\x03\x07\xa1\x20', b'\xff\x51\x03\x00\x00\x01') == after != before
