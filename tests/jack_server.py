"""A real JACK server for tests and benchmarks: jackd (Debian's jackd2) with the dummy driver.

The dummy driver needs no sound hardware. The server runs with --sync: in asynchronous mode a busy machine
makes JACK drop MIDI events. Each server gets its own name, so it never meets a JACK server of the user's.

Tests use the session fixture ``jack_server`` (conftest.py); benchmarks use ``JackServer`` directly.
"""
import os
import shutil
import subprocess
import uuid

SAMPLE_RATE = 48000
PERIOD = 256    # frames per JACK cycle: 5.3 ms at 48 kHz


class JackServer:
    """Start ``jackd --sync -d dummy`` under a private name, and point JACK clients of this process at it."""

    def __init__(self, sample_rate=SAMPLE_RATE, period=PERIOD, realtime=False):
        self.sample_rate = sample_rate
        self.period = period
        # Real-time scheduling needs privileges a CI container may lack; benchmarks ask for it.
        self.realtime = realtime
        self.name = f"midox-test-{uuid.uuid4().hex[:8]}"
        self.process = None
        self._saved_environ = {}

    @property
    def period_seconds(self):
        """The length of one JACK cycle in seconds."""
        return self.period / self.sample_rate

    def start(self, timeout=15.0):
        jackd = shutil.which("jackd")
        if jackd is None:
            raise RuntimeError("jackd is not installed (Debian: apt-get install jackd2); "
                               "bash tools/test.sh installs it")
        environ = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1", JACK_NO_START_SERVER="1")
        self.process = subprocess.Popen(
            [jackd, "--sync", "--realtime" if self.realtime else "--no-realtime", "-n", self.name,
             "-d", "dummy", "-r", str(self.sample_rate), "-p", str(self.period)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environ)
        for key, value in (("JACK_DEFAULT_SERVER", self.name), ("JACK_NO_START_SERVER", "1"),
                           ("JACK_NO_AUDIO_RESERVATION", "1")):
            self._saved_environ[key] = os.environ.get(key)
            os.environ[key] = value
        waited = subprocess.run(["jack_wait", "--server", self.name, "--wait", "--timeout", str(int(timeout))],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environ)
        if waited.returncode != 0 or self.process.poll() is not None:
            output = self.stop()
            raise RuntimeError(f"jackd did not start: {waited.stdout.decode(errors='replace')}\n{output}")
        return self

    def stop(self):
        """Stop the server, restore the environment and return what jackd printed."""
        for key, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_environ.clear()
        output = ""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            output = self.process.stdout.read().decode(errors="replace")
            self.process.stdout.close()
            self.process = None
        return output

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()
