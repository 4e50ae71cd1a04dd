"""The message spec table (midox.messages.specs) against MIDI 1.0 and against mido 1.3.3."""
import math

import mido
import mido.messages.specs as mido_specs
import pytest

import midox
import midox.messages.specs as specs
from midox import Message

# MIDI 1.0 Detailed Specification, table of status bytes: type, status byte (channel 0), value names in
# mido's order, and the number of bytes on the wire (None for sysex, whose length varies).
MIDI_1_0 = [
    ('note_off', 0x80, ('channel', 'note', 'velocity'), 3),
    ('note_on', 0x90, ('channel', 'note', 'velocity'), 3),
    ('polytouch', 0xA0, ('channel', 'note', 'value'), 3),
    ('control_change', 0xB0, ('channel', 'control', 'value'), 3),
    ('program_change', 0xC0, ('channel', 'program'), 2),
    ('aftertouch', 0xD0, ('channel', 'value'), 2),
    ('pitchwheel', 0xE0, ('channel', 'pitch'), 3),
    ('sysex', 0xF0, ('data',), None),
    ('quarter_frame', 0xF1, ('frame_type', 'frame_value'), 2),
    ('songpos', 0xF2, ('pos',), 3),
    ('song_select', 0xF3, ('song',), 2),
    ('tune_request', 0xF6, (), 1),
    ('clock', 0xF8, (), 1),
    ('start', 0xFA, (), 1),
    ('continue', 0xFB, (), 1),
    ('stop', 0xFC, (), 1),
    ('active_sensing', 0xFE, (), 1),
    ('reset', 0xFF, (), 1),
]
TYPES = [row[0] for row in MIDI_1_0]
UNDEFINED_STATUS = [0xF4, 0xF5, 0xF7, 0xF9, 0xFD]       # F7 is only the end of a sysex
MIDI_REALTIME = {'clock', 'start', 'continue', 'stop', 'active_sensing', 'reset'}   # F8-FF, defined ones

DEFAULTS = {
    'channel': 0, 'note': 0, 'velocity': 64, 'control': 0, 'value': 0, 'program': 0, 'pitch': 0, 'pos': 0,
    'song': 0, 'frame_type': 0, 'frame_value': 0, 'data': (), 'time': 0,
}


def _expected_status_map():
    expected = {}
    for type_, status, _, _ in MIDI_1_0:
        if status < 0xF0:
            for channel in range(16):
                expected[status | channel] = type_
        else:
            expected[status] = type_
    return expected


# --- against the hand-written MIDI 1.0 table ---------------------------------------------------------------

@pytest.mark.parametrize('type_, status, value_names, length', MIDI_1_0)
def test_spec_by_type_matches_midi_1_0(type_, status, value_names, length):
    spec = specs.SPEC_BY_TYPE[type_]
    assert spec['type'] == type_
    assert spec['status_byte'] == status
    assert tuple(spec['value_names']) == value_names
    assert spec['attribute_names'] == set(value_names) | {'type', 'time'}
    if length is None:
        assert spec['length'] == math.inf
    else:
        assert spec['length'] == length


def test_spec_by_type_has_exactly_the_midi_types_in_order():
    assert list(specs.SPEC_BY_TYPE) == TYPES
    assert [spec['type'] for spec in specs.SPECS] == TYPES


def test_spec_by_status_covers_every_defined_status_byte():
    expected = _expected_status_map()
    assert {status: spec['type'] for status, spec in specs.SPEC_BY_STATUS.items()} == expected
    for status in range(256):
        if status < 0x80 or status in UNDEFINED_STATUS:
            assert status not in specs.SPEC_BY_STATUS


def test_spec_by_status_entries_are_the_type_specs():
    for status, spec in specs.SPEC_BY_STATUS.items():
        assert spec is specs.SPEC_BY_TYPE[spec['type']]


def test_spec_lookup_is_union_of_status_and_type():
    assert set(specs.SPEC_LOOKUP) == set(specs.SPEC_BY_STATUS) | set(specs.SPEC_BY_TYPE)
    for key, spec in specs.SPEC_LOOKUP.items():
        if isinstance(key, str):
            assert spec is specs.SPEC_BY_TYPE[key]
        else:
            assert spec is specs.SPEC_BY_STATUS[key]


