"""MIDI messages: BaseMessage, Message, SysexData and the text format.

A Message stores its type as a row number of the spec table (_specs) and its values as C ints, so a message
costs no dict and no Python object per value. Every fact about a type (value names, ranges, defaults, wire
layout) is read from the spec table. ``message_from_wire`` builds a message from bytes that the caller has
already validated; the parser and the file decoder use it. This module imports nothing from midox outside _core.

Extra attributes: mido's clients add names to a type's ``SPEC_BY_TYPE[type]['attribute_names']`` and a check
to ``checks._CHECKS`` (miditoolkit gives note_on messages an ``end``). A message given such a name keeps it,
with its value, in an _Extended object in the field that otherwise holds the sysex data, so that messages
without extras cost nothing more. Extras are attributes (read through a descriptor that the first message
given the name adds to Message), part of vars(), dict(), ==, copies and pickles, and not of bytes(), str() or
repr(), as in mido.
"""
cimport cython
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.dict cimport PyDict_GetItem
from cpython.long cimport PyLong_AsLongAndOverflow, PyLong_CheckExact, PyLong_FromLong
from cpython.object cimport PyObject, PyObject_RichCompareBool, Py_EQ, PyTypeObject
from cpython.ref cimport Py_DECREF, Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM
from libc.stdint cimport uint8_t

from midox._core._checks cimport checked_data, checked_int, validate_time
from midox._core._checks import check_value
from midox._core._specs cimport (
    A_CHANNEL, A_CONTROL, A_DATA, A_FRAME_TYPE, A_FRAME_VALUE, A_NOTE, A_PITCH, A_POS, A_PROGRAM, A_SONG, A_VALUE,
    A_VELOCITY, ATTR_DEFAULT, ATTR_IDS, ATTR_MAX, ATTR_MIN, ATTR_NAMES, DATA_SLOT, ENC_NIBBLES, ENC_PLAIN,
    ENC_SIGNED14, ENC_SYSEX, ENC_UNSIGNED14, NUM_ATTRS, NUM_SLOTS, SLOT, TYPE_BY_STATUS, TYPE_IDS, TYPE_NAMES, TYPE_SPECS, TypeSpec,
    is_realtime_status,
)
from midox._core._specs import SPEC_BY_TYPE

cdef extern from "Python.h":
    PyObject *PyType_GenericAlloc(PyTypeObject *cls, Py_ssize_t n_items)
    void PyType_Modified(PyTypeObject *cls)
    ctypedef struct _TypeWithDict "PyTypeObject":
        PyObject *tp_dict        # the type's attributes (Cython's PyTypeObject leaves it out)

cdef int PITCH_OFFSET = 8192     # pitchwheel travels as an unsigned 14-bit number, 8192 meaning centre


class SysexData(tuple):
    """The data bytes of a sysex message: a tuple whose ``+=`` accepts any sequence of data bytes."""

    __slots__ = ()

    def __iadd__(self, other):
        return SysexData(self + checked_data(other, True))


SysexData.__module__ = 'midox.messages'     # its public path, which pickles name


cdef object EMPTY_DATA = SysexData()


@cython.final
cdef class _Extended:
    """The _data field of a message with extra attributes: its sysex data (None for other types) and the
    extras by name, in the order they were given."""
    cdef object data
    cdef dict extra

    cdef _Extended copy(self):
        cdef _Extended clone = _Extended.__new__(_Extended)
        clone.data = self.data
        clone.extra = dict(self.extra)
        return clone

    def __eq__(self, other):
        if not isinstance(other, _Extended):
            return NotImplemented
        return self.data == (<_Extended>other).data and self.extra == (<_Extended>other).extra


