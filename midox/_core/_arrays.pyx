"""MIDI files as arrays: the tables of midox.MidiArrays, built in C straight from a file's bytes.

ArraySink takes the events of _smf's scanner (the one reader of MIDI files, which MidiFile uses too: same
checks, same errors, same problems) and appends one fixed-size row per event to the table of its kind; no
Python object is made per event. midox.arrays wraps each table's bytes as a NumPy structured array whose dtype
comes from layouts(), the one description of the rows' fields besides the structs here.

Every event lands in exactly one table: a note holds its note_on and its note_off, the other kinds a row each,
and `others` what no table is made for (end_of_track, other meta events, note events that pair with nothing,
system common messages). Each row keeps its event's index in the file (tracks in order, events in order), so
the tables together say everything the file says, in its order. The events table (every event as it is in the
file) is built by a separate scan when asked for.

Note pairing (docs/guide/arrays.md): per track, channel and pitch, a note_off or a note_on of velocity
0 closes the oldest open note ('fifo'), or every open note that started at an earlier tick ('all', pretty_midi's
rule: if all open notes started at that very tick, none is closed and they are dropped). Notes still open at the
end of their track are dropped from notes; their note_on events go to others, as do note-offs that close
nothing, and both are counted.
"""
cimport cython
from cpython.buffer cimport PyBUF_FORMAT, PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING
from cpython.mem cimport PyMem_RawCalloc, PyMem_RawFree, PyMem_RawRealloc    # traced by tracemalloc, unlike malloc
from libc.math cimport NAN
from libc.stdint cimport INT32_MAX, INT64_MAX, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, qsort
from libc.string cimport memcpy, memset

from midox._core._meta cimport KEY_SIGNATURE, TEMPO, TEXT, TIME_SIGNATURE, check_meta_event
from midox._core._smf import timing_from_division
from midox._core._smf cimport (MAX_DELTA, EventSink, Output, RawEvent, Scanner, begin_track, end_track, new_scanner,
                               next_event, put_header, put_meta, put_short, put_sysex, scan_smf, take_output)
from midox._core._specs cimport TYPE_BY_STATUS, TYPE_SPECS


# Rows. Each starts with its tick and time (seconds) so that one function times every table but notes; the
# fields are ordered for alignment, layouts() gives the order users see.

cdef packed struct NoteRow:
    int64_t start           # ticks from the start of the file
    int64_t end
    double start_time       # seconds, from the tempo map
    double end_time
    int32_t on_event        # index of the note_on event in the file
    int32_t off_event       # of the event that closed it (several notes may share it with pairing='all')
    uint16_t track
    uint8_t channel
    uint8_t program         # the channel's program at the note's start, in its track (0 before any)
    uint8_t pitch
    uint8_t velocity
    uint8_t off_velocity
    uint8_t off_note_on     # 1 if a note_on of velocity 0 closed it, 0 for a note_off


cdef packed struct ControlRow:
    int64_t tick
    double time
    int32_t event
    uint16_t track
    uint8_t channel
    uint8_t control
    uint8_t value
    uint8_t _pad[7]


cdef packed struct PitchBendRow:
    int64_t tick
    double time
    int32_t event
    uint16_t track
    int16_t pitch           # -8192..8191, as Message('pitchwheel').pitch
    uint8_t channel
    uint8_t _pad[7]


cdef packed struct ChannelValueRow:      # programs (value: the program) and aftertouch
    int64_t tick
    double time
    int32_t event
    uint16_t track
    uint8_t channel
    uint8_t value


cdef packed struct PolytouchRow:
    int64_t tick
    double time
    int32_t event
    uint16_t track
    uint8_t channel
    uint8_t note
    uint8_t value
    uint8_t _pad[7]


cdef packed struct TempoRow:
    int64_t tick
    double time
    int32_t event
    uint32_t tempo          # microseconds per beat
    uint16_t track
    uint8_t _pad[6]


cdef packed struct TimeSignatureRow:
    int64_t tick
    double time
    int32_t event
    uint32_t denominator
    uint16_t track
    uint8_t numerator
    uint8_t clocks_per_click
    uint8_t notated_32nd_notes_per_beat
    uint8_t _pad[3]


cdef packed struct KeySignatureRow:
    int64_t tick
    double time
    int32_t event
    uint16_t track
    int8_t sharps           # -7..7, flats negative
    uint8_t mode            # 0 major, 1 minor


cdef packed struct BlobRow:             # texts (kind: the meta type byte) and sysex (kind 0)
    int64_t tick
    double time
    int64_t offset          # of the bytes in the file (sysex: the data bytes, without F0 and F7)
    uint32_t length
    int32_t event
    uint16_t track
    uint8_t kind
    uint8_t _pad[5]


cdef packed struct EventRow:            # others and events
    int64_t tick
    double time
    int64_t offset          # meta events: of the payload in the file; sysex: of the data bytes
    uint32_t length
    int32_t event
    uint16_t track
    uint8_t status          # with the channel; 0xFF for meta events, 0xF0 or 0xF7 (as in the file) for sysex
    uint8_t data1
    uint8_t data2
    uint8_t meta_type
    uint8_t _pad[2]


cdef enum:            # the tables, in TABLES' order
    NOTES
    CONTROLS
    PITCH_BENDS
    PROGRAMS
    AFTERTOUCH
    POLYTOUCH
    TEMPOS
    TIME_SIGNATURES
    KEY_SIGNATURES
    TEXTS
    SYSEX
    OTHERS
    EVENTS
    NUM_KINDS

TABLES = ('notes', 'controls', 'pitch_bends', 'programs', 'aftertouch', 'polytouch', 'tempos', 'time_signatures',
          'key_signatures', 'texts', 'sysex', 'others', 'events')

cdef Py_ssize_t[NUM_KINDS] ROW_SIZE = [
    sizeof(NoteRow), sizeof(ControlRow), sizeof(PitchBendRow), sizeof(ChannelValueRow), sizeof(ChannelValueRow),
    sizeof(PolytouchRow), sizeof(TempoRow), sizeof(TimeSignatureRow), sizeof(KeySignatureRow), sizeof(BlobRow),
    sizeof(BlobRow), sizeof(EventRow), sizeof(EventRow)]


cdef Py_ssize_t _at(const void *row, const void *field) noexcept:
    return <const char *>field - <const char *>row