def test_constants():
    assert specs.MIN_PITCHWHEEL == -8192 == midox.MIN_PITCHWHEEL
    assert specs.MAX_PITCHWHEEL == 8191 == midox.MAX_PITCHWHEEL
    assert specs.MIN_SONGPOS == 0 == midox.MIN_SONGPOS
    assert specs.MAX_SONGPOS == 16383 == midox.MAX_SONGPOS
    assert specs.SYSEX_START == 0xF0
    assert specs.SYSEX_END == 0xF7
    assert set(specs.CHANNEL_MESSAGES) == set(range(0x80, 0xF0))
    assert set(specs.COMMON_MESSAGES) == set(range(0xF0, 0xF8))
    assert set(specs.REALTIME_MESSAGES) == set(range(0xF8, 0x100))
    assert dict(specs.DEFAULT_VALUES) == DEFAULTS


def test_realtime_types_are_midi_1_0_realtime():
    assert set(specs.REALTIME_TYPES) == MIDI_REALTIME
    for type_, status, _, _ in MIDI_1_0:
        assert (type_ in specs.REALTIME_TYPES) == (0xF8 <= status <= 0xFF)


def test_tables_have_mido_shapes():
    # Plain dicts sharing one dict per type (mido's clients extend them: tests/test_extension_points.py).
    for table in (specs.SPEC_BY_TYPE, specs.SPEC_BY_STATUS, specs.SPEC_LOOKUP):
        assert type(table) is dict
    assert midox.messages.SPEC_BY_TYPE is specs.SPEC_BY_TYPE
    for spec in specs.SPECS:
        assert type(spec) is dict and type(spec['attribute_names']) is set
        assert specs.SPEC_BY_TYPE[spec['type']] is spec is specs.SPEC_LOOKUP[spec['type']]
    for status, spec in specs.SPEC_BY_STATUS.items():
        assert specs.SPEC_LOOKUP[status] is spec is specs.SPEC_BY_TYPE[spec['type']]
    # What no mutation could make true is still read-only.
    with pytest.raises(TypeError):
        specs.DEFAULT_VALUES['velocity'] = 0
    with pytest.raises(AttributeError):
        specs.REALTIME_TYPES.add('tune_request')
    assert Message('note_on').velocity == 64


@pytest.mark.parametrize('type_, status, value_names, length', MIDI_1_0)
def test_messages_follow_the_table(type_, status, value_names, length):
    msg = Message(type_)
    assert msg.bytes()[0] == status
    assert len(msg) == (2 if length is None else length)
    assert len(msg.bytes()) == len(msg)
    assert list(vars(msg)) == ['type', 'time', *value_names]
    for name in value_names:
        assert getattr(msg, name) == DEFAULTS[name]
    assert msg.time == 0
    assert msg.is_realtime == (type_ in MIDI_REALTIME)


# --- make_msgdict ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('type_', TYPES)
def test_make_msgdict_defaults(type_):
    msgdict = specs.make_msgdict(type_, {})
    value_names = specs.SPEC_BY_TYPE[type_]['value_names']
    assert list(msgdict) == ['type', 'time', *value_names]
    assert msgdict == {'type': type_, 'time': 0, **{name: DEFAULTS[name] for name in value_names}}
    assert msgdict == mido_specs.make_msgdict(type_, {})
    assert list(msgdict) == list(mido_specs.make_msgdict(type_, {}))


def test_make_msgdict_overrides_are_not_checked():
    overrides = {'note': 'x', 'velocity': 500, 'foo': 1, 'time': 'later'}
    msgdict = specs.make_msgdict('note_on', overrides)
    assert msgdict == {'type': 'note_on', 'time': 'later', 'channel': 0, 'note': 'x', 'velocity': 500, 'foo': 1}
    assert msgdict == mido_specs.make_msgdict('note_on', overrides)
    assert list(msgdict) == list(mido_specs.make_msgdict('note_on', overrides))


