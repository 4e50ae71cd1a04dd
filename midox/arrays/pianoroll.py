"""Piano rolls from MidiArrays' note table, equal to pretty_midi's ``PrettyMIDI.get_piano_roll()``.

pretty_midi (0.2.x) renders a file instrument by instrument and sums the rolls. An instrument is the notes of
one (track, channel, program); channel 9 is drums, which count towards the width but draw nothing. For each
instrument:

- the roll has ``int(fs * end)`` columns, ``end`` being the instrument's last note end, controller or pitch
  bend time (or ``times[-1]`` when that is later);
- a note adds its velocity to the columns ``int(start * fs)`` up to, not including, ``int(end * fs)`` of its
  pitch's row (a note shorter than a column may draw nothing);
- a sustain pedal (control 64 at or above ``pedal_threshold``) holds each row's running maximum from the
  column it goes down to the column it comes up; a pedal still down at the end holds nothing;
- pitch bends shift rows by whole semitones and blend the rest with the neighbouring row, column by column
  (a range of 2 semitones);
- with ``times``, output column n is the mean of the roll's columns ``round(times[n] * fs)`` up to
  ``round(times[n + 1] * fs)`` (one column when they are equal, zero past the roll's end), and the last output
  column is zero.

The sums of the instruments are added in pretty_midi's order (track, then the first note-off), so the floats
are the same bit for bit. Where midox differs: pretty_midi files a controller or pitch bend under the program
that is current on its channel when it occurs, sometimes under a note-less placeholder; here every instrument
gets all of its (track, channel)'s controllers and bends. The two agree whenever a channel keeps one program
while it plays notes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ['pianoroll']

SUSTAIN_PEDAL = 64
DRUM_CHANNEL = 9
PITCHES = 128
BEND_SEMITONES = 2      # pretty_midi's pitch_bend_to_semitones() default range


def pianoroll(notes: Any, controls: Any = None, *, pitch_bends: Any = None, fs: float = 100.0,
              ticks_per_column: int | None = None, times: Any = None, pedal_threshold: float | None = SUSTAIN_PEDAL,
              track: int | None = None, separate: bool = False) -> Any:
    """The piano roll of ``notes`` (a NOTE array): float64, shaped (128, columns), summed velocities.

    ``controls`` (CONTROL) brings the sustain pedal and the width that later controllers give, ``pitch_bends``
    (PITCH_BEND) the bends; leave them out to ignore them. ``fs`` is columns per second. ``ticks_per_column``
    (an int) makes the columns ticks instead of seconds: tick t is in column ``t // ticks_per_column``
    (1: a column per tick) and ``fs`` is ignored; ``times`` are then ticks, taken to columns the same way.
    ``times`` (seconds, non-decreasing, non-negative) samples the roll at those instants: one column each.
    ``pedal_threshold=None`` ignores the pedal. ``track`` keeps that track's events only. ``separate=True``
    returns (tracks, 128, columns), one roll per track index up to the last track with notes; summed over
    the tracks it gives the combined roll (exactly so while no bends and no ``times`` bring fractions in).

    With no notes the roll is (128, 0), as pretty_midi's is with no instruments, even with ``times``.
    """
    columns = _Columns(fs, ticks_per_column)
    tables = (notes, _or_empty(controls, notes), _or_empty(pitch_bends, notes))
    if track is not None:
        tables = tuple(table[table['track'] == track] for table in tables)
    instruments = _instruments(*tables, columns, pedal_threshold)
    if times is not None:
        times = _checked_times(times)
    width = _width(instruments, columns, times)
    if not separate:
        return _render(instruments, width, columns, times)
    rolls = np.zeros((_track_count(instruments), PITCHES, width))
    for number, roll in enumerate(rolls):
        roll[:] = _render([i for i in instruments if i.track == number], width, columns, times)
    return rolls


class _Columns:
    """Where instants fall on the columns: seconds times fs, truncated as pretty_midi's int() does, or ticks
    floor-divided by ticks_per_column."""

    def __init__(self, fs, ticks_per_column):
        if ticks_per_column is not None and (int(ticks_per_column) != ticks_per_column or ticks_per_column < 1):
            raise ValueError(f'ticks_per_column must be a positive integer, not {ticks_per_column!r}')
        self.fs = fs
        self.per_column = None if ticks_per_column is None else int(ticks_per_column)

    def note_span(self, notes):
        if self.per_column is None:
            return notes['start_time'], notes['end_time']
        return notes['start'], notes['end']

    def instants(self, table):
        return table['time'] if self.per_column is None else table['tick']

    def of(self, instants):
        """Column of each instant (an array or a scalar)."""
        if self.per_column is None:
            return (np.asarray(instants) * self.fs).astype(np.int64)
        return np.asarray(instants) // self.per_column

    def sampled(self, times):
        """Columns of the ``times`` samples: pretty_midi rounds them (to even), ticks floor-divide."""
        if self.per_column is None:
            return np.round(times * self.fs).astype(np.int64)
        return times.astype(np.int64) // self.per_column


class _Instrument:
    """One (track, channel, program)'s notes as columns, with its pedal spans and bends."""

    def __init__(self, track, channel, end, pitch, start, stop, velocity, pedal, bends):
        self.track = track
        self.is_drum = channel == DRUM_CHANNEL
        self.end = end                      # last instant (seconds or ticks) of its events
        self.pitch, self.start, self.stop, self.velocity = pitch, start, stop, velocity
        self.pedal = pedal                  # (ons, offs) columns
        self.bends = bends                  # (columns, pitch values), in time order
        self.bent = not self.is_drum and bool(np.any(bends[1] != 0))    # a zero bend changes nothing

    def width(self, columns, times):
        end = self.end
        if times is not None and times[-1] > end:
            end = times[-1]
        return int(columns.of(end))


