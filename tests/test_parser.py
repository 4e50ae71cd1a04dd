"""midox.Parser, midox.parse and midox.parse_all.

Three layers:
  * unit tests of the public API and its error paths;
  * one explicit test per MIDI 1.0 rule where midox deliberately differs from mido (docs/differences.md, 1 and 2);
  * hypothesis tests: message streams against mido and against the known message list, and random byte
    streams against a small reference model of the MIDI 1.0 rules written here. With two flags switched off
    the same model must reproduce mido 1.3.3 exactly, which shows midox = mido except where docs/differences.md says so.
"""
import collections
import random
import types

import mido
import pytest
from hypothesis import given
from hypothesis import strategies as st

import midox
import midox.parser
import midox.tokenizer

REALTIME = (0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF)
UNDEFINED = (0xF4, 0xF5, 0xF9, 0xFD)


def Msg(type_, **kw):
    return midox.Message(type_, **kw)


def as_vars(messages):
    return [vars(m) for m in messages]


def as_bytes(messages):
    return [list(m.bytes()) for m in messages]


# ---------------------------------------------------------------------------------------------------------------
# Reference model of the MIDI 1.0 byte-stream rules (independent of both midox and mido).
# ---------------------------------------------------------------------------------------------------------------

# Message length (status byte included) by status byte, from the MIDI 1.0 specification.
MODEL_LENGTH = {}
for _status in range(0x80, 0xF0):
    MODEL_LENGTH[_status] = {0x8: 3, 0x9: 3, 0xA: 3, 0xB: 3, 0xC: 2, 0xD: 2, 0xE: 3}[_status >> 4]
MODEL_LENGTH.update({0xF1: 2, 0xF2: 3, 0xF3: 2})


def model_tokens(data, running_status=True, realtime_transparent=True):
    """Split ``data`` into the byte lists of the messages it holds.

    running_status: data bytes after a complete channel message start another message with that status.
    realtime_transparent: F8-FF outside a sysex leave the message being collected alone (when False they
    abandon it, which is what mido 1.3.3 does, F9 and FD included).
    """
    out = []
    status = 0          # status of the message being collected, 0xF0 inside a sysex, 0 for none
    collected = []
    for byte in data:
        if byte < 0x80:
            if status == 0xF0:
                collected.append(byte)
            elif status:
                if len(collected) == MODEL_LENGTH[status]:   # complete already: running status
                    collected = [status]
                collected.append(byte)
                if len(collected) == MODEL_LENGTH[status]:
                    out.append(collected)
                    if status >= 0xF0 or not running_status:
                        status = 0
            # else: a stray data byte, dropped
        elif byte >= 0xF8:
            if not realtime_transparent and status != 0xF0:
                status = 0
            if byte in REALTIME:
                out.append([byte])
        elif byte in (0xF4, 0xF5):
            pass                                             # undefined system common: ignored
        elif byte == 0xF7:
            if status == 0xF0:
                out.append(collected + [0xF7])
            status = 0
        elif byte == 0xF0:
            status, collected = 0xF0, [0xF0]
        elif byte == 0xF6:
            out.append([0xF6])
            status = 0
        else:
            status, collected = byte, [byte]
    return out


def test_model_sanity():
    # The model itself has to be right for the comparisons below to mean anything.
    assert model_tokens(bytes.fromhex('903c403e40')) == [[0x90, 0x3C, 0x40], [0x90, 0x3E, 0x40]]
    assert model_tokens(bytes.fromhex('903c403e40'), running_status=False) == [[0x90, 0x3C, 0x40]]
    assert model_tokens(bytes.fromhex('903cf840')) == [[0xF8], [0x90, 0x3C, 0x40]]
    assert model_tokens(bytes.fromhex('903cf840'), realtime_transparent=False) == [[0xF8]]
    assert model_tokens(bytes.fromhex('f00102f7')) == [[0xF0, 1, 2, 0xF7]]


# ---------------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------------

NOTE_ON = bytes.fromhex('903c40')
NOTE_OFF = bytes.fromhex('803c00')


def test_module_facade():
    assert midox.parser.Parser is midox.Parser
    assert midox.parser.parse is midox.parse
    assert midox.parser.parse_all is midox.parse_all
    assert set(midox.parser.__all__) == {'Parser', 'parse', 'parse_all'}


