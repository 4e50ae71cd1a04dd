"""What the programs share: one-line errors, a quiet end on Ctrl-C, closing ports, flushed output."""
import argparse
import contextlib
import os
import signal
import sys
import threading

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130      # 128 + SIGINT, what a shell reports for a program stopped by Ctrl-C

# What opening a port raises when it cannot be done: an unknown or busy port (OSError), a backend that is not
# installed or not found (ImportError), an unknown backend API (ValueError).
PORT_ERRORS = (OSError, ImportError, ValueError)


class ProgramError(Exception):
    """Ends a program: the text goes to stderr as ``PROG: error: TEXT`` and the exit status is 1."""


def describe(error):
    """Return an exception's text for a one-line message (OSError: its strerror, without errno and file)."""
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror
    else:
        text = str(error)
        if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
            text = error.args[0]    # str(KeyError) quotes its text
    text = ' '.join(text.split())   # one line
    return text or type(error).__name__


def say(*words, end='\n'):
    """Print to stdout at once (a pipe is block buffered: whoever reads it would see nothing for a while)."""
    print(*words, end=end, flush=True)


@contextlib.contextmanager
def no_interrupts():
    """Ignore Ctrl-C inside the block, so that a second one can not stop the closing of ports halfway."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def close_all(ports):
    """Close ports, ignoring Ctrl-C meanwhile and errors of devices that are already gone."""
    with no_interrupts():
        for port in ports:
            try:
                port.close()
            except OSError:
                pass


@contextlib.contextmanager
def socket_port(ports, open_socket, failure):
    """Open the socket port of midox-serve or midox-connect with open_socket() and yield it; on the way out
    close it and ports (opened before). failure: what the ProgramError says if open_socket() fails."""
    opened = []
    try:
        try:
            opened.append(open_socket())
        except OSError as error:
            raise ProgramError(f'{failure}: {describe(error)}') from None
        yield opened[0]
    finally:
        close_all(opened + ports)


def open_ports(opener, names, kind):
    """Open a port with opener(name) for each name and return them; ProgramError if one cannot be opened
    (those opened already are closed)."""
    ports = []
    try:
        for name in names:
            try:
                ports.append(opener(name))
            except PORT_ERRORS as error:
                what = f'{kind} port {name!r}' if name is not None else f'the default {kind} port'
                raise ProgramError(f'cannot open {what}: {describe(error)}') from None
    except BaseException:
        close_all(ports)
        raise
    return ports


def _silence_stdout():
    """After a broken pipe on stdout, point it at /dev/null so that the flush at exit does not fail too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


def run(prog, body):
    """Run body() and return the exit status: body's (0 if None), 1 after ProgramError, 130 after Ctrl-C.

    body closes its own ports (try/finally) before the exception gets here.
    """
    try:
        status = body()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except ProgramError as error:
        try:
            sys.stdout.flush()      # what was printed before comes before the error
        except (OSError, ValueError):
            pass
        print(f'{prog}: error: {error}', file=sys.stderr, flush=True)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader of our output has gone (midox-play -m FILE | head): stop quietly.
        _silence_stdout()
        return EXIT_ERROR
    return EXIT_OK if status is None else status


def address_and_ports_parser(prog, description, address_help, port_help):
    """The command line of midox-serve and midox-connect: an address, then one or more ports."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument('address', metavar='ADDRESS', help=address_help)
    parser.add_argument('ports', metavar='PORT', nargs='+', help=port_help)
    return parser


def parse_address(address):
    """Return (host, port) of a ``host:port`` argument; ProgramError says what is wrong with it."""
    from ..sockets import parse_address as parse

    try:
        return parse(address)
    except ValueError as error:
        raise ProgramError(f'bad address {address!r}: {describe(error)} (expected host:port, '
                           'the port a number from 1 to 65535)') from None
