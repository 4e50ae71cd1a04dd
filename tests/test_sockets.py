"""Socket ports (midox.sockets) over real TCP connections on 127.0.0.1, against mido 1.3.3 where they agree.

Every server listens on 127.0.0.1 port 0 (a free port the OS chooses). Every wait is bounded in time and in
rounds, so a regression fails instead of hanging. Each test checks that it left no socket open (no
ResourceWarning) and no thread running.
"""
import gc
import os
import random
import socket
import struct
import threading
import time
import tracemalloc
import warnings

import mido
import mido.sockets
import pytest

import midox
import midox.sockets
from midox import Message
from midox.sockets import (
    DEFAULT_MAX_SYSEX,
    PortServer,
    SocketPort,
    connect,
    format_address,
    parse_address,
)

LOCAL = '127.0.0.1'
TIMEOUT = 10.0      # generous: only reached when something is broken


# Helpers

@pytest.fixture(autouse=True)
def no_leaks():
    """Fail a test that leaves a socket to the garbage collector or a thread running."""
    threads = threading.active_count()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always', ResourceWarning)
        yield
        gc.collect()
    leaks = [str(warning.message) for warning in caught if issubclass(warning.category, ResourceWarning)]
    assert not leaks
    assert wait_for(lambda: threading.active_count() <= threads), threading.enumerate()


@pytest.fixture
def closing():
    """Register ports and sockets to be closed after the test, whatever happens."""
    things = []
    yield things.append
    for thing in reversed(things):
        thing.close()


def wait_for(condition, timeout=TIMEOUT):
    """Wait until condition() is true; return whether it became true in time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def collect(port, count, timeout=TIMEOUT):
    """Receive from port (without blocking) until count messages came or the time is up; return them."""
    messages = []
    deadline = time.monotonic() + timeout
    while len(messages) < count and time.monotonic() < deadline:
        before = len(messages)
        messages.extend(port.iter_pending())
        if len(messages) == before:
            time.sleep(0.0005)
    return messages


def call_with_timeout(function, timeout=TIMEOUT):
    """Call function on a thread; fail if it does not return in time (a hang), else return its result."""
    result = {}

    def run():
        try:
            result['value'] = function()
        except BaseException as error:     # handed to the test below
            result['error'] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f'{function} hung'
    if 'error' in result:
        raise result['error']
    return result['value']


def accept(server, timeout=TIMEOUT):
    """Accept one client on the server without risking a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        port = server.accept(block=False)
        if port is not None:
            return port
        time.sleep(0.001)
    pytest.fail('no client to accept')


def raw_client(server, closing):
    """A plain TCP socket connected to the server, for bytes no port would send."""
    sock = socket.create_connection(server.address)
    closing(sock)
    return sock


def reset_on_close(sock):
    """Make closing sock reset the connection (RST) instead of ending it: linger on, zero seconds."""
    linger = struct.pack('HH' if os.name == 'nt' else 'ii', 1, 0)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)


def numbered(channel, count):
    """count distinct messages on a channel, in a known order."""
    return [Message('control_change', channel=channel, control=number >> 7, value=number & 0x7F)
            for number in range(count)]


@pytest.fixture
def server(closing):
    server = PortServer(LOCAL, 0, backlog=16)
    closing(server)
    return server


def new_client(server, closing, **options):
    client = connect(LOCAL, server.address[1], **options)
    closing(client)
    return client


# Addresses

@pytest.mark.parametrize('address, expected', [
    ('localhost:8080', ('localhost', 8080)),
    ('127.0.0.1:1', ('127.0.0.1', 1)),
    ('example.org:65535', ('example.org', 65535)),
    (':9080', ('', 9080)),
    ('host: 80', ('host', 80)),
])
def test_parse_address(address, expected):
    assert parse_address(address) == expected == mido.sockets.parse_address(address)


