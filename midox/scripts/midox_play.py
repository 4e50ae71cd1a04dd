"""midox-play: play MIDI files on an output port (mido's ``mido-play``).

    midox-play song.mid
    midox-play -o 'Synth:midi_in' -m intro.mid song.mid

The files are read before anything is played, so a file that can not be read stops the program before it
makes a sound. The port gets "All Notes Off" and "Reset All Controllers" on every channel before the first
file and after the last one, also when the program is stopped with Ctrl-C. Messages are sent at absolute
deadlines (``MidiFile.play()``), so timing does not drift over a long file.
"""
import argparse
import sys

import midox

from ._common import ProgramError, close_all, describe, no_interrupts, open_ports, run, say

PROG = 'midox-play'


def make_parser():
    parser = argparse.ArgumentParser(
        prog=PROG,
        description='Play MIDI files, one after the other, on a MIDI output port.')
    parser.add_argument(
        '-o', '--output-port', '--output', dest='output_port', metavar='PORT',
        help='the output port to play on (default: the port named by MIDOX_DEFAULT_OUTPUT, else the '
             "backend's first output port; midox-ports lists them)")
    parser.add_argument(
        '-m', '--print-messages', dest='print_messages', action='store_true',
        help='print every message, meta messages included, at the moment it is played')
    parser.add_argument(
        '-q', '--quiet', dest='quiet', action='store_true',
        help='print no reports (the messages of -m are still printed)')
    parser.add_argument(
        'files', metavar='FILE', nargs='+',
        help='a Standard MIDI File (type 0 or 1) to play')
    return parser


def _load(filename):
    """Read a MIDI file and work out its length; ProgramError if it can not be read or played."""
    try:
        midi_file = midox.MidiFile(filename)
    except Exception as error:  # any failure to read or decode the file is the user's to know, in one line
        raise ProgramError(f'cannot read {filename!r}: {describe(error)}') from None
    if midi_file.type == 2:
        raise ProgramError(f'cannot play {filename!r}: it is a type 2 file, whose tracks are independent '
                           'songs that do not play together')
    try:
        length = midi_file.length
    except Exception as error:
        raise ProgramError(f'cannot play {filename!r}: {describe(error)}') from None
    return midi_file, length


def _nothing(*_words, **_options):
    pass


def _send(output, message):
    try:
        output.send(message)
    except OSError as error:
        raise ProgramError(f'cannot send to output port {output.name!r}: {describe(error)}') from None


def _play_file(output, midi_file, length, print_messages, report):
    report(f'Playing {midi_file.filename}.')
    report(f'Song length: {int(length / 60)} minutes, {int(length % 60)} seconds.')
    report('Tracks:')
    for index, track in enumerate(midi_file.tracks):
        report(f'  {index:2d}: {track.name.strip()!r}')

    for message in midi_file.play(meta_messages=True):
        if print_messages:
            sys.stdout.write(f'{message!r}\n')
            sys.stdout.flush()
        if not message.is_meta:
            _send(output, message)
        elif message.type == 'set_tempo':
            report(f'Tempo changed to {midox.tempo2bpm(message.tempo):.1f} BPM.')
    report()


def _reset_quietly(output):
    """Reset the port on the way out; a port that fails now is not worth an error of its own."""
    try:
        output.reset()
    except OSError:
        pass


def _main(args):
    report = _nothing if args.quiet else say
    songs = [_load(filename) for filename in args.files]
    [output] = open_ports(midox.open_output, [args.output_port], 'output')
    try:
        report(f'Using output {output.name!r}.')
        try:
            output.reset()
        except OSError as error:
            raise ProgramError(f'cannot send to output port {output.name!r}: {describe(error)}') from None
        try:
            for midi_file, length in songs:
                _play_file(output, midi_file, length, args.print_messages, report)
        finally:
            # Also after Ctrl-C: no note may be left hanging.
            with no_interrupts():
                try:
                    report()
                except OSError:
                    pass    # stdout is gone (a broken pipe): the reset matters more
                _reset_quietly(output)
    finally:
        close_all([output])


def main(argv=None):
    """Run midox-play with argv (default: sys.argv[1:]) and return the exit status."""
    args = make_parser().parse_args(argv)
    return run(PROG, lambda: _main(args))


if __name__ == '__main__':
    sys.exit(main())
