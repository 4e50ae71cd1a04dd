"""midox.tokenizer.Tokenizer: splitting a MIDI byte stream into the byte lists of its messages."""
import mido
import mido.tokenizer
import pytest
from hypothesis import given
from hypothesis import strategies as st

import midox
import midox.tokenizer
from midox.tokenizer import Tokenizer

REALTIME = (0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF)


def tokens(tok):
    return list(tok)


def test_module_facade():
    assert midox.tokenizer.__all__ == ['Tokenizer']
    assert Tokenizer.__name__ == 'Tokenizer'


def test_empty():
    tok = Tokenizer()
    assert len(tok) == 0
    assert tokens(tok) == []
    assert len(Tokenizer(None)) == 0
    assert len(Tokenizer(b'')) == 0


@pytest.mark.parametrize('make', [bytes, bytearray, list, tuple, lambda b: (x for x in b), memoryview],
                         ids=['bytes', 'bytearray', 'list', 'tuple', 'generator', 'memoryview'])
def test_constructor_data(make):
    tok = Tokenizer(make(bytes.fromhex('903c40f8c005f00102f7')))
    assert len(tok) == 4
    assert tokens(tok) == [[0x90, 0x3C, 0x40], [0xF8], [0xC0, 0x05], [0xF0, 0x01, 0x02, 0xF7]]


def test_yields_lists_of_ints():
    tok = Tokenizer(bytes.fromhex('903c40f0f7'))
    for item in tok:
        assert type(item) is list
        assert all(type(b) is int for b in item)


def test_feed_and_len():
    tok = Tokenizer()
    tok.feed(b'\x90\x3c')
    assert len(tok) == 0
    tok.feed([0x40])
    assert len(tok) == 1
    tok.feed(bytearray(b'\xf8\xf8'))
    assert len(tok) == 3
    assert tokens(tok) == [[0x90, 0x3C, 0x40], [0xF8], [0xF8]]
    assert len(tok) == 0


def test_feed_byte():
    tok = Tokenizer()
    for byte in (0xF2, 0x01):
        tok.feed_byte(byte)
        assert len(tok) == 0
    tok.feed_byte(0x02)
    assert tokens(tok) == [[0xF2, 0x01, 0x02]]


def test_iteration_consumes_and_resumes():
    tok = Tokenizer(b'\xf8\xfa\xfc')
    it = iter(tok)
    assert next(it) == [0xF8]
    assert len(tok) == 2
    assert list(it) == [[0xFA], [0xFC]]
    assert list(tok) == []
    tok.feed(b'\xf6')
    assert list(tok) == [[0xF6]]


def test_tokens_are_independent_lists():
    tok = Tokenizer(b'\x90\x3c\x40\x3e\x40')
    first, second = tokens(tok)
    first.append(99)
    assert second == [0x90, 0x3E, 0x40]


def test_running_status_and_realtime():
    assert tokens(Tokenizer(bytes.fromhex('903c403e40'))) == [[0x90, 0x3C, 0x40], [0x90, 0x3E, 0x40]]
    assert tokens(Tokenizer(bytes.fromhex('903cf840'))) == [[0xF8], [0x90, 0x3C, 0x40]]
    assert tokens(Tokenizer(bytes.fromhex('90f43cfd40f9'))) == [[0x90, 0x3C, 0x40]]
    assert tokens(Tokenizer(bytes.fromhex('903c40f63e40'))) == [[0x90, 0x3C, 0x40], [0xF6]]
    assert tokens(Tokenizer(bytes.fromhex('f00102903c40f7'))) == [[0x90, 0x3C, 0x40]]
    assert tokens(Tokenizer(bytes.fromhex('f0f7'))) == [[0xF0, 0xF7]]


def test_large_sysex_token():
    data = b'\xf0' + bytes(i % 128 for i in range(100_000)) + b'\xf7'
    assert tokens(Tokenizer(data)) == [list(data)]


# --- wrong input -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('value', ['a', 1.0, b'\x90', None])
def test_feed_byte_type_error(value):
    with pytest.raises(TypeError, match='message byte must be integer'):
        Tokenizer().feed_byte(value)


@pytest.mark.parametrize('value', [256, -1, 2 ** 64])
def test_feed_byte_value_error(value):
    with pytest.raises(ValueError):
        Tokenizer().feed_byte(value)


@pytest.mark.parametrize('data', [['a'], None, 'abc', 7, [0x90, 2.0]])
def test_feed_type_error(data):
    with pytest.raises(TypeError):
        Tokenizer().feed(data)


@pytest.mark.parametrize('data', [[1, 300], [0x90, -1]])
def test_constructor_value_error(data):
    with pytest.raises(ValueError):
        Tokenizer(data)


def test_bytes_before_invalid_item_are_consumed():
    tok = Tokenizer()
    with pytest.raises(ValueError):
        tok.feed([0xF8, 0x90, 0x3C, 256, 0xFA])
    tok.feed([0x40])
    assert tokens(tok) == [[0xF8], [0x90, 0x3C, 0x40]]


# --- against mido and the parser ---------------------------------------------------------------------------------

@pytest.mark.parametrize('text', ['903c40', 'f8', 'f6', 'f00102f7', 'f0f7', 'f10f', 'f20102', 'f305', 'c005',
                                  'e00040', 'f7903c40', '3c40903c40', 'f00102903c40', 'f00102f8f7', 'f001f902f7'])
def test_same_as_mido_where_no_difference(text):
    data = bytes.fromhex(text)
    assert tokens(Tokenizer(data)) == tokens(mido.tokenizer.Tokenizer(data))


_d7 = st.integers(0, 127)
streams = st.one_of(
    st.binary(max_size=300),
    st.lists(st.one_of(_d7, _d7, _d7, st.integers(0x80, 0xFF)), max_size=300).map(bytes),
)


@given(streams)
def test_tokens_equal_bytes_of_parsed_messages(data):
    assert tokens(Tokenizer(data)) == [list(m.bytes()) for m in midox.parse_all(data)]


@given(streams, st.integers(1, 17))
def test_chunked_feeding_same_tokens(data, size):
    expected = tokens(Tokenizer(data))
    by_byte = Tokenizer()
    for byte in data:
        by_byte.feed_byte(byte)
    assert tokens(by_byte) == expected
    chunked = Tokenizer()
    got = []
    for start in range(0, len(data), size):
        chunked.feed(list(data[start:start + size]))
        got.extend(chunked)
    assert got == expected


@given(streams)
def test_tokens_are_valid_messages(data):
    for token in Tokenizer(data):
        assert token[0] >= 0x80
        assert all(b < 0x80 for b in token[1:-1])
        assert mido.Message.from_bytes(token).bytes() == token
