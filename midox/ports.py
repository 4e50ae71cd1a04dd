"""Ports and tools for working with them (mido's ``mido.ports``).

A port sends and/or receives messages. New port types subclass :class:`BaseInput`, :class:`BaseOutput` or
:class:`BaseIOPort` and override some of ``_open(**kwargs)``, ``_close()``, ``_send(message)`` and
``_receive(block=True)``; the public methods around them check arguments and state, take the port's lock,
copy messages on send, wait for messages on receive and run callbacks.

``_receive()`` may follow either contract of the manuals: put messages in ``self._messages`` (usually by
feeding ``self._parser``) and return nothing, or return one message (or None).

Differences from mido 1.3.3:

- Receiving on (or sending to) a closed port raises :class:`PortClosedError`, which is both a ValueError
  (what mido raises when the port was already closed) and an OSError (what mido raises when it closes during
  the wait), so either ``except`` clause catches it whatever the timing. Iteration ends when the port is
  closed, also when another thread closes it between two messages.
- :class:`MultiPort` receives and iterates instead of hanging (docs/differences.md, difference 9); iteration
  ends when all of its ports are closed.
- Any input port takes a ``callback``: ports whose messages come through ``_receive()`` deliver them to it
  on a dispatcher thread. Input ports keep ``pending()`` (the 1.1 manual documents it).
"""
from __future__ import annotations

import random
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Literal, overload

from .messages import Message
from .parser import Parser

if TYPE_CHECKING:
    from collections import deque
    from collections.abc import Callable, Iterable, Iterator
    from types import TracebackType

    from typing_extensions import Self

# How many seconds to sleep before polling again.
_DEFAULT_SLEEP_TIME = 0.001
_sleep_time = _DEFAULT_SLEEP_TIME

# The states of an input port's callback dispatcher (BaseInput._dispatch_state).
_IDLE = 'idle'                  # no dispatcher thread
_DISPATCHING = 'dispatching'    # a thread delivers messages to the callback while there is one
_STOPPING = 'stopping'          # close() told the thread to end: it takes no more messages


def sleep() -> None:
    """Sleep for get_sleep_time() seconds.

    Ports call this between polls while they wait for messages. The time can be set with set_sleep_time().
    """
    time.sleep(get_sleep_time())


def set_sleep_time(seconds: float = _DEFAULT_SLEEP_TIME) -> None:
    """Set the number of seconds sleep() will sleep (0.001 by default)."""
    global _sleep_time
    _sleep_time = seconds


def get_sleep_time() -> float:
    """Return the number of seconds sleep() will sleep."""
    return _sleep_time


def reset_messages() -> Iterator[Message]:
    """Yield "All Notes Off" and "Reset All Controllers" for every channel, channel by channel."""
    all_notes_off = 123
    reset_all_controllers = 121
    for channel in range(16):
        for control in (all_notes_off, reset_all_controllers):
            yield Message('control_change', channel=channel, control=control)


def panic_messages() -> Iterator[Message]:
    """Yield "All Sounds Off" for every channel.

    This mutes all sounding notes regardless of their envelopes: useful when notes hang and nothing else
    helps.
    """
    all_sounds_off = 120
    for channel in range(16):
        yield Message('control_change', channel=channel, control=all_sounds_off)


class PortClosedError(OSError, ValueError):
    """Raised when receiving on (or sending to) a closed port.

    It is an OSError and a ValueError: mido raises ValueError when the port was closed before the call and
    OSError when it closed during the wait, and code written for mido catches one or the other.
    """


