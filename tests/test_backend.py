"""The backend registry: name resolution, lazy loading, the default search, port arguments, set_backend.

Backend modules here are fakes served by an import hook, so no MIDI library or device is needed, and the real
``midox.backends.rtmidi`` / ``portmidi`` / ``pygame`` are never imported (the hook shadows their names).
"""
import importlib
import importlib.abc
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import types

import pytest

import child_process
import midox
import midox.backends
from midox.backends import backend as registry
from midox.backends.backend import DEFAULT_BACKENDS, Backend, BackendUnavailable

ENV_NAMES = [prefix + suffix for prefix in ("MIDOX_", "MIDO_")
             for suffix in ("BACKEND", "DEFAULT_INPUT", "DEFAULT_OUTPUT", "DEFAULT_IOPORT")]
RTMIDI, PORTMIDI, PYGAME = DEFAULT_BACKENDS
FAKE = "midox_test_fake_backend"


@pytest.fixture(autouse=True)
def clean_state(monkeypatch):
    """No backend variable from the caller's environment, and a fresh current backend for each test."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(registry._current, "backend", None)


# -- fake backend modules ---------------------------------------------------------------------------------------

class FakeImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves fake modules by name: each is either a dict of attributes or an exception its import raises."""

    def __init__(self):
        self.modules = {}
        self.imported = []   # names whose module code ran, in order

    def add(self, name, contents):
        self.modules[name] = contents
        return name

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.modules:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        self.imported.append(module.__name__)
        contents = self.modules[module.__name__]
        if isinstance(contents, BaseException):
            raise contents
        module.__dict__.update(contents)


@pytest.fixture
def fakes(monkeypatch):
    importer = FakeImporter()
    monkeypatch.setattr(sys, "meta_path", [importer, *sys.meta_path])
    # The real backend modules may be imported already (by other tests): hide them while fakes stand in.
    real = {name: sys.modules.pop(name) for name in DEFAULT_BACKENDS if name in sys.modules}
    yield importer
    for name in importer.modules:
        module = sys.modules.pop(name, None)
        parent_name, _, child = name.rpartition(".")
        parent = sys.modules.get(parent_name)
        if module is not None and parent is not None and getattr(parent, child, None) is module:
            delattr(parent, child)
    for name, module in real.items():
        sys.modules[name] = module
        setattr(sys.modules[name.rpartition(".")[0]], name.rpartition(".")[2], module)


def backend_module(log, ioport=False, devices=None):
    """The attributes of a fake backend module whose port classes record how they were created in *log*."""

    class Port:
        def __init__(self, name=None, **kwargs):
            self.name = name
            self.kwargs = kwargs
            self.closed = False
            log.append((type(self).__name__, name, kwargs))

        def close(self):
            self.closed = True

    contents = {"Input": type("Input", (Port,), {}), "Output": type("Output", (Port,), {})}
    if ioport:
        contents["IOPort"] = type("IOPort", (Port,), {})
    if devices is not None:
        def get_devices(**kwargs):
            log.append(("get_devices", None, kwargs))
            return list(devices)
        contents["get_devices"] = get_devices
    return contents


DEVICES = [
    {"name": "A", "is_input": True, "is_output": False},
    {"name": "B", "is_input": True, "is_output": True},
    {"name": "C", "is_input": False, "is_output": True},
    {"name": "D", "is_input": True, "is_output": False},
    {"name": "A", "is_input": False, "is_output": True},
]


# -- name resolution ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, name, api", [
    ("midox.backends.rtmidi", RTMIDI, None),
    ("rtmidi", RTMIDI, None),
    ("portmidi", PORTMIDI, None),
    ("pygame", PYGAME, None),
    ("mido.backends.rtmidi", RTMIDI, None),
    ("mido.backends.portmidi", PORTMIDI, None),
    ("mido.backends.pygame", PYGAME, None),
    ("rtmidi/UNIX_JACK", RTMIDI, "UNIX_JACK"),
    ("mido.backends.rtmidi/LINUX_ALSA", RTMIDI, "LINUX_ALSA"),
    ("midox.backends.rtmidi/WINDOWS_MM", RTMIDI, "WINDOWS_MM"),
    ("rtmidi/", RTMIDI, None),
    ("my_package.my_backend", "my_package.my_backend", None),
    ("my_backend/API/with/slashes", "my_backend", "API/with/slashes"),
    ("mido.backends.amidi", "mido.backends.amidi", None),   # not one of midox's: left as it is
    ("rtmidi_python", "rtmidi_python", None),
])
def test_name_forms(given, name, api):
    backend = Backend(given)
    assert (backend.name, backend.api) == (name, api)
    assert not backend.loaded


