"""Type stubs for midox._core._pmevents: PortMidi's 32-bit event words, packed from and unpacked to MIDI bytes."""
from collections.abc import Iterable

from typing_extensions import Buffer

__all__ = ["pack", "unpack"]

def pack(data: Buffer | Iterable[int]) -> list[int]: ...
def unpack(words: Iterable[int], in_sysex: bool = False) -> tuple[bytes, bool]: ...
