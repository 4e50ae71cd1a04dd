"""Device backends of midox (mido's ``mido.backends``); the registry is ``midox.backends.backend``.

The backend modules (``midox.backends.rtmidi``, ``.portmidi``, ``.pygame``) are imported only when a backend is
used: importing this package imports none of them, no MIDI library and no shared library.

A backend module raises ImportError at import time when its MIDI library is missing (``BackendUnavailable`` with
an install hint, for midox's own backends), so that the default search moves on to the next backend.
"""
from .backend import DEFAULT_BACKEND, DEFAULT_BACKENDS, Backend, BackendUnavailable

__all__ = ["DEFAULT_BACKEND", "DEFAULT_BACKENDS", "Backend", "BackendUnavailable"]
