# Meta events of MIDI files: built in C for the built-in meta types (see _meta.pyx).
from libc.stdint cimport uint8_t

# How the payload of each built-in meta type is laid out (the byte layouts of _meta.pyx).
cpdef enum Layout:
    PYTHON = 0          # decoded by the spec, in Python
    SEQUENCE_NUMBER     # 2 bytes, big-endian; an empty payload reads as 0
    TEXT                # the whole payload, as text in the file's charset
    CHANNEL             # 1 byte
    PORT                # 1 byte; an empty payload reads as 0
    NO_VALUES           # end_of_track
    TEMPO               # 3 bytes, big-endian
    SMPTE               # rate (2 bits) and hours (5 bits), minutes, seconds, frames, sub frames
    TIME_SIGNATURE      # numerator, denominator as a power of 2, clocks per click, 32nd notes per beat
    KEY_SIGNATURE       # sharps (signed byte), mode
    DATA                # the payload as a tuple of ints (sequencer_specific)

# The meta message of an event whose payload is the n bytes at payload (an UnknownMetaMessage for an unknown
# type byte); raises what the spec raises for a payload it refuses.
cdef object build_meta_event(int type_byte, const uint8_t *payload, Py_ssize_t n, object delta, str charset,
                             const char *encoding)
# How build_meta_event() decodes the event: its Layout if in C, PYTHON if by its spec, -1 for an unknown type;
# raises what it would raise.
cdef int check_meta_event(int type_byte, const uint8_t *payload, Py_ssize_t n, str charset,
                          const char *encoding) except -2
cdef object unknown_meta_event(int type_byte, object data, object delta)
# (type byte, payload bytes) of a meta message; raises what its spec raises for a value it cannot encode.
cdef tuple encode_meta_event(object msg, str charset, const char *encoding)
cdef object meta_with_time(object msg, object time)
cdef object end_of_track_message(object delta)