@pytest.mark.parametrize('address, message', [
    ('localhost', 'address must contain exactly one colon'),
    ('', 'address must contain exactly one colon'),
    ('a:b:80', 'address must contain exactly one colon'),
    ('::1:80', 'address must contain exactly one colon'),
    ('host:http', 'port number must be an integer'),
    ('host:', 'port number must be an integer'),
    ('host:8.0', 'port number must be an integer'),
    ('host:0', 'port number out of range'),
    ('host:-1', 'port number out of range'),
    ('host:65536', 'port number out of range'),
])
def test_parse_address_errors_as_mido(address, message):
    with pytest.raises(ValueError) as ours:
        parse_address(address)
    with pytest.raises(ValueError) as theirs:
        mido.sockets.parse_address(address)
    assert str(ours.value) == str(theirs.value) == message


def test_parse_address_of_a_non_string_fails_as_mido():
    with pytest.raises(AttributeError):
        parse_address(8080)
    with pytest.raises(AttributeError):
        mido.sockets.parse_address(8080)


def test_format_address_has_a_colon_and_parses_back():
    """difference 10 (docs/differences.md): mido leaves the colon out."""
    assert format_address('localhost', 8080) == 'localhost:8080'
    assert mido.sockets.format_address('localhost', 8080) == 'localhost8080'
    assert parse_address(format_address('127.0.0.1', 9080)) == ('127.0.0.1', 9080)


@pytest.mark.parametrize('portno', ['8080', 80.0, None])
def test_format_address_wants_an_int_port_as_mido(portno):
    with pytest.raises((ValueError, TypeError)) as ours:
        format_address('host', portno)
    with pytest.raises((ValueError, TypeError)) as theirs:
        mido.sockets.format_address('host', portno)
    assert type(ours.value) is type(theirs.value)


# Options

@pytest.mark.parametrize('options, error', [
    ({'max_sysex': 0}, ValueError),
    ({'max_pending': -1}, ValueError),
    ({'max_read': None}, TypeError),
    ({'max_read': 1.5}, TypeError),
    ({'max_pending': True}, TypeError),
    ({'send_timeout': 0}, ValueError),
    ({'send_timeout': 'soon'}, TypeError),
    ({'allow': ['not an address']}, ValueError),
    ({'allow': [None]}, ValueError),
    ({'max_clients': 0}, ValueError),
    ({'max_clients': 2.0}, TypeError),
])
def test_bad_options_are_refused_before_any_socket_exists(options, error):
    with pytest.raises(error):
        PortServer(LOCAL, 0, **options)


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        PortServer(LOCAL, 0, 1, None)
    with pytest.raises(TypeError):
        SocketPort(LOCAL, 1, None, False)


# The server as a port

def test_server_name_and_address(server):
    host, portno = server.address
    assert host == LOCAL and portno > 0
    assert server.name == f'{LOCAL}:{portno}'
    assert repr(server) == f"<open I/O port '{LOCAL}:{portno}' (PortServer)>"


def test_server_receive_poll_and_iteration_return_messages(server, closing):
    """difference 9 (docs/differences.md): mido's PortServer.receive(), poll() and iteration never return."""
    assert call_with_timeout(server.poll) is None            # no client yet: nothing, at once
    client = new_client(server, closing)
    client.send(Message('note_on', note=60))
    assert call_with_timeout(server.receive) == Message('note_on', note=60)
    client.send(Message('note_off', note=60))
    assert call_with_timeout(lambda: wait_for(lambda: server.pending() == 1))
    assert call_with_timeout(server.poll) == Message('note_off', note=60)
    assert call_with_timeout(lambda: server.receive(block=False)) is None
    client.send(Message('clock'))
    assert call_with_timeout(lambda: next(iter(server))) == Message('clock')
    for number in range(3):
        client.send(Message('program_change', program=number))
    assert call_with_timeout(lambda: collect(server, 3)) == [
        Message('program_change', program=number) for number in range(3)]


def test_server_receive_waits_for_a_client_that_connects_later(server, closing):
    def later():
        time.sleep(0.05)
        with connect(LOCAL, server.address[1]) as client:
            client.send(Message('start'))

    thread = threading.Thread(target=later)
    thread.start()
    try:
        assert call_with_timeout(server.receive) == Message('start')
    finally:
        thread.join(TIMEOUT)


