"""Tracks of MIDI files (mido's ``mido.midifiles.tracks``): MidiTrack, fix_end_of_track and merge_tracks.

Inside a track every message's ``time`` is a delta time in ticks: the ticks since the previous message.
"""
from __future__ import annotations

import reprlib
from typing import TYPE_CHECKING, overload

from midox._core import _smf

from .meta import MetaMessage

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import SupportsIndex

    from typing_extensions import Self

    from ..messages import Message

__all__ = ["MidiTrack", "fix_end_of_track", "merge_tracks"]


class MidiTrack(list["Message | MetaMessage"]):
    """A track of a MIDI file: a list of messages and meta messages with delta times in ticks.

    ``MidiTrack()`` is an empty track and ``MidiTrack(messages)`` holds the messages of any iterable. Every
    list method works; slicing, ``+`` and ``*`` return a MidiTrack, and so does ``copy()`` (``n * track``
    too, where mido returns a plain list).

    The repr can be evaluated back to an equal track, whatever the number of messages (a difference from mido,
    which writes a one-message track with the message's ``str()``, which does not evaluate).
    """

    @property
    def name(self) -> str:
        """The track's name: the ``name`` of its first ``track_name`` meta message, or ``''`` if it has none.

        Setting it changes the first ``track_name`` message; a track without one gets
        ``MetaMessage('track_name', name=name, time=0)`` inserted at its start.
        """
        for message in self:
            if message.type == 'track_name':
                return message.name
        return ''

    @name.setter
    def name(self, name: str) -> None:
        for message in self:
            if message.type == 'track_name':
                message.name = name
                return
        self.insert(0, MetaMessage('track_name', name=name, time=0))

    def copy(self) -> Self:
        """Return a shallow copy: a new track of the same class holding the same message objects."""
        return self.__class__(self)

    @overload
    def __getitem__(self, index: SupportsIndex) -> Message | MetaMessage: ...
    @overload
    def __getitem__(self, index: slice) -> Self: ...

    def __getitem__(self, index: SupportsIndex | slice) -> Message | MetaMessage | Self:
        item = list.__getitem__(self, index)
        if isinstance(index, slice):
            return self.__class__(item)     # type: ignore[arg-type]  # a list, for a slice
        return item                         # type: ignore[return-value]  # a message, for an index

    def __add__(self, other: list[Message | MetaMessage]) -> Self:  # type: ignore[override]
        return self.__class__(list.__add__(self, other))

    def __mul__(self, count: SupportsIndex) -> Self:
        return self.__class__(list.__mul__(self, count))

    # mido leaves ``count * track`` to list and gets a plain list back; midox returns a track either way.
    __rmul__ = __mul__

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        class_name = self.__class__.__name__
        if not self:
            return f'{class_name}()'
        if len(self) == 1:
            return f'{class_name}([{list.__getitem__(self, 0)!r}])'
        body = ',\n  '.join([repr(message) for message in self])
        return f'{class_name}([\n  {body}])'


# mido's private helpers, kept with mido's behaviour because its users import them
# (``from mido.midifiles.tracks import _to_abstime, _to_reltime``).

def _to_abstime(messages: Iterable[Message | MetaMessage],
                skip_checks: bool = False) -> Iterator[Message | MetaMessage]:
    """Yield copies of messages with delta times turned into absolute times (the running sum)."""
    now = 0
    for message in messages:
        now += message.time
        yield message.copy(skip_checks=skip_checks, time=now)


def _to_reltime(messages: Iterable[Message | MetaMessage],
                skip_checks: bool = False) -> Iterator[Message | MetaMessage]:
    """Yield copies of messages with absolute times turned into delta times (the inverse of _to_abstime)."""
    now = 0
    for message in messages:
        yield message.copy(skip_checks=skip_checks, time=message.time - now)
        now = message.time


def fix_end_of_track(messages: Iterable[Message | MetaMessage],
                     skip_checks: bool = False) -> Iterator[Message | MetaMessage]:
    """Yield messages without their end_of_track messages, then one end_of_track at the end.

    The delta time of each end_of_track removed is added to the message after it (a copy; messages whose
    time does not change are yielded as they are), and the final end_of_track carries the time of those
    after the last other message, so every message keeps its absolute time (the rule ``merge_tracks()`` and
    ``MidiFile.save()`` follow too). This is a generator; ``skip_checks`` is passed on to ``copy()``.
    """
    fold = _smf.EndOfTrackFold()
    for message in messages:
        time = message.time
        delta = fold.delta(message, time)
        if delta is not None:
            yield message if delta is time else message.copy(skip_checks=skip_checks, time=delta)
    yield MetaMessage('end_of_track', time=fold.carry)


def merge_tracks(tracks: Iterable[Iterable[Message | MetaMessage]], skip_checks: bool = False) -> MidiTrack:
    """Return one MidiTrack with the messages of all tracks in playback order, as copies with delta times.

    Messages at the same time keep the order of their tracks. Every end_of_track is dropped and one ends
    the result, as ``fix_end_of_track()`` does. The merge is a k-way merge in C (each track is already in time
    order); skip_checks is accepted for mido's sake, the copies are never checked.
    """
    return MidiTrack(_smf.merge(tracks))
