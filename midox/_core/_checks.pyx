"""Validation of message values, with mido's exception classes and messages.

The cdef functions are the validators the compiled modules call; the def functions below them are mido's
``messages.checks`` API, which ``midox.messages.checks`` re-exports. Ranges and labels come from _specs.
"""
from numbers import Integral, Real

from cpython.long cimport PyLong_AsLongAndOverflow
from cpython.number cimport PyNumber_Index

from midox._core._specs cimport A_DATA, ATTR_IDS, ATTR_LABELS, ATTR_MAX, ATTR_MIN, TYPE_IDS
from midox._core._specs import SPEC_BY_TYPE

cdef long INT_LIMIT = 0x7FFFFFFF     # what a message's C int storage holds, for values that skip checks


cdef int checked_int(int attr, object value, bint check) except? -1:
    """Return value as a C int, raising TypeError or ValueError if it is not a valid value of attr.

    With check false (skip_checks), any integer that fits the storage is taken; non-integers still raise,
    since a message stores its values as C ints.
    """
    cdef int overflow = 0
    cdef long number
    if not PyLong_CheckExact(value):
        if check and not isinstance(value, Integral):
            raise TypeError(f'{ATTR_LABELS[attr]} must be int')
        value = PyNumber_Index(value)       # bool, numpy integers and other Integrals become int
    number = PyLong_AsLongAndOverflow(value, &overflow)
    if check:
        if overflow == 0 and ATTR_MIN[attr] <= number <= ATTR_MAX[attr]:
            return <int>number
    elif overflow == 0 and -INT_LIMIT <= number <= INT_LIMIT:
        return <int>number
    raise ValueError(f'{ATTR_LABELS[attr]} must be in range {ATTR_MIN[attr]}..{ATTR_MAX[attr]}')


cdef tuple checked_data(object data, bint check):
    """Return sysex data as a tuple of ints, each checked to be a data byte (0..127)."""
    cdef const unsigned char[::1] view
    cdef Py_ssize_t i
    cdef tuple items
    cdef list converted
    if isinstance(data, (bytes, bytearray)):
        if check:
            view = data
            for i in range(view.shape[0]):
                if view[i] > 127:
                    raise ValueError('data byte must be in range 0..127')
        return tuple(data)
    items = tuple(data)
    converted = None
    for i in range(len(items)):
        item = items[i]
        if PyLong_CheckExact(item) and 0 <= item <= 127:
            if converted is not None:
                converted.append(item)
            continue
        number = checked_int(A_DATA, item, check)
        if converted is None:
            converted = list(items[:i])
        converted.append(number)
    return items if converted is None else tuple(converted)


cdef int validate_time_slow(object value) except -1:
    if not isinstance(value, Real):
        raise TypeError('time must be int or float')
    return 0


# mido's messages.checks API ------------------------------------------------------------------------------

def check_type(type_):
    """Raise ValueError unless type_ is the name of a message type."""
    if type_ not in TYPE_IDS:
        raise ValueError(f'invalid message type {type_!r}')


def _checker(name, function_name):
    cdef int attr = ATTR_IDS[name]

    def check(value):
        checked_int(attr, value, True)
    check.__name__ = check.__qualname__ = function_name
    check.__doc__ = f'Raise TypeError or ValueError unless value is a valid {name} value.'
    return check


check_channel = _checker('channel', 'check_channel')
check_pos = _checker('pos', 'check_pos')
check_pitch = _checker('pitch', 'check_pitch')
check_frame_type = _checker('frame_type', 'check_frame_type')
check_frame_value = _checker('frame_value', 'check_frame_value')
check_data_byte = _checker('data', 'check_data_byte')


def check_data(data_bytes):
    """Raise TypeError or ValueError unless every item is a data byte (0..127)."""
    checked_data(data_bytes, True)


def check_time(time):
    """Raise TypeError unless time is a real number."""
    validate_time_slow(time)


def check_value(name, value):
    """Check one message attribute by name ('type', 'time', a value name, or an extra attribute that a client
    registered in _CHECKS); KeyError for a name without a check, as in mido."""
    _CHECKS[name](value)


def check_msgdict(msgdict):
    """Check a message dictionary: a known type, only names of its spec's 'attribute_names', valid values."""
    spec = SPEC_BY_TYPE.get(msgdict['type'])
    if spec is None:
        raise ValueError(f"unknown message type {msgdict['type']!r}")
    allowed = spec['attribute_names']
    for name, value in msgdict.items():
        if name not in allowed:
            raise ValueError(f"{spec['type']} message has no attribute {name}")
        check_value(name, value)


# The check of each attribute name, which check_value() looks up on every call: mido's clients register checks
# for the extra attributes they add to SPEC_BY_TYPE (miditoolkit: _CHECKS['end'] = check_time). Messages check
# their built-in values with the compiled checks above and their extra attributes through this registry.
_CHECKS = {
    'type': check_type,
    'time': check_time,
    'channel': check_channel,
    'control': check_data_byte,
    'data': check_data,
    'frame_type': check_frame_type,
    'frame_value': check_frame_value,
    'note': check_data_byte,
    'pitch': check_pitch,
    'pos': check_pos,
    'program': check_data_byte,
    'song': check_data_byte,
    'value': check_data_byte,
    'velocity': check_data_byte,
}
