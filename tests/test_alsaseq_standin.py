"""The ALSA sequencer stand-in (tests/alsaseq/fakeseq.c) against the real libasound, PortMidi and pygame.

Every test runs its code in a child process started with alsaseq_standin.environ() (LD_PRELOAD), which
prints a JSON result that is checked here.
"""
import ctypes.util
import functools
import importlib.util
import json
import os
import shutil
import sys
import textwrap

import pytest

import alsaseq_standin

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the stand-in emulates Linux's /dev/snd/seq")

LOOPBACK = "Midi Through Port-0"


def _find_portmidi():
    for path in ("/usr/lib/x86_64-linux-gnu/libportmidi.so.0", "/usr/lib/libportmidi.so.0"):
        if os.path.exists(path):
            return path
    return ctypes.util.find_library("portmidi")


PORTMIDI = _find_portmidi()
# What these tests need is installed by bash tools/test.sh, which CI runs: a missing piece fails the tests
# (a skip would hide work that is not done). Only a platform other than Linux skips them, and the wheel tests
# (tools/wheel_test.py sets MIDOX_TEST_MISSING=skip): a build container has no pygame wheel for every Python.
INSTALL_HINT = "bash tools/test.sh installs it"


def missing(what):
    """Fail the running test, or skip it in the wheel tests, because `what` is not there."""
    if os.environ.get("MIDOX_TEST_MISSING") == "skip":
        pytest.skip(f"{what} (MIDOX_TEST_MISSING=skip)")
    pytest.fail(f"{what}: {INSTALL_HINT}", pytrace=False)


def needs(available, what):
    """Decorate a test that needs `what`: it fails, saying how to install it, when available is false."""
    def decorate(test):
        @functools.wraps(test)
        def run(*args, **kwargs):
            if not available:
                missing(f"{what} is not installed")
            return test(*args, **kwargs)
        return run
    return decorate


needs_portmidi = needs(PORTMIDI is not None, "libportmidi (libportmidi-dev)")
needs_pygame = needs(importlib.util.find_spec("pygame") is not None, "pygame (pip install 'midox[pygame]')")


@pytest.fixture(scope="module", autouse=True)
def standin():
    if shutil.which("gcc") is None:
        missing("gcc is needed to build the ALSA sequencer stand-in and is not installed")
    return alsaseq_standin.library()       # a build failure is an error, not a skip


def run_child(code, env=None):
    """Run code under the stand-in; return the JSON object it printed last."""
    result = alsaseq_standin.run_python(textwrap.dedent(code), timeout=120, env=env)
    assert result.returncode == 0, f"child failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"child printed no result:\n{result.stdout}\n{result.stderr}"
    return json.loads(lines[-1]), result


# ---------------------------------------------------------------------------------------------------
# the kernel interface itself, through plain system calls