def test_api_argument():
    assert Backend("rtmidi", api="UNIX_JACK").api == "UNIX_JACK"
    assert Backend("rtmidi", api="").api is None
    # An explicit api wins over the suffix, and the suffix never stays in the module name.
    backend = Backend("rtmidi/UNIX_JACK", api="LINUX_ALSA")
    assert (backend.name, backend.api) == (RTMIDI, "LINUX_ALSA")


def test_no_name_and_no_environment_means_the_default_search():
    for backend in (Backend(), Backend(None), Backend("")):
        assert (backend.name, backend.api, backend.loaded) == (RTMIDI, None, False)
        assert repr(backend) == "<backend midox.backends.rtmidi (not loaded)>"
    assert Backend(api="UNIX_JACK").api == "UNIX_JACK"
    assert DEFAULT_BACKENDS == ("midox.backends.rtmidi", "midox.backends.portmidi", "midox.backends.pygame")
    assert registry.DEFAULT_BACKEND == RTMIDI


@pytest.mark.parametrize("env, name, api", [
    ({"MIDOX_BACKEND": "portmidi"}, PORTMIDI, None),
    ({"MIDO_BACKEND": "mido.backends.pygame"}, PYGAME, None),
    ({"MIDOX_BACKEND": "pygame", "MIDO_BACKEND": "portmidi"}, PYGAME, None),
    ({"MIDOX_BACKEND": "", "MIDO_BACKEND": "portmidi"}, PORTMIDI, None),   # empty counts as unset
    ({"MIDOX_BACKEND": "rtmidi/UNIX_JACK"}, RTMIDI, "UNIX_JACK"),
    ({"MIDO_BACKEND": "mido.backends.rtmidi/LINUX_ALSA"}, RTMIDI, "LINUX_ALSA"),
    ({"MIDOX_BACKEND": "some.module/X", "MIDO_BACKEND": "rtmidi/Y"}, "some.module", "X"),
    ({"MIDOX_BACKEND": "", "MIDO_BACKEND": ""}, RTMIDI, None),
])
def test_environment(monkeypatch, env, name, api):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    backend = Backend()
    assert (backend.name, backend.api) == (name, api)
    # As in mido, use_environ is about default port names only: the backend variable is always read.
    assert (Backend(use_environ=False).name, Backend(use_environ=False).api) == (name, api)
    # A name given explicitly wins over the environment; an api argument wins over the environment's suffix.
    assert (Backend("my.module").name, Backend("my.module").api) == ("my.module", None)
    assert Backend(api="OTHER").api == "OTHER"


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="str"):
        Backend(42)


@pytest.mark.parametrize("name, api, shown", [
    ("rtmidi", None, "<backend midox.backends.rtmidi (not loaded)>"),
    ("rtmidi/UNIX_JACK", None, "<backend midox.backends.rtmidi/UNIX_JACK (not loaded)>"),
    ("my.module", "X", "<backend my.module/X (not loaded)>"),
])
def test_repr(name, api, shown):
    assert repr(Backend(name, api=api)) == shown


# -- lazy loading ------------------------------------------------------------------------------------------------

def test_module_is_imported_on_first_use_only(fakes):
    log = []
    fakes.add(FAKE, backend_module(log))
    backend = Backend(FAKE)
    assert not backend.loaded and fakes.imported == [] and FAKE not in sys.modules
    assert repr(backend) == f"<backend {FAKE} (not loaded)>"
    module = backend.module
    assert module is sys.modules[FAKE] and backend.loaded
    assert repr(backend) == f"<backend {FAKE} (loaded)>"
    assert backend.module is module
    backend.load()
    assert fakes.imported == [FAKE]


