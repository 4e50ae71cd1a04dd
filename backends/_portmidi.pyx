"""A thin binding to the PortMidi C library, for midox's PortMidi backend (``midox.backends.portmidi``).

What the backend uses, and what a program driving PortMidi devices directly needs besides:

- devices: ``get_devices()``, ``get_device_info()``, ``default_input_id()``, ``default_output_id()`` (``NO_DEVICE``
  when there is none), ``refresh()`` and ``open_stream_count()``;
- streams: ``open_input()``, ``open_output()`` and, with PortMidi 2 (``HAS_VIRTUAL``), ``open_virtual_input()``
  and ``open_virtual_output()`` give a ``Stream``. An input stream's ``read()`` returns the MIDI bytes it
  received (whole or partial messages, for a ``midox.Parser``), ``wait()`` waits for input with the GIL
  released and ``interrupt()`` ends such a wait; an output stream's ``write()`` sends one message, at a
  timestamp when the stream has a latency;
- errors: ``PortMidiError`` (an OSError), whose message is PortMidi's own text (followed by the host's text
  for a host error) and whose ``code`` is PortMidi's error number (``HOST_ERROR``, ``INVALID_DEVICE_ID``,
  ``BAD_PTR``, ``BUFFER_OVERFLOW``, ...).

PortMidi's filters and channel masks are left as PortMidi sets them (active sensing is filtered, as mido's
ports do), and there are no batched or aborted writes. PortMidi's event words are packed and unpacked by
``midox._core._pmevents``.

PortMidi is not thread safe, and on Linux all its streams share one ALSA sequencer handle: every call into
PortMidi made by this module holds one module-wide lock, taken with the GIL released, and no Python code
runs while that lock is held.

PortMidi is initialized on first use. ``refresh()`` re-initializes it, which is the only way to see devices
plugged in since, and does so only while no stream of this process is open.
"""
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.exc cimport PyErr_CheckSignals
from cpython.pythread cimport (
    PyThread_acquire_lock, PyThread_allocate_lock, PyThread_release_lock, PyThread_type_lock, WAIT_LOCK,
)
from libc.stdint cimport int64_t, uint32_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, strlen

from libportmidi cimport (
    MIDOX_PM_HAS_VIRTUAL, Pm_Close, Pm_CountDevices, Pm_GetDefaultInputDeviceID, Pm_GetDefaultOutputDeviceID,
    Pm_GetDeviceInfo, Pm_Initialize, Pm_OpenInput, Pm_OpenOutput, Pm_Poll, Pm_Read, Pm_Terminate,
    Pm_WriteShort, Pm_WriteSysEx, PmDeviceInfo, PmEvent, PmMessage, PmTimestamp, PortMidiStream,
    midox_pm_create_virtual, midox_pm_delete_virtual, midox_pm_error_text, midox_pm_is_virtual,
    midox_pm_now_us, midox_pm_sleep_us, pmBadPtr, pmBufferOverflow, pmHostError, pmInternalError,
    pmInvalidDeviceId, pmNoDevice,
)
from midox._core._pmevents cimport WORD_BYTES, pack_message, unpack_word

__all__ = [
    "DEFAULT_INPUT_BUFFER_SIZE",
    "HAS_VIRTUAL",
    "PortMidiError",
    "Stream",
    "default_input_id",
    "default_output_id",
    "get_device_info",
    "get_devices",
    "open_input",
    "open_output",
    "open_stream_count",
    "open_virtual_input",
    "open_virtual_output",
    "refresh",
]

#: True when virtual devices can be created (PortMidi 2; PortMidi reports an error where the system cannot).
HAS_VIRTUAL = bool(MIDOX_PM_HAS_VIRTUAL)
#: How many events an input stream buffers by default (mido's choice).
DEFAULT_INPUT_BUFFER_SIZE = 1000

# PortMidi error codes (PmError), for PortMidiError.code.
HOST_ERROR = pmHostError
INVALID_DEVICE_ID = pmInvalidDeviceId
BAD_PTR = pmBadPtr
BUFFER_OVERFLOW = pmBufferOverflow
#: PortMidi's "no device" id (what default_input_id() returns when there is no default).
NO_DEVICE = pmNoDevice

