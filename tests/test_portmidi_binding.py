"""midox.backends._portmidi against the real libportmidi (217 here) over the ALSA sequencer stand-in's loopback.

Runs only under the stand-in (see conftest.py): output device 0 and input device 1 are both "Midi Through
Port-0", and what is written to the output comes back on the input.
"""
import ctypes
import gc
import subprocess
import threading
import time

import pytest

from midox import Parser
from midox._core._pmevents import pack

pm = pytest.importorskip("midox.backends._portmidi", reason="midox's PortMidi binding is not built (PortMidi was not "
                                                            "found when midox was installed, or MIDOX_PORTMIDI=off)")

pytestmark = pytest.mark.standin     # a device test: conftest.py checks that no stream is left open

LOOP = "Midi Through Port-0"
OUT_ID = 0
IN_ID = 1

INVALID_DEVICE = "PortMidi: `Invalid device ID'"
CLOSED = "the PortMidi stream is closed"

# One of every short message type, with running status impossible to confuse (each has its own status).
SHORT_MESSAGES = [
    b"\x90\x3c\x40",        # note_on
    b"\x80\x3c\x00",        # note_off
    b"\xa1\x3c\x22",        # polytouch
    b"\xb0\x07\x64",        # control_change
    b"\xc0\x05",            # program_change
    b"\xd2\x33",            # aftertouch
    b"\xe0\x00\x40",        # pitchwheel 0
    b"\xe3\x7f\x7f",        # pitchwheel max
    b"\xe5\x00\x00",        # pitchwheel min
    b"\xf1\x23",            # quarter_frame
    b"\xf2\x10\x20",        # songpos
    b"\xf3\x05",            # song_select
    b"\xf6",                # tune_request
    b"\xf8",                # clock
    b"\xfa",                # start
    b"\xfb",                # continue
    b"\xfc",                # stop
    b"\xff",                # reset
    b"\x90\x3c\x00",        # note_on with velocity 0 stays a note_on
]


@pytest.fixture
def loop():
    """(input stream, output stream) on the loopback."""
    stream_in = pm.open_input(IN_ID)
    stream_out = pm.open_output(OUT_ID)
    yield stream_in, stream_out
    stream_in.close()
    stream_out.close()


def read_bytes(stream, count, timeout=5.0):
    """Read until count bytes have arrived (or timeout); return them."""
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < count and time.monotonic() < deadline:
        if stream.wait(0.05):
            data += stream.read()
    return data


class PmEvent(ctypes.Structure):
    _fields_ = [("message", ctypes.c_uint32), ("timestamp", ctypes.c_int32)]


def write_words_as_a_device(words):
    """Write PortMidi event words to the loopback with Pm_Write of the libportmidi the binding uses (not
    pygame's), through ctypes: a device's input the binding itself never writes (real-time bytes inside sysex)."""
    linked = subprocess.run(["ldd", pm.__file__], capture_output=True, text=True, check=True).stdout
    lib = ctypes.CDLL(next(line.split()[2] for line in linked.splitlines() if "libportmidi" in line))
    lib.Pm_OpenOutput.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_void_p, ctypes.c_int32,
                                  ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32]
    lib.Pm_Write.argtypes = [ctypes.c_void_p, ctypes.POINTER(PmEvent), ctypes.c_int32]
    lib.Pm_Close.argtypes = [ctypes.c_void_p]
    stream = ctypes.c_void_p()
    assert lib.Pm_OpenOutput(ctypes.byref(stream), OUT_ID, None, 0, None, None, 0) == 0
    try:
        events = (PmEvent * len(words))(*[PmEvent(word, 0) for word in words])
        assert lib.Pm_Write(stream, events, len(words)) == 0
    finally:
        assert lib.Pm_Close(stream) == 0


# ---- devices ---------------------------------------------------------------------------------------------------

def test_device_list():
    common = {"interface": "ALSA", "name": LOOP, "is_virtual": False, "opened": False}
    assert pm.get_devices() == [
        {"id": 0, **common, "is_input": False, "is_output": True},
        {"id": 1, **common, "is_input": True, "is_output": False},
    ]
    assert list(pm.get_devices()[0]) == ["id", "interface", "name", "is_input", "is_output", "opened",
                                         "is_virtual"]
    assert pm.default_output_id() == OUT_ID
    assert pm.default_input_id() == IN_ID
    assert pm.get_device_info(2) is None
    assert pm.get_device_info(-1) is None
    assert pm.HAS_VIRTUAL is False