KERNEL_CHILD = r'''
import ctypes as C, errno, fcntl, json, os, select, threading, time

class Addr(C.Structure):
    _fields_ = [("client", C.c_ubyte), ("port", C.c_ubyte)]

class Event(C.Structure):
    _fields_ = [("type", C.c_ubyte), ("flags", C.c_ubyte), ("tag", C.c_byte), ("queue", C.c_ubyte),
                ("time", C.c_uint * 2), ("source", Addr), ("dest", Addr), ("data", C.c_ubyte * 12)]

class ClientInfo(C.Structure):
    _fields_ = [("client", C.c_int), ("type", C.c_int), ("name", C.c_char * 64), ("filter", C.c_uint),
                ("multicast_filter", C.c_ubyte * 8), ("event_filter", C.c_ubyte * 32), ("num_ports", C.c_int),
                ("event_lost", C.c_int), ("card", C.c_int), ("pid", C.c_int), ("midi_version", C.c_uint),
                ("reserved", C.c_char * 52)]

class PortInfo(C.Structure):
    _fields_ = [("addr", Addr), ("name", C.c_char * 64), ("capability", C.c_uint), ("type", C.c_uint),
                ("midi_channels", C.c_int), ("midi_voices", C.c_int), ("synth_voices", C.c_int),
                ("read_use", C.c_int), ("write_use", C.c_int), ("kernel", C.c_void_p), ("flags", C.c_uint),
                ("time_queue", C.c_ubyte), ("reserved", C.c_char * 59)]

class Subscribe(C.Structure):
    _fields_ = [("sender", Addr), ("dest", Addr), ("voices", C.c_uint), ("flags", C.c_uint),
                ("queue", C.c_ubyte), ("pad", C.c_ubyte * 3), ("reserved", C.c_char * 64)]

class Pool(C.Structure):
    _fields_ = [("client", C.c_int), ("output_pool", C.c_int), ("input_pool", C.c_int), ("output_room", C.c_int),
                ("output_free", C.c_int), ("input_free", C.c_int), ("reserved", C.c_char * 64)]

def IOC(direction, nr, size):          # direction: 1 = write (to the kernel), 2 = read, 3 = both
    return (direction << 30) | (size << 16) | (ord("S") << 8) | nr

def ioctl(fd, direction, nr, obj):
    fcntl.ioctl(fd, IOC(direction, nr, C.sizeof(obj)), obj, True)
    return obj

def errno_of(call):
    try:
        call()
    except OSError as error:
        return errno.errorcode.get(error.errno, error.errno)
    return None

CAP_READ, CAP_WRITE, CAP_SUBS_READ, CAP_SUBS_WRITE = 1, 2, 32, 64
SUBSCRIBERS, DIRECT, NOTEON, SYSEX, CLIENT_EXIT, VARIABLE = 254, 253, 6, 130, 61, 4

def note_event(port, note, velocity=100):
    ev = Event(type=NOTEON, queue=DIRECT, source=Addr(0, port), dest=Addr(SUBSCRIBERS, 0))
    ev.data[0], ev.data[1], ev.data[2] = 0, note, velocity
    return bytes(ev)

def parse(data):
    out = []
    while data:
        ev = Event.from_buffer_copy(data[:28])
        size = 28
        item = {"type": ev.type, "source": [ev.source.client, ev.source.port], "dest": [ev.dest.client, ev.dest.port],
                "data": list(ev.data)}
        if ev.flags & 12 == VARIABLE:
            length = int.from_bytes(bytes(ev.data[:4]), "little")
            padded = -(-length // 28) * 28
            item["payload"] = list(data[28:28 + length])
            size += padded
        out.append(item)
        data = data[size:]
    return out

result = {}
fd = os.open("/dev/snd/seq", os.O_RDWR | os.O_CLOEXEC)
version = C.c_int(); ioctl(fd, 2, 0x00, version)
me = C.c_int(); ioctl(fd, 2, 0x01, me)
me = me.value
result["pversion"] = version.value
result["client_id"] = me

clients, ports = [], {}
info = ClientInfo(client=-1)
while errno_of(lambda: ioctl(fd, 3, 0x51, info)) is None:
    clients.append([info.client, info.name.decode(), info.type, info.num_ports])
    port = PortInfo(addr=Addr(info.client, 255))
    while errno_of(lambda: ioctl(fd, 3, 0x52, port)) is None:
        ports["%d:%d" % (port.addr.client, port.addr.port)] = [port.name.decode(), port.capability, port.type]
result["clients"] = clients
result["ports"] = ports

port = PortInfo(addr=Addr(me, 0), name=b"test port",
                capability=CAP_READ | CAP_WRITE | CAP_SUBS_READ | CAP_SUBS_WRITE, type=(1 << 1) | (1 << 20))
ioctl(fd, 3, 0x20, port)
mine = port.addr.port
ioctl(fd, 1, 0x30, Subscribe(sender=Addr(14, 0), dest=Addr(me, mine)))
ioctl(fd, 1, 0x30, Subscribe(sender=Addr(me, mine), dest=Addr(14, 0)))
result["duplicate_subscription"] = errno_of(lambda: ioctl(fd, 1, 0x30, Subscribe(sender=Addr(14, 0), dest=Addr(me, mine))))
check = PortInfo(addr=Addr(14, 0)); ioctl(fd, 3, 0x22, check)
result["through_use"] = [check.read_use, check.write_use]

poller = select.poll(); poller.register(fd, select.POLLIN | select.POLLOUT)
result["poll_idle"] = dict(poller.poll(0)).get(fd, 0)
os.write(fd, note_event(mine, 60))
result["poll_pending"] = dict(poller.poll(0)).get(fd, 0)
result["short_buffer"] = errno_of(lambda: os.read(fd, 27))
result["note"] = parse(os.read(fd, 4096))
result["poll_drained"] = dict(poller.poll(0)).get(fd, 0)

os.write(fd, note_event(mine, 61) + note_event(mine, 62))
first = os.read(fd, 28 + 27)
second = os.read(fd, 4096)
result["whole_events"] = [len(first), len(second), parse(first + second)]

os.set_blocking(fd, False)
result["nonblocking_empty"] = errno_of(lambda: os.read(fd, 4096))
os.set_blocking(fd, True)

received = {}
def reader():
    start = time.monotonic()
    received["data"] = os.read(fd, 4096)
    received["waited"] = time.monotonic() - start
thread = threading.Thread(target=reader)
thread.start()
time.sleep(0.3)
os.write(fd, note_event(mine, 63))
thread.join(10)
result["blocking"] = [thread.is_alive(), received.get("waited"), parse(received.get("data", b""))]

payload = bytes(range(0xF0, 0xF0 + 1)) + bytes(range(1, 29)) + b"\xf7"     # 30 bytes
sysex = Event(type=SYSEX, flags=VARIABLE, queue=DIRECT, source=Addr(0, mine), dest=Addr(SUBSCRIBERS, 0))
C.memmove(C.addressof(sysex) + 16, C.byref(C.c_uint(len(payload))), 4)
result["sysex_written"] = os.write(fd, bytes(sysex) + payload)
result["sysex_short_buffer"] = errno_of(lambda: os.read(fd, 56))
data = os.read(fd, 4096)
result["sysex"] = [len(data), parse(data), list(payload)]

pool = Pool(client=me); ioctl(fd, 3, 0x4b, pool)
result["pool"] = [pool.output_pool, pool.input_pool, pool.input_free]
pool.input_pool = 4
ioctl(fd, 1, 0x4c, pool)
outcomes = [errno_of(lambda: os.write(fd, note_event(mine, 70 + n))) for n in range(5)]
result["overflow_writes"] = outcomes
result["overflow_read"] = errno_of(lambda: os.read(fd, 4096))
os.set_blocking(fd, False)
result["after_overflow"] = errno_of(lambda: os.read(fd, 4096))
os.set_blocking(fd, True)
os.write(fd, note_event(mine, 80))
result["recovered"] = parse(os.read(fd, 4096))

result["unknown_ioctl"] = errno_of(lambda: fcntl.ioctl(fd, IOC(3, 0x7F, 4), bytearray(4), True))

watcher = os.open("/dev/snd/seq", os.O_RDWR | os.O_NONBLOCK)
other = C.c_int(); ioctl(watcher, 2, 0x01, other)
wport = PortInfo(addr=Addr(other.value, 0), name=b"watch", capability=CAP_WRITE | CAP_SUBS_WRITE)
ioctl(watcher, 3, 0x20, wport)
ioctl(watcher, 1, 0x30, Subscribe(sender=Addr(0, 1), dest=Addr(other.value, wport.addr.port)))
os.close(fd)
announced = parse(os.read(watcher, 4096))
result["announced_exit"] = [e["data"][:2] for e in announced if e["type"] == CLIENT_EXIT]
result["gone"] = errno_of(lambda: ioctl(watcher, 3, 0x10, ClientInfo(client=me)))
os.close(watcher)
print(json.dumps(result))
'''