def layouts():
    """Each table's rows: {name: (itemsize, [(field, NumPy type code, byte offset), ...])}, fields in the order
    users see them."""
    cdef NoteRow n
    cdef ControlRow c
    cdef PitchBendRow b
    cdef ChannelValueRow v
    cdef PolytouchRow p
    cdef TempoRow t
    cdef TimeSignatureRow s
    cdef KeySignatureRow k
    cdef BlobRow x
    events = _event_fields()
    timed = lambda event: [('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', event)]
    return {
        'notes': (sizeof(n), [
            ('track', 'u2', _at(&n, &n.track)), ('channel', 'u1', _at(&n, &n.channel)),
            ('program', 'u1', _at(&n, &n.program)), ('pitch', 'u1', _at(&n, &n.pitch)),
            ('velocity', 'u1', _at(&n, &n.velocity)), ('off_velocity', 'u1', _at(&n, &n.off_velocity)),
            ('start', 'i8', _at(&n, &n.start)), ('end', 'i8', _at(&n, &n.end)),
            ('start_time', 'f8', _at(&n, &n.start_time)), ('end_time', 'f8', _at(&n, &n.end_time)),
            ('on_event', 'i4', _at(&n, &n.on_event)), ('off_event', 'i4', _at(&n, &n.off_event)),
            ('off_note_on', 'u1', _at(&n, &n.off_note_on))]),
        'controls': (sizeof(c), [
            ('track', 'u2', _at(&c, &c.track)), ('channel', 'u1', _at(&c, &c.channel)),
            ('control', 'u1', _at(&c, &c.control)), ('value', 'u1', _at(&c, &c.value))]
            + timed(_at(&c, &c.event))),
        'pitch_bends': (sizeof(b), [
            ('track', 'u2', _at(&b, &b.track)), ('channel', 'u1', _at(&b, &b.channel)),
            ('pitch', 'i2', _at(&b, &b.pitch))] + timed(_at(&b, &b.event))),
        'programs': (sizeof(v), [
            ('track', 'u2', _at(&v, &v.track)), ('channel', 'u1', _at(&v, &v.channel)),
            ('program', 'u1', _at(&v, &v.value))] + timed(_at(&v, &v.event))),
        'aftertouch': (sizeof(v), [
            ('track', 'u2', _at(&v, &v.track)), ('channel', 'u1', _at(&v, &v.channel)),
            ('value', 'u1', _at(&v, &v.value))] + timed(_at(&v, &v.event))),
        'polytouch': (sizeof(p), [
            ('track', 'u2', _at(&p, &p.track)), ('channel', 'u1', _at(&p, &p.channel)),
            ('note', 'u1', _at(&p, &p.note)), ('value', 'u1', _at(&p, &p.value))] + timed(_at(&p, &p.event))),
        'tempos': (sizeof(t), [
            ('track', 'u2', _at(&t, &t.track)), ('tempo', 'u4', _at(&t, &t.tempo))] + timed(_at(&t, &t.event))),
        'time_signatures': (sizeof(s), [
            ('track', 'u2', _at(&s, &s.track)), ('numerator', 'u1', _at(&s, &s.numerator)),
            ('denominator', 'u4', _at(&s, &s.denominator)),
            ('clocks_per_click', 'u1', _at(&s, &s.clocks_per_click)),
            ('notated_32nd_notes_per_beat', 'u1', _at(&s, &s.notated_32nd_notes_per_beat))]
            + timed(_at(&s, &s.event))),
        'key_signatures': (sizeof(k), [
            ('track', 'u2', _at(&k, &k.track)), ('sharps', 'i1', _at(&k, &k.sharps)),
            ('mode', 'u1', _at(&k, &k.mode))] + timed(_at(&k, &k.event))),
        'texts': (sizeof(x), [
            ('track', 'u2', _at(&x, &x.track)), ('kind', 'u1', _at(&x, &x.kind))] + timed(_at(&x, &x.event))
            + [('offset', 'i8', _at(&x, &x.offset)), ('length', 'u4', _at(&x, &x.length))]),
        'sysex': (sizeof(x), [('track', 'u2', _at(&x, &x.track))] + timed(_at(&x, &x.event))
                  + [('offset', 'i8', _at(&x, &x.offset)), ('length', 'u4', _at(&x, &x.length))]),
        'others': (sizeof(EventRow), events),
        'events': (sizeof(EventRow), events),
    }


cdef list _event_fields():
    cdef EventRow e
    return [('track', 'u2', _at(&e, &e.track)), ('status', 'u1', _at(&e, &e.status)),
            ('data1', 'u1', _at(&e, &e.data1)), ('data2', 'u1', _at(&e, &e.data2)),
            ('meta_type', 'u1', _at(&e, &e.meta_type)), ('tick', 'i8', 0), ('time', 'f8', 8),
            ('event', 'i4', _at(&e, &e.event)), ('offset', 'i8', _at(&e, &e.offset)),
            ('length', 'u4', _at(&e, &e.length))]


# Growing tables -------------------------------------------------------------------------------------------------

cdef struct Table:
    char *rows
    Py_ssize_t n
    Py_ssize_t capacity
    Py_ssize_t itemsize


cdef int grow(Table *t, Py_ssize_t capacity) except -1:
    cdef char *grown = <char *>PyMem_RawRealloc(t.rows, capacity * t.itemsize)
    if grown == NULL:
        raise MemoryError()
    t.rows = grown
    t.capacity = capacity
    return 0


cdef inline char *next_row(Table *t) except NULL:
    """A new row at the end of t, as it is: the caller sets every byte."""
    if t.n == t.capacity:
        grow(t, max(2 * t.capacity, 64))
    t.n += 1
    return t.rows + (t.n - 1) * t.itemsize


cdef inline char *new_row(Table *t, Py_ssize_t itemsize) except NULL:
    """A new zeroed row at the end of t (itemsize: t's, as a constant the compiler can use)."""
    cdef char *row = next_row(t)
    memset(row, 0, itemsize)
    return row


@cython.final
@cython.auto_pickle(False)
cdef class Rows:
    """A table's rows, taken over from a Table without a copy; NumPy wraps them through the buffer protocol
    (writable, one byte per item: midox.arrays gives them their dtype)."""
    cdef char *rows
    cdef Py_ssize_t size
    cdef Py_ssize_t shape[1]

    def __dealloc__(self):
        PyMem_RawFree(self.rows)

    def __getbuffer__(self, Py_buffer *view, int flags):
        self.shape[0] = self.size
        view.buf = self.rows
        view.obj = self
        view.len = self.size
        view.readonly = 0
        view.itemsize = 1
        view.format = NULL
        if flags & PyBUF_FORMAT:
            view.format = b'B'
        view.ndim = 1
        view.shape = self.shape
        view.strides = &view.itemsize
        view.suboffsets = NULL
        view.internal = NULL

    def __len__(self):
        return self.size


@cython.final
cdef class TableAttribute:
    """A table attribute of midox.arrays.MidiArrays: on first access, the instance's Rows of that table (popped
    from its `_rows` dict) as an array, frombuffer(rows, dtype), or a view of `empty` if there are none. The
    array is then kept in the instance's __dict__, which takes precedence (assign to replace it)."""
    cdef readonly str name
    cdef readonly object dtype
    cdef object frombuffer
    cdef object empty

    def __init__(self, str name, frombuffer, dtype, empty):
        self.name = name
        self.frombuffer = frombuffer
        self.dtype = dtype
        self.empty = empty

    def __get__(self, instance, owner):
        if instance is None:
            return self
        rows = instance._rows.pop(self.name, None)
        table = self.empty[:] if rows is None else self.frombuffer(rows, self.dtype)
        instance.__dict__[self.name] = table
        return table


cdef Rows take_rows(Table *t):
    """The rows of t as a Rows object, which now owns them (t is left empty)."""
    cdef Rows rows = Rows.__new__(Rows)
    cdef char *shrunk = <char *>PyMem_RawRealloc(t.rows, t.n * t.itemsize) if t.n else NULL
    if shrunk == NULL:
        PyMem_RawFree(t.rows)
    rows.rows = shrunk
    rows.size = t.n * t.itemsize if shrunk != NULL else 0
    t.rows = NULL
    t.n = t.capacity = 0
    return rows