class DummyLock:
    """A lock that does nothing, for ports that do their own locking (``_locking = False``)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> Literal[False]:
        return False


def _is_received_message(value: object) -> bool:
    """Tell whether a value returned by _receive() is a message to hand to the caller.

    The 1.2 contract returns a message (or, for ports that yield ports, a (port, message) pair); the 1.1
    contract returns nothing and any value it returns is ignored, so flags and counts are not messages.
    """
    return bool(value) and not isinstance(value, int)


def _report_callback_error() -> None:
    """Report the exception being handled on the dispatcher thread the way an uncaught one is reported."""
    exc_type, exc_value, exc_traceback = sys.exc_info()
    threading.excepthook(threading.ExceptHookArgs(
        (exc_type, exc_value, exc_traceback, threading.current_thread())))


class BasePort:
    """Abstract base class for input and output ports."""

    is_input = False
    is_output = False
    _locking = True

    # The port name: a string, or None for some ports opened without one (``str | Any`` spares the None check).
    name: str | Any
    closed: bool
    _lock: threading.RLock | DummyLock

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        # The lock is made here, not in __init__, so that a port whose __init__ does not call ours (mido
        # allows that) has one too.
        port = super().__new__(cls)
        port._lock = threading.RLock() if cls._locking else DummyLock()
        return port

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        """Set up the port and call self._open(**kwargs).

        name is the port name (any value, usually a string or None); it is set before _open() is called.
        """
        if hasattr(self, 'closed'):
            # Second call, from BaseOutput.__init__ of an I/O port: the port is already open.
            return

        self.name = name
        self.closed = True
        self._open(**kwargs)
        self.closed = False

    def _open(self, **kwargs: Any) -> None:
        """Open the device; override. Gets the constructor's keyword arguments; self.name is set."""

    def _close(self) -> None:
        """Release the device; override. Called once, by the first close()."""

    def close(self) -> None:
        """Close the port.

        If the port is already closed, nothing happens. The port is also closed when the object is garbage
        collected. An output port with autoreset set sends reset() first.
        """
        with self._lock:
            if not self.closed:
                if getattr(self, 'autoreset', False):
                    try:
                        self.reset()    # type: ignore[attr-defined]  # only outputs have autoreset
                    except OSError:
                        # The device may already be gone; closing must still succeed.
                        pass
                self._close()
                self.closed = True

    def __del__(self) -> None:
        # A port whose __init__ failed before it was opened has nothing to close.
        if getattr(self, 'closed', True) is False:
            self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, type: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> Literal[False]:
        self.close()
        return False

    def __repr__(self) -> str:
        state = 'closed' if self.closed else 'open'
        port_type = {
            (True, False): 'input',
            (False, True): 'output',
            (True, True): 'I/O port',
            (False, False): 'mute port',
        }[self.is_input, self.is_output]
        name = self.name or ''
        try:
            device_type = self._device_type     # type: ignore[attr-defined]  # set by some port classes
        except AttributeError:
            device_type = self.__class__.__name__
        return f'<{state} {port_type} {name!r} ({device_type})>'


