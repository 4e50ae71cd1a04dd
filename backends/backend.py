"""The backend registry (mido's ``mido.backends.backend``): Backend, the current backend and the port functions.

A backend is a Python module that opens device ports (section "Writing a New Backend" of the manual). It may
define ``Input``, ``Output``, ``IOPort`` and ``get_devices(**kwargs)``. The registry imports a backend module only
when a port is opened, a port list is asked for, or ``Backend.module`` / ``Backend.load()`` is used: importing
this module imports no backend module and loads no shared library.

Choosing a backend, first match wins:

1. the name given to ``Backend()`` or ``set_backend()``;
2. the environment variable ``MIDOX_BACKEND``, else ``MIDO_BACKEND`` (empty counts as unset);
3. the first of ``midox.backends.rtmidi``, ``midox.backends.portmidi``, ``midox.backends.pygame`` that imports.

A name is a module path with an optional ``/API`` suffix (``midox.backends.rtmidi/UNIX_JACK``). The short names
``rtmidi``, ``portmidi`` and ``pygame``, and mido's ``mido.backends.rtmidi`` etc., mean the midox modules, so
programs and environments written for mido keep working.

The module-level ``open_input()``, ``open_output()``, ``open_ioport()`` and ``get_*_names()`` always use the
current backend (``get_backend()``) at the time of the call: ``set_backend()`` swaps that one object and never
rebinds module globals (mido rebinds ``mido.open_input`` and friends, so a reference taken earlier keeps using
the old backend).

This module must not import any backend module, ``ctypes`` or a MIDI library at import time.
"""
from __future__ import annotations

import importlib
import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import ModuleType

    from ..messages import Message
    from ..ports import BaseInput, BaseIOPort, BaseOutput

__all__ = [
    "DEFAULT_BACKEND",
    "DEFAULT_BACKENDS",
    "Backend",
    "BackendUnavailable",
    "get_backend",
    "get_input_names",
    "get_ioport_names",
    "get_output_names",
    "open_input",
    "open_ioport",
    "open_output",
    "set_backend",
]

#: The backends tried, in this order, when no backend is named.
DEFAULT_BACKENDS = ("midox.backends.rtmidi", "midox.backends.portmidi", "midox.backends.pygame")
#: The preferred backend (mido's ``DEFAULT_BACKEND``); the first of ``DEFAULT_BACKENDS``.
DEFAULT_BACKEND = DEFAULT_BACKENDS[0]

_PACKAGE = "midox.backends."
_SHORT_NAMES = frozenset(name[len(_PACKAGE):] for name in DEFAULT_BACKENDS)

# What to do when no default backend loads: install the first of them (docs/guide/backends.md says more).
_INSTALL_HINT = "pip install 'midox[rtmidi]'"


class BackendUnavailable(ImportError):
    """A backend cannot be used on this machine: its MIDI library is missing or failed to load.

    Raised by ``Backend.load()`` (and so by the first ``open_*()`` / ``get_*_names()`` call) when no backend was
    named and none of the default backends loads; the message says what to install. Backend modules raise it at
    import time when their library is missing (the PortMidi backend instead sets ``load_error`` to it and raises it
    at first use), which makes the default search skip them.

    A subclass of ImportError, so ``except ImportError`` catches it as it catches mido's errors.

    :ivar errors: list of ``(module name, exception)`` pairs, one per backend tried (empty when a backend module
        raised it about itself).
    :ivar reason: what is missing, in a few words (``'python-rtmidi is not installed'``), for the one-line
        message of the default search; the message itself also says what to do.
    """

    def __init__(self, message: str, *, name: str | None = None,
                 errors: Iterable[tuple[str, BaseException]] = (), reason: str | None = None) -> None:
        super().__init__(message, name=name)
        self.errors = list(errors)
        self.reason = reason or message


class VirtualPortsUnsupported(OSError, ValueError):
    """A backend cannot create virtual ports: pygame.midi never, PortMidi before version 2.

    An OSError, as every other failure to open a port, and a ValueError, which is what mido 1.3.3's PortMidi
    and pygame backends raise.
    """


def _environ(suffix: str) -> str | None:
    """Return ``MIDOX_<suffix>``, else ``MIDO_<suffix>``, else None; an empty value counts as unset."""
    return os.environ.get("MIDOX_" + suffix) or os.environ.get("MIDO_" + suffix) or None


def _reason(error: BaseException) -> str:
    """What an error of the default search says, in one line."""
    reason: str = getattr(error, "reason", None) or str(error) or type(error).__name__
    return reason.splitlines()[0]


