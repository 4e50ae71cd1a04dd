"""MIDI files as NumPy arrays: notes, controls, the tempo map and every other event, straight from the bytes.

    >>> import midox
    >>> song = midox.read_arrays('song.mid')
    >>> song.notes['pitch'], song.notes['start_time']       # doctest: +SKIP

The tables are built in C by the reader MidiFile uses (midox._core._arrays), with no Python object per event;
see docs/guide/arrays.md. NumPy is needed (``pip install 'midox[arrays]'``); ``import midox`` does
not import it.
"""
from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from midox._core import _arrays
from midox._core._meta import MAJOR_KEYS, MINOR_KEYS
from midox._core._smf import division_from_timing, timing_from_division

from .dtypes import DTYPES

if TYPE_CHECKING:
    from _typeshed import SupportsRead, SupportsWrite
    from typing_extensions import Self

    from midox._core._smf import FileProblem
    from midox.midifiles.midifiles import MidiFile

    _Errors = Literal['strict', 'warn', 'ignore']
    _Pairing = Literal['fifo', 'all']

ERRORS = ('strict', 'warn', 'ignore')
PAIRINGS = ('fifo', 'all')
# The tables that hold the file between them (every event in exactly one); `events` is a view of all of them.
TABLES = tuple(name for name in _arrays.TABLES if name != 'events')


