# The Standard MIDI File reader's event scanner, shared by the two builders: messages (_smf.decode_smf) and
# arrays (_arrays). See _smf.pyx.
cimport cython
from libc.stdint cimport uint8_t, uint64_t


# One event as the scanner found it: running status resolved, data bytes checked (and clipped).
cdef struct RawEvent:
    Py_ssize_t offset       # byte offset of the event (its delta time) in the file
    uint64_t delta          # delta time, including that of skipped bytes
    bint big                # the delta time does not fit 64 bits: it is Scanner.big_delta
    int status              # 0x80..0xFE for MIDI messages, 0xFF meta, 0xF0 or 0xF7 sysex
    int size                # MIDI messages: the bytes of the message (1..3)
    uint8_t data[2]         # MIDI messages: the data bytes, at most 127
    int meta_type           # meta events: the type byte
    Py_ssize_t payload      # meta events: the payload; sysex: the data bytes (without F0 and F7)
    Py_ssize_t length       # ...and its length


@cython.final
cdef class Scanner:
    cdef bytes data
    cdef const uint8_t *buf
    cdef Py_ssize_t size
    cdef Py_ssize_t pos
    cdef Py_ssize_t limit           # reads stop here: the buffer's end (strict) or the chunk's (tolerant)
    cdef Py_ssize_t track_start
    cdef long long chunk_size       # strict: the track ends when exactly this many bytes are read
    cdef bint strict
    cdef bint clip
    cdef list problems
    cdef object track_index         # of the track being read, for messages and problems (None: the header)
    cdef Py_ssize_t event_start     # offset of the event being read
    cdef int running
    cdef uint64_t carry             # delta time of skipped bytes, added to the next event
    # The delta time of the last event whose delta did not fit 64 bits (mido reads any length), as a Python int.
    cdef object big_delta

    cdef str where(self)
    cdef int fail(self, type error_class, str error, str recovery) except -1
    cdef int bad_meta(self, RawEvent *event, object error) except -1
    cdef int cut(self) except -1
    cdef int byte(self) noexcept
    cdef Py_ssize_t length(self) except -2
    cdef int stray_data_byte(self) except -1
    cdef int keep_big_delta(self, Py_ssize_t start) except -1
    cdef int other_event(self, RawEvent *event, int status) except -2
    cdef int clip_data(self, RawEvent *event) except -1


cdef enum:
    VLQ_DONE = 0
    VLQ_CUT = 1         # the buffer ends inside it
    VLQ_BIG = 2         # it does not fit 64 bits (read it again with read_vlq)


cdef inline int vlq64(const uint8_t *buf, Py_ssize_t limit, Py_ssize_t *pos, uint64_t *value) noexcept:
    """The variable-length quantity at buf[pos[0]] into value, moving pos[0] past it (VLQ_BIG: past it too)."""
    cdef uint64_t v = 0
    cdef uint8_t byte
    cdef bint big = False
    while pos[0] < limit:
        byte = buf[pos[0]]
        pos[0] += 1
        if v >> 57:
            big = True
        v = (v << 7) | (byte & 0x7F)
        if byte < 0x80:
            value[0] = v
            return VLQ_BIG if big else VLQ_DONE
    return VLQ_CUT


# The scanner's step, inline here so that each builder compiles it into its own loop; the rare cases are
# Scanner's methods (_smf.pyx).
cdef inline int next_event(Scanner s, RawEvent *ev) except -1:
    """Read the next event of the track into ev: 1, or 0 at the track's end.

    Strict: the track ends when exactly chunk_size bytes are read, reading on past the chunk if an event
    straddles its end (as mido does). Tolerant: it ends at the chunk's end (limit), a truncated last event
    dropped. Skipped bytes give their delta time to the next event, so that no event's time changes.
    The position is a local variable, written back to s.pos before any of s's methods runs and on return.
    """
    cdef int status, found
    cdef Py_ssize_t start, pos = s.pos, limit = s.limit
    cdef uint64_t delta
    cdef const uint8_t *buf = s.buf
    while (pos - s.track_start != s.chunk_size) if s.strict else (pos < limit):
        s.event_start = start = pos
        found = vlq64(buf, limit, &pos, &delta)
        if found == VLQ_CUT or pos >= limit:
            s.pos = pos
            return s.cut()
        ev.big = found == VLQ_BIG or delta + s.carry < delta
        if ev.big:
            s.keep_big_delta(start)
        if s.carry:
            delta += s.carry
            s.carry = 0
        ev.offset = start
        ev.delta = delta
        status = buf[pos]
        if status < 0xF0:           # a channel message, most events: read here
            if status >= 0x80:
                s.running = status       # only channel messages set running status (docs/differences.md, difference 8)
                pos += 1
            elif s.running == 0:
                s.pos = pos + 1
                s.stray_data_byte()
                pos = s.pos
                s.carry = delta         # tolerant: skip it
                continue
            else:
                status = s.running
            ev.status = status
            ev.size = 2 if (status & 0xE0) == 0xC0 else 3       # program_change and aftertouch: 2
            if limit - pos < ev.size - 1:
                s.pos = limit
                return s.cut()
            ev.data[0] = buf[pos]
            ev.data[1] = buf[pos + 1] if ev.size == 3 else 0
            s.pos = pos + ev.size - 1
            if (ev.data[0] | ev.data[1]) > 127:
                s.clip_data(ev)
            return 1
        s.pos = pos + 1
        found = s.other_event(ev, status)
        if found >= 0:
            return found
        pos = s.pos
        s.carry = delta      # an undefined status byte, skipped
    s.pos = pos
    return 0


