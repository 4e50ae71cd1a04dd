"""Building the bytes of Standard MIDI Files in tests: variable-length quantities and chunks."""


def vlq(value):
    """value (any size) as a variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | value & 0x7F)
        value >>= 7
    return bytes(reversed(out))


def chunk(name, body):
    """A chunk: its 4-byte name, the length of body (32 bits, big-endian), body."""
    return name + len(body).to_bytes(4, 'big') + body