cdef enum:
    # The buffers on the C stack of one read(): READ_EVENTS events per Pm_Read, at most READ_CALLS calls.
    READ_EVENTS = 256
    READ_CALLS = 4
    READ_BYTES = READ_EVENTS * READ_CALLS * WORD_BYTES
    TEXT_SIZE = 512
    # wait(): how long to sleep between polls, and how often to come back for Python's signal handlers.
    POLL_INTERVAL_US = 500
    SIGNAL_CHECK_US = 50000
    # The largest buffer size accepted (PortMidi allocates it up front).
    MAX_BUFFER_SIZE = 1 << 22

_NOT_VIRTUAL_TEXT = (
    "virtual ports need PortMidi 2.0 or newer, and midox's PortMidi binding was built against PortMidi 217 "
    "(install PortMidi 2 and reinstall midox, or use the rtmidi backend)"
)


class PortMidiError(OSError):
    """A PortMidi call failed. The message is PortMidi's text; ``code`` is PortMidi's error number (PmError)."""

    code = None


cdef object _error(int code, str message):
    error = PortMidiError(message)
    error.code = code
    return error


cdef object _error_from_text(int code, const char *text):
    return _error(code, text.decode("utf-8", "replace"))


# ---- the lock and library state --------------------------------------------------------------------------------

# One lock for every PortMidi call. It is only ever taken with the GIL released and only C code runs while it is
# held, so it cannot deadlock with the GIL or with itself (no Python code, no finalizer, runs under it).
cdef PyThread_type_lock _pm_lock = PyThread_allocate_lock()
if _pm_lock == NULL:
    raise MemoryError("cannot allocate the PortMidi lock")

# Written only with the lock held.
cdef bint _initialized = False
# Streams open plus virtual devices created and not deleted: PortMidi may only be re-initialized at 0.
cdef int _live = 0


cdef inline void _lock() noexcept nogil:
    PyThread_acquire_lock(_pm_lock, WAIT_LOCK)


cdef inline void _unlock() noexcept nogil:
    PyThread_release_lock(_pm_lock)


cdef inline int _initialize_locked(char *text) noexcept nogil:
    """Initialize PortMidi if it is not; call with the lock held. Return 0 or a PmError (text filled in)."""
    global _initialized
    cdef int err
    if _initialized:
        return 0
    err = <int>Pm_Initialize()
    if err < 0:
        midox_pm_error_text(err, text, TEXT_SIZE)
        return err
    _initialized = True
    return 0


cdef int _ensure_initialized() except -1:
    cdef char text[TEXT_SIZE]
    cdef int err
    with nogil:
        _lock()
        err = _initialize_locked(text)
        _unlock()
    if err < 0:
        raise _error_from_text(err, text)
    return 0


def refresh():
    """Re-initialize PortMidi so that the device list is current, if nothing is open.

    PortMidi scans for devices only when it is initialized. This terminates and initializes it again, but only
    when no stream opened by this module is open, no virtual device created by it exists and PortMidi reports
    no device as opened (by another user of the library in this process): re-initializing would break those.
    Return True if the devices were scanned (PortMidi initialized or re-initialized).
    """
    global _initialized
    cdef char text[TEXT_SIZE]
    cdef int err = 0
    cdef bint refreshed = False
    cdef bint busy = False
    cdef int count, i
    cdef const PmDeviceInfo *info
    cdef bint fresh
    with nogil:
        _lock()
        fresh = not _initialized
        err = _initialize_locked(text)
        if fresh:
            refreshed = err == 0         # it has just scanned the devices
        elif err == 0 and _live == 0:
            count = Pm_CountDevices()
            for i in range(count):
                info = Pm_GetDeviceInfo(i)
                if info != NULL and info.opened:
                    busy = True
                    break
            if not busy:
                Pm_Terminate()
                _initialized = False
                err = _initialize_locked(text)
                refreshed = err == 0
        _unlock()
    if err < 0:
        raise _error_from_text(err, text)
    return refreshed


def open_stream_count():
    """Return how many streams (and virtual devices) this module has open."""
    cdef int live
    with nogil:
        _lock()
        live = _live
        _unlock()
    return live


# ---- devices ---------------------------------------------------------------------------------------------------

cdef enum Query:
    COUNT_DEVICES
    DEFAULT_INPUT
    DEFAULT_OUTPUT


