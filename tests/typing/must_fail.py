"""Mistakes that mypy must report with midox's types: each line marked ``# error: CODE`` must get exactly that
error, and no other line any (tests/test_typing.py). Never run."""
import midox
from midox import Message, MetaMessage, MidiFile

mid = MidiFile('song.mid')
midox.open_ouput('Synth')  # error: attr-defined
midox.read_array('song.mid')  # error: attr-defined
print(mid.trakcs)  # error: attr-defined
print(mid.lenght)  # error: attr-defined
MidiFile('song.mid', errors='strcit')  # error: arg-type
MidiFile('song.mid').save(42)  # error: arg-type

msg = Message('note_on', note=60)
Message('note_on', notee=60)  # error: call-arg
Message('note_on', note='C4')  # error: arg-type
print(msg.velocty)  # error: attr-defined
msg.note = 'C4'  # error: assignment
print(msg.tempo)  # error: attr-defined
if msg.type == 'set_tempo':  # error: comparison-overlap
    pass

for track in mid.tracks:
    track.append('note_on')  # error: arg-type
    for event in track:
        if event.type == 'note_on':
            print(event.veloicty)  # error: attr-defined
        if event.type == 'set_tempo':
            print(event.tempo + 'fast')  # error: operator
        print(event.notee)  # error: union-attr

midox.tick2second('480', 480, 500000)  # error: arg-type
MetaMessage('set_tempo').copy().tempo.upper()  # error: attr-defined

with midox.open_output() as port:
    port.send(MetaMessage('set_tempo'))  # error: arg-type
    port.recieve()  # error: attr-defined
midox.Backend('rtmidi').open_inptu()  # error: attr-defined
midox.read_arrays('song.mid', pairing='lifo')  # error: arg-type
midox.Parser().feed('90 3C 40')  # error: arg-type
