"""mido's extension points, which its clients use: live spec tables, the _CHECKS registry, extra message
attributes, Python subclasses of Message. Each behaviour is compared with mido 1.3.3 doing the same."""
import pickle
import struct
import sys

import mido
import mido.frozen
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import midox
import midox.frozen
from message_model import TYPES

LIBRARIES = (mido, midox)


@pytest.fixture
def restore_extensions():
    """Undo what a test adds to both libraries' spec tables and check registries (module state)."""
    saved = [({name: set(spec['attribute_names']) for name, spec in lib.messages.SPEC_BY_TYPE.items()},
              dict(lib.messages.checks._CHECKS)) for lib in LIBRARIES]
    yield
    for lib, (names, checks) in zip(LIBRARIES, saved):
        for type_, attribute_names in names.items():
            lib.messages.SPEC_BY_TYPE[type_]['attribute_names'] = attribute_names
        lib.messages.checks._CHECKS.clear()
        lib.messages.checks._CHECKS.update(checks)


def add_attribute(lib, type_, name, check):
    """What miditoolkit does at import, for any type, name and check."""
    spec = lib.messages.SPEC_BY_TYPE[type_]
    spec['attribute_names'] = {name, *spec['attribute_names']}
    lib.messages.checks._CHECKS[name] = check(lib)


def add_end_to_note_on(lib):
    """miditoolkit 1.0.1's own lines (miditoolkit/midi/parser.py)."""
    new_set = {"end", *lib.messages.SPEC_BY_TYPE["note_on"]["attribute_names"]}
    lib.messages.SPEC_BY_TYPE["note_on"]["attribute_names"] = new_set
    lib.messages.checks._CHECKS["end"] = lib.messages.checks.check_time


def outcome(function, *args):
    """What a call gives: ('ok', value) or ('raises', exception class name, message)."""
    try:
        return ('ok', function(*args))
    except Exception as error:
        # midox spells the pitchwheel error right (docs/differences.md, difference 16).
        return ('raises', type(error).__name__, str(error).replace('pichwheel', 'pitchwheel'))


def same_outcome(function, *args):
    """Run function(lib, *args) with mido and with midox; return midox's outcome after comparing them."""
    expected, got = (outcome(function, lib, *args) for lib in LIBRARIES)
    assert got == expected
    return got


def in_range(type_, name, value):
    """Whether a message of type_ takes value for its value name (the checks that skip_checks skips)."""
    try:
        midox.Message(type_, **{name: value})
    except ValueError:
        return False
    except TypeError:       # not a question of range (an int for sysex data): left to the comparison with mido
        return True
    return True


def view(msg):
    """A message as plain data that compares across the two libraries."""
    return (type(msg).__name__, vars(msg), msg.dict(), repr(msg), str(msg), msg.bytes(), msg.hex(), len(msg))


# --- the tables ------------------------------------------------------------------------------------------------

def test_spec_tables_are_mutable_and_shared():
    assert midox.messages.SPEC_BY_TYPE is midox.messages.specs.SPEC_BY_TYPE
    assert midox.messages.SPEC_BY_STATUS is midox.messages.specs.SPEC_BY_STATUS
    assert midox.messages.SPEC_LOOKUP is midox.messages.specs.SPEC_LOOKUP
    for lib in LIBRARIES:
        spec = lib.messages.SPEC_BY_TYPE['note_on']
        assert spec is lib.messages.SPEC_BY_STATUS[0x93] is lib.messages.SPEC_LOOKUP['note_on']
        assert spec is lib.messages.SPEC_LOOKUP[0x9F]
        assert type(spec) is dict and type(spec['attribute_names']) is set
    assert midox.messages.SPEC_BY_TYPE == mido.messages.SPEC_BY_TYPE


def test_checks_registry_has_mido_names():
    assert midox.messages.checks._CHECKS.keys() == mido.messages.checks._CHECKS.keys()
    for name, check in midox.messages.checks._CHECKS.items():
        assert check.__name__ == mido.messages.checks._CHECKS[name].__name__


def test_check_value_consults_the_registry(restore_extensions):
    for lib in LIBRARIES:
        calls = []
        lib.messages.checks._CHECKS['note'] = calls.append      # replaced: accepts anything
        lib.messages.checks._CHECKS['loudness'] = lib.messages.checks.check_data_byte
        lib.messages.checks.check_value('note', 1000)
        assert calls == [1000]
        with pytest.raises(ValueError, match='data byte must be in range 0..127'):
            lib.messages.checks.check_value('loudness', 128)
        with pytest.raises(KeyError):
            lib.messages.checks.check_value('nothing', 1)


def test_check_msgdict_follows_attribute_names(restore_extensions):
    def check(lib, msgdict):
        return lib.messages.checks.check_msgdict(msgdict)

    for msgdict in ({'type': 'note_on', 'end': 3}, {'type': 'note_on', 'end': 'x'},
                    {'type': 'note_off', 'end': 3}, {'type': 'bogus'}, {'type': 'note_on', 'note': 200}):
        same_outcome(check, msgdict)
    for lib in LIBRARIES:
        add_end_to_note_on(lib)
    assert same_outcome(check, {'type': 'note_on', 'end': 3, 'note': 2}) == ('ok', None)
    same_outcome(check, {'type': 'note_on', 'end': 'x'})
    same_outcome(check, {'type': 'note_off', 'end': 3})