@pytest.mark.parametrize("use", [
    lambda backend: backend.open_input(),
    lambda backend: backend.open_output(),
    lambda backend: backend.open_ioport(),
    lambda backend: backend.get_input_names(),
    lambda backend: backend.get_output_names(),
    lambda backend: backend.get_ioport_names(),
    lambda backend: backend.load(),
])
def test_every_use_loads_the_module(fakes, use):
    fakes.add(FAKE, backend_module([], ioport=True, devices=[]))
    backend = Backend(FAKE)
    assert fakes.imported == []
    use(backend)
    assert backend.loaded and fakes.imported == [FAKE]


def test_load_argument_imports_at_once(fakes):
    fakes.add(FAKE, backend_module([]))
    backend = Backend(FAKE, load=True)
    assert backend.loaded and fakes.imported == [FAKE]


def test_named_module_that_cannot_be_imported():
    backend = Backend("midox_test_no_such_module/API")
    with pytest.raises(ModuleNotFoundError, match="midox_test_no_such_module"):
        backend.load()
    assert not backend.loaded
    with pytest.raises(ModuleNotFoundError):
        Backend("midox_test_no_such_module", load=True)


def test_named_module_gets_no_default_fallback(fakes):
    fakes.add(FAKE, BackendUnavailable("fake library missing"))
    fakes.add(PYGAME, backend_module([]))
    with pytest.raises(BackendUnavailable, match="fake library missing"):
        Backend(FAKE).load()
    assert PYGAME not in fakes.imported


def test_importing_the_registry_loads_no_backend():
    """In a fresh interpreter: the registry imports no backend module, MIDI library or shared library."""
    code = r"""
import json, os, sys

def libraries():
    try:
        with open('/proc/self/maps') as maps:
            return {line.split()[-1] for line in maps if '.so' in line.rsplit('/', 1)[-1]}
    except OSError:
        return set()

import midox
modules, libs = set(sys.modules), libraries()
import midox.backends
import midox.backends.backend as registry
backends = [registry.Backend(), registry.Backend('rtmidi/UNIX_JACK'), registry.Backend('mido.backends.portmidi'),
            registry.get_backend()]
registry.set_backend('pygame')
text = repr(backends) + repr(registry.get_backend())
print(json.dumps({'modules': sorted(set(sys.modules) - modules), 'libraries': sorted(libraries() - libs),
                  'loaded': [backend.loaded for backend in backends]}))
"""
    env = {key: value for key, value in os.environ.items() if key not in ENV_NAMES}
    env["MIDOX_BACKEND"] = "midox.backends.rtmidi"
    env["MIDO_BACKEND"] = "mido.backends.rtmidi"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                            cwd=child_process.NEUTRAL_CWD)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    new_midox = [name for name in report["modules"] if name.split(".")[0] in ("midox", "mido")]
    assert new_midox == ["midox.backends", "midox.backends.backend"]
    forbidden = {"rtmidi", "pygame", "portmidi", "pypm", "ctypes", "_ctypes", "jack"}
    assert not [name for name in report["modules"] if name.split(".")[0] in forbidden]
    assert report["libraries"] == []
    assert report["loaded"] == [False] * 4


# -- the default search ------------------------------------------------------------------------------------------

def test_default_search_takes_the_first_that_loads(fakes):
    fakes.add(RTMIDI, ModuleNotFoundError("No module named 'rtmidi'", name="rtmidi"))
    fakes.add(PORTMIDI, BackendUnavailable("midox was built without PortMidi"))
    fakes.add(PYGAME, backend_module([]))
    backend = Backend(api="SOME_API")
    assert fakes.imported == []
    assert backend.module is sys.modules[PYGAME]
    assert fakes.imported == [RTMIDI, PORTMIDI, PYGAME]
    assert (backend.name, backend.api) == (PYGAME, "SOME_API")
    assert repr(backend) == "<backend midox.backends.pygame/SOME_API (loaded)>"


