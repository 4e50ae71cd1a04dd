"""Type stubs for midox._core._smf: Standard MIDI File decoding, encoding, merging and timing."""
from collections.abc import Callable, Iterable, Iterator
from typing import Any, final

from midox._core._messages import BaseMessage

class FileProblem(tuple[int | None, int, str]):
    """One problem that tolerant reading found and recovered from: (track, offset, what)."""

    def __new__(cls, track: int | None, offset: int, what: str) -> FileProblem: ...
    @property
    def track(self) -> int | None: ...
    @property
    def offset(self) -> int: ...
    @property
    def what(self) -> str: ...

def decode_smf(
    data: bytes | bytearray | memoryview,
    *,
    strict: bool = True,
    clip: bool = False,
    charset: str = "latin1",
    track_class: Callable[[list[BaseMessage]], Any] = ...,
) -> tuple[int, int, list[Any], list[FileProblem]]: ...
def encode_track(
    track: Iterable[BaseMessage],
    *,
    charset: str = "latin1",
) -> bytes: ...
def merge(
    tracks: Iterable[Iterable[BaseMessage]],
    *,
    make_end_of_track: Callable[[int], BaseMessage],
) -> list[BaseMessage]: ...
@final
class SecondsIterator(Iterator[BaseMessage]):
    def __init__(
        self, merged: list[BaseMessage], ticks_per_beat: float, seconds_per_tick: float = 0.0, tempo: int = 500000
    ) -> None: ...
    def __iter__(self) -> SecondsIterator: ...
    def __next__(self) -> BaseMessage: ...
