"""MidiFile: reading, writing, merging and playing Standard MIDI Files (mido's ``midifiles.midifiles``).

The bytes are decoded and encoded in C (midox._core._smf); this module holds the file object and its
options. Reading is strict by default (mido's results and exception classes); errors='warn' or 'ignore'
recovers what it can and lists every problem in ``MidiFile.problems``.
"""
from __future__ import annotations

import time
import warnings
from typing import TYPE_CHECKING, Any, Literal, overload

from midox._core._smf import (FileProblem, SecondsIterator, decode_smf, division_from_timing, encode_smf,
                              timing_from_division)

from .tracks import MidiTrack, merge_tracks
from .units import tick2second

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import TracebackType

    from _typeshed import StrOrBytesPath, SupportsRead, SupportsWrite
    from typing_extensions import Self

    from ..arrays import MidiArrays
    from ..messages import Message
    from .meta import MetaMessage

DEFAULT_TEMPO = 500000
DEFAULT_TICKS_PER_BEAT = 480
ERRORS = ('strict', 'warn', 'ignore')


class MidiFileWarning(UserWarning):
    """Issued by MidiFile(..., errors='warn') when a file had problems that reading recovered from."""


def warn_about(problems: Sequence[FileProblem], filename: object, stacklevel: int = 3) -> None:
    """Issue the MidiFileWarning of errors='warn' for the problems of reading a file."""
    where = f' in {filename}' if filename else ''
    shown = '; '.join(str(problem) for problem in problems[:3])
    more = f' (and {len(problems) - 3} more)' if len(problems) > 3 else ''
    count = f'{len(problems)} problem' + ('s' if len(problems) > 1 else '')
    warnings.warn(f'{count}{where}: {shown}{more}', MidiFileWarning, stacklevel=stacklevel)


