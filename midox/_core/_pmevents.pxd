# PortMidi's 32-bit event words <-> MIDI bytes (see _pmevents.pyx), for the PortMidi binding to cimport.
from libc.stdint cimport uint32_t

cdef enum:
    WORD_BYTES = 4      # the most MIDI bytes one event word carries

# Unpack one event word into out, which has cap bytes free: return how many bytes were written (0 to 4), or
# -1 if they do not fit. *in_sysex carries whether a sysex message is in progress from one word to the next.
cdef Py_ssize_t unpack_word(uint32_t word, unsigned char *out, Py_ssize_t cap, int *in_sysex) noexcept nogil

# Check that data[:size] is exactly one MIDI message as PortMidi writes it. A short message is packed into
# *word and 1 returned; a sysex message (F0, data bytes 0..127, F7) returns 0: Pm_WriteSysEx takes its bytes.
# Anything else raises ValueError.
cdef int pack_message(const unsigned char *data, Py_ssize_t size, uint32_t *word) except -1