@cython.final
cdef class _ExtraAttribute:
    """Message's descriptor for an extra attribute name: the message's value, AttributeError if it has none.

    Put on the class the first time a message gets the name (a __getattr__ would do without, but it would
    make every method call on every message slower: CPython only caches method lookups on types that keep
    the generic attribute lookup)."""
    cdef str name

    def __get__(self, msg, owner):
        if msg is None:
            return self
        extra = (<Message>msg)._extra()
        if extra is not None and self.name in extra:
            return extra[self.name]
        raise AttributeError(f"'{type(msg).__name__}' object has no attribute '{self.name}'")


cdef int _add_extra_attribute(str name) except -1:
    """Make extra attributes of this name readable on messages (see _ExtraAttribute)."""
    cdef _ExtraAttribute descriptor
    attributes = <dict>(<_TypeWithDict *>Message).tp_dict
    if name in attributes or hasattr(Message, name):
        return 0        # a name Message has already (a value or a method): vars() shows the extra
    descriptor = _ExtraAttribute.__new__(_ExtraAttribute)
    descriptor.name = name
    attributes[name] = descriptor
    PyType_Modified(<PyTypeObject *>Message)
    return 0

cdef object MISSING = object()      # a value that was not given

cdef enum:
    SHORT_INPUT = 8                 # from_bytes decodes lists and tuples up to this long on the stack
    GIVEN_TIME = NUM_ATTRS          # where a given[] array of values by Attr id holds time
    NUM_GIVEN = NUM_ATTRS + 1


@cython.no_gc   # a message holds numbers, strings and tuples of ints: it can never be part of a reference cycle
@cython.auto_pickle(False)      # subclasses pickle through their own __reduce__, under their public names
cdef class BaseMessage:
    """Abstract base class of Message and MetaMessage.

    Messages compare equal when their type, values and time are equal; comparing a message with anything
    else raises TypeError. Messages are mutable (every assignment is validated) and therefore unhashable.
    """
    is_meta = False

    @property
    def is_realtime(self):
        """True for the system real-time messages (clock, start, continue, stop, active_sensing, reset)."""
        return False

    def is_cc(self, control=None):
        """Return True for a control_change message, or for one of the given control number."""
        return False

    def copy(self, **overrides):
        raise NotImplementedError

    def bytes(self):
        raise NotImplementedError

    def bin(self):
        """Return the encoded message as a bytearray (what a file or a port receives)."""
        return bytearray(self.bytes())

    def hex(self, sep=' '):
        """Return the encoded message as upper-case hex numbers joined by sep."""
        return sep.join([f'{byte:02X}' for byte in self.bytes()])

    def dict(self):
        """Return the attributes as a new dict (type, time, then the values); sysex data becomes a list."""
        data = dict(vars(self))
        if data['type'] == 'sysex':
            data['data'] = list(data['data'])
        return data

    @classmethod
    def from_dict(cls, data):
        """Create a message from a dict such as dict() returns. Only 'type' is required."""
        return cls(**data)

    def _get_value_names(self):
        return [name for name in vars(self) if name not in ('type', 'time')] + ['time']

    def __repr__(self):
        attrs = vars(self)
        items = [repr(attrs['type'])]
        items += [f'{name}={attrs[name]!r}' for name in self._get_value_names()]
        return f"{type(self).__name__}({', '.join(items)})"

    def __setattr__(self, name, value):
        raise AttributeError('message is immutable')

    def __delattr__(self, name):
        raise AttributeError('attribute cannot be deleted')

    def __eq__(self, other):
        if not isinstance(other, BaseMessage):
            raise TypeError(f"can't compare message to {type(other)}")
        return vars(self) == vars(other)

    def __ne__(self, other):
        return not self == other


