"""The message classes and the text format functions (mido's ``messages.messages``)."""
from midox._core._messages import (
    BaseMessage,
    Message,
    SysexData,
    format_as_string,
    parse_string,
    parse_string_stream,
)

__all__ = ["BaseMessage", "Message", "SysexData", "format_as_string", "parse_string", "parse_string_stream"]
