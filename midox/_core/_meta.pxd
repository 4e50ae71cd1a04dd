# Meta events of MIDI files: built in C for the built-in meta types (see _meta.pyx).
from libc.stdint cimport uint8_t

# The meta message of an event whose payload is the n bytes at payload (an UnknownMetaMessage for an unknown
# type byte); raises what the spec raises for a payload it refuses.
cdef object build_meta_event(int type_byte, const uint8_t *payload, Py_ssize_t n, object delta, str charset,
                             const char *encoding)
cdef object unknown_meta_event(int type_byte, object data, object delta)
# (type byte, payload bytes) of a meta message; raises what its spec raises for a value it cannot encode.
cdef tuple encode_meta_event(object msg, str charset, const char *encoding)
cdef object meta_with_time(object msg, object time)
cdef object end_of_track_message(object delta)
