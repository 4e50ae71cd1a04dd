"""Unit helpers (midox.midifiles.units): the same results as mido's, bit for bit, and the documented values."""
import mido.midifiles.units as mido_units
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from midox.midifiles import units
from midox.midifiles.units import bpm2tempo, second2tick, tempo2bpm, tick2second

FUNCTIONS = ['tick2second', 'second2tick', 'bpm2tempo', 'tempo2bpm']

# Any real number a caller might pass: ints of every size, floats including 0, -0.0, inf and nan, fractions.
reals = st.one_of(
    st.integers(),
    st.integers(-1000, 100_000),
    st.floats(),
    st.floats(1e-3, 1e7),
    st.fractions(max_denominator=1000),
)
tempos = st.one_of(st.integers(0, 0xFFFFFF), reals)
resolutions = st.one_of(st.integers(1, 0x7FFF), reals)
time_signatures = st.tuples(st.integers(1, 255), st.one_of(st.sampled_from([1, 2, 4, 8, 16, 32]), reals))


def outcome(function, *args):
    """What a call gives: its result's type and exact repr (repr tells -0.0 from 0.0), or the error class."""
    try:
        result = function(*args)
    except Exception as error:      # noqa: BLE001  # the class of the error is what is compared
        return 'raises', type(error)
    return type(result), repr(result)


def test_module_exports_the_four_functions():
    assert sorted(units.__all__) == sorted(FUNCTIONS)
    for name in FUNCTIONS:
        assert callable(getattr(units, name))
        assert getattr(units, name).__doc__


@given(reals, resolutions, tempos)
@example(480, 480, 500000)
@example(1, 3, 7)
@example(10**400, 480, 500000)
@example(1, 0, 500000)
@example(float('nan'), 480, 500000)
def test_tick2second_is_midos(tick, ticks_per_beat, tempo):
    assert outcome(tick2second, tick, ticks_per_beat, tempo) == \
        outcome(mido_units.tick2second, tick, ticks_per_beat, tempo)


@given(reals, resolutions, tempos)
@example(0.5, 480, 500000)
@example(0.0010416666666666667, 480, 500000)    # exactly half a tick: rounds to even
@example(1.0, 480, 0)
@example(float('inf'), 480, 500000)
@example(float('nan'), 480, 500000)
def test_second2tick_is_midos(second, ticks_per_beat, tempo):
    assert outcome(second2tick, second, ticks_per_beat, tempo) == \
        outcome(mido_units.second2tick, second, ticks_per_beat, tempo)


@given(reals, time_signatures)
@example(120, (4, 4))
@example(0, (4, 4))
@example(float('inf'), (4, 4))
@example(1e-300, (4, 4))
def test_bpm2tempo_is_midos(bpm, time_signature):
    assert outcome(bpm2tempo, bpm, time_signature) == outcome(mido_units.bpm2tempo, bpm, time_signature)
    assert outcome(bpm2tempo, bpm) == outcome(mido_units.bpm2tempo, bpm)


@given(tempos, time_signatures)
@example(500000, (4, 4))
@example(0, (4, 4))
@example(3, (3, 4))
def test_tempo2bpm_is_midos(tempo, time_signature):
    assert outcome(tempo2bpm, tempo, time_signature) == outcome(mido_units.tempo2bpm, tempo, time_signature)
    assert outcome(tempo2bpm, tempo) == outcome(mido_units.tempo2bpm, tempo)


@pytest.mark.parametrize(('bpm', 'tempo'), [(240, 250000), (120, 500000), (60, 1000000)])
def test_documented_bpm_tempo_pairs(bpm, tempo):
    assert bpm2tempo(bpm) == tempo
    assert type(bpm2tempo(bpm)) is int
    assert tempo2bpm(tempo) == bpm
    assert type(tempo2bpm(tempo)) is float


def test_time_signature_denominator_sets_the_beat():
    assert bpm2tempo(120, time_signature=(6, 8)) == 1000000      # 120 eighth notes a minute
    assert bpm2tempo(120, time_signature=(2, 2)) == 250000       # 120 half notes a minute
    assert tempo2bpm(500000, time_signature=(6, 8)) == 240.0
    assert tempo2bpm(500000, time_signature=(3, 2)) == 60.0
    assert bpm2tempo(120, (7, 4)) == bpm2tempo(120, (3, 4))     # the numerator does not matter


def test_hand_checked_tick_second_values():
    assert tick2second(480, 480, 500000) == 0.5
    assert tick2second(0, 480, 500000) == 0.0
    assert tick2second(96, 96, 1000000) == 1.0
    assert second2tick(0.5, 480, 500000) == 480
    assert second2tick(1.0, 96, 1000000) == 96
    assert type(second2tick(1.0, 96, 1000000)) is int
    assert second2tick(-0.5, 480, 500000) == -480
    # 200 ticks of 5 ms, the manual's example
    assert tick2second(200, 100, 500000) == 1.0
    assert second2tick(1.0, 100, 500000) == 200


def test_rounding_is_round_half_to_even():
    # With 1 tick per beat at tempo 500000 a tick is exactly 0.5 s, so 0.75 s and 1.25 s are 1.5 and 2.5 ticks.
    assert second2tick(0.75, 1, 500000) == 2
    assert second2tick(1.25, 1, 500000) == 2
    assert second2tick(1.75, 1, 500000) == 4
    # 60e6 / 4e7 == 1.5 and 60e6 / 2.4e7 == 2.5 exactly.
    assert bpm2tempo(4e7) == 2
    assert bpm2tempo(2.4e7) == 2


def test_errors_are_midos():
    with pytest.raises(ZeroDivisionError):
        tick2second(1, 0, 500000)
    with pytest.raises(ZeroDivisionError):
        second2tick(1.0, 480, 0)
    with pytest.raises(ZeroDivisionError):
        bpm2tempo(0)
    with pytest.raises(ZeroDivisionError):
        tempo2bpm(0)
    with pytest.raises(OverflowError):
        second2tick(float('inf'), 480, 500000)
    with pytest.raises(ValueError):
        second2tick(float('nan'), 480, 500000)
    with pytest.raises(TypeError):
        bpm2tempo('120')
