"""The port contract (midox.ports) through every device backend: one scenario, four backends.

The fixture ``backend`` runs each scenario on
  rtmidi-jack  midox.backends.rtmidi on a real JACK server (jackd, dummy driver): virtual input, output to it;
  rtmidi-alsa  midox.backends.rtmidi on ALSA: the sequencer stand-in's loopback "Midi Through Port-0";
  portmidi     midox.backends.portmidi (midox's binding to the real libportmidi) on the same loopback;
  pygame       midox.backends.pygame (pygame.midi, pygame's own PortMidi and libasound) on the same loopback.
The ALSA ones are device tests (marker ``standin``, see conftest.py). Where backends legitimately differ (how
many messages an ALSA client holds, how long a sysex message may be, whether a device opens twice, error texts,
how mido's own backend is run next to midox's), the difference is data on the backend class, not a copy of the
scenario. What only one backend has is tested in its own file: test_rtmidi.py (JACK), test_backend_rtmidi_alsa.py,
test_backend_portmidi_ports.py and test_backend_pygame.py.
"""
import gc
import itertools
import os
import re
import threading
import time
import weakref
from contextlib import ExitStack, contextmanager

import pytest

import pygame_children
from port_traffic import (
    EVERY_TYPE,
    assert_each_once_in_order,
    await_connection,
    blocked_receive_error,
    numbered,
    receive_all,
    receive_while_switching_callbacks,
    wait_until,
)

import midox
from midox import Message
from midox.ports import PortClosedError, reset_messages

LOOP = "Midi Through Port-0"
LOOP_FULL = "Midi Through:Midi Through Port-0 14:0"     # the loopback's name in RtMidi's ALSA port list

# What test_same_traffic_gives_the_same_messages_as_mido sends, and what every input gives back: active sensing is
# dropped on input, as mido's inputs drop it (RtMidi's and PortMidi's default filters).
TRAFFIC = EVERY_TYPE + [Message("sysex", data=[(i * 3) % 128 for i in range(1500)]), Message("active_sensing"),
                        Message("note_on", note=99)]
RECEIVED = [message for message in TRAFFIC if message.type != "active_sensing"]


