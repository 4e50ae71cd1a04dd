"""Type stubs for midox.backends._portmidi: the binding to the PortMidi C library.

What the PortMidi backend uses, and what a program that drives PortMidi devices directly needs besides
(see the module's docstring): devices, streams that read MIDI bytes, wait for input and write one message at
a time, and PortMidiError with PortMidi's error codes.
"""
from collections.abc import Iterable
from types import TracebackType
from typing import Final, TypedDict, final

from typing_extensions import Buffer, Self

__all__ = [  # as the binding's, checked by stubtest
    "DEFAULT_INPUT_BUFFER_SIZE", "HAS_VIRTUAL", "PortMidiError", "Stream", "default_input_id", "default_output_id",
    "get_device_info", "get_devices", "open_input", "open_output", "open_stream_count", "open_virtual_input",
    "open_virtual_output", "refresh",
]

class _DeviceInfo(TypedDict):
    id: int
    interface: str
    name: str
    is_input: bool
    is_output: bool
    opened: bool
    is_virtual: bool

HAS_VIRTUAL: Final[bool]
DEFAULT_INPUT_BUFFER_SIZE: Final[int]

HOST_ERROR: Final[int]
INVALID_DEVICE_ID: Final[int]
BAD_PTR: Final[int]
BUFFER_OVERFLOW: Final[int]
NO_DEVICE: Final[int]

class PortMidiError(OSError):
    code: int | None

def refresh() -> bool: ...
def open_stream_count() -> int: ...
def get_device_info(device_id: int) -> _DeviceInfo | None: ...
def get_devices() -> list[_DeviceInfo]: ...
def default_input_id() -> int: ...
def default_output_id() -> int: ...
def open_input(device_id: int, buffer_size: int = 1000) -> Stream: ...
def open_output(device_id: int, buffer_size: int = 0, latency: int = 0) -> Stream: ...
def open_virtual_input(name: str, interface: str | None = None, buffer_size: int = 1000) -> Stream: ...
def open_virtual_output(name: str, interface: str | None = None, buffer_size: int = 0,
                        latency: int = 0) -> Stream: ...

@final
class Stream:
    # Streams come from the open_* functions: Stream() itself raises TypeError.
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    # read-only
    device_id: Final[int]
    is_input: Final[bool]
    is_output: Final[bool]
    virtual: Final[bool]
    closed: Final[bool]
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> bool: ...
    def read(self) -> bytes: ...
    def interrupt(self) -> None: ...
    def wait(self, timeout: float | None = None) -> bool: ...
    def write(self, data: Buffer | Iterable[int], timestamp: int = 0) -> None: ...
