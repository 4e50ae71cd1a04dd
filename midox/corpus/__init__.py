"""Working on whole corpora of MIDI files: finding them, running a function over them on all cores (in input
order, a crash or a hang reported for its file), checking them, and collecting their notes.

    >>> from midox import corpus
    >>> for outcome in corpus.run(corpus.check_file, corpus.find_files(['dataset/']), jobs=4):  # doctest: +SKIP
    ...     if outcome.ok and not outcome.value.ok:
    ...         print(outcome.item, outcome.value.error)

The ``midox`` program is a thin layer over this module (docs/guide/corpus.md).
"""
from .checks import FileCheck, check_bytes, check_file, problem_text
from .files import SUFFIXES, find_files
from .pool import Outcome, default_jobs, run
from .progress import progress_bar

__all__ = ['FileCheck', 'Outcome', 'SUFFIXES', 'check_bytes', 'check_file', 'default_jobs', 'find_files',
           'problem_text', 'progress_bar', 'run']
