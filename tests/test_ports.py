"""Ports (midox.ports): the port contract, both _receive() contracts, callbacks, threads, MultiPort
(docs/differences.md, difference 9).

Blocking calls run on worker threads that are joined with a timeout, so a hang fails the test instead of
stalling the run; waits are for conditions, never fixed sleeps. Where midox and mido behave alike, the same
scenario runs on a port class derived from each library's base classes and the outcomes are compared.
"""
import collections
import itertools
import queue
import sys
import threading
import time

import mido
import mido.ports
import pytest

import midox
import midox.frozen
import midox.ports
from midox import Message
from midox.ports import (
    BaseInput,
    BaseIOPort,
    BaseOutput,
    EchoPort,
    IOPort,
    MultiPort,
    PortClosedError,
)

TIMEOUT = 10.0

LIBS = [pytest.param(mido, id='mido'), pytest.param(midox, id='midox')]


# Helpers

def wait_for(condition, timeout=TIMEOUT, what='condition'):
    """Wait until condition() is true; fail the test if it is not within timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f'timed out waiting for {what}')
        time.sleep(0.0005)


class Worker:
    """Run a function on a daemon thread; join() fails the test if it does not finish in time."""

    def __init__(self, function, *args):
        self.result = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(function, *args), daemon=True)
        self.thread.start()

    def _run(self, function, *args):
        try:
            self.result = function(*args)
        except BaseException as error:  # handed to the test thread
            self.error = error

    def join(self, timeout=TIMEOUT):
        self.thread.join(timeout)
        if self.thread.is_alive():
            pytest.fail('worker thread hung')
        return self

    def value(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.result


def seq(i, lib=midox):
    """The i-th message of a numbered stream (songpos carries 0..16383)."""
    return lib.Message('songpos', pos=i)


def reprs(messages):
    return [repr(message) for message in messages]


def timed(function, *args):
    """Call function on a worker thread and return its result (or raise its error); fail if it hangs."""
    return Worker(function, *args).value()


def outcome(function, *args):
    """('ok', value) or ('error', exception), from a call that must not hang."""
    try:
        return ('ok', timed(function, *args))
    except Exception as error:
        return ('error', error)


def same_outcome(mido_outcome, midox_outcome):
    """midox gives mido's value, or raises mido's exception class (or a subclass) with mido's text."""
    if mido_outcome[0] == 'ok' or midox_outcome[0] == 'ok':
        return mido_outcome == midox_outcome
    expected, got = mido_outcome[1], midox_outcome[1]
    return isinstance(got, type(expected)) and str(got) == str(expected)


# Port classes, built on either library's base classes

def port_classes(lib):
    """Test port types derived from lib.ports, as a namespace."""
    ports = lib.ports

    class ListPort(ports.BaseIOPort):
        """The mido test-suite port: what is sent is appended to self._messages."""

        def _open(self, **kwargs):
            self.open_kwargs = kwargs
            self.was_closed_in_open = self.closed
            self.name_in_open = self.name
            self.receive_calls = 0
            self.close_calls = 0

        def _send(self, message):
            self._messages.append(message)

        def _receive(self, block=True):
            self.receive_calls += 1

        def _close(self):
            self.close_calls += 1

    class Sink(ports.BaseOutput):
        """An output port that records what it sends."""

        def _open(self, **kwargs):
            self.open_kwargs = kwargs
            self.sent = []
            self.close_calls = 0

        def _send(self, message):
            self.sent.append(message)

        def _close(self):
            self.close_calls += 1

    class ByteFedInput(ports.BaseInput):
        """The 1.1 contract: _receive() feeds bytes from a device queue to the parser and returns nothing."""

        def _open(self, **kwargs):
            self.device = queue.Queue()
            self.receive_calls = 0

        def _receive(self, block=True):
            self.receive_calls += 1
            while True:
                try:
                    data = self.device.get_nowait()
                except queue.Empty:
                    return
                self._parser.feed(data)

    class ReturningInput(ports.BaseInput):
        """The 1.2 contract: _receive() returns one message or None."""

        def _open(self, **kwargs):
            self.device = queue.Queue()
            self.receive_calls = 0

        def _receive(self, block=True):
            self.receive_calls += 1
            try:
                return self.device.get_nowait()
            except queue.Empty:
                return None

    class SelfClosingInput(ports.BaseInput):
        """Closes itself when its source runs dry, like a socket port whose peer hangs up."""

        def _open(self, messages=(), **kwargs):
            self.source = list(messages)

        def _receive(self, block=True):
            if self.source:
                return self.source.pop(0)
            self.close()
            return None

    return type('Classes', (), dict(ListPort=ListPort, Sink=Sink, ByteFedInput=ByteFedInput,
                                    ReturningInput=ReturningInput, SelfClosingInput=SelfClosingInput))


MIDOX = port_classes(midox)
MIDO = port_classes(mido)


def classes(lib):
    return MIDOX if lib is midox else MIDO


def both(scenario):
    """Run scenario(lib) on mido and midox, assert equal results and return midox's."""
    expected = scenario(mido)
    got = scenario(midox)
    assert got == expected
    return got


# The module

def test_module_has_mido_public_names():
    public = {name for name in dir(mido.ports) if not name.startswith('_')}
    assert public <= set(dir(midox.ports))


def test_port_closed_error_is_value_error_and_os_error():
    assert issubclass(PortClosedError, ValueError)
    assert issubclass(PortClosedError, OSError)