def channel_traffic(count):
    """count channel messages of every type on every channel, in runs of 100 of one type (so consecutive
    messages often share a status byte: running status on the wire)."""
    kinds = [
        lambda i, channel, value: Message("note_on", channel=channel, note=value, velocity=i % 128),
        lambda i, channel, value: Message("note_off", channel=channel, note=value),
        lambda i, channel, value: Message("control_change", channel=channel, control=i % 120, value=value),
        lambda i, channel, value: Message("program_change", channel=channel, program=value),
        lambda i, channel, value: Message("aftertouch", channel=channel, value=value),
        lambda i, channel, value: Message("polytouch", channel=channel, note=value, value=i % 128),
        lambda i, channel, value: Message("pitchwheel", channel=channel, pitch=(i * 20) % 16000 - 8000),
        lambda i, channel, value: Message("song_select", song=value),
    ]
    return [kinds[(i // 100) % len(kinds)](i, i % 16, (i * 7) % 128) for i in range(count)]


def send_paced(backend, port_out, messages, arrived):
    """Send messages, keeping at most backend.in_flight of them sent and not yet arrived (arrived() counts)."""
    limit = backend.in_flight
    for sent, message in enumerate(messages):
        if limit is not None and sent - arrived() >= limit:
            wait_until(lambda: sent - arrived() < limit, timeout=5)
        port_out.send(message)


# ---- the backends ----------------------------------------------------------------------------------------------

class Backend:
    """One backend under test: how to open ports on its loop, and the data in which backends differ."""
    id = None
    needs = ()                  # (module, why) pairs: skip with that reason when the module cannot be imported
    standin = True              # runs over the ALSA sequencer stand-in
    # At most this many messages in flight: an ALSA client's input holds 200 events, as in the kernel, and the
    # stand-in drops events past that as the kernel does. None: no limit (JACK).
    in_flight = 100
    sysex_sizes = ()            # lengths (in bytes, F0 and F7 included) of sysex messages that go through
    bulk = 3000                 # messages sent in the "none lost" scenarios
    switch_count = 3000         # messages sent while the callback is switched
    switch_pause = 0.001        # seconds between runs of 50 messages in that scenario
    exclusive = False           # a device can be opened by one port at a time (PortMidi)
    close_within = 0.3          # seconds a blocked receive() takes to end once the port is closed
    close_callback_within = 0.04    # seconds close() takes with a callback set (its thread is woken, not run out)
    # str(error) of opening an unknown input or output "nope" (a regular expression), and what mido's own backend
    # says (midox's message starts with it).
    unknown_port = {}
    registry_name = None        # midox's name of the backend (midox.Backend(registry_name))
    mido_backend = None         # mido's name of the same backend

    def __init__(self, request):
        self.request = request

    @classmethod
    def prepare(cls):
        """Set-up before the backend's modules are imported."""

    # Ports on the loop: what an output sends, the inputs receive. The loop is the same for every port opened by
    # a test, except on JACK (an output goes to the input opened last).
    def open_input(self, **options):
        raise NotImplementedError

    def open_output(self, **options):
        raise NotImplementedError

    @contextmanager
    def loop(self, **input_options):
        with self.open_input(**input_options) as port_in, self.open_output() as port_out:
            yield port_in, port_out

    def left_open(self):
        """What this backend still has open (empty when every port of the test is closed)."""
        raise NotImplementedError

    def released(self, port_in):
        """After port_in was closed while its output is open: check that its device was let go."""
        assert port_in.closed

    def mido_exchange(self, sent, mido_sends):
        """Send sent (midox messages) from a mido port to a midox port (mido_sends) or back; return the bytes of
        the messages the receiving port got."""
        raise NotImplementedError

    def same_traffic_as_mido(self):
        """Send TRAFFIC to a mido input and to a midox input; return the bytes each received: (ours, theirs)."""
        raise NotImplementedError

    def unknown_port_pattern(self, kind):
        """A regular expression that str(error) of opening an unknown port matches."""
        return self.unknown_port[kind]

    def unknown_port_errors(self, kind):
        """(midox's error, mido's error) of opening an unknown port "nope" (kind: "input" or "output")."""
        import mido
        errors = []
        for backend in (midox.Backend(self.registry_name), mido.Backend(self.mido_backend)):
            with pytest.raises(OSError) as info:
                getattr(backend, f"open_{kind}")("nope")
            errors.append(str(info.value))
        return errors


class RtmidiJack(Backend):
    id = "rtmidi-jack"
    needs = (("rtmidi", "python-rtmidi is not installed (pip install 'midox[rtmidi]')"),)
    standin = False
    in_flight = None
    sysex_sizes = (1003, 1502, 8002)
    bulk = 10_000
    switch_pause = 0.005
    close_within = 0.1
    close_callback_within = 0.5     # closing frees the JACK client: a round trip to the server
    registry_name = "midox.backends.rtmidi/UNIX_JACK"
    mido_backend = "mido.backends.rtmidi/UNIX_JACK"
    unknown_port = {"input": r"^unknown port 'nope'; the ports are .*'{prefix}-\d+:out'",
                    "output": r"^unknown port 'nope'; the ports are .*'{prefix}-\d+:in'"}
    _clients = itertools.count()

    def __init__(self, request):
        super().__init__(request)
        request.getfixturevalue("jack_server")
        self.jack = midox.Backend(self.registry_name)
        self.prefix = f"midox-scenario-{next(self._clients)}"
        self._inputs = itertools.count()
        self._opened = []       # weak references to the ports opened through this object
        self.last_input = None

    def _client(self):
        return f"{self.prefix}-{next(self._inputs)}"

    def open_input(self, **options):
        self.last_input = f"{self._client()}:in"
        port_in = self.jack.open_input("in", client_name=self.last_input.split(":")[0], **options)
        self._last_port_in = weakref.ref(port_in)
        self._opened.append(self._last_port_in)
        return port_in

    def open_output(self, **options):
        port_out = self.jack.open_output(self.last_input, **options)
        self._opened.append(weakref.ref(port_out))
        port_in = self._last_port_in()
        if port_in is not None:
            await_connection(port_out, port_in)
        return port_out

    def unknown_port_errors(self, kind):
        # With no port, JACK has none to list (midox and mido then say "no ports available"): open one of each.
        with self.open_input(), self.jack.open_output("out", virtual=True, client_name=self._client()):
            return super().unknown_port_errors(kind)

    def unknown_port_pattern(self, kind):
        return self.unknown_port[kind].format(prefix=re.escape(self.prefix))

    def left_open(self):
        # The ports this test opened that are still open. (Not JACK's port list: each look at it is a JACK client
        # of its own, and clients of one name opened and closed in quick succession make jackd fail now and then.)
        gc.collect()
        return [port for port in (ref() for ref in self._opened) if port is not None and not port.closed]

    def released(self, port_in):
        super().released(port_in)
        assert port_in._rt is None
        assert wait_until(lambda: self.last_input not in self.jack.get_output_names(), interval=0.05)

    def mido_exchange(self, sent, mido_sends):
        import mido
        theirs = mido.Backend(self.mido_backend)
        with ExitStack() as stack:
            if mido_sends:
                port_in = stack.enter_context(self.open_input())
                port_out = stack.enter_context(theirs.open_output(self.last_input))
                await_connection(port_out, port_in)
                sent = [mido.Message.from_bytes(message.bytes()) for message in sent]
            else:
                client = self._client()
                port_in = stack.enter_context(theirs.open_input("in", client_name=client))
                port_out = stack.enter_context(self.jack.open_output(f"{client}:in"))
                await_connection(port_out, port_in)
            for message in sent:
                port_out.send(message)
            return [message.bytes() for message in receive_all(port_in, len(sent))]

    def same_traffic_as_mido(self):
        import mido
        client = self._client()
        with mido.Backend(self.mido_backend).open_input("in", client_name=client) as mido_in, \
                self.jack.open_output(f"{client}:in") as to_mido, self.loop() as (port_in, port_out):
            await_connection(to_mido, mido_in)
            for message in TRAFFIC:
                to_mido.send(message)
                port_out.send(message)
            return ([message.bytes() for message in receive_all(port_in, len(RECEIVED))],
                    [message.bytes() for message in receive_all(mido_in, len(RECEIVED))])


class RtmidiAlsa(Backend):
    id = "rtmidi-alsa"
    needs = (("rtmidi", "python-rtmidi is not installed (pip install 'midox[rtmidi]')"),)
    sysex_sizes = (1002, 1502, 4002)    # a longer one is more than the 200 cells of an ALSA client's input
    switch_count = 4000
    close_within = 0.1
    registry_name = "midox.backends.rtmidi/LINUX_ALSA"
    mido_backend = "mido.backends.rtmidi/LINUX_ALSA"
    unknown_port = {"input": rf"^unknown port 'nope'; the ports are {LOOP_FULL!r}$",
                    "output": rf"^unknown port 'nope'; the ports are {LOOP_FULL!r}$"}

    def __init__(self, request):
        super().__init__(request)
        from midox.backends import rtmidi
        self.module = rtmidi

    def open_input(self, **options):
        return self.module.Input(LOOP, **options)

    def open_output(self, **options):
        return self.module.Output(LOOP, **options)

    def left_open(self):
        # RtMidi's clients list their own ports while they exist: only the loopback is left. (gc: a closed port of
        # mido's keeps its RtMidi client, and so its ALSA port, until it is collected.)
        gc.collect()
        return [device["name"] for device in self.module.get_devices() if device["name"] != LOOP_FULL]

    def released(self, port_in):
        super().released(port_in)
        assert port_in._rt is None

    def mido_exchange(self, sent, mido_sends):
        import mido
        theirs = mido.Backend(self.mido_backend)
        if mido_sends:
            ports = self.open_input(), theirs.open_output(LOOP)
            sent = [mido.Message.from_bytes(message.bytes()) for message in sent]
        else:
            ports = theirs.open_input(LOOP), self.open_output()
        with ports[0] as port_in, ports[1] as port_out:
            for message in sent:
                port_out.send(message)
            return [message.bytes() for message in receive_all(port_in, len(sent))]

    def same_traffic_as_mido(self):
        import mido
        theirs = mido.Backend(self.mido_backend)
        # the loopback sends everything to both inputs
        with theirs.open_input(LOOP) as mido_in, self.open_input() as port_in, theirs.open_output(LOOP) as mido_out:
            for message in TRAFFIC:
                mido_out.send(mido.Message.from_bytes(message.bytes()))
            return ([message.bytes() for message in receive_all(port_in, len(RECEIVED))],
                    [message.bytes() for message in receive_all(mido_in, len(RECEIVED))])


class PortMidi(Backend):
    id = "portmidi"
    needs = (("midox.backends._portmidi", "midox's PortMidi binding is not built (PortMidi was not found when "
                                          "midox was installed, or MIDOX_PORTMIDI=off)"),)
    sysex_sizes = (1000, 1021, 3000)
    bulk = 5000
    exclusive = True
    registry_name = "midox.backends.portmidi"
    mido_backend = "mido.backends.portmidi"
    unknown_port = {"input": rf"^unknown port 'nope' \(PortMidi input ports: {LOOP!r}\)$",
                    "output": rf"^unknown port 'nope' \(PortMidi output ports: {LOOP!r}\)$"}

    def __init__(self, request):
        super().__init__(request)
        from midox.backends import _portmidi, portmidi
        self.module, self.binding = portmidi, _portmidi

    def open_input(self, **options):
        return self.module.Input(LOOP, **options)

    def open_output(self, **options):
        return self.module.Output(LOOP, **options)

    def left_open(self):
        gc.collect()
        return ["PortMidi stream"] * self.binding.open_stream_count()

    def released(self, port_in):
        super().released(port_in)
        assert self.binding.open_stream_count() == 1      # the output is still open

    @contextmanager
    def _mido(self):
        from mido.backends import portmidi as mido_portmidi
        # mido re-initializes PortMidi when it has no port open, which would close ours: tell it one is open.
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(mido_portmidi._state, "port_count", 1)
            yield mido_portmidi

    def mido_exchange(self, sent, mido_sends):
        import mido
        with self._mido() as mido_portmidi:
            if mido_sends:
                ports = self.open_input(), mido_portmidi.Output(LOOP)
                sent = [mido.Message.from_bytes(message.bytes()) for message in sent]
            else:
                ports = mido_portmidi.Input(LOOP), self.open_output()
            with ports[0] as port_in, ports[1] as port_out:
                for message in sent:
                    port_out.send(message)
                return [message.bytes() for message in receive_all(port_in, len(sent))]

    def same_traffic_as_mido(self):
        import mido
        with self._mido() as mido_portmidi:
            # one after the other: PortMidi opens a device once
            with self.open_input() as port_in, self.open_output() as port_out:
                for message in TRAFFIC:
                    port_out.send(message)
                ours = [message.bytes() for message in receive_all(port_in, len(RECEIVED))]
            with mido_portmidi.Input(LOOP) as mido_in, mido_portmidi.Output(LOOP) as mido_out:
                for message in TRAFFIC:
                    mido_out.send(mido.Message.from_bytes(message.bytes()))
                theirs = [message.bytes() for message in receive_all(mido_in, len(RECEIVED))]
        return ours, theirs


class Pygame(Backend):
    id = "pygame"
    needs = (("pygame", "pygame is not installed (pip install 'midox[pygame]')"),)
    sysex_sizes = (1000, 1021, 3000)
    bulk = 800
    switch_count = 600
    switch_pause = 0.01
    exclusive = True
    registry_name = "midox.backends.pygame"
    mido_backend = "mido.backends.pygame"
    unknown_port = {"input": rf"^unknown port: 'nope' \(pygame.midi input ports: {LOOP!r}\)$",
                    "output": rf"^unknown port: 'nope' \(pygame.midi output ports: {LOOP!r}\)$"}

    @classmethod
    def prepare(cls):
        # pygame.midi needs no display or sound device; SDL must not look for one. Set before pygame is imported.
        for key, value in pygame_children.SDL_DUMMY.items():
            os.environ.setdefault(key, value)

    def __init__(self, request):
        super().__init__(request)
        from midox.backends import pygame
        self.module = pygame

    def open_input(self, **options):
        return self.module.Input(LOOP, **options)

    def open_output(self, **options):
        return self.module.Output(LOOP, **options)

    def streams(self):
        """The ids of the devices PortMidi has a stream open on (what pygame.midi says, not midox)."""
        midi = self.module.midi
        return [device_id for device_id in range(midi.get_count()) if midi.get_device_info(device_id)[4]]

    def left_open(self):
        gc.collect()
        # The streams are really closed once no port is open (pygame.midi cannot close one: midox restarts
        # PortMidi), and pygame.midi is left initialized for the program's own use.
        assert self.module.midi.get_init()
        return [device for device in self.module.get_devices() if device["opened"]] + self.streams()

    def released(self, port_in):
        super().released(port_in)
        assert self.module.get_devices()[1]["opened"] is False

    def mido_exchange(self, sent, mido_sends):
        # mido's pygame ports run in fresh processes: a device that they used stays open (pygame_children.py)
        code = f"""
from midox.backends import pygame as backend
import midox
sent = {[message.bytes() for message in sent]!r}
if {mido_sends!r}:
    with backend.Input(LOOP) as port_in, mido_pygame.Output(LOOP) as port_out:
        for data in sent:
            port_out.send(mido.Message.from_bytes(data))
        received = mido_receive_all(port_in, len(sent))     # works with midox's port too
else:
    with backend.Output(LOOP) as port_out, mido_pygame.Input(LOOP) as port_in:
        for data in sent:
            port_out.send(midox.Message.from_bytes(data))
        received = mido_receive_all(port_in, len(sent))
print(json.dumps(received))
"""
        return pygame_children.mido_child(code)

    def same_traffic_as_mido(self):
        theirs = pygame_children.mido_child(f"""
traffic = [mido.Message.from_bytes(data) for data in {[message.bytes() for message in TRAFFIC]!r}]
with mido_pygame.Input(LOOP) as port_in, mido_pygame.Output(LOOP) as port_out:
    for message in traffic:
        port_out.send(message)
    print(json.dumps(mido_receive_all(port_in, {len(RECEIVED)})))
""")
        with self.loop() as (port_in, port_out):
            for message in TRAFFIC:
                port_out.send(message)
            ours = [message.bytes() for message in receive_all(port_in, len(RECEIVED))]
        return ours, theirs


BACKENDS = [RtmidiJack, RtmidiAlsa, PortMidi, Pygame]


def _param(backend_class, *values, id_suffix=""):
    marks = [pytest.mark.standin] if backend_class.standin else []
    return pytest.param(backend_class, *values, id=backend_class.id + id_suffix, marks=marks)


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    if "sysex_size" in metafunc.fixturenames:
        metafunc.parametrize(("backend", "sysex_size"),
                             [_param(cls, size, id_suffix=f"-{size}") for cls in BACKENDS for size in cls.sysex_sizes],
                             indirect=["backend"])
    else:
        metafunc.parametrize("backend", [_param(cls) for cls in BACKENDS], indirect=True)


@pytest.fixture
def backend(request):
    """The backend under test; afterwards, nothing of it is left open."""
    backend_class = request.param
    backend_class.prepare()
    for module, why in backend_class.needs:
        pytest.importorskip(module, reason=why)
    instance = backend_class(request)
    yield instance
    # (asked every 50 ms: each look at JACK's port list is a JACK client of its own)
    assert wait_until(lambda: not instance.left_open(), timeout=2, interval=0.05), f"left open: {instance.left_open()}"


@pytest.fixture
def loop(backend):
    with backend.loop() as ports:
        yield ports


# ---- round trips -----------------------------------------------------------------------------------------------

def test_every_message_type_round_trips_in_order(loop):
    port_in, port_out = loop
    for message in EVERY_TYPE:
        port_out.send(message)
    port_out.send(Message("active_sensing"))
    port_out.send(Message("note_on", note=1))
    assert receive_all(port_in, len(EVERY_TYPE) + 1) == EVERY_TYPE + [Message("note_on", note=1)]
    time.sleep(0.05)
    assert port_in.poll() is None           # nothing extra


def test_active_sensing_is_not_received_as_in_mido(loop):
    # RtMidi and PortMidi filter active sensing on input by default; mido's ports behave the same.
    port_in, port_out = loop
    for message in (Message("active_sensing"), Message("clock"), Message("active_sensing"), Message("stop")):
        port_out.send(message)
    assert receive_all(port_in, 2) == [Message("clock"), Message("stop")]
    time.sleep(0.05)
    assert port_in.poll() is None


def test_sent_message_is_copied(loop):
    port_in, port_out = loop
    message = Message("note_on", note=10)
    port_out.send(message)
    message.note = 11
    assert receive_all(port_in, 1) == [Message("note_on", note=10)]


def test_long_sysex_comes_back_complete(loop, sysex_size):
    port_in, port_out = loop
    message = Message("sysex", data=[(i * 13) % 128 for i in range(sysex_size - 2)])
    assert len(message.bin()) == sysex_size
    port_out.send(message)
    port_out.send(Message("note_on", note=1))
    assert receive_all(port_in, 2) == [message, Message("note_on", note=1)]


def test_thousands_of_messages_in_order_none_lost(backend, loop):
    port_in, port_out = loop
    messages = channel_traffic(backend.bulk)
    batch = backend.in_flight or len(messages)       # JACK: as fast as the loop goes, no pacing
    received = []
    for start in range(0, len(messages), batch):
        for message in messages[start:start + batch]:
            port_out.send(message)
        received += receive_all(port_in, len(messages[start:start + batch]))
    assert received == messages
    assert port_in.poll() is None


def test_thousands_of_messages_to_a_thread_blocked_in_receive(backend, loop):
    port_in, port_out = loop
    messages = numbered(backend.bulk)
    received = []

    def reader():
        for _ in range(len(messages)):
            received.append(port_in.receive())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        send_paced(backend, port_out, messages, lambda: len(received))
        thread.join(10)
    finally:
        if thread.is_alive():
            port_in.close()
            thread.join()
    assert received == messages


def test_autoreset_sends_reset_messages_on_close(backend):
    with backend.open_input() as port_in:
        with backend.open_output(autoreset=True) as port_out:
            port_out.send(Message("note_on", note=60))
        expected = [Message("note_on", note=60), *reset_messages()]
        assert receive_all(port_in, len(expected)) == expected


# ---- blocking receive ------------------------------------------------------------------------------------------

def test_blocking_receive_wakes_when_a_message_arrives(backend, loop):
    port_in, port_out = loop
    sent_at = []

    def send():
        sent_at.append(time.monotonic())
        port_out.send(Message("note_on", note=42))

    timer = threading.Timer(0.3, send)
    cpu = time.process_time()
    start = time.monotonic()
    timer.start()
    try:
        message = port_in.receive()
    finally:
        timer.join()
    woke = time.monotonic()
    assert message == Message("note_on", note=42)
    assert 0.25 < woke - start < 0.6
    assert woke - sent_at[0] < 0.05, f"woke {woke - sent_at[0]:.3f} s after the message was sent"
    # The wait does not spin: the process spent far less CPU than the wall time.
    assert time.process_time() - cpu < 0.5 * (woke - start)


def test_receive_is_woken_by_each_message_of_a_stream(loop):
    port_in, port_out = loop
    sent_at = []

    def sender():
        for message in numbered(20):
            time.sleep(0.02)
            sent_at.append(time.monotonic())
            port_out.send(message)

    thread = threading.Thread(target=sender)
    thread.start()
    received = []
    for _ in range(20):
        received.append((port_in.receive(), time.monotonic()))
    thread.join()
    assert [message for message, _ in received] == numbered(20)
    assert max(got - sent for (_, got), sent in zip(received, sent_at)) < 0.03


def test_port_is_usable_while_another_thread_blocks_in_receive(loop):
    port_in, port_out = loop
    result = []
    thread = threading.Thread(target=lambda: result.append(port_in.receive()))
    thread.start()
    try:
        time.sleep(0.1)
        start = time.monotonic()
        assert port_in.poll() is None              # the port lock is not held during the wait
        assert port_in.pending() == 0
        assert time.monotonic() - start < 0.1
        port_out.send(Message("stop"))
        thread.join(2)
        assert not thread.is_alive()
    finally:
        if thread.is_alive():
            port_in.close()
            thread.join()
    assert result == [Message("stop")]


def test_pending_iter_pending_and_iteration(loop):
    port_in, port_out = loop
    for message in EVERY_TYPE[:3]:
        port_out.send(message)
    assert wait_until(lambda: port_in.pending() >= 3, timeout=5)
    assert port_in.pending() == 3
    assert list(port_in.iter_pending()) == EVERY_TYPE[:3]
    port_out.send(Message("start"))
    timer = threading.Timer(0.3, port_in.close)
    timer.start()
    assert list(port_in) == [Message("start")]       # iteration ends when the port is closed
    timer.join()


# ---- closing ---------------------------------------------------------------------------------------------------

def test_close_from_another_thread_ends_a_blocked_receive(backend, loop):
    port_in, _ = loop
    error, seconds = blocked_receive_error(port_in, port_in.close)
    assert seconds < backend.close_within
    assert isinstance(error, PortClosedError)
    assert isinstance(error, OSError) and isinstance(error, ValueError)
    backend.released(port_in)
    assert list(port_in) == []
    port_in.close()         # twice is fine


def test_close_ends_iteration_in_another_thread(loop):
    port_in, port_out = loop
    got = []
    thread = threading.Thread(target=lambda: got.extend(port_in))
    thread.start()
    port_out.send(Message("start"))
    assert wait_until(lambda: got == [Message("start")])
    port_in.close()
    thread.join(2)
    assert not thread.is_alive()


def test_closed_ports_and_wrong_arguments(loop):
    port_in, port_out = loop
    with pytest.raises(TypeError):
        port_out.send("note_on")
    port_in.close()
    port_out.close()
    with pytest.raises(PortClosedError):
        port_out.send(Message("clock"))
    with pytest.raises(PortClosedError):
        port_in.receive()
    assert port_in.poll() is None
    assert port_in.closed and port_out.closed
    assert repr(port_in).startswith("<closed input ")


def test_unreferenced_port_is_closed(backend):
    port = backend.open_input()
    assert backend.left_open()
    del port
    gc.collect()
    assert wait_until(lambda: not backend.left_open(), timeout=2, interval=0.05)
    with backend.open_input():          # the device can be opened again
        pass


def test_a_device_opens_once_or_many_times(backend, loop):
    port_in, port_out = loop
    if backend.exclusive:
        # PortMidi opens each device once, and says so as mido does.
        with pytest.raises(OSError) as info:
            backend.open_input()
        assert str(info.value) == f"port already opened: {LOOP!r}"
        with pytest.raises(OSError) as info:
            backend.module.Output()
        assert str(info.value) == f"output port {LOOP!r} is already open"
    else:
        with backend.open_output() as second:
            second.send(Message("clock"))
            port_out.send(Message("stop"))
            # two outputs: on JACK, events of one cycle from two clients may come in either order
            assert sorted(message.type for message in receive_all(port_in, 2)) == ["clock", "stop"]


def test_unknown_names_list_the_ports_and_start_as_in_mido(backend):
    for kind in ("input", "output"):
        ours, theirs = backend.unknown_port_errors(kind)
        assert re.search(backend.unknown_port_pattern(kind), ours), ours
        assert ours.startswith(theirs)


# ---- callbacks -------------------------------------------------------------------------------------------------

def test_callback_gets_every_message_in_order_on_another_thread(loop):
    port_in, port_out = loop
    got = []
    done = threading.Event()

    def callback(message):
        got.append((message, threading.current_thread() is threading.main_thread()))
        if len(got) == len(EVERY_TYPE):
            done.set()

    port_in.callback = callback
    for message in EVERY_TYPE:
        port_out.send(message)
    assert done.wait(5)
    assert [message for message, _ in got] == EVERY_TYPE
    assert not any(on_main for _, on_main in got)
    with pytest.raises(ValueError, match="callback"):
        port_in.receive()
    port_in.callback = None
    port_out.send(Message("continue"))
    assert port_in.receive() == Message("continue")


def test_callback_given_at_open_runs_on_the_dispatcher_thread(backend):
    got, threads, done = [], set(), threading.Event()

    def callback(message):
        got.append(message)
        threads.add(threading.current_thread())
        if len(got) == 100:
            done.set()

    with backend.open_input(callback=callback) as port_in, backend.open_output() as port_out:
        assert port_in.callback is callback
        for message in numbered(100):
            port_out.send(message)
        assert done.wait(10)
        with pytest.raises(ValueError, match="callback"):
            port_in.receive()
        dispatcher = port_in._dispatch_thread
    assert got == numbered(100)
    # midox's dispatcher, a thread Python started; no library thread (a dummy thread to Python) runs callbacks.
    assert threads == {dispatcher}
    assert not isinstance(dispatcher, threading._DummyThread)
    assert dispatcher is not threading.main_thread()
    assert port_in._dispatch_thread is None
    with pytest.raises(TypeError):
        backend.open_input(callback=42)


def test_setting_a_callback_ends_a_blocked_receive(loop):
    port_in, _ = loop

    def set_callback():
        port_in.callback = lambda message: None

    error, _ = blocked_receive_error(port_in, set_callback, delay=0.1)
    assert isinstance(error, ValueError)
    assert str(error) == "a callback is set for this port"
    port_in.callback = None


def test_messages_that_arrived_before_go_to_a_new_callback_first(loop):
    port_in, port_out = loop
    for message in numbered(5):
        port_out.send(message)
    assert wait_until(lambda: port_in.pending() == 5)
    got = []
    port_in.callback = got.append      # the dispatcher hands the pending ones over first
    assert wait_until(lambda: len(got) == 5)
    assert got == numbered(5)
    port_out.send(Message("stop"))
    assert wait_until(lambda: len(got) == 6)
    assert got[-1] == Message("stop")
    port_in.callback = None


def test_callback_switched_while_messages_flow_loses_and_repeats_nothing(backend, loop):
    port_in, port_out = loop
    messages = numbered(backend.switch_count)

    def sender(arrived):
        for start in range(0, len(messages), 50):
            for message in messages[start:start + 50]:
                port_out.send(message)
            if backend.in_flight is not None:
                wait_until(lambda: arrived() >= start + 50 - backend.in_flight, timeout=5)
            time.sleep(backend.switch_pause)

    sinks = receive_while_switching_callbacks(port_in, sender, len(messages))
    assert_each_once_in_order(messages, sinks)
    time.sleep(0.05)
    assert port_in.poll() is None


def test_callback_exceptions_are_reported_and_delivery_goes_on(loop, monkeypatch):
    port_in, port_out = loop
    reported, got = [], []
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(args.exc_value))

    def callback(message):
        if message.type == "start":
            raise RuntimeError("callback failed")
        got.append(message)

    port_in.callback = callback
    for message in (Message("start"), Message("stop")):
        port_out.send(message)
    assert wait_until(lambda: got == [Message("stop")])
    assert [str(error) for error in reported] == ["callback failed"]
    port_in.callback = None


def test_no_callback_after_close_returns(loop):
    port_in, port_out = loop
    got, after_close = [], []
    closed = threading.Event()
    port_in.callback = lambda message: (after_close if closed.is_set() else got).append(message)
    for message in numbered(50):
        port_out.send(message)
    assert wait_until(lambda: len(got) == 50)
    port_in.close()
    closed.set()
    port_out.send(Message("stop"))
    time.sleep(0.1)
    assert got == numbered(50) and after_close == []


def test_closing_a_port_with_a_callback_stops_its_thread_promptly(backend):
    port_in = backend.open_input(callback=lambda message: None)
    time.sleep(0.1)                                 # the dispatcher is waiting for input
    thread = port_in._dispatch_thread
    assert thread.is_alive()
    start = time.monotonic()
    port_in.close()
    assert time.monotonic() - start < backend.close_callback_within
    assert not thread.is_alive() and port_in._dispatch_thread is None


# ---- mido's own backend on the same devices --------------------------------------------------------------------

def test_mido_and_midox_ports_talk_to_each_other(backend):
    sent = EVERY_TYPE + [Message("sysex", data=range(100))]
    assert backend.mido_exchange(sent, mido_sends=True) == [message.bytes() for message in sent]
    assert backend.mido_exchange(sent, mido_sends=False) == [message.bytes() for message in sent]


def test_same_traffic_gives_the_same_messages_as_mido(backend):
    ours, theirs = backend.same_traffic_as_mido()
    assert ours == theirs == [message.bytes() for message in RECEIVED]