@cython.no_gc   # as BaseMessage
cdef class Message(BaseMessage):
    """A MIDI message: Message(type, skip_checks=False, **values).

    :param type: one of the 18 message types, such as 'note_on' or 'sysex' (LookupError for others).
    :param skip_checks: take the values without checking their ranges (they must still be integers).
    :param values: the type's values (for note_on: channel, note, velocity) and ``time``; values left out get
        their defaults (velocity 64, sysex data (), everything else 0).

    Values are stored as ints: a bool or a numpy integer becomes an int.
    """

    def __init__(self, type, skip_checks=False, *, channel=MISSING, note=MISSING, velocity=MISSING,
                 control=MISSING, value=MISSING, program=MISSING, pitch=MISSING, pos=MISSING, song=MISSING,
                 frame_type=MISSING, frame_value=MISSING, data=MISSING, time=MISSING, **unknown):
        # Named parameters rather than **values: no dict is built and no name is looked up twice.
        cdef PyObject *given[NUM_GIVEN]
        type_id = TYPE_IDS.get(type)
        if type_id is None:
            raise LookupError(f'Unknown message type {type!r}')
        self._init(<int>type_id)
        given[A_CHANNEL], given[A_NOTE], given[A_VELOCITY] = <PyObject *>channel, <PyObject *>note, <PyObject *>velocity
        given[A_CONTROL], given[A_VALUE], given[A_PROGRAM] = <PyObject *>control, <PyObject *>value, <PyObject *>program
        given[A_PITCH], given[A_POS], given[A_SONG] = <PyObject *>pitch, <PyObject *>pos, <PyObject *>song
        given[A_FRAME_TYPE], given[A_FRAME_VALUE] = <PyObject *>frame_type, <PyObject *>frame_value
        given[A_DATA], given[GIVEN_TIME] = <PyObject *>data, <PyObject *>time
        self._apply(given, unknown, not skip_checks, False)

    cdef void _init(self, int type_id) noexcept:
        cdef const TypeSpec *spec = &TYPE_SPECS[type_id]
        cdef int i, attr
        self._type = type_id
        self._time = 0
        self._v[0] = self._v[1] = self._v[2] = 0
        self._data = None
        for i in range(spec.n_values):
            attr = spec.attrs[i]
            if attr == A_DATA:
                self._data = EMPTY_DATA
            else:
                self._v[SLOT[type_id][attr]] = ATTR_DEFAULT[attr]

    cdef int _store(self, int attr, object value, bint check) except -1:
        """Set a value of the type's own (attr must have a slot)."""
        if attr != A_DATA:
            self._v[SLOT[self._type][attr]] = checked_int(attr, value, check)
        elif type(self._data) is _Extended:
            (<_Extended>self._data).data = SysexData(checked_data(value, check))
        else:
            self._data = SysexData(checked_data(value, check))
        return 0

    cdef int _put_extra(self, object name, object value, bint check, bint trusted) except -1:
        """Set an attribute the type does not have: allowed when the type's spec lists the name in
        'attribute_names', or when trusted (unpickling); checked through checks._CHECKS."""
        cdef _Extended extended
        if not trusted and name not in SPEC_BY_TYPE[self.type]['attribute_names']:
            raise ValueError(f'{self.type} message has no attribute {name}')
        if check:
            check_value(name, value)
        if type(self._data) is not _Extended:
            extended = _Extended.__new__(_Extended)
            extended.data = self._data
            extended.extra = {}
            self._data = extended
        if name not in (<_Extended>self._data).extra:
            _add_extra_attribute(name)
        (<_Extended>self._data).extra[name] = value
        return 0

    cdef int _apply(self, PyObject **given, dict unknown, bint check, bint trusted) except -1:
        """Set the given values (MISSING where not given), in mido's order of checks: time, the type's
        values in spec order, then names the type does not have (extras). The caller keeps the values alive."""
        cdef const TypeSpec *spec = &TYPE_SPECS[self._type]
        cdef int i, attr
        if given[GIVEN_TIME] != <PyObject *>MISSING:
            if check:
                validate_time(<object>given[GIVEN_TIME])
            self._time = <object>given[GIVEN_TIME]
        for i in range(spec.n_values):
            attr = spec.attrs[i]
            if given[attr] != <PyObject *>MISSING:
                self._store(attr, <object>given[attr], check)
        for attr in range(NUM_ATTRS):
            if given[attr] != <PyObject *>MISSING and SLOT[self._type][attr] < 0:
                self._put_extra(ATTR_NAMES[attr], <object>given[attr], check, trusted)
        if unknown:
            for name, value in unknown.items():
                self._put_extra(name, value, check, trusted)
        return 0

    cdef int _assign(self, dict values, bint check, bint trusted=False) except -1:
        """Set values from a dict of names (copy overrides, pickled state); the dict must not change meanwhile."""
        cdef PyObject *given[NUM_GIVEN]
        cdef int i
        for i in range(NUM_GIVEN):
            given[i] = <PyObject *>MISSING
        unknown = {}
        for name, value in values.items():
            if name == 'time':
                given[GIVEN_TIME] = <PyObject *>value
            elif name in ATTR_IDS:
                given[<int>ATTR_IDS[name]] = <PyObject *>value
            else:
                unknown[name] = value
        return self._apply(given, unknown, check, trusted)

    cdef object _get(self, int attr):
        cdef int slot = SLOT[self._type][attr]
        if slot < 0:        # an extra attribute of a name that other types have as a value
            extra = self._extra()
            if extra is None or ATTR_NAMES[attr] not in extra:
                raise AttributeError(f"'{type(self).__name__}' object has no attribute '{ATTR_NAMES[attr]}'")
            return extra[ATTR_NAMES[attr]]
        if slot == DATA_SLOT:
            return self._sysex()
        return self._v[slot]

    cdef object _sysex(self):
        """The SysexData of a sysex message, None for other types."""
        if type(self._data) is _Extended:
            return (<_Extended>self._data).data
        return self._data

    cdef dict _extra(self):
        """The extra attributes by name, None if the message has none."""
        if type(self._data) is _Extended:
            return (<_Extended>self._data).extra
        return None

    @property
    def type(self):
        """The message type, such as 'note_on' (read only)."""
        return TYPE_NAMES[self._type]

    @property
    def time(self):
        """Delta time: ticks in a MIDI file track, seconds elsewhere (an int or a float)."""
        return self._time

    @property
    def channel(self):
        """Channel 0..15 (channel messages)."""
        return self._get(A_CHANNEL)

    @property
    def note(self):
        """Note number 0..127 (note_on, note_off, polytouch)."""
        return self._get(A_NOTE)

    @property
    def velocity(self):
        """Velocity 0..127 (note_on, note_off)."""
        return self._get(A_VELOCITY)

    @property
    def control(self):
        """Controller number 0..127 (control_change)."""
        return self._get(A_CONTROL)

    @property
    def value(self):
        """Value 0..127 (control_change, polytouch, aftertouch)."""
        return self._get(A_VALUE)

    @property
    def program(self):
        """Program number 0..127 (program_change)."""
        return self._get(A_PROGRAM)

    @property
    def pitch(self):
        """Pitch bend -8192..8191, 0 meaning centre (pitchwheel)."""
        return self._get(A_PITCH)

    @property
    def pos(self):
        """Song position 0..16383 in MIDI beats (songpos)."""
        return self._get(A_POS)

    @property
    def song(self):
        """Song number 0..127 (song_select)."""
        return self._get(A_SONG)

    @property
    def frame_type(self):
        """MTC frame type 0..7 (quarter_frame)."""
        return self._get(A_FRAME_TYPE)

    @property
    def frame_value(self):
        """MTC frame value 0..15 (quarter_frame)."""
        return self._get(A_FRAME_VALUE)

    @property
    def data(self):
        """The data bytes between F0 and F7, as a SysexData tuple (sysex)."""
        return self._get(A_DATA)

    @property
    def __dict__(self):
        """mido's attribute mapping: type, time, then the values in spec order (a new dict each time)."""
        return self._attrs()

    cdef dict _attrs(self):
        cdef const TypeSpec *spec = &TYPE_SPECS[self._type]
        cdef int i
        attrs = {'type': TYPE_NAMES[self._type], 'time': self._time}
        for i in range(spec.n_values):
            attrs[ATTR_NAMES[spec.attrs[i]]] = self._get(spec.attrs[i])
        if type(self._data) is _Extended:
            attrs.update((<_Extended>self._data).extra)
        return attrs

    @property
    def is_realtime(self):
        """True for the system real-time messages (clock, start, continue, stop, active_sensing, reset)."""
        return is_realtime_status(TYPE_SPECS[self._type].status)

    def is_cc(self, control=None):
        """Return True for a control_change message, or for one of the given control number."""
        cdef int slot = SLOT[self._type][A_CONTROL]
        if slot < 0:
            return False
        return control is None or self._v[slot] == control

    def __setattr__(self, name, value):
        if name == 'time':
            validate_time(value)
            self._time = value
            return
        attr = ATTR_IDS.get(name)
        if attr is None or SLOT[self._type][<int>attr] < 0:
            if name == 'type':
                raise AttributeError('type attribute is read only')
            extra = self._extra()
            if extra is None or name not in extra:
                raise AttributeError(f'{self.type} message has no attribute {name}')
            check_value(name, value)
            extra[name] = value
            return
        self._store(<int>attr, value, True)

    def _get_value_names(self):
        cdef const TypeSpec *spec = &TYPE_SPECS[self._type]
        return [ATTR_NAMES[spec.attrs[i]] for i in range(spec.n_values)] + ['time']

    def __eq__(self, other):
        cdef Message that
        if not isinstance(other, Message):
            return BaseMessage.__eq__(self, other)
        that = <Message>other
        return (self._type == that._type and self._v[0] == that._v[0] and self._v[1] == that._v[1]
                and self._v[2] == that._v[2] and self._data == that._data
                and PyObject_RichCompareBool(self._time, that._time, Py_EQ))

    def __ne__(self, other):
        return not self == other

    def copy(self, skip_checks=False, **overrides):
        """Return a copy, with the given values (and time) replaced and checked.

        The type cannot change (ValueError). skip_checks takes the new values without range checks.
        """
        if 'type' in overrides:
            if overrides.pop('type') != self.type:
                raise ValueError('copy must be same message type')
        cdef Message clone = self._copy_as(type(self))
        if overrides:
            clone._assign(overrides, not skip_checks)
        return clone

    def _copy_as(self, cls):
        """Return a message of class cls (Message or a subclass) with this message's state, unchecked."""
        cdef Message clone = (Message.__new__(Message) if cls is Message else cls.__new__(cls))
        clone._type = self._type
        clone._v = self._v
        clone._data = self._data if type(self._data) is not _Extended else (<_Extended>self._data).copy()
        clone._time = self._time
        return clone

    def __reduce__(self):
        # Pickles name the public class and carry the values by name, so they survive layout changes.
        # Like copy(), unpickling keeps values that skip_checks let in (pickle trusts its input anyway), and
        # extras, even where the extension that allowed them is not loaded.
        state = self._attrs()
        del state['type']
        return (type(self), (self.type,), state)

    def __setstate__(self, state):
        self._assign(dict(state), False, True)

    cdef int _wire_ints(self, int *out) except -1:
        """Write the encoded values of a non-sysex message to out; return how many. ValueError if a value that
        skip_checks let in is out of its range: its bytes would be out of 0..255 or another message's."""
        cdef const TypeSpec *spec = &TYPE_SPECS[self._type]
        cdef int i, attr, value
        for i in range(spec.n_values):
            attr = spec.attrs[i]
            value = self._v[SLOT[self._type][attr]]
            if not ATTR_MIN[attr] <= value <= ATTR_MAX[attr]:
                raise ValueError(f'cannot encode {self!r}: {ATTR_NAMES[attr]} must be in range '
                                 f'{ATTR_MIN[attr]}..{ATTR_MAX[attr]}')
        out[0] = spec.status | self._v[0]
        if spec.encoding == ENC_SIGNED14 or spec.encoding == ENC_UNSIGNED14:
            value = self._v[1] + (PITCH_OFFSET if spec.encoding == ENC_SIGNED14 else 0)
            out[1] = value & 0x7F
            out[2] = value >> 7
        elif spec.encoding == ENC_NIBBLES:
            out[1] = self._v[1] << 4 | self._v[2]
        else:
            out[1] = self._v[1]
            out[2] = self._v[2]
        return spec.length

    cdef list _sysex_wire(self):
        """F0, the data bytes, F7 as a list of ints; ValueError for a data byte out of 0..127 (skip_checks)."""
        data = self._sysex()
        for byte in data:
            if not 0 <= byte <= 0x7F:
                raise ValueError(f'cannot encode sysex data byte {byte!r}: data bytes must be in range 0..127')
        return [0xF0, *data, 0xF7]

    cpdef list bytes(self):
        """Return the encoded message as a list of ints (ValueError for a value that skip_checks let in out of
        its range)."""
        cdef int out[3]
        cdef int n
        if TYPE_SPECS[self._type].encoding == ENC_SYSEX:
            return self._sysex_wire()
        n = self._wire_ints(out)
        if n == 1:
            return [out[0]]
        if n == 2:
            return [out[0], out[1]]
        return [out[0], out[1], out[2]]

    def __len__(self):
        if TYPE_SPECS[self._type].encoding == ENC_SYSEX:
            return 2 + len(self._sysex())
        return TYPE_SPECS[self._type].length

    def __str__(self):
        return msg2str(self._attrs())

    @classmethod
    def from_bytes(cls, data, time=0):
        """Decode one message from bytes or any sequence of ints (the reverse of bytes() and bin()).

        Raises ValueError (TypeError for items that are not ints) unless data is exactly one valid message.
        """
        cdef Message msg
        cdef uint8_t small[SHORT_INPUT]
        cdef const uint8_t *buf = small
        cdef Py_ssize_t n
        validate_time(time)
        if type(data) is bytes:
            buf = <const uint8_t *>PyBytes_AS_STRING(data)
            n = len(data)
        elif (type(data) is list or type(data) is tuple) and len(data) <= SHORT_INPUT:
            n = len(data)
            _copy_byte_values(data, n, small)
        else:
            data = _byte_values(data)
            buf = <const uint8_t *>PyBytes_AS_STRING(data)
            n = len(data)
        check_wire(buf, n, True)
        msg = message_from_wire(buf, n, time)
        return msg if cls is Message else msg._copy_as(cls)

    @classmethod
    def from_hex(cls, text, time=0, sep=None):
        """Decode one message from hex numbers, such as hex() returns (the separator may be any space)."""
        text = ''.join([' ' if c.isspace() else c for c in text])
        if sep is not None:
            # The same width keeps the character positions of bytearray.fromhex()'s errors right.
            text = text.replace(sep, ' ' * len(sep))
        return cls.from_bytes(bytearray.fromhex(text), time=time)

    @classmethod
    def from_str(cls, text):
        """Decode one message from the text format (the reverse of str(msg))."""
        return cls(**str2msg(text))


