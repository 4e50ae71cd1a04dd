"""Helpers for the rtmidi backend that need no MIDI library (mido's ``mido.backends.rtmidi_utils``)."""

from collections.abc import Iterable
from typing import overload

__all__ = ["expand_alsa_port_name"]


@overload
def expand_alsa_port_name(port_names: Iterable[str], name: str) -> str: ...
@overload
def expand_alsa_port_name(port_names: Iterable[str], name: None) -> None: ...


def expand_alsa_port_name(port_names: Iterable[str], name: str | None) -> str | None:
    """Return the full ALSA port name that *name* stands for, or *name* itself when none matches.

    RtMidi's ALSA port names carry the client name and the client:port numbers, as in
    ``'TiMidity:TiMidity port 0 128:0'``. The numbers change from one boot to the next, so a port may also be
    named without them (``'TiMidity:TiMidity port 0'``) or by its port name alone (``'TiMidity port 0'``).
    The first of *port_names* that matches any of those three forms wins. None stays None.
    """
    if name is None:
        return None
    for full_name in port_names:
        if name == full_name:
            return full_name
        # Drop the trailing 'client:port' numbers (the last word; mido fails on a name of spaces only).
        without_numbers = (full_name.rsplit(None, 1) or [""])[0]
        if name == without_numbers:
            return full_name
        client, colon, port = without_numbers.partition(":")
        if colon and name == port:
            return full_name
    return name
