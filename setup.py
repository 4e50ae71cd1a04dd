"""Build the compiled core of midox, and the PortMidi binding when PortMidi is installed.

All metadata lives in pyproject.toml; this file only lists the extensions and cythonizes them lazily, in
build_ext, so that metadata and sdist steps never run Cython (nor the PortMidi probe's compiler).

Environment switches:
  MIDOX_CYTHON_TRACE=1     compile with line tracing, for coverage of .pyx files
  MIDOX_CYTHON_ANNOTATE=1  write Cython's .html annotation next to each .pyx
  MIDOX_PORTMIDI=auto      build the PortMidi binding (midox.backends._portmidi) if PortMidi is found (default);
                =required  fail the build if it is not found;  =off  never build it
  MIDOX_PORTMIDI_PREFIX    where PortMidi is installed (PREFIX/include/portmidi.h, PREFIX/lib/libportmidi.*);
                           otherwise pkg-config, then the compiler's default paths are tried
"""
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import PlatformError

CORE_MODULES = ["_specs", "_checks", "_messages", "_parser", "_meta", "_smf", "_pmevents"]
PORTMIDI_MODULE = "midox.backends._portmidi"


def _flag(name):
    return os.environ.get(name, "") not in ("", "0")


def _trace_macros():
    return [("CYTHON_TRACE", "1"), ("CYTHON_TRACE_NOGIL", "1")] if _flag("MIDOX_CYTHON_TRACE") else []


def core_extensions():
    macros = _trace_macros()
    return [
        Extension(f"midox._core.{name}", [f"midox/_core/{name}.pyx"], define_macros=macros)
        for name in CORE_MODULES
    ]


# ---- the PortMidi binding ----------------------------------------------------------------------------------

def _portmidi_mode():
    mode = os.environ.get("MIDOX_PORTMIDI", "").strip().lower() or "auto"
    if mode not in ("auto", "required", "off"):
        raise PlatformError(f"MIDOX_PORTMIDI must be auto, required or off, not {mode!r}")
    return mode


def portmidi_extension():
    """The binding's Extension, before the probe fills in where PortMidi is."""
    return Extension(PORTMIDI_MODULE, ["backends/_portmidi.pyx"], include_dirs=["backends"],
                     define_macros=_trace_macros())


_PROBE_SOURCE = """\
#define _POSIX_C_SOURCE 200809L
#include "_pm_compat.h"
int main(void)
{
    const PmDeviceInfo *info = Pm_GetDeviceInfo(0);
    return (info != 0 && midox_pm_is_virtual(info)) ? 1 : Pm_CountDevices() < -1;
}
"""


def _has_portmidi_library(libdir):
    names = os.listdir(libdir) if os.path.isdir(libdir) else []
    return any(name.startswith(("libportmidi.", "portmidi.")) for name in names)


def _prefix_candidate(prefix):
    names = ["lib", "lib64"]
    multiarch = sysconfig.get_config_var("MULTIARCH")        # Debian's lib/x86_64-linux-gnu
    if multiarch:
        names.append(os.path.join("lib", multiarch))
    libdirs = [os.path.join(prefix, name) for name in names if os.path.isdir(os.path.join(prefix, name))]
    # Outside the loader's search path: record where the library is (not on macOS, whose dylibs carry theirs).
    rpath = [libdir for libdir in libdirs if _has_portmidi_library(libdir)]
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        rpath = []
    return {
        "label": f"MIDOX_PORTMIDI_PREFIX={prefix}",
        "include_dirs": [os.path.join(prefix, "include")],
        "library_dirs": libdirs or [os.path.join(prefix, "lib")],
        "libraries": ["portmidi"],
        "runtime_library_dirs": rpath,
        "extra_compile_args": [],
        "extra_link_args": [],
    }


def _pkg_config_candidate():
    """Return a candidate from `pkg-config --cflags --libs portmidi`, or a string saying why there is none."""
    pkg_config = os.environ.get("PKG_CONFIG") or shutil.which("pkg-config") or shutil.which("pkgconf")
    if not pkg_config:
        return "pkg-config not installed"
    try:
        result = subprocess.run([pkg_config, "--cflags", "--libs", "portmidi"], capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        return f"pkg-config failed: {error}"
    if result.returncode != 0:
        return "pkg-config knows no portmidi"
    candidate = {"label": "pkg-config portmidi", "include_dirs": [], "library_dirs": [], "libraries": [],
                 "runtime_library_dirs": [], "extra_compile_args": [], "extra_link_args": []}
    for token in shlex.split(result.stdout):
        if token.startswith("-I"):
            candidate["include_dirs"].append(token[2:])
        elif token.startswith("-L"):
            candidate["library_dirs"].append(token[2:])
        elif token.startswith("-l"):
            candidate["libraries"].append(token[2:])
        elif token == "-pthread":
            candidate["extra_compile_args"].append(token)
            candidate["extra_link_args"].append(token)
        elif token.startswith(("-D", "-f", "-m")):
            candidate["extra_compile_args"].append(token)
        else:
            candidate["extra_link_args"].append(token)
    if "portmidi" not in candidate["libraries"]:
        candidate["libraries"].append("portmidi")
    return candidate


def _default_candidates():
    candidates = [{"label": "-lportmidi", "include_dirs": [], "library_dirs": [], "libraries": ["portmidi"],
                   "runtime_library_dirs": [], "extra_compile_args": [], "extra_link_args": []}]
    if sys.platform == "darwin":
        for prefix in ("/opt/homebrew", "/usr/local", "/opt/local"):
            if os.path.exists(os.path.join(prefix, "include", "portmidi.h")):
                candidate = _prefix_candidate(prefix)
                candidate["label"] = f"-lportmidi in {prefix}"
                candidates.append(candidate)
    return candidates


def _try_link(compiler, candidate, workdir):
    """Compile and link the probe program with candidate's flags; return None, or the compiler's complaint."""
    source = os.path.join(workdir, "probe.c")
    with open(source, "w", encoding="ascii") as file:
        file.write(_PROBE_SOURCE)
    log_path = os.path.join(workdir, "probe.log")
    # The compiler writes its errors to the terminal; keep them for the message instead.
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(log_path, "wb") as log:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            try:
                objects = compiler.compile([source], output_dir=workdir,
                                           include_dirs=[os.path.abspath("backends"), *candidate["include_dirs"]],
                                           extra_postargs=candidate["extra_compile_args"])
                compiler.link_executable(objects, "probe", output_dir=workdir,
                                         libraries=candidate["libraries"],
                                         library_dirs=candidate["library_dirs"],
                                         runtime_library_dirs=candidate["runtime_library_dirs"],
                                         extra_postargs=candidate["extra_link_args"])
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
    except Exception as error:      # any failure to compile or link (the compiler's classes vary by version)
        with open(log_path, "rb") as log:
            lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines()
                     if "error" in line.lower() or "cannot find" in line.lower() or "not found" in line.lower()]
        return lines[0] if lines else str(error).strip() or type(error).__name__
    finally:
        for fd in saved:
            os.close(fd)
    return None


