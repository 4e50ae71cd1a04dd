"""Fuzz target: strict MIDI file reading, ``midox.MidiFile(file=BytesIO(data))``.

Strict reading raises what mido 1.3.3 raises (docs/guide/broken-files.md): OSError (no MThd, no MTrk, a data
byte above 127, an event too long), EOFError (the file ends early), ValueError (a bad value, text the charset
cannot decode: UnicodeDecodeError), KeyError (an unknown SMPTE frame rate), IndexError (a meta payload shorter
than its type's values) and KeySignatureError (an unknown key). Any other exception is a finding. A file that
reads is also played through (its messages and delta times in seconds, as ``for msg in mid``).
"""
import io

import _fuzzing
import midox
from midox.midifiles.meta import KeySignatureError

DOCUMENTED = (OSError, EOFError, ValueError, KeyError, IndexError, KeySignatureError)


def check(data):
    try:
        mid = midox.MidiFile(file=io.BytesIO(data))
    except DOCUMENTED:
        return
    for track in mid.tracks:
        for message in track:
            assert message.time >= 0, message
    if mid.type != 2 and mid.ticks_per_beat:
        for _ in mid:       # merged, times in seconds
            pass


def seeds():
    return _fuzzing.corpus_seeds()


if __name__ == '__main__':
    _fuzzing.main(check, seeds)