# Seconds from ticks -------------------------------------------------------------------------------------------
# The tempo map: segments from each tempo change on, in tick order (ties in file order: the last wins), each
# with the seconds at its start and its seconds per tick, mido's tempo * 1e-6 / ticks_per_beat.

cdef struct Segment:
    int64_t tick
    double seconds
    double scale


cdef struct TempoMap:
    Segment *segments
    Py_ssize_t n
    Py_ssize_t capacity


cdef int _by_tick_then_event(const void *a, const void *b) noexcept nogil:
    cdef const TempoRow *x = <const TempoRow *>a
    cdef const TempoRow *y = <const TempoRow *>b
    if x.tick != y.tick:
        return -1 if x.tick < y.tick else 1
    return x.event - y.event


cdef int start_tempo_map(TempoMap *tmap, Py_ssize_t capacity, double ticks_per_beat,
                         double seconds_per_tick) except -1:
    """A map of no tempo change (yet), with room for capacity segments: 500000 microseconds per beat from tick
    0, or with SMPTE timing (seconds_per_tick not 0) that rate for good. A ticks_per_beat of 0 gives NaN."""
    tmap.segments = <Segment *>PyMem_RawRealloc(NULL, max(capacity, 1) * sizeof(Segment))
    if tmap.segments == NULL:
        raise MemoryError()
    tmap.capacity = max(capacity, 1)
    tmap.n = 1
    tmap.segments[0].tick = 0
    tmap.segments[0].seconds = 0.0
    if seconds_per_tick:
        tmap.segments[0].scale = seconds_per_tick
    else:
        tmap.segments[0].scale = 500000 * 1e-6 / ticks_per_beat if ticks_per_beat else NAN
    return 0


cdef int append_tempo(TempoMap *tmap, int64_t tick, uint32_t tempo, double ticks_per_beat) except -1:
    """A tempo change at tick, which is at or after the last one's (at the same tick, the last wins)."""
    cdef Segment *last = &tmap.segments[tmap.n - 1]
    cdef Segment *grown
    if tick != last.tick:
        if tmap.n == tmap.capacity:
            grown = <Segment *>PyMem_RawRealloc(tmap.segments, 2 * tmap.capacity * sizeof(Segment))
            if grown == NULL:
                raise MemoryError()
            tmap.segments = grown
            tmap.capacity *= 2
            last = &tmap.segments[tmap.n - 1]
        tmap.segments[tmap.n].tick = tick
        tmap.segments[tmap.n].seconds = last.seconds + (tick - last.tick) * last.scale
        last = &tmap.segments[tmap.n]
        tmap.n += 1
    last.scale = tempo * 1e-6 / ticks_per_beat if ticks_per_beat else NAN
    return 0


cdef int build_tempo_map(TempoMap *tmap, const char *tempo_rows, Py_ssize_t n_tempos, Py_ssize_t row_size,
                         double ticks_per_beat, double seconds_per_tick) except -1:
    """The map of n_tempos rows (TempoRow fields at the start of each row_size bytes; sorted here in a copy).
    With SMPTE timing (seconds_per_tick not 0) tempos change nothing."""
    cdef TempoRow *sorted_rows
    cdef Py_ssize_t i
    start_tempo_map(tmap, n_tempos + 1, ticks_per_beat, seconds_per_tick)
    if seconds_per_tick or n_tempos == 0:
        return 0
    sorted_rows = <TempoRow *>PyMem_RawRealloc(NULL, n_tempos * sizeof(TempoRow))
    if sorted_rows == NULL:
        PyMem_RawFree(tmap.segments)
        tmap.segments = NULL
        raise MemoryError()
    for i in range(n_tempos):
        memcpy(&sorted_rows[i], tempo_rows + i * row_size, sizeof(TempoRow))
    qsort(sorted_rows, n_tempos, sizeof(TempoRow), _by_tick_then_event)
    try:
        for i in range(n_tempos):
            append_tempo(tmap, sorted_rows[i].tick, sorted_rows[i].tempo, ticks_per_beat)
    except MemoryError:
        PyMem_RawFree(tmap.segments)
        tmap.segments = NULL
        raise
    finally:
        PyMem_RawFree(sorted_rows)
    return 0


cdef inline double seconds_at(const TempoMap *tmap, int64_t tick, Py_ssize_t *cursor) noexcept nogil:
    """The time of tick. cursor holds the segment of the previous tick: ticks mostly grow, so the segment is
    that one or a few steps on or back; else it is searched for."""
    cdef Py_ssize_t k = cursor[0], low, high, mid, steps = 0
    cdef const Segment *seg
    while k + 1 < tmap.n and tick >= tmap.segments[k + 1].tick and steps < 4:
        k += 1
        steps += 1
    while k > 0 and tick < tmap.segments[k].tick and steps < 4:
        k -= 1
        steps += 1
    if steps == 4:
        low, high = 0, tmap.n - 1           # the last segment starting at or before tick
        while low < high:
            mid = (low + high + 1) // 2
            if tmap.segments[mid].tick <= tick:
                low = mid
            else:
                high = mid - 1
        k = low
    cursor[0] = k
    seg = &tmap.segments[k]
    return seg.seconds if tick == seg.tick else seg.seconds + (tick - seg.tick) * seg.scale


cdef void fill_seconds(const TempoMap *tmap, const char *ticks, char *seconds, Py_ssize_t n,
                       Py_ssize_t stride) noexcept nogil:
    """seconds[i * stride] = the time of ticks[i * stride] (both as raw bytes, int64 and double)."""
    cdef Py_ssize_t i, cursor = 0
    for i in range(n):
        (<double *>(seconds + i * stride))[0] = seconds_at(tmap, (<const int64_t *>(ticks + i * stride))[0],
                                                           &cursor)


cdef void fill_note_seconds(const TempoMap *tmap, NoteRow *notes, Py_ssize_t n) noexcept nogil:
    """start_time and end_time of every note, in one pass."""
    cdef Py_ssize_t i, at_start = 0, at_end = 0
    for i in range(n):
        notes[i].start_time = seconds_at(tmap, notes[i].start, &at_start)
        notes[i].end_time = seconds_at(tmap, notes[i].end, &at_end)