class BaseInput(BasePort):
    """Base class for input ports.

    Subclass and override _receive() to make a new input port type. _receive(block=True) either puts
    messages in self._messages (a deque, the parser's message queue: feeding self._parser fills it) and
    returns nothing, or returns a message or None. receive() takes care of blocking, by polling and
    sleeping, and of closed ports and callbacks.

    Set the callback attribute (or pass callback= to a port whose _open() does not take it over) to have a
    function called with every message that arrives; it runs on a separate thread.
    """

    is_input = True

    # The callback dispatcher's state, guarded by self._dispatch_cond (a Condition on the port lock):
    #   _IDLE -> _DISPATCHING      a callback is set: a thread starts, takes one message at a time under the
    #                              lock and calls the callback without it (_dispatch_busy meanwhile)
    #   _DISPATCHING -> _IDLE      the thread ends by itself: the callback is None, or the port is closed and
    #                              drained (closed from the callback or from _receive(), on the thread)
    #   _DISPATCHING -> _STOPPING  close() from another thread; it waits until the thread ends (-> _IDLE)
    # A setter waits for the delivery under way, so each message goes to the callback it was taken for: none
    # is lost, delivered twice or out of order. These class defaults are a port's state without a callback.
    _dispatch_callback: Callable[[Message], object] | None = None
    _dispatch_state = _IDLE
    _dispatch_thread: threading.Thread | None = None
    _dispatch_busy = False      # the thread is delivering a message (calling the callback, without the lock)
    _dispatch_done = 0          # deliveries finished: a waiting setter waits for the one under way only

    _messages: deque[Message]
    _parser: Parser
    _dispatch_cond: threading.Condition

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        port = super().__new__(cls, *args, **kwargs)
        # A DummyLock cannot be waited on: such a port's dispatcher gets a lock of its own.
        port._dispatch_cond = threading.Condition(None if isinstance(port._lock, DummyLock) else port._lock)
        return port

    def __init__(self, name: str | None = '', **kwargs: Any) -> None:
        """Create an input port.

        name is the port name, as returned by get_input_names(). The other keyword arguments are passed to
        _open().
        """
        if hasattr(self, 'closed'):
            return
        # Made before _open() so that _open() and a callback set there can use them (mido makes them after).
        self._parser = parser = Parser()
        self._messages = parser.messages
        BasePort.__init__(self, name, **kwargs)
        if self._parser is not parser and self._messages is parser.messages:
            # _open() installed its own parser: receive what it parses.
            self._messages = self._parser.messages
        if self._dispatch_callback is not None and not self.closed:
            # A callback set inside _open(), while the port was still closed, starts now.
            self.callback = self._dispatch_callback

    def _open(self, callback: Callable[[Message], object] | None = None, **kwargs: Any) -> None:
        """Open the device; override. This default installs callback, which the manual lets every input
        port take."""
        if callback is not None:
            self.callback = callback

    def _receive(self, block: bool = True) -> object:
        """Read from the device; override.

        Either put the messages read in self._messages (usually by feeding self._parser) and return None,
        or return one message (or None). With block=True it may wait for a message, holding the port lock.
        Raise OSError if the device fails.
        """

    # Callbacks

    @property
    def callback(self) -> Callable[[Message], object] | None:
        """The function called with each received message, or None.

        Set it at any time; set None to receive messages again with receive(). The callback runs on a
        dispatcher thread that polls the port. When the setter returns, the old callback is not running
        (unless the setter was called from it) and will not be called again, and no message is lost or
        delivered twice. While a callback is set the port stays referenced (it is not garbage collected);
        close() or callback = None ends the thread.
        """
        return self._dispatch_callback

    @callback.setter
    def callback(self, func: Callable[[Message], object] | None) -> None:
        if func is not None and not callable(func):
            raise TypeError('callback must be callable or None')
        dispatch = self._dispatch_cond
        with dispatch:
            self._dispatch_callback = func
            if self._dispatch_state is _IDLE:
                # A closed port only delivers what is still pending (mido returns pending messages from a
                # closed port too); during _open() the port is closed and __init__ starts the thread later.
                if func is not None and (not getattr(self, 'closed', True) or getattr(self, '_messages', None)):
                    self._dispatch_state = _DISPATCHING
                    self._dispatch_thread = threading.Thread(
                        target=self._dispatch_loop, daemon=True,
                        name=f'midox callback dispatcher for {getattr(self, "name", None)!r}')
                    self._dispatch_thread.start()
            elif self._dispatch_busy and self._dispatch_thread is not threading.current_thread():
                # The old callback is delivering a message: wait until it returns (waiting releases the lock).
                done = self._dispatch_done
                dispatch.wait_for(lambda: not self._dispatch_busy or self._dispatch_done != done)

    def _dispatch_loop(self) -> None:
        """The dispatcher thread: deliver messages to the callback until the callback is None, close()
        stops it, or the port is closed and drained."""
        dispatch = self._dispatch_cond
        with dispatch:
            try:
                while (callback := self._dispatch_callback) is not None and self._dispatch_state is _DISPATCHING:
                    message = self._next_message(block=False, check_callback=False)
                    if message is None and self._end_of_input():
                        break
                    # Claimed under the lock: a setter waits for this delivery to end, not for the next one.
                    self._dispatch_busy = message is not None
                    # Let go of the lock while waiting for input and while the callback runs.
                    dispatch.release()
                    try:
                        if message is None:
                            self._wait_for_input()
                        else:
                            try:
                                callback(message)
                            except Exception:
                                # Like an uncaught exception in a thread: reported, and delivery goes on.
                                _report_callback_error()
                    finally:
                        dispatch.acquire()
                    if self._dispatch_busy:
                        self._dispatch_busy = False
                        self._dispatch_done += 1
                        dispatch.notify_all()
            except Exception:
                # The device failed: report it once and stop rather than fail on every poll.
                _report_callback_error()
            finally:
                # Still under the lock that the loop's condition was checked with: a setter either came before
                # (and the loop saw its callback) or comes after and starts a new thread.
                self._dispatch_state = _IDLE
                self._dispatch_thread = None
                self._dispatch_busy = False
                dispatch.notify_all()

    def close(self) -> None:
        """Close the port.

        If the port is already closed, nothing happens. A callback is not called again once close()
        returns; messages it did not get stay pending. Called on the dispatcher thread (from the callback
        or from _receive()), close() lets the dispatcher deliver what is pending, and it ends by itself.
        """
        dispatch = self._dispatch_cond
        me = threading.current_thread()
        with dispatch:
            while (thread := self._dispatch_thread) is not None and thread is not me:
                self._dispatch_state = _STOPPING
                # Waiting releases the port lock, also when the caller holds it (close() inside another
                # thread's _send()), so that the delivery under way can finish.
                dispatch.wait_for(lambda: self._dispatch_thread is not thread)
                # The thread has left its loop and needs the lock no more.
                thread.join()
            super().close()

    def _check_callback(self) -> None:
        if getattr(self, 'callback', None) is not None:
            raise ValueError('a callback is set for this port')

    # Receiving

    def _wait_for_input(self) -> None:
        """Wait, without the port lock, until a message may have arrived; override.

        The default sleeps for get_sleep_time() seconds (polling). Ports that learn of arriving messages
        (a device callback, a readable socket) wait for that instead, but briefly: the callback dispatcher
        notices close() (which waits for it) and a cleared callback only between two waits. Returning early,
        for instance when the port closes, is always allowed.
        """
        sleep()

    def _end_of_input(self) -> bool:
        """Return True when no more messages can arrive (the port is closed)."""
        return self.closed

    def _next_message(self, block: bool, check_callback: bool) -> Any:
        """Return the next message; the core of receive(), also used by the callback dispatcher."""
        closed = 'receive() called on closed port'
        while True:
            with self._lock:
                # Messages queued by other threads (or a previous _receive()) come first.
                if self._messages:
                    return self._messages.popleft()
                if self._end_of_input():
                    # Never call _receive() on a closed device.
                    if block:
                        raise PortClosedError(closed)
                    return None
                if check_callback:
                    # A callback set while we wait takes over the port.
                    self._check_callback()
                message = self._receive(block=block)
                if _is_received_message(message):
                    return message
                if self._messages:
                    return self._messages.popleft()
                if not block:
                    return None
                if self._end_of_input():
                    raise PortClosedError('port closed during receive()')
            # Wait without the lock so that senders and close() can get in.
            self._wait_for_input()
            closed = 'port closed during receive()'

    # A blocking receive always returns a message (MultiPort with yield_ports: a (port, message) pair).
    @overload
    def receive(self, block: Literal[True] = True) -> Message: ...
    @overload
    def receive(self, block: bool) -> Message | None: ...

    def receive(self, block: bool = True) -> Any:
        """Return the next message.

        This blocks until a message arrives. With block=False it returns None at once if there is no
        message.

        Pending messages are returned even after the port is closed. Once none are left, receiving on a
        closed port raises PortClosedError (an OSError and a ValueError), also when the port is closed by
        another thread during the wait. Raises ValueError if a callback is set.
        """
        if not self.is_input:
            raise ValueError('Not an input port')
        self._check_callback()
        return self._next_message(block=block, check_callback=True)

    def poll(self) -> Message | None:
        """Receive the next pending message or None.

        This is the same as calling receive(block=False).
        """
        return self.receive(block=False)

    def iter_pending(self) -> Iterator[Message]:
        """Iterate through pending messages."""
        while True:
            message = self.poll()
            if message is None:
                return
            yield message

    def pending(self) -> int:
        """Return how many messages are ready to be received.

        This is kept for backward compatibility (the 1.1 manual documents it); iter_pending() and poll() are
        better. It reads what the device has and returns the number of messages waiting. The count is not
        reliable when several threads receive. On a closed port it only counts, without reading.
        """
        self._check_callback()
        with self._lock:
            if not self._end_of_input():
                while True:
                    message = self._receive(block=False)
                    if not _is_received_message(message):
                        break
                    # A returned message counts as pending: keep it, after the older ones.
                    self._messages.append(message)  # type: ignore[arg-type]  # a message, as checked
            return len(self._messages)

    def __iter__(self) -> Iterator[Message]:
        """Iterate through messages as they arrive, until the port closes."""
        self._check_callback()
        while True:
            try:
                message = self.receive()
            except PortClosedError:
                return
            except (OSError, ValueError):
                # A subclass's own receive() may raise mido's plain exceptions for a closed port.
                if self.closed:
                    return
                raise
            yield message