cdef int _query(Query what) except? -2:
    """Ask PortMidi for its device count or a default device id (initializing it first)."""
    cdef int answer
    _ensure_initialized()
    with nogil:
        _lock()
        if what == COUNT_DEVICES:
            answer = Pm_CountDevices()
        elif what == DEFAULT_INPUT:
            answer = Pm_GetDefaultInputDeviceID()
        else:
            answer = Pm_GetDefaultOutputDeviceID()
        _unlock()
    return answer


cdef char *_copy_string(const char *text) noexcept nogil:
    """Return a malloc'ed copy of text (NULL stays NULL); NULL also when memory runs out."""
    cdef size_t size
    cdef char *copy
    if text == NULL:
        return NULL
    size = strlen(text) + 1
    copy = <char *>malloc(size)
    if copy != NULL:
        memcpy(copy, text, size)
    return copy


def get_device_info(int device_id):
    """Return a dict describing a device, or None if there is no device with that id.

    The keys are ``id``, ``interface``, ``name``, ``is_input``, ``is_output``, ``opened`` and ``is_virtual``
    (always False with PortMidi 217).
    """
    cdef const PmDeviceInfo *info
    cdef char *interface = NULL
    cdef char *name = NULL
    cdef bint found = False, is_input = False, is_output = False, opened = False, is_virtual = False
    cdef bint no_memory = False
    _ensure_initialized()
    with nogil:
        _lock()
        info = Pm_GetDeviceInfo(device_id)
        if info != NULL:
            # Copied under the lock: the strings belong to PortMidi and go away when it is re-initialized.
            found = True
            interface = _copy_string(info.interf)
            name = _copy_string(info.name)
            no_memory = (info.interf != NULL and interface == NULL) or (info.name != NULL and name == NULL)
            is_input = info.input != 0
            is_output = info.output != 0
            opened = info.opened != 0
            is_virtual = midox_pm_is_virtual(info) != 0
        _unlock()
    try:
        if no_memory:
            raise MemoryError()
        if not found:
            return None
        return {
            "id": device_id,
            "interface": interface.decode("utf-8", "replace") if interface != NULL else "",
            "name": name.decode("utf-8", "replace") if name != NULL else "",
            "is_input": is_input,
            "is_output": is_output,
            "opened": opened,
            "is_virtual": is_virtual,
        }
    finally:
        free(interface)
        free(name)


def get_devices():
    """Return the dicts of get_device_info() for every device, in id order (deleted virtual devices left out)."""
    devices = []
    for device_id in range(_query(COUNT_DEVICES)):
        info = get_device_info(device_id)
        if info is not None:
            devices.append(info)
    return devices


def default_input_id():
    """Return the id of the default input device, or NO_DEVICE (-1) if there is none."""
    return _query(DEFAULT_INPUT)


def default_output_id():
    """Return the id of the default output device, or NO_DEVICE (-1) if there is none."""
    return _query(DEFAULT_OUTPUT)


# ---- streams ---------------------------------------------------------------------------------------------------

cdef int _check_size(str what, long value, long minimum) except -1:
    if value < minimum or value > MAX_BUFFER_SIZE:
        raise ValueError(f"{what} must be in range {minimum}..{MAX_BUFFER_SIZE}, not {value}")
    return 0


cdef bytes _encode_name(object name, str what):
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, not {type(name).__name__}")
    encoded = (<str>name).encode("utf-8")
    if b"\0" in encoded:
        raise ValueError(f"{what} must not contain NUL characters")
    return encoded


# ---- what Stream._call runs under the lock -----------------------------------------------------------------------

ctypedef int (*StreamCall)(PortMidiStream *stream, void *job) noexcept nogil


cdef struct ReadJob:
    unsigned char *out          # READ_BYTES long
    Py_ssize_t length           # bytes written to out
    int *in_sysex               # the stream's sysex state, carried from one read to the next