def test_parser_empty():
    p = midox.Parser()
    assert len(p) == 0
    assert p.pending() == 0
    assert p.get_message() is None
    assert list(p) == []
    assert midox.Parser(None).pending() == 0


@pytest.mark.parametrize('make', [
    bytes, bytearray, list, tuple, lambda b: (x for x in b), lambda b: iter(list(b)), memoryview,
], ids=['bytes', 'bytearray', 'list', 'tuple', 'generator', 'iterator', 'memoryview'])
def test_parser_constructor_data(make):
    p = midox.Parser(make(NOTE_ON + NOTE_OFF))
    assert p.pending() == 2
    assert list(p) == [Msg('note_on', note=60, velocity=64), Msg('note_off', note=60, velocity=0)]


@pytest.mark.parametrize('make', [
    bytes, bytearray, list, tuple, lambda b: (x for x in b), memoryview,
], ids=['bytes', 'bytearray', 'list', 'tuple', 'generator', 'memoryview'])
def test_feed_accepts(make):
    p = midox.Parser()
    p.feed(make(NOTE_ON))
    assert p.get_message() == Msg('note_on', note=60, velocity=64)
    assert p.get_message() is None


def test_feed_empty():
    p = midox.Parser()
    p.feed(b'')
    p.feed([])
    assert p.pending() == 0


def test_feed_byte():
    p = midox.Parser()
    p.feed_byte(0x90)
    p.feed_byte(0x3C)
    assert p.pending() == 0
    p.feed_byte(0x40)
    assert p.pending() == 1
    assert p.get_message() == Msg('note_on', note=60, velocity=64)


def test_feed_byte_accepts_integral_and_bool():
    p = midox.Parser()
    p.feed_byte(0x90)
    p.feed_byte(True)
    p.feed_byte(False)
    p.feed([0x90, True, 0x40])
    assert list(p) == [Msg('note_on', note=1, velocity=0), Msg('note_on', note=1, velocity=64)]


def test_message_split_across_feeds():
    p = midox.Parser()
    p.feed(b'\x90')
    p.feed(bytearray(b'\x3c'))
    assert p.get_message() is None
    p.feed([0x40])
    assert p.get_message() == Msg('note_on', note=60, velocity=64)


def test_get_message_order_and_none():
    p = midox.Parser(NOTE_ON + NOTE_OFF + b'\xf8')
    assert p.get_message().type == 'note_on'
    assert p.pending() == 2
    assert p.get_message().type == 'note_off'
    assert p.get_message().type == 'clock'
    assert p.get_message() is None
    assert p.get_message() is None


def test_pending_and_len():
    p = midox.Parser()
    for n in range(1, 4):
        p.feed(NOTE_ON)
        assert p.pending() == n
        assert len(p) == n
    p.get_message()
    assert p.pending() == len(p) == 2


def test_iteration_consumes_and_resumes():
    p = midox.Parser(NOTE_ON * 3)
    it = iter(p)
    assert next(it) == Msg('note_on', note=60, velocity=64)
    assert p.pending() == 2
    assert len(list(it)) == 2
    assert p.pending() == 0
    assert list(p) == []            # a new iteration stops at once when empty
    p.feed(NOTE_OFF)                # feeding more later works
    assert list(p) == [Msg('note_off', note=60, velocity=0)]
    assert list(p) == []


def test_for_loop_stops_when_empty():
    p = midox.Parser(NOTE_ON + NOTE_OFF)
    seen = []
    for msg in p:
        seen.append(msg.type)
    assert seen == ['note_on', 'note_off']
    assert p.get_message() is None


def test_messages_attribute_is_public_deque():
    p = midox.Parser()
    queue = p.messages
    assert isinstance(queue, collections.deque)
    p.feed(NOTE_ON)
    assert p.messages is queue                  # the same deque is appended to, never replaced
    assert list(queue) == [Msg('note_on', note=60, velocity=64)]
    p.feed(NOTE_OFF)
    assert len(queue) == 2 and queue[-1] == Msg('note_off', note=60, velocity=0)
    queue.popleft()                             # ports take messages straight from the deque
    assert p.pending() == 1
    extra = Msg('clock')
    queue.append(extra)                         # and put messages into it
    assert p.pending() == 2
    assert p.get_message() == Msg('note_off', note=60, velocity=0)
    assert p.get_message() is extra


