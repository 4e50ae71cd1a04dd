"""A thin binding to the PortMidi C library, for midox's PortMidi backend (``midox.backends.portmidi``).

Devices are listed with ``get_devices()``; ``open_input()`` and ``open_output()`` open a device as a
``Stream``. Input streams give the MIDI bytes they received with ``read()`` (a bytes object of whole or
partial messages, for a ``midox.Parser``) and wait for input with ``wait()``, which releases the GIL;
output streams take one message at a time with ``write()``.

PortMidi is not thread safe, and on Linux all its streams share one ALSA sequencer handle: every call into
PortMidi made by this module holds one module-wide lock, taken with the GIL released, and no Python code
runs while that lock is held. Failed PortMidi calls raise ``PortMidiError`` (an OSError) whose message is
PortMidi's own text, followed by the host's text for a host error.

PortMidi is initialized on first use. ``refresh()`` re-initializes it, which is the only way to see devices
plugged in since, and does so only while no stream of this process is open.

Virtual devices (``open_virtual_input()``, ``open_virtual_output()``) need PortMidi 2; ``HAS_VIRTUAL`` tells
whether this binding was built with them.
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
    MIDOX_PM_HAS_VIRTUAL, MIDOX_PM_V2, PM_DEFAULT_SYSEX_BUFFER_SIZE, PM_FILT_ACTIVE, PM_FILT_AFTERTOUCH,
    PM_FILT_CHANNEL_AFTERTOUCH, PM_FILT_CLOCK, PM_FILT_CONTROL, PM_FILT_FD, PM_FILT_MTC, PM_FILT_NOTE,
    PM_FILT_PITCHBEND, PM_FILT_PLAY, PM_FILT_POLY_AFTERTOUCH, PM_FILT_PROGRAM, PM_FILT_REALTIME, PM_FILT_RESET,
    PM_FILT_SONG_POSITION, PM_FILT_SONG_SELECT, PM_FILT_SYSEX, PM_FILT_SYSTEMCOMMON, PM_FILT_TICK, PM_FILT_TUNE,
    Pm_Abort, Pm_Close, Pm_CountDevices, Pm_GetDefaultInputDeviceID, Pm_GetDefaultOutputDeviceID,
    Pm_GetDeviceInfo, Pm_GetErrorText, Pm_Initialize, Pm_OpenInput, Pm_OpenOutput, Pm_Poll, Pm_Read,
    Pm_SetChannelMask, Pm_SetFilter, Pm_Terminate, Pm_Write, Pm_WriteShort, Pm_WriteSysEx, PmDeviceInfo, PmError,
    PmEvent, PmMessage, PmTimestamp, PortMidiStream, midox_pm_create_virtual, midox_pm_delete_virtual,
    midox_pm_error_text, midox_pm_is_virtual, midox_pm_message_length, midox_pm_now_us, midox_pm_sleep_us,
    midox_pm_unpack, pmBadPtr, pmBufferOverflow, pmHostError, pmInvalidDeviceId, pmNoDevice,
)

__all__ = [
    "DEFAULT_INPUT_BUFFER_SIZE",
    "HAS_VIRTUAL",
    "PORTMIDI_2",
    "PortMidiError",
    "Stream",
    "count_devices",
    "default_input_id",
    "default_output_id",
    "error_text",
    "get_device_info",
    "get_devices",
    "open_input",
    "open_output",
    "open_stream_count",
    "open_virtual_input",
    "open_virtual_output",
    "refresh",
    "unpack_events",
]

#: True when this binding was built against PortMidi 2 (its header), False for PortMidi 217.
PORTMIDI_2 = bool(MIDOX_PM_V2)
#: True when virtual devices can be created (PortMidi 2; PortMidi reports an error where the system cannot).
HAS_VIRTUAL = bool(MIDOX_PM_HAS_VIRTUAL)
#: How many events an input stream buffers by default (mido's choice).
DEFAULT_INPUT_BUFFER_SIZE = 1000
#: PortMidi's PM_DEFAULT_SYSEX_BUFFER_SIZE.
DEFAULT_SYSEX_BUFFER_SIZE = PM_DEFAULT_SYSEX_BUFFER_SIZE

# PortMidi error codes (PmError), for PortMidiError.code.
HOST_ERROR = pmHostError
INVALID_DEVICE_ID = pmInvalidDeviceId
BAD_PTR = pmBadPtr
BUFFER_OVERFLOW = pmBufferOverflow
#: PortMidi's "no device" id (what default_input_id() returns when there is no default).
NO_DEVICE = pmNoDevice

# Input filters for Stream.set_filter() (PortMidi's PM_FILT_*). PortMidi filters FILT_ACTIVE by default.
FILT_ACTIVE = PM_FILT_ACTIVE
FILT_SYSEX = PM_FILT_SYSEX
FILT_CLOCK = PM_FILT_CLOCK
FILT_PLAY = PM_FILT_PLAY
FILT_TICK = PM_FILT_TICK
FILT_FD = PM_FILT_FD
FILT_RESET = PM_FILT_RESET
FILT_REALTIME = PM_FILT_REALTIME
FILT_NOTE = PM_FILT_NOTE
FILT_CHANNEL_AFTERTOUCH = PM_FILT_CHANNEL_AFTERTOUCH
FILT_POLY_AFTERTOUCH = PM_FILT_POLY_AFTERTOUCH
FILT_AFTERTOUCH = PM_FILT_AFTERTOUCH
FILT_PROGRAM = PM_FILT_PROGRAM
FILT_CONTROL = PM_FILT_CONTROL
FILT_PITCHBEND = PM_FILT_PITCHBEND
FILT_MTC = PM_FILT_MTC
FILT_SONG_POSITION = PM_FILT_SONG_POSITION
FILT_SONG_SELECT = PM_FILT_SONG_SELECT
FILT_TUNE = PM_FILT_TUNE
FILT_SYSTEMCOMMON = PM_FILT_SYSTEMCOMMON

cdef enum:
    # The buffers on the C stack of one read(): READ_EVENTS events per Pm_Read, at most READ_CALLS calls.
    READ_EVENTS = 256
    READ_CALLS = 4
    READ_BYTES = READ_EVENTS * READ_CALLS * 4
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


cdef int _check_call(bint closed, int result, const char *text) except -1:
    """Raise for a stream call made under the lock: the stream was closed, or PortMidi failed (text)."""
    if closed:
        raise _error(pmBadPtr, "the PortMidi stream is closed")
    if result < 0:
        raise _error_from_text(result, text)
    return 0


def error_text(int code):
    """Return PortMidi's text for an error number (Pm_GetErrorText)."""
    cdef const char *text = Pm_GetErrorText(<PmError>code)
    if text == NULL:
        return ""
    return text.decode("utf-8", "replace")


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