def test_server_closed_during_receive_raises_and_iteration_ends(server):
    threading.Timer(0.05, server.close).start()
    with pytest.raises(OSError):
        call_with_timeout(server.receive)
    assert call_with_timeout(lambda: list(server)) == []
    with pytest.raises(ValueError):
        server.receive()


def test_many_clients_sending_at_once(server, closing):
    """Every message arrives, and each client's messages keep their order."""
    clients = [new_client(server, closing) for _ in range(6)]
    sent = {channel: numbered(channel, 400) for channel in range(len(clients))}
    errors = []

    def send(client, messages):
        try:
            for message in messages:
                client.send(message)
        except Exception as error:      # reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(client, sent[channel]))
               for channel, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    received = collect(server, 6 * 400)
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors
    assert len(received) == 6 * 400
    for channel, messages in sent.items():
        assert [message for message in received if message.channel == channel] == messages
    assert len(server.ports) == 6


def test_server_sends_to_every_client_without_receiving_first(server, closing):
    """The manual's 'turning things on their head': a server that only sends reaches its clients."""
    clients = [new_client(server, closing) for _ in range(3)]
    server.send(Message('note_on', note=64))
    server.send(Message('sysex', data=[1, 2, 3]))
    for client in clients:
        assert collect(client, 2) == [Message('note_on', note=64), Message('sysex', data=[1, 2, 3])]


def test_client_disconnecting_is_dropped_and_others_go_on(server, closing):
    stays = new_client(server, closing)
    leaves = new_client(server, closing)
    leaves.send(Message('note_on', note=1))
    leaves.close()                                 # orderly: what it sent still arrives
    stays.send(Message('note_on', note=2))
    received = collect(server, 2)
    assert sorted(message.note for message in received) == [1, 2]
    assert wait_for(lambda: server.poll() is None and len(server.ports) == 1)
    assert not server.closed
    server.send(Message('note_off', note=2))
    assert collect(stays, 1) == [Message('note_off', note=2)]


def test_client_resetting_the_connection_is_dropped_and_others_go_on(server, closing):
    stays = new_client(server, closing)
    crashes = raw_client(server, closing)
    crashes.sendall(bytes([0x90, 3, 3]))
    assert collect(server, 1) == [Message('note_on', note=3, velocity=3)]
    reset_on_close(crashes)
    crashes.close()
    for number in range(5):
        server.send(Message('note_on', note=number))   # must not raise for the vanished client
    stays.send(Message('stop'))
    assert collect(server, 1) == [Message('stop')]
    assert wait_for(lambda: server.poll() is None and len(server.ports) == 1)
    assert collect(stays, 5) == [Message('note_on', note=number) for number in range(5)]


def test_garbage_from_one_client_is_ignored_and_others_are_unaffected(server, closing):
    generator = random.Random(20240501)
    garbage = bytes(generator.randrange(256) for _ in range(30000))
    good = new_client(server, closing)
    bad = raw_client(server, closing)
    marker = [Message('sysex', data=[0x7D, 0x55, 0x2A, number]) for number in range(100)]

    def spew():
        for start in range(0, len(garbage), 997):
            bad.sendall(garbage[start:start + 997])

    thread = threading.Thread(target=spew)
    thread.start()
    for message in marker:
        good.send(message)
    thread.join(TIMEOUT)
    expected_garbage = midox.parse_all(garbage)
    received = collect(server, len(marker) + len(expected_garbage))
    assert [message for message in received if message in marker] == marker
    assert len(received) == len(marker) + len(expected_garbage)
    assert not server.closed and len(server.ports) == 2


