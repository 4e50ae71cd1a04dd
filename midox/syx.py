"""SYX files (mido's ``mido.syx``): sysex messages, such as patch dumps, stored raw or as hexadecimal text.

A binary SYX file is the bytes of its sysex messages, one after the other. A text SYX file is the same bytes
as two-digit hex numbers separated by whitespace, one message per line when midox writes it::

    F0 00 01 5D 02 00 F7
    F0 00 01 5D 03 00 F7
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .parser import Parser

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed import StrOrBytesPath

    from .messages import Message

__all__ = ["read_syx_file", "write_syx_file"]

_SYSEX_START = 0xF0

# Any whitespace of the text decoded as Latin-1 separates hex numbers (as in mido): besides the ASCII
# whitespace this is \x1c-\x1f, \x85 and \xa0, which bytearray.fromhex alone would reject.
_WHITESPACE = re.compile(r'\s')


def read_syx_file(filename: StrOrBytesPath) -> list[Message]:
    """Read a SYX file and return its sysex messages, a list.

    The format is told by the first byte: F0 starts a binary file, anything else a text file of hex numbers.
    Messages other than sysex, and bytes that do not complete a sysex message, are left out. An empty file
    gives an empty list. Raises ValueError if a text file holds anything but two-digit hex numbers and
    whitespace.
    """
    data: bytes | bytearray
    with open(filename, 'rb') as infile:
        data = infile.read()
    if not data:
        return []
    if data[0] != _SYSEX_START:
        data = bytearray.fromhex(_WHITESPACE.sub(' ', data.decode('latin-1')))
    return [message for message in Parser(data) if message.type == 'sysex']


def write_syx_file(filename: StrOrBytesPath, messages: Iterable[Message], plaintext: bool = False) -> None:
    """Write the sysex messages of an iterable to a SYX file; other messages are skipped.

    The file is binary unless ``plaintext`` is true, in which case each message is written on a line of its
    own as hex numbers separated by spaces (``F0 00 01 5D 02 00 F7``). The iterable is consumed before the
    file is opened, so an error while reading it leaves no file behind.
    """
    sysex_messages = [message for message in messages if message.type == 'sysex']
    if plaintext:
        # The text is ASCII: name the encoding so that the file does not depend on the locale.
        with open(filename, 'w', encoding='ascii') as outfile:
            outfile.write(''.join([message.hex() + '\n' for message in sysex_messages]))
    else:
        with open(filename, 'wb') as outfile:
            outfile.write(b''.join([message.bin() for message in sysex_messages]))
