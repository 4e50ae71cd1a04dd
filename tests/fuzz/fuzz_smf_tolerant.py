"""Fuzz target: tolerant MIDI file reading and repair.

``MidiFile(file=..., errors='ignore')`` reads every input without raising (docs/guide/broken-files.md);
``repair()`` of what it read gives a file whose ``save()`` strict reading gives back exactly: the same type,
timing and tracks of equal messages with the same delta times (docs/guide/broken-files.md). ``errors='warn'``
reads the same and lists the same problems. A raise or a difference is a finding.
"""
import io
import warnings

import _fuzzing

# Every input is read, written and read again: 16 KB (a corpus file's first 16 KB, as seeds) keeps that fast.
MAX_LEN = 16384
import midox
from midox.midifiles import repair


def check(data):
    mid = midox.MidiFile(file=io.BytesIO(data), errors='ignore')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        warned = midox.MidiFile(file=io.BytesIO(data), errors='warn')
    assert warned.problems == mid.problems
    assert [list(track) for track in warned.tracks] == [list(track) for track in mid.tracks]
    fixed, _changes = repair(mid)
    out = io.BytesIO()
    fixed.save(file=out)
    back = midox.MidiFile(file=io.BytesIO(out.getvalue()))
    assert (back.type, back.ticks_per_beat, back.smpte) == (fixed.type, fixed.ticks_per_beat, fixed.smpte)
    assert len(back.tracks) == len(fixed.tracks)
    for number, (read, written) in enumerate(zip(back.tracks, fixed.tracks)):
        assert list(read) == list(written), f'track {number} reads back differently'


def seeds():
    return _fuzzing.corpus_seeds(MAX_LEN)


if __name__ == '__main__':
    _fuzzing.main(check, seeds, MAX_LEN)