def _or_empty(table, notes):
    """A missing table as an empty array with the fields the roll reads."""
    if table is not None:
        return table
    fields = [('track', 'u2'), ('channel', 'u1'), ('control', 'u1'), ('value', 'u1'), ('pitch', 'i2'),
              ('tick', 'i8'), ('time', 'f8'), ('event', 'i4')]
    return np.zeros(0, dtype=fields)


def _instruments(notes, controls, bends, columns, pedal_threshold):
    """The instruments, in pretty_midi's order: by track, then by the note-off that created each."""
    if len(notes) == 0:
        return []
    keys = ((notes['track'].astype(np.int64) << 16) | (notes['channel'].astype(np.int64) << 8)
            | notes['program'])
    groups, group_of = np.unique(keys, return_inverse=True)
    first_off = np.full(len(groups), np.iinfo(np.int64).max)
    np.minimum.at(first_off, group_of, notes['off_event'])
    creation = np.lexsort((groups, first_off, groups >> 16))
    by_group = np.argsort(group_of, kind='stable')
    bounds = np.searchsorted(group_of[by_group], np.arange(len(groups) + 1))

    starts, ends = columns.note_span(notes)
    controls_of = _by_channel(controls)
    bends_of = _by_channel(bends)
    instruments = []
    for group in creation:
        rows = by_group[bounds[group]:bounds[group + 1]]
        channel_key = int(groups[group] >> 8)
        own_controls = controls_of(channel_key)
        own_bends = bends_of(channel_key)
        end = max([ends[rows].max()] + [columns.instants(t).max() for t in (own_controls, own_bends) if len(t)])
        instruments.append(_Instrument(
            int(groups[group] >> 16), int(groups[group] >> 8) & 0xFF, end, notes['pitch'][rows].astype(np.int64),
            columns.of(starts[rows]), columns.of(ends[rows]), notes['velocity'][rows],
            _pedal_spans(own_controls, columns, pedal_threshold), _bend_columns(own_bends, columns)))
    return instruments


def _by_channel(table):
    """A lookup of a table's rows by (track << 8 | channel), each in file order."""
    keys = (table['track'].astype(np.int64) << 8) | table['channel']
    order = np.lexsort((table['event'], keys))
    keys = keys[order]

    def rows_of(key):
        return table[order[np.searchsorted(keys, key):np.searchsorted(keys, key, side='right')]]
    return rows_of