@pytest.mark.parametrize('max_read', [1, 7, 65536])
def test_a_port_parses_as_midox_parser_whatever_the_reads(server, closing, max_read):
    """Sysex assembly outside the parser changes nothing: the messages are those of parse_all()."""
    generator = random.Random(max_read)
    pieces = [bytes([0x90, 60, 64, 62, 64]),                  # running status
              bytes([0x90, 60, 0xF8, 64]),                    # real time inside a message
              bytes([0xF0, 1, 0xF8, 2, 0xF4, 3, 0xF7]),       # real time and undefined F4 inside a sysex
              bytes([0xF0, 1, 2, 0x80, 5, 6]),                # sysex cut short by a status byte
              bytes([0x90, 1, 0xF0, 2, 0xF7, 3, 4]),          # sysex ends running status
              bytes([0xF7, 0xF0, 0xF7])]                      # stray end; empty sysex
    data = b''.join(pieces) + bytes(generator.choice([0x00, 0x40, 0x7F, 0x90, 0xB3, 0xF0, 0xF7, 0xF8,
                                                      0xF2, 0xF6, 0xF4, 0xFD, 0xE0, 0xC1])
                                    for _ in range(3000))
    sender = raw_client(server, closing)
    port = accept(server)
    closing(port)
    port._max_read = max_read
    sender.sendall(data)
    sender.close()
    expected = midox.parse_all(data)
    received = []
    deadline = time.monotonic() + TIMEOUT
    while not port.closed and time.monotonic() < deadline:
        received.extend(port.iter_pending())
    received.extend(port.iter_pending())
    assert port.closed
    assert received == expected


def test_running_status_from_a_raw_client(server, closing):
    sender = raw_client(server, closing)
    sender.sendall(bytes([0x90, 60, 64, 62, 64, 60, 0]))
    assert collect(server, 3) == [Message('note_on', note=60), Message('note_on', note=62),
                                  Message('note_on', note=60, velocity=0)]


# Bounded memory

def test_endless_sysex_flood_keeps_memory_bounded(closing):
    """A client sending a 10 MB sysex that never ends costs the server at most max_sysex bytes."""
    server = PortServer(LOCAL, 0, backlog=4)
    closing(server)
    good = new_client(server, closing)
    flooder = raw_client(server, closing)
    flood = b'\xf0' + b'\x01' * (10 * 1024 * 1024) + bytes([0x90, 60, 99])   # cut short by a note_on
    expected_good = numbered(3, 200)
    errors = []

    def pump():
        try:
            flooder.sendall(flood)
        except OSError as error:
            errors.append(error)

    thread = threading.Thread(target=pump)
    tracemalloc.start()
    try:
        thread.start()
        received = []
        most_buffered = most_pending = sent = 0
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if sent < len(expected_good):
                good.send(expected_good[sent])
                sent += 1
            received.extend(server.iter_pending())
            most_buffered = max(most_buffered, server.buffered_bytes)
            most_pending = max(most_pending, len(server._messages),
                               *(len(port._messages) for port in server.ports))
            if Message('note_on', note=60, velocity=99) in received:
                break
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        thread.join(TIMEOUT)
    assert not errors
    assert Message('note_on', note=60, velocity=99) in received
    assert most_buffered <= DEFAULT_MAX_SYSEX
    assert most_pending <= midox.sockets.DEFAULT_MAX_PENDING
    assert peak < 4 * DEFAULT_MAX_SYSEX, peak
    assert not [message for message in received if message.type == 'sysex']
    assert sum(port.dropped_sysex for port in server.ports) == 1
    # The other client was served all along, in order.
    received += collect(server, len(expected_good) - sum(message.type == 'control_change'
                                                         for message in received))
    assert [message for message in received if message.type == 'control_change'] == expected_good


def test_good_client_keeps_its_order_during_a_flood(closing):
    server = PortServer(LOCAL, 0, backlog=4, max_sysex=4096)
    closing(server)
    good = new_client(server, closing)
    flooder = raw_client(server, closing)
    flood = b'\xf0' + b'\x02' * (2 * 1024 * 1024) + bytes([0xF7, 0xFC])      # ends, too long; then stop
    thread = threading.Thread(target=flooder.sendall, args=(flood,))
    thread.start()
    try:
        for message in numbered(5, 300):
            good.send(message)
        received = collect(server, 301)
    finally:
        thread.join(TIMEOUT)
    assert [message for message in received if message.type == 'control_change'] == numbered(5, 300)
    assert Message('stop') in received
    assert server.buffered_bytes == 0


