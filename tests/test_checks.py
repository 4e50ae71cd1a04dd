"""Value validation (midox.messages.checks): mido's functions, exception classes and messages."""
import fractions

import mido.messages.checks as mido_checks
import pytest
from hypothesis import given
from hypothesis import strategies as st

import midox.messages.checks as checks

from message_model import value_id


class Seven(int):
    """An Integral that is not exactly int."""


# name, function, low, high, TypeError message, ValueError message
RANGE_CHECKS = [
    ('check_channel', 0, 15, 'channel must be int', 'channel must be in range 0..15'),
    ('check_pos', 0, 16383, 'song pos must be int', 'song pos must be in range 0..16383'),
    ('check_pitch', -8192, 8191, 'pitchwheel value must be int', 'pitchwheel value must be in range -8192..8191'),
    ('check_frame_type', 0, 7, 'frame_type must be int', 'frame_type must be in range 0..7'),
    ('check_frame_value', 0, 15, 'frame_value must be int', 'frame_value must be in range 0..15'),
    ('check_data_byte', 0, 127, 'data byte must be int', 'data byte must be in range 0..127'),
]

NON_INTEGERS = [1.0, 0.5, '1', b'\x01', None, [1], (1,), fractions.Fraction(1, 1), 1j, object()]


def _outcome(function, *args):
    try:
        function(*args)
    except Exception as error:      # noqa: BLE001 - the class is what is compared
        return type(error)
    return None


