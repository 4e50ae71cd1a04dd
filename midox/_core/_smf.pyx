"""Standard MIDI File decoding and encoding, over the whole file as one buffer.

One event scanner reads every event of every track straight from the bytes (Scanner, scan_smf(), and
next_event() in _smf.pxd) and hands each, checked, to a builder (an EventSink): decode_smf() builds messages
(MessageSink: channel messages with the core's C constructor), midox._core._arrays builds arrays. Strict
reading follows mido 1.3.3's algorithm (same results, same exception classes, plus the track and byte offset
in the message); tolerant reading keeps everything it can and records each problem instead. No length field
makes either read past the buffer or allocate more than the data can hold. One event writer (put_header(),
put_short(), put_meta(), put_sysex(), end_track()) writes with running status for encode_smf() (a whole file),
encode_track() (one track's events) and _arrays.
merge() is a k-way merge of tracks that are sorted by time, and SecondsIterator turns a merged track's ticks
into seconds.

This module is the one owner of the file's byte formats besides meta payloads: variable-length quantities
(read_vlq, vlq64, write_vlq), events, meta event framing, the header and its timing word, chunks, and the end_of_track rule
(EndOfTrackFold) that saving, merging and midox.midifiles.tracks.fix_end_of_track share.

Meta messages are built by _meta (the built-in types in C, the others by their specs in Python); this module
imports nothing from midox outside _core.
"""
cimport cython
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.long cimport PyLong_AsLongLongAndOverflow, PyLong_CheckExact, PyLong_FromUnsignedLongLong
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, realloc
from libc.string cimport memcmp, memcpy

from numbers import Integral

from midox._core._messages cimport Message, check_wire, message_from_wire
from midox._core._meta cimport (build_meta_event, encode_meta_event, end_of_track_message, meta_with_time,
                                unknown_meta_event)
from midox._core._specs cimport ENC_SYSEX, TYPE_BY_STATUS, TYPE_SPECS

cdef enum:
    MAX_STRICT_LENGTH = 1000000     # mido refuses longer sysex and meta events (OSError)


class FileProblem(tuple):
    """One problem that tolerant reading found and recovered from: (track, offset, what).

    track is the index of the track (None for the file header and chunk structure), offset the byte offset
    in the file, what a sentence saying what was wrong and what was done about it.
    """
    __slots__ = ()

    def __new__(cls, track, offset, what):
        return tuple.__new__(cls, (track, offset, what))

    track = property(lambda self: self[0])
    offset = property(lambda self: self[1])
    what = property(lambda self: self[2])

    def __repr__(self):
        return f'FileProblem(track={self[0]!r}, offset={self[1]!r}, what={self[2]!r})'

    def __str__(self):
        where = 'header' if self[0] is None else f'track {self[0]}'
        return f'{where}, byte {self[1]}: {self[2]}'


# Variable-length quantities (delta times, sysex and meta lengths) -----------------------------------------

cdef object read_vlq(const uint8_t *buf, Py_ssize_t limit, Py_ssize_t *pos):
    """The variable-length quantity at buf[pos[0]], moving pos[0] past it; None if buf ends (at limit) first
    (pos[0] is then limit).

    Like mido, any number of bytes is read: a quantity too big for 64 bits becomes a Python int, in time
    linear in its length (see _big_vlq).
    """
    cdef uint64_t value
    cdef Py_ssize_t start = pos[0]
    cdef int found = vlq64(buf, limit, pos, &value)
    if found == VLQ_DONE:
        return PyLong_FromUnsignedLongLong(value)
    if found == VLQ_CUT:
        return None
    return _big_vlq(buf + start, pos[0] - start)


cdef object _big_vlq(const uint8_t *groups, Py_ssize_t n):
    """The value of n 7-bit groups (a whole variable-length quantity), most significant first.

    The groups are packed into little-endian bytes from the last one and converted once: shifting a growing
    Python int by 7 bits for each group would take time quadratic in n.
    """
    cdef Py_ssize_t size = (7 * n + 7) // 8, i, k = 0
    cdef bytes packed = PyBytes_FromStringAndSize(NULL, size)     # ours alone until returned: safe to fill
    cdef uint8_t *out = <uint8_t *>PyBytes_AS_STRING(packed)
    cdef uint32_t bits = 0
    cdef int count = 0
    for i in range(n - 1, -1, -1):
        bits |= <uint32_t>(groups[i] & 0x7F) << count
        count += 7
        while count >= 8:
            out[k] = bits & 0xFF
            k += 1
            bits >>= 8
            count -= 8
    if count:
        out[k] = bits & 0xFF
        k += 1
    return int.from_bytes(packed, 'little')


def encode_variable_int(value):
    """value (a non-negative integer) as a variable-length quantity: a list of ints, 7 bits each, every one but
    the last with its top bit set. Raises ValueError for anything else."""
    cdef uint8_t out[MAX_VLQ_BYTES]
    cdef Py_ssize_t n
    if not isinstance(value, Integral) or value < 0:
        raise ValueError('variable int must be a non-negative integer')
    value = int(value)
    if value >> 64:         # beyond C's integers (mido allows it): the high groups first, in Python
        return [byte | 0x80 for byte in encode_variable_int(value >> 63)] + encode_variable_int(
            value & 0x7FFFFFFFFFFFFFFF | 1 << 63)[1:]
    n = write_vlq(out, value)
    return [out[i] for i in range(n)]


