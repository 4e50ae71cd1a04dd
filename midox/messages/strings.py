"""The text format at the level of message dicts (mido's ``messages.strings``)."""
from midox._core._messages import msg2str, str2msg

__all__ = ["msg2str", "str2msg"]
