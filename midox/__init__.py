"""midox: MIDI for Python, compiled. A drop-in replacement for mido (``import midox as mido``).

    >>> import midox
    >>> msg = midox.Message('note_on', note=60, velocity=64)
    >>> msg.bytes()
    [144, 60, 64]
    >>> midox.parse_all(b'\\x90\\x3c\\x40\\x3e\\x40')       # running status
    [Message('note_on', channel=0, note=60, velocity=64, time=0), Message('note_on', channel=0, note=62, velocity=64, time=0)]

Importing midox touches no device and loads no backend.
"""
from typing import TYPE_CHECKING

from . import ports, sockets
from ._as_mido import install_as_mido
from ._version import __version__
from .messages import (
    MAX_PITCHWHEEL,
    MAX_SONGPOS,
    MIN_PITCHWHEEL,
    MIN_SONGPOS,
    Message,
    format_as_string,
    parse_string,
    parse_string_stream,
)
from .midifiles import (
    FileProblem,
    KeySignatureError,
    MetaMessage,
    MidiFile,
    MidiFileWarning,
    MidiTrack,
    UnknownMetaMessage,
    bpm2tempo,
    merge_tracks,
    second2tick,
    tempo2bpm,
    tick2second,
)
from .parser import Parser, parse, parse_all
from .syx import read_syx_file, write_syx_file
from .version import version_info

__all__ = [
    "FileProblem",
    "KeySignatureError",
    "MAX_PITCHWHEEL",
    "MAX_SONGPOS",
    "MIN_PITCHWHEEL",
    "MIN_SONGPOS",
    "Message",
    "MetaMessage",
    "MidiFile",
    "MidiFileWarning",
    "MidiTrack",
    "Parser",
    "UnknownMetaMessage",
    "__version__",
    "bpm2tempo",
    "format_as_string",
    "install_as_mido",
    "merge_tracks",
    "parse",
    "parse_all",
    "parse_string",
    "parse_string_stream",
    "ports",
    "read_syx_file",
    "second2tick",
    "sockets",
    "tempo2bpm",
    "tick2second",
    "version_info",
    "write_syx_file",
]

# The device layer (midox.backends) is imported on first use of one of these names, never by ``import midox``.
# ``midox.backend`` is always the current backend, and the port functions follow set_backend() (mido rebinds
# module globals instead).
_BACKEND_NAMES = frozenset({
    "Backend", "backend", "set_backend",
    "open_input", "open_output", "open_ioport",
    "get_input_names", "get_output_names", "get_ioport_names",
})


# The arrays (midox.arrays, which needs NumPy) are imported on first use too: ``import midox`` never imports NumPy.
_ARRAY_NAMES = frozenset({"MidiArrays", "read_arrays"})


if TYPE_CHECKING:
    # The lazy names, for type checkers only: they see these imports and no module __getattr__, so a misspelt
    # name is an error. At run time the imports below happen on first use (``import midox`` stays light).
    # (``import X as X``: the explicit re-export of a typed package.)
    from .arrays import MidiArrays as MidiArrays, read_arrays as read_arrays
    from .backends.backend import (
        Backend as Backend,
        get_input_names as get_input_names,
        get_ioport_names as get_ioport_names,
        get_output_names as get_output_names,
        open_input as open_input,
        open_ioport as open_ioport,
        open_output as open_output,
        set_backend as set_backend,
    )

    backend: Backend        # the current backend, get_backend(), read anew on every access
else:
    def __getattr__(name):
        if name in _ARRAY_NAMES:
            from . import arrays

            value = globals()[name] = getattr(arrays, name)       # found directly from now on
            return value
        if name in _BACKEND_NAMES:
            from .backends import backend as registry

            return registry.get_backend() if name == "backend" else getattr(registry, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _BACKEND_NAMES | _ARRAY_NAMES)
