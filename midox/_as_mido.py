"""``midox.install_as_mido()``: programs and libraries written for mido run on midox without a change.

After the call, ``import mido`` gives the midox package and ``import mido.X.Y`` gives ``midox.X.Y``: the same
module objects, so a client that extends mido (``mido.messages.SPEC_BY_TYPE``, ``add_meta_spec``) extends midox.
Submodules are aliased as they are imported, by a finder at the front of ``sys.meta_path``.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

_ALIAS = "mido"
_TARGET = "midox"


def _target_name(alias: str) -> str | None:
    """'mido.messages.specs' -> 'midox.messages.specs'; None for names outside mido."""
    if alias == _ALIAS or alias.startswith(_ALIAS + "."):
        return _TARGET + alias[len(_ALIAS):]
    return None


class _MidoAliases(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``mido`` and ``mido.*`` and loads them as the midox modules of the same path."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        target_name = _target_name(fullname)
        if target_name is None:
            return None
        target_spec = importlib.util.find_spec(target_name)
        if target_spec is None:
            return None         # ModuleNotFoundError names the mido module, as it would without midox
        return importlib.machinery.ModuleSpec(
            fullname, self, is_package=target_spec.submodule_search_locations is not None)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(_target_name(spec.name))  # type: ignore[arg-type]  # found by find_spec()
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module ran when midox imported it. importlib has just set the alias's spec on it: give it back
        # its own, so that the midox module keeps its identity (reload, pickling by module path, find_spec).
        module.__spec__ = module.__spec__.loader_state  # type: ignore[union-attr]  # set by create_module()


_FINDER = _MidoAliases()


def install_as_mido() -> None:
    """Register midox under mido's module names, so that ``import mido`` (by any module) imports midox.

    Call it before the program imports mido or a library that does (pretty_midi, miditoolkit, ...)::

        import midox
        midox.install_as_mido()
        import pretty_midi          # its "import mido" now gives midox

    Calling it again does nothing. Limits: it cannot replace a mido that is already imported (RuntimeError),
    since the modules that imported it keep references to mido's classes; the installed distribution is
    still mido's, so ``importlib.metadata.version('mido')`` tells mido's version; mido's modules that midox
    does not have (such as ``mido.backends.amidi``) raise ModuleNotFoundError.
    """
    import midox

    imported = sys.modules.get(_ALIAS)
    if imported is not None and imported is not midox:
        raise RuntimeError(
            "mido is already imported, so midox cannot stand in for it: call midox.install_as_mido() before "
            "importing mido or a library that imports it")
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    sys.modules[_ALIAS] = midox
    for name, module in list(sys.modules.items()):
        if name.startswith(_TARGET + "."):
            sys.modules.setdefault(_ALIAS + name[len(_TARGET):], module)