def test_pending_messages_are_capped_without_loss(closing):
    """Backpressure: a port stops reading when max_pending messages wait; nothing is dropped."""
    server = PortServer(LOCAL, 0, max_pending=100, max_read=40)
    closing(server)
    client = new_client(server, closing)
    sent = [Message('note_on', note=number & 0x7F, velocity=number >> 7) for number in range(5000)]
    thread = threading.Thread(target=lambda: [client.send(message) for message in sent])
    thread.start()
    try:
        assert wait_for(lambda: server.pending() > 0)
        for _ in range(200):
            server._receive(block=False)        # receive without taking anything
            assert len(server._messages) <= 100
            assert all(len(port._messages) <= 100 for port in server.ports)
        received = collect(server, 5000)
    finally:
        thread.join(TIMEOUT)
    assert received == sent


def test_a_port_stops_reading_when_full(closing):
    """The same for a port on its own (here one from accept())."""
    port_server = PortServer(LOCAL, 0, max_pending=50)
    closing(port_server)
    client = new_client(port_server, closing)
    port = accept(port_server)
    closing(port)
    sent = [Message('polytouch', note=number & 0x7F, value=number >> 7) for number in range(1000)]
    for message in sent:
        client.send(message)
    assert wait_for(lambda: port.pending() == 50)
    for _ in range(100):
        assert port.pending() == 50
    assert collect(port, 1000) == sent


def test_one_read_per_poll_is_capped(closing):
    port_server = PortServer(LOCAL, 0, max_read=10)
    closing(port_server)
    sender = raw_client(port_server, closing)
    port = accept(port_server)
    closing(port)
    sender.sendall(bytes([0xF8]) * 100)
    assert wait_for(lambda: port.pending() > 0)
    for _ in range(5):
        before = len(port._messages)
        assert port.pending() <= before + 10
    assert len(collect(port, 100)) == 100


def test_waiting_sysex_bytes_are_capped_without_loss(closing):
    server = PortServer(LOCAL, 0, max_sysex=4096)
    closing(server)
    client = new_client(server, closing)
    sent = [Message('sysex', data=[number] * 1000) for number in range(40)]
    thread = threading.Thread(target=lambda: [client.send(message) for message in sent])
    thread.start()
    try:
        assert wait_for(lambda: server.pending() > 0)
        most = 0
        for _ in range(300):
            server._receive(block=False)
            most = max(most, server.buffered_bytes)
        received = collect(server, 40)
    finally:
        thread.join(TIMEOUT)
    assert most <= 3 * 4096 + 2 * 1002
    assert received == sent


def test_max_sysex_keeps_sysex_up_to_the_limit(closing):
    server = PortServer(LOCAL, 0, max_sysex=100)
    closing(server)
    client = new_client(server, closing)
    kept = Message('sysex', data=[1] * 98)        # 100 bytes with F0 and F7
    client.send(kept)
    client.send(Message('sysex', data=[2] * 99))  # 101 bytes: dropped
    client.send(Message('note_on', note=3))
    client.send(kept)
    assert collect(server, 3) == [kept, Message('note_on', note=3), kept]
    assert server.ports[0].dropped_sysex == 1


# Security options

def test_allow_list_refuses_other_clients(closing):
    server = PortServer(LOCAL, 0, allow=('127.0.0.2',))
    closing(server)
    refused = new_client(server, closing)
    assert call_with_timeout(server.poll) is None
    assert wait_for(lambda: server.poll() is None and server.refused == 1)
    assert server.ports == []
    # The server closed the connection: the client port closes itself when it notices.
    assert wait_for(lambda: refused.poll() is None and refused.closed)
    with pytest.raises(OSError):
        refused.receive()


def test_allow_list_refused_client_is_not_returned_by_accept(closing):
    server = PortServer(LOCAL, 0, allow=[])
    closing(server)
    new_client(server, closing)
    assert wait_for(lambda: server.accept(block=False) is None and server.refused == 1)


