"""MIDI over TCP/IP (mido's ``mido.sockets``): socket ports, a server for them, and address helpers.

The protocol is plain MIDI bytes over a TCP stream, with nothing around them. Each end of a connection is an
ordinary I/O port::

    from midox.sockets import PortServer, connect

    with PortServer('127.0.0.1', 8080) as server:   # accepts clients as it receives
        for message in server:
            print(message)

    with connect('127.0.0.1', 8080) as port:
        port.send(message)

Differences from mido 1.3.3:

- ``format_address()`` returns ``'host:port'`` (mido leaves out the colon).
- ``PortServer.receive()``, ``poll()`` and iteration return messages (mido's hang). The server accepts
  waiting clients whenever it receives or sends, so a server that only sends reaches its clients too.
- A server's ``name`` is its address, with the port the server really listens on (mido names it
  ``'multi'``); ``address`` gives it as a tuple. The host ``'*'`` means every address, as the manual says.
- A client that fails or misbehaves only loses its own connection: a socket error while reading from or
  sending to one client closes that client, and the server carries on with the others.
- Memory is bounded, whatever a client sends (see below), and ``close()`` leaves no socket open.

Options beyond mido, keyword-only, accepted by ``PortServer``, ``SocketPort`` and ``connect`` (the
server hands them on to the ports of its clients); with mido's arguments alone, mido's behaviour is kept
for every peer that stays within the limits:

``allow`` (server only, default None: anyone)
    The client addresses that may connect: IP addresses or networks as strings (``'127.0.0.1'``,
    ``'192.168.1.0/24'``) or ``ipaddress`` objects. A refused client is closed at once and never becomes a
    port; ``PortServer.refused`` counts them.
``max_clients`` (server only, default None: no limit)
    How many clients the server serves at once. A client that connects while that many are connected is
    closed at once and counted in ``refused``; once one leaves, the next is served. ``accept()`` hands a
    client over to you, so it does not count.
``sysex`` (default True)
    If false, incoming sysex messages are dropped, their bytes never stored. Sending sysex is unaffected.
``max_sysex`` (default 1 MiB)
    The longest incoming sysex message kept, in bytes with F0 and F7. A longer one is dropped: its bytes
    are discarded as they arrive, so an endless sysex costs no memory. None: no limit.
``max_pending`` (default 8192)
    How many received messages may wait in a port (and in the server's own queue). When they are that
    many, the port stops reading its socket until the program takes some: TCP flow control then slows the
    sender down. Nothing is dropped, nothing is disconnected. None: no limit.
``max_read`` (default 65536)
    The most bytes read from one socket per poll, and never more than there is room for (each byte makes
    at most one message), so one busy client cannot starve the others or overfill a queue.
``send_timeout`` (default None: wait as long as it takes, as mido)
    Seconds a send may wait for a peer that does not read. When it runs out, the port is closed and
    ``OSError`` raised; the server then just drops that client.

Bounding policy: backpressure, not loss. A port holds at most ``max_pending`` messages, at most about
``max_sysex`` bytes of complete sysex messages (it stops reading while that many wait), and one sysex
being assembled of at most ``max_sysex`` bytes. The server's own queue has the same limits, so its memory
is bounded by its number of clients times these. ``buffered_bytes`` tells how many sysex bytes a port or
server holds.
"""
from __future__ import annotations

import ipaddress
import itertools
import os
import random
import select
import socket
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Literal, overload

from .parser import Parser
from .ports import BaseIOPort, MultiPort, sleep

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import TypedDict

    from typing_extensions import Unpack

    from .messages import Message

    class _ConnectOptions(TypedDict, total=False):
        """The keyword arguments of connect(): SocketPort's."""

        conn: socket.socket | None
        sysex: bool
        max_sysex: int | None
        max_pending: int | None
        max_read: int
        send_timeout: float | None

    # What ``allow`` takes: one address or network, or an iterable of them.
    _Network = (str | ipaddress.IPv4Address | ipaddress.IPv6Address | ipaddress.IPv4Network
                | ipaddress.IPv6Network)

__all__ = ["PortServer", "SocketPort", "connect", "parse_address", "format_address"]

DEFAULT_MAX_SYSEX = 1 << 20
DEFAULT_MAX_PENDING = 8192
DEFAULT_MAX_READ = 65536

