#!/usr/bin/env python
"""Time midox's ports against mido's on the same paths: latency through a real JACK server, and the
throughput of socket ports over TCP on 127.0.0.1.

    python benchmarks/bench_ports.py                  # about a minute
    python benchmarks/bench_ports.py --quick          # fewer samples (~15 s)
    python benchmarks/bench_ports.py --json out.json  # also write the results as JSON

JACK latency: a JACK server (Debian's jackd2) runs with the dummy driver and --sync under a private name
(the tests' tests/jack_server.py). Each library opens, with its rtmidi backend and the UNIX_JACK API, a
virtual input and an output connected to it. One sample is the time from send() to the moment blocking
receive() returns the same message; before each send the script sleeps a random fraction of a JACK period,
so the samples spread over the cycle. JACK moves MIDI once per period, so about half a period to one period
is the floor; the table gives the median and the 99th percentile, in milliseconds and in periods. The two
libraries alternate in blocks of samples.

Socket throughput: each library's PortServer accepts a connection from a peer process, and the port that
accept() gives is timed. Receiving: the peer writes a mixed stream of channel messages, one write() per
message as a port sends them, and the port takes them with blocking receive(); received messages are
compared with those sent. Sending: the port sends the same stream with send() to a peer that reads and
discards. Messages per second, best of three runs.

The exit status is 0 whatever the numbers are; a library that loses or changes a message stops the script
with an AssertionError.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

import mido  # noqa: E402
import mido.sockets  # noqa: E402
from benchtools import cpu_model, package_version, print_columns  # noqa: E402
from jack_server import JackServer  # noqa: E402  (shared with the tests: one way to start jackd)

import midox  # noqa: E402
import midox.sockets  # noqa: E402

LIBRARIES = {"mido": mido, "midox": midox}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# JACK latency

def open_loop(library, client):
    backend = library.Backend(f"{library.__name__}.backends.rtmidi/UNIX_JACK")
    port_in = backend.open_input("in", client_name=client)
    port_out = backend.open_output(f"{client}:in")
    return port_in, port_out


def latency_block(library, ports, count, period):
    port_in, port_out = ports
    samples = []
    for index in range(count):
        message = library.Message("note_on", note=index % 128, velocity=64)
        time.sleep(random.uniform(0, period))
        start = time.perf_counter()
        port_out.send(message)
        received = port_in.receive()
        samples.append(time.perf_counter() - start)
        assert received == message, (library.__name__, received, message)
    return samples


def bench_jack(samples, block=50):
    with JackServer(realtime=True) as server:
        period = server.period_seconds
        loops = {name: open_loop(library, f"bench-{name}") for name, library in LIBRARIES.items()}
        try:
            for name, library in LIBRARIES.items():
                latency_block(library, loops[name], 20, period)     # warm up
            results = {name: [] for name in LIBRARIES}
            while len(results["midox"]) < samples:
                for name, library in LIBRARIES.items():
                    results[name] += latency_block(library, loops[name], block, period)
        finally:
            for port_in, port_out in loops.values():
                port_out.close()
                port_in.close()
    report = {"period_ms": period * 1e3, "sample_rate": server.sample_rate, "frames": server.period}
    for name, values in results.items():
        report[name] = {"samples": len(values), "median_ms": statistics.median(values) * 1e3,
                        "p99_ms": percentile(values, 0.99) * 1e3}
    return report


# Socket throughput

def traffic(library, count):
    kinds = [lambda i: library.Message("note_on", channel=i % 16, note=i % 128, velocity=(i * 7) % 128),
             lambda i: library.Message("control_change", channel=i % 16, control=i % 120, value=i % 128),
             lambda i: library.Message("pitchwheel", pitch=(i * 37) % 16384 - 8192),
             lambda i: library.Message("program_change", program=i % 128)]
    return [kinds[i % len(kinds)](i) for i in range(count)]


# The peer process: sends the messages' bytes given on stdin, one write() each (as a port does), and reads
# and discards the bytes it is told to expect.
PEER = """
import socket, sys
role, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = sys.stdin.buffer.read()     # each message's bytes after a byte giving their number
chunks, offset = [], 0
while offset < len(data):
    chunks.append(data[offset + 1:offset + 1 + data[offset]])
    offset += 1 + data[offset]
