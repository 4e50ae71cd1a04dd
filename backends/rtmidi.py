"""The python-rtmidi backend (mido's ``mido.backends.rtmidi``): ALSA, JACK, CoreMIDI and Windows MM ports.

Ports take these options besides the standard ones:

- ``api``: the RtMidi API by name (``'LINUX_ALSA'``, ``'UNIX_JACK'``, ...; see ``get_api_names()``), also
  given as a backend suffix (``midox.backends.rtmidi/UNIX_JACK``). Without one, RtMidi's default API is
  used, and when that is ALSA and the ALSA sequencer cannot be opened (no ``/dev/snd/seq``, as in many
  containers) JACK is used instead.
- ``client_name``: the name of the MIDI client the port belongs to. As in mido, giving it makes the port
  virtual.
- ``virtual``: create a port that other programs connect to, instead of opening an existing one.
- ``timestamps`` (inputs): set each received message's ``time`` to the seconds since the message before it,
  as measured by the MIDI system (RtMidi's delta time); without it ``time`` is 0, as in mido.

Differences from mido 1.3.3 (docs/differences.md, difference 11): ``receive()`` refuses to run while a callback is
set and raises once the port is closed; ``send()`` checks the message type and whether the port is closed; every byte
RtMidi delivers goes through midox's parser, so a chunk holding several messages gives all of them (mido keeps
none); ``close()`` frees the RtMidi client at once, and a callback is never called after ``close()`` returns;
a JACK output waits 0.1 s after opening and before closing (after the last send), so that JACK's cycles take
what is sent at once after opening or just before closing.
No Python code runs on RtMidi's threads (see ``Input``): closing an input while messages arrive cannot
deadlock, and a burst sent through JACK by the same process goes through at once, where mido's stalls
until JACK's client timeout (seconds). The price is that a blocked ``receive()`` and the callback
dispatcher look at RtMidi's queue every ``get_sleep_time()`` seconds (1 ms unless set otherwise).

As in mido, input ports ignore active sensing (send it freely); inputs and outputs are separate RtMidi
clients, so ``open_ioport()`` pairs an Input with an Output.
"""
import threading
import time
from typing import Any

from .backend import BackendUnavailable, quiet_c_libraries

try:
    import rtmidi
except ImportError as error:
    raise BackendUnavailable(
        f"python-rtmidi is not installed ({error}): pip install 'midox[rtmidi]'", name="rtmidi",
        reason="python-rtmidi is not installed") from error
quiet_c_libraries()

from .. import ports
from ..parser import Parser
from .rtmidi_utils import expand_alsa_port_name

__all__ = ["Input", "Output", "get_api_names", "get_devices"]

# API names without the 'API_' prefix, both ways: 'UNIX_JACK' <-> rtmidi.API_UNIX_JACK.
_API_BY_NAME = {name[4:]: getattr(rtmidi, name) for name in dir(rtmidi) if name.startswith("API_")}
_NAME_BY_API = {api: name for name, api in _API_BY_NAME.items()}

# How many messages RtMidi keeps for an input port until receive() or the callback dispatcher takes them
# (about 32 bytes each); RtMidi drops messages beyond it. Taken every millisecond by default, this is more
# than a second of a saturated port.
_QUEUE_SIZE = 16384

# JACK moves what a client sends once per process cycle, and RtMidi's output is not in step with the cycles at
# either end: jack_connect() takes effect from a later cycle, so what is sent at once after opening reaches an
# unconnected port; and closing may unregister the port before a cycle has taken the last messages sent. Both
# lost 33 messages of midox-play under load (and messages sent at once to a newly opened input, midox-connect's
# test under load). So opening a JACK port that connects (input or output) waits this long, and closing an output
# waits until this long after the last send: a few cycles of any usual period (JACK's period is not known here).
_JACK_SETTLE = 0.1

# The API used when none is named: resolved on first use (see _default_api()).
_default = {}
_default_lock = threading.Lock()


def get_api_names() -> list[str]:
    """Return the names of the APIs this python-rtmidi was compiled with, like ``['LINUX_ALSA', 'UNIX_JACK']``."""
    return [_NAME_BY_API[api] for api in rtmidi.get_compiled_api()]


def _api_number(name):
    """Return RtMidi's number for an API name; ValueError names what is wrong."""
    try:
        api = _API_BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown API {name!r}; known APIs: {', '.join(sorted(_API_BY_NAME))}") from None
    if api not in rtmidi.get_compiled_api():
        raise ValueError(f"API {name} not compiled in; this python-rtmidi has {', '.join(get_api_names())}")
    return api


def _default_api(client_class):
    """Return the API to use when none is named: RtMidi's default, or JACK when ALSA cannot be opened.

    Decided once per process, by opening a client: RtMidi picks ALSA on Linux even where the ALSA sequencer
    does not exist, and then every port would fail.
    """
    with _default_lock:
        if "api" not in _default:
            try:
                probe = client_class(rtmidi.API_UNSPECIFIED)
            except rtmidi.SystemError as error:
                if rtmidi.API_UNIX_JACK not in rtmidi.get_compiled_api():
                    raise OSError(f"no MIDI system could be opened: {error}") from error
                _default["api"] = rtmidi.API_UNIX_JACK
                _default["why"] = str(error)
            else:
                _default["api"] = probe.get_current_api()
                probe.delete()
        return _default["api"]


def _api_to_use(client_class, api):
    """Return RtMidi's number for the named API, or for the default one when *api* is None."""
    return _api_number(api) if api else _default_api(client_class)


