"""Conversions between ticks, seconds, tempo and beats per minute (mido's ``mido.midifiles.units``).

The units used throughout:

- *tick*: the time unit of a MIDI file track; there are ``ticks_per_beat`` ticks in a beat (also called
  PPQN, pulses per quarter note).
- *tempo*: microseconds per beat, a beat being a quarter note (500000, the default, is 120 BPM).
- *BPM*: beats per minute; what a beat is depends on the time signature's denominator.

Every function evaluates the same floating-point expression, operation for operation, as mido 1.3.3, so the
results are identical to mido's, bit for bit (code that compares times with ``==`` keeps working).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["bpm2tempo", "second2tick", "tempo2bpm", "tick2second"]


def tick2second(tick: float, ticks_per_beat: float, tempo: float) -> float:
    """Convert a time in ticks to seconds (a float), at ``ticks_per_beat`` and ``tempo`` (microseconds per
    quarter note): ``tick2second(480, 480, 500000) == 0.5``."""
    seconds_per_tick = tempo * 1e-6 / ticks_per_beat
    return tick * seconds_per_tick


def second2tick(second: float, ticks_per_beat: float, tempo: float) -> int:
    """The reverse of ``tick2second``: seconds to ticks, rounded to the nearest integer (an int; halves round
    to even): ``second2tick(0.5, 480, 500000) == 480``."""
    seconds_per_tick = tempo * 1e-6 / ticks_per_beat
    return int(round(second / seconds_per_tick))


def bpm2tempo(bpm: float, time_signature: Sequence[int] = (4, 4)) -> int:
    """Convert beats per minute to a MIDI file tempo in microseconds per quarter note (an int, rounded).

    A beat is the note value of the time signature's denominator (``time_signature[1]``): a quarter note
    in 4/4, an eighth note in 6/8 (so 120 eighth notes a minute is one quarter note a second). Halves
    round to even::

        >>> bpm2tempo(120)
        500000
        >>> bpm2tempo(120, time_signature=(6, 8))
        1000000
    """
    return int(round(60 * 1e6 / bpm * time_signature[1] / 4.0))


def tempo2bpm(tempo: float, time_signature: Sequence[int] = (4, 4)) -> float:
    """Convert a MIDI file tempo in microseconds per quarter note to beats per minute (a float).

    A beat is the note value of the time signature's denominator (``time_signature[1]``), as in
    ``bpm2tempo``, of which this is the inverse (up to rounding)::

        >>> tempo2bpm(500000)
        120.0
        >>> tempo2bpm(500000, time_signature=(6, 8))
        240.0
    """
    return 60 * 1e6 / tempo * time_signature[1] / 4.0
