"""The message spec table (mido's ``messages.specs``), read-only views of midox's compiled table."""
from midox._core._messages import make_msgdict
from midox._core._specs import (
    DEFAULT_VALUES,
    MAX_PITCHWHEEL,
    MAX_SONGPOS,
    MIN_PITCHWHEEL,
    MIN_SONGPOS,
    REALTIME_TYPES,
    SPEC_BY_STATUS,
    SPEC_BY_TYPE,
    SPEC_LOOKUP,
    SPECS,
)

CHANNEL_MESSAGES = frozenset(range(0x80, 0xF0))
COMMON_MESSAGES = frozenset(range(0xF0, 0xF8))
REALTIME_MESSAGES = frozenset(range(0xF8, 0x100))
SYSEX_START = 0xF0
SYSEX_END = 0xF7

__all__ = [
    "CHANNEL_MESSAGES",
    "COMMON_MESSAGES",
    "DEFAULT_VALUES",
    "MAX_PITCHWHEEL",
    "MAX_SONGPOS",
    "MIN_PITCHWHEEL",
    "MIN_SONGPOS",
    "REALTIME_MESSAGES",
    "REALTIME_TYPES",
    "SPECS",
    "SPEC_BY_STATUS",
    "SPEC_BY_TYPE",
    "SPEC_LOOKUP",
    "SYSEX_END",
    "SYSEX_START",
    "make_msgdict",
]
