"""The MIDI byte-stream parser: Parser and Tokenizer over one C scanner.

The scanner follows MIDI 1.0 (docs/differences.md, differences 1 and 2): a complete channel message leaves its status
as running status, so further data bytes start another message of the same status; system common bytes (F0-F7) cancel
running status; real-time bytes (F8-FF) are delivered at once and leave a message in progress untouched;
the undefined F4, F5, F9 and FD are ignored. A sysex interrupted by any other status byte is dropped, as is
a stray data byte. Every byte value is a valid input: the scanner never raises and its state is bounded
except for the sysex being collected, which grows with the input that is fed unless max_sysex bounds it: a
longer sysex is dropped and the rest of it discarded as it arrives.
"""
cimport cython
from cpython.long cimport PyLong_CheckExact
from libc.stdint cimport uint8_t
from libc.stdlib cimport free, realloc
from libc.string cimport memcpy

from collections import deque
from numbers import Integral

from midox._core._messages cimport Message, message_from_wire
from midox._core._specs cimport TYPE_BY_STATUS, TYPE_SPECS

cdef enum:
    SYSEX_START = 0xF0
    SYSEX_END = 0xF7
    SHORT_MAX = 3           # the longest message that is not a sysex


cdef struct Scanner:
    uint8_t status          # status of the message being collected (the running status), 0 for none
    uint8_t length          # bytes the message being collected needs, status included
    uint8_t have            # bytes collected, status included
    uint8_t short[SHORT_MAX]
    bint in_sysex
    bint dropping           # in a sysex that is too long: its data bytes are discarded
    bint limited            # max_sysex applies (all zero, as a new object's fields are: no limit)
    Py_ssize_t max_sysex    # the longest sysex kept, F0 and F7 included, when limited
    uint8_t *sysex          # F0 and the sysex data collected so far (malloc'd, grows)
    Py_ssize_t sysex_len
    Py_ssize_t sysex_cap


cdef int sysex_append(Scanner *s, uint8_t byte) except -1:
    cdef Py_ssize_t cap
    cdef uint8_t *grown
    if s.sysex_len == s.sysex_cap:
        cap = s.sysex_cap * 2 if s.sysex_cap else 256
        grown = <uint8_t *>realloc(s.sysex, cap)
        if grown == NULL:
            raise MemoryError()
        s.sysex = grown
        s.sysex_cap = cap
    s.sysex[s.sysex_len] = byte
    s.sysex_len += 1
    return 0


cdef class _ByteStream:
    """Feeds bytes through a Scanner and hands each complete message to _emit, which queues what it makes
    (a message, or a list of bytes) in _messages (Parser and Tokenizer)."""
    cdef Scanner _scan
    cdef readonly Py_ssize_t dropped_sysex      # sysex messages dropped for being longer than max_sysex
    cdef object _messages       # a deque
    cdef object _append         # self._messages.append, bound once: it runs for every message

    def __len__(self):
        return len(self._messages)

    def __iter__(self):
        """Yield what was parsed, oldest first, until nothing is waiting (what is yielded is removed)."""
        messages = self._messages
        while messages:
            yield messages.popleft()

    def __dealloc__(self):
        free(self._scan.sysex)      # free(NULL) is a no-op

    @property
    def sysex_size(self):
        """Bytes of the sysex being collected (F0 and its data so far), 0 if none is."""
        return self._scan.sysex_len if self._scan.in_sysex and not self._scan.dropping else 0

    cdef int _sysex_byte(self, uint8_t byte) except -1:
        """Collect a sysex data byte, or start dropping the sysex if it would then be too long (with F7)."""
        cdef Scanner *s = &self._scan
        if s.dropping:
            return 0
        if s.limited and s.sysex_len + 2 > s.max_sysex:
            s.dropping = True
            self.dropped_sysex += 1
            return 0
        return sysex_append(s, byte)

    cdef int _emit(self, const uint8_t *buf, Py_ssize_t n) except -1:
        raise NotImplementedError

    cdef int _scan_byte(self, uint8_t byte) except -1:
        cdef Scanner *s = &self._scan
        cdef int type_id
        if byte < 0x80:
            if s.in_sysex:
                return self._sysex_byte(byte)
            if s.status == 0:
                return 0                        # a stray data byte
            if s.have == s.length:
                s.have = 1                      # running status: the status byte is implied
            s.short[s.have] = byte
            s.have += 1
            if s.have == s.length:
                if s.status >= 0xF0:
                    s.status = 0                # system common messages leave no running status
                return self._emit(s.short, s.length)
            return 0
        if byte >= 0xF8 or byte == 0xF4 or byte == 0xF5:
            if TYPE_BY_STATUS[byte] >= 0:       # real time: delivered at once, state untouched
                return self._emit(&byte, 1)
            return 0                            # F4, F5, F9, FD: undefined, ignored
        # Any other status byte ends a sysex, and cancels or replaces the running status.
        if byte == SYSEX_END:
            s.status = 0
            if s.in_sysex:
                s.in_sysex = False
                if s.dropping:
                    return 0
                sysex_append(s, byte)
                return self._emit(s.sysex, s.sysex_len)
            return 0
        s.in_sysex = False
        if byte == SYSEX_START:
            s.status = 0
            s.in_sysex = True
            s.sysex_len = 0
            s.dropping = s.limited and s.max_sysex < 2      # not even F0 F7 fits
            if s.dropping:
                self.dropped_sysex += 1
                return 0
            return sysex_append(s, byte)
        type_id = TYPE_BY_STATUS[byte]
        if TYPE_SPECS[type_id].length == 1:     # tune_request
            s.status = 0
            return self._emit(&byte, 1)
        s.status = byte
        s.length = TYPE_SPECS[type_id].length
        s.short[0] = byte
        s.have = 1
        return 0

    def feed_byte(self, byte):
        """Feed one byte, an int in 0..255 (TypeError or ValueError otherwise)."""
        if not isinstance(byte, Integral):
            raise TypeError('message byte must be integer')
        if not 0 <= byte <= 255:
            raise ValueError(f'invalid byte value {byte!r}')
        self._scan_byte(<uint8_t>byte)

    def feed(self, data):
        """Feed bytes: bytes, a bytearray, or any iterable of ints in 0..255.

        Bytes before an invalid item are consumed; the invalid item raises TypeError or ValueError.
        """
        cdef const uint8_t[::1] view
        cdef Py_ssize_t i
        if isinstance(data, (bytes, bytearray)):
            view = data             # holds the buffer: a bytearray cannot be resized under the loop
            for i in range(view.shape[0]):
                self._scan_byte(view[i])
            return
        for byte in data:
            if PyLong_CheckExact(byte) and 0 <= byte <= 255:
                self._scan_byte(<uint8_t>byte)
            else:
                self.feed_byte(byte)