def _init_subclass(cls, **kwargs):
    """Message.__init_subclass__: a Python subclass without __slots__ gets an instance __dict__ of its own,
    whose descriptor would hide Message's __dict__ property (vars() would be empty); put the property back,
    since mido's subclasses see the message's attributes in vars()."""
    super(Message, cls).__init_subclass__(**kwargs)
    attributes = <dict>(<_TypeWithDict *>cls).tp_dict
    if '__dict__' in attributes:
        attributes['__dict__'] = (<dict>(<_TypeWithDict *>Message).tp_dict)['__dict__']
        PyType_Modified(<PyTypeObject *>cls)


# Cython cannot define __init_subclass__ in an extension type: add it to the type's attributes.
(<dict>(<_TypeWithDict *>Message).tp_dict)['__init_subclass__'] = classmethod(_init_subclass)
PyType_Modified(<PyTypeObject *>Message)

cdef (PyTypeObject *) _public_type = <PyTypeObject *>Message
# Present the class under its public path: pickles, reprs and error messages then say midox.Message.
_public_type.tp_name = b'midox.Message'


cdef bytes _byte_values(object data):
    """Copy a sequence of ints into bytes, raising mido's errors for items that are not bytes."""
    items = data if type(data) is list or type(data) is tuple else list(data)
    cdef bytes raw = PyBytes_FromStringAndSize(NULL, len(items))   # ours alone until returned: safe to fill
    _copy_byte_values(items, len(items), <uint8_t *>PyBytes_AS_STRING(raw))
    return raw


