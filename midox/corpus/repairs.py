"""Repairing the files of a corpus (midox repair): each file read tolerantly, repaired and saved where it goes
(docs/guide/broken-files.md)."""
import pathlib

from midox.midifiles import repair_file


def targets(sources, source_root, target_root):
    """(source, target) pairs: a file in a searched folder goes to the same place under target_root."""
    source_root, target_root = pathlib.Path(source_root), pathlib.Path(target_root)
    return [(source, target_root / pathlib.Path(source).relative_to(source_root)) for source in sources]


def repair_to(pair):
    """Repair the file pair[0] into pair[1] (its folder made if needed); the changes made."""
    source, target = pair
    pathlib.Path(target).parent.mkdir(parents=True, exist_ok=True)
    return repair_file(source, target)