@pytest.mark.parametrize('name, low, high, type_text, value_text', RANGE_CHECKS)
def test_range_check_accepts_range(name, low, high, type_text, value_text):
    check = getattr(checks, name)
    for value in (low, high, (low + high) // 2, Seven(low), True if low <= 1 <= high else low):
        assert check(value) is None


@pytest.mark.parametrize('name, low, high, type_text, value_text', RANGE_CHECKS)
def test_range_check_rejects_out_of_range(name, low, high, type_text, value_text):
    check = getattr(checks, name)
    for value in (low - 1, high + 1, 2 ** 31, -2 ** 31, 2 ** 63, 2 ** 100, -2 ** 100):
        with pytest.raises(ValueError) as info:
            check(value)
        assert str(info.value) == value_text


@pytest.mark.parametrize('name, low, high, type_text, value_text', RANGE_CHECKS)
@pytest.mark.parametrize('value', NON_INTEGERS, ids=value_id)
def test_range_check_rejects_non_integers(name, low, high, type_text, value_text, value):
    check = getattr(checks, name)
    with pytest.raises(TypeError) as info:
        check(value)
    assert str(info.value) == type_text


def test_range_check_names():
    for name, *_ in RANGE_CHECKS:
        assert getattr(checks, name).__name__ == name


@pytest.mark.parametrize('name, low, high, type_text, value_text', RANGE_CHECKS)
@given(value=st.one_of(st.integers(), st.integers(-20000, 20000), st.floats(), st.booleans(), st.none(),
                       st.text(max_size=2)))
def test_range_check_same_as_mido(name, low, high, type_text, value_text, value):
    ours, theirs = getattr(checks, name), getattr(mido_checks, name)
    assert _outcome(ours, value) == _outcome(theirs, value)
    if _outcome(ours, value) is ValueError:
        with pytest.raises(ValueError) as info:
            ours(value)
        with pytest.raises(ValueError) as mido_info:
            theirs(value)
        assert str(info.value) == str(mido_info.value)


def test_check_pitch_type_error_is_spelled_right():
    # mido 1.3.3 says 'pichwheel value must be int'; midox spells it right (documented difference).
    with pytest.raises(TypeError, match='^pitchwheel value must be int$'):
        checks.check_pitch(0.0)
    with pytest.raises(TypeError, match='^pichwheel value must be int$'):
        mido_checks.check_pitch(0.0)


# --- check_type --------------------------------------------------------------------------------------------

def test_check_type():
    for type_ in ('note_on', 'sysex', 'reset', 'tune_request', 'continue'):
        assert checks.check_type(type_) is None
    for bad in ('bogus', 'NOTE_ON', '', 0x90, None):
        with pytest.raises(ValueError) as info:
            checks.check_type(bad)
        assert str(info.value) == f'invalid message type {bad!r}'


# --- check_time --------------------------------------------------------------------------------------------

def test_check_time():
    for time in (0, -1, 10 ** 30, 0.5, float('inf'), True, fractions.Fraction(1, 3)):
        assert checks.check_time(time) is None
    for bad in ('1', None, 1j, [0], b'0'):
        with pytest.raises(TypeError, match='^time must be int or float$'):
            checks.check_time(bad)


# --- check_data --------------------------------------------------------------------------------------------

def test_check_data_accepts():
    for data in ([], (), [0, 127], b'\x00\x7f', bytearray(b'\x01'), range(128), iter([1, 2]), (x for x in [3]),
                 [True, Seven(5)]):
        assert checks.check_data(data) is None


def test_check_data_rejects_out_of_range():
    for data in ([128], [-1], b'\x80', bytearray(b'\x00\xff'), [1, 2, 300], range(129)):
        with pytest.raises(ValueError, match=r'^data byte must be in range 0\.\.127$'):
            checks.check_data(data)


def test_check_data_rejects_non_integers():
    for data in (['a'], 'ab', [1.0], [None], [1, 2, (3,)]):
        with pytest.raises(TypeError, match='^data byte must be int$'):
            checks.check_data(data)


def test_check_data_rejects_non_iterables():
    for data in (5, None, 1.5):
        with pytest.raises(TypeError):
            checks.check_data(data)


@given(data=st.one_of(st.lists(st.one_of(st.integers(-3, 300), st.floats(), st.text(max_size=1),
                                         st.booleans()), max_size=6),
                      st.binary(max_size=6), st.text(max_size=3)))
def test_check_data_same_as_mido(data):
    assert _outcome(checks.check_data, data) == _outcome(mido_checks.check_data, data)


# --- check_value -------------------------------------------------------------------------------------------

VALUE_NAME_LABELS = {
    'channel': ('channel', 0, 15), 'note': ('data byte', 0, 127), 'velocity': ('data byte', 0, 127),
    'control': ('data byte', 0, 127), 'value': ('data byte', 0, 127), 'program': ('data byte', 0, 127),
    'song': ('data byte', 0, 127), 'pitch': ('pitchwheel value', -8192, 8191), 'pos': ('song pos', 0, 16383),
    'frame_type': ('frame_type', 0, 7), 'frame_value': ('frame_value', 0, 15),
}


@pytest.mark.parametrize('name', sorted(VALUE_NAME_LABELS))
def test_check_value_per_name(name):
    label, low, high = VALUE_NAME_LABELS[name]
    assert checks.check_value(name, low) is None
    assert checks.check_value(name, high) is None
    for bad in (low - 1, high + 1):
        with pytest.raises(ValueError) as info:
            checks.check_value(name, bad)
        assert str(info.value) == f'{label} must be in range {low}..{high}'
    with pytest.raises(TypeError) as info:
        checks.check_value(name, float(low))
    assert str(info.value) == f'{label} must be int'


def test_check_value_type_time_data():
    assert checks.check_value('type', 'clock') is None
    with pytest.raises(ValueError, match='invalid message type'):
        checks.check_value('type', 'bogus')
    assert checks.check_value('time', 1.5) is None
    with pytest.raises(TypeError, match='time must be int or float'):
        checks.check_value('time', 'now')
    assert checks.check_value('data', [1, 2, 3]) is None
    with pytest.raises(ValueError, match='data byte must be in range'):
        checks.check_value('data', [1, 200])
    with pytest.raises(TypeError, match='data byte must be int'):
        checks.check_value('data', ['x'])


def test_check_value_unknown_name_is_key_error():
    with pytest.raises(KeyError):
        checks.check_value('foo', 1)
    with pytest.raises(KeyError):
        mido_checks.check_value('foo', 1)


@given(name=st.sampled_from(sorted(VALUE_NAME_LABELS) + ['type', 'time', 'data']),
       value=st.one_of(st.integers(-20000, 20000), st.floats(allow_nan=False), st.booleans(), st.none(),
                       st.sampled_from(['note_on', 'sysex', 'bogus']), st.lists(st.integers(-1, 200), max_size=3)))
def test_check_value_same_as_mido(name, value):
    assert _outcome(checks.check_value, name, value) == _outcome(mido_checks.check_value, name, value)


# --- check_msgdict -----------------------------------------------------------------------------------------

def test_check_msgdict_valid():
    assert checks.check_msgdict({'type': 'note_on', 'time': 0, 'channel': 1, 'note': 2, 'velocity': 3}) is None
    assert checks.check_msgdict({'type': 'clock'}) is None
    assert checks.check_msgdict({'type': 'sysex', 'data': (1, 2), 'time': 1.5}) is None


def test_check_msgdict_errors():
    with pytest.raises(KeyError):
        checks.check_msgdict({})
    with pytest.raises(ValueError, match="^unknown message type 'bogus'$"):
        checks.check_msgdict({'type': 'bogus'})
    with pytest.raises(ValueError, match='^note_on message has no attribute pos$'):
        checks.check_msgdict({'type': 'note_on', 'pos': 1})
    with pytest.raises(ValueError, match='^clock message has no attribute channel$'):
        checks.check_msgdict({'type': 'clock', 'channel': 1})
    with pytest.raises(ValueError, match='data byte must be in range'):
        checks.check_msgdict({'type': 'note_on', 'note': 128})
    with pytest.raises(TypeError, match='time must be int or float'):
        checks.check_msgdict({'type': 'note_on', 'time': None})
    # checked in dict order, like mido
    with pytest.raises(TypeError):
        checks.check_msgdict({'type': 'note_on', 'note': 'x', 'foo': 1})
    with pytest.raises(ValueError):
        checks.check_msgdict({'type': 'note_on', 'foo': 1, 'note': 'x'})


ALL_NAMES = sorted(VALUE_NAME_LABELS) + ['time', 'data', 'foo']


@given(type_=st.sampled_from(['note_on', 'pitchwheel', 'sysex', 'songpos', 'quarter_frame', 'clock', 'bogus']),
       values=st.dictionaries(st.sampled_from(ALL_NAMES),
                              st.one_of(st.integers(-9000, 17000), st.floats(allow_nan=False), st.none(),
                                        st.lists(st.integers(-1, 200), max_size=3)),
                              max_size=4))
def test_check_msgdict_same_as_mido(type_, values):
    msgdict = {'type': type_, **values}
    assert _outcome(checks.check_msgdict, msgdict) == _outcome(mido_checks.check_msgdict, msgdict)


def test_module_exports():
    assert set(checks.__all__) == {
        'check_channel', 'check_data', 'check_data_byte', 'check_frame_type', 'check_frame_value',
        'check_msgdict', 'check_pitch', 'check_pos', 'check_time', 'check_type', 'check_value'}
    for name in checks.__all__:
        assert callable(getattr(checks, name))
