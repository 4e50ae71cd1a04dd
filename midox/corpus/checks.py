"""Checking MIDI files: does strict reading take a file, and if not, what does tolerant reading find?

Both readings are MidiFile's (docs/guide/broken-files.md), done by the C reader that read_arrays uses
without making a message or a NumPy array, so that checking needs neither time per event in Python nor NumPy.
"""
import dataclasses
import os
import pathlib
from typing import Any

from midox._core import _arrays


@dataclasses.dataclass(frozen=True)
class FileCheck:
    """The check of one file.

    error: what strict reading raised (``'EOFError: unexpected end of file (track 2, byte offset 310)'``),
    None if it read the file. problems: if it did not, what tolerant reading (errors='ignore') found and
    recovered from (data bytes above 127 clipped too), as (track, byte offset, what) tuples (track None: the
    file's chunks).
    tolerant_error: what tolerant reading raised, if even it failed (only a file it cannot open at all).
    """
    path: str
    size: int
    error: str | None = None
    problems: tuple[tuple[int | None, int, str], ...] = ()
    tolerant_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def describe(error: BaseException) -> str:
    return f'{type(error).__name__}: {error}'


def problem_text(problem: tuple[int | None, int, str]) -> str:
    """A problem as one line: ``track 2, byte 310: what`` (``file, byte 0: what`` for the chunks)."""
    track, offset, what = problem
    return f'{"file" if track is None else f"track {track}"}, byte {offset}: {what}'


def check_bytes(data: bytes | bytearray | memoryview, path: str | os.PathLike[Any] = '') -> FileCheck:
    """The FileCheck of a file's bytes."""
    try:
        _arrays.read_tables(data, True)
        return FileCheck(str(path), len(data))
    except Exception as error:      # any failure of strict reading is the finding (MidiFile's classes)
        strict_error = describe(error)
    try:
        found = _arrays.read_tables(data, False, False)     # clip=False: clipped bytes are problems too
    except Exception as error:
        return FileCheck(str(path), len(data), strict_error, tolerant_error=describe(error))
    return FileCheck(str(path), len(data), strict_error, tuple(tuple(problem) for problem in found['problems']))


def check_file(path: str | os.PathLike[Any]) -> FileCheck:
    """The FileCheck of the file at path (OSError if it cannot be read)."""
    return check_bytes(pathlib.Path(path).read_bytes(), path)