def test_kernel_interface_with_plain_system_calls():
    got, proc = run_child(KERNEL_CHILD, env={"MIDOX_FAKESEQ_DEBUG": "1"})
    me = got["client_id"]
    assert got["pversion"] >> 16 == 1 and me >= 128
    # client 0 and 14 as with snd-seq-dummy, then this client
    assert got["clients"] == [[0, "System", 2, 2], [14, "Midi Through", 2, 1], [me, f"Client-{me}", 1, 0]]
    assert got["ports"]["0:0"][0] == "Timer" and got["ports"]["0:1"][0] == "Announce"
    assert got["ports"]["14:0"] == [LOOPBACK, 1 | 2 | 32 | 64, (1 << 1) | (1 << 17) | (1 << 19)]
    assert got["duplicate_subscription"] == "EBUSY"
    assert got["through_use"] == [1, 1]

    # poll() sees exactly when events wait; short buffers are refused; the loopback rewrites the addresses
    assert got["poll_idle"] == 4                  # POLLOUT only
    assert got["poll_pending"] == 1 | 4           # POLLIN | POLLOUT
    assert got["poll_drained"] == 4
    assert got["short_buffer"] == "EINVAL"
    [note] = got["note"]
    assert note["type"] == 6 and note["source"] == [14, 0] and note["dest"] == [me, 0]
    assert note["data"][:3] == [0, 60, 100]

    # read() returns whole events only
    first_len, second_len, events = got["whole_events"]
    assert (first_len, second_len) == (28, 28)
    assert [e["data"][1] for e in events] == [61, 62]

    assert got["nonblocking_empty"] == "EAGAIN"
    alive, waited, events = got["blocking"]
    assert not alive and waited >= 0.25 and [e["data"][1] for e in events] == [63]

    # variable-length events: payload padded to whole event cells, never split
    assert got["sysex_written"] == 28 + 30
    assert got["sysex_short_buffer"] is not None
    length, events, payload = got["sysex"]
    assert length == 28 + 56
    [sysex] = events
    assert sysex["type"] == 130 and sysex["source"] == [14, 0] and sysex["payload"] == payload

    # a full input FIFO behaves as the kernel's: the writer gets EAGAIN, the reader ENOSPC once
    assert got["pool"] == [500, 200, 200]
    assert got["overflow_writes"] == [None, None, None, None, "EAGAIN"]
    assert got["overflow_read"] == "ENOSPC"
    assert got["after_overflow"] == "EAGAIN"
    assert [e["data"][1] for e in got["recovered"]] == [80]

    assert got["unknown_ioctl"] == "ENOTTY"
    assert "0xc004537f" in proc.stderr

    assert got["announced_exit"] == [[me, 0]]
    assert got["gone"] == "ENOENT"


