"""MIDI messages (mido's ``mido.messages``)."""
from . import checks, decode, encode, messages, specs, strings
from .checks import check_time
from .messages import BaseMessage, Message, SysexData, format_as_string, parse_string, parse_string_stream
from .specs import (
    MAX_PITCHWHEEL,
    MAX_SONGPOS,
    MIN_PITCHWHEEL,
    MIN_SONGPOS,
    SPEC_BY_STATUS,
    SPEC_BY_TYPE,
    SPEC_LOOKUP,
)

__all__ = [
    "BaseMessage",
    "MAX_PITCHWHEEL",
    "MAX_SONGPOS",
    "MIN_PITCHWHEEL",
    "MIN_SONGPOS",
    "Message",
    "SPEC_BY_STATUS",
    "SPEC_BY_TYPE",
    "SPEC_LOOKUP",
    "SysexData",
    "check_time",
    "format_as_string",
    "parse_string",
    "parse_string_stream",
]
