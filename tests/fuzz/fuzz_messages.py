"""Fuzz target: messages from bytes and text (``Message.from_bytes``, ``Message.from_hex``,
``midox.parse_string``, ``midox.parse_string_stream``).

Documented failures: from_bytes and from_hex raise ValueError unless the input is exactly one valid message;
parse_string raises ValueError for text it cannot read, TypeError for a value of the wrong type and
LookupError for an unknown message type (as mido 1.3.3 does); parse_string_stream never raises (it reports
bad lines). Whatever decodes encodes back: bytes() gives the input bytes, hex() and str() read back as an equal
message.
"""
import midox

import _fuzzing

MAX_LEN = 4096


def round_trips(message):
    assert midox.Message.from_bytes(message.bytes(), time=message.time) == message
    assert midox.Message.from_hex(message.hex(), time=message.time) == message
    assert midox.parse_string(str(message)) == message
    assert midox.parse_string(midox.format_as_string(message)) == message


def check(data):
    try:
        message = midox.Message.from_bytes(data)
    except ValueError:
        pass
    else:
        assert message.bytes() == list(data)
        round_trips(message)
    text = data.decode('latin-1')
    try:
        message = midox.Message.from_hex(text)
    except ValueError:
        pass
    else:
        round_trips(message)
    try:
        message = midox.parse_string(text)
    except (ValueError, TypeError, LookupError):
        pass
    else:
        round_trips(message)
    for message, error in midox.parse_string_stream(text.splitlines()):
        assert (message is None) != (error is None)
        if message is not None:
            round_trips(message)


def seeds():
    messages = [midox.Message('note_on', channel=3, note=60, velocity=64, time=5),
                midox.Message('sysex', data=[1, 2, 3]), midox.Message('pitchwheel', pitch=-8192),
                midox.Message('songpos', pos=100), midox.Message('quarter_frame', frame_type=3, frame_value=2),
                midox.Message('control_change', control=7, value=100, time=0.5), midox.Message('clock')]
    found = []
    for message in messages:
        found += [message.bin(), message.hex().encode(), str(message).encode()]
    found.append(b'\n'.join(str(message).encode() + b'  # comment' for message in messages))
    return found


if __name__ == '__main__':
    _fuzzing.main(check, seeds, MAX_LEN)