cdef int _copy_byte_values(object items, Py_ssize_t n, uint8_t *out) except -1:
    """Write the first n items of a list or tuple of ints to out, raising mido's errors in mido's order:
    the status byte, a sysex's end byte, then the data bytes."""
    cdef Py_ssize_t i
    if n == 0:
        return 0
    if not _is_byte(items[0]):
        raise ValueError(f'invalid status byte {items[0]!r}')
    if items[0] == 0xF0 and n > 1 and not _is_byte(items[n - 1]):
        raise ValueError(f'invalid sysex end byte {items[n - 1]!r}')
    for i in range(n):
        item = items[i]
        out[i] = <uint8_t>(item if _is_byte(item) else checked_int(A_DATA, item, True))    # or raises
    return 0


cdef inline bint _is_byte(object item) noexcept:
    cdef int overflow = 0
    cdef long value
    if not PyLong_CheckExact(item):
        return False
    value = PyLong_AsLongAndOverflow(item, &overflow)
    return overflow == 0 and 0 <= value <= 255


cdef int check_wire(const uint8_t *buf, Py_ssize_t n, bint check_data) except -1:
    cdef Py_ssize_t i, end = n
    cdef int type_id
    cdef const TypeSpec *spec
    if n == 0:
        raise ValueError('message is 0 bytes long')
    type_id = TYPE_BY_STATUS[buf[0]]
    if type_id < 0:
        raise ValueError(f'invalid status byte {buf[0]}')
    spec = &TYPE_SPECS[type_id]
    if spec.encoding == ENC_SYSEX:
        if n < 2:
            raise ValueError('sysex without end byte')
        if buf[n - 1] != 0xF7:
            raise ValueError(f'invalid sysex end byte {buf[n - 1]}')
        end = n - 1
    if check_data:
        for i in range(1, end):
            if buf[i] > 127:
                raise ValueError('data byte must be in range 0..127')
    if spec.length != 0 and n != spec.length:
        raise ValueError(f'wrong number of bytes for {TYPE_NAMES[type_id]} message')
    return 0