# --- extra attributes: miditoolkit's note_on 'end' ---------------------------------------------------------------

@pytest.fixture
def with_end(restore_extensions):
    for lib in LIBRARIES:
        add_end_to_note_on(lib)


def test_extra_attribute_is_kept_and_left_out_of_the_encoding(with_end):
    def build(lib):
        return view(lib.Message('note_on', time=96, note=60, velocity=90, channel=3, end=480))

    midox_view = same_outcome(build)[1]
    assert midox_view[1] == {'type': 'note_on', 'time': 96, 'channel': 3, 'note': 60, 'velocity': 90, 'end': 480}
    assert midox_view[3] == "Message('note_on', channel=3, note=60, velocity=90, time=96)"
    assert midox_view[5] == [0x93, 60, 90]
    assert midox.Message('note_on', note=60, end=480).end == 480


def test_extra_attribute_checks_and_errors(with_end):
    cases = [
        lambda lib: lib.Message('note_on', end='soon'),                     # check_time: TypeError
        lambda lib: lib.Message('note_on', end=1.5).end,
        lambda lib: lib.Message('note_on', note=300, end='soon'),           # values are checked first
        lambda lib: lib.Message('note_off', end=3),                         # other types are unaffected
        lambda lib: lib.Message('control_change', end=3),
        lambda lib: lib.Message('note_on', ending=3),
        lambda lib: lib.Message('note_on', end='soon', skip_checks=True).end,
        lambda lib: lib.Message('note_on').end,                             # built without it: none
        lambda lib: hasattr(lib.Message('note_on'), 'end'),
        lambda lib: lib.Message('note_off').end,
    ]
    for case in cases:
        same_outcome(case)


def test_extra_attribute_assignment(with_end):
    def assign(lib, value, built_with_end=True):
        msg = lib.Message('note_on', end=0) if built_with_end else lib.Message('note_on')
        msg.end = value
        return vars(msg)

    same_outcome(assign, 960)
    same_outcome(assign, 2.5)
    same_outcome(assign, 'later')                   # TypeError from check_time
    same_outcome(assign, 960, False)                # AttributeError: the message has no end


def test_extra_attribute_in_copies_dicts_and_equality(with_end):
    def scenario(lib):
        msg = lib.Message('note_on', note=60, end=480, time=5)
        plain = lib.Message('note_on', note=60, time=5)
        copied = msg.copy()
        copied.end = 960                            # a copy does not share the extras with the original
        return (vars(msg), vars(copied), vars(msg.copy(end=1)), vars(msg.copy(note=61)),
                vars(plain.copy(end=7)), msg == plain, msg == msg.copy(), msg == copied,
                vars(lib.Message.from_dict(msg.dict())), msg.dict() == plain.dict())

    same_outcome(scenario)
    same_outcome(lambda lib: lib.Message('note_on', end=1).copy(end='x'))
    same_outcome(lambda lib: vars(lib.Message('note_on', end=1).copy(end='x', skip_checks=True)))
    same_outcome(lambda lib: lib.Message('note_off').copy(end=1))


def test_extra_attribute_pickles_and_freezes(with_end):
    def scenario(lib):
        msg = lib.Message('note_on', note=60, end=480)
        frozen = lib.frozen.freeze_message(msg)
        return (vars(pickle.loads(pickle.dumps(msg))), vars(frozen), repr(frozen), hash(frozen) == hash(frozen),
                vars(lib.frozen.thaw_message(frozen)), frozen == msg)

    same_outcome(scenario)
    # A pickle keeps its extras even where the extension is not loaded (as mido's __dict__ pickles do).
    data = pickle.dumps(midox.Message('note_on', end=480))
    midox.messages.SPEC_BY_TYPE['note_on']['attribute_names'].discard('end')
    assert pickle.loads(data).end == 480


def test_extra_attribute_on_sysex_and_on_a_name_of_another_type(restore_extensions):
    for lib in LIBRARIES:
        add_attribute(lib, 'sysex', 'port', lambda lib: lib.messages.checks.check_data_byte)
        add_attribute(lib, 'control_change', 'note', lambda lib: lib.messages.checks.check_data_byte)

    def scenario(lib):
        sysex = lib.Message('sysex', data=[1, 2], port=3)
        sysex.data = [5, 6, 7]
        sysex.port = 4
        control = lib.Message('control_change', control=7, value=100, note=61)
        control.note = 62
        return view(sysex), view(control), control.note, sysex == sysex.copy(), len(sysex)

    same_outcome(scenario)
    same_outcome(lambda lib: lib.Message('control_change', note=200))
    same_outcome(lambda lib: lib.Message('sysex', port=200))