def test_default_search_stops_at_the_first(fakes):
    fakes.add(RTMIDI, backend_module([]))
    fakes.add(PORTMIDI, backend_module([]))
    backend = Backend(load=True)
    assert backend.name == RTMIDI and fakes.imported == [RTMIDI]


def test_default_search_skips_a_library_that_fails_to_load(fakes):
    fakes.add(RTMIDI, ImportError("librtmidi.so: cannot open shared object file"))
    fakes.add(PORTMIDI, OSError("libportmidi.so: cannot open shared object file"))
    fakes.add(PYGAME, backend_module([]))
    assert Backend(load=True).name == PYGAME


def test_default_search_does_not_hide_bugs(fakes):
    fakes.add(RTMIDI, RuntimeError("a bug in the backend module"))
    fakes.add(PORTMIDI, backend_module([]))
    with pytest.raises(RuntimeError, match="a bug"):
        Backend().load()
    assert fakes.imported == [RTMIDI]


def test_error_when_no_backend_loads(fakes):
    fakes.add(RTMIDI, ModuleNotFoundError("No module named 'rtmidi'", name="rtmidi"))
    fakes.add(PORTMIDI, BackendUnavailable("midox was built without PortMidi"))
    last = ImportError("No module named 'pygame'")
    fakes.add(PYGAME, last)
    backend = Backend()
    with pytest.raises(BackendUnavailable) as caught:
        backend.open_output()
    error = caught.value
    assert isinstance(error, ImportError)
    # One line: what each backend lacks, then one hint.
    assert str(error) == ("no MIDI backend could be loaded (rtmidi: No module named 'rtmidi'; portmidi: midox was "
                          "built without PortMidi; pygame: No module named 'pygame'): pip install 'midox[rtmidi]'")
    assert [name for name, _ in error.errors] == list(DEFAULT_BACKENDS)
    assert error.__cause__ is last
    assert not backend.loaded and backend.name == RTMIDI
    # Nothing is cached: a later attempt searches again.
    fakes.modules[PORTMIDI] = backend_module([])
    assert backend.module is sys.modules[PORTMIDI] and backend.name == PORTMIDI


def test_error_when_no_backend_loads_gives_each_reason_in_one_line(fakes):
    fakes.add(RTMIDI, BackendUnavailable("python-rtmidi is not installed (a long story):\n  pip install it",
                                         reason="python-rtmidi is not installed"))
    fakes.add(PORTMIDI, OSError("libportmidi.so.2: cannot open shared object file\nsecond line"))
    fakes.add(PYGAME, ImportError())
    with pytest.raises(BackendUnavailable) as caught:
        Backend().load()
    assert str(caught.value) == (
        "no MIDI backend could be loaded (rtmidi: python-rtmidi is not installed; portmidi: libportmidi.so.2: "
        "cannot open shared object file; pygame: ImportError): pip install 'midox[rtmidi]'")
    assert caught.value.reason == "no MIDI backend could be loaded"


@pytest.mark.parametrize("environ, origin", [("MIDOX_BACKEND", "MIDOX_BACKEND"), ("MIDO_BACKEND", "MIDO_BACKEND"),
                                             (None, "the backend name")])
def test_an_unknown_backend_is_named_with_where_its_name_came_from(monkeypatch, environ, origin):
    monkeypatch.delenv("MIDOX_BACKEND", raising=False)
    monkeypatch.delenv("MIDO_BACKEND", raising=False)
    if environ:
        monkeypatch.setenv(environ, "nosuch")
    with pytest.raises(ModuleNotFoundError) as caught:
        Backend(None if environ else "nosuch/API").load()
    assert str(caught.value) == (f"unknown MIDI backend 'nosuch' (from {origin}): no module of that name; midox's "
                                 f"backends are rtmidi, portmidi, pygame, or give a module path")
    assert caught.value.name == "nosuch"


