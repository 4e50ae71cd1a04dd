# Message classes and the C constructors that the parser and the file decoder use.
from cpython.object cimport PyObject
from libc.stdint cimport uint8_t

from midox._core._specs cimport NUM_SLOTS


cdef class BaseMessage:
    pass


cdef class Message(BaseMessage):
    cdef object _time           # delta time: an int or float (any real number)
    cdef uint8_t _type          # type id: a row of the spec table
    cdef int _v[NUM_SLOTS]      # slot 0 channel, slots 1 and 2 the other values (see _specs.SLOT)
    cdef object _data           # SysexData of a sysex message, None otherwise; an _Extended if it has extras

    cdef void _init(self, int type_id) noexcept
    cdef object _get(self, int attr)
    cdef object _sysex(self)
    cdef dict _extra(self)
    cdef dict _attrs(self)
    cdef int _store(self, int attr, object value, bint check) except -1
    cdef int _put_extra(self, object name, object value, bint check, bint trusted) except -1
    cdef int _apply(self, PyObject **given, dict unknown, bint check, bint trusted) except -1
    cdef int _assign(self, dict values, bint check, bint trusted=*) except -1
    cdef int _wire_ints(self, int *out) except -1
    cdef list _sysex_wire(self)
    cpdef list bytes(self)


# The fast path for bytes that are already known to hold one complete, valid message: no checks at all.
cdef Message message_from_wire(const uint8_t *buf, Py_ssize_t n, object time)

# Raise ValueError (mido's messages) unless buf holds exactly one valid message.
cdef int check_wire(const uint8_t *buf, Py_ssize_t n, bint check_data) except -1
