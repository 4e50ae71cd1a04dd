"""The NumPy dtypes of MidiArrays' tables, made from the rows that midox._core._arrays fills (one layout)."""
import numpy as np

from midox._core._arrays import TABLES, layouts


def _dtype(itemsize, fields):
    names, formats, offsets = zip(*fields)
    return np.dtype({'names': list(names), 'formats': list(formats), 'offsets': list(offsets),
                     'itemsize': itemsize})


DTYPES = {name: _dtype(*layout) for name, layout in layouts().items()}
assert set(DTYPES) == set(TABLES)

NOTE = DTYPES['notes']
CONTROL = DTYPES['controls']
PITCH_BEND = DTYPES['pitch_bends']
PROGRAM = DTYPES['programs']
AFTERTOUCH = DTYPES['aftertouch']
POLYTOUCH = DTYPES['polytouch']
TEMPO = DTYPES['tempos']
TIME_SIGNATURE = DTYPES['time_signatures']
KEY_SIGNATURE = DTYPES['key_signatures']
TEXT = DTYPES['texts']
SYSEX = DTYPES['sysex']
EVENT = DTYPES['events']
