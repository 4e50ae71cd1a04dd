"""Finding the MIDI files of a corpus: files given by name, folders searched recursively."""
import os
import pathlib
from collections.abc import Iterable, Iterator
from typing import Any

# Standard MIDI Files, karaoke files (an SMF with lyrics) and RIFF RMID files (an SMF in a RIFF wrapper).
SUFFIXES = ('.mid', '.midi', '.kar', '.rmi')


def find_files(paths: str | os.PathLike[Any] | Iterable[str | os.PathLike[Any]],
               suffixes: Iterable[str] = SUFFIXES) -> list[pathlib.Path]:
    """The files named by paths, in a stable order: a file is taken whatever its name; a folder is searched
    recursively for files whose suffix (any case) is one of suffixes, sorted by path. A file named twice, or
    found twice, comes once, where it came first.

    Raises FileNotFoundError for a path that does not exist.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    wanted = tuple(suffix.lower() for suffix in suffixes)
    found, seen = [], set()
    for path in map(pathlib.Path, paths):
        if path.is_dir():
            candidates = [pathlib.Path(name) for name in sorted(_search(os.fspath(path), wanted))]
        elif path.exists():
            candidates = [path]
        else:
            raise FileNotFoundError(f'no such file or folder: {str(path)!r}')
        for candidate in candidates:
            key = os.path.normcase(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _search(folder: str, suffixes: tuple[str, ...]) -> Iterator[str]:
    """The paths (str: sorting Path objects is slow) of the regular files under folder with these suffixes."""
    for top, _, names in os.walk(folder):
        for name in names:
            if os.path.splitext(name)[1].lower() in suffixes:
                path = os.path.join(top, name)
                if os.path.isfile(path):
                    yield path
