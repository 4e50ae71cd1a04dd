"""Fuzz target: the byte parser (``midox.Parser``, ``midox.parse_all``, ``midox.tokenizer.Tokenizer``).

No input raises. Feeding the bytes at once, in pieces, or one at a time gives the same messages, and
parse_all() gives them too; the tokenizer splits the stream into exactly these messages' bytes; each message's
bytes parse back to an equal message; with max_sysex no sysex kept is longer than the limit and the other
messages are the same.
"""
import midox
from midox.tokenizer import Tokenizer

import _fuzzing

MAX_LEN = 4096      # a stream this long already holds every kind of message many times


def check(data):
    parser = midox.Parser()
    parser.feed(data)
    messages = list(parser)
    assert midox.parse_all(data) == messages
    # In pieces whose sizes come from the data itself, and one byte at a time.
    pieces = midox.Parser()
    position = 0
    while position < len(data):
        size = 1 + data[position] % 7
        pieces.feed(data[position:position + size])
        position += size
    assert list(pieces) == messages
    single = midox.Parser()
    for byte in data[:256]:     # a Python call per byte: the first bytes are enough for feed_byte's path
        single.feed_byte(byte)
    assert list(single) == (messages if len(data) <= 256 else midox.parse_all(data[:256]))
    tokens = list(Tokenizer(data))
    assert tokens == [message.bytes() for message in messages]
    # Each message's bytes parse back to it (all at once: every message is complete, so none depends on another).
    assert midox.parse_all(b''.join([message.bin() for message in messages])) == messages
    limit = data[0] if data else 0
    bounded = midox.Parser(max_sysex=limit)
    bounded.feed(data)
    kept = list(bounded)
    assert all(len(message.data) + 2 <= limit for message in kept if message.type == 'sysex')
    assert [m for m in kept if m.type != 'sysex'] == [m for m in messages if m.type != 'sysex']


def seeds():
    return [b'\x90\x3c\x40\x3e\x40', b'\xf0\x01\x02\xf8\x03\xf7\x80\x3c', b'\xe0\x00\x40\xf2\x10\x20\xf3\x05',
            bytes(range(256)), *(data[:4096] for data in _fuzzing.corpus_seeds()[:20])]


if __name__ == '__main__':
    _fuzzing.main(check, seeds, MAX_LEN)