def test_parsed_messages_are_fresh_with_time_zero():
    a, b = midox.parse_all(NOTE_ON * 2)
    assert a == b and a is not b
    assert a.time == 0
    a.note = 1
    assert b.note == 60


def test_parse_first_or_none():
    assert midox.parse(b'') is None
    assert midox.parse([]) is None
    assert midox.parse(b'\x90\x3c') is None
    assert midox.parse(b'\x3c\x40') is None
    assert midox.parse(NOTE_ON + NOTE_OFF) == Msg('note_on', note=60, velocity=64)
    assert midox.parse([0xF0, 1, 2, 0xF7]) == Msg('sysex', data=(1, 2))
    assert midox.parse(b'\xe5\x00\x40') == Msg('pitchwheel', channel=5, pitch=0)


def test_parse_all():
    assert midox.parse_all(b'') == []
    result = midox.parse_all(NOTE_ON + b'\xf8' + NOTE_OFF + b'\x90')
    assert type(result) is list
    assert result == [Msg('note_on', note=60, velocity=64), Msg('clock'), Msg('note_off', note=60, velocity=0)]
    assert midox.parse_all(x for x in NOTE_ON) == [Msg('note_on', note=60, velocity=64)]


# --- wrong input -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('value', ['a', 1.0, b'\x90', None, [1]])
def test_feed_byte_type_error(value):
    p = midox.Parser()
    with pytest.raises(TypeError, match='message byte must be integer'):
        p.feed_byte(value)


@pytest.mark.parametrize('value', [256, -1, 2 ** 64, -(2 ** 64)])
def test_feed_byte_value_error(value):
    p = midox.Parser()
    with pytest.raises(ValueError):
        p.feed_byte(value)


def test_feed_byte_value_error_message():
    with pytest.raises(ValueError, match='256'):
        midox.Parser().feed_byte(256)


@pytest.mark.parametrize('data', [['a'], [0x90, 1.5], None, 'abc', 5, [None]])
def test_feed_type_error(data):
    with pytest.raises(TypeError):
        midox.Parser().feed(data)


def test_feed_str_message():
    with pytest.raises(TypeError, match='message byte must be integer'):
        midox.Parser().feed('abc')


@pytest.mark.parametrize('data', [[1, 300], [0x90, -1], (0x90, 2 ** 70)])
def test_constructor_value_error(data):
    with pytest.raises(ValueError):
        midox.Parser(data)
    with pytest.raises(ValueError):
        midox.parse_all(data)
    with pytest.raises(ValueError):
        midox.parse(data)


def test_constructor_type_error():
    with pytest.raises(TypeError):
        midox.Parser(['a'])
    with pytest.raises(TypeError):
        midox.Parser('abc')


def test_bytes_before_invalid_item_are_consumed():
    p = midox.Parser()
    with pytest.raises(TypeError):
        p.feed([0x90, 0x3C, 0x40, 0x80, 'x', 0x99])
    assert p.get_message() == Msg('note_on', note=60, velocity=64)     # complete before the bad item
    p.feed([0x3C, 0x00])                                                 # the partial note_off continues
    assert list(p) == [Msg('note_off', note=60, velocity=0)]


def test_bytes_before_invalid_value_are_consumed():
    p = midox.Parser(b'\xf0\x01')
    with pytest.raises(ValueError):
        p.feed([0x02, 0x03, 256, 0x04])
    p.feed([0x05, 0xF7])
    assert list(p) == [Msg('sysex', data=(1, 2, 3, 5))]


def test_error_leaves_parser_usable():
    p = midox.Parser()
    for bad in ('a', 256, -1, None):
        with pytest.raises((TypeError, ValueError)):
            p.feed_byte(bad)
    p.feed(NOTE_ON)
    assert list(p) == [Msg('note_on', note=60, velocity=64)]


# ---------------------------------------------------------------------------------------------------------------
# MIDI 1.0 behaviour that differs from mido 1.3.3 (docs/differences.md, differences 1 and 2)
# ---------------------------------------------------------------------------------------------------------------

def parse_hex(text):
    return midox.parse_all(bytes.fromhex(text))


def test_running_status_note_on():
    assert parse_hex('903c403e40') == [Msg('note_on', note=60, velocity=64), Msg('note_on', note=62, velocity=64)]
    # mido 1.3.3 drops the second one: this is a real difference.
    assert len(mido.parse_all(bytes.fromhex('903c403e40'))) == 1