@pytest.mark.parametrize('allow', [('127.0.0.1',), '127.0.0.1', ['10.0.0.1', '127.0.0.0/8'], None])
def test_allow_list_accepts_listed_clients(closing, allow):
    server = PortServer(LOCAL, 0, allow=allow)
    closing(server)
    client = new_client(server, closing)
    client.send(Message('continue'))
    assert collect(server, 1) == [Message('continue')]
    assert server.refused == 0


def test_max_clients_refuses_clients_beyond_the_limit_until_one_leaves(closing):
    server = PortServer(LOCAL, 0, max_clients=2)
    closing(server)
    first, second = new_client(server, closing), new_client(server, closing)
    assert wait_for(lambda: server.poll() is None and len(server.ports) == 2)
    third = new_client(server, closing)
    assert wait_for(lambda: server.poll() is None and server.refused == 1)
    assert wait_for(lambda: third.poll() is None and third.closed)
    first.close()
    assert wait_for(lambda: server.poll() is None and len(server.ports) == 1)
    fourth = new_client(server, closing)
    fourth.send(Message('note_on', note=4))
    second.send(Message('note_on', note=2))
    assert sorted(message.note for message in collect(server, 2)) == [2, 4]
    assert server.refused == 1
    # A client handed over by accept() is the caller's, not one of the served ones.
    new_client(server, closing)
    closing(call_with_timeout(server.accept))


def test_blocking_receive_wakes_for_data_and_for_close(closing):
    server = PortServer(LOCAL, 0)
    closing(server)
    client = new_client(server, closing)
    threading.Timer(0.1, client.send, [Message('stop')]).start()
    assert call_with_timeout(server.receive) == Message('stop')
    threading.Timer(0.1, server.send, [Message('start')]).start()
    assert call_with_timeout(client.receive) == Message('start')
    threading.Timer(0.1, client.close).start()
    with pytest.raises(OSError):
        call_with_timeout(client.receive)


def test_sysex_false_drops_incoming_sysex(closing):
    server = PortServer(LOCAL, 0, sysex=False)
    closing(server)
    client = new_client(server, closing)
    sender = raw_client(server, closing)
    client.send(Message('sysex', data=[1, 2, 3]))
    client.send(Message('note_on', note=10))
    client.send(Message('sysex', data=[4]))
    client.send(Message('note_off', note=10))
    sender.sendall(bytes([0xF0, 1, 0xF8, 2, 0xF7]))   # the clock inside still counts
    received = collect(server, 3)
    assert sorted(received, key=str) == sorted(
        [Message('note_on', note=10), Message('note_off', note=10), Message('clock')], key=str)
    assert wait_for(lambda: server.poll() is None and sum(port.dropped_sysex for port in server.ports) == 3)
    server.send(Message('sysex', data=[9]))          # sending sysex is unaffected
    assert collect(client, 1) == [Message('sysex', data=[9])]


def test_send_timeout_drops_a_client_that_does_not_read(closing):
    server = PortServer(LOCAL, 0, send_timeout=0.2)
    closing(server)
    sleeper = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closing(sleeper)
    sleeper.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sleeper.connect(server.address)
    big = Message('sysex', data=bytes(65536))
    start = time.monotonic()
    clients = 0
    for _ in range(1000):
        server.send(big)
        clients = max(clients, len(server.ports))
        if not server.ports:
            break
    assert clients == 1 and server.ports == []
    assert time.monotonic() - start < 5


# Socket ports, both ends

MIXED = [Message('note_on', channel=9, note=36, velocity=127), Message('pitchwheel', pitch=-8192),
         Message('sysex', data=range(128)), Message('songpos', pos=16383), Message('clock'),
         Message('quarter_frame', frame_type=7, frame_value=15), Message('tune_request'),
         Message('control_change', channel=15, control=127, value=0), Message('aftertouch', value=5)]


def test_socket_ports_both_ways(server, closing):
    client = new_client(server, closing)
    assert isinstance(client, SocketPort)
    assert client.name == f'{LOCAL}:{server.address[1]}'
    there = accept(server)
    closing(there)
    assert there.name == f'{LOCAL}:{client._socket.getsockname()[1]}'
    assert server.ports == []          # accept() hands the port over
    for message in MIXED:
        client.send(message)
    assert collect(there, len(MIXED)) == MIXED
    for message in reversed(MIXED):
        there.send(message)
    assert collect(client, len(MIXED)) == MIXED[::-1]


