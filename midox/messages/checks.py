"""Validation of message values (mido's ``messages.checks``): TypeError or ValueError with mido's wording.

``_CHECKS`` maps each attribute name to its check; ``check_value()`` looks it up on every call, and messages
check the extra attributes that clients add to ``SPEC_BY_TYPE`` through it (docs/guide/clients.md).
"""
from midox._core._checks import (
    _CHECKS,
    check_channel,
    check_data,
    check_data_byte,
    check_frame_type,
    check_frame_value,
    check_msgdict,
    check_pitch,
    check_pos,
    check_time,
    check_type,
    check_value,
)

__all__ = [
    "check_channel",
    "check_data",
    "check_data_byte",
    "check_frame_type",
    "check_frame_value",
    "check_msgdict",
    "check_pitch",
    "check_pos",
    "check_time",
    "check_type",
    "check_value",
]
