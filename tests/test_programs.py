"""The programs midox-play, midox-ports, midox-serve and midox-connect, end to end against a real JACK server.

The programs run as subprocesses (the installed console scripts, or ``python -m midox.scripts.<module>``),
with ``MIDOX_BACKEND=rtmidi/UNIX_JACK``; they inherit the JACK server's name from the ``jack_server`` fixture.
This process makes the virtual JACK ports they talk to. Where mido 1.3.3's program works (mido-play,
mido-ports) its output is compared with ours. A few tests run ``main()`` in this process, interrupted by a
real SIGINT, to see that the programs close their ports themselves (a process that exits loses its ports
anyway).

Every wait has a timeout and every subprocess is killed at the end of its test, so nothing can hang.
"""
import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time

import pytest

import child_process
from port_traffic import EVERY_TYPE, wait_until

import midox
from midox.backends import backend as registry
from midox.ports import reset_messages
from midox.scripts import midox_connect, midox_play, midox_serve

JACK = midox.Backend("midox.backends.rtmidi/UNIX_JACK")
PROGRAMS = {
    "midox-play": "midox.scripts.midox_play",
    "midox-ports": "midox.scripts.midox_ports",
    "midox-serve": "midox.scripts.midox_serve",
    "midox-connect": "midox.scripts.midox_connect",
}
TIMEOUT = 20.0      # generous: only reached when something is broken
LOCAL = "127.0.0.1"

LONG_SYSEX = midox.Message("sysex", data=[i % 128 for i in range(4000)])
RESET = list(reset_messages())

# Run a program with SIGINT at its default disposition, whatever this process inherited (a test runner
# started in the background may ignore SIGINT, and Python then leaves it ignored in its children).
_EXEC_WITH_SIGINT = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"


# Helpers

def script_path(program):
    """The console script pip installed beside this Python; in a virtual environment that sees the system's
    packages (mido's, say), beside the system's Python if it is not in the environment's."""
    scripts = sysconfig.get_path("scripts")
    base_scripts = sysconfig.get_path("scripts", vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    for folder in (scripts, base_scripts):
        if os.path.exists(os.path.join(folder, program)):
            return os.path.join(folder, program)
    return os.path.join(scripts, program)


def command(program, how):
    if how == "module":
        return [sys.executable, "-m", PROGRAMS[program]]
    return [script_path(program)]


def program_environ(**settings):
    """This process's environment (with the JACK server's name) for a program: midox on JACK, no defaults."""
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("MIDO_", "MIDOX_"))}
    environ["MIDOX_BACKEND"] = "rtmidi/UNIX_JACK"
    environ.update(settings)
    return environ


def free_tcp_port():
    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        return sock.getsockname()[1]


class Program:
    """A program running in a subprocess; threads collect its stdout and stderr as they come."""

    def __init__(self, program, args, how="script", environ=None):
        self.name = program
        self.process = subprocess.Popen(
            [sys.executable, "-c", _EXEC_WITH_SIGINT, *command(program, how), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=child_process.NEUTRAL_CWD,
            env=environ if environ is not None else program_environ())
        self._chunks = {"out": [], "err": []}
        self._readers = [threading.Thread(target=self._read, args=(stream, self._chunks[key]), daemon=True)
                         for key, stream in (("out", self.process.stdout), ("err", self.process.stderr))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, chunks):
        for line in iter(stream.readline, b""):
            chunks.append(line)
        stream.close()

    @property
    def stdout(self):
        return b"".join(self._chunks["out"]).decode()

    @property
    def stderr(self):
        return b"".join(self._chunks["err"]).decode()

    def wait_for_output(self, text, timeout=TIMEOUT):
        """Wait until stdout holds text; fail (with what the program said) if it exits or time runs out."""
        deadline = time.monotonic() + timeout
        while text not in self.stdout:
            if self.process.poll() is not None or time.monotonic() > deadline:
                time.sleep(0.1)     # let the readers catch up, for the report
                pytest.fail(f"{self.name} did not print {text!r}; status {self.process.poll()}, "
                            f"stdout {self.stdout!r}, stderr {self.stderr!r}")
            time.sleep(0.005)

    def interrupt(self):
        self.process.send_signal(signal.SIGINT)

    def finish(self, timeout=TIMEOUT):
        """Wait for the program to end and its output to be read; return the exit status."""
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"{self.name} did not end in {timeout} s; stdout {self.stdout!r}, stderr {self.stderr!r}")
        for reader in self._readers:
            reader.join(timeout)
        return status

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(TIMEOUT)
        for reader in self._readers:
            reader.join(TIMEOUT)