def test_opened_flag_and_refresh_only_when_nothing_is_open():
    assert pm.refresh() is True
    stream = pm.open_input(IN_ID)
    try:
        assert pm.get_device_info(IN_ID)["opened"] is True
        assert pm.get_device_info(OUT_ID)["opened"] is False
        assert pm.open_stream_count() == 1
        assert pm.refresh() is False        # would break the open stream
        assert pm.get_device_info(IN_ID)["opened"] is True
    finally:
        stream.close()
    assert pm.open_stream_count() == 0
    assert pm.get_device_info(IN_ID)["opened"] is False
    assert pm.refresh() is True
    assert len(pm.get_devices()) == 2


def test_stream_attributes_and_repr(loop):
    stream_in, stream_out = loop
    assert (stream_in.device_id, stream_in.is_input, stream_in.is_output) == (1, True, False)
    assert stream_in.virtual is False
    assert (stream_out.device_id, stream_out.is_input, stream_out.is_output) == (0, False, True)
    assert repr(stream_in) == "<open PortMidi input stream, device 1>"
    stream_out.close()
    assert stream_out.closed
    assert repr(stream_out) == "<closed PortMidi output stream, device 0>"
    with pytest.raises(TypeError):
        pm.Stream()


# ---- round trips -----------------------------------------------------------------------------------------------

def test_short_messages_round_trip_exactly(loop):
    stream_in, stream_out = loop
    for message in SHORT_MESSAGES:
        stream_out.write(message)
    expected = b"".join(SHORT_MESSAGES)
    # Each message comes back as exactly its own bytes: no padding from the 4-byte PmEvent word.
    assert read_bytes(stream_in, len(expected)) == expected
    assert stream_in.read() == b""


def test_active_sensing_is_filtered(loop):
    stream_in, stream_out = loop
    stream_out.write(b"\xfe")
    stream_out.write(b"\xf8")
    assert read_bytes(stream_in, 1) == b"\xf8"


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 100, 1022, 1023, 1024, 1025, 2998])
def test_sysex_round_trip(loop, size):
    stream_in, stream_out = loop
    message = bytes([0xF0, *(i % 128 for i in range(size)), 0xF7])
    stream_out.write(message)
    stream_out.write(b"\x90\x3c\x40")
    # The sysex ends exactly at its F7: the note after it follows directly.
    expected = message + b"\x90\x3c\x40"
    assert read_bytes(stream_in, len(expected)) == expected


def test_3000_byte_sysex_round_trip_through_the_parser(loop):
    stream_in, stream_out = loop
    data = bytes((i * 7) % 128 for i in range(2998))
    stream_out.write(b"\xf0" + data + b"\xf7")
    received = read_bytes(stream_in, 3000)
    assert len(received) == 3000
    parser = Parser()
    parser.feed(received)
    messages = list(parser)
    assert [m.type for m in messages] == ["sysex"]
    assert bytes(messages[0].data) == data


@pytest.mark.parametrize("position", [500, 1024, 1101, 1500])
def test_realtime_inside_sysex(loop, position):
    stream_in, stream_out = loop
    data = bytes(i % 128 for i in range(2000))
    # A clock byte in the middle of a sysex message, as a device sends it. PortMidi 217 writes the bytes of
    # sysex words one by one, and ALSA sends a real-time byte at once while it still collects the sysex
    # message (in chunks of 1024 bytes). (The clock is kept off 4-byte word boundaries: there PortMidi 217's
    # Pm_Write takes it for a real-time event of its own and writes it twice.)
    sent = b"\xf0" + data[:position] + b"\xf8" + data[position:] + b"\xf7"
    assert (1 + position) % 4 != 0
    stream_out.close()                              # the device is opened by write_words_as_a_device()
    write_words_as_a_device(pack(sent))
    received = read_bytes(stream_in, len(sent))
    assert len(received) == len(sent)
    clock = received.index(0xF8)
    assert received.count(0xF8) == 1
    if position < 1023:
        assert clock == 0                           # ALSA sent it before the sysex message's only chunk
    else:
        assert clock == 1024                        # inside: after the first chunk, packed in a sysex word
    assert received[:clock] + received[clock + 1:] == b"\xf0" + data + b"\xf7"
    parser = Parser()
    parser.feed(received)
    messages = list(parser)
    assert [m.type for m in messages] == ["clock", "sysex"]
    assert bytes(messages[1].data) == data


