"""Encoding a message dict to bytes (mido's ``messages.encode``)."""
from midox._core._messages import encode_message

__all__ = ["encode_message"]
