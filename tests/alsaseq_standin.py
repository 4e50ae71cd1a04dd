"""Run code against a userspace stand-in for the kernel's ALSA sequencer.

tests/alsaseq/fakeseq.c is an LD_PRELOAD library that emulates /dev/snd/seq at the system-call level
(client 0 "System", client 14 "Midi Through" whose port 14:0 is a loopback, one client per open()), so
the real libasound, PortMidi and pygame.midi can be exercised on machines without sound hardware.
It only takes effect in processes started with environ(); importing this module changes nothing.

    import alsaseq_standin
    alsaseq_standin.run_python("import pygame.midi; ...")          # -> subprocess.CompletedProcess
    subprocess.run([...], env=alsaseq_standin.environ())

A pytest session runs under it as a whole: conftest.py re-executes pytest with environ() (the device tests carry
the marker ``standin``).

Inside such a process there is one sequencer per process (clients of different processes do not see each
other); events scheduled on a queue are delivered at once; each client's input FIFO holds 200 kernel cells
as in the kernel (MIDOX_FAKESEQ_INPUT_POOL=N changes it), and overflowing it drops events exactly as the
kernel does. MIDOX_FAKESEQ_DEBUG=1 reports unknown ioctls on stderr, =2 traces every request.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "alsaseq" / "fakeseq.c"
CFLAGS = ("-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-pthread")
LIBS = ("-ldl",)

# pygame's wheel bundles a libasound built with prefix /usr/local, which looks for its configuration in
# /usr/local/share/alsa and cannot open "default" without it; point it at the system's configuration.
_SYSTEM_ALSA_CONFIG = Path("/usr/share/alsa")

_lock = threading.Lock()
_library = None


def library():
    """Build fakeseq.c (once per process, cached on disk by source hash) and return the .so path."""
    global _library
    with _lock:
        if _library is not None and os.path.exists(_library):
            return _library
        gcc = shutil.which("gcc")
        if gcc is None:
            raise RuntimeError("alsaseq_standin: gcc is needed to build tests/alsaseq/fakeseq.c and was not found")
        source = SOURCE.read_bytes()
        digest = hashlib.sha256(source + " ".join(CFLAGS + LIBS).encode()).hexdigest()[:16]
        cache = Path(tempfile.gettempdir()) / f"midox-fakeseq-{digest}"
        target = cache / "fakeseq.so"
        if not target.exists():
            cache.mkdir(parents=True, exist_ok=True)
            partial = cache / f"fakeseq.so.{os.getpid()}.{threading.get_ident()}.tmp"
            command = [gcc, *CFLAGS, "-o", str(partial), str(SOURCE), *LIBS]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0 or result.stderr.strip():
                partial.unlink(missing_ok=True)
                raise RuntimeError(
                    f"alsaseq_standin: building {SOURCE.name} failed (exit {result.returncode}):\n"
                    f"$ {' '.join(command)}\n{result.stderr}")
            os.replace(partial, target)     # atomic: concurrent builders each publish a complete file
        _library = str(target)
        return _library


def _is_sanitizer_runtime(path):
    """Whether an LD_PRELOAD entry is a sanitizer runtime: clang's (libclang_rt.asan-x86_64.so), gcc's
    (libasan.so.8) or atheris's (asan_with_fuzzer.so, ubsan_with_fuzzer.so)."""
    name = os.path.basename(path)
    return name.startswith(("libclang_rt.", "libasan.", "libubsan.")) or name.endswith("_with_fuzzer.so")


def environ(**extra):
    """A copy of os.environ that loads the stand-in (LD_PRELOAD, prepended, after a sanitizer runtime), plus
    extra variables."""
    env = dict(os.environ)
    lib = library()
    preload = [item for item in env.get("LD_PRELOAD", "").replace(":", " ").split() if item != lib]
    # A sanitizer runtime (tools/sanitize.sh preloads ASan into the uninstrumented interpreter) must stay first:
    # ASan refuses to start otherwise. The stand-in comes right after it, before anything else preloaded.
    runtimes = [item for item in preload if _is_sanitizer_runtime(item)]
    others = [item for item in preload if not _is_sanitizer_runtime(item)]
    env["LD_PRELOAD"] = " ".join([*runtimes, lib, *others])
    if "ALSA_CONFIG_DIR" not in env and (_SYSTEM_ALSA_CONFIG / "alsa.conf").exists():
        env["ALSA_CONFIG_DIR"] = str(_SYSTEM_ALSA_CONFIG)
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run_python(code, timeout=60, env=None, **kw):
    """Run `sys.executable -c code` under the stand-in; return the CompletedProcess.

    env: extra environment variables (a dict) on top of environ(). Other keyword arguments go to
    subprocess.run; output is captured as text unless told otherwise, and the child runs outside the checkout
    (child_process.py) unless cwd is given.
    """
    import child_process
    kw.setdefault("cwd", child_process.NEUTRAL_CWD)
    if not {"stdout", "stderr", "capture_output"} & kw.keys():
        kw["capture_output"] = True
    kw.setdefault("text", True)
    return subprocess.run([sys.executable, "-c", code], env=environ(**(env or {})), timeout=timeout, **kw)
