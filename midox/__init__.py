"""midox: MIDI for Python, compiled. A drop-in replacement for mido (``import midox as mido``).

    >>> import midox
    >>> msg = midox.Message('note_on', note=60, velocity=64)
    >>> msg.bytes()
    [144, 60, 64]
    >>> midox.parse_all(b'\\x90\\x3c\\x40\\x3e\\x40')       # running status
    [Message('note_on', channel=0, note=60, velocity=64, time=0), Message('note_on', channel=0, note=62, velocity=64, time=0)]

Importing midox touches no device and loads no backend.
"""
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
    "merge_tracks",
    "parse",
    "parse_all",
    "parse_string",
    "parse_string_stream",
    "read_syx_file",
    "second2tick",
    "tempo2bpm",
    "tick2second",
    "version_info",
    "write_syx_file",
]