def test_a_backend_missing_a_module_it_imports_raises_the_imports_error(fakes):
    missing = ModuleNotFoundError("No module named 'its_library'", name="its_library")
    fakes.add(FAKE, missing)
    with pytest.raises(ModuleNotFoundError) as caught:
        Backend(FAKE).load()
    assert caught.value is missing


def test_backend_unavailable_is_exported():
    assert midox.backends.BackendUnavailable is BackendUnavailable
    assert issubclass(BackendUnavailable, ImportError)
    assert BackendUnavailable("x").errors == []
    assert midox.backends.Backend is Backend


# -- what the port functions pass on -----------------------------------------------------------------------------

def callback(message):
    pass


def test_open_input_arguments(fakes):
    log = []
    fakes.add(FAKE, backend_module(log))
    port = Backend(FAKE).open_input("In", virtual=True, callback=callback, client_name="me")
    assert (port.name, port.kwargs) == ("In", {"virtual": True, "callback": callback, "client_name": "me"})
    Backend(FAKE + "/JACK").open_input()
    assert log[-1] == ("Input", None, {"virtual": False, "callback": None, "api": "JACK"})
    # An api keyword wins over the backend's.
    Backend(FAKE, api="JACK").open_input("x", api="ALSA")
    assert log[-1] == ("Input", "x", {"virtual": False, "callback": None, "api": "ALSA"})


def test_open_output_arguments(fakes):
    log = []
    fakes.add(FAKE, backend_module(log))
    port = Backend(FAKE, api="ALSA").open_output("Out", virtual=True, autoreset=True, client_name="me")
    assert (port.name, port.kwargs) == ("Out", {"virtual": True, "autoreset": True, "client_name": "me",
                                                "api": "ALSA"})
    Backend(FAKE).open_output()
    assert log[-1] == ("Output", None, {"virtual": False, "autoreset": False})


def test_open_ioport_with_a_native_ioport(fakes):
    log = []
    fakes.add(FAKE, backend_module(log, ioport=True))
    port = Backend(FAKE, api="ALSA").open_ioport("IO", virtual=True, callback=callback, autoreset=True, x=1)
    assert log == [("IOPort", "IO", {"virtual": True, "callback": callback, "autoreset": True, "x": 1,
                                     "api": "ALSA"})]
    assert type(port).__name__ == "IOPort"


@pytest.fixture
def fake_ports(monkeypatch):
    """A stand-in for midox.ports, so the pairing is tested whatever state the real module is in."""
    module = types.ModuleType("midox.ports")

    class IOPort:
        def __init__(self, input, output):
            self.input = input
            self.output = output

    module.IOPort = IOPort
    monkeypatch.setitem(sys.modules, "midox.ports", module)
    return IOPort


def test_open_ioport_pairs_input_and_output(fakes, fake_ports, monkeypatch):
    log = []
    fakes.add(FAKE, backend_module(log))
    port = Backend(FAKE, api="ALSA").open_ioport("IO", virtual=True, callback=callback, autoreset=True, x=1)
    assert isinstance(port, fake_ports)
    assert (port.input.name, port.output.name) == ("IO", "IO")
    assert port.input.kwargs == {"virtual": True, "callback": callback, "x": 1, "api": "ALSA"}
    assert port.output.kwargs == {"virtual": True, "autoreset": True, "x": 1, "api": "ALSA"}
    # Without a name (and no I/O port variable) each side takes its own default.
    monkeypatch.setenv("MIDOX_DEFAULT_INPUT", "default in")
    monkeypatch.setenv("MIDO_DEFAULT_OUTPUT", "default out")
    port = Backend(FAKE).open_ioport()
    assert (port.input.name, port.output.name) == ("default in", "default out")
    monkeypatch.setenv("MIDO_DEFAULT_IOPORT", "default io")
    port = Backend(FAKE).open_ioport()
    assert (port.input.name, port.output.name) == ("default io", "default io")
    port = Backend(FAKE, use_environ=False).open_ioport()
    assert (port.input.name, port.output.name) == (None, None)


