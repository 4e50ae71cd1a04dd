"""MidiArrays' tables as pandas DataFrames and pyarrow Tables.

The columns are the table's fields in its dtype's ``names`` order. Three tables change on the way out:
``texts`` gets a ``text`` column (str, decoded with the file's charset) in place of ``offset`` and ``length``;
``sysex`` a ``data`` column (bytes, without F0/F7, bytes above 127 read as 127) in their place; and
``key_signatures`` a ``key`` column after ``mode`` (mido's key name, such as 'C#m').

pandas and pyarrow are imported here, when called, never by ``import midox``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._core._meta import MAJOR_KEYS, MINOR_KEYS

if TYPE_CHECKING:
    from . import MidiArrays

__all__ = ['KINDS', 'to_arrow', 'to_pandas']

KINDS = ('notes', 'controls', 'pitch_bends', 'programs', 'aftertouch', 'polytouch', 'tempos', 'time_signatures',
         'key_signatures', 'texts', 'sysex', 'events')
KEY_NAMES = (MAJOR_KEYS, MINOR_KEYS)
# Tables whose raw (offset, length) columns give way to the bytes they locate.
SPANS = ('offset', 'length')


def to_pandas(arrays: MidiArrays, kind: str) -> Any:
    """``arrays.<kind>`` as a pandas DataFrame. Numeric columns share the array's memory where pandas allows
    (a column taken from a structured array is a strided view; pandas may consolidate it into a copy)."""
    pd = _require('pandas', 'to_pandas', 'pandas')
    return pd.DataFrame(dict(_columns(arrays, kind)), copy=False)


def to_arrow(arrays: MidiArrays, kind: str) -> Any:
    """``arrays.<kind>`` as a pyarrow Table (numeric columns are copied: Arrow wants them contiguous)."""
    pa = _require('pyarrow', 'to_arrow', 'arrow')
    columns = dict(_columns(arrays, kind))
    return pa.table({name: _arrow_array(pa, name, values) for name, values in columns.items()})


def _require(module, function, extra):
    try:
        return __import__(module)
    except ImportError as error:
        raise ImportError(f"{function}() needs {module}: pip install 'midox[{extra}]'") from error


def _columns(arrays, kind):
    """(name, values) in the table's field order, with the derived columns."""
    table = _table(arrays, kind)
    for name in table.dtype.names:
        if kind in ('texts', 'sysex') and name in SPANS:
            if name == 'offset':
                yield ('text', _texts(arrays, table)) if kind == 'texts' else ('data', _sysex(arrays, table))
            continue
        yield name, table[name]
        if kind == 'key_signatures' and name == 'mode':
            yield 'key', _keys(table)


def _table(arrays, kind):
    if kind not in KINDS:
        raise ValueError(f"unknown table {kind!r}; the tables are: {', '.join(KINDS)}")
    return getattr(arrays, kind)


def _spans(arrays, table):
    data = arrays.data
    return [data[offset:offset + length] for offset, length in zip(table['offset'].tolist(),
                                                                    table['length'].tolist())]


def _texts(arrays, table):
    return np.array([raw.decode(arrays.charset) for raw in _spans(arrays, table)], dtype=object)


# A data byte above 127 reads as 127, as the sysex messages' data does.
_CLIP_TO_7_BITS = bytes(min(byte, 127) for byte in range(256))


def _sysex(arrays, table):
    return np.array([raw.translate(_CLIP_TO_7_BITS) for raw in _spans(arrays, table)], dtype=object)


def _keys(table):
    return np.array([_key_name(sharps, mode) for sharps, mode in zip(table['sharps'].tolist(),
                                                                      table['mode'].tolist())], dtype=object)


def _key_name(sharps, mode):
    """mido's name of the key, None for one mido refuses (mode other than 0 or 1, beyond 7 sharps or flats)."""
    if mode in (0, 1) and -7 <= sharps <= 7:
        return KEY_NAMES[mode][sharps + 7]
    return None


def _arrow_array(pa, name, values):
    if values.dtype == object:     # the derived columns: sysex data is bytes, the others str
        return pa.array(values.tolist(), type=pa.binary() if name == 'data' else pa.string())
    return pa.array(np.ascontiguousarray(values))
