"""PortMidi's event words: the one place that packs MIDI bytes into them and unpacks them again.

PortMidi, and pygame.midi over it, carries MIDI in 32-bit words. A short message is one word: its status in
the low byte, its data bytes above it (status | data1 << 8 | data2 << 16); the bytes beyond the message's
length are not MIDI. A sysex message is a run of words of four bytes each, low byte first, up to the F7
that ends it, the last word padded. A real-time byte that arrives during a sysex message is one of those
four bytes, wherever it fell: PortMidi 217 and 2.x both pack it into the sysex words (pm_read_short),
although portmidi.h says it gets an event of its own.

Message lengths are the spec table's (_specs); where it has none (the undefined F4, F5, F9, FD, and a
stray F7) a message is one byte, as PortMidi delivers it. Nothing here needs the PortMidi library: the
binding (midox.backends._portmidi) cimports unpack_word() and pack_message(), the pygame backend calls
unpack(), and pack() is unpack()'s inverse.
"""
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.number cimport PyNumber_Index
from cpython.pyport cimport PY_SSIZE_T_MAX
from libc.stdint cimport uint32_t
from libc.stdlib cimport free, malloc

from midox._core._specs cimport TYPE_BY_STATUS, TYPE_SPECS

__all__ = ["pack", "unpack"]

cdef enum:
    SYSEX_START = 0xF0
    SYSEX_END = 0xF7
    FIRST_REALTIME = 0xF8


cdef Py_ssize_t _short_length(unsigned char status) noexcept nogil:
    """Bytes of the message status starts outside sysex, status included; 0 for a data byte. Not for F0."""
    cdef int type_id
    if status < 0x80:
        return 0
    type_id = TYPE_BY_STATUS[status]
    if type_id < 0 or TYPE_SPECS[type_id].length == 0:
        return 1
    return TYPE_SPECS[type_id].length


cdef Py_ssize_t unpack_word(uint32_t word, unsigned char *out, Py_ssize_t cap, int *in_sysex) noexcept nogil:
    cdef unsigned char status = <unsigned char>(word & 0xFF)
    cdef unsigned char byte
    cdef Py_ssize_t k, length
    if in_sysex[0] and 0x80 <= status < SYSEX_END:
        in_sysex[0] = 0         # the sysex message was cut (no F7): this word is a new message
    if in_sysex[0] or status == SYSEX_START:
        in_sysex[0] = 1
        for k in range(WORD_BYTES):
            if k >= cap:
                return -1
            byte = <unsigned char>((word >> (8 * k)) & 0xFF)
            out[k] = byte
            # F7 ends the message. A status byte among the data bytes (PortMidi never packs one there) cuts
            # it: it goes on to the parser, which ends the sysex; the rest of the word is not MIDI.
            if byte == SYSEX_END or (k > 0 and 0x80 <= byte < FIRST_REALTIME):
                in_sysex[0] = 0
                return k + 1
        return WORD_BYTES
    # A data byte here (0 bytes) is a stray word, e.g. the rest of a sysex message whose start was lost.
    length = _short_length(status)
    if length > cap:
        return -1
    for k in range(length):
        out[k] = <unsigned char>((word >> (8 * k)) & 0xFF)
    return length


cdef Py_ssize_t _pack_short(const unsigned char *data, Py_ssize_t pos, Py_ssize_t size, uint32_t *word) except -1:
    """Pack the short message at data[pos] (pos < size) into *word; return its length in bytes."""
    cdef unsigned char status = data[pos]
    cdef Py_ssize_t length, k
    cdef uint32_t packed = status
    if status < 0x80 or status == SYSEX_END:
        raise ValueError(f"a message must start with a status byte other than F7, not {status:#04x} "
                         f"(index {pos})")
    length = _short_length(status)
    if size - pos < length:
        raise ValueError(f"a message with status {status:#04x} has {length} bytes, not {size - pos}")
    for k in range(1, length):
        if data[pos + k] >= 0x80:
            raise ValueError(f"data byte {data[pos + k]:#04x} at index {pos + k} is not in range 0..127")
        packed |= (<uint32_t>data[pos + k]) << (8 * k)
    word[0] = packed
    return length