@pytest.mark.parametrize('status, length', [
    (0x80, 3), (0x91, 3), (0xA2, 3), (0xB3, 3), (0xC4, 2), (0xD5, 2), (0xEF, 3),
])
def test_running_status_every_channel_type(status, length):
    first = [status, 0x11, 0x22][:length]
    tail = [0x01, 0x02, 0x03, 0x04][:2 * (length - 1)]
    expected = [first] + [[status] + tail[i:i + length - 1] for i in range(0, len(tail), length - 1)]
    assert len(expected) == 3
    assert as_bytes(midox.parse_all(first + tail)) == expected


def test_running_status_long_run():
    data = b'\xc3' + bytes(range(100))
    assert midox.parse_all(data) == [Msg('program_change', channel=3, program=n) for n in range(100)]


def test_running_status_incomplete_tail_dropped():
    assert parse_hex('903c403e') == [Msg('note_on', note=60, velocity=64)]


def test_new_channel_status_replaces_running_status():
    assert parse_hex('903c40b0070a0b0c') == [
        Msg('note_on', note=60, velocity=64),
        Msg('control_change', control=7, value=10), Msg('control_change', control=11, value=12)]


@pytest.mark.parametrize('rt', REALTIME)
def test_running_status_survives_realtime(rt):
    rt_msg = midox.Message.from_bytes([rt])
    note = Msg('note_on', note=60, velocity=64)
    note2 = Msg('note_on', note=62, velocity=64)
    # Between the messages of a run, and inside the implied-status message.
    assert midox.parse_all([0x90, 0x3C, 0x40, rt, 0x3E, 0x40]) == [note, rt_msg, note2]
    assert midox.parse_all([0x90, 0x3C, 0x40, 0x3E, rt, 0x40]) == [note, rt_msg, note2]
    assert midox.parse_all([0x90, 0x3C, 0x40, rt, rt, 0x3E, rt, 0x40]) == [note, rt_msg, rt_msg, rt_msg, note2]


@pytest.mark.parametrize('undefined', UNDEFINED)
def test_running_status_survives_undefined(undefined):
    assert midox.parse_all([0x90, 0x3C, 0x40, undefined, 0x3E, undefined, 0x40]) == [
        Msg('note_on', note=60, velocity=64), Msg('note_on', note=62, velocity=64)]


@pytest.mark.parametrize('common, expected', [
    ([0xF0, 0x01, 0xF7], [Msg('sysex', data=(1,))]),
    ([0xF0, 0xF7], [Msg('sysex', data=())]),
    ([0xF7], []),
    ([0xF6], [Msg('tune_request')]),
    ([0xF1, 0x15], [Msg('quarter_frame', frame_type=1, frame_value=5)]),
    ([0xF2, 0x01, 0x02], [Msg('songpos', pos=0x101)]),
    ([0xF3, 0x09], [Msg('song_select', song=9)]),
], ids=['sysex', 'empty_sysex', 'F7', 'tune_request', 'F1', 'F2', 'F3'])
def test_system_common_cancels_running_status(common, expected):
    note = Msg('note_on', note=60, velocity=64)
    # Complete system common: the data bytes after it have no status (and F1/F2/F3 create none).
    assert midox.parse_all([0x90, 0x3C, 0x40] + common + [0x3E, 0x40]) == [note] + expected
    assert midox.parse_all([0x90, 0x3C, 0x40] + common + [0x3E, 0x40, 0x41, 0x42]) == [note] + expected


@pytest.mark.parametrize('common', [0xF1, 0xF2, 0xF3])
def test_incomplete_system_common_cancels_running_status(common):
    # The status byte alone replaces the running status: the data bytes that follow belong to it.
    got = midox.parse_all([0x90, 0x3C, 0x40, common, 0x05, 0x06])
    assert got[0] == Msg('note_on', note=60, velocity=64)
    assert all(m.type != 'note_on' for m in got[1:])


