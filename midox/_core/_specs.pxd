# The message spec table, as C arrays for the compiled modules (filled once when _specs is imported).
from libc.stdint cimport int8_t, uint8_t

cdef enum:
    NUM_TYPES = 18      # rows of MESSAGE_TYPES
    MAX_VALUES = 3      # value names of one type, at most
    NUM_SLOTS = 3       # integer storage of a Message: slot 0 channel, slots 1 and 2 the other values
    DATA_SLOT = 3       # SLOT value of 'data', which is stored as an object
    NO_SLOT = -1

# Attr ids: every value name of every message type. The order is fixed here; _specs.pyx gives each its facts.
cdef enum:
    A_CHANNEL
    A_NOTE
    A_VELOCITY
    A_CONTROL
    A_VALUE
    A_PROGRAM
    A_PITCH
    A_POS
    A_SONG
    A_FRAME_TYPE
    A_FRAME_VALUE
    A_DATA
    NUM_ATTRS

# How the values of a type go on the wire after the status byte.
cdef enum Encoding:
    ENC_PLAIN       # one data byte per value (channel goes into the status byte)
    ENC_SIGNED14    # pitchwheel: value + 8192 as two 7-bit bytes, LSB first
    ENC_UNSIGNED14  # songpos: value as two 7-bit bytes, LSB first
    ENC_NIBBLES     # quarter_frame: frame_type << 4 | frame_value in one byte
    ENC_SYSEX       # F0, the data bytes, F7

ctypedef struct TypeSpec:
    uint8_t status          # status byte (channel 0 for channel messages)
    uint8_t length          # bytes on the wire; 0 for sysex, whose length varies
    uint8_t encoding        # an Encoding
    uint8_t n_values
    uint8_t has_channel
    int8_t attrs[MAX_VALUES]    # Attr ids in spec order

cdef TypeSpec TYPE_SPECS[NUM_TYPES]
cdef int8_t TYPE_BY_STATUS[256]             # type id of a status byte, -1 where undefined
cdef int8_t SLOT[NUM_TYPES][NUM_ATTRS]      # where a type stores a value, NO_SLOT where it has none
cdef int ATTR_MIN[NUM_ATTRS]
cdef int ATTR_MAX[NUM_ATTRS]
cdef int ATTR_DEFAULT[NUM_ATTRS]

cdef tuple TYPE_NAMES       # interned type names by type id
cdef tuple ATTR_NAMES       # interned value names by Attr id
cdef tuple ATTR_LABELS      # what error messages call a value ("data byte", "song pos", ...)
cdef dict TYPE_IDS          # type name -> type id
cdef dict ATTR_IDS          # value name -> Attr id


cdef inline bint is_realtime_status(int status) noexcept:
    """System real-time bytes are F8-FF (MIDI 1.0); the table leaves F9 and FD undefined."""
    return status >= 0xF8