def decode_variable_int(value):
    """Decode a variable-length quantity given as a sequence of ints (the reverse of encode_variable_int).

    As mido: the top bit of every int but the last is ignored, and the last is taken whole. The sequence is
    not modified (mido's is).
    """
    cdef Py_ssize_t last = len(value) - 1, index = 0
    result = 0
    for byte in value:
        result = result << 7 | (byte & 0x7F if index < last else byte)
        index += 1
    return result


def meta_event_bytes(int type_byte, const uint8_t[::1] payload):
    """A whole meta event as a list of ints: FF, the type byte, the payload length, the payload."""
    cdef uint8_t head[2 + MAX_VLQ_BYTES]
    cdef Py_ssize_t n = payload.shape[0], i, head_size
    if not 0 <= type_byte <= 0xFF:
        raise ValueError(f'meta type byte must be in range 0..255, not {type_byte}')
    head[0] = 0xFF
    head[1] = <uint8_t>type_byte
    head_size = 2 + write_vlq(head + 2, n)
    return [head[i] for i in range(head_size)] + [payload[i] for i in range(n)]


def split_meta_event(bytes event):
    """(type byte, payload) of a whole meta event: FF, type byte, payload length, exactly that many bytes.

    Raises ValueError naming what is wrong.
    """
    cdef const uint8_t *buf = <const uint8_t *>PyBytes_AS_STRING(event)
    cdef Py_ssize_t size = len(event), pos = 2
    if not size or buf[0] != 0xFF:
        raise ValueError('a meta message must start with 0xFF')
    if size < 2:
        raise ValueError('meta message without type byte')
    length = read_vlq(buf, size, &pos)
    if length is None:
        raise ValueError('meta message length is missing or incomplete')
    if size - pos != length:
        raise ValueError(f'meta message length is {length} but {size - pos} payload bytes follow')
    return buf[1], event[pos:]


# Chunks and the header ------------------------------------------------------------------------------------

cdef inline uint64_t be32(const uint8_t *p) noexcept:
    return (<uint64_t>p[0] << 24) | (<uint64_t>p[1] << 16) | (<uint64_t>p[2] << 8) | p[3]


cdef inline int be16_signed(const uint8_t *p) noexcept:
    cdef int value = (p[0] << 8) | p[1]
    return value - 0x10000 if value >= 0x8000 else value


cdef inline void put_be16(uint8_t *p, unsigned int value) noexcept:
    p[0] = (value >> 8) & 0xFF
    p[1] = value & 0xFF


cdef inline void put_be32(uint8_t *p, uint64_t value) noexcept:
    p[0] = (value >> 24) & 0xFF
    p[1] = (value >> 16) & 0xFF
    p[2] = (value >> 8) & 0xFF
    p[3] = value & 0xFF


# SMPTE timing: the header's division holds minus the frame rate in its high byte (29.97 is -29) and the ticks
# per frame in its low byte.
cdef dict SMPTE_FPS_BY_CODE = {-24: 24, -25: 25, -29: 29.97, -30: 30}
cdef dict SMPTE_CODE_BY_FPS = {fps: code for code, fps in SMPTE_FPS_BY_CODE.items()}


def timing_from_division(int division):
    """(ticks_per_beat, smpte) of a header's division word: (ticks, None), or (None, (frames per second,
    ticks per frame)) for SMPTE timing. A negative division of no SMPTE rate is kept as ticks, as mido does."""
    fps = SMPTE_FPS_BY_CODE.get(division >> 8) if division < 0 else None
    if fps is None:
        return division, None
    return None, (fps, division & 0xFF)


def division_from_timing(ticks_per_beat, smpte):
    """The header's division word for ticks_per_beat, or for smpte (frames per second, ticks per frame) if it
    is not None (the reverse of timing_from_division()). Raises ValueError for what the header cannot hold."""
    if smpte is not None:
        frames_per_second, ticks_per_frame = smpte
        code = SMPTE_CODE_BY_FPS.get(frames_per_second)
        if code is None or not 0 < ticks_per_frame <= 0xFF:
            raise ValueError(f'smpte must be (24, 25, 29.97 or 30, ticks per frame 1..255), not {smpte}')
        return (code & 0xFF) << 8 | ticks_per_frame
    if -0x8000 <= ticks_per_beat <= 0x7FFF:
        return ticks_per_beat & 0xFFFF      # negative: a division read as mido reads it, written back
    raise ValueError(f'ticks_per_beat must be at most 32767, not {ticks_per_beat}')


# The event scanner ------------------------------------------------------------------------------------------
# One reader of the bytes of tracks: next_event() (in _smf.pxd) reads each event, checked, for an EventSink.
# decode_smf() builds messages from them (MessageSink, below); midox._core._arrays builds arrays.

