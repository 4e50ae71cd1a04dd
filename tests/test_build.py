"""The package must be the compiled one: these tests fail on a pure-Python or unbuilt tree."""
import importlib
import importlib.machinery
import importlib.resources
import inspect
import os
import subprocess
import sys
import types

import pytest

import child_process
import midox
from package_layout import CORE_MODULES


def test_every_core_module_is_found():
    """Each compiled module of midox._core ships its stub and each stub its module: CORE_MODULES, read from the
    stubs, is then every compiled module (setup.py builds one per midox/_core/*.pyx), nothing listed by hand."""
    folder = importlib.resources.files('midox._core')
    compiled = sorted(f'midox._core.{entry.name.split(".")[0]}' for entry in folder.iterdir()
                      if entry.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)))
    assert compiled == CORE_MODULES
    assert {'midox._core._messages', 'midox._core._parser', 'midox._core._pmevents',
            'midox._core._smf'} <= set(CORE_MODULES)


@pytest.mark.parametrize('name', CORE_MODULES)
def test_core_module_is_extension(name):
    module = importlib.import_module(name)
    assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), module.__file__
    assert isinstance(module.__loader__, importlib.machinery.ExtensionFileLoader)
    assert module.__spec__.origin == module.__file__


def _compiled_type_checks(cls):
    assert type(cls) is type
    # No method is a Python function (a class written in Python has FunctionType methods).
    for name, attr in vars(cls).items():
        assert not isinstance(attr, types.FunctionType), f'{cls.__name__}.{name} is a Python function'
    # inspect cannot find Python source for it.
    with pytest.raises((OSError, TypeError)):
        inspect.getsource(cls)
    try:
        source_file = inspect.getfile(cls)
    except TypeError:
        return
    if source_file.endswith('.py'):
        # the module named by __module__ is a .py facade; it must not define the class
        with open(source_file, encoding='utf-8') as f:
            assert f'class {cls.__name__}' not in f.read()


def test_message_is_compiled():
    import midox._core._messages as core
    assert midox.Message is core.Message
    assert midox.Message.__module__ == 'midox'
    _compiled_type_checks(midox.Message)


def test_parser_is_compiled():
    import midox._core._parser as core
    import midox.parser
    import midox.tokenizer
    assert midox.Parser is core.Parser is midox.parser.Parser
    assert midox.tokenizer.Tokenizer is core.Tokenizer
    assert midox.parse is core.parse and midox.parse_all is core.parse_all
    _compiled_type_checks(midox.Parser)
    _compiled_type_checks(midox.tokenizer.Tokenizer)
    for func in (midox.parse, midox.parse_all):
        assert not isinstance(func, types.FunctionType)
        assert not inspect.isfunction(func)


def _fresh_interpreter(code, **env):
    environment = dict(os.environ, **env)
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=environment,
                            cwd=child_process.NEUTRAL_CWD, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_does_not_import_mido_or_backend():
    code = (
        'import sys\n'
        'import midox, midox.parser, midox.tokenizer\n'
        'midox.parse_all(b"\\x90\\x3c\\x40")\n'
        'bad = sorted(m for m in sys.modules if m == "mido" or m.startswith("mido.")\n'
        '             or "backends" in m or m.split(".")[0] in ("rtmidi", "pygame", "portmidi", "jack"))\n'
        'print(repr(bad))\n'
    )
    # Even with a backend configured, importing must not load it.
    out = _fresh_interpreter(code, MIDOX_BACKEND='midox.backends.rtmidi', MIDO_BACKEND='mido.backends.rtmidi')
    assert out.strip() == '[]'


# Loaded on first use, not by ``import midox``: by the PortMidi and pygame backends, and by midox.arrays.
LAZY_CORE_MODULES = ['midox._core._arrays', 'midox._core._pmevents']


def test_import_loads_compiled_core_in_fresh_interpreter():
    names = [name for name in CORE_MODULES if name not in LAZY_CORE_MODULES]
    code = (
        'import sys, importlib.machinery as m\n'
        'import midox\n'
        f'names = {names!r}\n'
        'print(all(n in sys.modules and sys.modules[n].__file__.endswith(tuple(m.EXTENSION_SUFFIXES))'
        ' for n in names))\n'
        f'print(any(n in sys.modules for n in {LAZY_CORE_MODULES!r}))\n'
        'import midox.arrays\n'
        "print('midox._core._arrays' in sys.modules)\n"
    )
    assert _fresh_interpreter(code).split() == ['True', 'False', 'True']