names = st.sampled_from(['end', 'start', 'port', 'note', 'velocity', 'control', 'data', 'pitch'])
values = st.one_of(st.integers(-10, 200), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=2))
checks = st.sampled_from(['check_time', 'check_data_byte', 'check_channel', 'check_pitch'])


@given(type_=st.sampled_from(TYPES), name=names, check=checks, extra=values, time=st.integers(0, 100),
       skip_checks=st.booleans())
@example(type_='sysex', name='data', check='check_time', extra='', time=0, skip_checks=True)  # found by hypothesis
def test_extension_of_any_type_matches_mido(type_, name, check, extra, time, skip_checks):
    saved = [({t: set(spec['attribute_names']) for t, spec in lib.messages.SPEC_BY_TYPE.items()},
              dict(lib.messages.checks._CHECKS)) for lib in LIBRARIES]
    try:
        for lib in LIBRARIES:
            spec = lib.messages.SPEC_BY_TYPE[type_]
            if name not in spec['value_names']:         # a type's own value name keeps its compiled check
                add_attribute(lib, type_, name, lambda lib: getattr(lib.messages.checks, check))

        def scenario(lib):
            msg = lib.Message(type_, time=time, skip_checks=skip_checks, **{name: extra})
            return view(msg), vars(msg.copy()), msg == msg.copy(), vars(pickle.loads(pickle.dumps(msg)))

        if skip_checks and name in midox.messages.SPEC_BY_TYPE[type_]['value_names'] and type(extra) is not int \
                and not (name == 'data' and extra == ''):
            # A type's own values must be integers even with skip_checks (docs/differences.md, 4); extras take anything.
            # Sysex data of '' holds no value at all: both take it as empty data.
            with pytest.raises((TypeError, ValueError)):
                scenario(midox)
        elif (skip_checks and name in midox.messages.SPEC_BY_TYPE[type_]['value_names']
              and not in_range(type_, name, extra)):
            # An integer out of its range, let in by skip_checks, cannot be encoded: bytes() raises ValueError
            # naming it (docs/differences.md, difference 4), where mido returns numbers outside 0..255.
            with pytest.raises(ValueError, match='cannot encode'):
                scenario(midox)
        else:
            same_outcome(scenario)
    finally:
        for lib, (spec_names, registry) in zip(LIBRARIES, saved):
            for t, attribute_names in spec_names.items():
                lib.messages.SPEC_BY_TYPE[t]['attribute_names'] = attribute_names
            lib.messages.checks._CHECKS.clear()
            lib.messages.checks._CHECKS.update(registry)


def test_messages_without_extras_keep_their_size(with_end):
    # Extras live in a separate object: the message layout is unchanged (7 pointer-sized words).
    assert midox.Message.__basicsize__ <= 7 * struct.calcsize('P')
    plain, extended = midox.Message('note_on'), midox.Message('note_on', end=5)
    assert sys.getsizeof(plain) == sys.getsizeof(extended)


# --- Python subclasses of Message -----------------------------------------------------------------------------

def subclass_of(lib):
    class Event(lib.Message):
        def describe(self):
            return f'{self.type} at {self.time}'
    return Event


def test_python_subclass_sees_the_message_in_vars():
    # Local classes do not pickle by name in either library: compare without that part.
    def without_pickle(lib):
        Event = subclass_of(lib)
        msg = Event('note_on', note=60, time=3)
        return (view(msg), msg.describe(), msg == lib.Message('note_on', note=60, time=3),
                type(msg.copy(note=61)).__name__, view(msg.copy(note=61)),
                type(Event.from_bytes([0x90, 1, 2])).__name__, vars(Event.from_bytes([0x90, 1, 2])))

    same_outcome(without_pickle)
    msg = PicklableEvent('control_change', control=7, value=3)
    assert vars(msg) == vars(midox.Message('control_change', control=7, value=3))
    restored = pickle.loads(pickle.dumps(msg))
    assert type(restored) is PicklableEvent and restored == msg


class PicklableEvent(midox.Message):
    pass


def test_subclass_with_slots_and_keyword_arguments():
    class Slotted(midox.Message):
        __slots__ = ()
    assert vars(Slotted('clock', time=2)) == {'type': 'clock', 'time': 2}
    with pytest.raises(TypeError):
        class Configured(midox.Message, flavour='x'):     # object.__init_subclass__ takes no arguments
            pass


# --- files with ticks_per_beat 0 -------------------------------------------------------------------------------

@pytest.mark.parametrize('deltas', [[0, 0, 0], [0, 5, 0]])
def test_ticks_per_beat_zero_divides_only_for_a_delta(deltas):
    def scenario(lib):
        mid = lib.MidiFile(ticks_per_beat=0)
        mid.tracks.append(lib.MidiTrack(lib.Message('note_on', note=60 + i, time=t) for i, t in enumerate(deltas)))
        seen = []
        try:
            for msg in mid:
                seen.append(msg.note if msg.type == 'note_on' else msg.type)
        except ZeroDivisionError:
            seen.append('ZeroDivisionError')
        return seen, outcome(lambda: mid.length)[0]

    same_outcome(scenario)
