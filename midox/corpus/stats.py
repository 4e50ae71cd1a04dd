"""A corpus in numbers: files read and failed, notes, lengths, pitches, programs, tempos and time signatures.

file_stats() runs per file (in a worker) and returns a small summary; CorpusStats adds them up in constant
memory per file (a length is 8 bytes) and reports them as text or draws them (matplotlib, imported only
then). Needs NumPy.
"""
import collections

import numpy as np

from .checks import describe

DRUMS = 9                       # the General MIDI drum channel (0-based): its notes are not pitches


def file_stats(path, errors='ignore'):
    """The summary of one file: a dict (error set if it could not be read)."""
    from midox.arrays import read_arrays

    try:
        arrays = read_arrays(path, errors=errors)
        length = arrays.length if arrays.type != 2 else None
    except Exception as error:
        return {'path': str(path), 'error': describe(error)}
    notes = arrays.notes
    pitched = notes[notes['channel'] != DRUMS]
    return {
        'path': str(path), 'error': None, 'problems': len(arrays.problems), 'type': arrays.type,
        'notes': len(notes), 'drum_notes': len(notes) - len(pitched), 'length': length,
        'pitches': np.bincount(pitched['pitch'], minlength=128),
        'programs': np.bincount(pitched['program'], minlength=128),
        'tempos': collections.Counter(round(60e6 / tempo) for tempo in arrays.tempos['tempo'].tolist() if tempo),
        'time_signatures': collections.Counter(
            f'{numerator}/{denominator}' for numerator, denominator in
            zip(arrays.time_signatures['numerator'].tolist(), arrays.time_signatures['denominator'].tolist())),
    }


class CorpusStats:
    """The sums of many file_stats()."""

    def __init__(self):
        self.files = self.failed = self.with_problems = self.notes = self.drum_notes = 0
        self.failures = []              # (path, error) of the first files that failed
        self.types = collections.Counter()
        self.lengths = []
        self.pitches = np.zeros(128, np.int64)
        self.programs = np.zeros(128, np.int64)
        self.tempos = collections.Counter()          # beats per minute (rounded) -> set_tempo events
        self.time_signatures = collections.Counter()

    def add(self, found):
        self.files += 1
        if found['error'] is not None:
            self.failed += 1
            if len(self.failures) < 10:
                self.failures.append((found['path'], found['error']))
            return
        self.with_problems += found['problems'] > 0
        self.types[found['type']] += 1
        self.notes += found['notes']
        self.drum_notes += found['drum_notes']
        if found['length'] is not None:
            self.lengths.append(found['length'])
        self.pitches += found['pitches']
        self.programs += found['programs']
        self.tempos.update(found['tempos'])
        self.time_signatures.update(found['time_signatures'])

    def report(self):
        """The summary as lines of text."""
        read = self.files - self.failed
        lines = [f'files: {self.files:,} ({read:,} read, {self.failed:,} failed, {self.with_problems:,} read '
                 f'with problems); types: '
                 + ', '.join(f'{kind}: {count:,}' for kind, count in sorted(self.types.items())),
                 f'notes: {self.notes:,} ({self.drum_notes:,} on the drum channel)']
        if self.lengths:
            lengths = np.asarray(self.lengths)
            q = np.percentile(lengths, [0, 25, 50, 75, 100])
            lines.append(f'length (s): total {lengths.sum() / 3600:,.1f} h; min {q[0]:.1f}, quartiles {q[1]:.1f} / '
                         f'{q[2]:.1f} / {q[3]:.1f}, max {q[4]:.1f}')
        if self.pitches.any():
            lines.append('pitches (drums left out): lowest {}, highest {}, most common {}'.format(
                int(np.flatnonzero(self.pitches)[0]), int(np.flatnonzero(self.pitches)[-1]),
                ', '.join(f'{int(pitch)} ({self.pitches[pitch]:,})'
                          for pitch in np.argsort(-self.pitches, kind='stable')[:5] if self.pitches[pitch])))
        if self.programs.any():
            lines.append('programs (notes, drums left out): ' + ', '.join(
                f'{int(program)} ({self.programs[program]:,})'
                for program in np.argsort(-self.programs, kind='stable')[:8] if self.programs[program]))
        if self.tempos:
            lines.append('tempos (bpm: set_tempo events): ' + ', '.join(
                f'{bpm} ({count:,})' for bpm, count in self.tempos.most_common(8)))
        if self.time_signatures:
            lines.append('time signatures: ' + ', '.join(
                f'{signature} ({count:,})' for signature, count in self.time_signatures.most_common(8)))
        for path, error in self.failures:
            lines.append(f'failed: {path}: {error}')
        if self.failed > len(self.failures):
            lines.append(f'and {self.failed - len(self.failures):,} more failed')
        return lines

    def plot(self, path):
        """Draw the histograms (pitches, programs, lengths, tempos) into an image file (matplotlib)."""
        import matplotlib
        matplotlib.use('Agg')           # no display needed
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(2, 2, figsize=(12, 8))
        axes[0, 0].bar(range(128), self.pitches)
        axes[0, 0].set(title='pitches (drums left out)', xlabel='MIDI note', ylabel='notes')
        axes[0, 1].bar(range(128), self.programs)
        axes[0, 1].set(title='programs', xlabel='General MIDI program', ylabel='notes')
        axes[1, 0].hist(self.lengths, bins=50)
        axes[1, 0].set(title='lengths', xlabel='seconds', ylabel='files')
        tempos = sorted(self.tempos.items())
        axes[1, 1].bar([bpm for bpm, _ in tempos], [count for _, count in tempos])
        axes[1, 1].set(title='tempos', xlabel='beats per minute', ylabel='set_tempo events')
        figure.suptitle(f'{self.files:,} files, {self.notes:,} notes')
        figure.tight_layout()
        figure.savefig(path)
        plt.close(figure)