def test_make_msgdict_returns_a_new_dict():
    first = specs.make_msgdict('note_on', {})
    first['note'] = 99
    assert specs.make_msgdict('note_on', {})['note'] == 0
    assert specs.make_msgdict('sysex', {'data': [1, 2]})['data'] == [1, 2]
    assert specs.make_msgdict('sysex', {})['data'] == ()


@pytest.mark.parametrize('bad', ['bogus', 'Note_on', '', 0x90, None])
def test_make_msgdict_unknown_type(bad):
    with pytest.raises(LookupError):
        specs.make_msgdict(bad, {})
    with pytest.raises(LookupError):
        mido_specs.make_msgdict(bad, {})


# --- against mido 1.3.3 ------------------------------------------------------------------------------------

def _plain(spec):
    return {
        'status_byte': spec['status_byte'],
        'type': spec['type'],
        'value_names': tuple(spec['value_names']),
        'attribute_names': set(spec['attribute_names']),
        'length': spec['length'],
    }


def test_spec_by_type_same_as_mido():
    assert list(specs.SPEC_BY_TYPE) == list(mido_specs.SPEC_BY_TYPE)
    for type_, spec in specs.SPEC_BY_TYPE.items():
        assert set(spec) == set(mido_specs.SPEC_BY_TYPE[type_])
        assert _plain(spec) == _plain(mido_specs.SPEC_BY_TYPE[type_])


def test_specs_same_as_mido():
    assert [_plain(spec) for spec in specs.SPECS] == [_plain(spec) for spec in mido_specs.SPECS]


def test_spec_by_status_same_as_mido():
    assert set(specs.SPEC_BY_STATUS) == set(mido_specs.SPEC_BY_STATUS)
    for status, spec in specs.SPEC_BY_STATUS.items():
        assert _plain(spec) == _plain(mido_specs.SPEC_BY_STATUS[status])


def test_spec_lookup_same_as_mido():
    assert set(specs.SPEC_LOOKUP) == set(mido_specs.SPEC_LOOKUP)
    for key, spec in specs.SPEC_LOOKUP.items():
        assert _plain(spec) == _plain(mido_specs.SPEC_LOOKUP[key])


def test_constants_same_as_mido():
    for name in ('MIN_PITCHWHEEL', 'MAX_PITCHWHEEL', 'MIN_SONGPOS', 'MAX_SONGPOS', 'SYSEX_START', 'SYSEX_END'):
        assert getattr(specs, name) == getattr(mido_specs, name), name
    for name in ('CHANNEL_MESSAGES', 'COMMON_MESSAGES', 'REALTIME_MESSAGES'):
        assert set(getattr(specs, name)) == set(getattr(mido_specs, name)), name
    assert dict(specs.DEFAULT_VALUES) == mido_specs.DEFAULT_VALUES
    for name in ('MIN_PITCHWHEEL', 'MAX_PITCHWHEEL', 'MIN_SONGPOS', 'MAX_SONGPOS'):
        assert getattr(midox, name) == getattr(mido, name)


def test_realtime_types_differ_from_mido_as_documented():
    # docs/differences.md, 3: tune_request is a system common message; active_sensing and reset are real-time.
    assert set(mido_specs.REALTIME_TYPES) == {'tune_request', 'clock', 'start', 'continue', 'stop'}
    assert set(specs.REALTIME_TYPES) == set(mido_specs.REALTIME_TYPES) - {'tune_request'} | {
        'active_sensing', 'reset'}


def test_module_exports():
    for name in specs.__all__:
        assert hasattr(specs, name), name
    assert set(specs.__all__) >= {
        'SPEC_BY_TYPE', 'SPEC_BY_STATUS', 'SPEC_LOOKUP', 'SPECS', 'DEFAULT_VALUES', 'REALTIME_TYPES',
        'make_msgdict', 'CHANNEL_MESSAGES', 'COMMON_MESSAGES', 'REALTIME_MESSAGES', 'SYSEX_START', 'SYSEX_END',
        'MIN_PITCHWHEEL', 'MAX_PITCHWHEEL', 'MIN_SONGPOS', 'MAX_SONGPOS'}