@cython.final
cdef class Scanner:
    """Reads the events of one track after another from a file's bytes (see scan_smf()).

    Strict scanning follows mido 1.3.3's algorithm and raises its exception classes, with the track and byte
    offset in the message; tolerant scanning records each problem in problems and recovers. No length field
    makes it read past the buffer.
    """

    cdef str where(self):
        return f'(track {self.track_index}, byte offset {self.event_start})'

    cdef int fail(self, type error_class, str error, str recovery) except -1:
        """Strict: raise error_class(error) with the place. Tolerant: record the problem and what was done
        about it (the caller recovers)."""
        if self.strict:
            raise error_class(f'{error} {self.where()}')
        self.problems.append(FileProblem(self.track_index, self.event_start, f'{error}; {recovery}'))
        return 0

    cdef int bad_meta(self, RawEvent *ev, object error) except -1:
        """A meta event's payload that its spec refuses (error): strict raises error's class with the place,
        tolerant records the problem (the builders keep the event as an unknown meta event)."""
        if self.strict:
            raise _with_place(error, self.track_index, ev.offset)
        self.problems.append(FileProblem(
            self.track_index, ev.offset,
            f'meta event 0x{ev.meta_type:02x} has a bad payload ({type(error).__name__}: {error}); '
            'kept as UnknownMetaMessage'))
        return 0

    cdef int cut(self) except -1:
        """The event being read runs past what may be read: strict raises EOFError, tolerant drops it and ends
        the track. Returns 0 (no event)."""
        if self.strict:
            raise EOFError(f'unexpected end of file {self.where()}')
        self.problems.append(FileProblem(self.track_index, self.event_start,
                                         'event cut off by the end of the track; dropped'))
        self.pos = self.limit
        return 0

    cdef int byte(self) noexcept:
        """The next byte, or -1 at the limit."""
        if self.pos >= self.limit:
            return -1
        self.pos += 1
        return self.buf[self.pos - 1]

    cdef Py_ssize_t length(self) except -2:
        """The length of a sysex or meta event, or -1 if it runs past the limit (strict: mido's limit first)."""
        cdef Py_ssize_t start = self.pos
        cdef uint64_t length
        cdef int found = vlq64(self.buf, self.limit, &self.pos, &length)
        if found == VLQ_CUT:
            return -1
        if self.strict and (found == VLQ_BIG or length > MAX_STRICT_LENGTH):
            # a number past 64 bits is not written out: it may have more digits than str() converts
            exact = (f'{length}' if found == VLQ_DONE else
                     f'given in {self.pos - start} bytes (more than 64 bits)')
            raise OSError(f'Message length {exact} exceeds maximum length {MAX_STRICT_LENGTH} {self.where()}')
        if found == VLQ_BIG or length > <uint64_t>(self.limit - self.pos):
            return -1
        return <Py_ssize_t>length

    cdef int stray_data_byte(self) except -1:
        """A data byte where a status byte must be, with no running status to use."""
        return self.fail(OSError, 'running status without last_status', 'data byte skipped')

    cdef int keep_big_delta(self, Py_ssize_t start) except -1:
        """The delta time at start does not fit 64 bits (with the carry): keep it as a Python int."""
        self.big_delta = read_vlq(self.buf, self.limit, &start) + self.carry
        return 0

    cdef int other_event(self, RawEvent *ev, int status) except -2:
        """The rest of an event whose status byte (0xF0 or above) was just read: 1, 0 if cut off, or -1 if
        the status byte is undefined (skipped)."""
        cdef int type_id, i, byte
        cdef Py_ssize_t first, end
        ev.status = status
        if status == 0xFF:
            ev.meta_type = self.byte()
            ev.length = self.length()
            if ev.meta_type < 0 or ev.length < 0:
                return self.cut()
            ev.payload = self.pos
            self.pos += ev.length
            return 1
        if status == 0xF0 or status == 0xF7:
            ev.length = self.length()
            if ev.length < 0:
                return self.cut()
            first = self.pos
            end = self.pos = first + ev.length
            # The stored length includes F7 and an F0 may open an F7 packet: neither is sysex data.
            if first < end and self.buf[first] == 0xF0:
                first += 1
            if first < end and self.buf[end - 1] == 0xF7:
                end -= 1
            ev.payload = first
            ev.length = end - first
            if not self.clip:
                for i in range(first, end):
                    if self.buf[i] > 127:
                        self.fail(ValueError, 'data byte must be in range 0..127', 'sysex data clipped to 127')
                        break
            return 1
        type_id = TYPE_BY_STATUS[status]
        if type_id < 0:
            self.fail(OSError, f'undefined status byte 0x{status:02x}', 'skipped')
            return -1
        ev.size = TYPE_SPECS[type_id].length        # system common and real-time messages
        ev.data[0] = ev.data[1] = 0
        for i in range(ev.size - 1):
            byte = self.byte()
            if byte < 0:
                return self.cut()
            ev.data[i] = byte
        if (ev.data[0] | ev.data[1]) > 127:
            self.clip_data(ev)
        return 1

    cdef int clip_data(self, RawEvent *ev) except -1:
        """Data bytes above 127: clipped to 127, each a problem unless clipping was asked for (strict: raise)."""
        cdef int i
        for i in range(ev.size - 1):
            if ev.data[i] > 127:
                if not self.clip:
                    self.fail(OSError, 'data byte must be in range 0..127', 'clipped to 127')
                ev.data[i] = 127
        return 0


cdef class EventSink:
    """Receives the header and then the events of each track from scan_smf(); the builders subclass it."""

    cdef int header(self, int fmt, int division) except -1:
        """The header's format and division (tolerant: as assumed), before any track."""
        return 0

    cdef int read_track(self, Scanner scanner) except -1:
        """Take the events of the track the scanner is at."""
        cdef RawEvent event
        self.begin_track(scanner)
        while next_event(scanner, &event):
            self.event(scanner, &event)
        return self.end_track(scanner)

    cdef int begin_track(self, Scanner scanner) except -1:
        return 0

    cdef int event(self, Scanner scanner, RawEvent *event) except -1:
        return 0

    cdef int end_track(self, Scanner scanner) except -1:
        return 0