def test_open_ioport_closes_the_input_when_the_output_fails(fakes, fake_ports):
    opened = []
    contents = backend_module([])

    class Input(contents["Input"]):
        def __init__(self, name=None, **kwargs):
            super().__init__(name, **kwargs)
            opened.append(self)

    class Output:
        def __init__(self, name, **kwargs):
            raise OSError("no such port")

    contents.update(Input=Input, Output=Output)
    fakes.add(FAKE, contents)
    with pytest.raises(OSError, match="no such port"):
        Backend(FAKE).open_ioport("IO")
    assert len(opened) == 1 and opened[0].closed


def test_open_ioport_pairs_with_the_real_ports_module(fakes):
    import midox.ports as ports
    contents = {"Input": ports.BaseInput, "Output": ports.BaseOutput}
    fakes.add(FAKE, contents)
    port = Backend(FAKE).open_ioport("IO")
    assert isinstance(port, ports.IOPort)
    assert isinstance(port.input, ports.BaseInput) and isinstance(port.output, ports.BaseOutput)
    port.close()


def test_missing_port_class(fakes):
    fakes.add(FAKE, {"Input": backend_module([])["Input"]})
    with pytest.raises(AttributeError, match=f"backend {FAKE} has no Output class: it cannot open output"):
        Backend(FAKE).open_output()


@pytest.mark.parametrize("kind, opener", [("INPUT", "open_input"), ("OUTPUT", "open_output"),
                                          ("IOPORT", "open_ioport")])
def test_default_port_names_from_the_environment(fakes, monkeypatch, kind, opener):
    log = []
    fakes.add(FAKE, backend_module(log, ioport=True))

    def opened_name(backend, *args):
        getattr(backend, opener)(*args)
        return log[-1][1]

    assert opened_name(Backend(FAKE)) is None
    monkeypatch.setenv(f"MIDO_DEFAULT_{kind}", "mido's port")
    assert opened_name(Backend(FAKE)) == "mido's port"
    monkeypatch.setenv(f"MIDOX_DEFAULT_{kind}", "midox's port")
    assert opened_name(Backend(FAKE)) == "midox's port"
    assert opened_name(Backend(FAKE), "given") == "given"
    assert opened_name(Backend(FAKE, use_environ=False)) is None
    monkeypatch.setenv(f"MIDOX_DEFAULT_{kind}", "")
    assert opened_name(Backend(FAKE)) == "mido's port"
    # Read when the port is opened, not when the backend is made.
    backend = Backend(FAKE)
    monkeypatch.setenv(f"MIDOX_DEFAULT_{kind}", "later")
    assert opened_name(backend) == "later"


def test_port_names(fakes):
    log = []
    fakes.add(FAKE, backend_module(log, devices=DEVICES))
    backend = Backend(FAKE + "/ALSA")
    assert backend.get_input_names() == ["A", "B", "D"]
    assert backend.get_output_names() == ["B", "C", "A"]
    assert backend.get_ioport_names() == ["A", "B"]
    assert log[-1] == ("get_devices", None, {"api": "ALSA"})
    backend.get_input_names(client_name="me", api="JACK")
    assert log[-1] == ("get_devices", None, {"client_name": "me", "api": "JACK"})
    Backend(FAKE).get_output_names()
    assert log[-1] == ("get_devices", None, {})


def test_port_names_without_get_devices(fakes):
    fakes.add(FAKE, backend_module([]))
    backend = Backend(FAKE)
    assert backend.get_input_names() == backend.get_output_names() == backend.get_ioport_names() == []


# -- the current backend -----------------------------------------------------------------------------------------

FUNCTIONS = ["open_input", "open_output", "open_ioport", "get_input_names", "get_output_names", "get_ioport_names"]


