"""SYX files (midox.syx): binary and text round trips, agreement with mido.syx, and the error paths."""
import pathlib

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import midox.syx
from midox import Message
from midox.syx import read_syx_file, write_syx_file

# hypothesis reuses the one tmp_path of a test for all its examples: each example overwrites the same file.
reuse_tmp_path = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

sysex_data = st.lists(st.integers(0, 127), max_size=40)
sysex_lists = st.lists(sysex_data, max_size=8)
other_messages = st.sampled_from([
    Message('note_on', note=60, velocity=64),
    Message('control_change', channel=3, control=7, value=100),
    Message('clock'),
    Message('tune_request'),
    Message('songpos', pos=1000),
])


def sysex(data, time=0):
    return Message('sysex', data=data, time=time)


def wire(messages):
    """The messages as (type, bytes) pairs, to compare midox and mido messages."""
    return [(message.type, message.bytes()) for message in messages]


PATCHES = [sysex([0, 1, 0x5D, 2, 0]), sysex([0, 1, 0x5D, 3, 0])]
PATCHES_TEXT = 'F0 00 01 5D 02 00 F7\nF0 00 01 5D 03 00 F7\n'


def test_module_exports():
    assert sorted(midox.syx.__all__) == ['read_syx_file', 'write_syx_file']


# --- writing -----------------------------------------------------------------------------------------------

def test_write_binary(tmp_path):
    path = tmp_path / 'patch.syx'
    write_syx_file(path, PATCHES)
    assert path.read_bytes() == bytes.fromhex('F0 00 01 5D 02 00 F7 F0 00 01 5D 03 00 F7')


def test_write_plaintext_is_the_manuals_format(tmp_path):
    path = tmp_path / 'patch.txt'
    write_syx_file(path, PATCHES, plaintext=True)
    assert path.read_text() == PATCHES_TEXT


@pytest.mark.parametrize('plaintext', [False, True])
def test_write_skips_other_messages(tmp_path, plaintext):
    mixed = [Message('note_on'), PATCHES[0], Message('clock'), PATCHES[1], Message('stop')]
    write_syx_file(tmp_path / 'mixed', mixed, plaintext=plaintext)
    write_syx_file(tmp_path / 'clean', PATCHES, plaintext=plaintext)
    assert (tmp_path / 'mixed').read_bytes() == (tmp_path / 'clean').read_bytes()


@pytest.mark.parametrize('plaintext', [False, True])
def test_write_nothing_gives_an_empty_file(tmp_path, plaintext):
    path = tmp_path / 'empty.syx'
    write_syx_file(path, [Message('note_on')], plaintext=plaintext)
    assert path.read_bytes() == b''
    assert read_syx_file(path) == []


@pytest.mark.parametrize('plaintext', [False, True])
def test_write_takes_any_iterable_and_str_paths(tmp_path, plaintext):
    path = tmp_path / 'gen.syx'
    write_syx_file(str(path), (message for message in PATCHES), plaintext=plaintext)
    assert read_syx_file(str(path)) == PATCHES


@pytest.mark.parametrize('plaintext', [False, True])
def test_write_is_byte_identical_to_midos(tmp_path, plaintext):
    data = [[], [0x7F] * 30, [1, 2, 3]]
    write_syx_file(tmp_path / 'ours', [sysex(d) for d in data] + [Message('note_on')], plaintext=plaintext)
    mido.write_syx_file(tmp_path / 'theirs', [mido.Message('sysex', data=d) for d in data]
                        + [mido.Message('note_on')], plaintext=plaintext)
    assert (tmp_path / 'ours').read_bytes() == (tmp_path / 'theirs').read_bytes()


def test_write_accepts_mido_messages(tmp_path):
    write_syx_file(tmp_path / 'x.syx', [mido.Message('sysex', data=[1, 2]), mido.Message('clock')])
    assert read_syx_file(tmp_path / 'x.syx') == [sysex([1, 2])]


def test_write_error_in_messages_leaves_no_file(tmp_path):
    def messages():
        yield PATCHES[0]
        raise RuntimeError('broken source')

    path = tmp_path / 'broken.syx'
    with pytest.raises(RuntimeError):
        write_syx_file(path, messages())
    assert not path.exists()
    with pytest.raises(AttributeError):      # not a message: no .type (as mido)
        write_syx_file(path, [PATCHES[0], 42])
    assert not path.exists()


# --- reading -----------------------------------------------------------------------------------------------

def test_read_text_file(tmp_path):
    path = tmp_path / 'patch.txt'
    path.write_text(PATCHES_TEXT)
    messages = read_syx_file(path)
    assert messages == PATCHES
    assert all(type(message) is Message for message in messages)
    assert all(message.time == 0 for message in messages)


def test_read_returns_a_list(tmp_path):
    path = tmp_path / 'patch.syx'
    write_syx_file(path, PATCHES)
    assert type(read_syx_file(path)) is list


def test_read_empty_file(tmp_path):
    path = tmp_path / 'empty.syx'
    path.write_bytes(b'')
    assert read_syx_file(path) == []
    assert mido.read_syx_file(path) == []