cdef Scanner new_scanner(object data, bint strict, bint clip):
    cdef Scanner s = Scanner.__new__(Scanner)
    s.data = bytes(data)
    s.buf = <const uint8_t *>PyBytes_AS_STRING(s.data)
    s.size = len(s.data)
    s.strict = strict
    s.clip = clip
    s.problems = []
    s.track_index = None
    s.big_delta = None
    return s


cdef int _scan_track(Scanner s, EventSink sink, object index, Py_ssize_t start, long long chunk_size,
                     Py_ssize_t limit) except -1:
    s.track_index = index
    s.pos = s.track_start = start
    s.chunk_size = chunk_size
    s.limit = limit
    s.running = 0
    s.carry = 0
    return sink.read_track(s)


cdef tuple scan_smf(Scanner s, EventSink sink):
    if s.strict:
        return _scan_strict(s, sink)
    return _scan_tolerant(s, sink)


cdef tuple _scan_strict(Scanner s, EventSink sink):
    cdef Py_ssize_t header_end, pos
    cdef int fmt, ntracks, division, i
    if s.size < 8:
        raise EOFError('file is shorter than a chunk header (byte offset 0)')
    if memcmp(s.buf, b'MThd', 4) != 0:
        raise OSError('MThd not found. Probably not a MIDI file (byte offset 0)')
    header_end = min(8 + <Py_ssize_t>be32(s.buf + 4), s.size)
    if header_end - 8 < 6:
        raise EOFError('MThd chunk is shorter than 6 bytes (byte offset 8)')
    fmt = be16_signed(s.buf + 8)
    ntracks = be16_signed(s.buf + 10) & 0xFFFF     # unsigned, as the SMF says (mido: signed; docs/differences.md, 8)
    division = be16_signed(s.buf + 12)
    sink.header(fmt, division)
    pos = header_end
    for i in range(ntracks):
        s.track_index = i
        s.event_start = pos
        if s.size - pos < 8:
            raise EOFError(f'missing track chunk (track {i}, byte offset {pos})')
        if memcmp(s.buf + pos, b'MTrk', 4) != 0:
            raise OSError(f'no MTrk header at start of track (track {i}, byte offset {pos})')
        _scan_track(s, sink, i, pos + 8, <long long>be32(s.buf + pos + 4), s.size)
        pos = s.pos
    return fmt, division


cdef tuple _scan_tolerant(Scanner s, EventSink sink):
    cdef Py_ssize_t pos, start, end, found, header_size, ntracks_read = 0
    cdef int fmt = 1, ntracks = -1, division = 480
    cdef uint64_t chunk_size
    problem = s.problems.append
    pos = _unwrap_riff(s)
    if s.size - pos < 8 or memcmp(s.buf + pos, b'MThd', 4) != 0:
        found = s.data.find(b'MThd', pos, s.size)
        if found < 0:
            problem(FileProblem(None, pos, 'no MThd header: not a MIDI file; no tracks read'))
            sink.header(fmt, division)
            return fmt, division
        if found > pos:
            problem(FileProblem(None, pos, f'{found - pos} bytes before the MThd header skipped'))
        pos = found
    header_size = min(<Py_ssize_t>be32(s.buf + pos + 4), s.size - pos - 8) if s.size - pos >= 8 else 0
    if header_size >= 6:
        fmt = be16_signed(s.buf + pos + 8)
        ntracks = be16_signed(s.buf + pos + 10) & 0xFFFF
        division = be16_signed(s.buf + pos + 12)
    else:
        problem(FileProblem(None, pos, 'MThd chunk shorter than 6 bytes; format 1 at 480 ticks per beat assumed'))
    if division == 0:
        problem(FileProblem(None, pos + 12, 'division of 0 ticks per beat; 480 assumed'))
        division = 480
    sink.header(fmt, division)
    pos += 8 + header_size
    while s.size - pos >= 8:
        chunk_size = be32(s.buf + pos + 4)
        if memcmp(s.buf + pos, b'MTrk', 4) == 0:
            if ntracks_read == MAX_TRACKS:      # what a file can hold; reading on would only take memory
                problem(FileProblem(None, pos, f'more than {MAX_TRACKS} track chunks (the most a file holds): '
                                               f'the last {s.size - pos} bytes of the file ignored'))
                pos = s.size
                break
            start = pos + 8
            end = s.size if chunk_size > <uint64_t>(s.size - start) else start + <Py_ssize_t>chunk_size
            if chunk_size > <uint64_t>(s.size - start):
                problem(FileProblem(ntracks_read, pos, f'track chunk claims {chunk_size} bytes but '
                                                       f'{s.size - start} remain; read to the end of the file'))
            _scan_track(s, sink, ntracks_read, start, -1, end)
            ntracks_read += 1
            pos = end
        elif memcmp(s.buf + pos, b'MThd', 4) == 0:
            problem(FileProblem(None, pos, f'another MIDI file follows (MThd); its {s.size - pos} bytes ignored'))
            pos = s.size
            break
        elif _is_chunk_id(s.buf + pos):
            problem(FileProblem(None, pos, f'unknown chunk {bytes(s.buf[pos:pos + 4])!r} skipped'))
            pos = s.size if chunk_size > <uint64_t>(s.size - pos - 8) else pos + 8 + <Py_ssize_t>chunk_size
        else:
            found = s.data.find(b'MTrk', pos + 1, s.size)
            end = s.size if found < 0 else found
            problem(FileProblem(None, pos, f'{end - pos} bytes of garbage between chunks skipped'))
            pos = end
    if pos < s.size:
        problem(FileProblem(None, pos, f'{s.size - pos} trailing bytes after the last chunk ignored'))
    if ntracks >= 0 and ntracks != ntracks_read:
        problem(FileProblem(None, 10, f'header declares {ntracks} tracks but the file holds {ntracks_read}; '
                                      f'all {ntracks_read} read'))
    return fmt, division