# How long a blocking accept() sleeps in select() before it checks whether the server was closed.
_ACCEPT_WAKEUP = 0.05
# How long a blocking receive waits for a readable socket before it looks at the port's state again.
_INPUT_WAKEUP = 0.05
# How many waiting connections one receive or send of the server accepts at most.
_ACCEPTS_PER_POLL = 64


def _readable(sockets: list[socket.socket], timeout: float = 0.0) -> list[socket.socket]:
    """Return those of ``sockets`` that have something to read (data, EOF, or a connection waiting)."""
    sockets = [sock for sock in sockets if sock.fileno() >= 0]
    if not sockets:
        if timeout:
            time.sleep(timeout)
        return []
    if hasattr(select, 'poll'):
        # poll() has no FD_SETSIZE limit, unlike select(), so a process with many files still works.
        poller = select.poll()
        by_fd = {}
        for sock in sockets:
            by_fd[sock.fileno()] = sock
            poller.register(sock, select.POLLIN)
        return [by_fd[fd] for fd, _ in poller.poll(timeout * 1000) if fd in by_fd]
    return select.select(sockets, [], [], timeout)[0]


def _shutdown(sock: socket.socket) -> None:
    """Shut a socket down before closing it: this wakes a poll() on it in another thread at once."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass    # not connected, or already shut down by the peer


def _check_limit(name: str, value: Any, allow_none: bool = True) -> Any:
    if value is None and allow_none:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f'{name} must be an int{" or None" if allow_none else ""}, not {value!r}')
    if value < 1:
        raise ValueError(f'{name} must be at least 1, not {value!r}')
    return value


def _port_options(sysex: object, max_sysex: int | None, max_pending: int | None, max_read: int,
                  send_timeout: float | None) -> dict[str, Any]:
    """Check the options of a socket port and return them as keyword arguments for SocketPort."""
    if send_timeout is not None:
        if isinstance(send_timeout, bool) or not isinstance(send_timeout, (int, float)):
            raise TypeError(f'send_timeout must be a number or None, not {send_timeout!r}')
        if not send_timeout > 0:
            raise ValueError(f'send_timeout must be positive, not {send_timeout!r}')
    return {
        'sysex': bool(sysex),
        'max_sysex': _check_limit('max_sysex', max_sysex),
        'max_pending': _check_limit('max_pending', max_pending),
        'max_read': _check_limit('max_read', max_read, allow_none=False),
        'send_timeout': send_timeout,
    }


def _parse_allow(allow: _Network | Iterable[_Network] | None
                 ) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None:
    """Turn the allow option into a tuple of networks, or None for anyone."""
    if allow is None:
        return None
    if isinstance(allow, (str, ipaddress.IPv4Address, ipaddress.IPv6Address,
                          ipaddress.IPv4Network, ipaddress.IPv6Network)):
        allow = (allow,)    # one address, not an iterable of characters
    networks = []
    for entry in allow:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except (TypeError, ValueError) as error:
            raise ValueError(f'allow: {entry!r} is not an IP address or network') from error
    return tuple(networks)


class _Ledger:
    """Keeps count of a message queue, so that a port can stop reading before the queue grows too big.

    Messages leave the queue from the left without telling us (``BaseInput.receive()`` pops them), so the
    ledger counts how many it ever added: that minus the queue's length is how many have left, and since the
    queue is first in, first out, which ones. Only sysex messages are remembered one by one, for their size.
    """

    __slots__ = ('queue', 'max_pending', 'max_sysex', 'added', 'sysex', 'sysex_bytes')

    def __init__(self, queue: deque[Message], max_pending: int | None, max_sysex: int | None) -> None:
        self.queue = queue
        self.max_pending = max_pending
        self.max_sysex = max_sysex
        self.added = 0
        self.sysex: deque[tuple[int, int]] = deque()        # (position in the stream of added messages, size in bytes)
        self.sysex_bytes = 0

    def waiting_sysex_bytes(self) -> int:
        """Return the size of the complete sysex messages still in the queue."""
        sysex = self.sysex
        if sysex:
            gone = self.added - len(self.queue)
            while sysex and sysex[0][0] < gone:
                self.sysex_bytes -= sysex.popleft()[1]
        return self.sysex_bytes

    def room(self, limit: int) -> int:
        """Return how many more messages (or bytes: one byte makes at most one message) may come, up to limit."""
        if self.max_sysex is not None and self.waiting_sysex_bytes() >= self.max_sysex:
            return 0
        if self.max_pending is None:
            return limit
        return min(limit, self.max_pending - len(self.queue))

    def feed(self, parser: Parser, data: bytes) -> None:
        """Feed data to parser, whose messages go to the queue, and remember the sysex messages it added."""
        before = len(self.queue)
        parser.feed(data)
        count = len(self.queue) - before
        if count:
            new = list(itertools.islice(reversed(self.queue), count))
            for offset, message in enumerate(reversed(new)):
                if message.type == 'sysex':
                    size = len(message.data) + 2
                    self.sysex.append((self.added + offset, size))
                    self.sysex_bytes += size
        self.added += count

    def add(self, message: Message) -> None:
        """Append one message to the queue."""
        if message.type == 'sysex':
            size = len(message.data) + 2
            self.sysex.append((self.added, size))
            self.sysex_bytes += size
        self.added += 1
        self.queue.append(message)


class PortServer(MultiPort):
    """A TCP server whose clients are socket ports; as a port itself, it receives from them all and sends
    to them all.

    ``PortServer(host, portno, backlog=1)`` listens on host (a host name, an IP address, or ``''`` or
    ``'*'`` for every address) and portno (0: any free port; see ``address``). Receiving (``receive()``,
    ``poll()``, ``iter_pending()``, iteration) and sending accept waiting clients first, then receive from
    every client in random order or send to every client. ``accept()`` hands a client to you instead.
    Keyword-only options are described in the module documentation.
    """

    ports: list[SocketPort]
    _socket: Any        # the listening socket; None if it could not be made

    if TYPE_CHECKING:
        # Messages, as BaseInput's (MultiPort's may be pairs; a server never yields ports).
        @overload
        def receive(self, block: Literal[True] = True) -> Message: ...
        @overload
        def receive(self, block: bool = True) -> Message | None: ...
        def receive(self, block: bool = True) -> Any: ...
        def poll(self) -> Message | None: ...
        def iter_pending(self) -> Iterator[Message]: ...
        def __iter__(self) -> Iterator[Message]: ...

    def __init__(self, host: str, portno: int, backlog: int = 1, *,
                 allow: _Network | Iterable[_Network] | None = None, max_clients: int | None = None,
                 sysex: bool = True, max_sysex: int | None = DEFAULT_MAX_SYSEX,
                 max_pending: int | None = DEFAULT_MAX_PENDING, max_read: int = DEFAULT_MAX_READ,
                 send_timeout: float | None = None) -> None:
        # Check everything before a socket exists, so that a bad argument leaks nothing.
        self._allow = _parse_allow(allow)
        self._max_clients = _check_limit('max_clients', max_clients)
        self._port_options = _port_options(sysex, max_sysex, max_pending, max_read, send_timeout)
        self._socket = None
        MultiPort.__init__(self, [])
        self._ledger = _Ledger(self._messages, self._port_options['max_pending'],
                               self._port_options['max_sysex'])
        self.refused = 0
        try:
            sock = self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if os.name != 'nt':
                # Lets a restarted server take its port back at once. (On Windows this option would let
                # another program take a port in use, so it is left off there.)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(('' if host == '*' else host, portno))
            sock.listen(backlog)
            # Non-blocking, so that a connection that vanished between select() and accept() (or that
            # another thread took) can never leave accept() blocked.
            sock.setblocking(False)
        except BaseException:
            self.close()
            raise
        self.name = format_address(host, sock.getsockname()[1])

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the server listens on, with the port the OS chose if portno was 0."""
        return self._socket.getsockname()[:2]     # type: ignore[no-any-return]  # an AF_INET address

    @property
    def buffered_bytes(self) -> int:
        """Bytes of sysex data held by the server and its clients: waiting or being assembled."""
        total = self._ledger.waiting_sysex_bytes()
        for port in self.ports:
            total += getattr(port, 'buffered_bytes', 0)
        return total

    def _close(self) -> None:
        for port in self.ports:
            port.close()
        if self._socket is not None:
            _shutdown(self._socket)
            self._socket.close()

    def _update_ports(self) -> None:
        """Forget clients that have disconnected once everything they sent has been received."""
        self.ports = [port for port in self.ports if not (port.closed and not port._messages)]

    def _allowed(self, host: str) -> bool:
        if self._allow is None:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self._allow)

    def _accept_one(self, served: bool = False) -> SocketPort | Literal[False] | None:
        """Accept one waiting connection. Return a SocketPort, False if there was none, or None if the
        client was refused or gone before it could be accepted. served: it would join self.ports."""
        try:
            conn, address = self._socket.accept()
        except BlockingIOError:
            return False
        except ConnectionError:
            return None     # it reset the connection while waiting
        host, portno = address[:2]
        full = served and self._max_clients is not None and self._max_clients <= sum(
            not port.closed for port in self.ports)
        if full or not self._allowed(host):
            conn.close()
            self.refused += 1
            return None
        try:
            return SocketPort(host, portno, conn=conn, **self._port_options)
        except BaseException:
            conn.close()
            raise

    def _accept_waiting(self) -> None:
        """Accept the clients that are waiting (a bounded number per call) into self.ports."""
        for _ in range(_ACCEPTS_PER_POLL):
            if self.closed or not _readable([self._socket]):
                return
            try:
                port = self._accept_one(served=True)
            except OSError:
                return      # out of file descriptors, say: try again next time
            if port is False:
                return
            if port is not None:
                self.ports.append(port)

    @overload
    def accept(self, block: Literal[True] = True) -> SocketPort: ...
    @overload
    def accept(self, block: bool) -> SocketPort | None: ...

    def accept(self, block: bool = True) -> SocketPort | None:
        """Accept a connection from a client.

        Will block until there is a new connection, and then return a SocketPort object.

        If block=False, None will be returned if there is no new connection waiting.

        The port is yours: the server does not receive from it or send to it. A client refused by ``allow``
        is closed and not returned. Raises OSError if the server is closed, also while waiting.
        """
        self._update_ports()
        while True:
            if self.closed:
                raise OSError('accept() called on closed server')
            if _readable([self._socket], _ACCEPT_WAKEUP if block else 0):
                port = self._accept_one()
                if isinstance(port, SocketPort):
                    return port
            if not block:
                return None

    def _send(self, message: Message) -> None:
        # The base class has checked and copied the message; each client sends that same copy.
        self._accept_waiting()
        for port in list(self.ports):
            with port._lock:
                if port.closed:
                    continue
                try:
                    port._send(message)
                except OSError:
                    pass    # that client is gone (its port closed itself); the others still get it
        self._update_ports()

    def _wait_for_input(self) -> None:
        # Wake as soon as a client sends, disconnects or connects, rather than poll on a timer.
        ports = [port for port in self.ports if not port.closed]
        if self.closed or self._ledger.room(1) <= 0 or any(port._messages for port in self.ports):
            sleep()
            return
        _readable([self._socket] + [port._socket for port in ports if port._socket is not None], _INPUT_WAKEUP)

    def _receive(self, block: bool = True) -> None:
        # Never blocks: the caller (BaseInput.receive) polls again if nothing came, so a closed server or
        # a quiet client can never hang it (mido's did). Each client gets one bounded read per call.
        self._accept_waiting()
        ledger = self._ledger
        ports = list(self.ports)
        random.shuffle(ports)   # fairness, as in mido's multi_receive()
        for port in ports:
            if ledger.room(1) <= 0:
                break       # leave the rest in the clients: they stop reading, and TCP slows the senders
            if isinstance(port, SocketPort):
                with port._lock:
                    port._read()
                    source = port._messages
                    while source and ledger.room(1) > 0:
                        ledger.add(source.popleft())
            else:
                for message in port.iter_pending():
                    ledger.add(message)
                    if ledger.room(1) <= 0:
                        break
        self._update_ports()