@pytest.mark.parametrize('data, expected', [
    ([0xF1, 0x15, 0x16, 0x17], [Msg('quarter_frame', frame_type=1, frame_value=5)]),
    ([0xF2, 0x01, 0x02, 0x03, 0x04], [Msg('songpos', pos=0x101)]),
    ([0xF3, 0x05, 0x06], [Msg('song_select', song=5)]),
    ([0xF6, 0x05, 0x06], [Msg('tune_request')]),
    ([0xF0, 0x05, 0xF7, 0x06, 0x07, 0xF7], [Msg('sysex', data=(5,))]),
], ids=['F1', 'F2', 'F3', 'F6', 'sysex'])
def test_system_common_creates_no_running_status(data, expected):
    assert midox.parse_all(data) == expected


@pytest.mark.parametrize('rt', REALTIME)
@pytest.mark.parametrize('where', [1, 2])
def test_realtime_inside_channel_message(rt, where):
    data = [0x90, 0x3C, 0x40]
    data.insert(where, rt)
    assert midox.parse_all(data) == [midox.Message.from_bytes([rt]), Msg('note_on', note=60, velocity=64)]


def test_realtime_inside_message_example():
    assert parse_hex('903cf840') == [Msg('clock'), Msg('note_on', note=60, velocity=64)]
    assert as_vars(mido.parse_all(bytes.fromhex('903cf840'))) == [vars(Msg('clock'))]   # mido loses the note


@pytest.mark.parametrize('rt', REALTIME)
def test_realtime_inside_system_common(rt):
    rt_msg = midox.Message.from_bytes([rt])
    assert midox.parse_all([0xF2, rt, 0x01, rt, 0x02]) == [rt_msg, rt_msg, Msg('songpos', pos=0x101)]
    assert midox.parse_all([0xF1, rt, 0x15]) == [rt_msg, Msg('quarter_frame', frame_type=1, frame_value=5)]


@pytest.mark.parametrize('rt', REALTIME)
def test_realtime_inside_sysex(rt):
    rt_msg = midox.Message.from_bytes([rt])
    assert midox.parse_all([0xF0, rt, 0x01, rt, 0x02, rt, 0xF7]) == [rt_msg] * 3 + [Msg('sysex', data=(1, 2))]


def test_realtime_message_types():
    assert [m.type for m in parse_hex('f8fafbfcfeff')] == [
        'clock', 'start', 'continue', 'stop', 'active_sensing', 'reset']


@pytest.mark.parametrize('undefined', UNDEFINED)
def test_undefined_ignored(undefined):
    u = undefined
    note = Msg('note_on', note=60, velocity=64)
    assert midox.parse_all([u]) == []
    assert midox.parse_all([u, 0x90, 0x3C, 0x40, u]) == [note]
    assert midox.parse_all([0x90, u, 0x3C, u, 0x40]) == [note]
    assert midox.parse_all([0xF0, u, 0x01, u, 0x02, u, 0xF7]) == [Msg('sysex', data=(1, 2))]
    assert midox.parse_all([0xF2, 0x01, u, 0x02]) == [Msg('songpos', pos=0x101)]
    assert midox.parse_all([u, 0x3C, 0x40]) == []       # does not turn data into a message


def test_stray_data_dropped():
    assert parse_hex('3c40') == []
    assert parse_hex('00017f903c40') == [Msg('note_on', note=60, velocity=64)]
    assert parse_hex('f8017f') == [Msg('clock')]


def test_sysex_interrupted_by_channel_status():
    assert parse_hex('f00102903c40') == [Msg('note_on', note=60, velocity=64)]
    # the F7 that would have ended it is now a stray F7 (ignored) and cancels running status
    assert parse_hex('f00102903c40f73e40') == [Msg('note_on', note=60, velocity=64)]


@pytest.mark.parametrize('status, tail, expected', [
    (0xF1, [0x15], [Msg('quarter_frame', frame_type=1, frame_value=5)]),
    (0xF2, [0x01, 0x02], [Msg('songpos', pos=0x101)]),
    (0xF3, [0x07], [Msg('song_select', song=7)]),
    (0xF6, [], [Msg('tune_request')]),
    (0xF0, [0x07, 0xF7], [Msg('sysex', data=(7,))]),
    (0xC1, [0x07], [Msg('program_change', channel=1, program=7)]),
])
def test_sysex_interrupted_by_status(status, tail, expected):
    assert midox.parse_all([0xF0, 0x01, 0x02, status] + tail) == expected
    # The rest of the abandoned sysex: data bytes (a running-status message after a channel message, stray
    # otherwise) and an F7 that is now stray.
    rest = [Msg('program_change', channel=1, program=3)] if status == 0xC1 else []
    assert midox.parse_all([0xF0, 0x01, 0x02, status] + tail + [0x03, 0xF7]) == expected + rest


