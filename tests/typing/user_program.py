"""Typical code written against midox (or mido): it must pass ``mypy --strict`` with the installed package's types.

tests/test_typing.py type checks it and runs it (``main()``: everything that needs no MIDI device); the port
functions are only type checked. tools/typecheck.sh checks it too.
"""
import sys
import tempfile
from pathlib import Path

import midox
from midox import Message, MetaMessage, MidiFile, MidiTrack
from midox.frozen import freeze_message, thaw_message
from midox.ports import BaseOutput, EchoPort
from midox.sockets import PortServer, connect
from midox.tokenizer import Tokenizer


def build_song(path: Path) -> None:
    """A two-track file: a tempo map and an arpeggio."""
    song = MidiFile(type=1, ticks_per_beat=480)
    conductor = song.add_track('conductor')
    conductor.append(MetaMessage('set_tempo', tempo=midox.bpm2tempo(96)))
    conductor.append(MetaMessage('time_signature', numerator=6, denominator=8))
    piano = MidiTrack()
    piano.name = 'piano'
    piano.append(Message('program_change', channel=1, program=12))
    for note in (60, 64, 67, 72):
        piano.append(Message('note_on', channel=1, note=note, velocity=90, time=0))
        piano.append(Message('note_off', channel=1, note=note, time=240))
    song.tracks.append(piano)
    song.save(path)


def summarize(path: Path) -> dict[str, float]:
    """What a program reads from a file: tempo and time signature, notes, names, lengths."""
    mid = MidiFile(path, errors='warn')
    tempo = 500000
    numerator, denominator = 4, 4
    names: list[str] = []
    notes = 0
    last_tick = 0
    for track in mid.tracks:
        names.append(track.name)
        tick = 0
        for msg in track:
            tick += msg.time                    # delta ticks: ints
            if msg.type == 'set_tempo':         # narrows to MetaMessage
                tempo = msg.tempo
            elif msg.type == 'time_signature':
                numerator, denominator = msg.numerator, msg.denominator
            elif msg.type == 'note_on' and msg.velocity > 0:     # narrows to Message
                notes += 1
            elif msg.type in ('control_change', 'program_change'):
                assert 0 <= msg.channel < 16
            if isinstance(msg, MetaMessage) and msg.type == 'track_name':
                names.append(msg.name)
        last_tick = max(last_tick, tick)
    assert names == ['conductor', 'conductor', 'piano', 'piano'], names     # track.name, then the meta message
    seconds = midox.tick2second(last_tick, mid.ticks_per_beat, tempo)
    merged = midox.merge_tracks(mid.tracks)
    assert isinstance(merged, MidiTrack) and merged[-1].type == 'end_of_track'
    played = [msg.copy(time=0) for msg in mid if not msg.is_meta]
    return {'length': mid.length, 'seconds': seconds, 'notes': float(notes), 'played': float(len(played)),
            'bpm': midox.tempo2bpm(tempo, (numerator, denominator))}


def messages() -> list[Message]:
    """Building, copying, freezing and parsing messages."""
    chord = [Message('note_on', note=note, velocity=100) for note in (60, 64, 67)]
    bend = Message('pitchwheel', pitch=-2048, time=0.25)
    sysex = Message.from_hex('F0 7E 7F 09 01 F7')
    frozen = {freeze_message(msg) for msg in chord}     # hashable
    assert len(frozen) == 3
    thawed = thaw_message(next(iter(frozen)))
    thawed.velocity = 64
    text = midox.format_as_string(bend)
    assert midox.parse_string(text) == bend
    parser = midox.Parser()
    parser.feed(bytes.fromhex('90 3C 5A 40 5A F8 80 3C 00'))    # running status, a clock inside
    received = [msg for msg in parser]
    assert midox.parse(sysex.bytes()) == sysex
    assert [len(tokens) for tokens in Tokenizer(sysex.bin())] == [6]
    assert midox.parse_all(chord[0].bin() + chord[1].bin()) == chord[:2]
    return chord + [bend, sysex, thawed] + received


def syx_file(folder: Path, sysex: Message) -> None:
    path = folder / 'patch.syx'
    midox.write_syx_file(path, [sysex], plaintext=True)
    assert midox.read_syx_file(path) == [sysex]


def arrays(path: Path) -> int:
    """The NumPy tables of a file (only when NumPy is installed)."""
    song = midox.read_arrays(path, errors='ignore', pairing='fifo')
    assert song.type == 1 and song.length > 0
    return len(song.notes)


def echo(msgs: list[Message]) -> None:
    with EchoPort() as port:
        for msg in msgs:
            port.send(msg)
        received = list(port.iter_pending())
    assert received == msgs


def over_a_socket(msg: Message) -> Message:
    """A socket port server and a client on the loopback interface."""
    with PortServer('127.0.0.1', 0) as server:
        host, portno = server.address
        with connect(host, portno, send_timeout=5.0) as client:
            client.send(msg)
            answer = server.receive()
            assert client.dropped_sysex == 0
    return answer


def play(path: Path, name: str | None = None) -> None:
    """Play a file on an output port (needs a device: only type checked)."""
    with midox.open_output(name, autoreset=True) as port:
        for msg in MidiFile(path).play():
            port.send(msg)


def monitor(name: str) -> None:
    """Print what comes in on an input port (needs a device: only type checked)."""
    def show(msg: Message) -> None:
        print(msg.type, msg.dict())

    print(midox.get_input_names(), midox.get_output_names(), midox.get_ioport_names())
    with midox.open_input(name) as port:
        for msg in port:
            if msg.type == 'note_on':
                print(msg.note, msg.velocity)
            if msg.type == 'stop':
                break
        pending = port.poll()
        if pending is not None:
            show(pending)
    backend = midox.Backend('rtmidi/UNIX_JACK', load=False)
    with backend.open_ioport(name, callback=show) as both:
        both.send(Message('clock'))
    midox.set_backend(backend)
    out: BaseOutput = midox.backend.open_output()
    out.reset()
    out.close()


def main() -> None:
    msgs = messages()
    echo(msgs)
    assert over_a_socket(msgs[0]) == msgs[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / 'song.mid'
        build_song(path)
        facts = summarize(path)
        assert facts['notes'] == 4 and facts['bpm'] == 192.0, facts
        syx_file(Path(folder), msgs[4])
        if 'numpy' in sys.argv[1:]:
            assert arrays(path) == 4
    print('ok')


if __name__ == '__main__':
    main()