def test_functions_follow_the_current_backend(fakes):
    first, second = [], []
    fakes.add(FAKE + "_1", backend_module(first, ioport=True, devices=DEVICES[:1]))
    fakes.add(FAKE + "_2", backend_module(second, ioport=True, devices=DEVICES[1:3]))
    open_input = registry.open_input          # references taken before set_backend must follow it
    get_input_names = registry.get_input_names
    registry.set_backend(FAKE + "_1")
    assert get_input_names() == ["A"]
    open_input("x")
    registry.set_backend(FAKE + "_2/API")
    assert get_input_names() == ["B"]
    open_input("y")
    registry.open_output("z", autoreset=True)
    registry.open_ioport("w")
    assert registry.get_output_names() == ["B", "C"] and registry.get_ioport_names() == ["B"]
    assert [entry[1] for entry in first if entry[0] != "get_devices"] == ["x"]
    assert [entry[:2] for entry in second if entry[0] != "get_devices"] == [
        ("Input", "y"), ("Output", "z"), ("IOPort", "w")]
    assert second[-1][2]["api"] == "API"


def test_set_backend_forms(fakes, monkeypatch):
    fakes.add(FAKE, backend_module([]))
    backend = Backend(FAKE)
    registry.set_backend(backend)
    assert registry.get_backend() is backend and not backend.loaded
    registry.set_backend(backend, load=True)
    assert backend.loaded
    registry.set_backend("rtmidi/UNIX_JACK")
    assert repr(registry.get_backend()) == "<backend midox.backends.rtmidi/UNIX_JACK (not loaded)>"
    assert registry.get_backend().use_environ
    monkeypatch.setenv("MIDOX_BACKEND", "portmidi")
    registry.set_backend()
    assert registry.get_backend().name == PORTMIDI
    registry.set_backend(FAKE, load=True)
    assert registry.get_backend().loaded
    assert registry.set_backend(FAKE) is None   # as mido's
    with pytest.raises(TypeError, match="Backend"):
        registry.set_backend(3)


def test_set_backend_that_fails_to_load_keeps_the_current_one():
    current = registry.get_backend()
    with pytest.raises(ModuleNotFoundError):
        registry.set_backend("midox_test_no_such_module", load=True)
    assert registry.get_backend() is current


def test_current_backend_is_made_on_first_use(monkeypatch):
    monkeypatch.setenv("MIDO_BACKEND", "mido.backends.portmidi/X")
    backend = registry.get_backend()
    assert (backend.name, backend.api, backend.loaded, backend.use_environ) == (PORTMIDI, "X", False, True)
    assert registry.get_backend() is backend


def _signature(function):
    """The signature without annotations: midox's are typed, mido's are not."""
    signature = inspect.signature(function)
    return signature.replace(parameters=[parameter.replace(annotation=inspect.Parameter.empty)
                                         for parameter in signature.parameters.values()],
                             return_annotation=inspect.Signature.empty)


def test_function_signatures_match_mido():
    mido_backend = importlib.import_module("mido.backends.backend")
    for name in FUNCTIONS:
        expected = _signature(getattr(mido_backend.Backend, name))
        expected = expected.replace(parameters=list(expected.parameters.values())[1:])
        assert _signature(getattr(registry, name)) == expected, name
        assert _signature(getattr(Backend, name)) == _signature(getattr(mido_backend.Backend, name))
    assert _signature(Backend) == _signature(mido_backend.Backend)
    assert _signature(registry.set_backend) == _signature(importlib.import_module("mido").set_backend)


def test_midox_top_level():
    """``midox.backend`` and the port functions (wired by midox/__init__.py, lazily)."""
    assert "set_backend" in dir(midox)
    assert midox.Backend is Backend
    assert midox.set_backend is registry.set_backend
    for name in FUNCTIONS:
        assert getattr(midox, name) is getattr(registry, name)
    assert midox.backend is registry.get_backend()
    midox.set_backend("pygame/API")
    assert midox.backend is registry.get_backend() and repr(midox.backend) == "<backend " \
        "midox.backends.pygame/API (not loaded)>"
    with pytest.raises(AttributeError):
        midox.no_such_attribute  # noqa: B018


# -- differential checks against mido ----------------------------------------------------------------------------

def as_midox(name):
    """mido's module path for one of its own backends, as the midox path."""
    for short in ("rtmidi", "portmidi", "pygame"):
        if name == f"mido.backends.{short}":
            return f"midox.backends.{short}"
    return name


