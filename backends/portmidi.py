"""The PortMidi backend (mido's ``mido.backends.portmidi``): ALSA, CoreMIDI and Windows MM ports through PortMidi.

midox talks to PortMidi through its own compiled binding, ``midox.backends._portmidi``, which is built when
midox is installed on a machine with PortMidi (``libportmidi-dev`` on Debian and Ubuntu, ``portmidi`` in
Homebrew, MacPorts and vcpkg). Without it this module still imports, as mido's does, but ``load_error`` is set
and every function and port raises it (a ``BackendUnavailable``); the default backend search skips it.

Ports take these options besides the standard ones (others are ignored, as in mido):

- ``virtual``: create a port that other programs connect to. This needs PortMidi 2; a binding built against
  PortMidi 217 raises ``midox.backends.backend.VirtualPortsUnsupported``, both an OSError and a ValueError
  (what mido 1.3.3 raises for every virtual PortMidi port).
- ``buffer_size``: how many events PortMidi buffers (inputs: 1000, as in mido; input beyond it is lost and
  ``receive()`` raises OSError once).
- ``latency`` (outputs): milliseconds PortMidi delays each message by; 0 (mido's choice) sends at once.

As in mido: a port is found by its name and direction (the same name is usually both an input and an
output device); without a name the default device is opened and the port takes its name (here '' counts
as no name too: ``Input()`` opens the default device, where mido looks for a port named ''); the device
list is refreshed (PortMidi re-initialized) whenever ports are listed or opened while no port is open;
input ports do not receive active sensing (PortMidi filters it); ``open_ioport()`` pairs an Input with an
Output.

Differences from mido 1.3.3: each PortMidi event is unpacked to exactly its MIDI bytes, so sysex of any
length and real-time bytes inside sysex reach the parser intact (mido feeds all four bytes of every event,
and the unused zero bytes would be data to a parser that follows running status, as midox's does); a
blocked ``receive()`` and the callback dispatcher wait in C with the GIL released and without the port's
lock, instead of sleeping and polling in Python, and closing the port from another thread ends the wait at
once; a name that is not found gives an error listing the ports there are; ``get_devices()`` gives booleans
(mido: ints for ``is_input`` and ``is_output``) and also ``is_virtual``.
"""
from typing import Any

from .backend import BackendUnavailable, VirtualPortsUnsupported, quiet_c_libraries


class _MissingBinding:
    """Stands in for the binding when it was not built: the module imports (as mido's does without
    PortMidi), and the first use raises ``load_error``."""

    def __init__(self, error):
        self.error = error

    def __getattr__(self, name):
        raise self.error


try:
    from . import _portmidi
except ImportError as error:
    #: Why this backend cannot be used (a BackendUnavailable), or None. The backend registry skips the
    #: backend when it is set; every function and port raises it.
    load_error = BackendUnavailable(
        "the PortMidi backend needs midox's PortMidi binding (midox.backends._portmidi), which is built only "
        "when PortMidi is installed: install PortMidi (libportmidi-dev on Debian and Ubuntu, portmidi in Homebrew, "
        f"MacPorts or vcpkg), then reinstall midox ({error})",
        name=__name__,
        reason="midox was built without its PortMidi binding",
    )
    load_error.__cause__ = error
    _portmidi = _MissingBinding(load_error)
else:
    load_error = None
    quiet_c_libraries()

from .. import ports
from ._devices import find_device

__all__ = ["Input", "Output", "PortCommon", "get_devices"]

# How long a blocked receive() (or the callback dispatcher) waits at most before it looks at the port again:
# arriving input and close() end the wait at once; this only bounds how late it notices a callback being
# set or cleared by another thread.
_WAIT_SLICE = 0.05

# How many reads one _receive() makes at most (each takes up to 1024 events), so that a flood of input
# cannot keep receive() from returning.
_MAX_READS = 16


def _device(info):
    return {
        "id": info["id"],
        "interface": info["interface"],
        "name": info["name"],
        "is_input": info["is_input"],
        "is_output": info["is_output"],
        "opened": info["opened"],
        "is_virtual": info["is_virtual"],
    }