def test_sleep_time_default_set_and_reset():
    assert midox.ports.get_sleep_time() == mido.ports.get_sleep_time() == 0.001
    try:
        midox.ports.set_sleep_time(0.02)
        assert midox.ports.get_sleep_time() == 0.02
        start = time.monotonic()
        midox.ports.sleep()
        assert time.monotonic() - start >= 0.015
    finally:
        midox.ports.set_sleep_time()
    assert midox.ports.get_sleep_time() == 0.001


def test_reset_and_panic_messages_match_mido():
    assert reprs(midox.ports.reset_messages()) == reprs(mido.ports.reset_messages())
    assert reprs(midox.ports.panic_messages()) == reprs(mido.ports.panic_messages())
    assert len(list(midox.ports.reset_messages())) == 32
    assert {m.control for m in midox.ports.panic_messages()} == {120}


def test_dummy_lock():
    lock = midox.ports.DummyLock()
    with lock as entered:
        assert entered is lock
    assert lock.__exit__(None, None, None) is False


# Construction, names, repr

def test_open_gets_kwargs_name_first_and_port_closed_until_open():
    def scenario(lib):
        port = classes(lib).ListPort('dev', flavour='x')
        return port.open_kwargs, port.name_in_open, port.was_closed_in_open, port.closed, port.name
    assert both(scenario) == ({'flavour': 'x'}, 'dev', True, False, 'dev')


def test_io_port_passes_autoreset_to_open_and_sets_it():
    def scenario(lib):
        port = classes(lib).ListPort(autoreset=True)
        return port.open_kwargs, port.autoreset
    assert both(scenario) == ({'autoreset': True}, True)


def test_output_port_keeps_autoreset_from_open():
    def scenario(lib):
        port = classes(lib).Sink('out', autoreset=True, extra=1)
        return port.open_kwargs, port.autoreset
    assert both(scenario) == ({'extra': 1}, True)


def test_failing_open_propagates_and_leaves_port_closed():
    class Broken(BaseInput):
        def _open(self, **kwargs):
            raise OSError('no such device')

    with pytest.raises(OSError, match='no such device'):
        Broken('x')


def test_repr_and_capabilities():
    def scenario(lib):
        ports = lib.ports
        out = []
        for port in (ports.BaseInput('in'), ports.BaseOutput('out'), ports.BaseIOPort('io'),
                     ports.BaseInput(), ports.BaseOutput(name=None), ports.EchoPort(),
                     ports.MultiPort([]), ports.IOPort(ports.EchoPort('a'), ports.EchoPort(None))):
            out.append((repr(port), port.is_input, port.is_output, port.name))
            port.close()
            out.append(repr(port))

        class Device(ports.BaseOutput):
            _device_type = 'Fjopp'
        out.append(repr(Device('d')))
        mute = ports.BasePort('m')
        out.append((repr(mute), mute.is_input, mute.is_output))
        return out
    both(scenario)


# Output ports

@pytest.mark.parametrize('bad', ['note_on', None, 42, [0x90, 60, 64]])
def test_send_rejects_non_messages_like_mido(bad):
    def scenario(lib):
        return outcome(classes(lib).Sink().send, bad)
    got_mido = scenario(mido)
    got_midox = scenario(midox)
    assert same_outcome(got_mido, got_midox)
    assert isinstance(got_midox[1], TypeError)
    assert str(got_midox[1]) == 'argument to send() must be a Message'


def test_send_rejects_meta_and_mido_messages():
    with pytest.raises(TypeError):
        MIDOX.Sink().send(midox.MetaMessage('end_of_track'))
    with pytest.raises(TypeError):
        MIDOX.Sink().send(mido.Message('note_on'))


def test_send_on_closed_port_like_mido():
    def scenario(lib):
        port = classes(lib).Sink()
        port.close()
        return outcome(port.send, lib.Message('note_on'))
    got_midox = scenario(midox)
    assert same_outcome(scenario(mido), got_midox)
    assert isinstance(got_midox[1], OSError)  # midox: also an OSError


def test_send_type_is_checked_before_closed_state():
    port = MIDOX.Sink()
    port.close()
    with pytest.raises(TypeError):
        port.send('note_on')


def test_send_sends_a_copy():
    def scenario(lib):
        port = classes(lib).ListPort()
        message = lib.Message('note_on', note=60)
        port.send(message)
        message.note = 61
        received = port.receive()
        return repr(received), received is message
    assert both(scenario) == ("Message('note_on', channel=0, note=60, velocity=64, time=0)", False)


def test_send_accepts_frozen_messages():
    port = MIDOX.ListPort()
    port.send(midox.frozen.FrozenMessage('note_on', note=3))
    assert port.receive().note == 3


def test_reset_and_panic_send_like_mido():
    def scenario(lib):
        port = classes(lib).Sink()
        port.reset()
        port.panic()
        sent = reprs(port.sent)
        port.close()
        port.reset()  # nothing on a closed port, and no error
        port.panic()
        return sent, len(port.sent)
    sent, count = both(scenario)
    assert sent == reprs(midox.ports.reset_messages()) + reprs(midox.ports.panic_messages())
    assert count == 48


@pytest.mark.parametrize('autoreset', [False, True])
def test_close_is_idempotent_and_autoresets_once_like_mido(autoreset):
    def scenario(lib):
        port = classes(lib).Sink('out', autoreset=autoreset)
        port.send(lib.Message('note_on'))
        port.close()
        port.close()
        return reprs(port.sent), port.close_calls, port.closed
    sent, close_calls, closed = both(scenario)
    expected = ["Message('note_on', channel=0, note=0, velocity=64, time=0)"]
    if autoreset:
        expected += reprs(midox.ports.reset_messages())
    assert (sent, close_calls, closed) == (expected, 1, True)