# What the scanner feeds: the header's format and division, then each track's events in file order.
cdef class EventSink:
    cdef int header(self, int fmt, int division) except -1
    cdef int read_track(self, Scanner scanner) except -1
    cdef int begin_track(self, Scanner scanner) except -1
    cdef int event(self, Scanner scanner, RawEvent *event) except -1
    cdef int end_track(self, Scanner scanner) except -1


# Scan a whole file (strict or tolerant, as scanner says) into sink; return (format, division).
cdef tuple scan_smf(Scanner scanner, EventSink sink)
cdef Scanner new_scanner(object data, bint strict, bint clip)


# Writing a file: the one encoder of its parts (MidiFile.save() and _arrays). `running` holds a track's
# running status.
cdef struct Output:
    uint8_t *data
    Py_ssize_t size
    Py_ssize_t capacity

cdef enum:
    MAX_DELTA = 0x0FFFFFFF          # the largest delta time a 4-byte variable-length quantity holds
    MAX_VLQ_BYTES = 10              # a 64-bit value as a variable-length quantity
    MAX_TRACKS = 0xFFFF             # the header counts the tracks in 16 bits

cdef int grow(Output *out, Py_ssize_t more) except -1
cdef int delta_too_large(uint64_t delta) except -1


cdef inline Py_ssize_t write_vlq(uint8_t *out, uint64_t value) noexcept:
    """Write value as a variable-length quantity at out (room for MAX_VLQ_BYTES); return how many bytes."""
    cdef Py_ssize_t n = 1, i
    cdef uint64_t rest = value >> 7
    while rest:
        n += 1
        rest >>= 7
    for i in range(n - 1, -1, -1):
        out[i] = (value & 0x7F) | (0x80 if i < n - 1 else 0)
        value >>= 7
    return n


cdef inline int reserve(Output *out, Py_ssize_t more) except -1:
    """Make room for more bytes at the end of out."""
    if out.size + more > out.capacity:
        return grow(out, more)
    return 0


cdef inline int put_delta(Output *out, uint64_t delta) except -1:
    """A delta time, with room reserved for a short message after it."""
    if delta > MAX_DELTA:
        return delta_too_large(delta)
    reserve(out, 4 + 3)
    out.size += write_vlq(out.data + out.size, delta)
    return 0


cdef inline int put_short(Output *out, uint64_t delta, const uint8_t *message, int n, int *running) except -1:
    """A MIDI message of n bytes (status first), with running status."""
    cdef int i
    put_delta(out, delta)
    if message[0] != running[0]:
        out.data[out.size] = message[0]
        out.size += 1
    for i in range(1, n):
        out.data[out.size] = message[i]
        out.size += 1
    running[0] = message[0] if message[0] < 0xF0 else 0
    return 0


cdef bytes take_output(Output *out)
cdef int put_header(Output *out, object fmt, Py_ssize_t ntracks, int division) except -1
cdef Py_ssize_t begin_track(Output *out) except -1
cdef int end_track(Output *out, Py_ssize_t start, uint64_t delta) except -1
cdef int put_meta(Output *out, uint64_t delta, int type_byte, const uint8_t *payload, Py_ssize_t n,
                  int *running=*) except -1
cdef int put_sysex(Output *out, uint64_t delta, const uint8_t *data, Py_ssize_t n, int *running) except -1