class SocketPort(BaseIOPort):
    """An I/O port over a TCP connection: sends messages as MIDI bytes, and parses the bytes that come.

    ``SocketPort(host, portno)`` connects to a server; ``SocketPort(host, portno, conn=sock)`` wraps a
    connected socket (host and portno then only make the name). The port closes itself when the other end
    disconnects; iteration then ends. Running status and real-time bytes inside messages are understood
    (midox.Parser); bytes that make no message are ignored. Keyword-only options are described in the
    module documentation.
    """

    _socket: Any        # the connection; None if it could not be made

    def __init__(self, host: str, portno: int, conn: socket.socket | None = None, *, sysex: bool = True,
                 max_sysex: int | None = DEFAULT_MAX_SYSEX, max_pending: int | None = DEFAULT_MAX_PENDING,
                 max_read: int = DEFAULT_MAX_READ, send_timeout: float | None = None) -> None:
        options = _port_options(sysex, max_sysex, max_pending, max_read, send_timeout)
        self._socket = None
        BaseIOPort.__init__(self, name=format_address(host, portno))
        # The parser drops a sysex that is too long (sysex=False: every sysex) as its bytes arrive.
        self._parser = Parser(max_sysex=options['max_sysex'] if options['sysex'] else 0)
        self._parser.messages = self._messages
        self._max_read = options['max_read']
        self._ledger = _Ledger(self._messages, options['max_pending'], options['max_sysex'])
        try:
            if conn is None:
                conn = socket.create_connection((host, portno))
            self._socket = conn
            conn.settimeout(options['send_timeout'])
            try:
                # MIDI messages are small and should go at once, not wait to be coalesced (Nagle).
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        except BaseException:
            self.close()
            raise

    @property
    def buffered_bytes(self) -> int:
        """Bytes of sysex data held by this port: the sysex being assembled and complete ones waiting."""
        return self._parser.sysex_size + self._ledger.waiting_sysex_bytes()

    @property
    def dropped_sysex(self) -> int:
        """How many incoming sysex messages were dropped (too long, or all of them with sysex=False)."""
        return self._parser.dropped_sysex

    def _close(self) -> None:
        if self._socket is not None:
            _shutdown(self._socket)
            self._socket.close()

    def _send(self, message: Message) -> None:
        try:
            self._socket.sendall(message.bin())
        except OSError:
            # Broken pipe, reset, or send_timeout: part of the message may have gone, so the stream can
            # not be trusted any more.
            self.close()
            raise

    def _receive(self, block: bool = True) -> None:
        # Never blocks, like mido's: BaseInput.receive() waits (without holding the lock) and comes again if
        # nothing came, so another thread can still send on this port meanwhile.
        self._read()

    def _wait_for_input(self) -> None:
        sock = self._socket
        if self.closed or sock is None or self._ledger.room(1) <= 0:
            sleep()     # full: wait for the program to take messages, not for the socket
            return
        _readable([sock], _INPUT_WAKEUP)

    def _read(self) -> None:
        """Read from the socket once, as much as there is room for, and parse it."""
        if self.closed or self._socket is None:
            return
        size = self._ledger.room(self._max_read)
        if size <= 0:
            return      # the queue is full: leave the bytes to TCP, which makes the sender wait
        try:
            if not _readable([self._socket]):
                return
            data = self._socket.recv(size)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b''      # reset by the peer, say: treat it as the disconnect it is
        if data:
            self._feed(data)
        else:
            self.close()    # the other end has disconnected

    def _feed(self, data: bytes) -> None:
        self._ledger.feed(self._parser, data)


def connect(host: str, portno: int, **options: Unpack[_ConnectOptions]) -> SocketPort:
    """Connect to a socket port server.

    The return value is a SocketPort object connected to another SocketPort object at the server end.
    Messages can be sent either way. Keyword-only options are those of SocketPort.
    """
    return SocketPort(host, portno, **options)


def parse_address(address: str) -> tuple[str, int]:
    """Parse an address of the form ``host:port``.

    Returns a tuple (host, port). Raises ValueError if the format is invalid or the port is not an integer
    or out of range (1 to 65535). The host may be empty (``':8080'``, every address).
    """
    words = address.split(':')
    if len(words) != 2:
        raise ValueError('address must contain exactly one colon')
    port: Any           # the text, then the number
    host, port = words
    try:
        port = int(port)
    except ValueError as error:
        raise ValueError('port number must be an integer') from error
    # Port 0 (any free port) can not be given as an address to connect to.
    if not 0 < port < 2 ** 16:
        raise ValueError('port number out of range')
    return (host, port)


def format_address(host: str, portno: int) -> str:
    """Return the address ``host:port``, the inverse of parse_address(). portno must be an int."""
    return f'{host}:{portno:d}'