def _pedal_spans(controls, columns, threshold):
    """[on, off) column spans of the sustain pedal. pretty_midi's state is simply the last pedal event's
    (value >= threshold), so a span opens where that turns true and closes where it turns false."""
    if threshold is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pedal = controls[controls['control'] == SUSTAIN_PEDAL]
    down = pedal['value'] >= threshold
    was_down = np.concatenate(([False], down[:-1]))
    at = columns.of(columns.instants(pedal))
    offs = at[was_down & ~down]
    return at[down & ~was_down][:len(offs)], offs


def _bend_columns(bends, columns):
    """Each bend's first column and value, sorted by time as pretty_midi sorts them (stably)."""
    order = np.argsort(columns.instants(bends), kind='stable')
    return columns.of(columns.instants(bends)[order]), bends['pitch'][order].astype(np.int64)


def _checked_times(times):
    times = np.asarray(times)
    if times.ndim != 1:
        raise ValueError('times must be one-dimensional')
    # pretty_midi's slices would wrap around (negative) or average nothing into NaN (decreasing).
    if len(times) and (times[0] < 0 or np.any(np.diff(times) < 0)):
        raise ValueError('times must be non-negative and non-decreasing')
    return times


def _width(instruments, columns, times):
    if not instruments:
        return 0
    if times is not None:
        return len(times)
    return max(i.width(columns, None) for i in instruments)


def _track_count(instruments):
    return 1 + max((i.track for i in instruments), default=-1)


def _render(instruments, width, columns, times):
    """The sum of the instruments' rolls, (128, width)."""
    if times is not None:
        return _render_sampled(instruments, width, columns, times)
    if any(i.bent for i in instruments):
        # Fractions: add in pretty_midi's order so that every float rounds as its sum does.
        total = np.zeros((PITCHES, width))
        for instrument in instruments:
            if not instrument.is_drum:
                rows, roll = _instrument_roll(instrument, instrument.width(columns, None))
                total[rows, :roll.shape[1]] += roll
        return total
    # Integers only: the order of the sums does not matter, so the unpedalled notes go in one pass.
    plain = [i for i in instruments if not i.is_drum and not len(i.pedal[0])]
    total = _velocity_sums(*_concatenated(plain), width) if plain else np.zeros((PITCHES, width))
    for instrument in instruments:
        if not instrument.is_drum and len(instrument.pedal[0]):
            rows, roll = _instrument_roll(instrument, width)
            total[rows] += roll
    return total


def _render_sampled(instruments, count, columns, times):
    total = np.zeros((PITCHES, count))
    if count == 0:
        return total
    at = columns.sampled(times)
    for instrument in instruments:
        if not instrument.is_drum:   # a drum adds zeros
            rows, roll = _instrument_roll(instrument, instrument.width(columns, times))
            total[rows] += _sample(roll, at, instrument.bent)
    return total


def _concatenated(instruments):
    return [np.concatenate([getattr(i, name) for i in instruments])
            for name in ('pitch', 'start', 'stop', 'velocity')]


def _instrument_roll(instrument, width):
    """(rows, roll): the instrument's roll over the rows it plays (all 128 when it bends, which moves notes
    to other rows), pedal and bends applied."""
    if instrument.bent:
        rows, pitch = slice(None), instrument.pitch
    else:
        rows, pitch = np.unique(instrument.pitch, return_inverse=True)
    roll = _velocity_sums(pitch, instrument.start, instrument.stop, instrument.velocity, width,
                          PITCHES if isinstance(rows, slice) else len(rows))
    _sustain(roll, *instrument.pedal)
    if instrument.bent:
        roll = _bend(roll, *instrument.bends)
    return rows, roll


def _velocity_sums(row, start, stop, velocity, width, rows=PITCHES):
    """Each note adds its velocity to the columns [start, stop) of its row: changes at both ends, summed along
    the row in place. The sums are integers, exact in float64."""
    stop = np.minimum(stop, width)
    drawn = start < stop
    row, start, stop, weight = row[drawn], start[drawn], stop[drawn], velocity[drawn].astype(np.float64)
    ends = stop < width                 # a change at the row's end would fall past it
    changes = np.bincount(np.concatenate((row * width + start, row[ends] * width + stop[ends])),
                          np.concatenate((weight, -weight[ends])), minlength=rows * width).reshape(rows, width)
    # float64 always: bincount gives int64 when there is nothing to count, whatever the weights' type
    return np.cumsum(changes, axis=1, dtype=np.float64)


