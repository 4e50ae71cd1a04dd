"""The pygame backend (mido's ``mido.backends.pygame``): ports through ``pygame.midi``, which wraps PortMidi.

A fallback for machines where pygame is installed but neither python-rtmidi nor midox's own PortMidi binding is
(pygame wheels bundle PortMidi). Without pygame, importing this module raises ``BackendUnavailable``. pygame's
"Hello from the pygame community" banner is not printed when this module is the first to import pygame.

As in mido: ports are PortMidi devices, found by name and direction; no name means the default device, and the
port takes its name; ``pygame.midi.init()`` is called on first use (once, also with several threads); the device
list is the one PortMidi read when it started; input ports do not receive active sensing (PortMidi filters it);
sysex is sent with ``write_sys_ex()``; ``open_ioport()`` pairs an Input with an Output. Options other than the
standard ones are ignored.

Differences from mido 1.3.3:

- Each PortMidi event is unpacked to exactly its MIDI bytes before it is parsed: mido feeds all four bytes of
  every event, and its parser drops the unused zero bytes, but midox's parser follows running status, to which
  they would be more messages. Sysex words, with any real-time bytes PortMidi packed into them, go through
  whole. Every pending event is read at once (mido reads one at a time).
- A closed port's device can be opened again. pygame.midi cannot close a device (in pygame 2.6 ``close()``
  leaves the PortMidi stream open until ``pygame.midi.quit()``), so mido's ports cannot be opened a second time
  ("port already opened"). midox keeps the stream of a closed port and hands it to the next port opened on the
  device (``get_devices()`` shows the device as not opened), and when no port is left open, and no other code
  has a PortMidi stream open, it restarts PortMidi (``pygame.midi.quit()``, ``pygame.midi.init()``), which closes
  the streams for good and reads the device list again. (Do not call ``pygame.midi.quit()`` yourself while ports
  are open.)
- Input ports take a callback (mido raises ValueError); it runs on the dispatcher thread of
  ``midox.ports.BaseInput``. ``Input()`` with the name ``''`` opens the default device, as ``None`` does.
- A virtual port raises an error that is both an OSError and a ValueError (mido: ValueError). A name that is not
  found gives an OSError that lists the ports there are; errors of ``pygame.midi`` become OSError.
- ``get_devices()`` gives ``interface`` as a str (``'ALSA'``; mido leaves it bytes, and its ports' repr then
  shows ``Pygame/b'ALSA'``) and ``is_input``, ``is_output``, ``opened`` as booleans (mido: ints).
"""
import contextlib
import os
import threading
import time
from typing import Any

from .backend import BackendUnavailable, VirtualPortsUnsupported, quiet_c_libraries


def _import_pygame_midi():
    # pygame prints a banner when first imported unless PYGAME_HIDE_SUPPORT_PROMPT is set: set it for the import
    # only, so that the user's environment (and their own later imports of pygame) stay as they were.
    hide = "PYGAME_HIDE_SUPPORT_PROMPT"
    added = hide not in os.environ
    if added:
        os.environ[hide] = "1"
    try:
        import pygame.midi
    finally:
        if added:
            os.environ.pop(hide, None)
    return pygame.midi


try:
    midi = _import_pygame_midi()
except ImportError as error:
    raise BackendUnavailable(
        f"pygame is not installed ({error}): pip install 'midox[pygame]'", name=__name__,
        reason="pygame is not installed") from error
quiet_c_libraries()

from .. import ports
from ._devices import find_device
from .._core import _pmevents

__all__ = ["Input", "Output", "PortCommon", "get_devices"]

# How many events one _receive() reads at most (pygame reads up to 1024 per call), so that a flood of input
# cannot keep receive() from returning.
_MAX_EVENTS = 1024 * 16

# Guards initializing pygame.midi, opening devices and the idle streams below.
_lock = threading.RLock()

# pygame.midi cannot close a PortMidi stream: in pygame 2.6 Input.close() and Output.close() only forget it,
# and PortMidi keeps the device open until pygame.midi.quit() (pygame.pypm's Close() tests a module flag that
# its Initialize() never sets, so Pm_Close() is never called). So a closed port leaves its pygame.midi object
# here, by device id, and the next port opened on that device takes it over; once every stream PortMidi has
# open is one of these, _free_idle() closes them all by restarting PortMidi.
_idle = {}
# Whether a thread empties the idle input streams (see _drain_idle_inputs).
_draining = False


def _init():
    """Initialize pygame.midi (PortMidi) once; safe to call from several threads."""
    with _lock:
        if not midi.get_init():
            midi.init()


@contextlib.contextmanager
def _midi_errors(what):
    """Turn the errors of pygame.midi into OSError: its MidiException, and the plain Exception its PortMidi layer
    (pygame.pypm) raises with PortMidi's error text."""
    try:
        yield
    except Exception as error:
        if isinstance(error, midi.MidiException):
            reason = error.parameter    # its str() is the repr() of this
        elif type(error) is Exception or isinstance(error, RuntimeError):
            # pypm raises Exception with PortMidi's error text; RuntimeError: pygame.midi.quit() was called.
            reason = error.args[0] if len(error.args) == 1 else str(error)
        else:
            raise
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise OSError(f"{what}: {reason}") from error


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _device(device_id):
    interface, name, is_input, is_output, opened = midi.get_device_info(device_id)
    return {
        "interface": _text(interface),
        "name": _text(name),
        "is_input": bool(is_input),
        "is_output": bool(is_output),
        "opened": bool(opened) and device_id not in _idle,   # an idle stream is free to take
        "id": device_id,
    }


