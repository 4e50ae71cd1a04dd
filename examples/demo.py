"""A short tour of midox: build messages, encode them, and parse a live-style byte stream.

Run it with ``python examples/demo.py`` after installing midox.
"""
import midox


def main():
    print(f"midox {midox.__version__}")

    # Build messages: keyword values are checked against the MIDI 1.0 ranges.
    chord = [midox.Message('note_on', channel=0, note=note, velocity=90) for note in (60, 64, 67)]
    bend = midox.Message('pitchwheel', channel=0, pitch=-2048)
    sysex = midox.Message('sysex', data=[0x7E, 0x7F, 0x09, 0x01])     # General MIDI on
    for msg in [*chord, bend, sysex]:
        print(f"built    {str(msg):<45} -> {msg.hex()}")

    try:
        midox.Message('note_on', note=128)
    except ValueError as error:
        print(f"rejected note=128: {error}")

    # A stream as a device sends it: running status (the note_on status byte is sent once), a clock byte
    # in the middle of a message, and a sysex.
    stream = bytes.fromhex('90 3C 5A 40 5A F8 43 5A   B0 07 64   F0 7E 7F 09 01 F7   80 3C 00')
    parser = midox.Parser()
    parser.feed(stream)
    print(f"parsed {len(stream)} bytes into {parser.pending()} messages:")
    for msg in parser:
        print(f"  {msg!r}")

    # Messages round-trip through bytes and text.
    assert all(midox.Message.from_bytes(msg.bytes()) == msg for msg in chord)
    assert midox.parse_string(str(bend)) == bend


if __name__ == '__main__':
    main()
