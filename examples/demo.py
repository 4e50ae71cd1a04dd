"""A short tour of midox: messages, a live-style byte stream, and a MIDI file.

    python examples/demo.py              # the tour
    python examples/demo.py song.mid     # ... and a summary of song.mid
"""
import os
import sys
import tempfile

import midox


def messages_tour() -> None:
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


def build_song(path: str) -> None:
    """Write a two-track file: a tempo map and an arpeggio."""
    song = midox.MidiFile(ticks_per_beat=480)
    conductor = song.add_track('conductor')
    conductor.append(midox.MetaMessage('set_tempo', tempo=midox.bpm2tempo(100)))
    conductor.append(midox.MetaMessage('time_signature', numerator=3, denominator=4))
    piano = song.add_track('piano')
    piano.append(midox.Message('program_change', program=0))
    for note in (60, 64, 67, 72, 67, 64):
        piano.append(midox.Message('note_on', note=note, velocity=80, time=0))
        piano.append(midox.Message('note_off', note=note, time=240))
    song.save(path)


def summarize(path: str) -> None:
    mid = midox.MidiFile(path, errors='warn')       # read what can be read; problems are listed
    tempos = [msg.tempo for track in mid.tracks for msg in track if msg.type == 'set_tempo']
    bpm = ', '.join(f'{midox.tempo2bpm(tempo):g}' for tempo in tempos[:4]) or '120 (default)'
    timing = f'{mid.ticks_per_beat} ticks per beat' if mid.smpte is None else f'SMPTE {mid.smpte}'
    print(f"{os.path.basename(path)}: type {mid.type}, {timing}, {len(mid.tracks)} tracks, "
          f"{mid.length:.2f} s, tempo {bpm} BPM")
    for index, track in enumerate(mid.tracks):
        notes = sum(1 for msg in track if msg.type == 'note_on' and msg.velocity)
        print(f"  track {index}: {track.name or '(no name)'!r}, {len(track)} messages, {notes} notes")
    for problem in mid.problems:
        print(f"  problem: {problem}")


def main(paths: list[str]) -> None:
    print(f"midox {midox.__version__}")
    messages_tour()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'arpeggio.mid')
        build_song(path)
        print(f"wrote and read back {os.path.getsize(path)} bytes:")
        summarize(path)
    for path in paths:
        summarize(path)


if __name__ == '__main__':
    main(sys.argv[1:])