@pytest.fixture
def start(jack_server):
    """start(program, *args, how='script', environ=None) runs a program; all are killed after the test."""
    pytest.importorskip("rtmidi", reason="python-rtmidi is not installed (pip install 'midox[rtmidi]')")
    started = []

    def starter(program, *args, how="script", environ=None):
        started.append(Program(program, args, how, environ))
        return started[-1]

    yield starter
    for program in started:
        program.kill()


def run_program(start, program, *args, **options):
    """Run a program to its end; return (status, stdout, stderr)."""
    running = start(program, *args, **options)
    status = running.finish()
    return status, running.stdout, running.stderr


@pytest.fixture
def closing():
    """Register ports to be closed after the test, whatever happens."""
    ports = []
    yield ports.append
    for port in reversed(ports):
        port.close()


def receive_all(port, count, timeout=TIMEOUT):
    """Receive count messages from port; fail with what came if they do not all come in time."""
    received = []
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        message = port.poll()
        if message is None:
            time.sleep(0.002)
        else:
            received.append(message)
    assert len(received) == count, f"only {len(received)} of {count} messages arrived: {received[-5:]}"
    return received


def wait_for_server(address, program, timeout=TIMEOUT):
    """Wait until a TCP server accepts connections at (host, port), or fail if the program ends first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(address, timeout=1.0).close()
            return
        except OSError:
            if program.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{program.name} did not listen on {address}: status {program.process.poll()}, "
                            f"stderr {program.stderr!r}")
            time.sleep(0.01)


def run_interrupted(main, argv, ready, timeout=TIMEOUT):
    """Run main(argv) in this (the main) thread and send this process a real SIGINT once ready() is true
    (or after timeout, so that nothing hangs). Return (main's status, whether ready() became true).

    While main runs, SIGINT raises KeyboardInterrupt; before and after, it is ignored, so a late signal can
    never stop the test session.
    """
    state = {"inside": False, "ready": False}
    finished = threading.Event()

    def handler(signum, frame):
        if state["inside"]:
            raise KeyboardInterrupt

    def interrupter():
        deadline = time.monotonic() + timeout
        while not finished.is_set() and time.monotonic() < deadline:
            try:
                if ready():
                    state["ready"] = True
                    break
            except Exception:   # a failed check fails the test (ready stays False), never hangs it
                break
            time.sleep(0.005)
        if not finished.is_set():
            os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, handler)
    thread = threading.Thread(target=interrupter, daemon=True)
    try:
        state["inside"] = True
        thread.start()
        status = main(argv)
    finally:
        state["inside"] = False
        finished.set()
        thread.join(timeout)
        time.sleep(0.05)    # a signal still on its way finds our handler, which now ignores it
        signal.signal(signal.SIGINT, previous)
    return status, state["ready"]


@pytest.fixture
def jack_backend(jack_server):
    """Make JACK the current backend of this process (for main() run here), and restore the old one after."""
    pytest.importorskip("rtmidi", reason="python-rtmidi is not installed (pip install 'midox[rtmidi]')")
    saved = registry.get_backend()
    registry.set_backend("midox.backends.rtmidi/UNIX_JACK")
    yield
    registry.set_backend(saved)


def jack_ports():
    """The names of all JACK MIDI ports, inputs and outputs."""
    return set(JACK.get_input_names()) | set(JACK.get_output_names())


def make_song(path, seconds_per_note=0.1, notes=6):
    """Write a type 1 file with a tempo change and several message types; return the messages it plays."""
    song = midox.MidiFile(type=1, ticks_per_beat=480)
    conductor = song.add_track("conductor")
    conductor.append(midox.MetaMessage("set_tempo", tempo=400000, time=0))              # 150 BPM
    piano = song.add_track("piano ")
    ticks = round(seconds_per_note / 0.4 * 480)
    played = [midox.Message("program_change", channel=2, program=5, time=0)]
    for index in range(notes):
        played += [midox.Message("note_on", channel=2, note=60 + index, velocity=100, time=ticks),
                   midox.Message("note_off", channel=2, note=60 + index, time=ticks)]
    played += [midox.Message("pitchwheel", channel=2, pitch=1000, time=0),
               midox.Message("control_change", channel=2, control=10, value=3, time=ticks),
               midox.Message("sysex", data=[0x7D, 1, 2, 3], time=ticks),
               midox.Message("aftertouch", channel=2, value=7, time=ticks)]
    piano.extend(message.copy() for message in played)
    # The tempo changes halfway through the notes.
    conductor.append(midox.MetaMessage("set_tempo", tempo=500000, time=ticks * notes))  # 120 BPM
    song.save(path)
    return [message.copy(time=0) for message in played]


# The console scripts

def test_console_scripts_are_installed():
    entry_points = {entry.name: entry.value
                    for entry in importlib.metadata.entry_points(group="console_scripts")
                    if entry.name.startswith("midox-")}
    assert entry_points == {program: f"{module}:main" for program, module in PROGRAMS.items()}
    for program in PROGRAMS:
        assert os.access(script_path(program), os.X_OK), script_path(program)


@pytest.mark.parametrize("how", ["script", "module"])
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_help_runs_both_ways(program, how):
    done = subprocess.run([*command(program, how), "--help"], capture_output=True, timeout=TIMEOUT,
                          cwd=child_process.NEUTRAL_CWD, env=program_environ())
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith(f"usage: {program} ")
    assert done.stderr == b""


# midox-serve and midox-connect

def test_serve_and_connect_forward_every_message_type_in_order(start, closing):
    # test's virtual output -> midox-connect -> TCP -> midox-serve -> test's virtual input
    sink = JACK.open_input("in", client_name="midox-prog-sink")
    closing(sink)
    source = JACK.open_output("out", virtual=True, client_name="midox-prog-source")
    closing(source)
    portno = free_tcp_port()
    address = f"{LOCAL}:{portno}"

    serve = start("midox-serve", address, "midox-prog-sink:in", how="module")
    wait_for_server((LOCAL, portno), serve)
    connect = start("midox-connect", address, "midox-prog-source:out")
    connect.wait_for_output("Connected.\n")

    messages = EVERY_TYPE + [LONG_SYSEX] + [midox.Message("note_on", note=i % 128, velocity=i // 128)
                                           for i in range(500)] + EVERY_TYPE
    for message in messages:
        source.send(message)
    source.send(midox.Message("active_sensing"))    # ignored by RtMidi inputs, as in mido
    assert receive_all(sink, len(messages)) == messages
    time.sleep(0.2)
    assert sink.poll() is None

    # What each program printed, message by message.
    serve.wait_for_output(f"Received {messages[-1]}\n")
    connect.wait_for_output(f"Sending {messages[-1]}\n")
    assert connect.stdout == "Connected.\n" + "".join(f"Sending {message}\n" for message in messages)
    assert serve.stdout == "".join(f"Received {message}\n" for message in messages)

    connect.interrupt()
    assert connect.finish() == 130
    serve.interrupt()
    assert serve.finish() == 130
    assert connect.stderr == serve.stderr == ""
    # Their JACK ports are gone.
    assert wait_until(lambda: not any(name.startswith(("RtMidiIn", "RtMidiOut")) for name in jack_ports()))


def test_serve_forwards_from_several_clients_to_several_outputs(start, closing):
    sinks = []
    for index in range(2):
        sinks.append(JACK.open_input("in", client_name=f"midox-prog-multi{index}"))
        closing(sinks[-1])
    portno = free_tcp_port()
    serve = start("midox-serve", f":{portno}", "midox-prog-multi0:in", "midox-prog-multi1:in")
    wait_for_server((LOCAL, portno), serve)
    clients = [midox.sockets.connect(LOCAL, portno) for _ in range(3)]
    for client in clients:
        closing(client)
    for index, client in enumerate(clients):
        for note in range(10):
            client.send(midox.Message("note_on", channel=index, note=note))
    for sink in sinks:
        received = receive_all(sink, 30)
        for index in range(3):
            # Each client's messages arrive in order (the clients interleave).
            assert [m for m in received if m.channel == index] == [
                midox.Message("note_on", channel=index, note=note) for note in range(10)]
    serve.interrupt()
    assert serve.finish() == 130
    assert serve.stderr == ""


def test_connect_forwards_from_several_inputs(start, closing):
    sources = []
    for index in range(2):
        sources.append(JACK.open_output("out", virtual=True, client_name=f"midox-prog-src{index}"))
        closing(sources[-1])
    with midox.sockets.PortServer(LOCAL, 0) as server:
        address = f"{LOCAL}:{server.address[1]}"
        connect = start("midox-connect", address, "midox-prog-src0:out", "midox-prog-src1:out", how="module")
        connect.wait_for_output("Connected.\n")
        for index, source in enumerate(sources):
            for note in range(20):
                source.send(midox.Message("note_on", channel=index, note=note))
        received = []
        deadline = time.monotonic() + TIMEOUT
        while len(received) < 40 and time.monotonic() < deadline:
            received.extend(server.iter_pending())
            time.sleep(0.002)
        for index in range(2):
            assert [m for m in received if m.channel == index] == [
                midox.Message("note_on", channel=index, note=note) for note in range(20)]
        connect.interrupt()
        assert connect.finish() == 130
        assert connect.stderr == ""
        # The connection was closed: the server's client is gone once it has been read to the end.
        assert wait_until(lambda: (list(server.iter_pending()) == [] and server.ports == []))


def test_connect_ends_with_an_error_when_the_server_goes_away(start, closing):
    source = JACK.open_output("out", virtual=True, client_name="midox-prog-gone")
    closing(source)
    with socket.socket() as listener:
        listener.bind((LOCAL, 0))
        listener.listen(1)
        listener.settimeout(TIMEOUT)
        address = f"{LOCAL}:{listener.getsockname()[1]}"
        connect = start("midox-connect", address, "midox-prog-gone:out")
        conn, _ = listener.accept()
        connect.wait_for_output("Connected.\n")
        conn.close()
        assert connect.finish() == 1
    assert connect.stdout == "Connected.\n"
    assert connect.stderr == f"midox-connect: error: the server at {address!r} closed the connection\n"


# midox-play

def test_play_sends_a_file_in_order_and_prints_as_mido_play(start, closing, tmp_path):
    path = str(tmp_path / "song.mid")
    played = make_song(path)
    song = midox.MidiFile(path)
    sink = JACK.open_input("in", client_name="midox-prog-play", timestamps=True)
    closing(sink)

    began = time.monotonic()
    status, out, err = run_program(start, "midox-play", "-m", "-o", "midox-prog-play:in", path)
    elapsed = time.monotonic() - began
    assert (status, err) == (0, "")
    received = receive_all(sink, len(RESET) + len(played) + len(RESET))
    # mido-play's resets around the file: All Notes Off and Reset All Controllers on every channel.
    assert [m.copy(time=0) for m in received] == RESET + played + RESET
    assert elapsed >= song.length

    # Sent at their times in the file (absolute deadlines): the times measured by JACK, from the first
    # message of the file on, are within a few JACK cycles of the file's.
    file_times, clock = [], 0.0
    for message in song:
        clock += message.time
        if not message.is_meta:
            file_times.append(clock)
    arrived, clock = [], 0.0
    for message in received[len(RESET):len(RESET) + len(played)]:
        clock += message.time
        arrived.append(clock)
    arrived = [t - arrived[0] for t in arrived]
    assert all(abs(a - f) < 0.06 for a, f in zip(arrived, file_times)), list(zip(arrived, file_times))

    lines = ["Using output 'midox-prog-play:in'.", f"Playing {path}.",
             f"Song length: {int(song.length / 60)} minutes, {int(song.length % 60)} seconds.",
             "Tracks:", "   0: 'conductor'", "   1: 'piano'"]
    for message in song:
        lines.append(repr(message))
        if message.type == "set_tempo":
            lines.append(f"Tempo changed to {midox.tempo2bpm(message.tempo):.1f} BPM.")
    assert out == "\n".join(lines) + "\n\n\n"
    assert "Tempo changed to 150.0 BPM.\n" in out and "Tempo changed to 120.0 BPM.\n" in out


def test_play_matches_mido_play(start, closing, tmp_path):
    path = str(tmp_path / "song.mid")
    make_song(path, seconds_per_note=0.02)
    sink = JACK.open_input("in", client_name="midox-prog-vs")
    closing(sink)
    results = []
    for program, environ in (("midox-play", program_environ()),
                             ("mido-play", program_environ(MIDO_BACKEND="mido.backends.rtmidi/UNIX_JACK"))):
        running = Program(program, ["-m", "--output-port", "midox-prog-vs:in", path, path],
                          environ=environ)
        try:
            status = running.finish()
        finally:
            running.kill()
        sent = sum(not message.is_meta for message in midox.MidiFile(path))
        received = receive_all(sink, 2 * len(RESET) + 2 * sent)     # the file is played twice
        results.append((status, running.stdout, received))
        assert running.stderr == ""
    assert results[0] == results[1]
    assert results[0][0] == 0


def test_play_quiet_prints_only_the_messages_of_m(start, closing, tmp_path):
    path = str(tmp_path / "song.mid")
    make_song(path, seconds_per_note=0.01)
    sink = JACK.open_input("in", client_name="midox-prog-quiet")
    closing(sink)
    assert run_program(start, "midox-play", "-q", "--output", "midox-prog-quiet:in", path) == (0, "", "")
    status, out, err = run_program(start, "midox-play", "-q", "-m", "-o", "midox-prog-quiet:in", path)
    assert (status, err) == (0, "")
    assert out == "".join(f"{message!r}\n" for message in midox.MidiFile(path))


def test_play_uses_the_default_output_from_the_environment(start, closing, tmp_path):
    path = str(tmp_path / "song.mid")
    played = make_song(path, seconds_per_note=0.01)
    sink = JACK.open_input("in", client_name="midox-prog-default")
    closing(sink)
    environ = program_environ(MIDOX_DEFAULT_OUTPUT="midox-prog-default:in")
    status, out, err = run_program(start, "midox-play", "-q", path, environ=environ)
    assert (status, out, err) == (0, "", "")
    assert [m.copy(time=0) for m in receive_all(sink, len(played) + 2 * len(RESET))] == RESET + played + RESET


def test_play_interrupted_resets_the_output_and_exits_130(start, closing, tmp_path):
    path = str(tmp_path / "long.mid")
    make_song(path, seconds_per_note=2.0)
    sink = JACK.open_input("in", client_name="midox-prog-int")
    closing(sink)
    play = start("midox-play", "-o", "midox-prog-int:in", path)
    # The reset at the start, the program change, then the first note after two seconds: interrupt before.
    received = receive_all(sink, len(RESET) + 1)
    play.interrupt()
    assert play.finish() == 130
    assert play.stderr == ""
    assert play.stdout.endswith("\n\n")     # the line mido-play prints on the way out
    received += receive_all(sink, len(RESET))
    assert [m.copy(time=0) for m in received] == RESET + [midox.Message("program_change", channel=2, program=5)] + RESET
    time.sleep(0.1)
    assert sink.poll() is None


def test_play_main_interrupted_closes_its_port(jack_backend, closing, tmp_path, capsys):
    path = str(tmp_path / "long.mid")
    make_song(path, seconds_per_note=2.0)
    sink = JACK.open_input("in", client_name="midox-prog-main")
    closing(sink)
    before = jack_ports()
    got = []

    def playing():
        got.extend(sink.iter_pending())
        return len(got) > len(RESET) and jack_ports() - before

    status, ready = run_interrupted(midox_play.main, ["-q", "-o", "midox-prog-main:in", path], playing)
    assert ready
    assert status == 130
    # Reset, and the output port closed by the program itself (this process lives on).
    got += receive_all(sink, len(RESET))
    assert got[-len(RESET):] == RESET
    assert wait_until(lambda: jack_ports() == before)
    assert capsys.readouterr() == ("", "")


# midox-serve and midox-connect interrupted, run in this process

def test_serve_main_interrupted_closes_its_ports(jack_backend, closing, capsys):
    sink = JACK.open_input("in", client_name="midox-prog-smain")
    closing(sink)
    before = jack_ports()
    portno = free_tcp_port()
    clients = []

    def serving():
        try:
            clients.append(midox.sockets.connect(LOCAL, portno))
        except OSError:
            return False
        clients[-1].send(midox.Message("clock"))
        return receive_all(sink, 1) == [midox.Message("clock")]

    status, ready = run_interrupted(midox_serve.main, [f"{LOCAL}:{portno}", "midox-prog-smain:in"], serving)
    try:
        assert ready and status == 130
        assert wait_until(lambda: jack_ports() == before)
        # The listening socket is closed (nothing accepts) and so is the client's connection.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((LOCAL, portno), timeout=1.0).close()
        assert wait_until(lambda: (clients[-1].poll(), clients[-1].closed)[1])
    finally:
        for client in clients:
            client.close()
    assert capsys.readouterr() == ("Received clock time=0\n", "")


def test_connect_main_interrupted_closes_its_ports(jack_backend, closing, capsys):
    source = JACK.open_output("out", virtual=True, client_name="midox-prog-cmain")
    closing(source)
    before = jack_ports()
    with midox.sockets.PortServer(LOCAL, 0) as server:
        def connected():
            list(server.iter_pending())     # the server accepts clients as it receives
            return bool(server.ports) and jack_ports() - before

        argv = [f"{LOCAL}:{server.address[1]}", "midox-prog-cmain:out"]
        status, ready = run_interrupted(midox_connect.main, argv, connected)
        assert ready and status == 130
        assert wait_until(lambda: jack_ports() == before)
        assert wait_until(lambda: (list(server.iter_pending()), server.ports == [])[1])
    assert capsys.readouterr() == ("Connected.\n", "")


# midox-ports

@pytest.mark.parametrize("how", ["script", "module"])
def test_ports_lists_the_ports_and_the_backend(start, closing, how):
    closing(JACK.open_input("in", client_name="midox-prog-list"))
    closing(JACK.open_output("out", virtual=True, client_name="midox-prog-list2"))
    inputs, outputs = JACK.get_input_names(), JACK.get_output_names()
    assert "midox-prog-list2:out" in inputs and "midox-prog-list:in" in outputs
    environ = program_environ(MIDOX_DEFAULT_OUTPUT="midox-prog-list:in", MIDO_DEFAULT_INPUT="x",
                              MIDOX_DEFAULT_IOPORT="")
    status, out, err = run_program(start, "midox-ports", how=how, environ=environ)
    assert (status, err) == (0, "")
    assert out == "\n".join([
        "",
        "Available input Ports:", *(f"    '{name}'" for name in inputs), "",
        "Available output Ports:", *(f"    '{name}'" for name in outputs), "",
        "MIDO_DEFAULT_INPUT='x'",       # mido's variable, honoured when midox's is not set
        "MIDOX_DEFAULT_OUTPUT='midox-prog-list:in'",
        "MIDOX_DEFAULT_IOPORT not set.",  # empty counts as unset
        "MIDOX_BACKEND='rtmidi/UNIX_JACK'",
        "",
        "Using backend midox.backends.rtmidi/UNIX_JACK.",
        "", ""])


def test_ports_has_the_shape_of_mido_ports(start, closing):
    closing(JACK.open_input("in", client_name="midox-prog-shape"))
    environ = program_environ(MIDO_BACKEND="mido.backends.rtmidi/UNIX_JACK")
    del environ["MIDOX_BACKEND"]    # both programs read mido's variable
    mido_status, mido_out, _ = run_program(start, "mido-ports", environ=environ)
    status, out, err = run_program(start, "midox-ports", environ=environ)
    assert (status, mido_status, err) == (0, 0, "")
    assert "    'midox-prog-shape:in'" in out
    # The same report, but for the names of midox's own variables and the backend.
    expected = mido_out.replace("MIDO_DEFAULT", "MIDOX_DEFAULT").replace(
        "Using backend mido.backends.rtmidi.", "Using backend midox.backends.rtmidi/UNIX_JACK.")
    assert out == expected


# Errors: one line on stderr, status 1

def test_unknown_ports(start, closing, tmp_path):
    path = str(tmp_path / "song.mid")
    make_song(path, seconds_per_note=0.01)
    closing(JACK.open_input("in", client_name="midox-prog-err"))
    closing(JACK.open_output("out", virtual=True, client_name="midox-prog-err2"))
    portno = free_tcp_port()
    outputs = ", ".join(map(repr, JACK.get_output_names()))
    inputs = ", ".join(map(repr, JACK.get_input_names()))
    for program, args, line in [
        ("midox-play", ["-o", "no such port", path],
         f"midox-play: error: cannot open output port 'no such port': unknown port 'no such port'; "
         f"the ports are {outputs}"),
        ("midox-serve", [f"{LOCAL}:{portno}", "midox-prog-err:in", "nope"],
         f"midox-serve: error: cannot open output port 'nope': unknown port 'nope'; the ports are {outputs}"),
        ("midox-connect", [f"{LOCAL}:{portno}", "nope"],
         f"midox-connect: error: cannot open input port 'nope': unknown port 'nope'; the ports are {inputs}"),
    ]:
        assert run_program(start, program, *args) == (1, "", line + "\n"), program


@pytest.mark.parametrize("how", ["script", "module"])
def test_bad_addresses(start, closing, how):
    closing(JACK.open_input("in", client_name="midox-prog-addr"))
    for program, address, why in [
        ("midox-serve", "localhost", "address must contain exactly one colon"),
        ("midox-serve", f"{LOCAL}:0", "port number out of range"),
        ("midox-connect", f"{LOCAL}:http", "port number must be an integer"),
        ("midox-connect", "a:b:1", "address must contain exactly one colon"),
    ]:
        line = (f"{program}: error: bad address {address!r}: {why} "
                "(expected host:port, the port a number from 1 to 65535)\n")
        assert run_program(start, program, address, "midox-prog-addr:in", how=how) == (1, "", line)


def test_network_errors(start, closing):
    closing(JACK.open_input("in", client_name="midox-prog-net"))
    closing(JACK.open_output("out", virtual=True, client_name="midox-prog-net2"))
    with socket.socket() as taken:
        taken.bind((LOCAL, 0))
        taken.listen(1)
        address = f"{LOCAL}:{taken.getsockname()[1]}"
        assert run_program(start, "midox-serve", address, "midox-prog-net:in") == (
            1, "", f"midox-serve: error: cannot serve on {address!r}: Address already in use\n")
    nobody = f"{LOCAL}:{free_tcp_port()}"
    assert run_program(start, "midox-connect", nobody, "midox-prog-net2:out") == (
        1, "", f"midox-connect: error: cannot connect to {nobody!r}: Connection refused\n")


def test_unreadable_files(start, closing, tmp_path):
    closing(JACK.open_input("in", client_name="midox-prog-files"))
    missing = str(tmp_path / "missing.mid")
    garbage = tmp_path / "garbage.mid"
    garbage.write_bytes(b"not a MIDI file at all")
    with pytest.raises(OSError) as why:
        midox.MidiFile(str(garbage))
    async_song = midox.MidiFile(type=2)
    async_song.add_track("a").append(midox.Message("note_on"))
    async_song.save(str(tmp_path / "type2.mid"))
    good = str(tmp_path / "good.mid")
    make_song(good, seconds_per_note=0.01)
    for path, line in [
        (missing, f"cannot read {missing!r}: No such file or directory"),
        (str(tmp_path), f"cannot read {str(tmp_path)!r}: Is a directory"),
        (str(garbage), f"cannot read {str(garbage)!r}: {why.value}"),
        (str(tmp_path / "type2.mid"), f"cannot play {str(tmp_path / 'type2.mid')!r}: it is a type 2 file, "
                                      "whose tracks are independent songs that do not play together"),
    ]:
        # Files are all read before the port is opened: a bad one after a good one plays nothing.
        assert run_program(start, "midox-play", "-o", "midox-prog-files:in", good, path) == (
            1, "", f"midox-play: error: {line}\n")


def test_ports_with_an_unknown_backend(start):
    environ = program_environ(MIDOX_BACKEND="no_such_backend_module")
    assert run_program(start, "midox-ports", environ=environ) == (
        1, "", "midox-ports: error: cannot list the ports: unknown MIDI backend 'no_such_backend_module' (from "
               "MIDOX_BACKEND): no module of that name; midox's backends are rtmidi, portmidi, pygame, or give a "
               "module path\n")


def test_bad_arguments_are_usage_errors(start):
    status, out, err = run_program(start, "midox-play")
    assert (status, out) == (2, "")
    assert err.startswith("usage: midox-play ") and err.endswith(
        "midox-play: error: the following arguments are required: FILE\n")
    status, out, err = run_program(start, "midox-serve", f"{LOCAL}:1")
    assert (status, out) == (2, "")
    assert err.endswith("midox-serve: error: the following arguments are required: PORT\n")
