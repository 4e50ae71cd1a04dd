"""Type stubs for midox._core._meta: meta events of MIDI files built in C."""
from collections.abc import Callable
from enum import IntEnum
from typing import Any, Final

MAJOR_KEYS: Final[tuple[str, ...]]
MINOR_KEYS: Final[tuple[str, ...]]
SMPTE_RATES: Final[tuple[float, ...]]
SMPTE_MAX_HOURS: Final[int]
INTEGER_MAX: Final[dict[int, int]]

class KeySignatureError(Exception): ...

class Layout(IntEnum):
    PYTHON = 0
    SEQUENCE_NUMBER = 1
    TEXT = 2
    CHANNEL = 3
    PORT = 4
    NO_VALUES = 5
    TEMPO = 6
    SMPTE = 7
    TIME_SIGNATURE = 8
    KEY_SIGNATURE = 9
    DATA = 10

def layout_values(layout: int, payload: bytes | bytearray | memoryview) -> tuple[Any, ...]: ...
def layout_payload(layout: int, values: tuple[Any, ...]) -> list[int]: ...
def configure(
    message_class: type,
    unknown_class: type,
    registry: dict[Any, Any],
    layouts: dict[type, Layout],
    decode_with_spec: Callable[[Any, bytes, float, str], Any],
    encode_with_spec: Callable[[Any, str], tuple[int, bytes]],
) -> None: ...
