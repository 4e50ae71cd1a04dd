"""midox-connect: forward messages from input ports to a ``midox-serve`` server (mido's ``mido-connect``).

    midox-connect 127.0.0.1:8080 'Keyboard:midi_out'

The program opens the input ports, connects to the server, prints ``Connected.``, then prints and sends
every message that arrives on any of the inputs. It ends with an error if the server goes away (mido's
fails with a traceback on its next send, or never notices while the inputs are quiet).
"""
import sys

import midox
from midox import ports as port_tools
from midox import sockets

from ._common import (ProgramError, address_and_ports_parser, describe, open_ports, parse_address, run, say,
                      socket_port)

PROG = 'midox-connect'


def make_parser():
    return address_and_ports_parser(
        PROG, 'Send every message that arrives on MIDI input ports to a midox-serve server.',
        address_help='host:port of the server to connect to', port_help='an input port to forward messages from')


def _forward(inputs, server_port, address):
    while True:
        try:
            messages = list(port_tools.multi_receive(inputs, block=False))
        except OSError as error:
            raise ProgramError(f'cannot receive from the input ports: {describe(error)}') from None
        for message in messages:
            say(f'Sending {message}')
            try:
                server_port.send(message)
            except OSError as error:
                raise ProgramError(f'lost the connection to {address!r}: {describe(error)}') from None
        if messages:
            continue
        # While the inputs are quiet, read from the server: what it sends is not for us, but reading
        # is how its going away is noticed (the port closes itself at the end of the stream).
        for _ in server_port.iter_pending():
            pass
        if server_port.closed:
            raise ProgramError(f'the server at {address!r} closed the connection')
        port_tools.sleep()


def _main(args):
    host, portno = parse_address(args.address)
    inputs = open_ports(midox.open_input, args.ports, 'input')
    with socket_port(inputs, lambda: sockets.connect(host, portno), f'cannot connect to {args.address!r}') as server:
        say('Connected.')
        _forward(inputs, server, args.address)


def main(argv=None):
    """Run midox-connect with argv (default: sys.argv[1:]) and return the exit status."""
    args = make_parser().parse_args(argv)
    return run(PROG, lambda: _main(args))


if __name__ == '__main__':
    sys.exit(main())