class BaseOutput(BasePort):
    """Base class for output ports.

    Subclass and override _send() to make a new output port type.
    """

    is_output = True

    autoreset: bool

    def __init__(self, name: str | None = '', autoreset: bool = False, **kwargs: Any) -> None:
        """Create an output port.

        name is the port name, as returned by get_output_names(). With autoreset=True, reset() is sent when
        the port closes. The other keyword arguments are passed to _open().
        """
        BasePort.__init__(self, name, **kwargs)
        self.autoreset = autoreset

    def _send(self, message: Message) -> None:
        """Send message (a copy, already checked) to the device; override. Raise OSError on failure."""

    def send(self, message: Message) -> None:
        """Send a message on the port.

        A copy of the message is sent, so the original can be changed afterwards without affecting what was
        sent. Raises TypeError if message is not a Message and ValueError (PortClosedError) if the port is
        closed.
        """
        if not self.is_output:
            raise ValueError('Not an output port')
        if not isinstance(message, Message):
            raise TypeError('argument to send() must be a Message')
        if self.closed:
            raise PortClosedError('send() called on closed port')
        with self._lock:
            # Checked again under the lock: another thread may have closed the device meanwhile.
            if self.closed:
                raise PortClosedError('send() called on closed port')
            self._send(message.copy())

    def reset(self) -> None:
        """Send "All Notes Off" and "Reset All Controllers" on all channels."""
        with self._lock:
            # Under the lock, so that other threads' messages do not land in the middle.
            if self.closed:
                return
            for message in reset_messages():
                self.send(message)

    def panic(self) -> None:
        """Send "All Sounds Off" on all channels.

        This mutes all sounding notes regardless of their envelopes: useful when notes hang and nothing
        else helps. Controllers are not reset.
        """
        with self._lock:
            if self.closed:
                return
            for message in panic_messages():
                self.send(message)


