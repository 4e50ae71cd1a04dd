"""Meta events of MIDI files in C: the payload layouts of the built-in meta types, decoded and encoded.

Each byte layout (a tempo's three bytes, a time signature's four, a key's sharps and mode...) is defined once,
here: layout_values() and layout_payload() give mido's values and mido's errors, and the built-in spec classes
of midox.midifiles.meta decode and encode through them.

midox.midifiles.meta defines the meta message classes and the spec registry, which users see and extend, and
hands them to configure() when it is imported. Reading a file then builds each meta message of a built-in type
here, straight from its payload bytes: one dict and one object, no Python-level call. configure() maps each
built-in spec class to its layout, and only a spec whose class is exactly that class is decoded here. A
custom spec, a subclass of a built-in one (musicpy registers such) and any payload that the spec would refuse
(too short, an unknown key, a minute above 59...) are decoded by the spec, which gives mido's result or
raises mido's error; an unknown type byte gives an UnknownMetaMessage. Saving is the same in reverse: the
payload of a MetaMessage of a built-in spec is encoded here, and anything else (or a value the layout cannot
hold) by the spec's encode().

This module also holds the tables of those layouts (key names, SMPTE frame rates), which midox.midifiles.meta
uses too. It imports nothing from midox.
"""
from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject, PyTypeObject
from cpython.long cimport PyLong_AsLongAndOverflow, PyLong_CheckExact
from cpython.unicode cimport PyUnicode_AsEncodedString, PyUnicode_Decode
from libc.stdint cimport uint8_t

import math

cdef extern from "Python.h":
    object PyObject_GenericGetDict(object o, void *context)
    int PyObject_GenericSetDict(object o, object value, void *context) except -1

