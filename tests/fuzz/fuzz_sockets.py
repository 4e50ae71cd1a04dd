"""Fuzz target: the input path of socket ports (``midox.sockets.SocketPort``): the bytes a client sends, fed
as they would arrive from recv() (``_feed``, as ``_read`` does), without a real socket.

The first bytes choose the port's options (sysex on or off, max_sysex, max_pending) and how the rest is cut
into reads; the rest is the byte stream. Nothing raises; every message received is what the parser makes of
the stream (with the too-long sysex messages dropped); no kept sysex is longer than max_sysex; the port never
holds more than max_pending messages (reads stop when it is full: the test takes messages then, as a program
would); buffered_bytes is 0 once everything is taken.
"""
import midox
from midox.sockets import SocketPort

import _fuzzing

MAX_LEN = 4096


class _Connection:
    """What SocketPort does with its connection, besides recv() (not used: the test feeds the bytes). Its
    fileno() is -1, as a closed socket's: the port's own reads then find nothing to read."""

    def fileno(self):
        return -1

    def settimeout(self, timeout):
        pass

    def setsockopt(self, *args):
        pass

    def shutdown(self, how):
        pass

    def close(self):
        pass


def check(data):
    if len(data) < 3:
        return
    sysex = bool(data[0] & 1)
    max_sysex = data[0] >> 1 if data[0] & 2 else None
    max_pending = 1 + data[1] % 16
    read_size = 1 + data[2] % 64
    stream = data[3:]
    port = SocketPort('fuzz', 1, conn=_Connection(), sysex=sysex, max_sysex=max_sysex, max_pending=max_pending,
                      max_read=read_size)
    received = []
    try:
        position = 0
        while position < len(stream):
            room = port._ledger.room(port._max_read)
            if room <= 0:
                taken = list(port.iter_pending())
                assert taken, 'the port is full and has nothing to take'
                received += taken
                continue
            port._feed(stream[position:position + room])
            position += room
            assert len(port._messages) <= max_pending + room, 'more messages than max_pending and one read'
        received += list(port.iter_pending())
        assert port.buffered_bytes == port._parser.sysex_size
    finally:
        port.close()
    expected = midox.Parser(stream, max_sysex=(max_sysex if sysex else 0)).messages
    assert received == list(expected)
    for message in received:
        if message.type == 'sysex':
            assert sysex and (max_sysex is None or len(message.data) + 2 <= max_sysex)


def seeds():
    stream = b''.join(midox.Message('note_on', note=n, velocity=n).bin() for n in range(20))
    sysex = midox.Message('sysex', data=range(100)).bin()
    return [b'\x01\x03\x05' + stream + sysex, b'\x03\x00\x00' + sysex + stream + sysex,
            b'\x40\x10\x3f' + b'\x90\x3c\x40\x3e\x40' * 10]


if __name__ == '__main__':
    _fuzzing.main(check, seeds, MAX_LEN)