def test_stray_f7_ignored():
    assert parse_hex('f7') == []
    assert parse_hex('f7903c40f7') == [Msg('note_on', note=60, velocity=64)]
    assert parse_hex('90f73c40') == []          # F7 abandons the note_on being collected


def test_empty_sysex():
    assert parse_hex('f0f7') == [Msg('sysex', data=())]
    assert parse_hex('f0f7f0f7') == [Msg('sysex', data=())] * 2


def test_sysex_data():
    assert parse_hex('f0007f01f7') == [Msg('sysex', data=(0, 127, 1))]


def test_incomplete_sysex_is_pending():
    p = midox.Parser(bytes.fromhex('f00102'))
    assert p.pending() == 0
    p.feed(bytes.fromhex('03f7'))
    assert list(p) == [Msg('sysex', data=(1, 2, 3))]


def test_tune_request_alone():
    assert parse_hex('f6f6') == [Msg('tune_request')] * 2


def test_partial_message_abandoned_by_new_status():
    assert parse_hex('903c803c00') == [Msg('note_off', note=60, velocity=0)]


# ---------------------------------------------------------------------------------------------------------------
# Hypothesis: streams of valid messages
# ---------------------------------------------------------------------------------------------------------------

_d7 = st.integers(0, 127)
_ch = st.integers(0, 15)
MESSAGE_ARGS = {
    'note_off': dict(channel=_ch, note=_d7, velocity=_d7),
    'note_on': dict(channel=_ch, note=_d7, velocity=_d7),
    'polytouch': dict(channel=_ch, note=_d7, value=_d7),
    'control_change': dict(channel=_ch, control=_d7, value=_d7),
    'program_change': dict(channel=_ch, program=_d7),
    'aftertouch': dict(channel=_ch, value=_d7),
    'pitchwheel': dict(channel=_ch, pitch=st.integers(-8192, 8191)),
    'sysex': dict(data=st.lists(_d7, max_size=12).map(tuple)),
    'quarter_frame': dict(frame_type=st.integers(0, 7), frame_value=st.integers(0, 15)),
    'songpos': dict(pos=st.integers(0, 16383)),
    'song_select': dict(song=_d7),
    'tune_request': {},
    'clock': {}, 'start': {}, 'continue': {}, 'stop': {}, 'active_sensing': {}, 'reset': {},
}
assert len(MESSAGE_ARGS) == 18


def _message(type_):
    return st.fixed_dictionaries(MESSAGE_ARGS[type_]).map(lambda kw: midox.Message(type_, **kw))


messages_st = st.sampled_from(sorted(MESSAGE_ARGS)).flatmap(_message)


def test_all_message_types_covered():
    assert set(MESSAGE_ARGS) == set(mido.messages.specs.SPEC_BY_TYPE)


def encode(msgs, compress):
    """Concatenate the messages' bytes; where compress[i], leave out a repeated channel status byte.

    Returns the stream and, for each message, the index of its last byte."""
    stream, ends = [], []
    running = None
    for msg, squeeze in zip(msgs, compress):
        data = msg.bytes()
        status = data[0]
        if status < 0xF0:
            if squeeze and status == running:
                data = data[1:]
            running = status
        elif status < 0xF8:
            running = None                  # system common (sysex included) cancels running status
        stream.extend(data)
        ends.append(len(stream) - 1)
    return stream, ends


@given(st.lists(messages_st, max_size=25))
def test_valid_stream_same_as_mido(msgs):
    stream, _ = encode(msgs, [False] * len(msgs))
    got = midox.parse_all(bytes(stream))
    assert as_vars(got) == as_vars(msgs)
    assert as_vars(got) == as_vars(mido.parse_all(stream))


@given(st.lists(st.tuples(messages_st, st.booleans()), max_size=25))
def test_valid_stream_running_status(items):
    msgs = [m for m, _ in items]
    stream, _ = encode(msgs, [c for _, c in items])
    assert as_vars(midox.parse_all(stream)) == as_vars(msgs)


@given(st.lists(messages_st, min_size=1, max_size=25))
def test_valid_stream_full_running_status(msgs):
    stream, _ = encode(msgs, [True] * len(msgs))
    assert midox.parse_all(bytes(stream)) == msgs