# Key signatures by (sharps, mode): sharps -7..7 (negative for flats), mode 0 major, 1 minor.
MAJOR_KEYS = ('Cb', 'Gb', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#')
MINOR_KEYS = ('Abm', 'Ebm', 'Bbm', 'Fm', 'Cm', 'Gm', 'Dm', 'Am', 'Em', 'Bm', 'F#m', 'C#m', 'G#m', 'D#m', 'A#m')
# SMPTE frame rates by the two bits above the hours in an smpte_offset payload.
SMPTE_RATES = (24, 25, 29.97, 30)
SMPTE_MAX_HOURS = 0x1F      # hours take the low five bits of the first byte, the rate the two above
cdef dict SMPTE_CODES = {rate: code for code, rate in enumerate(SMPTE_RATES)}
cdef dict KEY_CODES = {name: (sharps & 0xFF, mode)
                       for mode, names in enumerate((MAJOR_KEYS, MINOR_KEYS))
                       for sharps, name in zip(range(-7, 8), names)}

# mido checks a time signature's denominator with a float logarithm, which is exact for these powers of two;
# a larger one is left to the spec.
cdef int MAX_EXACT_POWER = 28


# The largest value of each layout of one integer: what its payload holds.
INTEGER_MAX = {SEQUENCE_NUMBER: 0xFFFF, CHANNEL: 0xFF, PORT: 0xFF, TEMPO: 0xFFFFFF}

# How many attributes each layout sets, in the spec's order (a spec with another count is decoded in Python).
cdef int[11] N_VALUES = [0, 1, 1, 1, 1, 0, 1, 6, 4, 1, 1]

cdef object MESSAGE_CLASS = None        # MetaMessage
cdef object UNKNOWN_CLASS = None        # UnknownMetaMessage
cdef dict REGISTRY = None               # spec by type byte (and by name): meta._META_SPECS
cdef dict LAYOUTS = None                # built-in spec class -> Layout
cdef object DECODE_WITH_SPEC = None     # decode_with_spec(spec, payload, delta, charset), in Python
cdef object ENCODE_WITH_SPEC = None     # encode_with_spec(msg, charset) -> (type byte, payload), in Python
# Per type byte, what the registry held when it was last looked at: (spec, layout, type name, attribute names).
cdef list SEEN = [None] * 256
cdef tuple EMPTY_TUPLE = ()
cdef tuple KEY_NAMES = (MAJOR_KEYS, MINOR_KEYS)


def configure(message_class, unknown_class, dict registry, dict layouts, decode_with_spec, encode_with_spec):
    """Called once by midox.midifiles.meta: the meta message classes, the spec registry (looked up for every
    event, so that add_meta_spec() takes effect at once), the layout of each built-in spec class, and the
    decoding and encoding through a spec in Python, for everything else."""
    global MESSAGE_CLASS, UNKNOWN_CLASS, REGISTRY, LAYOUTS, DECODE_WITH_SPEC, ENCODE_WITH_SPEC
    MESSAGE_CLASS, UNKNOWN_CLASS, REGISTRY, LAYOUTS, DECODE_WITH_SPEC, ENCODE_WITH_SPEC = (
        message_class, unknown_class, registry, layouts, decode_with_spec, encode_with_spec)
    SEEN[:] = [None] * 256


cdef tuple _spec_entry(object spec):
    """What SEEN holds for a spec: its layout (PYTHON unless its class is exactly a built-in spec class whose
    attributes the layout sets), its type name and attribute names."""
    layout = LAYOUTS.get(type(spec), PYTHON)
    names = tuple(spec.attributes)
    if len(names) != N_VALUES[<int>layout]:
        layout = PYTHON
    return (spec, layout, spec.type, names)


cdef object _new_message(object cls, dict attrs):
    """An instance of a meta message class with attrs as its __dict__, made as cls.__new__(cls) makes it."""
    msg = (<PyTypeObject *>cls).tp_new(<type>cls, <PyObject *>EMPTY_TUPLE, NULL)
    PyObject_GenericSetDict(msg, attrs, NULL)
    return msg


cdef tuple _entry(int type_byte, PyObject *spec):
    """SEEN's entry for the spec the registry holds for type_byte."""
    cdef tuple entry = <tuple>SEEN[type_byte]
    if entry is None or <PyObject *>entry[0] != spec:
        entry = _spec_entry(<object>spec)
        SEEN[type_byte] = entry
    return entry


class KeySignatureError(Exception):
    """Raised when a key_signature payload holds no known key (sharps or flats and mode)."""

KeySignatureError.__module__ = 'midox.midifiles.meta'      # where users import it from, as from mido


# Byte layouts: values <-> payload ------------------------------------------------------------------------------
# One definition per layout, used by the file reader and writer here and by the built-in spec classes'
# decode() and encode() (and so by build_meta_message(), MetaMessage.bytes() and from_bytes()).

cdef inline object _power_of_two(uint8_t power):
    return (<unsigned long long>1) << power if power < 64 else (<object>1) << power


cdef tuple _layout_values(int layout, const uint8_t *p, Py_ssize_t n):
    """The values a payload holds, in the spec's attribute order, as mido's spec decodes them: fewer than
    the layout has where the payload ends first (the spec then raises mido's IndexError). Raises KeyError
    for an unknown SMPTE rate and KeySignatureError for an unknown key, as mido does."""
    cdef int sharps
    if layout == SEQUENCE_NUMBER:
        if n == 0:
            return (0,)     # some files hold an empty one (mido issues 42 and 93): it reads as 0
        return (p[0] << 8 | p[1],) if n >= 2 else ()
    if layout == CHANNEL:
        return (p[0],) if n else ()
    if layout == PORT:
        return (p[0] if n else 0,)      # empty in some files, as sequence_number
    if layout == TEMPO:
        return (p[0] << 16 | p[1] << 8 | p[2],) if n >= 3 else ()
    if layout == SMPTE:
        if n == 0:
            return ()
        if p[0] >> 5 >= len(SMPTE_RATES):
            raise KeyError(p[0] >> 5)
        if n >= 5:
            return (SMPTE_RATES[p[0] >> 5], p[0] & SMPTE_MAX_HOURS, p[1], p[2], p[3], p[4])
        return (SMPTE_RATES[p[0] >> 5], p[0] & SMPTE_MAX_HOURS) + tuple(p[1:n])
    if layout == TIME_SIGNATURE:
        # numerator, the denominator as a power of 2, clocks per click, notated 32nd notes per beat (no
        # generator expression: its closure would cost every call of this function an allocation)
        if n >= 4:
            return (p[0], _power_of_two(p[1]), p[2], p[3])
        if n == 3:
            return (p[0], _power_of_two(p[1]), p[2])
        if n == 2:
            return (p[0], _power_of_two(p[1]))
        return (p[0],) if n else ()
    if layout == KEY_SIGNATURE:
        if n < 2:
            return ()
        sharps = <int>p[0] - 256 if p[0] >= 128 else p[0]
        if p[1] > 1 or not -7 <= sharps <= 7:
            # mido's wording (which calls any count below 7 "flats")
            if sharps < 7:
                raise KeySignatureError(f'Could not decode key with {abs(sharps)} flats and mode {p[1]}')
            raise KeySignatureError(f'Could not decode key with {sharps} sharps and mode {p[1]}')
        return (KEY_NAMES[p[1]][sharps + 7],)
    if layout == NO_VALUES:
        return ()
    raise ValueError(f'{Layout(layout)!r} is not a byte layout')


def layout_values(int layout, const uint8_t[::1] payload):
    """The values of a payload of a byte layout (see _layout_values); for the built-in spec classes."""
    return _layout_values(layout, &payload[0] if payload.shape[0] else NULL, payload.shape[0])


cpdef list layout_payload(int layout, tuple values):
    """The payload of a byte layout for values in the spec's attribute order, as mido's spec encodes them: a
    list of ints, computed on the values as they are (an int above 255 is left to bytes() to refuse)."""
    if layout == SEQUENCE_NUMBER:
        return [values[0] >> 8, values[0] & 0xFF]
    if layout == CHANNEL or layout == PORT:
        return [values[0]]
    if layout == TEMPO:
        return [values[0] >> 16, values[0] >> 8 & 0xFF, values[0] & 0xFF]
    if layout == SMPTE:
        return [SMPTE_CODES[values[0]] << 5 | values[1], values[2], values[3], values[4], values[5]]
    if layout == TIME_SIGNATURE:
        return [values[0], _log2(values[1]), values[2], values[3]]
    if layout == KEY_SIGNATURE:
        return list(KEY_CODES[values[0]])
    if layout == NO_VALUES:
        return []
    raise ValueError(f'{Layout(layout)!r} is not a byte layout')


cdef object _log2(object denominator):
    """The power of 2 a time signature's denominator is, as mido computes it: int(math.log(denominator, 2)),
    which is exact up to 2**MAX_EXACT_POWER (then without the float)."""
    cdef long value = _byte_value(denominator, 1 << MAX_EXACT_POWER)
    cdef int power = 0
    if value <= 0 or value & (value - 1):
        return int(math.log(denominator, 2))
    while value > 1:
        value >>= 1
        power += 1
    return power


cdef object build_meta_event(int type_byte, const uint8_t *payload, Py_ssize_t n, object delta, str charset,
                             const char *encoding):
    cdef PyObject *found = PyDict_GetItem(REGISTRY, type_byte)
    cdef tuple entry
    cdef int layout, i
    if found == NULL:
        return UNKNOWN_CLASS(type_byte, payload[:n], time=delta)
    entry = _entry(type_byte, found)
    layout = entry[1]
    names = <tuple>entry[3]
    attrs = {'type': entry[2]}      # type, the values in the spec's order, time: the order mido's have
    if layout == TEXT:
        try:
            attrs[names[0]] = PyUnicode_Decode(<const char *>payload, n, encoding, NULL)
        except Exception:           # the spec raises the decoding error
            return DECODE_WITH_SPEC(<object>found, payload[:n], delta, charset)
    elif layout == DATA:
        attrs[names[0]] = tuple(payload[:n])
    elif layout != PYTHON:
        values = _values_in_c(layout, payload, n, len(names))
        if values is None:
            return DECODE_WITH_SPEC(<object>found, payload[:n], delta, charset)
        for i in range(len(names)):
            attrs[names[i]] = values[i]
    else:       # not a layout of ours
        return DECODE_WITH_SPEC(<object>found, payload[:n], delta, charset)
    attrs['time'] = delta
    return _new_message(MESSAGE_CLASS, attrs)


cdef int check_meta_event(int type_byte, const uint8_t *payload, Py_ssize_t n, str charset,
                          const char *encoding) except -2:
    """The layout by which build_meta_event() would decode this event in C, or PYTHON if its spec would
    (after which it is known to decode), or -1 for an unknown type byte; raises what build_meta_event()
    raises. Builds nothing for an event decoded in C, so the array builder checks events as the message
    builder reads them at no cost per event."""
    cdef PyObject *found = PyDict_GetItem(REGISTRY, type_byte)
    cdef tuple entry
    cdef int layout
    if found == NULL:
        return -1
    entry = _entry(type_byte, found)
    layout = entry[1]
    if layout == TEXT:
        try:
            PyUnicode_Decode(<const char *>payload, n, encoding, NULL)
            return TEXT
        except Exception:
            pass
    elif layout == DATA or layout == NO_VALUES:
        return layout
    elif layout != PYTHON and _values_in_c(layout, payload, n, len(<tuple>entry[3])) is not None:
        return layout
    build_meta_event(type_byte, payload, n, 0, charset, encoding)       # raises what the spec raises
    return PYTHON


cdef tuple _values_in_c(int layout, const uint8_t *payload, Py_ssize_t n, Py_ssize_t n_names):
    """The values of a payload of a built-in layout, or None if the spec must decode it: a payload too short,
    a value out of the attribute's range (the spec then gives mido's result or error)."""
    try:
        values = _layout_values(layout, payload, n)
    except (KeyError, KeySignatureError):
        return None
    return values if len(values) == n_names and _in_range(layout, values) else None


cdef long _byte_value(object value, long high=255):
    """value if it is an int from 0 to high, else -1."""
    cdef int overflow = 0
    cdef long number
    if not PyLong_CheckExact(value):
        return -1
    number = PyLong_AsLongAndOverflow(value, &overflow)
    return number if overflow == 0 and 0 <= number <= high else -1


cdef bint _in_range(int layout, tuple values):
    """Whether decoded values pass the checks of the spec's attributes (else the spec decodes and raises)."""
    if layout == SMPTE:         # minutes, seconds, sub frames (the other values always fit)
        return values[2] <= 59 and values[3] <= 59 and values[5] <= 99
    if layout == TIME_SIGNATURE:
        return values[1] <= 1 << MAX_EXACT_POWER
    return True


cdef bint _fits(int layout, tuple values):
    """Whether values are what a byte layout holds, so that layout_payload() gives bytes 0..255."""
    cdef Py_ssize_t i, bytes_from
    if layout in INTEGER_MAX:
        return _byte_value(values[0], INTEGER_MAX[layout]) >= 0
    if layout == KEY_SIGNATURE:
        return type(values[0]) is str and values[0] in KEY_CODES
    if layout == SMPTE:         # rate, hours, then four bytes
        if type(values[0]) not in (int, float) or values[0] not in SMPTE_CODES:
            return False
        bytes_from = 2
        if _byte_value(values[1], SMPTE_MAX_HOURS) < 0:
            return False
    elif layout == TIME_SIGNATURE:      # a byte, the denominator, two bytes
        bytes_from = 2
        if _byte_value(values[0]) < 0 or _byte_value(values[1], 1 << MAX_EXACT_POWER) <= 0:
            return False
    else:
        return layout == NO_VALUES
    for i in range(bytes_from, len(values)):
        if _byte_value(values[i]) < 0:
            return False
    return True


cdef object _payload(int layout, tuple names, dict attrs, const char *encoding):
    """The payload of a meta message of a built-in layout, as bytes; None if a value is not what the layout
    holds (then the spec's encode() decides, and raises what it raises)."""
    if layout == TEXT:
        text = attrs.get(names[0])
        if type(text) is not str:
            return None
        try:
            return PyUnicode_AsEncodedString(text, encoding, NULL)
        except Exception:
            return None
    if layout == DATA:
        data = attrs.get(names[0])
        try:
            return bytes(data) if type(data) is tuple or type(data) is list else None
        except Exception:
            return None
    if layout == PYTHON:
        return None
    values = tuple([attrs.get(name) for name in names])
    return bytes(layout_payload(layout, values)) if _fits(layout, values) else None


cdef tuple encode_meta_event(object msg, str charset, const char *encoding):
    cdef type cls = type(msg)
    cdef PyObject *found
    cdef tuple entry
    cdef long type_byte
    # The two classes' own messages (a subclass may encode otherwise); the values are read from the dict.
    if cls is MESSAGE_CLASS:
        attrs = <dict>PyObject_GenericGetDict(msg, NULL)
        found = PyDict_GetItem(REGISTRY, attrs.get('type'))
        if found != NULL:
            type_byte = _byte_value(getattr(<object>found, 'type_byte', None))
            if type_byte >= 0:
                entry = _entry(type_byte, found)
                payload = _payload(entry[1], entry[3], attrs, encoding)
                if payload is not None:
                    return type_byte, payload
    elif cls is UNKNOWN_CLASS:
        attrs = <dict>PyObject_GenericGetDict(msg, NULL)
        type_byte = _byte_value(attrs.get('type_byte'))
        data = attrs.get('data')
        if type_byte >= 0 and type(data) is tuple:
            try:
                return type_byte, bytes(data)
            except Exception:
                pass
    return ENCODE_WITH_SPEC(msg, charset)


cdef object end_of_track_message(object delta):
    return MESSAGE_CLASS('end_of_track', time=delta)


cdef object unknown_meta_event(int type_byte, object data, object delta):
    return UNKNOWN_CLASS(type_byte, data, time=delta)


cdef object meta_with_time(object msg, object time):
    """A copy of a meta message with another time. Messages of the two meta classes are copied in C without
    checks (the time comes from adding or subtracting delta times, which are valid); others through copy()."""
    cdef type cls = type(msg)
    if cls is MESSAGE_CLASS or cls is UNKNOWN_CLASS:
        attrs = dict(<dict>PyObject_GenericGetDict(msg, NULL))
        attrs['time'] = time
        return _new_message(cls, attrs)
    return msg.copy(time=time)

