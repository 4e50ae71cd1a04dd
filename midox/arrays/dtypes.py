"""The NumPy dtypes of MidiArrays' tables, made from the rows that midox._core._arrays fills (one layout)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from midox._core._arrays import TABLES, layouts

if TYPE_CHECKING:
    from collections.abc import Iterable


def _dtype(itemsize: int, fields: Iterable[tuple[str, str, int]]) -> np.dtype[Any]:
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