def count_devices():
    """Return the number of devices (Pm_CountDevices). Ids run from 0 to count_devices() - 1."""
    cdef int count
    _ensure_initialized()
    with nogil:
        _lock()
        count = Pm_CountDevices()
        _unlock()
    return count


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
    for device_id in range(count_devices()):
        info = get_device_info(device_id)
        if info is not None:
            devices.append(info)
    return devices


def default_input_id():
    """Return the id of the default input device, or NO_DEVICE (-1) if there is none."""
    cdef int device_id
    _ensure_initialized()
    with nogil:
        _lock()
        device_id = Pm_GetDefaultInputDeviceID()
        _unlock()
    return device_id


def default_output_id():
    """Return the id of the default output device, or NO_DEVICE (-1) if there is none."""
    cdef int device_id
    _ensure_initialized()
    with nogil:
        _lock()
        device_id = Pm_GetDefaultOutputDeviceID()
        _unlock()
    return device_id


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

    def __cinit__(self):
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

    # -- input

    def poll(self):
        """Return True if input is waiting to be read (Pm_Poll)."""
        cdef char text[TEXT_SIZE]
        cdef int result = 0
        cdef bint closed = False
        self._check_direction(True)
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                result = <int>Pm_Poll(self._stream)
                if result < 0:
                    midox_pm_error_text(result, text, TEXT_SIZE)
            _unlock()
        _check_call(closed, result, text)
        return result > 0

    def read(self):
        """Read what input is waiting and return it as MIDI bytes (b'' if there is none).

        Short messages give exactly their bytes, sysex messages their bytes up to F7 (over several reads when
        they are long), and real-time messages that arrived inside a sysex message come where PortMidi put
        them: feed the result to a midox.Parser. Reads at most 1024 events at a time.
        Raises PortMidiError if PortMidi fails, e.g. with BUFFER_OVERFLOW when input was lost because it
        was not read in time (PortMidi then drops what it had buffered, and reading can go on).
        """
        cdef PmEvent events[READ_EVENTS]
        cdef unsigned char out[READ_BYTES]
        cdef char text[TEXT_SIZE]
        cdef size_t length = 0
        cdef ptrdiff_t unpacked
        cdef int count = 0, calls = 0
        cdef bint closed = False, overflowed = False
        text[0] = 0
        self._check_direction(True)
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                while calls < READ_CALLS:
                    calls += 1
                    count = Pm_Read(self._stream, events, READ_EVENTS)
                    if count < 0:
                        midox_pm_error_text(count, text, TEXT_SIZE)
                        if count == <int>pmBufferOverflow:
                            # PortMidi flushed its buffer, the rest of a sysex message included.
                            self._in_sysex = 0
                        break
                    if count == 0:
                        break
                    # At most 4 bytes per event, and READ_CALLS * READ_EVENTS events fit in out.
                    unpacked = midox_pm_unpack(events, <size_t>count, out + length, READ_BYTES - length,
                                               &self._in_sysex)
                    if unpacked < 0:
                        overflowed = True
                        break
                    length += <size_t>unpacked
                    if count < READ_EVENTS:
                        break
            _unlock()
        if closed:
            raise _error(pmBadPtr, "the PortMidi stream is closed")
        if overflowed:
            raise RuntimeError("PortMidi events did not fit the read buffer")  # cannot happen: 4 bytes per event
        if count < 0 and length == 0:
            raise _error_from_text(count, text)
        # An error after some data: return the data; the error comes again (or not) on the next read.
        return PyBytes_FromStringAndSize(<char *>out, <Py_ssize_t>length)

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

    def set_filter(self, int filters):
        """Drop the input types given by FILT_* flags (Pm_SetFilter); PortMidi drops active sensing by default."""
        cdef char text[TEXT_SIZE]
        cdef int err = 0
        cdef bint closed = False
        self._check_direction(True)
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                err = <int>Pm_SetFilter(self._stream, filters)
                if err < 0:
                    midox_pm_error_text(err, text, TEXT_SIZE)
            _unlock()
        _check_call(closed, err, text)

    def set_channel_mask(self, int mask):
        """Receive channel messages only on the channels whose bit is set (bit 0 is channel 0)."""
        cdef char text[TEXT_SIZE]
        cdef int err = 0
        cdef bint closed = False
        self._check_direction(True)
        if mask < 0 or mask > 0xFFFF:
            raise ValueError(f"channel mask must be in range 0..0xFFFF, not {mask}")
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                err = <int>Pm_SetChannelMask(self._stream, mask)
                if err < 0:
                    midox_pm_error_text(err, text, TEXT_SIZE)
            _unlock()
        _check_call(closed, err, text)

    # -- output

    cdef int _write_short_checked(self, uint32_t message, PmTimestamp timestamp) except -1:
        cdef char text[TEXT_SIZE]
        cdef int err = 0
        cdef bint closed = False
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                err = <int>Pm_WriteShort(self._stream, timestamp, <PmMessage>message)
                if err < 0:
                    midox_pm_error_text(err, text, TEXT_SIZE)
            _unlock()
        _check_call(closed, err, text)
        return 0

    cdef int _write_sysex_checked(self, bytes message, PmTimestamp timestamp) except -1:
        # message is a private, immutable copy that starts with F0, ends with F7 and holds only data bytes
        # between: Pm_WriteSysEx reads up to the F7 and no further.
        cdef unsigned char *data = <unsigned char *>PyBytes_AS_STRING(message)
        cdef char text[TEXT_SIZE]
        cdef int err = 0
        cdef bint closed = False
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                err = <int>Pm_WriteSysEx(self._stream, timestamp, data)
                if err < 0:
                    midox_pm_error_text(err, text, TEXT_SIZE)
            _unlock()
        _check_call(closed, err, text)
        return 0

    def write_short(self, message, int timestamp=0):
        """Write a short message packed as PortMidi packs it (status | data1 << 8 | data2 << 16)."""
        self._check_direction(False)
        if not 0 <= message <= 0xFFFFFF:
            raise ValueError(f"a packed short message must be in range 0..0xFFFFFF, not {message}")
        self._write_short_checked(<uint32_t>message, timestamp)

    def write_sysex(self, data, int timestamp=0):
        """Write a sysex message: bytes from F0 to F7, with only data bytes (0..127) between."""
        self._check_direction(False)
        cdef bytes message = bytes(data)
        cdef Py_ssize_t size = len(message)
        cdef const unsigned char *raw = <const unsigned char *>PyBytes_AS_STRING(message)
        cdef Py_ssize_t i
        if size < 2 or raw[0] != 0xF0 or raw[size - 1] != 0xF7:
            raise ValueError("a sysex message must start with F0 and end with F7")
        for i in range(1, size - 1):
            if raw[i] >= 0x80:
                raise ValueError(f"sysex data byte {raw[i]:#04x} at index {i} is not in range 0..127")
        self._write_sysex_checked(message, timestamp)

    def write(self, data, int timestamp=0):
        """Write one complete MIDI message given as bytes (a sysex message, or a 1 to 3 byte message)."""
        self._check_direction(False)
        cdef bytes message = bytes(data)
        cdef Py_ssize_t size = len(message)
        cdef const unsigned char *raw = <const unsigned char *>PyBytes_AS_STRING(message)
        cdef Py_ssize_t i
        cdef uint32_t packed = 0
        if size == 0:
            raise ValueError("cannot write an empty message")
        if raw[0] == 0xF0:
            self.write_sysex(message, timestamp)
            return
        if raw[0] < 0x80 or raw[0] == 0xF7:
            raise ValueError(f"a message must start with a status byte other than F7, not {raw[0]:#04x}")
        if size != midox_pm_message_length(raw[0]):
            raise ValueError(f"a message with status {raw[0]:#04x} has {midox_pm_message_length(raw[0])} "
                             f"bytes, not {size}")
        for i in range(size):
            if i > 0 and raw[i] >= 0x80:
                raise ValueError(f"data byte {raw[i]:#04x} at index {i} is not in range 0..127")
            packed |= (<uint32_t>raw[i]) << (8 * i)
        self._write_short_checked(packed, timestamp)

    def write_events(self, events):
        """Write (message, timestamp) pairs with one Pm_Write call; message is packed as for write_short()."""
        self._check_direction(False)
        cdef list items = list(events)
        cdef Py_ssize_t count = len(items), i
        cdef PmEvent *buffer
        cdef char text[TEXT_SIZE]
        cdef int err = 0
        cdef bint closed = False
        if count == 0:
            return
        if count > MAX_BUFFER_SIZE:
            raise ValueError(f"at most {MAX_BUFFER_SIZE} events can be written at once")
        buffer = <PmEvent *>malloc(<size_t>count * sizeof(PmEvent))
        if buffer == NULL:
            raise MemoryError()
        try:
            for i in range(count):
                message, timestamp = items[i]
                if not 0 <= message <= 0xFFFFFFFF:
                    raise ValueError(f"an event message must be in range 0..0xFFFFFFFF, not {message}")
                buffer[i].message = <PmMessage><uint32_t>message
                buffer[i].timestamp = <PmTimestamp>timestamp
            with nogil:
                _lock()
                if self._stream == NULL:
                    closed = True
                else:
                    err = <int>Pm_Write(self._stream, buffer, <int>count)
                    if err < 0:
                        midox_pm_error_text(err, text, TEXT_SIZE)
                _unlock()
        finally:
            free(buffer)
        _check_call(closed, err, text)

    def abort(self):
        """Stop output at once (Pm_Abort), possibly in the middle of a message; close the stream next."""
        cdef char text[TEXT_SIZE]
        cdef int err = 0
        cdef bint closed = False
        self._check_direction(False)
        with nogil:
            _lock()
            if self._stream == NULL:
                closed = True
            else:
                err = <int>Pm_Abort(self._stream)
                if err < 0:
                    midox_pm_error_text(err, text, TEXT_SIZE)
            _unlock()
        _check_call(closed, err, text)


