"""Splitting a MIDI byte stream into the bytes of each message (mido's ``mido.tokenizer``)."""
from midox._core._parser import Tokenizer

__all__ = ["Tokenizer"]
