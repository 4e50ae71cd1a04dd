"""The MIDI 1.0 message spec table: the single source of truth for every message type.

Everything else derives from the two literal tables below: the C arrays that the compiled modules cimport
(see _specs.pxd) and the Python tables that ``midox.messages.specs`` re-exports in mido's shapes.
This module imports nothing from midox.
"""
from types import MappingProxyType

# One row per message type, in mido's order.
#   type              status  value names (spec order)            bytes  wire encoding
MESSAGE_TYPES = (
    ('note_off',        0x80, ('channel', 'note', 'velocity'),   3, ENC_PLAIN),
    ('note_on',         0x90, ('channel', 'note', 'velocity'),   3, ENC_PLAIN),
    ('polytouch',       0xA0, ('channel', 'note', 'value'),      3, ENC_PLAIN),
    ('control_change',  0xB0, ('channel', 'control', 'value'),   3, ENC_PLAIN),
    ('program_change',  0xC0, ('channel', 'program'),            2, ENC_PLAIN),
    ('aftertouch',      0xD0, ('channel', 'value'),              2, ENC_PLAIN),
    ('pitchwheel',      0xE0, ('channel', 'pitch'),              3, ENC_SIGNED14),
    ('sysex',           0xF0, ('data',),                         0, ENC_SYSEX),
    ('quarter_frame',   0xF1, ('frame_type', 'frame_value'),     2, ENC_NIBBLES),
    ('songpos',         0xF2, ('pos',),                          3, ENC_UNSIGNED14),
    ('song_select',     0xF3, ('song',),                         2, ENC_PLAIN),
    ('tune_request',    0xF6, (),                                1, ENC_PLAIN),
    ('clock',           0xF8, (),                                1, ENC_PLAIN),
    ('start',           0xFA, (),                                1, ENC_PLAIN),
    ('continue',        0xFB, (),                                1, ENC_PLAIN),
    ('stop',            0xFC, (),                                1, ENC_PLAIN),
    ('active_sensing',  0xFE, (),                                1, ENC_PLAIN),
    ('reset',           0xFF, (),                                1, ENC_PLAIN),
)

# One row per value name: its range, its default, and what error messages call it (mido's wording).
#   id              name           min    max   default  label
VALUE_NAMES = (
    (A_CHANNEL,     'channel',         0,    15,  0, 'channel'),
    (A_NOTE,        'note',            0,   127,  0, 'data byte'),
    (A_VELOCITY,    'velocity',        0,   127, 64, 'data byte'),
    (A_CONTROL,     'control',         0,   127,  0, 'data byte'),
    (A_VALUE,       'value',           0,   127,  0, 'data byte'),
    (A_PROGRAM,     'program',         0,   127,  0, 'data byte'),
    (A_PITCH,       'pitch',       -8192,  8191,  0, 'pitchwheel value'),
    (A_POS,         'pos',             0, 16383,  0, 'song pos'),
    (A_SONG,        'song',            0,   127,  0, 'data byte'),
    (A_FRAME_TYPE,  'frame_type',      0,     7,  0, 'frame_type'),
    (A_FRAME_VALUE, 'frame_value',     0,    15,  0, 'frame_value'),
    (A_DATA,        'data',            0,   127,  0, 'data byte'),     # range of each sysex data byte
)

MIN_PITCHWHEEL = VALUE_NAMES[A_PITCH][2]
MAX_PITCHWHEEL = VALUE_NAMES[A_PITCH][3]
MIN_SONGPOS = VALUE_NAMES[A_POS][2]
MAX_SONGPOS = VALUE_NAMES[A_POS][3]


cdef _fill_tables():
    global TYPE_NAMES, ATTR_NAMES, ATTR_LABELS, TYPE_IDS, ATTR_IDS
    cdef int type_id, i, slot
    cdef TypeSpec *spec

    names = [None] * NUM_ATTRS
    labels = [None] * NUM_ATTRS
    for attr, name, low, high, default, label in VALUE_NAMES:
        names[attr] = name
        labels[attr] = label
        ATTR_MIN[attr] = low
        ATTR_MAX[attr] = high
        ATTR_DEFAULT[attr] = default
    if None in names or len(MESSAGE_TYPES) != NUM_TYPES:
        raise ImportError('midox spec table is inconsistent with _specs.pxd')
    ATTR_NAMES = tuple(names)
    ATTR_LABELS = tuple(labels)
    ATTR_IDS = {name: attr for attr, name in enumerate(ATTR_NAMES)}

    for i in range(256):
        TYPE_BY_STATUS[i] = -1
    TYPE_IDS = {}
    for type_id, (type_name, status, value_names, length, encoding) in enumerate(MESSAGE_TYPES):
        TYPE_IDS[type_name] = type_id
        spec = &TYPE_SPECS[type_id]
        spec.status = status
        spec.length = length
        spec.encoding = encoding
        spec.n_values = len(value_names)
        spec.has_channel = status < 0xF0
        for i in range(<int>NUM_ATTRS):
            SLOT[type_id][i] = NO_SLOT
        slot = 1
        for i, value_name in enumerate(value_names):
            attr = ATTR_IDS[value_name]
            spec.attrs[i] = attr
            if attr == A_CHANNEL:
                SLOT[type_id][attr] = 0
            elif attr == A_DATA:
                SLOT[type_id][attr] = DATA_SLOT
            else:
                SLOT[type_id][attr] = slot
                slot += 1
        if spec.has_channel:
            for i in range(16):
                TYPE_BY_STATUS[status | i] = type_id
        else:
            TYPE_BY_STATUS[status] = type_id
    TYPE_NAMES = tuple(row[0] for row in MESSAGE_TYPES)


_fill_tables()


def _spec_dict(row):
    type_name, status, value_names, length, _ = row
    return {
        'status_byte': status,
        'type': type_name,
        'value_names': value_names,
        'attribute_names': set(value_names) | {'type', 'time'},
        'length': float('inf') if length == 0 else length,
    }


# mido's lookup tables: a spec by type name, by every status byte (all 16 channels), or by either. They are
# plain dicts sharing one dict per type, as in mido, because mido's clients extend them: a name added to a
# spec's 'attribute_names' becomes an extra attribute that messages of that type accept (see Message). The
# other keys describe the compiled table and changing them has no effect (docs/guide/clients.md).
SPEC_BY_TYPE = {row[0]: _spec_dict(row) for row in MESSAGE_TYPES}
SPEC_BY_STATUS = {
    status: SPEC_BY_TYPE[TYPE_NAMES[TYPE_BY_STATUS[status]]]
    for status in range(256) if TYPE_BY_STATUS[status] >= 0
}
SPEC_LOOKUP = {**SPEC_BY_STATUS, **SPEC_BY_TYPE}
SPECS = list(SPEC_BY_TYPE.values())

DEFAULT_VALUES = MappingProxyType(
    {name: (() if attr == A_DATA else default) for attr, name, _, _, default, _ in VALUE_NAMES} | {'time': 0}
)
# midox's definition (MIDI 1.0): the six defined system real-time messages. mido also counts tune_request.
REALTIME_TYPES = frozenset(TYPE_NAMES[TYPE_BY_STATUS[s]] for s in range(0xF8, 0x100) if TYPE_BY_STATUS[s] >= 0)