# ---------------------------------------------------------------------------------------------------
# PortMidi 217 (Debian's libportmidi.so.0) through ctypes


PORTMIDI_PREAMBLE = r'''
import ctypes as C, json, sys, time

pm = C.CDLL(LIBRARY)

class DeviceInfo(C.Structure):
    _fields_ = [("structVersion", C.c_int), ("interf", C.c_char_p), ("name", C.c_char_p),
                ("input", C.c_int), ("output", C.c_int), ("opened", C.c_int)]

class PmEvent(C.Structure):
    _fields_ = [("message", C.c_int32), ("timestamp", C.c_int32)]

Stream = C.c_void_p
pm.Pm_GetDeviceInfo.argtypes = [C.c_int]
pm.Pm_GetDeviceInfo.restype = C.POINTER(DeviceInfo)
pm.Pm_GetErrorText.argtypes = [C.c_int]
pm.Pm_GetErrorText.restype = C.c_char_p
pm.Pm_OpenInput.argtypes = [C.POINTER(Stream), C.c_int, C.c_void_p, C.c_int32, C.c_void_p, C.c_void_p]
pm.Pm_OpenOutput.argtypes = [C.POINTER(Stream), C.c_int, C.c_void_p, C.c_int32, C.c_void_p, C.c_void_p, C.c_int32]
pm.Pm_Write.argtypes = [Stream, C.POINTER(PmEvent), C.c_int32]
pm.Pm_WriteShort.argtypes = [Stream, C.c_int32, C.c_int32]
pm.Pm_WriteSysEx.argtypes = [Stream, C.c_int32, C.c_char_p]
pm.Pm_Poll.argtypes = [Stream]
pm.Pm_Read.argtypes = [Stream, C.POINTER(PmEvent), C.c_int32]
pm.Pm_Close.argtypes = [Stream]

def check(err, what):
    if err < 0:
        raise SystemExit("%s: %s (%d)" % (what, pm.Pm_GetErrorText(err).decode(), err))
    return err

check(pm.Pm_Initialize(), "Pm_Initialize")

def devices():
    out = []
    for i in range(pm.Pm_CountDevices()):
        d = pm.Pm_GetDeviceInfo(i).contents
        out.append([i, d.interf.decode(), d.name.decode(), d.input, d.output])
    return out

def open_loopback(latency=0):
    found = devices()
    input_id = next(d[0] for d in found if d[2] == "Midi Through Port-0" and d[3])
    output_id = next(d[0] for d in found if d[2] == "Midi Through Port-0" and d[4])
    inp, out = Stream(), Stream()
    check(pm.Pm_OpenInput(C.byref(inp), input_id, None, 4096, None, None), "Pm_OpenInput")
    check(pm.Pm_OpenOutput(C.byref(out), output_id, None, 4096, None, None, latency), "Pm_OpenOutput")
    return inp, out

buffer = (PmEvent * 1024)()

def read_messages(stream, count, timeout=10.0):
    """Read until count messages arrived (or timeout); messages as unsigned ints."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        if check(pm.Pm_Poll(stream), "Pm_Poll"):
            n = check(pm.Pm_Read(stream, buffer, 1024), "Pm_Read")
            got += [buffer[i].message & 0xFFFFFFFF for i in range(n)]
        else:
            time.sleep(0.001)
    return got

def close(*streams):
    for s in streams:
        check(pm.Pm_Close(s), "Pm_Close")
    check(pm.Pm_Terminate(), "Pm_Terminate")
'''