def test_5000_messages_in_order_none_lost(loop):
    stream_in, stream_out = loop
    expected = [bytes([0xB0 | (i % 16), (i // 16) % 128, i % 128]) for i in range(5000)]
    received = b""
    # Written in bursts that fit the ALSA client's input pool (200 events), read after each burst.
    for start in range(0, 5000, 100):
        burst = expected[start:start + 100]
        for message in burst:
            stream_out.write(message)
        received += read_bytes(stream_in, 3 * (start + len(burst)) - len(received))
    assert received == b"".join(expected)


def test_5000_messages_with_a_reading_thread(loop):
    stream_in, stream_out = loop
    total = 5000
    expected = b"".join(bytes([0x90 | (i % 16), i % 128, (i // 128) % 128]) for i in range(total))
    received = bytearray()
    done = threading.Event()

    def reader():
        while len(received) < len(expected) and not done.is_set():
            if stream_in.wait(0.1):
                received.extend(stream_in.read())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(0, len(expected), 3):
            stream_out.write(expected[i:i + 3])
            if i % 75 == 0:
                # Flow control: at most 100 messages in flight, within the 200 events the ALSA client's input
                # pool holds (beyond it ALSA drops events and PortMidi's write fails with a host error).
                deadline = time.monotonic() + 5
                while len(received) < i - 100 * 3 and time.monotonic() < deadline:
                    time.sleep(0.0005)
        thread.join(10)
    finally:
        done.set()
        thread.join()
    assert bytes(received) == expected


# ---- waiting ---------------------------------------------------------------------------------------------------

def test_wait_times_out_and_wakes_when_data_arrives(loop):
    stream_in, stream_out = loop
    start = time.monotonic()
    assert stream_in.wait(0.2) is False
    assert 0.18 <= time.monotonic() - start < 1.0
    assert stream_in.wait(0) is False

    timer = threading.Timer(0.2, stream_out.write, [b"\x90\x3c\x40"])
    start = time.monotonic()
    timer.start()
    try:
        assert stream_in.wait() is True             # no timeout: woken by the data
    finally:
        timer.join()
    assert time.monotonic() - start < 0.5
    assert stream_in.wait(0) is True
    assert stream_in.read() == b"\x90\x3c\x40"
    assert stream_in.wait(0) is False


def test_wait_releases_the_gil(loop):
    stream_in, _ = loop
    counter = 0
    stop = threading.Event()

    def spin():
        nonlocal counter
        while not stop.is_set():
            counter += 1

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        wall = time.monotonic()
        assert stream_in.wait(0.5) is False
        wall = time.monotonic() - wall
    finally:
        stop.set()
        thread.join()
    # The spinning thread ran during the wait: it had the GIL.
    assert counter > 100_000
    assert wall < 1.5


def test_wait_costs_little_cpu(loop):
    stream_in, _ = loop
    cpu = time.process_time()
    assert stream_in.wait(0.5) is False
    assert time.process_time() - cpu < 0.25


def test_close_from_another_thread_ends_wait(loop):
    stream_in, _ = loop
    timer = threading.Timer(0.2, stream_in.close)
    start = time.monotonic()
    timer.start()
    try:
        assert stream_in.wait() is False
    finally:
        timer.join()
    assert time.monotonic() - start < 0.5
    assert stream_in.closed


def test_interrupt_ends_wait_and_the_stream_stays_usable(loop):
    stream_in, stream_out = loop
    timer = threading.Timer(0.2, stream_in.interrupt)
    start = time.monotonic()
    timer.start()
    try:
        assert stream_in.wait() is False
    finally:
        timer.join()
    assert time.monotonic() - start < 0.5
    assert not stream_in.closed
    assert stream_in.wait(0.05) is False          # an interrupt only ends the waits in progress
    stream_out.write(b"\xfc")
    assert stream_in.wait(2) is True
    assert stream_in.read() == b"\xfc"


# ---- errors ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("opener, device_id", [
    (pm.open_input, 2),             # no such device
    (pm.open_input, -1),
    (pm.open_input, OUT_ID),        # an output device opened as input
    (pm.open_output, IN_ID),        # an input device opened as output
    (pm.open_output, 99),
])
def test_open_errors_are_portmidi_text(opener, device_id):
    with pytest.raises(OSError) as info:
        opener(device_id)
    assert str(info.value) == INVALID_DEVICE
    assert isinstance(info.value, pm.PortMidiError)
    assert info.value.code == pm.INVALID_DEVICE_ID
    assert pm.open_stream_count() == 0


def test_opening_a_device_twice():
    with pm.open_input(IN_ID):
        with pytest.raises(OSError, match="^PortMidi: `Invalid device ID'$"):
            pm.open_input(IN_ID)
    with pm.open_input(IN_ID):
        pass


def test_closed_stream_errors(loop):
    stream_in, stream_out = loop
    stream_in.close()
    stream_out.close()
    stream_out.close()                              # closing twice does nothing
    for call in (lambda: stream_out.write(b"\x90\x3c\x40"), lambda: stream_out.write(b"\xf0\x01\xf7"),
                 stream_in.read):
        with pytest.raises(OSError) as info:
            call()
        assert str(info.value) == CLOSED
        assert info.value.code == pm.BAD_PTR
    assert stream_in.wait(0.1) is False
    assert stream_in.wait() is False


def test_wrong_direction_and_bad_data(loop):
    stream_in, stream_out = loop
    with pytest.raises(ValueError, match="not an output stream"):
        stream_in.write(b"\xf8")
    with pytest.raises(ValueError, match="not an input stream"):
        stream_out.read()
    with pytest.raises(ValueError, match="not an input stream"):
        stream_out.wait(0)
    bad = [b"", b"\x3c", b"\xf7", b"\x90\x3c", b"\x90\x3c\x40\x00", b"\xc0\x05\x06", b"\x90\x80\x40",
           b"\xf0", b"\xf0\x01", b"\x01\xf7", b"\xf0\x80\xf7", b"\xf0\x01\xf8\xf7", b"\xf0\x01\xf7\xf8"]
    for data in bad:
        with pytest.raises(ValueError):
            stream_out.write(data)
    with pytest.raises(ValueError):
        pm.open_input(IN_ID, buffer_size=0)
    with pytest.raises(ValueError):
        pm.open_output(OUT_ID, latency=-1)
    # Nothing bad was written.
    stream_out.write(b"\xf8")
    assert read_bytes(stream_in, 1) == b"\xf8"
    assert stream_in.read() == b""


def test_virtual_streams_need_portmidi_2():
    for opener in (pm.open_virtual_input, pm.open_virtual_output):
        with pytest.raises(OSError) as info:
            opener("midox virtual")
        assert str(info.value) == (
            "virtual ports need PortMidi 2.0 or newer, and midox's PortMidi binding was built against "
            "PortMidi 217 (install PortMidi 2 and reinstall midox, or use the rtmidi backend)")
    assert pm.open_stream_count() == 0


# ---- lifetime --------------------------------------------------------------------------------------------------

def test_unreferenced_stream_is_closed():
    stream = pm.open_input(IN_ID)
    assert pm.open_stream_count() == 1
    del stream
    gc.collect()
    assert pm.open_stream_count() == 0
    assert pm.get_device_info(IN_ID)["opened"] is False


def test_streams_keep_working_while_others_open_and_close(loop):
    stream_in, stream_out = loop
    stream_out.write(b"\x90\x01\x01")
    stream_out.close()
    stream_out = pm.open_output(OUT_ID)
    try:
        stream_out.write(b"\x90\x02\x02")
        assert read_bytes(stream_in, 6) == b"\x90\x01\x01\x90\x02\x02"
    finally:
        stream_out.close()
    assert pm.refresh() is False                    # the input is still open
    stream_out = pm.open_output(OUT_ID)
    try:
        stream_out.write(b"\xc0\x07")
        assert read_bytes(stream_in, 2) == b"\xc0\x07"
    finally:
        stream_out.close()


def test_threads_hammering_one_library():
    """Several threads using streams at once: the one lock keeps PortMidi's shared ALSA handle consistent."""
    stream_in = pm.open_input(IN_ID)
    stream_out = pm.open_output(OUT_ID)
    errors = []
    stop = threading.Event()
    total = 2000
    received = bytearray()

    def reader():
        try:
            while len(received) < 2 * total and not stop.is_set():
                if stream_in.wait(0.05):
                    received.extend(stream_in.read())
        except Exception as error:      # pragma: no cover - reported below
            errors.append(error)

    def lister():
        try:
            while not stop.is_set():
                assert len(pm.get_devices()) == 2
                assert pm.refresh() is False
        except Exception as error:      # pragma: no cover
            errors.append(error)

    threads = [threading.Thread(target=reader), threading.Thread(target=lister), threading.Thread(target=lister)]
    for thread in threads:
        thread.start()
    try:
        for i in range(total):
            stream_out.write(bytes([0xC0 | (i % 16), i % 128]))
            if i % 50 == 49:
                deadline = time.monotonic() + 5
                while len(received) < 2 * (i - 49) and time.monotonic() < deadline:
                    time.sleep(0.0005)
        deadline = time.monotonic() + 5
        while len(received) < 2 * total and time.monotonic() < deadline:
            time.sleep(0.001)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        stream_in.close()
        stream_out.close()
    assert errors == []
    assert bytes(received) == b"".join(bytes([0xC0 | (i % 16), i % 128]) for i in range(total))
