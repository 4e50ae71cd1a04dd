"""Decoding message bytes to a message dict (mido's ``messages.decode``)."""
from midox._core._messages import decode_message

__all__ = ["decode_message"]