def portmidi_child(body):
    return f"LIBRARY = {PORTMIDI!r}\n" + PORTMIDI_PREAMBLE + textwrap.dedent(body)


@needs_portmidi
def test_portmidi_lists_the_loopback_as_input_and_output():
    got, _ = run_child(portmidi_child('''
        print(json.dumps({"devices": devices()}))
    '''))
    entries = [(interf, name, is_in, is_out) for _, interf, name, is_in, is_out in got["devices"]]
    assert ("ALSA", LOOPBACK, 1, 0) in entries
    assert ("ALSA", LOOPBACK, 0, 1) in entries


# status, data1, data2 as PortMidi packs them (Pm_Message)
SHORT_MESSAGES = [
    (0x90, 60, 64),        # note_on
    (0x80, 60, 0),         # note_off
    (0x9F, 127, 1),        # note_on, channel 15
    (0xA3, 10, 20),        # polytouch
    (0xB0, 7, 100),        # control_change
    (0xBF, 127, 127),
    (0xC0, 5, 0),          # program_change
    (0xCA, 127, 0),
    (0xD4, 33, 0),         # aftertouch
    (0xE0, 0x00, 0x40),    # pitchwheel 0
    (0xE1, 0x00, 0x00),    # pitchwheel -8192
    (0xE2, 0x7F, 0x7F),    # pitchwheel 8191
    (0xE3, 0x12, 0x34),
]


@needs_portmidi
def test_portmidi_short_messages_come_back_in_order():
    messages = [status | d1 << 8 | d2 << 16 for status, d1, d2 in SHORT_MESSAGES]
    got, _ = run_child(portmidi_child(f'''
        messages = {messages!r}
        inp, out = open_loopback()
        half = len(messages) // 2
        events = (PmEvent * half)(*[PmEvent(m, 0) for m in messages[:half]])
        check(pm.Pm_Write(out, events, half), "Pm_Write")
        for m in messages[half:]:
            check(pm.Pm_WriteShort(out, 0, m), "Pm_WriteShort")
        received = read_messages(inp, len(messages))
        time.sleep(0.05)
        received += read_messages(inp, 1, timeout=0.1)   # nothing more may arrive
        close(inp, out)
        print(json.dumps({{"received": received}}))
    '''))
    assert got["received"] == messages


@needs_portmidi
def test_portmidi_sysex_of_3000_bytes_comes_back_complete():
    sysex = bytes([0xF0, *((i * 7 + 3) % 128 for i in range(2998)), 0xF7])
    got, _ = run_child(portmidi_child(f'''
        sysex = {sysex!r}
        inp, out = open_loopback()
        check(pm.Pm_WriteSysEx(out, 0, sysex), "Pm_WriteSysEx")
        check(pm.Pm_WriteShort(out, 0, 0x403C90), "Pm_WriteShort")   # a note after it
        received = read_messages(inp, (len(sysex) + 3) // 4 + 1)
        close(inp, out)
        print(json.dumps({{"received": received}}))
    '''))
    received = got["received"]
    data = b"".join(m.to_bytes(4, "little") for m in received[:-1])
    end = data.index(0xF7) + 1
    assert data[:end] == sysex
    assert received[-1] == 0x403C90


