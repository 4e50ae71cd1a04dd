"""Build the compiled core of midox, and the PortMidi binding when PortMidi is installed.

All metadata lives in pyproject.toml. Cython runs only when extensions are built (build_ext), never for sdist or
metadata steps, and writes its C into build_ext's build_temp directory, not into the source tree.

Environment switches (see the README):
  MIDOX_CYTHON_TRACE=1     compile with line tracing, for coverage of .pyx files
  MIDOX_CYTHON_ANNOTATE=1  write Cython's .html annotation next to each .pyx
                           (with either of these the generated .c goes next to each .pyx too: Cython's coverage
                           plugin looks for it there)
  MIDOX_PORTMIDI=auto      build the PortMidi binding (midox.backends._portmidi) if PortMidi is found (default);
                =required  fail the build if it is not found;  =off  never build it
  MIDOX_PORTMIDI_PREFIX    where PortMidi is installed (PREFIX/include/portmidi.h, PREFIX/lib/libportmidi.*);
                           otherwise pkg-config, then the compiler's default paths are tried

Extensions are compiled without debug info (-g0 with gcc and clang): it made up five sixths of their size. A -g
option in CFLAGS (tools/sanitize.sh passes one), build_ext --debug or MIDOX_CYTHON_TRACE keeps it.
"""
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import warnings

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CompileError, LinkError, PlatformError

PORTMIDI = "midox.backends._portmidi"

# Compiled and linked against each candidate PortMidi, with the binding's own header: a header of one PortMidi
# version and a library of another fail here, not at import.
PROBE = """\
#define _POSIX_C_SOURCE 200809L
#include "_pm_compat.h"
int main(void)
{
    const PmDeviceInfo *info = Pm_GetDeviceInfo(0);
    return (info != 0 && midox_pm_is_virtual(info)) ? 1 : Pm_CountDevices() < -1;
}
"""


def flag(name):
    return os.environ.get(name, "") not in ("", "0")


def in_prefix(prefix):
    """The Extension arguments for PortMidi installed under prefix, or what is missing there."""
    header = os.path.join(prefix, "include", "portmidi.h")
    libdirs = sorted({os.path.dirname(path) for pattern in ("lib*/*portmidi.*", "lib/*/*portmidi.*")
                      for path in glob.glob(os.path.join(glob.escape(prefix), pattern))})
    if not os.path.isfile(header):
        return f"no {header}"
    if not libdirs:
        return f"no libportmidi in {os.path.join(prefix, 'lib*')}"
    # Outside the loader's search path: record where the library is (not on macOS, whose dylibs carry theirs).
    rpath = libdirs if os.name == "posix" and sys.platform != "darwin" else []
    return {"include_dirs": [os.path.dirname(header)], "library_dirs": libdirs, "libraries": ["portmidi"],
            "runtime_library_dirs": rpath}


def from_pkg_config():
    """The Extension arguments pkg-config gives for portmidi, or why there are none."""
    pkg_config = os.environ.get("PKG_CONFIG") or shutil.which("pkg-config") or shutil.which("pkgconf")
    if not pkg_config:
        return "not installed"
    try:
        cflags, libs = (subprocess.run([pkg_config, option, "portmidi"], capture_output=True, text=True, check=True,
                                       timeout=60).stdout for option in ("--cflags", "--libs"))
    except (OSError, subprocess.SubprocessError):
        return "knows no portmidi"
    return {"extra_compile_args": shlex.split(cflags), "extra_link_args": shlex.split(libs)}


def portmidi_candidates():
    """Yield (label, Extension arguments or why that way cannot work) for each way to find PortMidi, in order."""
    prefix = os.environ.get("MIDOX_PORTMIDI_PREFIX", "").strip()
    if prefix:      # only there: the compiler's default paths might otherwise find another PortMidi
        prefix = os.path.abspath(os.path.expanduser(prefix))
        yield f"MIDOX_PORTMIDI_PREFIX={prefix}", in_prefix(prefix)
        return
    yield "pkg-config portmidi", from_pkg_config()
    yield "-lportmidi", {"libraries": ["portmidi"]}
    if sys.platform == "darwin":    # Homebrew's and MacPorts' prefixes, which the compiler does not search
        yield from ((f"-lportmidi in {prefix}", in_prefix(prefix))
                    for prefix in ("/opt/homebrew", "/usr/local", "/opt/local") if os.path.isdir(prefix))


def wants_debug_info(debug):
    """Whether the extensions keep their debug info: asked for by build_ext --debug, by MIDOX_CYTHON_TRACE, or by a
    -g option in CFLAGS (the last one decides, so "-g -g0" strips)."""
    levels = [option for option in shlex.split(os.environ.get("CFLAGS", "")) if option.startswith("-g")]
    return debug or flag("MIDOX_CYTHON_TRACE") or bool(levels and levels[-1] != "-g0")


def say_built_without(message):
    """Say that the binding is left out, where a successful build can show it: on stderr (pip shows a build's output
    with -v only; python -m build and setup.py always), and as a warning, which recent pip (26.3 here, not 23.2)
    shows without -v when it builds a folder (pip install .), but not an sdist archive."""
    print(f"warning: {message}", file=sys.stderr, flush=True)
    try:
        warnings.warn(message, UserWarning, stacklevel=2)
    except UserWarning:     # PYTHONWARNINGS=error: printed above, and auto mode must not fail the build
        pass


