"""The command line programs of midox (mido's ``mido.scripts``), installed as console scripts.

- ``midox-play [-o PORT] [-m] [-q] FILE...``: play MIDI files on an output port.
- ``midox-ports``: list the input and output ports, the environment variables and the backend in use.
- ``midox-serve ADDRESS PORT...``: serve output ports over TCP; every message a client sends is sent to them.
- ``midox-connect ADDRESS PORT...``: forward every message from input ports to a ``midox-serve`` server.

Each module has ``main(argv=None)``, which returns the exit status: 0 when done, 1 after an error (one line
on stderr: ``midox-play: error: ...``), 2 for bad arguments (argparse), 130 after Ctrl-C (SIGINT), with the
ports closed. The backend is chosen as everywhere in midox: ``MIDOX_BACKEND``, else ``MIDO_BACKEND``, else
the first default backend that loads. ``python -m midox.scripts.midox_play`` etc. run them too.
"""
