"""What the device and program tests send and how they wait for it: one list of every message type, numbered
streams, and waits that are always bounded in time."""
import threading
import time

import pytest

from midox import Message

# Every message type a port carries, with edge values and the cases a byte-level path can get wrong (the same
# status twice, velocity 0, empty and odd-length sysex). Active sensing is left out: inputs ignore it, as in mido.
EVERY_TYPE = [
    Message("note_on", channel=0, note=60, velocity=64),
    Message("note_on", channel=0, note=62, velocity=64),
    Message("note_off", channel=15, note=60, velocity=0),
    Message("note_on", channel=3, note=1, velocity=0),
    Message("polytouch", channel=2, note=60, value=33),
    Message("control_change", channel=1, control=7, value=100),
    Message("control_change", channel=1, control=10, value=0),
    Message("program_change", channel=9, program=42),
    Message("aftertouch", channel=4, value=99),
    Message("pitchwheel", channel=0, pitch=0),
    Message("pitchwheel", channel=5, pitch=8191),
    Message("pitchwheel", channel=6, pitch=-8192),
    Message("sysex", data=[1, 2, 3]),
    Message("sysex", data=[]),
    Message("sysex", data=[6, 7, 8, 9, 10, 11]),
    Message("quarter_frame", frame_type=3, frame_value=5),
    Message("songpos", pos=16383),
    Message("song_select", song=7),
    Message("tune_request"),
    Message("clock"),
    Message("start"),
    Message("continue"),
    Message("stop"),
    Message("reset"),
    Message("program_change", channel=0, program=0),
]


def numbered(count):
    """count distinct note_on messages whose note and velocity encode their index (see index())."""
    return [Message("note_on", note=i % 128, velocity=(i // 128) % 128) for i in range(count)]


def index(message):
    """The index a message of numbered() encodes."""
    return message.note + 128 * message.velocity


def receive_all(port, count, timeout=10.0):
    """Receive up to count messages with poll() until timeout seconds pass; return them (compare the list)."""
    messages = []
    deadline = time.monotonic() + timeout
    while len(messages) < count and time.monotonic() < deadline:
        message = port.poll()
        if message is None:
            time.sleep(0.001)
        else:
            messages.append(message)
    return messages


def wait_until(condition, timeout=10.0, interval=0.001):
    """Wait until condition() is true, asking every interval seconds; return whether it became true in time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def blocked_receive_error(port, action, delay=0.2, timeout=2.0):
    """Block a thread in port.receive(), run action() after delay seconds, and return (the exception the
    receive raised, or None if it returned; seconds from action() until the thread ended)."""
    errors = []

    def receiver():
        try:
            port.receive()
        except Exception as error:
            errors.append(error)

    thread = threading.Thread(target=receiver, daemon=True)
    thread.start()
    time.sleep(delay)
    start = time.monotonic()
    action()
    thread.join(timeout)
    assert not thread.is_alive(), "receive() was still blocked"
    return (errors[0] if errors else None), time.monotonic() - start


def receive_while_switching_callbacks(port, sender, count, timeout=10.0):
    """Run sender(arrived) on a thread while the port's callback rotates between two lists' append and None
    (then receive() takes the messages); return the three lists once count messages came or timeout passed.

    arrived() tells the sender how many messages have reached the port so far, for flow control.
    """
    first, second, by_receive = [], [], []

    def arrived():
        return len(first) + len(second) + len(by_receive) + len(port._messages)

    thread = threading.Thread(target=sender, args=(arrived,))
    thread.start()
    sinks = [first.append, second.append, None]
    turn = 0
    while thread.is_alive():
        port.callback = sinks[turn % 3]
        time.sleep(0.005)
        if port.callback is None:
            by_receive.extend(port.iter_pending())
        turn += 1
    thread.join()
    port.callback = None
    wait_until(lambda: by_receive.extend(port.iter_pending()) or
               len(first) + len(second) + len(by_receive) >= count, timeout)
    return first, second, by_receive


def assert_each_once_in_order(messages, sinks):
    """Every message of numbered() went to exactly one sink, each sink got some, each in order."""
    for sink in sinks:
        assert sink, "every way of receiving got some messages"
        assert [index(m) for m in sink] == sorted(index(m) for m in sink)
    assert sorted((m for sink in sinks for m in sink), key=index) == messages


def await_connection(port_out, port_in, timeout=5.0):
    """Return once what port_out sends reaches port_in (midox's or mido's ports), the input's callback aside.

    A JACK connection takes effect in a later cycle of the server than the one that made it, and messages sent
    before are lost, with mido as with midox (seen now and then on a busy machine): a probe is sent until one
    arrives, then whatever came is drained, so that a test starts on a working connection.
    """
    import mido
    if port_in.closed:
        return
    probe = mido.Message if type(port_out).__module__.startswith("mido.") else Message
    callback, port_in.callback = port_in.callback, None
    try:
        deadline = time.monotonic() + timeout
        while True:
            port_out.send(probe("sysex", data=[0x7D, 0x7F]))
            if receive_all(port_in, 1, timeout=0.1):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"the JACK connection to {port_in!r} did not work within {timeout} s")
        time.sleep(0.05)
        while port_in.poll() is not None:
            pass
    finally:
        port_in.callback = callback