@cython.final
cdef class Parser(_ByteStream):
    """Parse a stream of MIDI bytes into messages.

    Feed it bytes, a bytearray or any iterable of ints (``feed``), or one byte at a time (``feed_byte``);
    take messages with ``get_message``, by iterating, or from the public ``messages`` deque.

    :param max_sysex: the longest sysex kept, in bytes with F0 and F7 (None: no limit). A longer one is
        dropped and counted in ``dropped_sysex``; the bytes it still holds are discarded as they come, so
        an endless sysex costs no memory. 0 drops every sysex.
    """
    def __init__(self, data=None, *, max_sysex=None):
        if max_sysex is not None and max_sysex < 0:
            raise ValueError(f'max_sysex must be None or at least 0, not {max_sysex!r}')
        self._scan.limited = max_sysex is not None
        self._scan.max_sysex = 0 if max_sysex is None else max_sysex
        self.messages = deque()
        if data is not None:
            self.feed(data)

    @property
    def messages(self):
        """The parsed messages waiting to be taken, oldest first (a collections.deque)."""
        return self._messages

    @messages.setter
    def messages(self, messages):
        self._messages = messages
        self._append = messages.append

    cdef int _emit(self, const uint8_t *buf, Py_ssize_t n) except -1:
        self._append(message_from_wire(buf, n, 0))
        return 0

    def get_message(self):
        """Return the oldest parsed message, or None if there is none yet."""
        return self._messages.popleft() if self._messages else None

    def pending(self):
        """Return how many parsed messages are waiting."""
        return len(self._messages)


@cython.final
cdef class _MessageList(_ByteStream):
    """Parses bytes into a list of messages (parse_all)."""
    cdef list messages

    def __init__(self):
        self.messages = []

    cdef int _emit(self, const uint8_t *buf, Py_ssize_t n) except -1:
        self.messages.append(message_from_wire(buf, n, 0))     # a list: no deque, no bound method
        return 0


@cython.final
cdef class Tokenizer(_ByteStream):
    """Split a stream of MIDI bytes into messages, each a list of ints (the parser without decoding)."""

    def __init__(self, data=None):
        self._messages = deque()
        self._append = self._messages.append
        if data is not None:
            self.feed(data)

    cdef int _emit(self, const uint8_t *buf, Py_ssize_t n) except -1:
        self._append([buf[i] for i in range(n)])
        return 0


def parse_all(data):
    """Parse MIDI bytes and return a list of all the messages in them."""
    cdef _MessageList parsed = _MessageList()
    parsed.feed(data)
    return parsed.messages


def parse(data):
    """Parse MIDI bytes and return the first message in them, or None."""
    return Parser(data).get_message()
