"""Type stubs for midox._core._arrays: the tables of midox.MidiArrays, read from and written to MIDI files."""
from typing import Any, final

from midox._core._smf import EventSink

TABLES: tuple[str, ...]

def layouts() -> dict[str, tuple[int, list[tuple[str, str, int]]]]: ...
@final
class Rows:
    def __len__(self) -> int: ...

@final
class TableAttribute:
    @property
    def name(self) -> str: ...
    @property
    def dtype(self) -> Any: ...
    def __init__(self, name: str, frombuffer: Any, dtype: Any, empty: Any) -> None: ...
    def __get__(self, instance: Any, owner: Any = None, /) -> Any: ...

@final
class ArraySink(EventSink):
    @property
    def unclosed_notes(self) -> int: ...
    @property
    def unmatched_note_offs(self) -> int: ...

# The buffers are bytes-like objects or NumPy arrays (which typeshed's Buffer does not cover before Python 3.12).
def seconds(
    tempos: Any,
    ticks_per_beat: float,
    seconds_per_tick: float,
    ticks: Any,
    out: Any,       # written
) -> Any: ...
def read_tables(
    data: bytes | bytearray | memoryview,
    strict: bool = True,
    clip: bool = False,
    charset: str = "latin1",
    pair_all: bool = False,
    events_only: bool = False,
) -> dict[str, Any]: ...
def write_tables(fmt: int, division: int, ntracks: int, tables: dict[str, Any], data: bytes) -> bytes: ...
