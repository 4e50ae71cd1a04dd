"""Read MIDI files with mido's clients and write them back; print what they saw as JSON.

    python digest.py {mido|midox} OUTPUT FILE...

With 'midox', midox stands in for mido through midox.install_as_mido() before the clients are imported;
with 'mido', the clients use mido itself. tests/test_clients.py runs both and compares the results: every
note, tempo, control and pitch bend the clients read, and the bytes they write (as a SHA-256), per file.
"""
import hashlib
import io
import json
import sys
import warnings


def pretty_midi_digest(path):
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(path)
    tempo_times, tempi = midi.get_tempo_changes()
    out = io.BytesIO()
    midi.write(out)
    return {
        'instruments': [
            {
                'program': inst.program, 'is_drum': inst.is_drum, 'name': inst.name,
                'notes': [(n.start, n.end, n.pitch, n.velocity) for n in inst.notes],
                'controls': [(c.number, c.value, c.time) for c in inst.control_changes],
                'pitch_bends': [(b.pitch, b.time) for b in inst.pitch_bends],
            }
            for inst in midi.instruments
        ],
        'tempos': [tempo_times.tolist(), tempi.tolist()],
        'time_signatures': [(t.numerator, t.denominator, t.time) for t in midi.time_signature_changes],
        'key_signatures': [(k.key_number, k.time) for k in midi.key_signature_changes],
        'lyrics': [(lyric.text, lyric.time) for lyric in midi.lyrics],
        'end_time': midi.get_end_time(),
        'written': hashlib.sha256(out.getvalue()).hexdigest(),
    }


def miditoolkit_digest(path):
    import miditoolkit

    midi = miditoolkit.MidiFile(path)
    out = io.BytesIO()
    midi.dump(file=out)        # builds note_on messages with end=, the extra attribute
    return {
        'ticks_per_beat': midi.ticks_per_beat,
        'max_tick': midi.max_tick,
        'instruments': [
            {
                'program': int(inst.program), 'is_drum': inst.is_drum, 'name': inst.name,
                'notes': [(n.start, n.end, n.pitch, n.velocity) for n in inst.notes],
                'controls': [(c.number, c.value, c.time) for c in inst.control_changes],
                'pitch_bends': [(b.pitch, b.time) for b in inst.pitch_bends],
            }
            for inst in midi.instruments
        ],
        'tempos': [(t.tempo, t.time) for t in midi.tempo_changes],
        'time_signatures': [(t.numerator, t.denominator, t.time) for t in midi.time_signature_changes],
        'key_signatures': [(k.key_name, k.time) for k in midi.key_signature_changes],
        'markers': [(m.text, m.time) for m in midi.markers],
        'lyrics': [(lyric.text, lyric.time) for lyric in midi.lyrics],
        'written': hashlib.sha256(out.getvalue()).hexdigest(),
    }


def outcome(digest, path):
    try:
        return digest(path)
    except Exception as error:     # a file the client cannot read: the class is what must agree
        return {'raises': type(error).__name__}


def main():
    library, output, *paths = sys.argv[1:]
    warnings.simplefilter('ignore')     # pretty_midi warns about odd files; what it reads is compared
    if library == 'midox':
        import midox
        midox.install_as_mido()
    import mido
    assert mido.__name__ == library, f'{library} requested, {mido.__name__} imported'
    results = {path: {'pretty_midi': outcome(pretty_midi_digest, path),
                      'miditoolkit': outcome(miditoolkit_digest, path)} for path in paths}
    with open(output, 'w') as file:
        json.dump(results, file, default=lambda number: number.item())     # numpy scalars


if __name__ == '__main__':
    main()