cdef int _read_locked(PortMidiStream *stream, void *job) noexcept nogil:
    """Read up to READ_CALLS * READ_EVENTS events into the job's buffer. Return 0, or Pm_Read's PmError if it
    failed before anything was read (after some data the data is returned; the error comes again, or not, on
    the next read)."""
    cdef ReadJob *state = <ReadJob *>job
    cdef PmEvent events[READ_EVENTS]
    cdef int count, calls, i
    cdef Py_ssize_t written
    for calls in range(READ_CALLS):
        count = Pm_Read(stream, events, READ_EVENTS)
        if count < 0:
            if count == <int>pmBufferOverflow:
                state.in_sysex[0] = 0        # PortMidi flushed its buffer, the rest of a sysex message included
            return count if state.length == 0 else 0
        for i in range(count):
            written = unpack_word(<uint32_t>events[i].message, state.out + state.length, READ_BYTES - state.length,
                                  state.in_sysex)
            if written < 0:
                return <int>pmInternalError     # cannot happen: out holds WORD_BYTES for every event read
            state.length += written
        if count < READ_EVENTS:
            break
    return 0


cdef struct WriteJob:
    uint32_t word               # a short message, packed
    unsigned char *sysex        # or a sysex message, F0 to F7 (NULL for a short message)
    PmTimestamp when


cdef int _write_locked(PortMidiStream *stream, void *job) noexcept nogil:
    cdef WriteJob *message = <WriteJob *>job
    if message.sysex != NULL:
        return <int>Pm_WriteSysEx(stream, message.when, message.sysex)
    return <int>Pm_WriteShort(stream, message.when, <PmMessage>message.word)