cdef Message message_from_wire(const uint8_t *buf, Py_ssize_t n, object time):
    cdef int type_id = TYPE_BY_STATUS[buf[0]]
    cdef const TypeSpec *spec = &TYPE_SPECS[type_id]
    cdef Message msg = Message.__new__(Message)
    msg._type = type_id
    msg._time = time
    msg._data = None
    msg._v[0] = (buf[0] & 0x0F) if spec.has_channel else 0
    msg._v[1] = msg._v[2] = 0
    if spec.encoding == ENC_PLAIN:
        if n > 1:
            msg._v[1] = buf[1]
        if n > 2:
            msg._v[2] = buf[2]
    elif spec.encoding == ENC_SIGNED14:
        msg._v[1] = (buf[1] | buf[2] << 7) - PITCH_OFFSET
    elif spec.encoding == ENC_UNSIGNED14:
        msg._v[1] = buf[1] | buf[2] << 7
    elif spec.encoding == ENC_NIBBLES:
        msg._v[1] = buf[1] >> 4
        msg._v[2] = buf[1] & 0x0F
    else:
        msg._data = new_sysex_data(buf + 1, n - 2)
    return msg


cdef object new_sysex_data(const uint8_t *data, Py_ssize_t n):
    """Return a SysexData of n bytes, built as tuple() would build it but without a Python-level call."""
    cdef PyObject *tup = PyType_GenericAlloc(<PyTypeObject *>SysexData, n)     # SysexData's tp_alloc
    cdef Py_ssize_t i
    if tup == NULL:
        raise MemoryError()
    result = <object>tup
    Py_DECREF(result)       # <object> took a second reference to the one tp_alloc returned
    for i in range(n):
        item = <object>PyLong_FromLong(data[i])    # the small-int cache: no allocation
        Py_INCREF(item)     # PyTuple_SET_ITEM steals the reference
        PyTuple_SET_ITEM(result, i, item)
    return result