cdef Py_ssize_t _unwrap_riff(Scanner s) except -1:
    """Narrow the buffer to the SMF inside a RIFF RMID file's 'data' chunk; return where reading starts."""
    cdef Py_ssize_t pos = 12
    cdef uint64_t size
    if s.size < 12 or memcmp(s.buf, b'RIFF', 4) != 0 or memcmp(s.buf + 8, b'RMID', 4) != 0:
        return 0
    while s.size - pos >= 8:
        size = <uint64_t>s.buf[pos + 4] | (<uint64_t>s.buf[pos + 5] << 8) | (<uint64_t>s.buf[pos + 6] << 16) \
            | (<uint64_t>s.buf[pos + 7] << 24)      # RIFF lengths are little-endian
        if memcmp(s.buf + pos, b'data', 4) == 0:
            s.problems.append(FileProblem(None, 0, 'RIFF RMID wrapper removed'))
            if size < <uint64_t>(s.size - pos - 8):
                s.size = pos + 8 + <Py_ssize_t>size
            return pos + 8
        pos += 8 + <Py_ssize_t>min(size + (size & 1), <uint64_t>(s.size - pos))     # chunks are padded to even
    return 0


cdef bint _is_chunk_id(const uint8_t *p) noexcept:
    cdef int i
    for i in range(4):
        if not (0x20 < p[i] < 0x7F):
            return False
    return True


# Messages from the scanner's events ---------------------------------------------------------------------------

@cython.final
cdef class MessageSink(EventSink):
    """Builds each track's messages: channel messages with the core's C constructor, meta messages with _meta."""
    cdef list tracks
    cdef list track                 # the messages of the track being read
    cdef str charset                # of text meta events
    cdef bytes encoding             # the charset for the C API
    cdef object track_class

    cdef int begin_track(self, Scanner s) except -1:
        self.track = []
        return 0

    cdef int end_track(self, Scanner s) except -1:
        self.tracks.append(self.track if self.track_class is list else self.track_class(self.track))
        return 0

    cdef int event(self, Scanner s, RawEvent *ev) except -1:
        cdef bytearray wire
        cdef uint8_t short[3]
        cdef Py_ssize_t i
        delta = s.big_delta if ev.big else PyLong_FromUnsignedLongLong(ev.delta)
        if ev.status == 0xFF:
            self.track.append(self.meta_event(s, ev, delta))
        elif ev.status == 0xF0 or ev.status == 0xF7:
            wire = bytearray(ev.length + 2)     # F0, the data bytes (clipped), F7
            wire[0] = 0xF0
            for i in range(ev.length):
                wire[i + 1] = min(s.buf[ev.payload + i], 127)
            wire[ev.length + 1] = 0xF7
            self.track.append(message_from_wire(<const uint8_t *>wire, ev.length + 2, delta))
        else:
            short[0] = ev.status
            short[1] = ev.data[0]
            short[2] = ev.data[1]
            self.track.append(message_from_wire(short, ev.size, delta))
        return 0

    cdef object meta_event(self, Scanner s, RawEvent *ev, object delta):
        cdef const uint8_t *payload = s.buf + ev.payload
        try:
            return build_meta_event(ev.meta_type, payload, ev.length, delta, self.charset, self.encoding)
        except Exception as error:
            s.bad_meta(ev, error)
            return unknown_meta_event(ev.meta_type, payload[:ev.length], delta)


cdef object _with_place(object error, object track, Py_ssize_t offset):
    """The same exception class with the place appended to its message; for a class that cannot be built from a
    message (UnicodeDecodeError), the error itself with the place as a note (Python 3.11 and newer)."""
    place = f'(track {track}, byte offset {offset})'
    try:
        placed = type(error)(f'{error} {place}')
    except Exception:
        if hasattr(error, 'add_note'):
            error.add_note(place)
        return error
    placed.__cause__ = error
    return placed


def decode_smf(data, *, bint strict=True, bint clip=False, str charset='latin1', track_class=list):
    """Decode a Standard MIDI File held in data (bytes).

    :param charset: the encoding of text meta events.
    :return: (format, division, tracks, problems); division is the header's 16-bit word (SMPTE if negative).
    """
    cdef Scanner scanner = new_scanner(data, strict, clip)
    cdef MessageSink sink = MessageSink.__new__(MessageSink)
    sink.tracks = []
    sink.charset = charset
    sink.encoding = charset.encode()
    sink.track_class = track_class
    fmt, division = scan_smf(scanner, sink)
    return fmt, division, sink.tracks, scanner.problems


