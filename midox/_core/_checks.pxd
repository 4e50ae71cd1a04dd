# Validators shared by the compiled modules. Each raises mido's exception class with mido's wording.
from cpython.float cimport PyFloat_CheckExact
from cpython.long cimport PyLong_CheckExact

cdef int checked_int(int attr, object value, bint check) except? -1
cdef tuple checked_data(object data, bint check)
cdef int validate_time_slow(object value) except -1


cdef inline int validate_time(object value) except -1:
    """Accept any real number (mido: numbers.Real), exact int and float on the fast path."""
    if PyLong_CheckExact(value) or PyFloat_CheckExact(value):
        return 0
    return validate_time_slow(value)
