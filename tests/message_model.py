"""The MIDI message model written out by hand (mido's spec order), shared by the message tests, and the
hypothesis strategy for valid message keyword arguments built from it."""
from hypothesis import strategies as st

VALUE_NAMES = {
    'note_off': ('channel', 'note', 'velocity'),
    'note_on': ('channel', 'note', 'velocity'),
    'polytouch': ('channel', 'note', 'value'),
    'control_change': ('channel', 'control', 'value'),
    'program_change': ('channel', 'program'),
    'aftertouch': ('channel', 'value'),
    'pitchwheel': ('channel', 'pitch'),
    'sysex': ('data',),
    'quarter_frame': ('frame_type', 'frame_value'),
    'songpos': ('pos',),
    'song_select': ('song',),
    'tune_request': (),
    'clock': (),
    'start': (),
    'continue': (),
    'stop': (),
    'active_sensing': (),
    'reset': (),
}
TYPES = list(VALUE_NAMES)
RANGES = {
    'channel': (0, 15), 'note': (0, 127), 'velocity': (0, 127), 'control': (0, 127), 'value': (0, 127),
    'program': (0, 127), 'pitch': (-8192, 8191), 'pos': (0, 16383), 'song': (0, 127), 'frame_type': (0, 7),
    'frame_value': (0, 15),
}


def valid_message_kwargs(times, data):
    """Keyword arguments of a valid message of any type ('type' included), each value optional."""
    def value(name):
        if name == 'time':
            return times
        return data if name == 'data' else st.integers(*RANGES[name])
    return st.sampled_from(TYPES).flatmap(lambda type_: st.fixed_dictionaries(
        {'type': st.just(type_)}, optional={name: value(name) for name in VALUE_NAMES[type_] + ('time',)}))


def value_id(value):
    """A test id for a parametrized value: its repr, but 'object()' for a bare object, whose repr holds an address
    (pytest-xdist needs the same ids in every worker)."""
    return 'object()' if type(value) is object else repr(value)