# Encoding ---------------------------------------------------------------------------------------------------

cdef int grow(Output *out, Py_ssize_t more) except -1:
    """Make room for more bytes at the end of out (see reserve())."""
    cdef Py_ssize_t capacity
    cdef uint8_t *grown
    capacity = max(2 * out.capacity, out.size + more, 4096)
    grown = <uint8_t *>realloc(out.data, capacity)
    if grown == NULL:
        raise MemoryError()
    out.data = grown
    out.capacity = capacity
    return 0


cdef int put_bytes(Output *out, const uint8_t *data, Py_ssize_t n) except -1:
    if n:
        reserve(out, n)
        memcpy(out.data + out.size, data, n)
        out.size += n
    return 0


cdef bytes take_output(Output *out):
    """What out holds, as bytes; out's buffer is freed."""
    try:
        return PyBytes_FromStringAndSize(<char *>out.data, out.size)
    finally:
        free(out.data)
        out.data = NULL
        out.size = out.capacity = 0


# Writing events: the one encoder of the file's parts, for MidiFile.save() (messages) and _arrays (tables).
# `running` is the track's running status: the status byte a channel message may leave out.

cdef int put_header(Output *out, object fmt, Py_ssize_t ntracks, int division) except -1:
    """The MThd chunk."""
    if not -0x8000 <= fmt <= 0x7FFF:
        raise ValueError(f'file format {fmt} does not fit the header (0, 1 or 2)')
    if ntracks > MAX_TRACKS:
        raise ValueError(f'a MIDI file holds at most {MAX_TRACKS} tracks, not {ntracks}')
    reserve(out, 14)
    memcpy(out.data + out.size, b'MThd\x00\x00\x00\x06', 8)
    put_be16(out.data + out.size + 8, fmt & 0xFFFF)
    put_be16(out.data + out.size + 10, ntracks)
    put_be16(out.data + out.size + 12, division & 0xFFFF)
    out.size += 14
    return 0


cdef Py_ssize_t begin_track(Output *out) except -1:
    """Start an MTrk chunk; return where it starts, for end_track()."""
    cdef Py_ssize_t start = out.size
    reserve(out, 8)
    memcpy(out.data + start, b'MTrk', 4)
    out.size += 8
    return start


cdef int end_track(Output *out, Py_ssize_t start, uint64_t delta) except -1:
    """Close the track begun at start with an end_of_track delta ticks after its last event."""
    cdef Py_ssize_t size
    put_meta(out, delta, 0x2F, NULL, 0)
    size = out.size - start - 8
    if size > 0xFFFFFFFF:
        raise ValueError(f'a track of {size} bytes does not fit a MIDI file')
    put_be32(out.data + start + 4, size)
    return 0


cdef int delta_too_large(uint64_t delta) except -1:
    raise ValueError(f'message time must be at most {MAX_DELTA} ticks in MIDI file (4 bytes of delta time)')


cdef int put_meta(Output *out, uint64_t delta, int type_byte, const uint8_t *payload, Py_ssize_t n,
                  int *running=NULL) except -1:
    put_delta(out, delta)
    reserve(out, 2 + MAX_VLQ_BYTES)
    out.data[out.size] = 0xFF
    out.data[out.size + 1] = <uint8_t>type_byte
    out.size += 2
    out.size += write_vlq(out.data + out.size, _checked_length(n))
    put_bytes(out, payload, n)
    if running != NULL:
        running[0] = 0
    return 0


cdef int put_sysex(Output *out, uint64_t delta, const uint8_t *data, Py_ssize_t n, int *running) except -1:
    """A sysex event: F0, the length, the data bytes (clipped to 127), F7."""
    cdef Py_ssize_t i
    put_delta(out, delta)
    reserve(out, 1 + MAX_VLQ_BYTES + n + 1)
    out.data[out.size] = 0xF0
    out.size += 1
    out.size += write_vlq(out.data + out.size, _checked_length(n + 1))        # the data bytes and F7
    for i in range(n):
        out.data[out.size + i] = min(data[i], 127)
    out.data[out.size + n] = 0xF7
    out.size += n + 1
    running[0] = 0
    return 0


cdef inline bint is_end_of_track(object item) except -1:
    return not isinstance(item, Message) and item.type == 'end_of_track'


@cython.final
cdef class EndOfTrackFold:
    """What a track keeps of its end_of_track messages when it is written, merged or fixed (fix_end_of_track):
    each is dropped and its delta time added to the next message's, so every other message keeps its absolute
    time; the one end_of_track that closes the track takes the time left over, ``carry``."""
    cdef readonly object carry      # delta time of the end_of_track messages dropped since the last one kept

    def __cinit__(self, *args, **kwargs):     # not (self): Cython would offset a NULL pointer (UBSan)
        self.carry = 0

    cpdef object delta(self, object item, object delta):
        """The delta time to give item, or None if item is an end_of_track (dropped)."""
        if is_end_of_track(item):
            self.carry = self.carry + delta
            return None
        if self.carry:
            delta, self.carry = self.carry + delta, 0
        return delta

    cdef int append_copy(self, list merged, object item, object delta) except -1:
        """Append to merged a copy of item with its delta time, unless item is an end_of_track."""
        delta = self.delta(item, delta)
        if delta is not None:
            merged.append(_with_time(item, delta))
        return 0

    cdef list closed(self, list merged):
        """merged with the end_of_track that closes it."""
        merged.append(end_of_track_message(self.carry))
        return merged


