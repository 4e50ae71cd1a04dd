"""The MIDI byte-stream parser (mido's ``mido.parser``): running status and real-time bytes as MIDI 1.0 says."""
from midox._core._parser import Parser, parse, parse_all

__all__ = ["Parser", "parse", "parse_all"]
