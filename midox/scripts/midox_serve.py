"""midox-serve: serve output ports over TCP (mido's ``mido-serve``).

    midox-serve :8080 'Synth:midi_in'
    midox-serve 127.0.0.1:8080 'Synth:midi_in' 'Sampler:midi_in'

The program listens on the address; any number of clients (``midox-connect``, or ``midox.sockets.connect()``)
may connect, and every message one of them sends is printed and sent to every output port, in the order it
arrived. An empty host (``:8080``) or ``*`` means every address of the machine.

Difference from mido: mido's server never receives anything (its ``PortServer`` iteration hangs;
docs/differences.md, difference 13), so ``mido-serve`` forwards nothing; this one does.
"""
import sys

import midox
from midox.sockets import PortServer

from ._common import (ProgramError, address_and_ports_parser, describe, open_ports, parse_address, run, say,
                      socket_port)

PROG = 'midox-serve'


def make_parser():
    return address_and_ports_parser(
        PROG, 'Serve MIDI output ports over TCP: every message a connected client sends is sent to all of the ports.',
        address_help='host:port to listen on (an empty host or * listens on every address)',
        port_help='an output port to send the messages to')


def _serve(server, outputs):
    for message in server:
        say(f'Received {message}')
        for output in outputs:
            try:
                output.send(message)
            except OSError as error:
                raise ProgramError(f'cannot send to output port {output.name!r}: {describe(error)}') from None


def _main(args):
    host, portno = parse_address(args.address)
    outputs = open_ports(midox.open_output, args.ports, 'output')
    with socket_port(outputs, lambda: PortServer(host, portno), f'cannot serve on {args.address!r}') as server:
        _serve(server, outputs)


def main(argv=None):
    """Run midox-serve with argv (default: sys.argv[1:]) and return the exit status."""
    args = make_parser().parse_args(argv)
    return run(PROG, lambda: _main(args))


if __name__ == '__main__':
    sys.exit(main())