def _sustain(roll, ons, offs):
    """Hold each row's running maximum over each pedal span, in place, as np.maximum.accumulate over
    roll[:, on:off] does span by span. One accumulate does all spans: each span, and each column outside
    the spans, is lifted by its own multiple of (max + 1), so that no maximum carries over to the next."""
    width = roll.shape[1]
    ons, offs = np.minimum(ons, width), np.minimum(offs, width)
    held = ons < offs
    if not held.any():
        return
    ons, offs = ons[held], offs[held]
    low, high = ons[0], offs[-1]
    # Columns after a span's first carry on its group; every other column starts one.
    inside = np.bincount(np.concatenate((ons + 1 - low, offs - low)),
                         np.concatenate((np.ones(len(ons)), -np.ones(len(offs)))), minlength=high - low + 1)
    group = np.cumsum(np.cumsum(inside)[:high - low] == 0)
    lift = group * (roll[:, low:high].max() + 1)
    roll[:, low:high] = np.maximum.accumulate(roll[:, low:high] + lift, axis=1) - lift


def _bend(roll, at, value):
    """pretty_midi's bends: over the columns from each bend to the next one (or the end) it shifts the rows
    up (down) by the whole semitones and blends each row with the one below (above) by the fraction."""
    width = roll.shape[1]
    held = np.searchsorted(at, np.arange(width), side='right') - 1
    value = np.where(held >= 0, value[held], 0)
    semitones = value * BEND_SEMITONES / 8192.0
    whole = np.trunc(semitones).astype(np.int64)
    fraction = np.abs(semitones - whole)
    bent = roll.copy()
    for up in (True, False):
        for shift in np.unique(whole[(value > 0) if up else (value < 0)]):
            cols = np.flatnonzero(((value > 0) if up else (value < 0)) & (whole == shift))
            bent[:, cols] = _bend_columns_by(roll[:, cols], int(shift), fraction[cols], up)
    return bent


def _bend_columns_by(part, shift, fraction, up):
    shifted = np.zeros_like(part)
    if up:
        shifted[shift:] = part[:PITCHES - shift]
        shifted[1:] = (1 - fraction) * shifted[1:] + fraction * shifted[:-1]
    else:
        shifted[:PITCHES + shift] = part[-shift:]
        shifted[:-1] = (1 - fraction) * shifted[:-1] + fraction * shifted[1:]
    return shifted


def _sample(roll, at, fractional):
    """pretty_midi's resampling of one instrument's roll: output column n is the mean of the roll's columns
    [at[n], at[n + 1]) (just at[n] when they are equal, cut at the roll's end; zero when at[n] is past it);
    the last output column stays zero."""
    width = roll.shape[1]
    sampled = np.zeros((roll.shape[0], len(at)))
    begin, end = at[:-1], np.maximum(at[1:], at[:-1] + 1)
    inside = np.flatnonzero(begin < width)
    begin, end = begin[inside], np.minimum(end[inside], width)
    if fractional:
        sampled[:, inside] = _window_means(roll, begin, end)
        return sampled
    # Integer sums are exact, so the running sum (in place: the roll is ours) gives each window's sum as
    # np.mean would.
    running = np.cumsum(roll, axis=1, out=roll)
    before = np.where(begin > 0, running[:, begin - 1], 0)
    sampled[:, inside] = (running[:, end - 1] - before) / (end - begin)
    return sampled


def _window_means(roll, begin, end):
    """np.mean over each window of a roll with fractions: windows of one length are gathered and averaged
    together, which sums each row in the order np.mean sums a slice."""
    means = np.empty((roll.shape[0], len(begin)))
    length = end - begin
    for size in np.unique(length):
        which = np.flatnonzero(length == size)
        gathered = roll[:, begin[which, None] + np.arange(size)]         # (rows, windows, size)
        means[:, which] = np.mean(gathered, axis=2)
    return means