def read_arrays(source: str | os.PathLike[Any] | SupportsRead[bytes] | bytes | bytearray | memoryview, *,
                errors: _Errors = 'strict', pairing: _Pairing = 'fifo', charset: str = 'latin1',
                clip: bool = False) -> MidiArrays:
    """Read a Standard MIDI File into a MidiArrays.

    :param source: a path, a binary file object, or the file's bytes.
    :param errors: 'strict' raises what MidiFile raises (mido's exception classes, with the track and byte
        offset); 'warn' and 'ignore' read what can be read and list each problem in ``problems``, as MidiFile.
    :param pairing: how note-offs close notes: 'fifo' (the oldest open note of the same track, channel and
        pitch; symusic's notes) or 'all' (every open note of that pitch and channel that started at an earlier
        tick; pretty_midi's and miditoolkit's notes).
    :param charset: the encoding of text meta events.
    :param clip: clip data bytes above 127 to 127 instead of raising, as MidiFile's clip.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return MidiArrays.from_bytes(source, errors=errors, pairing=pairing, charset=charset, clip=clip)
    return MidiArrays.from_file(source, errors=errors, pairing=pairing, charset=charset, clip=clip)


def _table(name: str) -> Any:     # a descriptor: reading it gives the table, a NumPy structured array
    """The attribute of a table: its NumPy array made from the rows read in C on first access, then an
    ordinary attribute (assign a new array to replace it). An empty table is a view of one made once
    (np.zeros of a structured dtype is slow)."""
    return _arrays.TableAttribute(name, np.frombuffer, DTYPES[name], np.zeros(0, DTYPES[name]))


class MidiArrays:
    """A MIDI file as tables: one NumPy structured array per kind of event, ticks as int64, seconds as float64.

    Tables (each row has ``track``, ``tick`` and ``time`` in seconds, and ``event``: its index in the file):
    ``notes`` (``start``/``end`` ticks, ``start_time``/``end_time`` seconds, ``on_event``/``off_event``),
    ``controls``, ``pitch_bends``, ``programs``, ``aftertouch``, ``polytouch``, ``tempos``, ``time_signatures``,
    ``key_signatures``, ``texts`` and ``sysex`` (``offset``/``length`` of their bytes in ``data``), and
    ``others``: the events no other table holds (end_of_track, other meta events, notes that pair with
    nothing). Together they hold every event of the file; ``events`` lists them all as they are in the file.

    Also: ``type``, ``ticks_per_beat`` (None with SMPTE timing), ``smpte``, ``length`` (seconds),
    ``problems`` (as MidiFile.problems), ``unclosed_notes`` (notes still open at the end of their track, left
    out of notes) and ``unmatched_note_offs`` (note-offs that closed nothing); both kinds of event are in
    ``others``.
    """

    notes = _table('notes')
    controls = _table('controls')
    pitch_bends = _table('pitch_bends')
    programs = _table('programs')
    aftertouch = _table('aftertouch')
    polytouch = _table('polytouch')
    tempos = _table('tempos')
    time_signatures = _table('time_signatures')
    key_signatures = _table('key_signatures')
    texts = _table('texts')
    sysex = _table('sysex')
    others = _table('others')

    type: int
    # None only with SMPTE timing: typed as MidiFile.ticks_per_beat.
    ticks_per_beat: int | Any
    smpte: tuple[float, int] | None
    charset: str
    pairing: str
    data: bytes
    problems: list[FileProblem]
    unclosed_notes: int
    unmatched_note_offs: int
    ntracks: int

    def __init__(self, *, type: int = 1, ticks_per_beat: int | None = 480, smpte: tuple[float, int] | None = None,
                 charset: str = 'latin1', pairing: _Pairing = 'fifo') -> None:
        if pairing not in PAIRINGS:
            raise ValueError(f"pairing must be 'fifo' or 'all', not {pairing!r}")
        self.type = type
        self.ticks_per_beat = ticks_per_beat
        self.smpte = smpte
        self.charset = charset
        self.pairing = pairing
        self.data = b''
        self.problems = []
        self.unclosed_notes = 0
        self.unmatched_note_offs = 0
        self.ntracks = 0
        self._last_tick = 0
        self._events: Any = None
        self._read_options: tuple[bool, bool, str] | None = None
        self._rows: dict[str, Any] = {}         # each table's rows as read, until its array is made (see _table)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview, *, errors: _Errors = 'strict', pairing: _Pairing = 'fifo',
                   charset: str = 'latin1', clip: bool = False) -> Self:
        """Read the file held in data (bytes); see read_arrays()."""
        if errors not in ERRORS:
            raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {errors!r}")
        if pairing not in PAIRINGS:
            raise ValueError(f"pairing must be 'fifo' or 'all', not {pairing!r}")
        data = bytes(data)
        strict = errors == 'strict'
        found = _arrays.read_tables(data, strict, clip, charset, pairing == 'all')
        ticks_per_beat, smpte = timing_from_division(found['division'])
        self = cls.__new__(cls)         # the attributes of __init__, set at once (this runs for every file)
        self.__dict__.update(
            type=found['format'], ticks_per_beat=ticks_per_beat, smpte=smpte, charset=charset, pairing=pairing,
            data=data, problems=found['problems'], unclosed_notes=found['unclosed_notes'],
            unmatched_note_offs=found['unmatched_note_offs'], ntracks=found['ntracks'],
            _last_tick=found['last_tick'], _events=None, _read_options=(strict, clip, charset), _rows=found)
        if self.problems and errors == 'warn':
            from midox.midifiles.midifiles import warn_about
            warn_about(self.problems, None)
        return self

    @classmethod
    def from_file(cls, source: str | os.PathLike[Any] | SupportsRead[bytes], **options: Any) -> Self:
        """Read a file given as a path or an open binary file; options as read_arrays()."""
        if isinstance(source, (str, os.PathLike)):
            with open(source, 'rb') as file:
                return cls.from_bytes(file.read(), **options)
        return cls.from_bytes(source.read(), **options)

    @property
    def events(self) -> Any:
        """Every event of every track in file order (a table like ``others``), read from ``data`` on first use.

        It shows the file as read, not edits made to the other tables since."""
        if self._events is None:
            if self._read_options is None:
                return np.zeros(0, DTYPES['events'])
            strict, clip, charset = self._read_options
            found = _arrays.read_tables(self.data, strict, clip, charset, events_only=True)
            rows = found.get('events')
            self._events = np.zeros(0, DTYPES['events']) if rows is None else np.frombuffer(rows, DTYPES['events'])
            self._events['time'] = self.seconds(self._events['tick'])     # by the tempo map of tempos
        return self._events

    @property
    def length(self) -> float:
        """Playback time in seconds, to the last event of any track (as MidiFile.length)."""
        if self.type == 2:
            raise ValueError('impossible to compute length for type 2 (asynchronous) file')
        return float(self.seconds(self._last_tick))

    def _seconds_per_tick(self) -> float:
        if self.smpte is None:
            return 0.0
        frames_per_second, ticks_per_frame = self.smpte
        return 1.0 / (frames_per_second * ticks_per_frame)

    def seconds(self, ticks: Any) -> Any:
        """The time in seconds of ticks (an int or an array of ints), by the tempo map of ``tempos``."""
        ticks = np.asarray(ticks)
        flat = np.ascontiguousarray(ticks, dtype=np.int64).reshape(-1)
        out = np.empty(flat.shape, np.float64)
        tempos = np.ascontiguousarray(self.tempos, dtype=DTYPES['tempos'])
        _arrays.seconds(tempos.view(np.uint8), float(self.ticks_per_beat or 0), self._seconds_per_tick(),
                        flat.view(np.uint8), out.view(np.uint8))
        return out.reshape(ticks.shape) if ticks.ndim else out[0]

    def retime(self) -> None:
        """Compute every time column again from the ticks, after tempos or ticks were edited."""
        for name in TABLES:
            table = getattr(self, name)
            if name == 'notes':
                table['start_time'] = self.seconds(table['start'])
                table['end_time'] = self.seconds(table['end'])
            else:
                table['time'] = self.seconds(table['tick'])

    def to_bytes(self) -> bytes:
        """The Standard MIDI File of the tables (with running status, by MidiFile.save()'s encoder).

        Every row is written: edit, add or delete rows and the file says so. Events are ordered by track, tick
        and ``event`` index, so a file read and written unchanged gives the same messages; rows added with
        ``event`` -1 go before the file's events of their tick (note-offs first). Each track ends with one
        end_of_track at its last tick. Raises ValueError naming the table and row of what a MIDI file cannot
        hold, as MidiFile.save() does: a value out of range, a real-time message (which strict reading keeps,
        as mido), a delta time above 0x0FFFFFFF."""
        tables: dict[str, Any] = {}
        for name in TABLES:
            table = self.__dict__.get(name)
            if table is None:       # never made into an array: the rows as read
                tables[name] = self._rows.get(name, b'')
                continue
            if table.dtype is not DTYPES[name] and table.dtype != DTYPES[name]:
                # np.concatenate and friends pack the fields: the same fields in the same order are fine
                if table.dtype.names != DTYPES[name].names:
                    raise TypeError(f'{name} must have the fields of midox.arrays.dtypes.DTYPES[{name!r}], '
                                    f'not {table.dtype}')
                table = table.astype(DTYPES[name])
            tables[name] = table if table.flags.c_contiguous else np.ascontiguousarray(table)
        division = division_from_timing(self.ticks_per_beat, self.smpte)
        return _arrays.write_tables(self.type, division, self.ntracks, tables, self.data)

    def save(self, file: str | os.PathLike[Any] | SupportsWrite[bytes]) -> None:
        """Write the file (see to_bytes()) to file: a path or an open binary file."""
        data = self.to_bytes()
        if isinstance(file, (str, os.PathLike)):
            with open(file, 'wb') as out:
                out.write(data)
        else:
            file.write(data)

    def to_midifile(self) -> MidiFile:
        """A midox.MidiFile of the tables: the file to_bytes() writes, read back."""
        from midox.midifiles.midifiles import MidiFile
        midi = MidiFile(charset=self.charset)
        midi._load(self.to_bytes())
        return midi

    def pianoroll(self, fs: float = 100.0, **options: Any) -> Any:
        """The piano roll of the notes, as pretty_midi's ``get_piano_roll(fs)`` (with the sustain pedal and
        pitch bends): float64, (128, columns). See midox.arrays.pianoroll.pianoroll() for the options (tick
        columns, ``times``, one track, one roll per track)."""
        from .pianoroll import pianoroll
        return pianoroll(self.notes, self.controls, pitch_bends=self.pitch_bends, fs=fs, **options)

    def to_pandas(self, table: str) -> Any:
        """A table as a pandas DataFrame (texts decoded, sysex data as bytes, key names); needs pandas."""
        from .frames import to_pandas
        return to_pandas(self, table)

    def to_arrow(self, table: str) -> Any:
        """A table as a pyarrow Table (as to_pandas()); needs pyarrow."""
        from .frames import to_arrow
        return to_arrow(self, table)

    def text(self, row: int) -> str:
        """The text of row (an index) of ``texts``, decoded with the file's charset."""
        found = self.texts[row]
        return self.data[found['offset']:found['offset'] + found['length']].decode(self.charset)

    def sysex_data(self, row: int) -> bytes:
        """The data bytes of row (an index) of ``sysex``, as MidiFile reads them (bytes above 127 read as 127)."""
        found = self.sysex[row]
        data = np.frombuffer(self.data, np.uint8, found['length'], found['offset'])
        return np.minimum(data, 127).tobytes()

    def key_names(self) -> list[str]:
        """mido's name of each key of ``key_signatures`` ('C', 'F#m', ...)."""
        return [(MINOR_KEYS if mode else MAJOR_KEYS)[sharps + 7]
                for sharps, mode in zip(self.key_signatures['sharps'].tolist(), self.key_signatures['mode'].tolist())]

    def __repr__(self) -> str:
        counts = ', '.join(f'{name}={len(getattr(self, name))}' for name in TABLES if len(getattr(self, name)))
        timing = f'smpte={self.smpte!r}' if self.smpte is not None else f'ticks_per_beat={self.ticks_per_beat}'
        return f'<MidiArrays type={self.type}, {timing}, {counts}>'


__all__ = ['MidiArrays', 'read_arrays']