def get_devices(**kwargs: Any) -> list[dict[str, Any]]:
    """Return the PortMidi devices of pygame.midi as dicts, in PortMidi's order.

    Each has ``interface`` (``'ALSA'``, ``'CoreMIDI'``, ``'MMSystem'``), ``name``, ``is_input``, ``is_output``,
    ``opened`` and ``id``. Keyword arguments are accepted and ignored, as in mido.
    """
    with _lock:
        _init()
        return [_device(device_id) for device_id in range(midi.get_count())]


def _find_device(name, is_input):
    """Return the device to open (see _devices.find_device), with mido's pygame wording for a name not found."""
    devices = get_devices()     # first: it initializes (or refreshes) the library
    default_id = midi.get_default_input_id() if is_input else midi.get_default_output_id()
    return find_device(devices, name, is_input, default_id, "pygame.midi", unknown="unknown port: {name!r}")


class PortCommon:
    """What pygame inputs and outputs share: opening a device by name, and closing it."""

    _port = None

    def _open(self, virtual=False, callback=None, **kwargs):
        if virtual:
            raise VirtualPortsUnsupported("virtual ports are not supported by the Pygame backend")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable or None")
        with _lock:
            device = _find_device(self.name, self.is_input)
            if not self.name:
                self.name = device["name"]
            if device["opened"]:
                raise OSError(f"{'input' if self.is_input else 'output'} port {self.name!r} is already open")
            self._device_id = device_id = device["id"]
            port = _idle.pop(device_id, None)
            if port is not None and not midi.get_device_info(device_id)[4]:
                port = None     # pygame.midi was quit and initialized again since: the stream is gone
            if port is None:
                with _midi_errors(f"cannot open {self.name!r}"):
                    port = (midi.Input if self.is_input else midi.Output)(device_id)
            elif self.is_input:
                _discard_input(port)    # what arrived while no port had the device open is not for this one
            self._port = port
        self._device_type = f"Pygame/{device['interface']}"
        if self.is_input and callback is not None:
            # BaseInput.__init__ starts the dispatcher once the port is open.
            self.callback = callback

    def _close(self):
        global _draining
        port, self._port = self._port, None
        # Kept for the next port on this device (see _idle); after pygame.midi.quit() (at exit, or by the user)
        # PortMidi has closed it.
        if port is not None and midi.get_init():
            with _lock:
                _idle[self._device_id] = port
                _free_idle()
                if self.is_input and _idle and not _draining:
                    _draining = True
                    threading.Thread(target=_drain_idle_inputs, name="midox pygame idle inputs",
                                     daemon=True).start()


def _drain_idle_inputs():
    """Read and drop what arrives on idle input streams while there are any. An idle stream is still connected
    to its device: if nobody read it, the ALSA sequencer would fill its input buffer and then refuse further
    events from the device's senders."""
    global _draining
    while True:
        with _lock:
            inputs = [port for port in _idle.values() if isinstance(port, midi.Input)]
            if not inputs or not midi.get_init():
                _draining = False
                return
            for port in inputs:
                _discard_input(port)
        time.sleep(0.01)


def _discard_input(port):
    """Read and drop whatever a pygame.midi.Input has; its errors (an overflow, say) go with it."""
    try:
        while port.poll():
            port.read(1024)
    except Exception:
        pass


def _free_idle():
    """Close the idle streams if they are all PortMidi has open (no port of this module and nobody else uses
    PortMidi streams): pygame.midi.quit() closes them, and pygame.midi.init() starts PortMidi again at once (with
    a fresh device list), as the program may use pygame.midi itself. Called with _lock held."""
    if not _idle:
        return
    for device_id in range(midi.get_count()):
        if midi.get_device_info(device_id)[4] and device_id not in _idle:
            return      # a stream that is not idle: a port of ours, or someone else's
    for port in _idle.values():
        port.close()    # closes the stream where pygame can
    _idle.clear()
    midi.quit()
    midi.init()


def _unpack(events, in_sysex=False):
    """Return the MIDI bytes of pygame.midi events and whether a sysex message is still in progress.

    An event is ``[[status, data1, data2, data3], timestamp]``: the four bytes of PortMidi's event word, low byte
    first, which midox._core._pmevents unpacks (see there).
    """
    return _pmevents.unpack([int.from_bytes(bytes(data), "little") for data, _timestamp in events], in_sysex)


class Input(PortCommon, ports.BaseInput):
    """A pygame.midi input port. pygame cannot wait for input: receive() and callbacks poll, every
    ``midox.ports.get_sleep_time()`` seconds."""

    _in_sysex = False

    def _receive(self, block=True):
        port = self._port
        read = 0
        with _midi_errors(f"reading {self.name!r} failed"):
            while read < _MAX_EVENTS and port.poll():
                events = port.read(1024)
                if not events:
                    break
                read += len(events)
                data, self._in_sysex = _unpack(events, self._in_sysex)
                self._parser.feed(data)


class Output(PortCommon, ports.BaseOutput):
    """A pygame.midi output port; messages are sent at once."""

    def _send(self, message):
        with _midi_errors(f"sending to {self.name!r} failed"):
            if message.type == "sysex":
                self._port.write_sys_ex(midi.time(), bytes(message.bin()))
            else:
                self._port.write_short(*message.bytes())