class MidiFile:
    """A Standard MIDI File: MidiFile(filename=None, file=None, type=1, ticks_per_beat=480, ...).

    :param filename: a path to read, or ``file``: an open binary file (both optional: a new, empty file).
    :param type: 0 (one track), 1 (synchronous tracks) or 2 (independent tracks).
    :param ticks_per_beat: the time resolution, in ticks per quarter note.
    :param charset: the text encoding of this file's text meta messages (latin1 by default).
    :param debug: print the tracks after reading (problems are in ``problems``, with byte offsets).
    :param clip: clip data bytes above 127 to 127 instead of raising.
    :param tracks: a list of MidiTrack to start with.
    :param errors: 'strict' (default) raises on any problem as mido does; 'warn' and 'ignore' read what
        can be read, record each problem in ``problems`` (track, byte offset, what), and 'warn' also issues
        a MidiFileWarning.

    :param smpte: (frames per second, ticks per frame) for SMPTE timing (24, 25, 29.97 or 30 frames per
        second); a file read with SMPTE timing has it set and ticks_per_beat None.
    """

    # ticks_per_beat is None only with SMPTE timing (smpte set): typed ``int | Any`` so that the usual
    # tick2second(msg.time, mid.ticks_per_beat, tempo) needs no None check, while int operations stay checked.
    ticks_per_beat: int | Any
    smpte: tuple[float, int] | None
    tracks: list[MidiTrack]
    problems: list[FileProblem]

    def __init__(self, filename: StrOrBytesPath | None = None, file: SupportsRead[bytes] | None = None,
                 type: int = 1, ticks_per_beat: int | None = DEFAULT_TICKS_PER_BEAT, charset: str = 'latin1',
                 debug: bool = False, clip: bool = False, tracks: list[MidiTrack] | None = None,
                 errors: Literal['strict', 'warn', 'ignore'] = 'strict', smpte: tuple[float, int] | None = None
                 ) -> None:
        if type not in range(3):
            raise ValueError(f'invalid format {type} (must be 0, 1 or 2)')
        if errors not in ERRORS:
            raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {errors!r}")
        self.filename = filename
        self.type = type
        self.ticks_per_beat = ticks_per_beat
        self.smpte = smpte
        self.charset = charset
        self.debug = debug
        self.clip = clip
        self.errors = errors
        self.problems = []
        self.tracks = []
        if tracks is not None:
            self.tracks = tracks
        elif file is not None:
            self._load(file.read())
        elif filename is not None:
            with open(filename, 'rb') as infile:
                self._load(infile.read())

    def _load(self, data: bytes) -> None:
        fmt, division, tracks, problems = decode_smf(
            data, strict=self.errors == 'strict', clip=self.clip, charset=self.charset, track_class=MidiTrack)
        self.type = fmt
        self.ticks_per_beat, self.smpte = timing_from_division(division)
        self.tracks = tracks
        self.problems = problems
        if problems and self.errors == 'warn':
            warn_about(problems, self.filename, stacklevel=4)
        if self.debug:
            self.print_tracks()

    @property
    def merged_track(self) -> MidiTrack:
        """All tracks merged into one, in playback order with delta times (computed anew on each access,
        so it is never stale)."""
        if self.type == 2:
            raise TypeError("can't merge tracks in type 2 (asynchronous) file")
        return merge_tracks(self.tracks)

    @merged_track.deleter
    def merged_track(self) -> None:
        pass        # nothing is cached; kept because mido has it

    def add_track(self, name: str | None = None) -> MidiTrack:
        """Append a new MidiTrack (with a track_name message if name is given) and return it."""
        track = MidiTrack()
        if name is not None:
            track.name = name
        self.tracks.append(track)
        return track

    def _seconds_per_tick(self) -> float:
        if self.smpte is None:
            return 0.0
        frames_per_second, ticks_per_frame = self.smpte
        return 1.0 / (frames_per_second * ticks_per_frame)

    def __iter__(self) -> Iterator[Message | MetaMessage]:
        """Yield the messages of all tracks in playback order, with delta times in seconds."""
        if self.type == 2:
            raise TypeError("can't merge tracks in type 2 (asynchronous) file")
        merged = list(merge_tracks(self.tracks))       # private copies, which the iterator retimes in place
        ticks_per_beat = 0 if self.smpte is not None else self.ticks_per_beat
        return SecondsIterator(merged, ticks_per_beat, self._seconds_per_tick(), DEFAULT_TEMPO)

    @property
    def length(self) -> float:
        """Playback time in seconds."""
        if self.type == 2:
            raise ValueError('impossible to compute length for type 2 (asynchronous) file')
        return sum(msg.time for msg in self)     # type: ignore[no-any-return]  # times are numbers

    # Without meta_messages only Messages come (what a port's send() takes).
    @overload
    def play(self, meta_messages: Literal[False] = False, now: Callable[[], float] = ...) -> Iterator[Message]: ...
    @overload
    def play(self, meta_messages: bool, now: Callable[[], float] = ...) -> Iterator[Message | MetaMessage]: ...

    def play(self, meta_messages: bool = False,
             now: Callable[[], float] = time.time) -> Iterator[Message | MetaMessage]:
        """Yield the messages at the times they should be played, sleeping in between.

        Each message's time is its delta time in seconds. Deadlines are absolute (the start time plus the
        message's time in the file), so sleeping never drifts; the first message is not delayed. Meta
        messages are left out unless meta_messages is true. ``now`` is the clock (seconds).
        """
        messages = iter(self)           # merge first: the clock starts when the first message is ready
        start = now()
        deadline = 0.0
        for msg in messages:
            deadline += msg.time
            wait = start + deadline - now()
            if wait > 0.0:
                time.sleep(wait)
            if meta_messages or not msg.is_meta:
                yield msg

    def save(self, filename: StrOrBytesPath | None = None, file: SupportsWrite[bytes] | None = None) -> None:
        """Write the file to filename or to file (an open binary file).

        Raises ValueError if neither is given, or if a type 0 file does not have exactly one track.
        """
        if self.type == 0 and len(self.tracks) != 1:
            raise ValueError('type 0 file must have exactly 1 track')
        if file is None and filename is None:
            raise ValueError('requires filename or file')
        data = self._encode()
        if file is not None:
            file.write(data)
        else:
            with open(filename, 'wb') as outfile:     # type: ignore[arg-type]  # given: checked above
                outfile.write(data)

    def _encode(self) -> bytes:
        division = division_from_timing(self.ticks_per_beat, self.smpte)
        return encode_smf(self.type, division, self.tracks, charset=self.charset)

    def to_arrays(self, pairing: Literal['fifo', 'all'] = 'fifo') -> MidiArrays:
        """The file as a midox.MidiArrays (NumPy tables; see midox.read_arrays()): the bytes save() would write,
        read as arrays. Its problems are this file's."""
        from midox.arrays import MidiArrays

        arrays = MidiArrays.from_bytes(self._encode(), pairing=pairing, charset=self.charset)
        arrays.problems = list(self.problems)
        return arrays

    def print_tracks(self, meta_only: bool = False) -> None:
        """Print every message of every track (only meta messages with meta_only=True)."""
        for index, track in enumerate(self.tracks):
            print(f'=== Track {index}')
            for msg in track:
                if msg.is_meta or not meta_only:
                    print(f'{msg!r}')

    def __repr__(self) -> str:
        tracks = ''
        if self.tracks:
            body = ',\n'.join(repr(track) for track in self.tracks).replace('\n', '\n  ')
            tracks = f', tracks=[\n  {body}\n]'
        smpte = '' if self.smpte is None else f', smpte={self.smpte!r}'
        return f'{type(self).__name__}(type={self.type}, ticks_per_beat={self.ticks_per_beat}{smpte}{tracks})'

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> Literal[False]:
        return False


__all__ = ['DEFAULT_TEMPO', 'DEFAULT_TICKS_PER_BEAT', 'FileProblem', 'MidiFile', 'MidiFileWarning']
