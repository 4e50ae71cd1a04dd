"""MIDI files (mido's ``mido.midifiles``): MidiFile, MidiTrack, meta messages and time units."""
from . import meta, midifiles, tracks, units
from .meta import KeySignatureError, MetaMessage, MetaSpec, UnknownMetaMessage, add_meta_spec
from .midifiles import FileProblem, MidiFile, MidiFileWarning
from .repairs import repair, repair_file
from .tracks import MidiTrack, merge_tracks
from .units import bpm2tempo, second2tick, tempo2bpm, tick2second

__all__ = [
    "FileProblem",
    "KeySignatureError",
    "MetaMessage",
    "MetaSpec",
    "MidiFile",
    "MidiFileWarning",
    "MidiTrack",
    "UnknownMetaMessage",
    "add_meta_spec",
    "bpm2tempo",
    "merge_tracks",
    "repair",
    "repair_file",
    "second2tick",
    "tempo2bpm",
    "tick2second",
]