@pytest.mark.parametrize("name, api, env", [
    (None, None, None),
    (None, "UNIX_JACK", None),
    ("mido.backends.rtmidi", None, None),
    ("mido.backends.portmidi", None, None),
    ("mido.backends.pygame", None, None),
    ("mido.backends.rtmidi/UNIX_JACK", None, None),
    ("mido.backends.rtmidi", "LINUX_ALSA", None),
    ("my.module/A/B", None, None),
    ("mido.backends.amidi", None, None),
    (None, None, "mido.backends.portmidi"),
    (None, None, "mido.backends.rtmidi/UNIX_JACK"),
    ("mido.backends.pygame", None, "mido.backends.portmidi"),
    ("", None, "mido.backends.pygame"),
])
def test_resolution_agrees_with_mido(monkeypatch, name, api, env):
    mido_backend = importlib.import_module("mido.backends.backend")
    if env is not None:
        monkeypatch.setenv("MIDO_BACKEND", env)
    theirs = mido_backend.Backend(name, api=api)
    ours = Backend(name, api=api)
    assert (ours.name, ours.api, ours.loaded) == (as_midox(theirs.name), theirs.api, theirs.loaded)
    assert repr(ours) == repr(theirs).replace(theirs.name, as_midox(theirs.name))


def test_documented_differences_from_mido(monkeypatch):
    mido_backend = importlib.import_module("mido.backends.backend")
    # mido keeps 'module/API' whole as the module name when an api is also given; midox splits it.
    theirs, ours = mido_backend.Backend("my.module/A", api="B"), Backend("my.module/A", api="B")
    assert (theirs.name, theirs.api) == ("my.module/A", "B")
    assert (ours.name, ours.api) == ("my.module", "B")
    monkeypatch.setenv("MIDO_BACKEND", "mido.backends.rtmidi/UNIX_JACK")
    assert mido_backend.Backend(api="LINUX_ALSA").name == "mido.backends.rtmidi/UNIX_JACK"
    assert (Backend(api="LINUX_ALSA").name, Backend(api="LINUX_ALSA").api) == (RTMIDI, "LINUX_ALSA")
    # An empty suffix: mido's api is '', midox's None (both mean no API).
    assert mido_backend.Backend("mido.backends.rtmidi/").api == ""
    assert Backend("mido.backends.rtmidi/").api is None
    # mido takes an empty MIDO_BACKEND as the module name ''; midox treats it as unset.
    monkeypatch.setenv("MIDO_BACKEND", "")
    assert mido_backend.Backend().name == ""
    assert Backend().name == RTMIDI


@pytest.mark.parametrize("ioport", [False, True])
def test_port_arguments_agree_with_mido(fakes, monkeypatch, ioport):
    mido_backend = importlib.import_module("mido.backends.backend")
    log = []
    fakes.add(FAKE, backend_module(log, ioport=ioport, devices=DEVICES))
    monkeypatch.setenv("MIDO_DEFAULT_INPUT", "env in")
    monkeypatch.setenv("MIDO_DEFAULT_OUTPUT", "env out")
    calls = [
        lambda b: b.open_input(),
        lambda b: b.open_input("In", virtual=True, callback=callback, x=1),
        lambda b: b.open_input("In", api="OTHER"),
        lambda b: b.open_output(),
        lambda b: b.open_output("Out", virtual=True, autoreset=True, x=2),
        lambda b: b.get_input_names(),
        lambda b: b.get_output_names(x=3),
        lambda b: b.get_ioport_names(),
    ]
    if ioport:   # the paired form passes each side only its own options, unlike mido (tested above)
        calls += [lambda b: b.open_ioport(), lambda b: b.open_ioport("IO", virtual=True, callback=callback,
                                                                       autoreset=True, x=4)]
    for make in (lambda cls: cls(FAKE), lambda cls: cls(FAKE + "/API"), lambda cls: cls(FAKE, api="API2"),
                 lambda cls: cls(FAKE, use_environ=False)):
        for call in calls:
            del log[:]
            expected = call(make(mido_backend.Backend))
            theirs = list(log)
            del log[:]
            got = call(make(Backend))
            assert log == theirs
            if isinstance(expected, list):
                assert got == expected