def encode_track(track, *, str charset='latin1'):
    """Encode a track as the body of an MTrk chunk, with running status.

    Every end_of_track message is dropped and its delta time added to the next message; one end_of_track
    closes the track (mido's fix_end_of_track). Times must be ints from 0 to 0x0FFFFFFF; the six system
    real-time messages are refused (docs/differences.md, difference 8).

    :param charset: the encoding of text meta events.
    """
    cdef Output out
    out.data = NULL
    out.size = out.capacity = 0
    try:
        put_meta(&out, _put_track(&out, track, charset, charset.encode()), 0x2F, NULL, 0)
    except BaseException:
        free(out.data)
        raise
    return take_output(&out)


def encode_smf(fmt, int division, tracks, *, str charset='latin1'):
    """A whole Standard MIDI File: the MThd chunk (format, track count, division) and one MTrk chunk per
    track, each encoded as encode_track() does.

    :param division: the header's 16-bit timing word (see division_from_timing()).
    """
    cdef Output out
    cdef bytes encoding = charset.encode()
    cdef Py_ssize_t start
    out.data = NULL
    out.size = out.capacity = 0
    try:
        put_header(&out, fmt, len(tracks), division)
        for track in tracks:
            start = begin_track(&out)
            end_track(&out, start, _put_track(&out, track, charset, encoding))
    except BaseException:
        free(out.data)
        raise
    return take_output(&out)


cdef uint64_t _put_track(Output *out, track, str charset, bytes encoding) except? 0xFFFFFFFFFFFFFFFF:
    """Append the events of track to out (see encode_track) but the closing end_of_track; return its delta time."""
    cdef EndOfTrackFold fold = EndOfTrackFold()
    cdef int running = 0, n, i, overflow
    cdef int values[3]
    cdef uint8_t message[3]
    cdef long long ticks
    cdef Message msg
    cdef const uint8_t[::1] payload
    cdef bytes data
    for item in track:
        time = fold.delta(item, (<Message>item)._time if isinstance(item, Message) else item.time)
        if time is None:
            continue
        overflow = 0
        ticks = PyLong_AsLongLongAndOverflow(time, &overflow) if PyLong_CheckExact(time) else -1
        if overflow or not 0 <= ticks <= MAX_DELTA:
            _check_file_time(time)
            ticks = time
        if not isinstance(item, Message):
            if item.is_realtime:
                raise ValueError('realtime messages are not allowed in MIDI files')
            type_byte, payload = encode_meta_event(item, charset, <const char *>encoding)
            put_meta(out, ticks, type_byte, &payload[0] if payload.shape[0] else NULL, payload.shape[0], &running)
            continue
        msg = <Message>item
        if TYPE_SPECS[msg._type].status >= 0xF8:
            raise ValueError('realtime messages are not allowed in MIDI files')
        if TYPE_SPECS[msg._type].encoding == ENC_SYSEX:
            data = bytes(msg._sysex_wire())     # F0, the data bytes, F7
            put_sysex(out, ticks, <const uint8_t *>PyBytes_AS_STRING(data) + 1, len(data) - 2, &running)
            continue
        n = msg._wire_ints(values)      # raises for a value out of range
        for i in range(n):
            message[i] = values[i]
        put_short(out, ticks, message, n, &running)
    _check_file_time(fold.carry)
    return fold.carry


cdef Py_ssize_t _checked_length(Py_ssize_t length) except -1:
    if length > MAX_DELTA:
        raise ValueError(f'an event of {length} bytes does not fit a MIDI file (at most {MAX_DELTA})')
    return length


cdef int _check_file_time(object time) except -1:
    if not isinstance(time, Integral):
        raise ValueError('message time must be int in MIDI file')
    if time < 0:
        raise ValueError('message time must be non-negative in MIDI file')
    if time > MAX_DELTA:
        raise ValueError(f'message time must be at most {MAX_DELTA} ticks in MIDI file (4 bytes of delta time)')
    return 0


# Merging and timing ---------------------------------------------------------------------------------------

def merge(tracks):
    """Merge tracks into one list in playback order, with delta times; ties keep track order.

    Each message is a copy. Every end_of_track is dropped and one closes the result (mido's merge_tracks).
    Tracks whose delta times are all non-negative ints, as in any MIDI file, take a k-way merge in C; any
    other track makes the whole merge fall back to mido's sort.
    """
    cdef list lists = [t if type(t) is list else list(t) for t in tracks]
    cdef list times = []
    for track in lists:
        ticks = _absolute_ticks(track)
        if ticks is None:
            return _merge_by_sort(lists)
        times.append(ticks)
    return _merge_k_way(lists, times)


cdef object _absolute_ticks(list track):
    """The absolute time of every message as an array of int64, or None if a time is not a plain tick."""
    cdef Py_ssize_t n = len(track), i
    cdef int64_t now = 0
    cdef array_ticks = bytearray(8 * n)
    cdef int64_t *ticks = <int64_t *><char *>array_ticks
    for i in range(n):
        item = track[i]
        time = (<Message>item)._time if isinstance(item, Message) else item.time
        if not (PyLong_CheckExact(time) and 0 <= time <= MAX_DELTA):
            return None
        now += <int64_t>time
        ticks[i] = now
    return array_ticks