cdef class Stream:
    """An open PortMidi stream: an input or an output device, or a virtual device of this process.

    Made by open_input(), open_output(), open_virtual_input() and open_virtual_output(). Closing it (close(),
    or when it is garbage collected) closes the device, and deletes it if it is virtual. All methods may be
    called from any thread; close() ends a wait() in another thread.
    """

    cdef PortMidiStream *_stream
    cdef int _in_sysex
    cdef unsigned int _wakeups       # interrupt() count, under the lock
    cdef readonly int device_id
    cdef readonly bint is_input
    cdef readonly bint virtual

    def __cinit__(self, *args, **kwargs):
        # *args, **kwargs: Cython's argument handling of a __cinit__(self) offsets a NULL argument pointer,
        # which UBSan reports (tools/sanitize.sh); this signature's does not. __init__ refuses arguments anyway.
        self._stream = NULL
        self._in_sysex = 0
        self._wakeups = 0
        self.device_id = pmNoDevice
        self.is_input = False
        self.virtual = False

    def __init__(self):
        raise TypeError("Stream objects are made by open_input(), open_output() and their virtual variants")

    def __dealloc__(self):
        cdef char text[TEXT_SIZE]
        if self._stream != NULL:
            with nogil:
                self._close_locked(text)

    @property
    def is_output(self):
        """True for an output stream."""
        return not self.is_input

    @property
    def closed(self):
        """True once the stream is closed."""
        return self._stream == NULL

    def __repr__(self):
        kind = "input" if self.is_input else "output"
        state = "closed" if self._stream == NULL else "open"
        virtual = " virtual" if self.virtual else ""
        return f"<{state} PortMidi{virtual} {kind} stream, device {self.device_id}>"

    cdef int _close_locked(self, char *text) noexcept nogil:
        """Close the stream; take the lock, return 0 or a PmError (text filled in)."""
        global _live
        cdef int err = 0, err2
        text[0] = 0
        _lock()
        if self._stream != NULL:
            err = <int>Pm_Close(self._stream)
            # PortMidi frees the stream even when it reports an error: never pass it in again.
            self._stream = NULL
            _live -= 1
            if err < 0:
                midox_pm_error_text(err, text, TEXT_SIZE)
            if self.virtual:
                err2 = midox_pm_delete_virtual(self.device_id)
                _live -= 1
                if err2 < 0 and err >= 0:
                    err = err2
                    midox_pm_error_text(err, text, TEXT_SIZE)
        _unlock()
        return err

    def close(self):
        """Close the stream (and delete its virtual device). Closing a closed stream does nothing."""
        cdef char text[TEXT_SIZE]
        cdef int err
        with nogil:
            err = self._close_locked(text)
        if err < 0:
            raise _error_from_text(err, text)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    cdef int _check_direction(self, bint want_input) except -1:
        if want_input and not self.is_input:
            raise ValueError("not an input stream")
        if not want_input and self.is_input:
            raise ValueError("not an output stream")
        return 0

    cdef int _call(self, StreamCall call, void *job) except -1:
        """Run call(stream, job) with the lock held; raise PortMidiError if the stream is closed or call
        returns a PmError (< 0). PortMidi's text is taken under the lock, while the host error is still call's."""
        cdef char text[TEXT_SIZE]
        cdef int err = 0
        cdef bint closed = False
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                err = call(self._stream, job)
                if err < 0:
                    midox_pm_error_text(err, text, TEXT_SIZE)
            _unlock()
        if closed:
            raise _error(pmBadPtr, "the PortMidi stream is closed")
        if err < 0:
            raise _error_from_text(err, text)
        return err

    # -- input

    def read(self):
        """Read what input is waiting and return it as MIDI bytes (b'' if there is none).

        Short messages give exactly their bytes, sysex messages their bytes up to F7 (over several reads when
        they are long), and real-time messages that arrived inside a sysex message come where PortMidi put
        them: feed the result to a midox.Parser. Reads at most 1024 events at a time.
        Raises PortMidiError if PortMidi fails, e.g. with BUFFER_OVERFLOW when input was lost because it
        was not read in time (PortMidi then drops what it had buffered, and reading can go on).
        """
        cdef unsigned char out[READ_BYTES]
        cdef ReadJob job
        self._check_direction(True)
        job.out = out
        job.length = 0
        job.in_sysex = &self._in_sysex
        self._call(_read_locked, &job)
        return PyBytes_FromStringAndSize(<char *>out, job.length)

    def interrupt(self):
        """Make every wait() in progress on this stream return False now (from any thread)."""
        with nogil:
            _lock()
            self._wakeups += 1
            _unlock()

    def wait(self, timeout=None):
        """Wait until input is waiting to be read, the stream is closed, or timeout seconds have passed.

        Return True if input is waiting, False otherwise (timeout, the stream closed or interrupt() called,
        by another thread too). The GIL is released while waiting: PortMidi has no blocking read, so the
        stream is polled every half millisecond. timeout None waits for ever; signal handlers
        (KeyboardInterrupt) still run.
        """
        cdef char text[TEXT_SIZE]
        cdef int64_t start, deadline = -1, slice_end, now
        cdef int result = 0
        cdef bint closed = False, timed_out = False, interrupted = False
        cdef unsigned int wakeups
        self._check_direction(True)
        with nogil:
            _lock()
            wakeups = self._wakeups
            _unlock()
        if timeout is not None:
            seconds = float(timeout)
            if seconds != seconds:
                raise ValueError("timeout must be a number of seconds, not NaN")
            if seconds < 0:
                seconds = 0.0
            if seconds > 1e9:
                seconds = 1e9
        start = midox_pm_now_us()
        if timeout is not None:
            deadline = start + <int64_t>(seconds * 1e6)
        while True:
            with nogil:
                now = midox_pm_now_us()
                slice_end = now + SIGNAL_CHECK_US
                if deadline >= 0 and deadline < slice_end:
                    slice_end = deadline
                while True:
                    _lock()
                    if self._stream == NULL:
                        closed = True
                    elif self._wakeups != wakeups:
                        interrupted = True
                    else:
                        result = <int>Pm_Poll(self._stream)
                        if result < 0:
                            midox_pm_error_text(result, text, TEXT_SIZE)
                    _unlock()
                    if closed or interrupted or result != 0:
                        break
                    now = midox_pm_now_us()
                    if now >= slice_end:
                        timed_out = deadline >= 0 and now >= deadline
                        break
                    midox_pm_sleep_us(POLL_INTERVAL_US)
            if result < 0:
                raise _error_from_text(result, text)
            if result > 0:
                return True
            if closed or interrupted or timed_out:
                return False
            PyErr_CheckSignals()

    # -- output

    def write(self, data, int timestamp=0):
        """Write one complete MIDI message given as bytes: a sysex message (F0, data bytes, F7), or a 1 to 3
        byte message. timestamp (PortMidi's milliseconds) only matters for a stream opened with a latency."""
        self._check_direction(False)
        cdef bytes message = bytes(data)
        cdef WriteJob job
        job.when = timestamp
        job.sysex = NULL
        if pack_message(<const unsigned char *>PyBytes_AS_STRING(message), len(message), &job.word) == 0:
            # A private, immutable copy: Pm_WriteSysEx reads up to its F7 and no further.
            job.sysex = <unsigned char *>PyBytes_AS_STRING(message)
        self._call(_write_locked, &job)