def _prefix_problem(candidate):
    """Say what is missing under a prefix (the compiler would otherwise find the system's PortMidi instead)."""
    include = candidate["include_dirs"][0]
    if not os.path.isfile(os.path.join(include, "portmidi.h")):
        return f"no {os.path.join(include, 'portmidi.h')}"
    if any(_has_portmidi_library(libdir) for libdir in candidate["library_dirs"]):
        return None
    return f"no libportmidi in {' or '.join(candidate['library_dirs'])}"


def find_portmidi(compiler):
    """Find PortMidi for the binding: return (candidate, None) or (None, what was tried)."""
    prefix = os.environ.get("MIDOX_PORTMIDI_PREFIX", "").strip()
    if prefix:
        candidate = _prefix_candidate(os.path.abspath(os.path.expanduser(prefix)))
        problem = _prefix_problem(candidate)
        if problem:
            return None, f"{candidate['label']}: {problem}"
        candidates = [candidate]
        tried = []
    else:
        from_pkg_config = _pkg_config_candidate()
        if isinstance(from_pkg_config, dict):
            candidates = [from_pkg_config] + _default_candidates()
            tried = []
        else:
            candidates = _default_candidates()
            tried = [from_pkg_config]
    with tempfile.TemporaryDirectory(prefix="midox-portmidi-probe-") as workdir:
        for candidate in candidates:
            complaint = _try_link(compiler, candidate, workdir)
            if complaint is None:
                return candidate, None
            tried.append(f"{candidate['label']}: {complaint}")
    return None, "; ".join(tried)


def _not_found_message(reason):
    return (f"midox: PortMidi not found ({reason}); building without the portmidi backend. Install "
            f"libportmidi-dev / portmidi and reinstall, or set MIDOX_PORTMIDI_PREFIX")


class CythonBuildExt(build_ext):
    """build_ext that runs cythonize on its first use instead of at import time, and probes for PortMidi."""

    def finalize_options(self):
        from Cython.Build import cythonize

        extensions = self.distribution.ext_modules
        if _portmidi_mode() != "off" and not any(ext.name == PORTMIDI_MODULE for ext in extensions):
            # Cythonized always (it needs no PortMidi); compiled only if run() finds PortMidi.
            extensions.append(portmidi_extension())
        directives = {"language_level": 3, "embedsignature": True}
        if _flag("MIDOX_CYTHON_TRACE"):
            directives["linetrace"] = True
        self.distribution.ext_modules = cythonize(
            extensions,
            compiler_directives=directives,
            annotate=_flag("MIDOX_CYTHON_ANNOTATE"),
            include_path=["backends"],
        )
        super().finalize_options()

    def _probe_compiler(self):
        from setuptools._distutils.ccompiler import new_compiler
        from setuptools._distutils.sysconfig import customize_compiler

        compiler = new_compiler(compiler=self.compiler, force=True)
        customize_compiler(compiler)
        for name, value in self.define or ():
            compiler.define_macro(name, value)
        for name in self.undef or ():
            compiler.undefine_macro(name)
        if self.include_dirs:
            compiler.set_include_dirs(self.include_dirs)
        if self.library_dirs:
            compiler.set_library_dirs(self.library_dirs)
        return compiler

    def run(self):
        portmidi = [ext for ext in self.extensions if ext.name == PORTMIDI_MODULE]
        if portmidi:
            extension = portmidi[0]
            candidate, reason = find_portmidi(self._probe_compiler())
            if candidate is None:
                message = _not_found_message(reason)
                if _portmidi_mode() == "required":
                    raise PlatformError(message.replace("; building without the portmidi backend", "") +
                                        " (MIDOX_PORTMIDI=required)")
                print(message, file=sys.stderr, flush=True)
                self.extensions = [ext for ext in self.extensions if ext is not extension]
                self.distribution.ext_modules = [ext for ext in self.distribution.ext_modules
                                                 if ext is not extension]
            else:
                for key in ("include_dirs", "library_dirs", "libraries", "runtime_library_dirs",
                            "extra_compile_args", "extra_link_args"):
                    getattr(extension, key).extend(item for item in candidate[key]
                                                   if item not in getattr(extension, key))
        super().run()


setup(ext_modules=core_extensions(), cmdclass={"build_ext": CythonBuildExt})