def unpack_events(messages, bint in_sysex=False):
    """Unpack PmEvent message words as Stream.read() does; return (MIDI bytes, still inside sysex).

    For tests and for code that gets PortMidi events elsewhere (e.g. pygame.midi): messages is an iterable
    of 32-bit words, in_sysex says whether a sysex message is in progress before the first.
    """
    cdef list words = list(messages)
    cdef Py_ssize_t count = len(words), i
    cdef PmEvent *events = NULL
    cdef unsigned char *out = NULL
    cdef int state = 1 if in_sysex else 0
    cdef ptrdiff_t length
    if count == 0:
        return b"", bool(in_sysex)
    if count > MAX_BUFFER_SIZE:
        raise ValueError(f"at most {MAX_BUFFER_SIZE} events can be unpacked at once")
    events = <PmEvent *>malloc(<size_t>count * sizeof(PmEvent))
    out = <unsigned char *>malloc(<size_t>count * 4)
    try:
        if events == NULL or out == NULL:
            raise MemoryError()
        for i in range(count):
            word = words[i]
            if not 0 <= word <= 0xFFFFFFFF:
                raise ValueError(f"an event message must be in range 0..0xFFFFFFFF, not {word}")
            events[i].message = <PmMessage><uint32_t>word
            events[i].timestamp = 0
        length = midox_pm_unpack(events, <size_t>count, out, <size_t>count * 4, &state)
        if length < 0:
            raise RuntimeError("PortMidi events did not fit the unpack buffer")  # cannot happen
        return PyBytes_FromStringAndSize(<char *>out, <Py_ssize_t>length), bool(state)
    finally:
        free(events)
        free(out)


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