sock = socket.create_connection(("127.0.0.1", port))     # ready: the port's time starts at accept()
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for chunk in chunks:
    sock.sendall(chunk)
while size > 0:     # the bytes expected (mido's close() leaves the socket open, so no EOF comes)
    size -= len(sock.recv(1 << 16)) or size
sock.close()
"""


def _peer(role, server, stdin=b"", size=0):
    port = server._socket.getsockname()[1]      # mido's PortServer has no .address
    process = subprocess.Popen([sys.executable, "-c", PEER, role, str(port), str(size)], stdin=subprocess.PIPE)
    process.stdin.write(stdin)
    process.stdin.close()
    return process, server.accept()


def receive_rate(library, count):
    """Messages per second a library's socket port receives from a peer process sending one write each."""
    messages = traffic(library, count)
    server = library.sockets.PortServer("127.0.0.1", 0)
    encoded = b"".join(bytes([len(message.bin())]) + bytes(message.bin()) for message in messages)
    process, port = _peer("send", server, encoded)
    start = time.perf_counter()
    received = [port.receive() for _ in range(count)]
    elapsed = time.perf_counter() - start
    process.wait()
    port.close()
    server.close()
    assert received == messages, f"{library.__name__} changed or lost messages"
    return count / elapsed


def send_rate(library, count):
    """Messages per second a library's socket port sends to a peer process that reads and discards."""
    messages = traffic(library, count)
    server = library.sockets.PortServer("127.0.0.1", 0)
    process, port = _peer("receive", server, size=sum(len(message.bin()) for message in messages))
    start = time.perf_counter()
    for message in messages:
        port.send(message)
    elapsed = time.perf_counter() - start
    port.close()
    process.wait()
    server.close()
    return count / elapsed


def bench_sockets(counts, rounds):
    results = {name: {"messages": counts[name], "receive_per_second": 0.0, "send_per_second": 0.0}
               for name in LIBRARIES}
    for _ in range(rounds):
        for name, library in LIBRARIES.items():
            row = results[name]
            row["receive_per_second"] = max(row["receive_per_second"], receive_rate(library, counts[name]))
            row["send_per_second"] = max(row["send_per_second"], send_rate(library, counts[name]))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and messages: a smoke test")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)

    print(f"Python {sys.version.split()[0]}, midox {package_version(midox, 'midox')}, "
          f"mido {package_version(mido, 'mido')}, python-rtmidi {package_version(None, 'python-rtmidi')}, "
          f"{cpu_model()}")
    jack = bench_jack(200 if args.quick else 1000)
    counts = {"mido": 5_000, "midox": 50_000} if args.quick else {"mido": 20_000, "midox": 200_000}
    sockets = bench_sockets(counts, 1 if args.quick else 3)

    period = jack["period_ms"]
    print(f"\nJACK round trip, send() to receive(), dummy driver {jack['frames']} frames at "
          f"{jack['sample_rate']} Hz: one period is {period:.2f} ms")
    lines = []
    for name in LIBRARIES:
        row = jack[name]
        lines.append([name, str(row["samples"]), f"{row['median_ms']:.2f}", f"{row['median_ms'] / period:.2f}",
                      f"{row['p99_ms']:.2f}", f"{row['p99_ms'] / period:.2f}"])
    print_columns(["library", "samples", "median ms", "periods", "p99 ms", "periods"], lines, right={1, 2, 3, 4, 5})
    print(f"mido/midox: median {jack['mido']['median_ms'] / jack['midox']['median_ms']:.2f}x, "
          f"p99 {jack['mido']['p99_ms'] / jack['midox']['p99_ms']:.2f}x (above 1: midox is faster)")

    print("\nSocket ports on 127.0.0.1, the peer another process (one write per message, or a reader)")
    lines = [[name, f"{sockets[name]['messages']:,}", f"{sockets[name]['receive_per_second']:,.0f}",
              f"{sockets[name]['send_per_second']:,.0f}"] for name in LIBRARIES]
    print_columns(["library", "messages", "receive() per s", "send() per s"], lines, right={1, 2, 3})
    ratios = {key: sockets["midox"][key] / sockets["mido"][key] for key in ("receive_per_second", "send_per_second")}
    print(f"midox/mido: receive {ratios['receive_per_second']:.1f}x, send {ratios['send_per_second']:.1f}x")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"jack": jack, "sockets": sockets}, out, indent=2)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