def sanitizer_options(compiler):
    """The -fsanitize options the extensions are compiled and linked with (from CFLAGS and LDFLAGS), in order.

    The probe executable needs them when it is linked too: its object is compiled with them, and only the
    compiler driver, given them, links the sanitizer runtimes that object calls into. (setuptools links
    executables with the bare compiler, without CFLAGS or LDFLAGS; an extension module gets the runtimes from
    the process that loads it, so its link needs nothing more.)"""
    options = []
    for command in (getattr(compiler, "compiler_so", None), getattr(compiler, "linker_so", None)):
        for option in command or ():
            if option.startswith(("-fsanitize", "-fno-sanitize")) and option not in options:
                options.append(option)
    return options


def link_probe(compiler, args, workdir):
    """Compile and link PROBE with args (Extension arguments); return None, or the compiler's first complaint."""
    source = os.path.join(workdir, "probe.c")
    with open(source, "w", encoding="ascii") as file:
        file.write(PROBE)
    with open(os.path.join(workdir, "probe.log"), "w+", encoding="utf-8", errors="replace") as log:
        # setuptools' compilers run each command through compiler.call(cmd, **subprocess_arguments): keep the
        # complaints for the message instead of the terminal (older setuptools has no call and prints them).
        call = getattr(compiler, "call", None)
        if call:
            compiler.call = lambda cmd, **kwargs: call(cmd, **kwargs, stdout=log, stderr=subprocess.STDOUT)
        try:
            objects = compiler.compile([source], output_dir=workdir,
                                       include_dirs=["backends", *args.get("include_dirs", [])],
                                       extra_postargs=args.get("extra_compile_args"))
            compiler.link_executable(objects, "probe", output_dir=workdir, extra_preargs=sanitizer_options(compiler),
                                     libraries=args.get("libraries"),
                                     library_dirs=args.get("library_dirs"),
                                     runtime_library_dirs=args.get("runtime_library_dirs"),
                                     extra_postargs=args.get("extra_link_args"))
        except (CompileError, LinkError) as error:
            log.seek(0)
            complaints = [line.strip() for line in log
                          if any(word in line.lower() for word in ("error", "undefined", "not found", "cannot find"))]
            return complaints[0] if complaints else str(error)
        finally:
            if call:
                del compiler.call
    return None


class BuildExt(build_ext):
    """build_ext that probes for PortMidi with the compiler it has configured, then runs Cython."""

    def build_extensions(self):
        from Cython.Build import cythonize

        self.find_portmidi()
        annotate, trace = flag("MIDOX_CYTHON_ANNOTATE"), flag("MIDOX_CYTHON_TRACE")
        cythonized = cythonize(self.extensions, build_dir=None if annotate or trace else self.build_temp,
                               include_path=["backends"], force=self.force, annotate=annotate,
                               compiler_directives={"language_level": 3, "embedsignature": True, "linetrace": trace})
        # New sources on the Extensions build_ext has prepared, rather than cythonize's new Extensions.
        sources = {extension.name: extension.sources for extension in cythonized}
        for extension in self.extensions:
            extension.sources = sources[extension.name]
        if self.compiler.compiler_type == "unix" and not wants_debug_info(self.debug):
            for extension in self.extensions:      # last on the command line: after Python's own -g and CFLAGS
                extension.extra_compile_args.append("-g0")
        super().build_extensions()

    def find_portmidi(self):
        """Complete the binding's Extension with where PortMidi is, or drop it (MIDOX_PORTMIDI, see the README)."""
        mode = os.environ.get("MIDOX_PORTMIDI", "").strip().lower() or "auto"
        if mode not in ("auto", "required", "off"):
            raise PlatformError(f"MIDOX_PORTMIDI must be auto, required or off, not {mode!r}")
        extension = next(extension for extension in self.extensions if extension.name == PORTMIDI)
        if mode != "off":
            tried = []
            with tempfile.TemporaryDirectory(prefix="midox-portmidi-probe-") as workdir:
                for label, args in portmidi_candidates():
                    problem = args if isinstance(args, str) else link_probe(self.compiler, args, workdir)
                    if problem is None:
                        for key, values in args.items():
                            getattr(extension, key).extend(values)
                        return
                    tried.append(f"{label}: {problem}")
            message = f"midox: PortMidi not found ({'; '.join(tried)})"
            fix = "Install libportmidi-dev / portmidi and reinstall, or set MIDOX_PORTMIDI_PREFIX"
            if mode == "required":
                raise PlatformError(f"{message}. {fix} (MIDOX_PORTMIDI=required)")
            say_built_without(f"{message}; building without the portmidi backend. {fix}")
        self.extensions.remove(extension)    # the same list as the distribution's ext_modules


macros = [("CYTHON_TRACE", "1"), ("CYTHON_TRACE_NOGIL", "1")] if flag("MIDOX_CYTHON_TRACE") else []
setup(
    ext_modules=[
        *(Extension(f"midox._core.{name[:-len('.pyx')]}", [f"midox/_core/{name}"], define_macros=macros)
          for name in sorted(glob.glob("*.pyx", root_dir="midox/_core"))),
        Extension(PORTMIDI, ["backends/_portmidi.pyx"], include_dirs=["backends"], define_macros=macros),
        # dlopen/dlsym live in libdl before glibc 2.34 (manylinux)
        Extension("midox.backends._quiet", ["backends/_quiet.pyx"], define_macros=macros,
                  libraries=["dl"] if sys.platform.startswith("linux") else []),
    ],
    cmdclass={"build_ext": BuildExt},
)