def test_context_manager_closes_and_autoresets_like_mido():
    def scenario(lib):
        with classes(lib).Sink(autoreset=True) as port:
            assert not port.closed
        return len(port.sent), port.closed, port.close_calls
    assert both(scenario) == (32, True, 1)


def test_context_manager_does_not_swallow_exceptions():
    with pytest.raises(KeyError):
        with MIDOX.Sink() as port:
            raise KeyError('x')
    assert port.closed


def test_autoreset_oserror_on_close_is_ignored_like_mido():
    def scenario(lib):
        class Gone(lib.ports.BaseOutput):
            def _send(self, message):
                raise OSError('device unplugged')
        port = Gone(autoreset=True)
        port.close()
        return port.closed
    assert both(scenario) is True


def test_garbage_collection_closes_the_port():
    closed = []

    class Tracked(BaseOutput):
        def _close(self):
            closed.append(True)

    Tracked()
    import gc
    gc.collect()
    assert closed == [True]


def test_sends_from_many_threads_arrive_whole():
    # _send writes a message byte by byte and yields the GIL in between: without the port lock the byte
    # streams of different threads would interleave and corrupt each other.
    class Wire(BaseOutput):
        def _open(self, **kwargs):
            self.wire = []

        def _send(self, message):
            for byte in message.bytes():
                self.wire.append(byte)
                time.sleep(0)

    port = Wire()
    threads, per_thread = 6, 150

    def sender(channel):
        for i in range(per_thread):
            port.send(Message('control_change', channel=channel, control=i % 128, value=i // 128))

    workers = [Worker(sender, channel) for channel in range(threads)]
    for worker in workers:
        worker.value()
    received = midox.parse_all(port.wire)
    assert len(received) == threads * per_thread
    for channel in range(threads):
        mine = [(m.control, m.value) for m in received if m.channel == channel]
        assert mine == [(i % 128, i // 128) for i in range(per_thread)]


# Input ports: the basic methods

@pytest.mark.parametrize('lib', LIBS)
def test_receive_poll_iter_pending(lib):
    port = classes(lib).ListPort()
    assert port.poll() is None
    assert port.receive(block=False) is None
    for i in range(5):
        port.send(seq(i, lib))
    assert port.receive().pos == 0
    assert port.poll().pos == 1
    assert [m.pos for m in port.iter_pending()] == [2, 3, 4]
    assert list(port.iter_pending()) == []


def test_pending_counts_and_keeps_messages():
    port = MIDOX.ListPort()
    assert port.pending() == 0
    port.send(seq(0))
    port.send(seq(1))
    assert port.pending() == 2
    assert [m.pos for m in port.iter_pending()] == [0, 1]
    port.send(seq(2))
    port.close()
    assert port.pending() == 1  # counts on a closed port, without reading
    receive_calls = port.receive_calls
    assert port.pending() == 1
    assert port.receive_calls == receive_calls


def test_pending_reads_the_device_for_both_contracts():
    fed = MIDOX.ByteFedInput()
    fed.device.put(bytes([0x90, 60, 64]))
    fed.device.put(bytes([0x80, 60, 0, 0xF8]))
    assert fed.pending() == 3
    returning = MIDOX.ReturningInput()
    for i in range(3):
        returning.device.put(seq(i))
    assert returning.pending() == 3
    returning.device.put(seq(3))
    assert [m.pos for m in returning.iter_pending()] == [0, 1, 2, 3]


def test_pending_messages_are_received_after_close_like_mido():
    def scenario(lib):
        port = classes(lib).ListPort()
        port.send(seq(0, lib))
        port.send(seq(1, lib))
        port.close()
        return [port.receive().pos, port.poll().pos, port.poll()]
    assert both(scenario) == [0, 1, None]


def test_receive_on_closed_port_raises_like_mido():
    def scenario(lib):
        port = classes(lib).ListPort()
        port.close()
        return outcome(port.receive)
    got_midox = scenario(midox)
    assert same_outcome(scenario(mido), got_midox)
    assert isinstance(got_midox[1], OSError)  # midox: also an OSError
    assert isinstance(got_midox[1], PortClosedError)


def test_closed_port_does_not_call_receive():
    port = MIDOX.ListPort()
    port.close()
    calls = port.receive_calls
    assert port.poll() is None
    with pytest.raises(PortClosedError):
        timed(port.receive)
    assert port.receive_calls == calls


@pytest.mark.parametrize('method', ['receive', 'poll', 'iter_pending', '__iter__', 'pending'])
def test_callback_set_refuses_reading(method):
    port = EchoPort()
    port.callback = lambda message: None
    with pytest.raises(ValueError, match='a callback is set for this port'):
        result = getattr(port, method)()
        if method in ('iter_pending', '__iter__'):
            next(result)
    port.callback = None
    assert port.poll() is None


def test_plain_attribute_callback_refuses_receive_in_mido_too():
    # mido's base ports check a callback attribute that subclasses set; so does midox.
    def scenario(lib):
        port = classes(lib).ListPort()
        port.callback = print
        return outcome(port.receive)
    assert same_outcome(scenario(mido), scenario(midox))


# Both _receive() contracts, fed from another thread

def feed_bytes(port, messages):
    for message in messages:
        port.device.put(bytes(message.bytes()))


def feed_messages(port, messages):
    for message in messages:
        port.device.put(message)


CONTRACTS = [pytest.param('ByteFedInput', feed_bytes, id='appends-to-messages'),
             pytest.param('ReturningInput', feed_messages, id='returns-message')]


@pytest.mark.parametrize('lib', LIBS)
@pytest.mark.parametrize('class_name, feed', CONTRACTS)
def test_receive_from_another_thread_in_order(lib, class_name, feed):
    port = getattr(classes(lib), class_name)()
    messages = [seq(i, lib) for i in range(200)]
    feeder = Worker(feed, port, messages)
    got = timed(lambda: [port.receive().pos for _ in messages])
    feeder.value()
    assert got == list(range(200))
    assert port.poll() is None


@pytest.mark.parametrize('lib', LIBS)
@pytest.mark.parametrize('class_name, feed', CONTRACTS)
def test_blocking_receive_wakes_when_a_message_arrives(lib, class_name, feed):
    port = getattr(classes(lib), class_name)()
    receiver = Worker(port.receive)
    # The receiver is waiting once it has polled the device a few times.
    wait_for(lambda: port.receive_calls >= 3, what='receive() to poll')
    assert receiver.thread.is_alive()
    feed(port, [seq(7, lib)])
    assert receiver.value().pos == 7


@pytest.mark.parametrize('lib', LIBS)
@pytest.mark.parametrize('class_name, feed', CONTRACTS)
def test_blocking_receive_raises_when_closed_from_another_thread(lib, class_name, feed):
    port = getattr(classes(lib), class_name)()
    receiver = Worker(port.receive)
    wait_for(lambda: port.receive_calls >= 3, what='receive() to poll')
    port.close()
    receiver.join()
    assert isinstance(receiver.error, OSError)  # mido: OSError('port closed during receive()')
    if lib is midox:
        assert isinstance(receiver.error, PortClosedError)


def test_blocking_read_in_receive_the_1_1_way():
    # The manual's second fjopp example: with block=True _receive() itself blocks on the device until
    # the parser has a message.
    class BlockingDevicePort(BaseInput):
        def _open(self, **kwargs):
            self.device = queue.Queue()

        def _receive(self, block=True):
            if block:
                while not self._messages:
                    self._parser.feed(self.device.get(timeout=TIMEOUT))
            else:
                while not self.device.empty():
                    self._parser.feed(self.device.get())

    port = BlockingDevicePort()
    receiver = Worker(port.receive)
    port.device.put(bytes([0x90, 60]))  # half a message: _receive() keeps reading
    port.device.put(bytes([64, 0x90, 61, 64]))
    assert receiver.value().note == 60
    assert port.poll().note == 61


def test_queued_messages_come_before_returned_ones():
    # A returning port whose _messages also fills up while receive() waits (pending() on another thread
    # does that): the queued, older messages are received first.
    port = MIDOX.ReturningInput()
    receiver = Worker(lambda: [port.receive().pos for _ in range(3)])
    wait_for(lambda: port.receive_calls >= 3, what='receive() to poll')
    with port._lock:
        port._messages.append(seq(0))
        port._messages.append(seq(1))
        port.device.put(seq(2))
    assert receiver.value() == [0, 1, 2]


def test_returned_flags_are_ignored_per_1_1_contract():
    # The 1.1 manual: _receive() returns nothing and anything returned is ignored.
    class CountingPort(BaseInput):
        def _receive(self, block=True):
            self._messages.append(Message('clock'))
            return len(self._messages)

    port = CountingPort()
    assert port.receive().type == 'clock'
    assert port.pending() == 1


def test_open_may_install_its_own_parser():
    class OwnParser(BaseInput):
        def _open(self, **kwargs):
            self._parser = midox.Parser()

        def _receive(self, block=True):
            self._parser.feed([0xFA])

    assert OwnParser().receive().type == 'start'


def test_several_threads_receive_each_message_once():
    port = MIDOX.ListPort()
    count, readers = 400, 4
    got = []
    lock = threading.Lock()

    def reader():
        for _ in range(count // readers):
            message = port.receive()
            with lock:
                got.append(message.pos)

    workers = [Worker(reader) for _ in range(readers)]
    for i in range(count):
        port.send(seq(i))
    for worker in workers:
        worker.value()
    assert sorted(got) == list(range(count))


# Iteration

@pytest.mark.parametrize('lib', LIBS)
def test_iteration_ends_when_port_closes_itself_like_mido(lib):
    port = classes(lib).SelfClosingInput(messages=[seq(i, lib) for i in range(3)])
    assert timed(lambda: [m.pos for m in port]) == [0, 1, 2]
    assert port.closed


def test_iteration_over_a_closed_port_yields_pending_then_ends():
    # mido raises ValueError here once the pending messages are gone; midox ends the iteration.
    port = MIDOX.ListPort()
    port.send(seq(0))
    port.close()
    assert timed(lambda: [m.pos for m in port]) == [0]
    assert timed(list, port) == []


@pytest.mark.parametrize('class_name, feed', CONTRACTS)
def test_iteration_ends_when_closed_from_another_thread(class_name, feed):
    port = getattr(MIDOX, class_name)()
    got = []

    def consume():
        for message in port:
            got.append(message.pos)

    consumer = Worker(consume)
    feed(port, [seq(i) for i in range(5)])
    wait_for(lambda: len(got) == 5, what='the messages')
    calls = port.receive_calls
    wait_for(lambda: port.receive_calls > calls + 2, what='the consumer to wait')
    port.close()
    consumer.value()  # ends without an exception
    assert got == list(range(5))


def test_iteration_ends_when_closed_between_messages():
    # Whatever the moment another thread closes the port, iteration ends cleanly (mido may raise
    # ValueError when the close falls between two receive() calls).
    for _ in range(20):
        port = MIDOX.ListPort()
        for i in range(50):
            port.send(seq(i))
        got = []

        def consume():
            for message in port:
                got.append(message.pos)

        consumer = Worker(consume)
        wait_for(lambda: got, what='a first message')
        port.close()
        consumer.value()
        assert got == list(range(50))  # pending messages are still delivered


def test_iteration_stops_with_callback_error_if_callback_set_meanwhile():
    port = MIDOX.ListPort()
    consumer = Worker(list, port)
    wait_for(lambda: port.receive_calls >= 3, what='the consumer to wait')
    port.callback = lambda message: None
    consumer.join()
    assert isinstance(consumer.error, ValueError)
    assert str(consumer.error) == 'a callback is set for this port'
    port.callback = None
    port.close()


# Callbacks

def test_callback_receives_messages_from_another_thread():
    port = MIDOX.ListPort()
    got = []
    port.callback = got.append
    assert port.callback == got.append
    feeder = Worker(lambda: [port.send(seq(i)) for i in range(50)])
    feeder.value()
    wait_for(lambda: len(got) == 50, what='the callback')
    assert [m.pos for m in got] == list(range(50))
    port.callback = None
    port.send(seq(99))
    assert port.receive().pos == 99
    assert got[-1].pos == 49


def test_callback_gets_messages_pending_when_it_is_set():
    port = MIDOX.ListPort()
    for i in range(3):
        port.send(seq(i))
    got = []
    port.callback = got.append
    wait_for(lambda: len(got) == 3, what='the callback')
    assert [m.pos for m in got] == [0, 1, 2]
    port.close()


@pytest.mark.parametrize('class_name, feed', CONTRACTS)
def test_callback_switching_delivers_every_message_once_in_order(class_name, feed):
    port = getattr(MIDOX, class_name)()
    total = 300
    log = []  # (consumer, position), in the order of delivery

    def feeder():
        for i in range(total):
            # Keep a short backlog so that every phase below finds messages to take.
            deadline = time.monotonic() + TIMEOUT
            while i - len(log) > 8:
                if time.monotonic() > deadline:
                    raise TimeoutError('nobody consumes')
                time.sleep(0.0002)
            feed(port, [seq(i)])

    def callback(name):
        def deliver(message):
            # A slow callback: a setter that returned while it still ran would let receive() log a later
            # message first.
            time.sleep(0.0002)
            log.append((name, message.pos))
        return deliver

    worker = Worker(feeder)
    phases = itertools.cycle(['A', 'B', None, 'A', None, 'B'])
    while len(log) < total - 30:
        phase = next(phases)
        start = len(log)
        if phase is None:
            port.callback = None
            for _ in range(5):
                log.append(('receive', timed(port.receive).pos))
        else:
            port.callback = callback(phase)
            wait_for(lambda: len(log) >= start + 5, what=f'callback {phase}')
    port.callback = None

    def drain():
        for message in port.iter_pending():
            log.append(('receive', message.pos))
        return len(log) >= total

    wait_for(drain, what='the remaining messages')
    worker.value()
    assert [position for _, position in log] == list(range(total))
    assert {name for name, _ in log} == {'A', 'B', 'receive'}
    port.close()


def test_callback_can_replace_and_clear_itself():
    port = MIDOX.ListPort()
    log = []

    def first(message):
        log.append(('first', message.pos))
        if message.pos == 2:
            port.callback = second

    def second(message):
        log.append(('second', message.pos))
        if message.pos == 5:
            port.callback = None

    for i in range(8):
        port.send(seq(i))
    port.callback = first
    wait_for(lambda: port.callback is None, what='the callback to clear itself')
    rest = [m.pos for m in port.iter_pending()]
    assert log == [('first', 0), ('first', 1), ('first', 2), ('second', 3), ('second', 4), ('second', 5)]
    assert rest == [6, 7]


def test_callback_errors_are_reported_and_delivery_goes_on(monkeypatch):
    reported = []
    monkeypatch.setattr(threading, 'excepthook', reported.append)
    port = MIDOX.ListPort()
    got = []

    def callback(message):
        if message.pos == 1:
            raise RuntimeError('bad message')
        got.append(message.pos)

    port.callback = callback
    for i in range(3):
        port.send(seq(i))
    wait_for(lambda: got == [0, 2], what='delivery after the error')
    port.close()
    assert len(reported) == 1
    assert reported[0].exc_type is RuntimeError


def test_close_stops_callbacks_and_keeps_undelivered_messages():
    port = MIDOX.ListPort()
    delivered = []
    release = threading.Event()

    def slow(message):
        delivered.append(message.pos)
        release.wait(TIMEOUT)

    for i in range(4):
        port.send(seq(i))
    port.callback = slow
    wait_for(lambda: delivered == [0], what='the first delivery')
    dispatcher = port._dispatch_thread
    closer = Worker(port.close)
    release.set()  # close() waits for the running callback to return
    closer.value()
    assert port.closed
    assert not dispatcher.is_alive()
    assert delivered == [0]
    port.callback = None
    assert [m.pos for m in port.iter_pending()] == [1, 2, 3]


def test_close_from_inside_the_callback():
    port = MIDOX.ListPort()
    got = []

    def callback(message):
        got.append(message.pos)
        if not port.closed:
            port.close()

    for i in range(3):
        port.send(seq(i))
    port.callback = callback
    # The dispatcher delivers what was pending before the port closed, then ends.
    wait_for(lambda: got == [0, 1, 2], what='the pending messages')
    wait_for(lambda: port._dispatch_thread is None, what='the dispatcher to end')
    assert port.closed


def test_callback_on_a_port_that_closes_itself_gets_everything():
    got = []
    port = MIDOX.SelfClosingInput(messages=[seq(i) for i in range(4)])
    port.callback = got.append
    wait_for(lambda: port.closed and port._dispatch_thread is None, what='the port to close')
    assert [m.pos for m in got] == [0, 1, 2, 3]


def test_callback_passed_to_the_constructor():
    got = []
    port = EchoPort(callback=got.append)
    assert port.callback == got.append
    port.send(seq(1))
    wait_for(lambda: len(got) == 1, what='the callback')
    port.close()


def test_callback_set_inside_open_starts_after_open():
    # The rtmidi backend's pattern: _open() sets self.callback while the port is still closed.
    got = []

    class Device(BaseIOPort):
        def _open(self, callback=None, **kwargs):
            self.callback = callback

        def _send(self, message):
            self._messages.append(message)

    port = Device(callback=got.append)
    port.send(seq(5))
    wait_for(lambda: len(got) == 1, what='the callback')
    port.close()


def test_callback_must_be_callable():
    port = EchoPort()
    with pytest.raises(TypeError):
        port.callback = 42
    assert port.callback is None


def test_device_error_in_dispatcher_is_reported_and_stops_it(monkeypatch):
    reported = []
    monkeypatch.setattr(threading, 'excepthook', reported.append)

    class Failing(BaseInput):
        def _receive(self, block=True):
            raise OSError('device gone')

    port = Failing()
    port.callback = print
    wait_for(lambda: port._dispatch_thread is None, what='the dispatcher to stop')
    assert reported and reported[0].exc_type is OSError


def test_callback_switched_under_load_loses_repeats_and_overlaps_nothing():
    # A feeder keeps a backlog of messages on the port while the main thread switches between fresh
    # callbacks and receive(), so a setter usually comes while the dispatcher is busy. Every message goes to
    # exactly one consumer, in order; once the setter returns, the callback it replaced is not running and
    # is never called again.
    port = MIDOX.ListPort()
    total = 3000
    log = []            # positions, in the order of delivery
    served = {}         # generation of a callback -> how many messages it got
    running = set()     # generations of the callbacks now running
    retired = set()     # generations of the callbacks replaced (their setter returned)
    late = []           # (generation, position) of calls to a retired callback
    still_running = []  # generations that ran after the setter that replaced them returned

    def share(generation):
        """How many messages a consumer takes before the main thread switches to the next one."""
        return generation % 7 + 1

    def make(generation, had_its_share):
        def deliver(message):
            running.add(generation)
            if generation in retired:
                late.append((generation, message.pos))
            log.append(message.pos)
            served[generation] = served.get(generation, 0) + 1
            if served[generation] >= share(generation):
                had_its_share.set()     # the switch comes while this callback goes on delivering
            time.sleep(0)               # a callback that does I/O lets other threads run in the middle
            running.discard(generation)
        return deliver

    def feeder():
        for i in range(total):
            deadline = time.monotonic() + TIMEOUT
            while i - len(log) > 40:
                if time.monotonic() > deadline:
                    raise TimeoutError('nobody consumes')
                time.sleep(0.0002)
            port.send(seq(i))

    worker = Worker(feeder)
    generation = 0
    had_its_share = threading.Event()
    port.callback = make(generation, had_its_share)
    while len(log) < total:
        if port.callback is None:
            for message in itertools.islice(port.iter_pending(), share(generation)):
                log.append(message.pos)
        else:
            wait_for(lambda: had_its_share.wait(0.001) or len(log) >= total, what=f'callback {generation}')
        old, generation = generation, generation + 1
        had_its_share = threading.Event()
        port.callback = None if generation % 3 == 0 else make(generation, had_its_share)
        if old in running:
            still_running.append(old)
        retired.add(old)
    port.callback = None
    worker.value()
    assert late == []
    assert still_running == []
    assert log == list(range(total))
    assert len(served) >= 100
    port.close()


def test_callback_set_again_right_after_clearing_it_is_called():
    # The dispatcher of an endless stream looks at the callback after every message, so clearing and setting
    # it again often lands while the thread is deciding to end: the new callback must still get a thread.
    class Stream(BaseInput):
        def _receive(self, block=True):
            return Message('clock')

    port = Stream()
    port.callback = lambda message: None
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)     # switch threads as often as possible, to meet the race
    try:
        for _ in range(1500):
            called = threading.Event()
            port.callback = None
            port.callback = lambda message, called=called: called.set()
            assert called.wait(TIMEOUT), 'the callback set again got no dispatcher'
    finally:
        sys.setswitchinterval(interval)
        port.close()


@pytest.mark.parametrize('lock', [threading.RLock, midox.ports.DummyLock])
def test_port_whose_init_skips_ours_takes_a_callback(lock):
    # mido lets a subclass set up the state it needs instead of calling the base __init__ (mido's own IOPort
    # does, with a DummyLock).
    class Bare(BaseInput):
        def __init__(self, name):
            self.name = name
            self._lock = lock()
            self._messages = collections.deque()
            self.device = queue.Queue()
            self.closed = False

        def _receive(self, block=True):
            try:
                return self.device.get_nowait()
            except queue.Empty:
                return None

    port = Bare('bare')
    got = []
    port.callback = got.append
    for i in range(3):
        port.device.put(seq(i))
    wait_for(lambda: len(got) == 3, what='the callback')
    port.callback = None
    port.device.put(seq(3))
    assert timed(port.receive).pos == 3
    port.callback = got.append
    thread = port._dispatch_thread
    timed(port.close)
    assert port.closed and port._dispatch_thread is None and not thread.is_alive()
    assert [m.pos for m in got] == [0, 1, 2]


def test_clearing_the_callback_ends_the_dispatcher():
    port = MIDOX.ListPort()
    port.callback = lambda message: None
    thread = port._dispatch_thread
    assert thread.is_alive()
    port.callback = None
    wait_for(lambda: not thread.is_alive(), what='the dispatcher to end')
    assert port._dispatch_thread is None
    port.close()


def test_close_ends_a_dispatcher_waiting_for_input_before_returning():
    port = MIDOX.ListPort()
    port.callback = lambda message: None
    thread = port._dispatch_thread
    timed(port.close)
    assert port._dispatch_thread is None and not thread.is_alive()
    assert port.callback is not None    # close() stops the delivery; the attribute is left as it was


def test_callback_set_on_a_closed_port_gets_the_pending_messages_then_ends():
    port = MIDOX.ListPort()
    port.close()
    port.callback = print
    assert port._dispatch_thread is None    # nothing to deliver: no thread
    port.callback = None

    port = MIDOX.ListPort()
    for i in range(3):
        port.send(seq(i))
    port.close()
    got = []
    port.callback = got.append
    wait_for(lambda: len(got) == 3 and port._dispatch_thread is None, what='the pending messages')
    assert [m.pos for m in got] == [0, 1, 2]


def test_close_inside_send_while_the_callback_sends_does_not_deadlock():
    # Like a socket port whose peer went away: send() closes the port from inside _send(), with the port
    # lock held, while the callback (on the dispatcher) sends on the same port. Neither may wait for the
    # other forever, and the callback is not called after close() returned.
    closing = threading.Event()
    in_callback = threading.Event()

    class Echo(BaseIOPort):
        def _send(self, message):
            if message.pos == 999:
                closing.set()
                self.close()
            else:
                self._messages.append(message)

    port = Echo()
    calls = []

    def callback(message):
        calls.append(message.pos)
        if message.pos == 0:
            in_callback.set()
            closing.wait(TIMEOUT)
            try:
                port.send(seq(1))
            except PortClosedError:
                pass

    port.callback = callback
    port.send(seq(0))
    assert in_callback.wait(TIMEOUT)
    timed(port.send, seq(999))
    assert port.closed
    wait_for(lambda: port._dispatch_thread is None, what='the dispatcher to end')
    assert calls == [0]


def test_close_from_inside_the_callback_while_another_thread_sends():
    port = MIDOX.ListPort()
    got = []

    def callback(message):
        got.append(message.pos)
        if message.pos == 10:
            port.close()

    port.callback = callback

    def feed():
        for i in range(200):
            try:
                port.send(seq(i))
            except PortClosedError:
                return i
        return None

    stopped_at = timed(feed)
    wait_for(lambda: port._dispatch_thread is None, what='the dispatcher to end')
    assert port.closed
    # What was sent before the close is delivered (the dispatcher drains a port closed on its own thread);
    # nothing is delivered twice or out of order.
    assert got == list(range(len(got)))
    assert 11 <= len(got) and (stopped_at is None or len(got) == stopped_at)


# IOPort

@pytest.mark.parametrize('lib', LIBS)
def test_io_port_forwards(lib):
    ports = lib.ports
    inport = classes(lib).ListPort('in')
    outport = classes(lib).Sink('out')
    io = ports.IOPort(inport, outport)
    assert io.name == 'in + out'
    io.send(seq(1, lib))
    assert [m.pos for m in outport.sent] == [1]
    inport.send(seq(2, lib))
    inport.send(seq(3, lib))
    assert io.receive().pos == 2
    assert [m.pos for m in io.iter_pending()] == [3]
    io.close()
    assert inport.closed and outport.closed and io.closed


def test_io_port_pending_and_callback_forward_to_input():
    inport = MIDOX.ListPort('in')
    io = IOPort(inport, MIDOX.Sink('out'))
    inport.send(seq(0))
    assert io.pending() == 1
    got = []
    io.callback = got.append
    assert inport.callback == got.append
    wait_for(lambda: len(got) == 1, what='the callback')
    with pytest.raises(ValueError):
        io.receive()
    io.callback = None
    assert inport.callback is None
    io.close()


def test_io_port_receive_raises_when_input_closed():
    inport = MIDOX.ListPort('in')
    io = IOPort(inport, MIDOX.Sink('out'))
    inport.close()
    with pytest.raises(OSError):
        timed(io.receive)
    assert timed(list, io) == []


# EchoPort

def test_echo_port_like_mido():
    def scenario(lib):
        port = lib.ports.EchoPort()
        for i in range(3):
            port.send(seq(i, lib))
        first = port.receive().pos
        rest = [m.pos for m in port]  # iteration does not wait
        port.send(seq(9, lib))
        port.close()
        return first, rest, port.poll().pos, port.poll(), list(port)
    assert both(scenario) == (0, [1, 2], 9, None, [])


# MultiPort (docs/differences.md, difference 9)

def test_multiport_receive_returns():
    a, b = EchoPort('a'), EchoPort('b')
    multi = MultiPort([a, b])
    b.send(seq(1))
    assert Worker(multi.receive).value().pos == 1
    assert multi.poll() is None


def test_multiport_receive_waits_for_a_message():
    a, b = MIDOX.ListPort('a'), MIDOX.ListPort('b')
    multi = MultiPort([a, b])
    receiver = Worker(multi.receive)
    wait_for(lambda: a.receive_calls >= 3, what='receive() to poll')
    assert receiver.thread.is_alive()
    b.send(seq(4))
    assert receiver.value().pos == 4


def test_multiport_iteration_yields_from_all_ports_until_all_close():
    a, b, c = EchoPort('a'), EchoPort('b'), EchoPort('c')
    multi = MultiPort([a, b, c])
    got = []

    def consume():
        for message in multi:
            got.append(message.pos)

    consumer = Worker(consume)
    a.send(seq(0))
    b.send(seq(1))
    c.send(seq(2))
    wait_for(lambda: len(got) == 3, what='the messages')
    a.close()
    b.close()
    c.send(seq(3))
    wait_for(lambda: len(got) == 4, what='the last message')
    assert consumer.thread.is_alive()  # c is still open
    c.close()
    consumer.value()
    assert sorted(got) == [0, 1, 2, 3]
    with pytest.raises(OSError):
        timed(multi.receive)
    assert not multi.closed  # mido's attribute: only close() closes a MultiPort


def test_multiport_yield_ports():
    a, b = EchoPort('a'), EchoPort('b')
    multi = MultiPort([a, b], yield_ports=True)
    a.send(seq(0))
    b.send(seq(1))
    got = Worker(lambda: [multi.receive(), multi.receive()]).value()
    assert sorted((port.name, message.pos) for port, message in got) == [('a', 0), ('b', 1)]
    a.close()
    b.close()
    assert timed(list, multi) == []


def test_multiport_send_and_close_like_mido():
    def scenario(lib):
        sinks = [classes(lib).Sink(name) for name in 'abc']
        sinks[1].close()
        multi = lib.ports.MultiPort(sinks)
        multi.send(seq(5, lib))
        multi.close()
        return [[m.pos for m in sink.sent] for sink in sinks], [sink.closed for sink in sinks], multi.closed
    assert both(scenario) == ([[5], [], [5]], [False, True, False], True)


def test_multiport_pending_and_poll():
    a, b = EchoPort('a'), EchoPort('b')
    multi = MultiPort([a, b])
    assert multi.pending() == 0
    a.send(seq(0))
    b.send(seq(1))
    assert multi.pending() == 2
    assert sorted(m.pos for m in multi.iter_pending()) == [0, 1]


def test_multiport_accepts_any_iterable_and_keeps_a_list():
    multi = MultiPort(port for port in [EchoPort()])
    assert isinstance(multi.ports, list) and len(multi.ports) == 1


def test_multiport_subclass_that_drops_closed_ports_keeps_waiting():
    # PortServer drops closed clients before MultiPort._receive(): when its last client leaves it waits
    # for the next one instead of ending.
    class Server(MultiPort):
        def _receive(self, block=True):
            self.ports = [port for port in self.ports if not port.closed]
            return MultiPort._receive(self)

    first = MIDOX.ListPort('first')
    server = Server([first])
    first.send(seq(0))
    assert timed(server.receive).pos == 0
    first.close()
    receiver = Worker(server.receive)
    wait_for(lambda: server.ports == [], what='the server to drop the closed client')
    second = EchoPort('second')
    server.ports.append(second)
    second.send(seq(1))
    assert receiver.value().pos == 1
    server.close()
    with pytest.raises(OSError):
        timed(server.receive)


def test_multiport_callback():
    a, b = EchoPort('a'), EchoPort('b')
    multi = MultiPort([a, b])
    got = []
    multi.callback = got.append
    a.send(seq(0))
    b.send(seq(1))
    wait_for(lambda: len(got) == 2, what='the callback')
    multi.close()
    assert sorted(m.pos for m in got) == [0, 1]


# multi_receive, multi_iter_pending, multi_send

def grouped(pairs):
    """The (port name, position) pairs of a multi_iter_pending run, checking that each port's messages
    come together and in order."""
    names = [name for name, _ in pairs]
    runs = [name for name, _ in itertools.groupby(names)]
    assert len(runs) == len(set(runs)), 'a port was visited twice'
    return sorted(pairs)


def test_multi_iter_pending_like_mido():
    def scenario(lib):
        ports = [lib.ports.EchoPort(name) for name in 'abc']
        for index, port in enumerate(ports):
            for i in range(3):
                port.send(seq(index * 10 + i, lib))
        ports[2].send(seq(99, lib))
        ports[2].close()  # closed ports are skipped, pending messages or not
        pending = lib.ports.multi_iter_pending(ports, yield_ports=True)
        pairs = grouped([(port.name, m.pos) for port, m in pending])
        for i in range(2):
            ports[0].send(seq(50 + i, lib))
        plain = sorted(m.pos for m in lib.ports.multi_iter_pending(ports))
        empty = list(lib.ports.multi_receive(ports, block=False))
        return pairs, plain, empty
    pairs, plain, empty = both(scenario)
    assert pairs == [('a', 0), ('a', 1), ('a', 2), ('b', 10), ('b', 11), ('b', 12)]
    assert plain == [50, 51]
    assert empty == []


@pytest.mark.parametrize('lib', LIBS)
def test_multi_receive_blocking_yields_messages_sent_later(lib):
    ports = [lib.ports.EchoPort(name) for name in 'ab']
    stream = lib.ports.multi_receive(ports)
    receiver = Worker(lambda: [next(stream).pos for _ in range(3)])
    ports[0].send(seq(0, lib))
    ports[1].send(seq(1, lib))
    ports[0].send(seq(2, lib))
    assert sorted(receiver.value()) == [0, 1, 2]


def test_multi_send_like_mido():
    def scenario(lib):
        sinks = [classes(lib).Sink(name) for name in 'ab']
        message = lib.Message('note_on', note=1)
        lib.ports.multi_send(sinks, message)
        message.note = 2
        sent = [[m.note for m in sink.sent] for sink in sinks]
        sinks[0].close()
        return sent, outcome(lib.ports.multi_send, sinks, message)[0]
    assert both(scenario) == ([[1], [1]], 'error')