cdef Stream _open(int device_id, bint is_input, int buffer_size, int latency, const char *virtual_name,
                  const char *interface, bint virtual):
    global _live
    cdef Stream stream = Stream.__new__(Stream)
    cdef PortMidiStream *handle = NULL
    cdef char text[TEXT_SIZE]
    cdef int err = 0
    text[0] = 0
    with nogil:
        _lock()
        err = _initialize_locked(text)
        if err == 0 and virtual:
            device_id = midox_pm_create_virtual(is_input, virtual_name, interface)
            if device_id < 0:
                err = device_id
                midox_pm_error_text(err, text, TEXT_SIZE)
            else:
                _live += 1
        if err == 0:
            if is_input:
                err = <int>Pm_OpenInput(&handle, device_id, NULL, buffer_size, NULL, NULL)
            else:
                err = <int>Pm_OpenOutput(&handle, device_id, NULL, buffer_size, NULL, NULL, latency)
            if err < 0:
                midox_pm_error_text(err, text, TEXT_SIZE)
                if virtual:
                    midox_pm_delete_virtual(device_id)
                    _live -= 1
            else:
                stream._stream = handle
                _live += 1
        _unlock()
    if err < 0:
        raise _error_from_text(err, text)
    stream.device_id = device_id
    stream.is_input = is_input
    stream.virtual = virtual
    return stream


def open_input(int device_id, int buffer_size=DEFAULT_INPUT_BUFFER_SIZE):
    """Open an input device and return its Stream.

    buffer_size is how many events PortMidi keeps until they are read: input beyond that is lost (read()
    then raises BUFFER_OVERFLOW once).
    """
    _check_size("buffer_size", buffer_size, 1)
    return _open(device_id, True, buffer_size, 0, NULL, NULL, False)


def open_output(int device_id, int buffer_size=0, int latency=0):
    """Open an output device and return its Stream.

    latency is in milliseconds: 0 sends every message at once (timestamps are ignored); otherwise a message
    is sent at its timestamp plus latency, on PortMidi's millisecond clock. buffer_size (events) only matters
    with a latency; 0 means PortMidi's default.
    """
    _check_size("buffer_size", buffer_size, 0)
    if latency < 0:
        raise ValueError(f"latency must not be negative, not {latency}")
    return _open(device_id, False, buffer_size, latency, NULL, NULL, False)


def _open_virtual(name, interface, bint is_input, int buffer_size, int latency):
    if not MIDOX_PM_HAS_VIRTUAL:
        raise _error(pmInvalidDeviceId, _NOT_VIRTUAL_TEXT)
    cdef bytes encoded_name = _encode_name(name, "virtual port name")
    cdef bytes encoded_interface = None if interface is None else _encode_name(interface, "interface")
    cdef const char *interface_ptr = NULL
    if encoded_interface is not None:
        interface_ptr = encoded_interface
    return _open(pmNoDevice, is_input, buffer_size, latency, encoded_name, interface_ptr, True)


def open_virtual_input(name, interface=None, int buffer_size=DEFAULT_INPUT_BUFFER_SIZE):
    """Create a virtual device that other programs send to, open it for input and return the Stream.

    interface names the system API ("ALSA", "CoreMIDI"); None means PortMidi's first. Closing the stream
    deletes the device. Needs PortMidi 2 (HAS_VIRTUAL); raises PortMidiError otherwise.
    """
    _check_size("buffer_size", buffer_size, 1)
    return _open_virtual(name, interface, True, buffer_size, 0)


def open_virtual_output(name, interface=None, int buffer_size=0, int latency=0):
    """Create a virtual device that other programs receive from, open it for output and return the Stream.

    As open_virtual_input(); see open_output() for buffer_size and latency.
    """
    _check_size("buffer_size", buffer_size, 0)
    if latency < 0:
        raise ValueError(f"latency must not be negative, not {latency}")
    return _open_virtual(name, interface, False, buffer_size, latency)
