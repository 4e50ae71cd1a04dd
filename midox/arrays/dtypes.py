"""The NumPy dtypes of MidiArrays' tables (provisional static copy; to be derived from midox._core._arrays)."""
import numpy as np


def _dtype(fields, itemsize):
    names, formats, offsets = zip(*fields)
    return np.dtype({'names': list(names), 'formats': list(formats), 'offsets': list(offsets),
                     'itemsize': itemsize})


NOTE = _dtype([('track', 'u2', 40), ('channel', 'u1', 42), ('program', 'u1', 43), ('pitch', 'u1', 44),
               ('velocity', 'u1', 45), ('off_velocity', 'u1', 46), ('start', 'i8', 0), ('end', 'i8', 8),
               ('start_time', 'f8', 16), ('end_time', 'f8', 24), ('on_event', 'i4', 32),
               ('off_event', 'i4', 36)], 48)
CONTROL = _dtype([('track', 'u2', 20), ('channel', 'u1', 22), ('control', 'u1', 23), ('value', 'u1', 24),
                  ('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', 16)], 32)
PITCH_BEND = _dtype([('track', 'u2', 20), ('channel', 'u1', 24), ('pitch', 'i2', 22),
                     ('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', 16)], 32)
PROGRAM = _dtype([('track', 'u2', 20), ('channel', 'u1', 22), ('program', 'u1', 23),
                  ('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', 16)], 24)
AFTERTOUCH = _dtype([('track', 'u2', 20), ('channel', 'u1', 22), ('value', 'u1', 23),
                     ('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', 16)], 24)
POLYTOUCH = _dtype([('track', 'u2', 20), ('channel', 'u1', 22), ('note', 'u1', 23), ('value', 'u1', 24),
                    ('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', 16)], 32)
TEMPO = _dtype([('track', 'u2', 24), ('tick', 'i8', 0), ('tempo', 'u4', 20), ('time', 'f8', 8),
                ('event', 'i4', 16)], 32)
TIME_SIGNATURE = _dtype([('track', 'u2', 24), ('numerator', 'u1', 26), ('denominator', 'u4', 20),
                         ('clocks_per_click', 'u1', 27), ('notated_32nd_notes_per_beat', 'u1', 28),
                         ('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', 16)], 32)
KEY_SIGNATURE = _dtype([('track', 'u2', 20), ('sharps', 'i1', 22), ('mode', 'u1', 23),
                        ('tick', 'i8', 0), ('time', 'f8', 8), ('event', 'i4', 16)], 24)
TEXT = _dtype([('track', 'u2', 32), ('kind', 'u1', 34), ('tick', 'i8', 0), ('time', 'f8', 8),
               ('offset', 'i8', 16), ('length', 'u4', 24), ('event', 'i4', 28)], 40)
SYSEX = _dtype([('track', 'u2', 32), ('tick', 'i8', 0), ('time', 'f8', 8), ('offset', 'i8', 16),
                ('length', 'u4', 24), ('event', 'i4', 28)], 40)
EVENT = _dtype([('track', 'u2', 24), ('tick', 'i8', 0), ('status', 'u1', 26), ('data1', 'u1', 27),
                ('data2', 'u1', 28), ('meta_type', 'u1', 29), ('offset', 'i8', 8), ('length', 'u4', 16),
                ('event', 'i4', 20)], 32)