@given(st.lists(st.tuples(messages_st, st.booleans()), max_size=20), st.data())
def test_valid_stream_with_realtime_inserted(items, data):
    msgs = [m for m, _ in items]
    stream, ends = encode(msgs, [c for _, c in items])
    inserts = data.draw(st.lists(st.tuples(st.integers(0, len(stream)), st.sampled_from(REALTIME + UNDEFINED)),
                                 max_size=15))
    inserts.sort(key=lambda t: t[0])        # stable: equal positions keep their drawn order
    out, expected = [], []
    end_to_msg = dict(zip(ends, msgs))
    k = 0
    for pos in range(len(stream) + 1):
        while k < len(inserts) and inserts[k][0] == pos:
            byte = inserts[k][1]
            out.append(byte)
            if byte in REALTIME:
                expected.append(midox.Message.from_bytes([byte]))
            k += 1
        if pos < len(stream):
            out.append(stream[pos])
            if pos in end_to_msg:
                expected.append(end_to_msg[pos])
    assert as_vars(midox.parse_all(bytes(out))) == as_vars(expected)
    assert [list(t) for t in midox.tokenizer.Tokenizer(out)] == as_bytes(expected)


# ---------------------------------------------------------------------------------------------------------------
# Hypothesis: random byte streams against the reference model, and the model against mido
# ---------------------------------------------------------------------------------------------------------------

_status_bytes = st.sampled_from([0x80, 0x95, 0xA0, 0xB1, 0xC2, 0xD3, 0xE4, 0xF0, 0xF1, 0xF2, 0xF3, 0xF6, 0xF7]
                                + list(REALTIME) + list(UNDEFINED))
# Mostly data bytes, so that messages complete and running status gets exercised.
midi_ish = st.lists(st.one_of(_d7, _d7, _d7, _status_bytes, st.integers(0x80, 0xFF)), max_size=300).map(bytes)
any_bytes = st.one_of(st.binary(max_size=300), midi_ish)


def check_against_model(data):
    expected = model_tokens(data)
    got = midox.parse_all(data)
    assert as_bytes(got) == expected
    assert [list(t) for t in midox.tokenizer.Tokenizer(data)] == expected
    # decoding agrees with mido's decoding of the same message bytes
    assert as_vars(got) == [vars(mido.Message.from_bytes(t)) for t in expected]


def check_model_matches_mido(data):
    mido_model = model_tokens(data, running_status=False, realtime_transparent=False)
    assert [list(t) for t in mido.tokenizer.Tokenizer(data)] == mido_model
    assert as_bytes(mido.parse_all(data)) == mido_model


@given(any_bytes)
def test_random_stream_matches_model(data):
    check_against_model(data)


@given(any_bytes)
def test_model_without_midi10_rules_is_mido(data):
    check_model_matches_mido(data)


@given(any_bytes)
def test_midox_equals_mido_where_rules_agree(data):
    full = model_tokens(data)
    if full == model_tokens(data, running_status=False, realtime_transparent=False):
        assert as_vars(midox.parse_all(data)) == as_vars(mido.parse_all(data))


def test_model_matches_mido_known_cases():
    for text in ['903c403e40', '903cf840', '90f93c40', '90fd3c40', '90f43c40', 'f001f902f7', 'f0f7', 'f7',
                 'f00102903c40', 'f1010203', 'f6f6', '903c40f63e40']:
        check_model_matches_mido(bytes.fromhex(text))
        check_against_model(bytes.fromhex(text))


@given(any_bytes, st.lists(st.integers(1, 40), min_size=1, max_size=30))
def test_chunked_feeding_same_result(data, sizes):
    whole = midox.parse_all(data)

    one_by_one = midox.Parser()
    for byte in data:
        one_by_one.feed_byte(byte)
    assert list(one_by_one) == whole

    chunked = midox.Parser()
    got = []
    pos = i = 0
    kinds = [bytes, bytearray, list, lambda c: (x for x in c), tuple]
    while pos < len(data):
        size = sizes[i % len(sizes)]
        chunked.feed(kinds[i % len(kinds)](data[pos:pos + size]))
        pos += size
        i += 1
        while (msg := chunked.get_message()) is not None:    # take messages between chunks
            got.append(msg)
    assert got == whole
    assert chunked.pending() == 0