cdef Py_ssize_t _sysex_end(const unsigned char *data, Py_ssize_t pos, Py_ssize_t size, bint realtime) except -1:
    """Return the index after the F7 of the sysex message whose F0 is data[pos]; realtime: real-time bytes
    may stand among its data bytes."""
    cdef Py_ssize_t i
    for i in range(pos + 1, size):
        if data[i] == SYSEX_END:
            return i + 1
        if data[i] >= 0x80 and not (realtime and data[i] >= FIRST_REALTIME):
            raise ValueError(f"sysex data byte {data[i]:#04x} at index {i} is not in range 0..127")
    raise ValueError(f"the sysex message at index {pos} has no F7")


cdef int pack_message(const unsigned char *data, Py_ssize_t size, uint32_t *word) except -1:
    cdef Py_ssize_t length
    if size <= 0:
        raise ValueError("a message needs at least its status byte")
    if data[0] == SYSEX_START:
        if _sysex_end(data, 0, size, False) != size:
            raise ValueError("a sysex message must end with its F7")
        return 0
    length = _pack_short(data, 0, size, word)
    if length != size:
        raise ValueError(f"a message with status {data[0]:#04x} has {length} bytes, not {size}")
    return 1


def pack(data):
    """Return the PortMidi event words that carry the MIDI bytes data (bytes-like, or an iterable of ints).

    data is whole messages, each from its status byte (no running status); a sysex message may have
    real-time bytes among its data bytes, as PortMidi's input packs them. ``unpack(pack(data))`` gives
    ``(bytes(data), False)``. Raises ValueError for anything else.
    """
    cdef bytes raw = bytes(data)
    cdef const unsigned char *buf = <const unsigned char *>PyBytes_AS_STRING(raw)
    cdef Py_ssize_t size = len(raw), pos = 0, end, i, k
    cdef uint32_t word
    cdef list words = []
    while pos < size:
        if buf[pos] == SYSEX_START:
            end = _sysex_end(buf, pos, size, True)
            for i in range(pos, end, WORD_BYTES):
                word = 0
                for k in range(min(WORD_BYTES, end - i)):
                    word |= (<uint32_t>buf[i + k]) << (8 * k)
                words.append(word)
            pos = end
        else:
            pos += _pack_short(buf, pos, size, &word)
            words.append(word)
    return words


def unpack(words, in_sysex=False):
    """Unpack PortMidi event words into the MIDI bytes they carry; return (bytes, still inside sysex).

    words is an iterable of ints 0..0xFFFFFFFF; in_sysex says whether a sysex message is in progress before
    the first (the second item returned by the previous call). A short message gives exactly its bytes;
    sysex words give their bytes up to F7, real-time bytes among them in place; a word that starts with a
    status byte other than real time ends a sysex message that had no F7; a data word outside sysex is
    dropped. Raises TypeError for a word that is not an int, ValueError for one out of range.
    """
    cdef list items = list(words)
    cdef Py_ssize_t count = len(items), length = 0, i, written
    cdef int state = 1 if in_sysex else 0
    cdef unsigned char *out
    if count == 0:
        return b"", bool(state)
    if count > PY_SSIZE_T_MAX // WORD_BYTES:
        raise MemoryError()
    out = <unsigned char *>malloc(<size_t>(count * WORD_BYTES))
    if out == NULL:
        raise MemoryError()
    try:
        for i in range(count):
            word = PyNumber_Index(items[i])       # an int: a float is refused, not truncated
            if not 0 <= word <= 0xFFFFFFFF:
                raise ValueError(f"an event word must be in range 0..0xFFFFFFFF, not {word!r}")
            written = unpack_word(<uint32_t>word, out + length, count * WORD_BYTES - length, &state)
            if written < 0:
                raise RuntimeError("PortMidi event words did not fit the unpack buffer")   # 4 bytes a word
            length += written
        return PyBytes_FromStringAndSize(<char *>out, length), bool(state)
    finally:
        free(out)