def seconds(const uint8_t[::1] tempos, double ticks_per_beat, double seconds_per_tick,
            const uint8_t[::1] ticks, uint8_t[::1] out):
    """Fill out (float64) with the seconds of ticks (int64), by the tempo map of tempos (the rows of a tempos
    table, as bytes)."""
    cdef TempoMap tmap
    cdef Py_ssize_t n = ticks.shape[0] // 8
    if out.shape[0] < n * 8:
        raise ValueError('out is shorter than ticks')
    build_tempo_map(&tmap, <const char *>&tempos[0] if tempos.shape[0] else NULL,
                    tempos.shape[0] // sizeof(TempoRow), sizeof(TempoRow), ticks_per_beat, seconds_per_tick)
    if n:
        fill_seconds(&tmap, <const char *>&ticks[0], <char *>&out[0], n, 8)
    PyMem_RawFree(tmap.segments)
    return out


# Pairing notes: per key (channel * 128 + pitch) of the current track, a queue of open notes (rows of notes),
# linked through their off_event while they are open (the row of the next open note of their key, or -1).
# Queues left open at the end of a track are emptied then, so that no track resets all of them.
cdef enum:
    NUM_KEYS = 16 * 128
    NO_NOTE = -1


@cython.final
cdef class ArraySink(EventSink):
    cdef Table tables[NUM_KINDS]
    cdef bint events_only           # build the events table, nothing else
    cdef bint pair_all
    cdef str charset
    cdef bytes encoding
    cdef Py_ssize_t track
    cdef int64_t tick
    cdef int64_t n_events
    cdef int64_t last_tick          # the largest tick of any event
    cdef uint8_t program[16]
    cdef Py_ssize_t open_notes      # rows of the current track's notes not closed (yet)
    cdef Py_ssize_t first_note      # rows of notes and others where the current track's begin
    cdef Py_ssize_t first_other
    cdef int32_t head[NUM_KEYS]
    cdef int32_t tail[NUM_KEYS]
    cdef Py_ssize_t ntracks
    # Rows are timed as they are made, by the tempo map of the tempos read so far: right unless a tempo comes
    # after an earlier track's events beyond its tick (see tempo_change); then `retime`, and read_tables() times
    # every row again by the whole map.
    cdef TempoMap tmap
    cdef double ticks_per_beat      # 0 with SMPTE timing, whose rate no tempo changes
    cdef bint smpte
    cdef bint retime
    cdef Py_ssize_t cursor          # the segment of tmap holding `tick`...
    cdef Segment segment            # ...a copy of it
    cdef int64_t next_change        # ...and where the next begins (INT64_MAX: none)
    cdef readonly Py_ssize_t unclosed_notes
    cdef readonly Py_ssize_t unmatched_note_offs

    def __cinit__(self, *args, **kwargs):
        # *args, **kwargs: Cython's argument handling of a __cinit__(self) offsets a NULL argument pointer,
        # which UBSan reports (tools/sanitize.sh); this signature's does not. ArraySink() takes no arguments.
        cdef int kind
        for kind in range(NUM_KINDS):
            self.tables[kind].itemsize = ROW_SIZE[kind]
        memset(self.head, 0xFF, sizeof(self.head))      # -1: no note
        memset(self.tail, 0xFF, sizeof(self.tail))

    def __dealloc__(self):
        cdef int kind
        for kind in range(NUM_KINDS):
            PyMem_RawFree(self.tables[kind].rows)
        PyMem_RawFree(self.tmap.segments)

    cdef int header(self, int fmt, int division) except -1:
        cdef double seconds_per_tick = 0.0
        beat, smpte = timing_from_division(division)
        if smpte is None:
            self.ticks_per_beat = beat
        else:
            self.smpte = True
            seconds_per_tick = 1.0 / (smpte[0] * smpte[1])      # MidiFile's
        return start_tempo_map(&self.tmap, 16, self.ticks_per_beat, seconds_per_tick)

    cdef int read_track(self, Scanner s) except -1:
        # EventSink's loop, compiled here around take(), which the compiler can inline (event() is virtual)
        cdef RawEvent event
        self.begin_track(s)
        while next_event(s, &event):
            self.take(s, &event)
        return self.end_track(s)

    cdef int begin_track(self, Scanner s) except -1:
        self.track = s.track_index
        self.ntracks += 1
        self.tick = 0
        self.cursor = 0
        self.locate()
        memset(self.program, 0, sizeof(self.program))
        self.first_note = self.tables[NOTES].n
        self.first_other = self.tables[OTHERS].n
        return 0

    cdef int event(self, Scanner s, RawEvent *ev) except -1:
        return self.take(s, ev)

    cdef inline int take(self, Scanner s, RawEvent *ev) except -1:
        cdef int32_t index = <int32_t>self.n_events
        if ev.big or ev.delta > <uint64_t>(INT64_MAX - self.tick) or self.n_events == INT32_MAX:
            return self.beyond_limits(s, ev)
        self.n_events += 1
        self.tick += ev.delta
        if ev.status < 0xF0 and not self.events_only:
            return self.channel_event(ev, index)
        return self.other_event(s, ev, index)

    cdef int other_event(self, Scanner s, RawEvent *ev, int32_t index) except -1:
        if self.events_only:
            return self.other(ev, index, EVENTS)
        if ev.status == 0xFF:
            return self.meta_event(s, ev, index)
        if ev.status == 0xF0 or ev.status == 0xF7:
            return self.blob(ev, index, SYSEX, 0)
        return self.other(ev, index, OTHERS)

    cdef int beyond_limits(self, Scanner s, RawEvent *ev) except -1:
        if self.n_events == INT32_MAX:
            raise ValueError(f'arrays hold at most {INT32_MAX} events {s.where()}')
        delta = s.big_delta if ev.big else ev.delta
        if delta >> 64:     # not written out: it may have more digits than str() converts
            delta = f'of {delta.bit_length()} bits'
        raise ValueError(f'delta time {delta} takes the track beyond 2**63 ticks, which arrays cannot hold '
                         f'{s.where()}')

    cdef void locate(self) noexcept:
        """Move the cursor on to the segment holding `tick` (a track's ticks only grow)."""
        while self.cursor + 1 < self.tmap.n and self.tick >= self.tmap.segments[self.cursor + 1].tick:
            self.cursor += 1
        self.segment = self.tmap.segments[self.cursor]
        self.next_change = self.tmap.segments[self.cursor + 1].tick if self.cursor + 1 < self.tmap.n else INT64_MAX

    cdef inline double now(self) noexcept:
        """The time of `tick`, in seconds, as seconds_at() gives it. Computed for every row: checking whether
        the tick changed would be a branch the processor mispredicts (chords), and cost more."""
        if self.tick >= self.next_change:
            self.locate()
        if self.tick == self.segment.tick:
            return self.segment.seconds
        return self.segment.seconds + (self.tick - self.segment.tick) * self.segment.scale

    cdef inline char *timed_row(self, int kind, Py_ssize_t itemsize) except NULL:
        """A new zeroed row of table kind (itemsize: its, as a constant), its tick and time set (every row but
        notes starts with them)."""
        cdef char *row = new_row(&self.tables[kind], itemsize)
        (<int64_t *>row)[0] = self.tick
        (<double *>(row + 8))[0] = self.now()
        return row

    cdef int tempo_change(self, uint32_t tempo) except -1:
        """Add a tempo read at `tick` to the map, unless it changes the time of rows already made: an earlier
        track's beyond its tick (tracks with tempos after the first track to end past them; rare)."""
        if self.smpte or self.retime:
            return 0
        if self.tick < self.last_tick or self.tick < self.tmap.segments[self.tmap.n - 1].tick:
            self.retime = True
            return 0
        append_tempo(&self.tmap, self.tick, tempo, self.ticks_per_beat)
        self.locate()
        return 0

    cdef inline int channel_event(self, RawEvent *ev, int32_t index) except -1:
        cdef int kind = ev.status & 0xF0, channel = ev.status & 0x0F
        cdef ControlRow *c
        cdef PitchBendRow *b
        cdef ChannelValueRow *v
        cdef PolytouchRow *p
        if kind == 0x90 and ev.data[1]:
            return self.note_on(ev, index)
        if kind == 0x80 or kind == 0x90:
            return self.note_off(ev, index)
        if kind == 0xB0:
            c = <ControlRow *>self.timed_row(CONTROLS, sizeof(ControlRow))
            c.event, c.track, c.channel = index, self.track, channel
            c.control, c.value = ev.data[0], ev.data[1]
        elif kind == 0xE0:
            b = <PitchBendRow *>self.timed_row(PITCH_BENDS, sizeof(PitchBendRow))
            b.event, b.track, b.channel = index, self.track, channel
            b.pitch = (ev.data[0] | ev.data[1] << 7) - 8192
        elif kind == 0xC0 or kind == 0xD0:
            v = <ChannelValueRow *>self.timed_row(PROGRAMS if kind == 0xC0 else AFTERTOUCH, sizeof(ChannelValueRow))
            v.event, v.track, v.channel, v.value = index, self.track, channel, ev.data[0]
            if kind == 0xC0:
                self.program[channel] = ev.data[0]
        else:
            p = <PolytouchRow *>self.timed_row(POLYTOUCH, sizeof(PolytouchRow))
            p.event, p.track, p.channel = index, self.track, channel
            p.note, p.value = ev.data[0], ev.data[1]
        return 0

    cdef inline int note_on(self, RawEvent *ev, int32_t index) except -1:
        cdef Py_ssize_t row = self.tables[NOTES].n, key = (ev.status & 0x0F) * 128 + ev.data[0]
        cdef NoteRow *notes
        # open (end -1) until a note-off closes it; last in its key's queue
        (<NoteRow *>next_row(&self.tables[NOTES]))[0] = NoteRow(
            start=self.tick, end=-1, start_time=self.now(), end_time=0.0, on_event=index, off_event=NO_NOTE,
            track=self.track, channel=ev.status & 0x0F, program=self.program[ev.status & 0x0F], pitch=ev.data[0],
            velocity=ev.data[1], off_velocity=0, off_note_on=0)
        self.open_notes += 1
        if self.tail[key] == NO_NOTE:
            self.head[key] = <int32_t>row
        else:
            notes = <NoteRow *>self.tables[NOTES].rows
            notes[self.tail[key]].off_event = <int32_t>row
        self.tail[key] = <int32_t>row
        return 0

    cdef inline int note_off(self, RawEvent *ev, int32_t index) except -1:
        cdef Py_ssize_t key = (ev.status & 0x0F) * 128 + ev.data[0], row, following, kept_tail = NO_NOTE
        cdef NoteRow *notes = <NoteRow *>self.tables[NOTES].rows
        cdef bint closed = False
        row = self.head[key]
        if not self.pair_all:           # 'fifo': close the oldest
            if row == NO_NOTE:
                self.unmatched_note_offs += 1
                return self.other(ev, index, OTHERS)
            self.head[key] = notes[row].off_event       # the next open note, before close() sets it
            self.close(&notes[row], ev, index)
            if self.head[key] == NO_NOTE:
                self.tail[key] = NO_NOTE
            return 0
        # 'all': close the notes that started before this tick, keep the others open (unless none closed)
        self.head[key] = NO_NOTE
        while row != NO_NOTE:
            following = notes[row].off_event
            if notes[row].start != self.tick:
                self.close(&notes[row], ev, index)
                closed = True
            elif kept_tail == NO_NOTE:
                self.head[key] = <int32_t>row
                kept_tail = row
            else:
                notes[kept_tail].off_event = <int32_t>row
                kept_tail = row
            row = following
        if kept_tail != NO_NOTE:
            notes[kept_tail].off_event = NO_NOTE
        self.tail[key] = <int32_t>kept_tail
        if not closed:
            # pretty_midi's rule: nothing closed, and the notes of this very tick (if any) are dropped
            self.head[key] = self.tail[key] = NO_NOTE
            self.unmatched_note_offs += 1
            self.other(ev, index, OTHERS)
        return 0

    cdef inline void close(self, NoteRow *note, RawEvent *ev, int32_t index) noexcept:
        self.open_notes -= 1
        note.end = self.tick
        note.end_time = self.now()
        note.off_event = index
        note.off_velocity = ev.data[1] if ev.status < 0x90 else 0
        note.off_note_on = ev.status >= 0x90

    cdef int end_track(self, Scanner s) except -1:
        """Move the notes left open to others, as their note_on events."""
        if self.tick > self.last_tick:
            self.last_tick = self.tick
        cdef Table *notes = &self.tables[NOTES]
        cdef NoteRow *rows = <NoteRow *>notes.rows
        cdef Py_ssize_t row, kept = self.first_note
        cdef EventRow *other
        cdef bint moved = False
        if self.open_notes == 0:        # as in most tracks
            return 0
        self.open_notes = 0
        for row in range(self.first_note, notes.n):
            if rows[row].end < 0:
                self.head[rows[row].channel * 128 + rows[row].pitch] = NO_NOTE
                self.tail[rows[row].channel * 128 + rows[row].pitch] = NO_NOTE
                other = <EventRow *>new_row(&self.tables[OTHERS], sizeof(EventRow))
                rows = <NoteRow *>notes.rows
                other.tick, other.time = rows[row].start, rows[row].start_time
                other.event, other.track = rows[row].on_event, self.track
                other.status, other.data1, other.data2 = 0x90 | rows[row].channel, rows[row].pitch, rows[row].velocity
                self.unclosed_notes += 1
                moved = True
            else:
                if kept != row:
                    rows[kept] = rows[row]
                kept += 1
        notes.n = kept
        if moved:       # others in event order again
            qsort(self.tables[OTHERS].rows + self.first_other * sizeof(EventRow),
                  self.tables[OTHERS].n - self.first_other, sizeof(EventRow), _by_event)
        return 0

    cdef int meta_event(self, Scanner s, RawEvent *ev, int32_t index) except -1:
        cdef const uint8_t *p = s.buf + ev.payload
        cdef int layout
        cdef TempoRow *t
        cdef TimeSignatureRow *sig
        cdef KeySignatureRow *key
        try:
            layout = check_meta_event(ev.meta_type, p, ev.length, self.charset, self.encoding)
        except Exception as error:
            s.bad_meta(ev, error)
            layout = -1
        if layout == TEMPO:
            t = <TempoRow *>self.timed_row(TEMPOS, sizeof(TempoRow))
            t.event, t.track = index, self.track
            t.tempo = p[0] << 16 | p[1] << 8 | p[2]
            self.tempo_change(t.tempo)
        elif layout == TIME_SIGNATURE:      # four bytes, the denominator a power of 2 up to 2**28 (see _meta)
            sig = <TimeSignatureRow *>self.timed_row(TIME_SIGNATURES, sizeof(TimeSignatureRow))
            sig.event, sig.track = index, self.track
            sig.numerator, sig.denominator = p[0], (<uint32_t>1) << p[1]
            sig.clocks_per_click, sig.notated_32nd_notes_per_beat = p[2], p[3]
        elif layout == KEY_SIGNATURE:
            key = <KeySignatureRow *>self.timed_row(KEY_SIGNATURES, sizeof(KeySignatureRow))
            key.event, key.track = index, self.track
            key.sharps, key.mode = <int8_t>p[0], p[1]
        elif layout == TEXT:
            self.blob(ev, index, TEXTS, ev.meta_type)
        else:
            self.other(ev, index, OTHERS)
        return 0

    cdef int blob(self, RawEvent *ev, int32_t index, int kind, int type_byte) except -1:
        cdef BlobRow *row = <BlobRow *>self.timed_row(kind, sizeof(BlobRow))
        row.event, row.track, row.kind = index, self.track, type_byte
        row.offset, row.length = ev.payload, ev.length
        return 0

    cdef int other(self, RawEvent *ev, int32_t index, int kind) except -1:
        cdef EventRow *row = <EventRow *>self.timed_row(kind, sizeof(EventRow))
        row.event, row.track, row.status = index, self.track, ev.status
        if ev.status == 0xFF or ev.status == 0xF0 or ev.status == 0xF7:
            row.meta_type = ev.meta_type if ev.status == 0xFF else 0
            row.offset, row.length = ev.payload, ev.length
        else:
            row.data1 = ev.data[0] if ev.size > 1 else 0
            row.data2 = ev.data[1] if ev.size > 2 else 0
        return 0


cdef int _by_event(const void *a, const void *b) noexcept nogil:
    return (<const EventRow *>a).event - (<const EventRow *>b).event


# Reading ------------------------------------------------------------------------------------------------------

def read_tables(data, bint strict=True, bint clip=False, str charset='latin1', bint pair_all=False,
                bint events_only=False):
    """Scan a Standard MIDI File (bytes) into tables.

    :return: dict with 'format', 'division', 'ntracks', 'problems', 'unclosed_notes', 'unmatched_note_offs',
        'last_tick', 'n_events' and the Rows of each table that has any under its name (only 'events' with
        events_only). Times are MidiFile's: from the tempo map in ticks per beat, or per SMPTE frame (events
        only: not timed, as no tempo is read).
    """
    cdef Scanner scanner = new_scanner(data, strict, clip)
    cdef ArraySink sink = ArraySink()
    cdef int kind
    sink.charset = charset
    sink.encoding = charset.encode()
    sink.pair_all = pair_all
    sink.events_only = events_only
    # Room for what a file of this size usually holds (events take 3 bytes or so; half of them end notes), so
    # that the big tables rarely grow.
    grow(&sink.tables[EVENTS if events_only else NOTES], len(data) // (3 if events_only else 7) + 64)
    fmt, division = scan_smf(scanner, sink)
    if sink.retime:
        retime(sink)
    result = {'format': fmt, 'division': division, 'problems': scanner.problems, 'last_tick': sink.last_tick,
              'ntracks': sink.ntracks, 'unclosed_notes': sink.unclosed_notes,
              'unmatched_note_offs': sink.unmatched_note_offs, 'n_events': sink.n_events}
    for kind in range(NUM_KINDS):
        if sink.tables[kind].n and (kind != EVENTS or events_only):      # an empty table is left out
            result[TABLES[kind]] = take_rows(&sink.tables[kind])
    return result


cdef int retime(ArraySink sink) except -1:
    """Time every row of sink's tables by the tempo map of all its tempos."""
    cdef TempoMap tmap
    cdef Table *table
    cdef int kind
    table = &sink.tables[TEMPOS]
    build_tempo_map(&tmap, table.rows, table.n, sizeof(TempoRow), sink.ticks_per_beat, 0.0)
    for kind in range(NUM_KINDS):
        table = &sink.tables[kind]
        if kind == NOTES:
            fill_note_seconds(&tmap, <NoteRow *>table.rows, table.n)
        elif kind != EVENTS and table.n:       # an empty table's rows are NULL: no pointer arithmetic on it
            fill_seconds(&tmap, table.rows, table.rows + 8, table.n, table.itemsize)
    PyMem_RawFree(tmap.segments)
    return 0


# Writing ------------------------------------------------------------------------------------------------------
# Each row becomes an item (a note two: its note_on and its note_off); the items are sorted by track, tick and
# event index, and written with _smf's encoder. Rows read from a file keep its order; rows added without an
# event index (-1) go before the file's events of their tick, note-offs first.

cdef packed struct Item:
    int64_t tick
    int64_t row
    int32_t event
    uint16_t track
    uint8_t kind            # the table
    uint8_t is_on           # of a note: 1 its note_on, 0 its note_off


cdef inline bint item_before(const Item *a, const Item *b) noexcept nogil:
    if a.track != b.track:
        return a.track < b.track
    if a.tick != b.tick:
        return a.tick < b.tick
    if a.event != b.event:
        return a.event < b.event
    return a.is_on < b.is_on


cdef int sort_items(Item *items, Py_ssize_t n) except -1:
    """Stable sort: a merge of the runs already in order (after order_by_event(), a file's rows are one, and
    nothing is allocated)."""
    cdef Item *spare
    cdef Item *source = items
    cdef Item *target
    cdef Item *swap
    cdef Py_ssize_t *bounds
    cdef Py_ssize_t runs = 1, i, r, a, b, a_end, b_end, out
    for i in range(1, n):
        if item_before(&items[i], &items[i - 1]):
            runs += 1
    if runs == 1:
        return 0
    spare = target = <Item *>PyMem_RawRealloc(NULL, n * sizeof(Item))
    bounds = <Py_ssize_t *>PyMem_RawRealloc(NULL, (runs + 2) * sizeof(Py_ssize_t))
    if spare == NULL or bounds == NULL:
        PyMem_RawFree(spare)
        PyMem_RawFree(bounds)
        raise MemoryError()
    bounds[0] = 0
    runs = 1
    for i in range(1, n):
        if item_before(&items[i], &items[i - 1]):
            bounds[runs] = i
            runs += 1
    bounds[runs] = n
    while runs > 1:
        out = 0
        for r in range(0, runs, 2):
            a, a_end = bounds[r], bounds[r + 1]
            b, b_end = a_end, (bounds[r + 2] if r + 1 < runs else a_end)
            bounds[r // 2] = out
            while a < a_end and b < b_end:
                if item_before(&source[b], &source[a]):
                    target[out] = source[b]
                    b += 1
                else:
                    target[out] = source[a]
                    a += 1
                out += 1
            while a < a_end:
                target[out] = source[a]
                a += 1
                out += 1
            while b < b_end:
                target[out] = source[b]
                b += 1
                out += 1
        runs = (runs + 1) // 2
        bounds[runs] = n
        swap = source
        source = target
        target = swap
    if source != items:
        memcpy(items, source, n * sizeof(Item))
    PyMem_RawFree(spare)
    PyMem_RawFree(bounds)
    return 0


@cython.final
cdef class _Writer:
    """Writes the tables' items in order; checks each value as MidiFile.save() would, naming table and row."""
    cdef const char *rows[NUM_KINDS]
    cdef Py_ssize_t counts[NUM_KINDS]
    cdef const uint8_t *data
    cdef Py_ssize_t data_size

    cdef int bad(self, int kind, Py_ssize_t row, str what) except -1:
        raise ValueError(f'{TABLES[kind]}[{row}]: {what}')

    cdef int out_of_range(self, int kind, Py_ssize_t row, const char *row_bytes) except -1:
        """Raise the ValueError for a row of channel message values that a file cannot hold (the caller found
        one): which field, which value."""
        for name, dtype_code, offset in layouts()[TABLES[kind]][1]:
            value = (<const uint8_t *>row_bytes)[offset] if dtype_code == 'u1' else None
            high = 15 if name == 'channel' else 127
            if value is not None and name not in ('track', 'off_note_on') and value > high:
                self.bad(kind, row, f'{name} {value} is out of range 0..{high}')
        self.bad(kind, row, 'a value is out of range')

    cdef const uint8_t *blob(self, int kind, Py_ssize_t row, int64_t offset, uint32_t length) except NULL:
        if offset < 0 or offset > self.data_size - <int64_t>length:
            self.bad(kind, row, f'bytes {offset}..{offset + length} are not in data ({self.data_size} bytes)')
        return self.data + offset

    cdef int put(self, Output *out, const Item *item, uint64_t delta, int *running) except -1:
        cdef uint8_t message[3]
        cdef int n = 3, kind = item.kind
        cdef const char *row = self.rows[kind] + item.row * ROW_SIZE[kind]
        cdef const NoteRow *note
        cdef const ControlRow *c
        cdef const PitchBendRow *b
        cdef const ChannelValueRow *v
        cdef const PolytouchRow *p
        cdef const TempoRow *t
        cdef const TimeSignatureRow *sig
        cdef const KeySignatureRow *key
        cdef const BlobRow *x
        cdef const EventRow *e
        cdef uint8_t payload[4]
        cdef int power
        if kind == NOTES:
            note = <const NoteRow *>row
            if note.channel > 15 or (note.pitch | note.velocity | note.off_velocity) > 127:
                self.out_of_range(kind, item.row, row)
            if note.end < note.start:
                self.bad(kind, item.row, f'end {note.end} is before start {note.start}')
            message[1] = note.pitch
            if item.is_on:
                message[0], message[2] = 0x90 | note.channel, note.velocity
            elif note.off_note_on:
                message[0], message[2] = 0x90 | note.channel, 0
            else:
                message[0], message[2] = 0x80 | note.channel, note.off_velocity
        elif kind == CONTROLS:
            c = <const ControlRow *>row
            if c.channel > 15 or (c.control | c.value) > 127:
                self.out_of_range(kind, item.row, row)
            message[0], message[1], message[2] = 0xB0 | c.channel, c.control, c.value
        elif kind == PITCH_BENDS:
            b = <const PitchBendRow *>row
            if b.channel > 15:
                self.out_of_range(kind, item.row, row)
            if not -8192 <= b.pitch <= 8191:
                self.bad(kind, item.row, f'pitch {b.pitch} is out of range -8192..8191')
            message[0], message[1], message[2] = 0xE0 | b.channel, (b.pitch + 8192) & 0x7F, (b.pitch + 8192) >> 7
        elif kind == PROGRAMS or kind == AFTERTOUCH:
            v = <const ChannelValueRow *>row
            if v.channel > 15 or v.value > 127:
                self.out_of_range(kind, item.row, row)
            message[0], message[1], n = (0xC0 if kind == PROGRAMS else 0xD0) | v.channel, v.value, 2
        elif kind == POLYTOUCH:
            p = <const PolytouchRow *>row
            if p.channel > 15 or (p.note | p.value) > 127:
                self.out_of_range(kind, item.row, row)
            message[0], message[1], message[2] = 0xA0 | p.channel, p.note, p.value
        elif kind == TEMPOS:
            t = <const TempoRow *>row
            if t.tempo > 0xFFFFFF:
                self.bad(kind, item.row, f'tempo {t.tempo} does not fit 3 bytes')
            payload[0], payload[1], payload[2] = t.tempo >> 16, (t.tempo >> 8) & 0xFF, t.tempo & 0xFF
            return put_meta(out, delta, 0x51, payload, 3, running)
        elif kind == TIME_SIGNATURES:
            sig = <const TimeSignatureRow *>row
            power = 0
            while power < 32 and (<uint32_t>1) << power != sig.denominator:
                power += 1
            if power == 32:
                self.bad(kind, item.row, f'denominator {sig.denominator} is not a power of 2')
            payload[0], payload[1], payload[2], payload[3] = (sig.numerator, power, sig.clocks_per_click,
                                                              sig.notated_32nd_notes_per_beat)
            return put_meta(out, delta, 0x58, payload, 4, running)
        elif kind == KEY_SIGNATURES:
            key = <const KeySignatureRow *>row
            if not -7 <= key.sharps <= 7 or key.mode > 1:
                self.bad(kind, item.row, f'sharps {key.sharps} and mode {key.mode} are no key')
            payload[0], payload[1] = <uint8_t>key.sharps, key.mode
            return put_meta(out, delta, 0x59, payload, 2, running)
        elif kind == TEXTS:
            x = <const BlobRow *>row
            return put_meta(out, delta, x.kind, self.blob(kind, item.row, x.offset, x.length), x.length, running)
        elif kind == SYSEX:
            x = <const BlobRow *>row
            return put_sysex(out, delta, self.blob(kind, item.row, x.offset, x.length), x.length, running)
        else:
            e = <const EventRow *>row
            if e.status == 0xFF:
                return put_meta(out, delta, e.meta_type, self.blob(kind, item.row, e.offset, e.length), e.length,
                                running)
            if e.status == 0xF0 or e.status == 0xF7:
                return put_sysex(out, delta, self.blob(kind, item.row, e.offset, e.length), e.length, running)
            if e.status < 0x80 or TYPE_BY_STATUS[e.status] < 0:
                self.bad(kind, item.row, f'status 0x{e.status:02x} is no MIDI message')
            if e.status >= 0xF8:
                self.bad(kind, item.row, 'realtime messages are not allowed in MIDI files')
            if (e.data1 | e.data2) > 127:
                self.out_of_range(kind, item.row, row)
            message[0], message[1], message[2] = e.status, e.data1, e.data2
            n = TYPE_SPECS[TYPE_BY_STATUS[e.status]].length
        return put_short(out, delta, message, n, running)


def write_tables(int fmt, int division, Py_ssize_t ntracks, dict tables, bytes data):
    """A Standard MIDI File from tables (each an object whose buffer holds its rows contiguously, by name: the
    Rows of read_tables() or NumPy arrays of their dtype; 'events' is not used), with running status. Raises ValueError naming the table and row of a value
    that a file cannot hold."""
    cdef _Writer writer = _Writer()
    cdef Py_buffer views[NUM_KINDS]
    cdef int n_views = 0, kind
    cdef Py_ssize_t n_items = 0
    writer.data = <const uint8_t *>PyBytes_AS_STRING(data)
    writer.data_size = len(data)
    try:
        for kind in range(OTHERS + 1):
            PyObject_GetBuffer(tables[TABLES[kind]], &views[kind], PyBUF_SIMPLE)     # contiguous bytes
            n_views += 1
            writer.counts[kind] = views[kind].len // ROW_SIZE[kind]
            writer.rows[kind] = <const char *>views[kind].buf
            n_items += writer.counts[kind] * (2 if kind == NOTES else 1)
        return _write(writer, fmt, division, ntracks, n_items)
    finally:
        for kind in range(n_views):
            PyBuffer_Release(&views[kind])


cdef bytes _write(_Writer writer, int fmt, int division, Py_ssize_t ntracks, Py_ssize_t n_items):
    cdef Item *items = <Item *>PyMem_RawRealloc(NULL, max(n_items, 1) * sizeof(Item))
    cdef Py_ssize_t i, start, track
    cdef int running
    cdef const Item *item
    cdef const Item *last_off = NULL
    cdef int64_t last_tick
    cdef Output out
    if items == NULL:
        raise MemoryError()
    out.data = NULL
    out.size = out.capacity = 0
    try:
        place_items(writer, items)
        sort_items(items, n_items)
        for i in range(n_items):
            if items[i].track >= ntracks:
                ntracks = items[i].track + 1
        put_header(&out, fmt, ntracks, division)
        i = 0
        for track in range(ntracks):
            start = begin_track(&out)
            running = 0
            last_tick = 0
            last_off = NULL
            while i < n_items and items[i].track == track:
                item = &items[i]
                i += 1
                if item.tick < 0:
                    writer.bad(item.kind, item.row, f'tick {item.tick} is negative')
                if item.kind == OTHERS and _is_end_of_track(writer.rows[OTHERS] + item.row * sizeof(EventRow)):
                    continue            # one end_of_track closes the track, at its last tick
                if item.kind == NOTES and not item.is_on and last_off != NULL and _same_off(writer, item, last_off):
                    continue            # notes closed by one note-off (pairing='all') write it once
                _check_delta(writer, item, last_tick)
                writer.put(&out, item, item.tick - last_tick, &running)
                if item.kind == NOTES and not item.is_on:
                    last_off = item
                last_tick = item.tick
            if i and items[i - 1].track == track:
                # The track ends at its last row's tick, which may be a skipped end_of_track's
                _check_delta(writer, &items[i - 1], last_tick)
                end_track(&out, start, items[i - 1].tick - last_tick)
            else:
                end_track(&out, start, 0)
    except BaseException:
        free(out.data)      # _smf's writer allocates it
        raise
    finally:
        PyMem_RawFree(items)
    return take_output(&out)


cdef int _check_delta(_Writer writer, const Item *item, int64_t last_tick) except -1:
    if item.tick - last_tick > MAX_DELTA:
        writer.bad(item.kind, item.row, f'{item.tick - last_tick} ticks after the event before it: '
                                        f'a MIDI file holds delta times of at most {MAX_DELTA} ticks')
    return 0


cdef inline void _item_of_row(_Writer writer, Item *item, int kind, Py_ssize_t row, bint is_on) noexcept:
    cdef const char *at = writer.rows[kind] + row * ROW_SIZE[kind]
    cdef const NoteRow *note = <const NoteRow *>at
    if kind != NOTES:
        _item(item, (<const int64_t *>at)[0], row, _row_event(at, kind), _row_track(at, kind), kind, 0)
    elif is_on:
        _item(item, note.start, row, note.on_event, note.track, kind, 1)
    else:
        _item(item, note.end, row, note.off_event, note.track, kind, 0)


cdef inline int32_t _item_event(_Writer writer, int kind, Py_ssize_t row, bint is_on) noexcept:
    cdef const char *at = writer.rows[kind] + row * ROW_SIZE[kind]
    if kind == NOTES:
        return (<const NoteRow *>at).on_event if is_on else (<const NoteRow *>at).off_event
    return _row_event(at, kind)


cdef int place_items(_Writer writer, Item *items) except -1:
    """Make the items of every row (a note two: its note_on, then its note_off) in the order of their event
    index: a counting sort straight from the tables (-1 first, then 0 on). Rows read from a file are then in
    its order, into which sort_items() has nothing to merge. If an event index is far beyond the number of
    items (edited), the items stay in the tables' order and sort_items() orders them: memory stays bounded."""
    cdef Py_ssize_t n_slots = 1, n_items = 0, row, slot, total = 0, count
    cdef Py_ssize_t *starts
    cdef int kind, half
    cdef const char *at
    cdef const NoteRow *note
    for kind in range(OTHERS + 1):          # slots: one per event index up to the largest, and one for -1
        for row in range(writer.counts[kind]):
            for half in range(2 if kind == NOTES else 1):
                n_slots = max(n_slots, <Py_ssize_t>_item_event(writer, kind, row, half == 0) + 2)
                n_items += 1
    if n_slots > 2 * n_items + 64:
        for kind in range(OTHERS + 1):
            for row in range(writer.counts[kind]):
                for half in range(2 if kind == NOTES else 1):
                    _item_of_row(writer, &items[total], kind, row, half == 0)
                    total += 1
        return 0
    starts = <Py_ssize_t *>PyMem_RawCalloc(n_slots, sizeof(Py_ssize_t))
    if starts == NULL:
        raise MemoryError()
    for kind in range(OTHERS + 1):
        for row in range(writer.counts[kind]):
            for half in range(2 if kind == NOTES else 1):
                starts[max(_item_event(writer, kind, row, half == 0) + 1, 0)] += 1
    for slot in range(n_slots):
        count = starts[slot]
        starts[slot] = total
        total += count
    for row in range(writer.counts[NOTES]):
        note = <const NoteRow *>(writer.rows[NOTES] + row * sizeof(NoteRow))
        slot = max(note.on_event + 1, 0)
        _item(&items[starts[slot]], note.start, row, note.on_event, note.track, NOTES, 1)
        starts[slot] += 1
        slot = max(note.off_event + 1, 0)
        _item(&items[starts[slot]], note.end, row, note.off_event, note.track, NOTES, 0)
        starts[slot] += 1
    for kind in range(CONTROLS, OTHERS + 1):
        for row in range(writer.counts[kind]):
            at = writer.rows[kind] + row * ROW_SIZE[kind]
            slot = max(_row_event(at, kind) + 1, 0)
            _item(&items[starts[slot]], (<const int64_t *>at)[0], row, _row_event(at, kind), _row_track(at, kind),
                  kind, 0)
            starts[slot] += 1
    PyMem_RawFree(starts)
    return 0


cdef inline void _item(Item *item, int64_t tick, Py_ssize_t row, int32_t event, uint16_t track, int kind,
                       bint is_on) noexcept:
    item.tick, item.row, item.event, item.track, item.kind, item.is_on = tick, row, event, track, kind, is_on


cdef int32_t _row_event(const char *row, int kind) noexcept:
    if kind == TEXTS or kind == SYSEX:
        return (<const BlobRow *>row).event
    if kind == OTHERS:
        return (<const EventRow *>row).event
    return (<const int32_t *>(row + 16))[0]     # the other rows keep it right after tick and time


cdef uint16_t _row_track(const char *row, int kind) noexcept:
    if kind == CONTROLS:
        return (<const ControlRow *>row).track
    if kind == PITCH_BENDS:
        return (<const PitchBendRow *>row).track
    if kind == PROGRAMS or kind == AFTERTOUCH:
        return (<const ChannelValueRow *>row).track
    if kind == POLYTOUCH:
        return (<const PolytouchRow *>row).track
    if kind == TEMPOS:
        return (<const TempoRow *>row).track
    if kind == TIME_SIGNATURES:
        return (<const TimeSignatureRow *>row).track
    if kind == KEY_SIGNATURES:
        return (<const KeySignatureRow *>row).track
    if kind == TEXTS or kind == SYSEX:
        return (<const BlobRow *>row).track
    return (<const EventRow *>row).track


cdef bint _is_end_of_track(const char *row) noexcept:
    return (<const EventRow *>row).status == 0xFF and (<const EventRow *>row).meta_type == 0x2F


cdef bint _same_off(_Writer writer, const Item *item, const Item *last) noexcept:
    """Whether two notes' note-offs are one event: the same event of the file, still at the same tick."""
    cdef const NoteRow *a = <const NoteRow *>(writer.rows[NOTES] + item.row * sizeof(NoteRow))
    cdef const NoteRow *b = <const NoteRow *>(writer.rows[NOTES] + last.row * sizeof(NoteRow))
    return (item.event >= 0 and item.event == last.event and item.tick == last.tick and a.channel == b.channel
            and a.pitch == b.pitch and a.off_velocity == b.off_velocity and a.off_note_on == b.off_note_on)