@pytest.mark.parametrize('text', [
    'f0 7f 7f f7',                      # lower case
    'F07F7FF7',                         # no separators
    '  F0 7F\t7F\r\nF7\n\n',            # leading and mixed ASCII whitespace
    'F0\xa07F\x857F\x1cF7',             # other whitespace of Latin-1: accepted, as by mido
])
def test_read_text_whitespace_and_case(tmp_path, text):
    path = tmp_path / 'patch.txt'
    path.write_bytes(text.encode('latin-1'))
    assert read_syx_file(path) == [sysex([0x7F, 0x7F])]
    assert wire(mido.read_syx_file(path)) == wire(read_syx_file(path))


@pytest.mark.parametrize('content', [
    b'F0 7F F',             # odd number of digits
    b'F0 GG F7',            # not hex
    b'F0 7F, F7',           # punctuation
    b'0xF0 0xF7',           # prefixes
    b'\xef\xbb\xbfF0 F7',   # a UTF-8 byte order mark is not hex either (as in mido)
    b'F0 \x00 F7',
])
def test_read_bad_text_raises_valueerror(tmp_path, content):
    path = tmp_path / 'bad.txt'
    path.write_bytes(content)
    with pytest.raises(ValueError):
        read_syx_file(path)
    with pytest.raises(ValueError):
        mido.read_syx_file(path)


def test_read_missing_file_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_syx_file(tmp_path / 'missing.syx')


@pytest.mark.parametrize(('content', 'expected'), [
    (b'\xf0\x01\x02\xf7\x90\x3c\x40\xf0\x03\xf7', [[1, 2], [3]]),     # other messages left out
    (b'\xf0\x01\x02', []),                                              # unterminated sysex dropped
    (b'\xf0\x01\x90\x3c\x40\xf0\x02\xf7', [[2]]),                       # interrupted sysex dropped
    (b'\xf0\x01\xf8\x02\xfe\xf7', [[1, 2]]),                            # real time inside: sysex kept
    (b'\xf0\x01\xf4\x02\xfd\xf7', [[1, 2]]),                            # undefined bytes ignored
    (b'\xf0\xf7\xf7\xf7', [[]]),                                        # stray end of sysex
])
def test_read_binary_keeps_only_complete_sysex(tmp_path, content, expected):
    path = tmp_path / 'x.syx'
    path.write_bytes(content)
    assert read_syx_file(path) == [sysex(data) for data in expected]
    assert wire(mido.read_syx_file(path)) == wire(read_syx_file(path))
    # the same bytes as text
    path.write_text(content.hex(' '))
    assert read_syx_file(path) == [sysex(data) for data in expected]


def test_read_text_that_is_not_sysex(tmp_path):
    path = tmp_path / 'x.txt'
    path.write_text('90 3C 40\n80 3C 40\n')
    assert read_syx_file(path) == []


# --- round trips and agreement with mido -------------------------------------------------------------------

@reuse_tmp_path
@given(sysex_lists, st.lists(other_messages, max_size=4), st.booleans())
def test_round_trip(tmp_path, data_lists, others, plaintext):
    path = tmp_path / 'round.syx'
    messages = [sysex(data, time=index) for index, data in enumerate(data_lists)] + others
    write_syx_file(path, messages, plaintext=plaintext)
    read = read_syx_file(path)
    assert read == [sysex(data) for data in data_lists]       # times are not stored
    assert wire(mido.read_syx_file(path)) == wire(read)


@reuse_tmp_path
@given(st.binary(max_size=200))
def test_read_binary_agrees_with_mido(tmp_path, tail):
    path = tmp_path / 'random.syx'
    content = b'\xf0' + tail
    path.write_bytes(content)
    assert wire(read_syx_file(path)) == wire(mido.read_syx_file(path))
    # the same bytes as hex text, in either case and with any whitespace
    path.write_text(content.hex('\n'))
    assert wire(read_syx_file(path)) == wire(mido.read_syx_file(path))


@reuse_tmp_path
@given(st.text(alphabet='0123456789abcdefABCDEF \t\r\n\x0b\x0c\xa0\x85xZ,', max_size=60))
def test_read_text_agrees_with_mido(tmp_path, text):
    path = tmp_path / 'random.txt'
    path.write_bytes(text.encode('latin-1'))
    try:
        expected = wire(mido.read_syx_file(path))
    except ValueError:
        with pytest.raises(ValueError):
            read_syx_file(path)
    else:
        assert wire(read_syx_file(path)) == expected


def test_read_large_binary_file(tmp_path):
    path = tmp_path / 'bank.syx'
    bank = [sysex([n % 128] * 1000) for n in range(200)]
    write_syx_file(path, bank)
    assert read_syx_file(path) == bank


def test_pathlib_and_str_paths_read_alike(tmp_path):
    path = tmp_path / 'patch.syx'
    write_syx_file(path, PATCHES)
    assert read_syx_file(path) == read_syx_file(str(path)) == read_syx_file(pathlib.PurePath(path))