@given(any_bytes)
def test_parse_is_first_of_parse_all(data):
    all_ = midox.parse_all(data)
    first = midox.parse(data)
    assert first == (all_[0] if all_ else None)


# ---------------------------------------------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------------------------------------------

@given(st.binary(max_size=1000))
def test_random_bytes_never_raise(data):
    p = midox.Parser()
    p.feed(data)
    for byte in data:
        p.feed_byte(byte)
    for msg in p:
        assert isinstance(msg, midox.Message)
        midox.Message.from_bytes(msg.bytes())


def test_every_single_byte_value():
    for value in range(256):
        got = midox.parse_all([value])
        assert as_bytes(got) == ([[value]] if value in REALTIME or value == 0xF6 else [])


def test_large_sysex():
    payload = bytes(b & 0x7F for b in random.Random(7).randbytes(100_000))
    got = midox.parse_all(b'\xf0' + payload + b'\xf7')
    assert len(got) == 1
    assert got[0].type == 'sysex'
    assert bytes(got[0].data) == payload


def test_large_sysex_fed_in_pieces_with_realtime():
    payload = bytes(i % 128 for i in range(100_000))
    p = midox.Parser(b'\xf0')
    for start in range(0, len(payload), 4096):
        p.feed(payload[start:start + 4096])
        p.feed_byte(0xF8)
    p.feed(b'\xf7')
    got = list(p)
    assert [m.type for m in got[:-1]] == ['clock'] * len(range(0, len(payload), 4096))
    assert bytes(got[-1].data) == payload


def test_large_sysex_then_small_one():
    # The sysex buffer is reused: a short sysex after a long one must not carry old bytes.
    got = midox.parse_all(b'\xf0' + b'\x01' * 100_000 + b'\xf7\xf0\x02\xf7')
    assert len(got[0].data) == 100_000
    assert got[1] == Msg('sysex', data=(2,))


def test_megabyte_random_stream():
    data = random.Random(1234).randbytes(1 << 20)
    got = midox.parse_all(data)
    assert as_bytes(got) == model_tokens(data)


def test_megabyte_running_status_stream():
    data = b'\x90' + b'\x3c\x40' * 500_000
    got = midox.parse_all(data)
    assert len(got) == 500_000
    assert got[0] == got[-1] == Msg('note_on', note=60, velocity=64)


def test_feed_generator_type():
    # parse_all accepts a generator object, not just sequences
    assert isinstance((x for x in b''), types.GeneratorType)
    assert midox.parse_all(x for x in b'\xf8\xf8') == [Msg('clock')] * 2


# --- max_sysex: the scanner's bound on a sysex being collected ---------------------------------------------

def test_max_sysex_keeps_what_fits_and_drops_the_rest():
    parser = midox.Parser(max_sysex=5)          # F0, three data bytes, F7
    parser.feed(bytes.fromhex('F0 01 02 03 F7   F0 01 02 03 F8 04 05 F7   90 3C 40'))
    assert [vars(msg) for msg in parser] == [
        vars(midox.Message('sysex', data=(1, 2, 3))),
        vars(midox.Message('clock')),            # real time inside the dropped sysex still arrives
        vars(midox.Message('note_on', note=60, velocity=64)),
    ]
    assert parser.dropped_sysex == 1


def test_max_sysex_bounds_an_endless_sysex():
    parser = midox.Parser(max_sysex=1000)
    parser.feed(b'\xf0')
    for _ in range(100):
        parser.feed(bytes(10_000))
        assert parser.sysex_size <= 1000
    assert parser.dropped_sysex == 1 and parser.sysex_size == 0 and not parser.messages
    parser.feed(b'\xf7\xf0\x01\xf7')            # the next sysex is collected again
    assert [msg.data for msg in parser] == [(1,)]


def test_max_sysex_zero_drops_every_sysex_and_none_means_no_limit():
    parser = midox.Parser(max_sysex=0)
    parser.feed(b'\xf0\xf7\xf0\x01\xf7\xc0\x05')
    assert [msg.type for msg in parser] == ['program_change'] and parser.dropped_sysex == 2
    unlimited = midox.Parser(b'\xf0' + bytes(200_000) + b'\xf7')
    assert len(unlimited.get_message().data) == 200_000 and unlimited.dropped_sysex == 0
    with pytest.raises(ValueError):
        midox.Parser(max_sysex=-1)
