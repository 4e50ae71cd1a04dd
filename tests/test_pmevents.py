"""midox._core._pmevents: PortMidi's 32-bit event words packed from and unpacked to MIDI bytes (no PortMidi needed)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import midox
from midox._core import _pmevents
from midox._core._pmevents import pack, unpack
from midox.messages.specs import SPEC_BY_STATUS


def words(data):
    """Four bytes a word, low byte first: how PortMidi carries sysex (and, one word each, short messages)."""
    return [int.from_bytes(bytes(data[i:i + 4]), "little") for i in range(0, len(data), 4)]


def unpack_in_parts(packed, cuts, in_sysex=False):
    """Unpack the words in parts split at the given indexes, carrying the sysex state from part to part."""
    data, start = b"", 0
    for end in [*cuts, len(packed)]:
        chunk, in_sysex = unpack(packed[start:end], in_sysex)
        data += chunk
        start = end
    return data, in_sysex


def test_api():
    assert _pmevents.__all__ == ["pack", "unpack"]
    assert unpack([]) == (b"", False) and unpack([], True) == (b"", True)
    assert pack(b"") == []


# ---- unpacking -------------------------------------------------------------------------------------------------

def test_unpack_short_messages_takes_exactly_their_bytes():
    cases = [
        (0x403C90, b"\x90\x3c\x40"), (0x3C80, b"\x80\x3c\x00"), (0x7F07B0, b"\xb0\x07\x7f"),
        (0x05C0, b"\xc0\x05"), (0x33D2, b"\xd2\x33"), (0x4000E0, b"\xe0\x00\x40"), (0x2210A2, b"\xa2\x10\x22"),
        (0x23F1, b"\xf1\x23"), (0x2010F2, b"\xf2\x10\x20"), (0x05F3, b"\xf3\x05"), (0xF6, b"\xf6"),
        (0xF8, b"\xf8"), (0xFE, b"\xfe"), (0xFF, b"\xff"), (0xF4, b"\xf4"), (0xFD, b"\xfd"),
        # garbage in the unused high bytes is not MIDI data
        (0xAB403C90, b"\x90\x3c\x40"), (0xABCD05C0, b"\xc0\x05"), (0xABCDEFF8, b"\xf8"),
    ]
    for word, expected in cases:
        assert unpack([word]) == (expected, False), hex(word)
    assert unpack([word for word, _ in cases]) == (b"".join(expected for _, expected in cases), False)


@pytest.mark.parametrize("status", [status for status in range(0x80, 0x100) if status not in (0xF0, 0xF7)])
def test_lengths_are_the_spec_tables(status):
    spec = SPEC_BY_STATUS.get(status)
    length = spec["length"] if spec is not None else 1      # undefined F4 F5 F9 FD: one byte, as PortMidi gives
    assert unpack([0x7F7F7F00 | status]) == (bytes([status, 0x7F, 0x7F][:length]), False)


def test_unpack_sysex_of_every_length():
    for size in range(0, 20):
        message = bytes([0xF0, *range(size), 0xF7])
        packed = words(message)
        assert unpack(packed) == (message, False), size
        assert unpack_in_parts(packed, range(1, len(packed))) == (message, False)     # one word at a time
        # a message after it starts cleanly
        assert unpack(packed + [0x403C90]) == (message + b"\x90\x3c\x40", False)


def test_unpack_sysex_state_across_reads():
    message = bytes([0xF0, *range(1, 10), 0xF7])
    packed = words(message)
    first, in_sysex = unpack(packed[:1])
    assert (first, in_sysex) == (message[:4], True)
    assert unpack(packed[1:], in_sysex) == (message[4:], False)


def test_unpack_realtime_inside_sysex_wherever_portmidi_packs_it():
    data = bytes(range(1, 12))
    for position in range(1, len(data) + 2):
        stream = b"\xf0" + data[:position - 1] + b"\xf8" + data[position - 1:] + b"\xf7"
        unpacked, in_sysex = unpack(words(stream))
        assert (unpacked, in_sysex) == (stream, False), position
        parsed = midox.parse_all(unpacked)
        assert [m.type for m in parsed] == ["clock", "sysex"]
        assert bytes(parsed[1].data) == data


def test_unpack_cut_sysex_and_stray_data():
    # A sysex message cut by a status byte: the next word is a message of its own.
    assert unpack(words(b"\xf0\x01\x02\x03") + [0x403C90]) == (b"\xf0\x01\x02\x03\x90\x3c\x40", False)
    # ... also a new sysex message.
    assert unpack(words(b"\xf0\x01\x02\x03") + words(b"\xf0\x05\xf7")) == (b"\xf0\x01\x02\x03\xf0\x05\xf7", False)
    # A status byte among the data bytes of a word (PortMidi never packs one there) cuts it too; the status
    # byte goes on (the parser ends the sysex with it) and the rest of the word is dropped.
    assert unpack(words(b"\xf0\x01\xf6\x02") + [0x403C90]) == (b"\xf0\x01\xf6\x90\x3c\x40", False)
    # Data words outside a sysex message (e.g. its start was lost in an overflow) are dropped.
    assert unpack(words(b"\x01\x02\x03\x04") + [0xF8]) == (b"\xf8", False)
    assert unpack(words(b"\x04\xf7\x00\x00"), True) == (b"\x04\xf7", False)
    assert unpack(words(b"\x04\xf7\x00\x00"), False) == (b"", False)
    # A stray EOX is passed on (the parser ignores it).
    assert unpack([0xF7]) == (b"\xf7", False)


def test_unpack_refuses_what_is_not_a_word():
    for word in (1 << 32, -1):
        with pytest.raises(ValueError, match="an event word must be in range 0..0xFFFFFFFF"):
            unpack([word])
    for word in (144.0, "90", None):
        with pytest.raises(TypeError):
            unpack([word])
    with pytest.raises(TypeError):
        unpack(0x90)


def test_parsing_unpacked_bytes_gives_the_messages_sent():
    sent = [midox.Message("note_on", note=60), midox.Message("sysex", data=range(50)), midox.Message("clock"),
            midox.Message("pitchwheel", pitch=-8192), midox.Message("note_on", note=61)]
    packed = [word for message in sent for word in pack(message.bin())]
    data, in_sysex = unpack(packed)
    assert not in_sysex
    assert midox.parse_all(data) == sent


# ---- packing ---------------------------------------------------------------------------------------------------

def test_pack_as_portmidi_packs():
    assert pack(b"\x90\x3c\x40") == [0x90 | 0x3C << 8 | 0x40 << 16]
    assert pack([0xC0, 5]) == [0x05C0]
    assert pack(bytearray(b"\xf8\xfa")) == [0xF8, 0xFA]
    assert pack(b"\xf0\x01\x02\x03\x04\x05\xf7") == [0x030201F0, 0xF70504]      # the last word padded
    assert pack(b"\xf0\xf7") == [0xF7F0]
    assert pack(b"\xf0\x01\xf8\x02\xf7") == [0x02F801F0, 0xF7]                  # real time inside sysex
    assert pack(b"\xf4\xf5\xf9\xfd") == [0xF4, 0xF5, 0xF9, 0xFD]               # undefined: one byte each


@pytest.mark.parametrize("data, message", [
    (b"\x3c", "a message must start with a status byte other than F7, not 0x3c (index 0)"),
    (b"\xf8\xf7", "a message must start with a status byte other than F7, not 0xf7 (index 1)"),
    (b"\x90\x3c", "a message with status 0x90 has 3 bytes, not 2"),
    (b"\x90\x3c\x40\x3e\x40", "a message must start with a status byte other than F7, not 0x3e (index 3)"),
    (b"\x90\x80\x40", "data byte 0x80 at index 1 is not in range 0..127"),
    (b"\x90\x3c\xf8\x40", "data byte 0xf8 at index 2 is not in range 0..127"),
    (b"\xf0\x01\x02", "the sysex message at index 0 has no F7"),
    (b"\xf0\x01\x90\x3c\x40", "sysex data byte 0x90 at index 2 is not in range 0..127"),
    (b"\xf0\x01\xf0\x02\xf7", "sysex data byte 0xf0 at index 2 is not in range 0..127"),
])
def test_pack_refuses_what_is_not_whole_messages(data, message):
    with pytest.raises(ValueError) as info:
        pack(data)
    assert str(info.value) == message


# ---- round trips -----------------------------------------------------------------------------------------------

data_byte = st.integers(0, 0x7F)
realtime_byte = st.integers(0xF8, 0xFF)                 # clock ... reset, and the undefined F9 and FD


def short_message(status):
    spec = SPEC_BY_STATUS.get(status)
    length = spec["length"] if spec is not None else 1
    return st.lists(data_byte, min_size=length - 1, max_size=length - 1).map(lambda data: bytes([status, *data]))


short_messages = st.one_of(
    st.integers(0x80, 0xEF).flatmap(short_message),
    st.sampled_from([0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6]).flatmap(short_message),
    realtime_byte.map(lambda status: bytes([status])),
)


@st.composite
def sysex_messages(draw):
    """A sysex message with real-time bytes among its data bytes, anywhere (where PortMidi's input puts them)."""
    body = draw(st.lists(st.one_of(data_byte, data_byte, data_byte, realtime_byte), max_size=40))
    return bytes([0xF0, *body, 0xF7])


streams = st.lists(st.one_of(short_messages, sysex_messages()), max_size=12).map(b"".join)


@given(streams)
def test_bytes_to_words_to_bytes(stream):
    packed = pack(stream)
    assert unpack(packed) == (stream, False)


@given(streams)
def test_words_split_at_every_position_unpack_the_same(stream):
    packed = pack(stream)
    for cut in range(len(packed) + 1):
        assert unpack_in_parts(packed, [cut]) == (stream, False), cut
    assert unpack_in_parts(packed, range(1, len(packed))) == (stream, False)


@given(st.lists(st.integers(0, 0xFFFFFFFF), max_size=30), st.booleans(), st.data())
def test_any_words_unpack_the_same_in_any_parts(packed, in_sysex, data):
    whole, state = unpack(packed, in_sysex)
    assert len(whole) <= 4 * len(packed)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(packed)), max_size=5)))
    assert unpack_in_parts(packed, cuts, in_sysex) == (whole, state)
    midox.parse_all(whole)      # whatever the words, the parser takes the bytes