def test_iteration_ends_when_the_other_end_closes(server, closing):
    client = new_client(server, closing)
    there = accept(server)
    closing(there)
    for message in MIXED:
        client.send(message)
    client.close()
    assert call_with_timeout(lambda: list(there)) == MIXED
    assert there.closed
    with pytest.raises(ValueError):
        there.send(Message('clock'))


def test_send_to_a_vanished_peer_closes_the_port_and_raises(server, closing):
    client = new_client(server, closing)
    there = accept(server)
    reset_on_close(there._socket)
    there.close()
    with pytest.raises(OSError):
        for _ in range(100):
            client.send(Message('clock'))
            time.sleep(0.001)
    assert client.closed


def test_connect_to_nothing_raises_and_leaks_nothing():
    with socket.socket() as probe:
        probe.bind((LOCAL, 0))
        portno = probe.getsockname()[1]
    with pytest.raises(OSError):
        connect(LOCAL, portno)


def test_server_on_a_port_in_use_raises_and_leaks_nothing(server):
    with pytest.raises(OSError):
        PortServer(LOCAL, server.address[1])


# Closing

def test_close_closes_the_listening_socket_and_every_client(closing):
    server = PortServer(LOCAL, 0, backlog=8)
    clients = [new_client(server, closing) for _ in range(3)]
    server.send(Message('clock'))
    ports = list(server.ports)
    assert len(ports) == 3
    portno = server.address[1]
    with server:
        pass
    assert server.closed and all(port.closed for port in ports)
    assert server._socket.fileno() == -1
    server.close()                                       # twice is fine
    for client in clients:                               # every client sees the end
        assert call_with_timeout(lambda: list(client)) == [Message('clock')]
    with pytest.raises(OSError):
        connect(LOCAL, portno)
    with pytest.raises(OSError):
        server.accept(block=False)
    with pytest.raises(ValueError):
        server.send(Message('clock'))


def test_close_wakes_a_blocking_accept(server):
    threading.Timer(0.05, server.close).start()
    with pytest.raises(OSError):
        call_with_timeout(server.accept)


def test_garbage_collected_ports_close_their_sockets(closing):
    server = PortServer(LOCAL, 0)
    client = connect(LOCAL, server.address[1])
    server.send(Message('clock'))
    del server, client
    gc.collect()                         # the leak check of this test fails if a socket stays open


# Against mido 1.3.3

def bytes_of(messages):
    return [message.bytes() for message in messages]


def test_mido_client_to_midox_server(server, closing):
    theirs = mido.sockets.connect(LOCAL, server.address[1])
    closing(theirs)
    sent = [mido.Message.from_bytes(message.bytes()) for message in MIXED]
    for message in sent:
        theirs.send(message)
    assert bytes_of(collect(server, len(sent))) == bytes_of(sent)
    server.send(Message('note_on', note=99))
    deadline = time.monotonic() + TIMEOUT
    received = []
    while not received and time.monotonic() < deadline:
        received.extend(theirs.iter_pending())
    assert bytes_of(received) == [[0x90, 99, 64]]


def test_midox_client_to_mido_server(closing):
    # mido's PortServer.receive() and poll() hang (docs/differences.md, 9), so its clients are taken with accept().
    theirs = mido.sockets.PortServer(LOCAL, 0)
    closing(theirs)
    client = connect(LOCAL, theirs._socket.getsockname()[1])
    closing(client)
    their_port = theirs.accept()
    closing(their_port)
    for message in MIXED:
        client.send(message)
    received = []
    deadline = time.monotonic() + TIMEOUT
    while len(received) < len(MIXED) and time.monotonic() < deadline:
        received.extend(their_port.iter_pending())
    assert bytes_of(received) == bytes_of(MIXED)
    their_port.send(mido.Message('sysex', data=[5, 6, 7]))
    assert collect(client, 1) == [Message('sysex', data=[5, 6, 7])]
