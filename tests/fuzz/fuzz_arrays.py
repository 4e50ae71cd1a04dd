"""Fuzz target: ``midox.read_arrays`` (NumPy tables).

Strict reading raises only what strict MidiFile reading raises (see fuzz_smf_strict.py). Tolerant reading
(``errors='ignore'``) never raises, but for the documented ValueError of a track beyond 2**63 ticks. Its
``to_bytes()`` reads back into the same tables (read tolerantly: the tables keep events strict reading refuses,
such as a key signature of mode 255, and write them as they are), unless it holds what no file can: a delta
time beyond 4 bytes or a real-time message (ValueError, as MidiFile.save()).
"""
import midox

import _fuzzing
from fuzz_smf_strict import DOCUMENTED

# Every input is read, written and read again: 16 KB (a corpus file's first 16 KB, as seeds) keeps that fast.
MAX_LEN = 16384

REFUSED_ON_WRITE = ('a MIDI file holds delta times of at most 268435455 ticks',
                    'realtime messages are not allowed in MIDI files')

TABLES = ('notes', 'controls', 'pitch_bends', 'programs', 'aftertouch', 'polytouch', 'tempos',
          'time_signatures', 'key_signatures', 'texts', 'sysex')


def rows(arrays, name):
    """A table's rows without the event indexes (they count events the tolerant reading left out) and without
    the offsets of texts and sysex data in the file (the bytes themselves are compared instead)."""
    table = getattr(arrays, name)
    fields = [field for field in table.dtype.names if not field.endswith('event') and field != 'offset']
    found = table[fields].tolist()
    if name == 'texts':
        found += [arrays.data[row['offset']:row['offset'] + row['length']] for row in table]
    if name == 'sysex':
        found += [arrays.sysex_data(index) for index in range(len(table))]
    return found


def check(data):
    try:
        midox.read_arrays(data)
    except DOCUMENTED:
        pass
    try:
        arrays = midox.read_arrays(data, errors='ignore')
    except ValueError as error:
        # Documented (docs/guide/arrays.md): ticks must stay below 2**63, even when tolerant; only
        # an endless variable-length quantity (continuation bytes) gives such a delta time.
        assert 'beyond 2**63 ticks' in str(error), error
        return
    try:
        written = arrays.to_bytes()
    except ValueError as error:
        # What a file cannot hold, refused as MidiFile.save() refuses it (repair() fixes both for a MidiFile;
        # arrays have no repair): a delta time of 5 bytes, which tolerant reading keeps, and a real-time
        # message (FE, say), which reading keeps from a track (strict reading too, as mido).
        assert any(reason in str(error) for reason in REFUSED_ON_WRITE), error
        return
    back = midox.read_arrays(written, errors='ignore')
    assert (back.type, back.ticks_per_beat, back.smpte, back.ntracks) == \
        (arrays.type, arrays.ticks_per_beat, arrays.smpte, arrays.ntracks)
    for name in TABLES:
        assert rows(back, name) == rows(arrays, name), f'{name} differs after to_bytes()'


def seeds():
    return _fuzzing.corpus_seeds(MAX_LEN)


if __name__ == '__main__':
    _fuzzing.main(check, seeds, MAX_LEN)