class BaseIOPort(BaseInput, BaseOutput):
    """Base class for ports that both send and receive."""

    def __init__(self, name: str | None = '', **kwargs: Any) -> None:
        """Create an I/O port.

        name is the port name, as returned by get_ioport_names(). The keyword arguments, autoreset
        included, are passed to _open() (as mido does); autoreset is also set on the port.
        """
        BaseInput.__init__(self, name, **kwargs)
        BaseOutput.__init__(self, name, **kwargs)


class IOPort(BaseIOPort):
    """Input / output port.

    A wrapper around an input port and an output port which provides the functionality of both. Every
    method call is forwarded to the appropriate port; closing closes both.
    """

    # The wrapped ports lock themselves.
    _locking = False

    def __init__(self, input: BaseInput, output: BaseOutput) -> None:
        """Wrap an input port and an output port."""
        self.input = input
        self.output = output
        # str() because a name may be None.
        self.name = f'{str(input.name)} + {str(output.name)}'
        self._messages = self.input._messages
        self.closed = False

    @property
    def callback(self) -> Callable[[Message], object] | None:
        """The input port's callback (setting it sets the input's)."""
        return getattr(self.input, 'callback', None)

    @callback.setter
    def callback(self, func: Callable[[Message], object] | None) -> None:
        self.input.callback = func

    def _close(self) -> None:
        self.input.close()
        self.output.close()

    def _send(self, message: Message) -> None:
        self.output.send(message)

    def _receive(self, block: bool = True) -> Message | None:
        return self.input.receive(block=block)

    def pending(self) -> int:
        """Return how many messages are ready to be received on the input port."""
        self._check_callback()
        return self.input.pending()


class EchoPort(BaseIOPort):
    """A port that receives what is sent on it.

    Iterating over it yields the pending messages and stops (it never waits).
    """

    def _send(self, message: Message) -> None:
        self._messages.append(message)

    __iter__ = BaseIOPort.iter_pending


