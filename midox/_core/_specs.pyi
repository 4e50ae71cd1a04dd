"""Type stubs for midox._core._specs: the MIDI 1.0 message spec table."""
from collections.abc import Mapping
from typing import Any, Final, TypeAlias

# A spec: a dict with keys 'status_byte' (int), 'type' (str), 'value_names' (tuple[str, ...]),
# 'attribute_names' (set[str], which clients extend) and 'length' (int; float('inf') for sysex).
_Spec: TypeAlias = dict[str, Any]

# (type name, status byte, value names, length in bytes (0: variable), wire encoding id)
MESSAGE_TYPES: Final[tuple[tuple[str, int, tuple[str, ...], int, int], ...]]
# (attribute id, value name, minimum, maximum, default, label used in error messages)
VALUE_NAMES: Final[tuple[tuple[int, str, int, int, int, str], ...]]

MIN_PITCHWHEEL: Final = -8192
MAX_PITCHWHEEL: Final = 8191
MIN_SONGPOS: Final = 0
MAX_SONGPOS: Final = 16383

SPEC_BY_TYPE: Final[dict[str, _Spec]]
SPEC_BY_STATUS: Final[dict[int, _Spec]]
SPEC_LOOKUP: Final[dict[int | str, _Spec]]
SPECS: Final[list[_Spec]]
DEFAULT_VALUES: Final[Mapping[str, int | tuple[()]]]
REALTIME_TYPES: Final[frozenset[str]]