def quiet_c_libraries() -> list[str]:
    """Keep libasound and libjack from printing their own lines on stderr (the backend's exception says what
    failed), unless ``MIDOX_LIBRARY_MESSAGES`` is set; each backend calls this once its MIDI library is
    imported. Returns the libraries quieted (``midox.backends._quiet``)."""
    if os.environ.get("MIDOX_LIBRARY_MESSAGES"):
        return []
    from . import _quiet
    return _quiet.quiet()


def _module_name(name: str) -> str:
    """Map a short name (``rtmidi``) or a mido backend path (``mido.backends.rtmidi``) to midox's module path."""
    if name in _SHORT_NAMES:
        return _PACKAGE + name
    if name.startswith("mido.backends.") and name[len("mido.backends."):] in _SHORT_NAMES:
        return _PACKAGE + name[len("mido.backends."):]
    return name


class Backend:
    """A backend module and the API to use with it: opens ports and lists port names.

    The module is imported on first use: by ``open_*()``, ``get_*_names()``, ``module`` or ``load()``.
    Several Backend objects may be used at the same time, for example one for ALSA and one for JACK.

    :param name: module path, short name (``'rtmidi'``) or mido path (``'mido.backends.rtmidi'``), with an
        optional ``'/API'`` suffix. None (or ``''``) means the environment variable ``MIDOX_BACKEND``, else
        ``MIDO_BACKEND``, else the first of ``DEFAULT_BACKENDS`` that imports.
    :param api: the API passed to the backend's port classes and ``get_devices()`` as ``api=``; when given it
        overrides a ``'/API'`` suffix of *name*.
    :param load: import the module now instead of on first use.
    :param use_environ: when a port is opened without a name, use the port name in ``MIDOX_DEFAULT_INPUT``,
        ``MIDOX_DEFAULT_OUTPUT`` or ``MIDOX_DEFAULT_IOPORT`` (else the ``MIDO_DEFAULT_*`` one).
    :raises ImportError: from ``load()``: the named module cannot be imported, or (``BackendUnavailable``) no
        default backend can.

    ``name`` is the module path (after a default search, the one that loaded) and ``api`` the API or None.
    """

    def __init__(self, name: str | None = None, api: str | None = None, load: bool = False,
                 use_environ: bool = True) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"backend name must be a str or None, not {type(name).__name__}")
        # Where the name came from, for the error when no module has it.
        self._named_by = "the backend name"
        if not name:
            name = _environ("BACKEND") or ""
            self._named_by = "MIDOX_BACKEND" if os.environ.get("MIDOX_BACKEND") else "MIDO_BACKEND"
        # The API is everything after the first '/'. An explicit api argument wins over the suffix (mido
        # keeps the whole 'module/API' as the module name when both are given, and then cannot import it).
        module_name, _, suffix = name.partition("/")
        self.api = api or suffix or None
        self.use_environ = use_environ
        self._module: ModuleType | None = None
        # With no module named, load() tries the defaults in order; until then name shows the first of them.
        self._search = not module_name
        self.name = _module_name(module_name) if module_name else DEFAULT_BACKENDS[0]
        if load:
            self.load()

    @property
    def module(self) -> ModuleType:
        """The backend module; reading it imports the module if it is not imported yet (see ``loaded``)."""
        self.load()
        return self._module     # type: ignore[return-value]  # load() has set it

    @property
    def loaded(self) -> bool:
        """True once the backend module has been imported."""
        return self._module is not None

    def load(self) -> None:
        """Import the backend module, unless it is imported already.

        With no backend named, this tries ``DEFAULT_BACKENDS`` in order and keeps the first that imports,
        skipping those that raise ImportError (including BackendUnavailable) or OSError, and those whose module
        sets ``load_error`` (the PortMidi backend without its binding).

        :raises ModuleNotFoundError: no module has the name given (the message names the backend and where the
            name came from; mido raises the import's own error, of the same class).
        :raises ImportError: the named module cannot be imported (the import's own error, as in mido).
        :raises BackendUnavailable: no backend was named and none of the defaults can be imported.
        """
        if self._module is not None:
            return
        if not self._search:
            try:
                self._module = importlib.import_module(self.name)
            except ModuleNotFoundError as error:
                if error.name is None or not (self.name == error.name or self.name.startswith(error.name + ".")):
                    raise               # the backend exists, but something it imports does not
                short = ", ".join(name[len(_PACKAGE):] for name in DEFAULT_BACKENDS)
                raise ModuleNotFoundError(
                    f"unknown MIDI backend {self.name!r} (from {self._named_by}): no module of that name; "
                    f"midox's backends are {short}, or give a module path", name=error.name) from error
            return
        errors: list[tuple[str, BaseException]] = []
        for candidate in DEFAULT_BACKENDS:
            try:
                module = importlib.import_module(candidate)
            except (ImportError, OSError) as error:  # OSError: a shared library that fails to load
                errors.append((candidate, error))
                continue
            if getattr(module, "load_error", None) is not None:    # imports, but its library is missing
                errors.append((candidate, module.load_error))
                continue
            self.name = candidate
            self._search = False
            self._module = module
            return
        # One line with one hint; each backend's own message is in errors (and in the traceback's chain).
        tried = "; ".join(f"{candidate[len(_PACKAGE):]}: {_reason(error)}" for candidate, error in errors)
        raise BackendUnavailable(
            f"no MIDI backend could be loaded ({tried}): {_INSTALL_HINT}",
            name=DEFAULT_BACKENDS[0],
            errors=errors,
            reason="no MIDI backend could be loaded",
        ) from errors[-1][1]

    def _default_port(self, kind: str) -> str | None:
        return _environ("DEFAULT_" + kind) if self.use_environ else None

    def _with_api(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if self.api and "api" not in kwargs:
            kwargs["api"] = self.api
        return kwargs

    def _port_class(self, attribute: str, what: str) -> Any:
        module = self.module
        try:
            return getattr(module, attribute)
        except AttributeError:
            raise AttributeError(
                f"backend {self.name} has no {attribute} class: it cannot open {what} ports"
            ) from None

    def open_input(self, name: str | None = None, virtual: bool = False,
                   callback: Callable[[Message], object] | None = None, **kwargs: Any) -> BaseInput:
        """Open an input port and return it.

        :param name: the port name; None means ``MIDOX_DEFAULT_INPUT`` (else ``MIDO_DEFAULT_INPUT``) when
            ``use_environ`` is true, else the backend's default port.
        :param virtual: create a port that other programs can connect to (if the backend supports it).
        :param callback: a function called with each message that arrives, instead of ``receive()``.
        :param kwargs: passed on to the backend's ``Input``, with ``api=`` added when the backend has one.
        """
        return self._open_port("Input", "input", name, kwargs,  # type: ignore[no-any-return]
                               virtual=virtual, callback=callback)

    def open_output(self, name: str | None = None, virtual: bool = False, autoreset: bool = False,
                    **kwargs: Any) -> BaseOutput:
        """Open an output port and return it, as ``open_input()`` opens an input (the backend's ``Output``; a
        name of None means ``MIDOX_DEFAULT_OUTPUT``, else ``MIDO_DEFAULT_OUTPUT``).

        :param autoreset: send all_notes_off and reset_all_controllers on every channel when the port closes.
        """
        return self._open_port("Output", "output", name, kwargs,  # type: ignore[no-any-return]
                               virtual=virtual, autoreset=autoreset)

    def _open_port(self, attribute: str, what: str, name: str | None, kwargs: dict[str, Any], **options: Any) -> Any:
        if name is None:
            name = self._default_port(what.upper())
        kwargs.update(options)
        return self._port_class(attribute, what)(name, **self._with_api(kwargs))

    def open_ioport(self, name: str | None = None, virtual: bool = False,
                    callback: Callable[[Message], object] | None = None, autoreset: bool = False,
                    **kwargs: Any) -> BaseIOPort:
        """Open a port for input and output and return it.

        Uses the backend's ``IOPort`` when it has one; otherwise returns ``midox.ports.IOPort(input, output)``
        over an ``Input`` and an ``Output`` of the same name (without a name: the default input and output).

        :param name: the port name; None means ``MIDOX_DEFAULT_IOPORT`` (else ``MIDO_DEFAULT_IOPORT``) when
            ``use_environ`` is true, else the backend's default port.
        :param virtual: create a port that other programs can connect to (if the backend supports it).
        :param callback: a function called with each message that arrives, instead of ``receive()``.
        :param autoreset: send all_notes_off and reset_all_controllers on every channel when the port closes.
        :param kwargs: passed on to the backend's port classes, with ``api=`` added when the backend has one.
        """
        if name is None:
            name = self._default_port("IOPORT")
        kwargs = self._with_api(kwargs)
        module = self.module
        if hasattr(module, "IOPort"):
            return module.IOPort(  # type: ignore[no-any-return]
                name, virtual=virtual, callback=callback, autoreset=autoreset, **kwargs)

        # No native I/O port: pair an input and an output. A named I/O port names both; otherwise each side
        # takes its own default. Each side gets only its own options (mido passes callback to the output and
        # autoreset to the input too).
        input_name: str | None
        output_name: str | None
        if name:
            input_name = output_name = name
        else:
            input_name = self._default_port("INPUT")
            output_name = self._default_port("OUTPUT")
        from ..ports import IOPort

        input_port = self._port_class("Input", "input")(input_name, virtual=virtual, callback=callback, **kwargs)
        try:
            output_port = self._port_class("Output", "output")(
                output_name, virtual=virtual, autoreset=autoreset, **kwargs)
        except BaseException:
            input_port.close()
            raise
        return IOPort(input_port, output_port)

    def _devices(self, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        get_devices = getattr(self.module, "get_devices", None)
        if get_devices is None:
            return []
        return list(get_devices(**self._with_api(kwargs)))

    def get_input_names(self, **kwargs: Any) -> list[str]:
        """Return the names of the input ports, in the backend's order.

        :param kwargs: passed on to the backend's ``get_devices()``, with ``api=`` added when the backend has one.
        """
        return [device["name"] for device in self._devices(kwargs) if device["is_input"]]

    def get_output_names(self, **kwargs: Any) -> list[str]:
        """Return the names of the output ports, in the backend's order.

        :param kwargs: passed on to the backend's ``get_devices()``, with ``api=`` added when the backend has one.
        """
        return [device["name"] for device in self._devices(kwargs) if device["is_output"]]

    def get_ioport_names(self, **kwargs: Any) -> list[str]:
        """Return the names that are both an input and an output port, in the order of the inputs.

        :param kwargs: passed on to the backend's ``get_devices()``, with ``api=`` added when the backend has one.
        """
        devices = self._devices(kwargs)
        outputs = {device["name"] for device in devices if device["is_output"]}
        return [device["name"] for device in devices if device["is_input"] and device["name"] in outputs]

    def __repr__(self) -> str:
        name = f"{self.name}/{self.api}" if self.api else self.name
        status = "loaded" if self.loaded else "not loaded"
        return f"<backend {name} ({status})>"


# The current backend. It lives in an attribute of this holder, so that set_backend() swaps one object and the
# module-level functions below, wherever they have been imported to, see the change.
class _Current:
    __slots__ = ("backend",)
    backend: Backend | None


_current = _Current()
_current.backend = None
_lock = threading.Lock()


def get_backend() -> Backend:
    """Return the current backend (mido's ``mido.backend``).

    The first call creates ``Backend()``, which reads ``MIDOX_BACKEND`` / ``MIDO_BACKEND`` then but imports
    nothing; ``set_backend()`` replaces it.
    """
    backend = _current.backend
    if backend is None:
        with _lock:
            if _current.backend is None:
                _current.backend = Backend(use_environ=True)
            backend = _current.backend
    return backend


def set_backend(name: Backend | str | None = None, load: bool = False) -> None:
    """Make a backend the current one, used by ``open_input()``, ``get_input_names()`` and the rest.

    :param name: a Backend, or a name as for ``Backend()`` (module path, short name, mido path, optional
        ``'/API'``); None means the environment variable or the default search, as ``Backend()``.
    :param load: import the backend module now; if that fails the current backend is left unchanged.
    """
    if isinstance(name, Backend):
        backend = name
        if load:
            backend.load()
    elif name is None or isinstance(name, str):
        backend = Backend(name, load=load, use_environ=True)
    else:
        raise TypeError(f"set_backend() takes a backend name or a Backend, not {type(name).__name__}")
    with _lock:
        _current.backend = backend


def open_input(name: str | None = None, virtual: bool = False, callback: Callable[[Message], object] | None = None,
               **kwargs: Any) -> BaseInput:
    """Open an input port with the current backend; see ``Backend.open_input()``."""
    return get_backend().open_input(name, virtual=virtual, callback=callback, **kwargs)


def open_output(name: str | None = None, virtual: bool = False, autoreset: bool = False,
                **kwargs: Any) -> BaseOutput:
    """Open an output port with the current backend; see ``Backend.open_output()``."""
    return get_backend().open_output(name, virtual=virtual, autoreset=autoreset, **kwargs)


def open_ioport(name: str | None = None, virtual: bool = False, callback: Callable[[Message], object] | None = None,
                autoreset: bool = False, **kwargs: Any) -> BaseIOPort:
    """Open an input/output port with the current backend; see ``Backend.open_ioport()``."""
    return get_backend().open_ioport(name, virtual=virtual, callback=callback, autoreset=autoreset, **kwargs)


def get_input_names(**kwargs: Any) -> list[str]:
    """Return the input port names of the current backend; see ``Backend.get_input_names()``."""
    return get_backend().get_input_names(**kwargs)


def get_output_names(**kwargs: Any) -> list[str]:
    """Return the output port names of the current backend; see ``Backend.get_output_names()``."""
    return get_backend().get_output_names(**kwargs)


def get_ioport_names(**kwargs: Any) -> list[str]:
    """Return the I/O port names of the current backend; see ``Backend.get_ioport_names()``."""
    return get_backend().get_ioport_names(**kwargs)