cdef list _merge_k_way(list lists, list times):
    cdef Py_ssize_t k = len(lists), n_heap = 0, t, cursor
    cdef bytearray heap_store = bytearray(sizeof(Py_ssize_t) * (k + 1))
    cdef bytearray cursor_store = bytearray(sizeof(Py_ssize_t) * (k + 1))
    cdef Py_ssize_t *heap = <Py_ssize_t *><char *>heap_store        # track indexes, a binary min-heap
    cdef Py_ssize_t *cursors = <Py_ssize_t *><char *>cursor_store
    cdef const int64_t **ticks
    cdef bytearray ticks_store = bytearray(sizeof(int64_t *) * (k + 1))
    cdef int64_t now = 0, last = 0
    cdef list merged = []
    cdef EndOfTrackFold fold = EndOfTrackFold()
    ticks = <const int64_t **><char *>ticks_store
    for t in range(k):
        ticks[t] = <const int64_t *><char *>(<bytearray>times[t])
        cursors[t] = 0
        if len(lists[t]):
            heap[n_heap] = t
            _sift_up(heap, n_heap, ticks, cursors)
            n_heap += 1
    while n_heap:
        t = heap[0]
        cursor = cursors[t]
        now = ticks[t][cursor]
        item = (<list>lists[t])[cursor]
        cursors[t] = cursor + 1
        if cursor + 1 == len(<list>lists[t]):
            n_heap -= 1
            heap[0] = heap[n_heap]
        if n_heap:
            _sift_down(heap, n_heap, ticks, cursors)
        fold.append_copy(merged, item, now - last)
        last = now
    return fold.closed(merged)


cdef inline bint _before(Py_ssize_t a, Py_ssize_t b, const int64_t **ticks, Py_ssize_t *cursors) noexcept:
    cdef int64_t ta = ticks[a][cursors[a]], tb = ticks[b][cursors[b]]
    return ta < tb or (ta == tb and a < b)


cdef void _sift_up(Py_ssize_t *heap, Py_ssize_t i, const int64_t **ticks, Py_ssize_t *cursors) noexcept:
    cdef Py_ssize_t parent
    while i > 0:
        parent = (i - 1) // 2
        if not _before(heap[i], heap[parent], ticks, cursors):
            break
        heap[i], heap[parent] = heap[parent], heap[i]
        i = parent


cdef void _sift_down(Py_ssize_t *heap, Py_ssize_t n, const int64_t **ticks, Py_ssize_t *cursors) noexcept:
    cdef Py_ssize_t i = 0, child
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and _before(heap[child + 1], heap[child], ticks, cursors):
            child += 1
        if not _before(heap[child], heap[i], ticks, cursors):
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child


cdef object _with_time(object item, object time):
    """A copy of a message with another time; Message copies skip every check, as mido's merge does."""
    cdef Message clone
    if isinstance(item, Message):
        clone = item._copy_as(type(item))
        clone._time = time
        return clone
    return meta_with_time(item, time)


cdef list _merge_by_sort(list lists):
    """mido's merge: absolute times, a stable sort, delta times again."""
    cdef EndOfTrackFold fold = EndOfTrackFold()
    timed = []
    for track in lists:
        now = 0
        for item in track:
            now = now + item.time
            timed.append((now, item))
    timed.sort(key=lambda pair: pair[0])
    merged = []
    last = 0
    for now, item in timed:
        fold.append_copy(merged, item, now - last)
        last = now
    return fold.closed(merged)


@cython.final
cdef class SecondsIterator:
    """Iterate over a merged track (which it takes over and changes), its delta times turned into seconds.

    Times use mido's formula, tick * (tempo * 1e-6 / ticks_per_beat), with the tempo of the latest
    set_tempo; with SMPTE timing, tick * seconds_per_tick. A zero delta stays the int 0 (and needs no
    ticks_per_beat: ZeroDivisionError comes at the first other delta when it is 0).
    """
    cdef list messages
    cdef Py_ssize_t index
    cdef double ticks_per_beat
    cdef double seconds_per_tick    # 0 for metrical timing
    cdef object tempo

    def __init__(self, list merged, ticks_per_beat, seconds_per_tick=0.0, tempo=500000):
        self.messages = merged
        self.index = 0
        self.ticks_per_beat = ticks_per_beat
        self.seconds_per_tick = seconds_per_tick
        self.tempo = tempo

    def __iter__(self):
        return self

    def __next__(self):
        cdef double scale
        cdef object seconds
        if self.index >= len(self.messages):
            raise StopIteration
        item = self.messages[self.index]
        self.index += 1
        is_message = isinstance(item, Message)
        tick = (<Message>item)._time if is_message else item.time
        if tick > 0:
            if self.seconds_per_tick:
                scale = self.seconds_per_tick
            elif self.ticks_per_beat:
                scale = <double>self.tempo * 1e-6 / self.ticks_per_beat
            else:       # as mido, only a delta time that is not 0 needs ticks_per_beat
                raise ZeroDivisionError('ticks_per_beat is 0: ticks cannot be converted to seconds')
            seconds = <double>tick * scale
        else:
            seconds = 0
        if is_message:
            (<Message>item)._time = seconds
        else:
            vars(item)['time'] = seconds
            if item.type == 'set_tempo':
                self.tempo = item.tempo
        return item