@needs_portmidi
def test_portmidi_5000_short_messages_all_come_back_in_order():
    got, _ = run_child(portmidi_child('''
        messages = [(0x90 | i % 16) | ((i * 7) % 128) << 8 | (1 + i % 127) << 16 for i in range(5000)]
        inp, out = open_loopback()
        received = []
        for start in range(0, len(messages), 100):      # below the kernel's 200-event input FIFO
            batch = messages[start:start + 100]
            events = (PmEvent * len(batch))(*[PmEvent(m, 0) for m in batch])
            check(pm.Pm_Write(out, events, len(batch)), "Pm_Write")
            received += read_messages(inp, len(batch))
        close(inp, out)
        print(json.dumps({"sent": messages, "received": received}))
    '''))
    assert len(got["received"]) == 5000
    assert got["received"] == got["sent"]


@needs_portmidi
def test_portmidi_with_latency_schedules_on_a_queue():
    # latency > 0 makes PortMidi timestamp events on its ALSA queue; they still come back, in order
    got, _ = run_child(portmidi_child('''
        messages = [0x90 | n << 8 | 100 << 16 for n in range(40, 60)]
        inp, out = open_loopback(latency=5)
        for m in messages:
            check(pm.Pm_WriteShort(out, 0, m), "Pm_WriteShort")
        received = read_messages(inp, len(messages))
        close(inp, out)
        print(json.dumps({"sent": messages, "received": received}))
    '''))
    assert got["received"] == got["sent"]


# ---------------------------------------------------------------------------------------------------
# pygame.midi (pygame's bundled PortMidi 2.0.3 and libasound)


@needs_pygame
def test_pygame_midi_lists_and_loops_back():
    sysex = [0xF0, 0x7D, *range(0, 128), *range(0, 100), 0xF7]
    got, _ = run_child(f'''
        import json, time
        import pygame.midi
        pygame.midi.init()
        devices = [[i, *[x.decode() if isinstance(x, bytes) else x for x in pygame.midi.get_device_info(i)]]
                   for i in range(pygame.midi.get_count())]
        input_id = next(d[0] for d in devices if d[2] == "Midi Through Port-0" and d[3])
        output_id = next(d[0] for d in devices if d[2] == "Midi Through Port-0" and d[4])
        out = pygame.midi.Output(output_id, latency=0)
        inp = pygame.midi.Input(input_id)
        out.note_on(60, 100, 3)
        out.write_sys_ex(0, {sysex!r})
        out.write_short(0xB0, 7, 99)
        events = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (events and events[-1][0][0] == 0xB0):
            if inp.poll():
                events += inp.read(256)
            else:
                time.sleep(0.001)
        inp.close(); out.close(); pygame.midi.quit()
        print(json.dumps({{"devices": devices, "events": [e[0] for e in events]}}))
    ''', env={"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"})
    entries = [(interf, name, is_in, is_out) for _, interf, name, is_in, is_out, _ in got["devices"]]
    assert ("ALSA", LOOPBACK, 1, 0) in entries
    assert ("ALSA", LOOPBACK, 0, 1) in entries
    events = got["events"]
    assert events[0][:3] == [0x93, 60, 100]
    assert events[-1][:3] == [0xB0, 7, 99]
    data = [byte for event in events[1:-1] for byte in event]
    assert data[:data.index(0xF7) + 1] == sysex


def test_environ_keeps_a_sanitizer_runtime_first(monkeypatch):
    # tools/sanitize.sh preloads ASan into the interpreter, which must stay first in LD_PRELOAD.
    runtime = "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.so"
    monkeypatch.setenv("LD_PRELOAD", f"{runtime} /opt/other.so")
    expected = [runtime, alsaseq_standin.library(), "/opt/other.so"]
    assert alsaseq_standin.environ()["LD_PRELOAD"].split() == expected
    monkeypatch.setenv("LD_PRELOAD", "/opt/other.so:/x/asan_with_fuzzer.so")
    assert alsaseq_standin.environ()["LD_PRELOAD"].split() == ["/x/asan_with_fuzzer.so", alsaseq_standin.library(),
                                                               "/opt/other.so"]