class MultiPort(BaseIOPort):
    """A port that sends to and receives from a list of ports.

    send() sends on every open port. receive() returns the next message from any of the ports, waiting for
    one with block=True; iteration yields messages until all the ports are closed. With yield_ports=True,
    (port, message) pairs are received instead of messages. The list is in the ports attribute; closing a
    MultiPort does not close its ports.
    """

    # Were all ports closed when _receive() last looked? (See _end_of_input.)
    _ports_closed = False

    # The wrapped ports: inputs, outputs or both (SocketPorts in a PortServer).
    ports: list[Any]

    if TYPE_CHECKING:
        # With yield_ports=True, (port, message) pairs come instead of messages.
        def receive(self, block: bool = True) -> Any: ...
        def poll(self) -> Any: ...
        def iter_pending(self) -> Iterator[Any]: ...
        def __iter__(self) -> Iterator[Any]: ...

    def __init__(self, ports: Iterable[BasePort], yield_ports: bool = False) -> None:
        """Wrap the ports of an iterable."""
        BaseIOPort.__init__(self, 'multi')
        self.ports = list(ports)
        self.yield_ports = yield_ports

    def _send(self, message: Message) -> None:
        for port in self.ports:
            if not port.closed:
                port.send(message)

    def _receive(self, block: bool = True) -> None:
        # Never block here (mido's blocking multi_receive never returns): take what the ports have;
        # receive() polls and sleeps.
        ports = list(self.ports)
        self._ports_closed = bool(ports) and all(port.closed for port in ports)
        self._messages.extend(multi_receive(ports, yield_ports=self.yield_ports, block=False))  # type: ignore[arg-type]

    def _end_of_input(self) -> bool:
        # The verdict is the one _receive() took before it polled, so a subclass that drops closed ports
        # before calling MultiPort._receive() (PortServer) never ends because its last client left. It is
        # checked again in case open ports were added since.
        if self.closed:
            return True
        ports = self.ports
        return self._ports_closed and bool(ports) and all(port.closed for port in ports)


@overload
def multi_receive(ports: Iterable[BaseInput], yield_ports: Literal[False] = False,
                  block: bool = True) -> Iterator[Message]: ...
@overload
def multi_receive(ports: Iterable[BaseInput], yield_ports: Literal[True],
                  block: bool = True) -> Iterator[tuple[BaseInput, Message]]: ...
@overload
def multi_receive(ports: Iterable[BaseInput], yield_ports: bool,
                  block: bool = True) -> Iterator[Message | tuple[BaseInput, Message]]: ...


def multi_receive(ports: Iterable[BaseInput], yield_ports: bool = False,
                  block: bool = True) -> Iterator[Message | tuple[BaseInput, Message]]:
    """Receive messages from several ports.

    Generates messages from every open input port. The ports are polled in random order for fairness, and
    all pending messages of a port are yielded before the next port is polled.

    If yield_ports=True, (port, message) is yielded instead of just the message.

    If block=False only pending messages are yielded; otherwise this never ends.
    """
    ports = list(ports)
    while True:
        random.shuffle(ports)
        for port in ports:
            if not port.closed:
                for message in port.iter_pending():
                    if yield_ports:
                        yield port, message
                    else:
                        yield message
        if block:
            sleep()
        else:
            break


@overload
def multi_iter_pending(ports: Iterable[BaseInput], yield_ports: Literal[False] = False) -> Iterator[Message]: ...
@overload
def multi_iter_pending(ports: Iterable[BaseInput],
                       yield_ports: Literal[True]) -> Iterator[tuple[BaseInput, Message]]: ...
@overload
def multi_iter_pending(ports: Iterable[BaseInput],
                       yield_ports: bool) -> Iterator[Message | tuple[BaseInput, Message]]: ...


def multi_iter_pending(ports: Iterable[BaseInput],
                       yield_ports: bool = False) -> Iterator[Message | tuple[BaseInput, Message]]:
    """Iterate through all pending messages of the ports.

    This is the same as calling multi_receive(ports, block=False); it is kept for backward compatibility.
    """
    return multi_receive(ports, yield_ports=yield_ports, block=False)


def multi_send(ports: Iterable[BaseOutput], message: Message) -> None:
    """Send a message on every port of an iterable."""
    for port in ports:
        port.send(message)