def get_devices(**kwargs: Any) -> list[dict[str, Any]]:
    """Return the PortMidi devices as dicts, in PortMidi's order.

    Each has ``id``, ``interface`` (``'ALSA'``, ``'CoreMIDI'``, ``'MMSystem'``), ``name``, ``is_input``,
    ``is_output``, ``opened`` and ``is_virtual``. The list is refreshed first if no port is open. Keyword
    arguments are accepted and ignored, as in mido.
    """
    _portmidi.refresh()
    return [_device(info) for info in _portmidi.get_devices()]


def _find_device(name, is_input):
    """Return the device dict to open (see _devices.find_device); the list is refreshed first if no port is
    open, as in mido."""
    devices = get_devices()     # first: it initializes (or refreshes) the library
    default_id = _portmidi.default_input_id() if is_input else _portmidi.default_output_id()
    return find_device(devices, name, is_input, default_id, "PortMidi")


class PortCommon:
    """What PortMidi inputs and outputs share: opening a device by name, and closing it."""

    _stream = None

    def _open(self, virtual=False, callback=None, buffer_size=None, latency=0, **kwargs):
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable or None")
        is_input = self.is_input
        if virtual:
            stream = self._open_virtual(is_input, buffer_size, latency)
            info = _portmidi.get_device_info(stream.device_id)
            interface = info["interface"] if info is not None else "virtual"
        else:
            # No name (None, or the '' of Input() and Output()) means the default device.
            device = _find_device(self.name, is_input)
            if not self.name:
                self.name = device["name"]
            if device["opened"]:
                raise OSError(f"{'input' if is_input else 'output'} port {self.name!r} is already open")
            interface = device["interface"]
            if is_input:
                stream = _portmidi.open_input(device["id"], _input_buffer_size(buffer_size))
            else:
                stream = _portmidi.open_output(device["id"], buffer_size or 0, latency)
        self._stream = stream
        self._device_type = f"PortMidi/{interface}"
        if is_input and callback is not None:
            # Starts the dispatcher when the port is open (BaseInput.__init__ does that after _open()).
            self.callback = callback

    def _open_virtual(self, is_input, buffer_size, latency):
        # Without virtual ports (PortMidi 217) the binding's error below comes first, whatever the name.
        if _portmidi.HAS_VIRTUAL and (not isinstance(self.name, str) or not self.name):
            raise ValueError("a virtual PortMidi port needs a name")
        try:
            if is_input:
                return _portmidi.open_virtual_input(self.name, buffer_size=_input_buffer_size(buffer_size))
            return _portmidi.open_virtual_output(self.name, buffer_size=buffer_size or 0, latency=latency)
        except _portmidi.PortMidiError as error:
            if _portmidi.HAS_VIRTUAL:
                raise
            # A binding built against PortMidi 217: its error, as the class mido's users catch.
            raise VirtualPortsUnsupported(*error.args) from None

    def _close(self):
        stream = self._stream
        if stream is not None:
            stream.close()


def _input_buffer_size(buffer_size):
    return _portmidi.DEFAULT_INPUT_BUFFER_SIZE if buffer_size is None else buffer_size


class Input(PortCommon, ports.BaseInput):
    """A PortMidi input port.

    PortMidi has neither a blocking read nor callbacks. ``receive()`` and the callback dispatcher of
    ``midox.ports.BaseInput`` wait for input by polling the device in C, with the GIL released and without
    the port's lock, every half millisecond; closing the port ends the wait at once.
    """

    def _receive(self, block=True):
        # Everything PortMidi has now (never waits: receive() calls _wait_for_input() between attempts).
        stream = self._stream
        feed = self._parser.feed
        for _ in range(_MAX_READS):
            data = stream.read()
            if not data:
                return None
            feed(data)
        return None

    def _wait_for_input(self):
        stream = self._stream
        if stream is None or stream.closed:
            ports.sleep()
        else:
            stream.wait(_WAIT_SLICE)

    def close(self):
        stream = self._stream
        if stream is not None:
            # Wake the dispatcher and blocked receivers now: they find the port closed.
            stream.interrupt()
        super().close()


class Output(PortCommon, ports.BaseOutput):
    """A PortMidi output port. Messages are sent at once (latency 0, as in mido) unless ``latency`` is given."""

    def _send(self, message):
        self._stream.write(message.bin())