def _make_client(client_class, number, client_name, **options):
    """Create an RtMidi client of an API (by number) and return it; OSError says why it cannot be made."""
    if client_name is not None:
        options["name"] = client_name
    try:
        return client_class(rtapi=number, **options)
    except rtmidi.SystemError as error:
        if "why" in _default and number == _default["api"]:
            raise OSError(f"no MIDI system could be opened: ALSA: {_default['why']}; JACK: {error}") from error
        raise OSError(str(error)) from error


def get_devices(api: str | None = None, **kwargs: Any) -> list[dict[str, Any]]:
    """Return a dict (name, is_input, is_output) for every port of the API, inputs first, each name once."""
    rt_in = _make_client(rtmidi.MidiIn, _api_to_use(rtmidi.MidiIn, api), None)
    try:
        rt_out = _make_client(rtmidi.MidiOut, _api_to_use(rtmidi.MidiOut, api), None)
    except BaseException:
        rt_in.delete()
        raise
    try:
        input_names = rt_in.get_ports()
        output_names = rt_out.get_ports()
    finally:
        rt_in.delete()
        rt_out.delete()
    devices = {}
    for name in input_names + output_names:
        if name not in devices:
            devices[name] = {"name": name, "is_input": name in input_names, "is_output": name in output_names}
    return list(devices.values())


def _open_port(rt, name, virtual, client_name, api_name):
    """Open the named (or first) port of an RtMidi client, or a virtual one; return the port's name."""
    if client_name is not None:
        virtual = True  # as in mido
    if virtual:
        if name is None:
            raise OSError("virtual port must have a name")
        rt.open_virtual_port(name)
        return name

    port_names = rt.get_ports()
    if api_name == "LINUX_ALSA":
        name = expand_alsa_port_name(port_names, name)
    if not port_names:
        raise OSError("no ports available")
    if name is None:
        index = 0
    elif name in port_names:
        index = port_names.index(name)
    else:
        raise OSError(f"unknown port {name!r}; the ports are {', '.join(map(repr, port_names))}")
    try:
        rt.open_port(index)
    except rtmidi.RtMidiError as error:
        raise OSError(*error.args) from error
    return port_names[index]


class _RtMidiPort:
    """What inputs and outputs share: the client, its API and freeing it on close."""

    _rt = None

    def _open_client(self, client_class, number, client_name, virtual, **options):
        rt = _make_client(client_class, number, client_name, **options)
        try:
            self.api = _NAME_BY_API[rt.get_current_api()]
            self._device_type = f"RtMidi/{self.api}"
            self.name = _open_port(rt, self.name, virtual, client_name, self.api)
        except BaseException:
            rt.delete()
            raise
        return rt

    @staticmethod
    def _free_client(rt):
        if rt is not None:
            rt.close_port()
            rt.delete()     # frees the client now (garbage collection may come much later, or never)


class Input(_RtMidiPort, ports.BaseInput):
    """An RtMidi input port.

    No Python code ever runs on RtMidi's own threads: RtMidi keeps what arrives in its queue, and receive()
    and the callback dispatcher take it from there, waiting get_sleep_time() seconds between looks. A
    Python callback on RtMidi's thread (mido's design) needs the GIL for every message, and that cannot be
    made safe: closing the port joins RtMidi's thread while holding the GIL, so a message arriving at that
    moment deadlocks the program; a busy program starves the thread until the ALSA buffer overflows; and
    JACK's process cycle waits for it, stalling every JACK client (for seconds, when the same program is
    blocked sending through JACK).
    """

    def _open(self, client_name=None, virtual=False, api=None, callback=None, timestamps=False, **kwargs):
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable or None")
        self._timestamps = bool(timestamps)
        self._chunk_parser = Parser()
        self._rt = self._open_client(rtmidi.MidiIn, _api_to_use(rtmidi.MidiIn, api), client_name, virtual,
                                     queue_size_limit=_QUEUE_SIZE)
        self._rt.ignore_types(sysex=False, timing=False, active_sense=True)
        if self.api == "UNIX_JACK" and not virtual:
            time.sleep(_JACK_SETTLE)
        if callback is not None:
            self.callback = callback

    def _receive(self, block=True):
        # Everything RtMidi has queued, each chunk through the parser; receive() waits and comes again if
        # there was nothing.
        queue = self._chunk_parser.messages
        while (event := self._rt.get_message()) is not None:
            data, delta = event
            self._chunk_parser.feed(data)
            while queue:
                message = queue.popleft()
                if self._timestamps:
                    message.time = delta
                    delta = 0.0     # further messages of the same chunk came at the same time
                self._messages.append(message)

    def _close(self):
        rt, self._rt = self._rt, None
        self._free_client(rt)


class Output(_RtMidiPort, ports.BaseOutput):
    """An RtMidi output port."""

    _sent_at = float('-inf')        # time.monotonic() of the last send

    def _open(self, client_name=None, virtual=False, api=None, **kwargs):
        self._rt = self._open_client(rtmidi.MidiOut, _api_to_use(rtmidi.MidiOut, api), client_name, virtual)
        if self.api == "UNIX_JACK" and not (virtual or client_name is not None):
            time.sleep(_JACK_SETTLE)

    def _send(self, message):
        self._rt.send_message(message.bin())
        self._sent_at = time.monotonic()

    def _close(self):
        rt, self._rt = self._rt, None
        if getattr(self, "api", None) == "UNIX_JACK":      # no api: opening failed
            time.sleep(max(0.0, self._sent_at + _JACK_SETTLE - time.monotonic()))
        self._free_client(rt)
