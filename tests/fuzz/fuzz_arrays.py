"""Fuzz target: ``midox.read_arrays`` (NumPy tables).

Strict reading raises only what strict MidiFile reading raises (see fuzz_smf_strict.py); tolerant reading
(``errors='ignore'``) never raises (but for the documented ValueError of a track beyond 2**63 ticks), and ``to_bytes()`` of what it read reads back (tolerantly: the tables keep
events strict reading refuses, such as a key signature of mode 255, and write them as they are) into the same
tables.
"""
import midox

import _fuzzing
from fuzz_smf_strict import DOCUMENTED

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
        # Documented (README, "Analysing many files"): ticks must stay below 2**63, even when tolerant; only
        # an endless variable-length quantity (continuation bytes) gives such a delta time.
        assert 'beyond 2**63 ticks' in str(error), error
        return
    written = arrays.to_bytes()
    back = midox.read_arrays(written, errors='ignore')
    assert (back.type, back.ticks_per_beat, back.smpte, back.ntracks) == \
        (arrays.type, arrays.ticks_per_beat, arrays.smpte, arrays.ntracks)
    for name in TABLES:
        assert rows(back, name) == rows(arrays, name), f'{name} differs after to_bytes()'


def seeds():
    return _fuzzing.corpus_seeds()


if __name__ == '__main__':
    _fuzzing.main(check, seeds)
