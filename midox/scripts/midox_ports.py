"""midox-ports: list the MIDI ports of the backend in use (mido's ``mido-ports``).

The report has mido's shape: the input ports, the output ports, the environment variables that choose the
default ports and the backend, and the backend in use. For each variable the report shows the one in effect:
``MIDOX_...`` if it is set, else mido's ``MIDO_...`` if that is set (midox honours both); an empty value
counts as unset, as it does for midox. The backend is shown with its API, if one was chosen
(``midox.backends.rtmidi/UNIX_JACK``).
"""
import argparse
import os
import sys

import midox

from ._common import PORT_ERRORS, ProgramError, describe, run, say

PROG = 'midox-ports'

# The settings read from the environment, by their suffix: MIDOX_<suffix>, else MIDO_<suffix>.
SETTINGS = ('DEFAULT_INPUT', 'DEFAULT_OUTPUT', 'DEFAULT_IOPORT', 'BACKEND')


def make_parser():
    return argparse.ArgumentParser(
        prog=PROG,
        description='List the MIDI input and output ports, the environment variables midox reads and the '
                    'backend in use.')


def _setting_line(suffix, environ):
    for prefix in ('MIDOX_', 'MIDO_'):
        value = environ.get(prefix + suffix)
        if value:
            return f'{prefix}{suffix}={value!r}'
    return f'MIDOX_{suffix} not set.'


def _print_ports(heading, names):
    say(heading)
    for name in names:
        say(f"    '{name}'")
    say()


def _main(_args):
    backend = midox.backend
    try:
        inputs = backend.get_input_names()
        outputs = backend.get_output_names()
    except PORT_ERRORS as error:
        raise ProgramError(f'cannot list the ports: {describe(error)}') from None
    # After listing: a backend found by the default search knows its name only once it has loaded.
    backend_name = f'{backend.name}/{backend.api}' if backend.api else backend.name

    say()
    _print_ports('Available input Ports:', inputs)
    _print_ports('Available output Ports:', outputs)
    for suffix in SETTINGS:
        say(_setting_line(suffix, os.environ))
    say()
    say(f'Using backend {backend_name}.')
    say()


def main(argv=None):
    """Run midox-ports with argv (default: sys.argv[1:]) and return the exit status."""
    args = make_parser().parse_args(argv)
    return run(PROG, lambda: _main(args))


if __name__ == '__main__':
    sys.exit(main())