# mido's messages.specs, decode and encode helpers --------------------------------------------------------

def make_msgdict(type_, overrides):
    """Return a message dict of the given type: defaults, then overrides (nothing is checked)."""
    spec = SPEC_BY_TYPE.get(type_)
    if spec is None:
        raise LookupError(f'Unknown message type {type_!r}')
    msg = Message(type_)._attrs()
    msg.update(overrides)
    return msg


def decode_message(msg_bytes, time=0, check=True):
    """Decode message bytes to a message dict; raises ValueError for invalid bytes."""
    cdef bytes raw = _byte_values(msg_bytes)
    cdef const uint8_t *buf = <const uint8_t *>PyBytes_AS_STRING(raw)
    check_wire(buf, len(raw), check)
    attrs = message_from_wire(buf, len(raw), time)._attrs()
    if 'data' in attrs:
        attrs['data'] = tuple(attrs['data'])
    return attrs


def encode_message(msg):
    """Encode a message dict as a list of ints (the values are not checked)."""
    return Message(skip_checks=True, **msg).bytes()


# The text format ("String Encoding" in the manual) -------------------------------------------------------

def msg2str(msg, include_time=True):
    """Format a message dict as text: 'note_on channel=0 note=60 velocity=64 time=0'."""
    words = [msg['type']]
    for name in SPEC_BY_TYPE[msg['type']]['value_names']:
        value = msg[name]
        if name == 'data':
            value = '({})'.format(','.join([str(byte) for byte in value]))
        words.append(f'{name}={value}')
    if include_time:
        words.append(f"time={msg['time']}")
    return ' '.join(words)


