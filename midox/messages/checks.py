"""Validation of message values (mido's ``messages.checks``): TypeError or ValueError with mido's wording."""
from midox._core._checks import (
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