def _parse_time(text):
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    raise ValueError(f'invalid time {text!r}')


def _parse_data(text):
    if not (text.startswith('(') and text.endswith(')')):
        raise ValueError('missing parentheses in data message')
    inner = text[1:-1]
    if not inner:
        return []       # 'data=()', an empty sysex (mido cannot read it back)
    try:
        return [int(byte) for byte in inner.split(',')]
    except ValueError as error:
        raise ValueError('unable to parse data bytes') from error


def str2msg(text):
    """Parse the text format into a message dict with defaults filled in (values are not checked)."""
    words = text.split()
    if not words:
        raise ValueError('empty message string')
    values = {}
    for word in words[1:]:
        name, equals, value = word.partition('=')
        if not equals:
            raise ValueError(f'expected name=value, got {word!r}')
        if name == 'time':
            values[name] = _parse_time(value)
        elif name == 'data':
            values[name] = _parse_data(value)
        else:
            values[name] = int(value)
    return make_msgdict(words[0], values)


def format_as_string(msg, include_time=True):
    """Format a message in the text format; include_time=False leaves out the time."""
    return msg2str(vars(msg), include_time=include_time)


def parse_string(text):
    """Parse one message in the text format (it may span lines); ValueError if it cannot."""
    return Message.from_str(text)


def parse_string_stream(stream):
    """Parse lines of the text format, yielding (message, None) or (None, 'line N: error').

    Everything after a '#' on a line is a comment; blank lines are skipped.
    """
    for line_number, line in enumerate(stream, 1):
        line = line.split('#')[0].strip()
        if not line:
            continue
        try:
            message = parse_string(line)
        except (ValueError, LookupError) as error:
            yield None, f'line {line_number}: {error.args[0]}'
        else:
            yield message, None
