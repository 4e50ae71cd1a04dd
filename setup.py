"""Build the compiled core of midox.

All metadata lives in pyproject.toml; this file only lists the extensions and cythonizes them lazily, in
build_ext, so that metadata and sdist steps never run Cython.

Environment switches:
  MIDOX_CYTHON_TRACE=1     compile with line tracing, for coverage of .pyx files
  MIDOX_CYTHON_ANNOTATE=1  write Cython's .html annotation next to each .pyx
"""
import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

CORE_MODULES = ["_specs", "_checks", "_messages", "_parser", "_smf"]


def _flag(name):
    return os.environ.get(name, "") not in ("", "0")


def core_extensions():
    macros = [("CYTHON_TRACE", "1"), ("CYTHON_TRACE_NOGIL", "1")] if _flag("MIDOX_CYTHON_TRACE") else []
    return [
        Extension(f"midox._core.{name}", [f"midox/_core/{name}.pyx"], define_macros=macros)
        for name in CORE_MODULES
    ]


class CythonBuildExt(build_ext):
    """build_ext that runs cythonize on its first use instead of at import time."""

    def finalize_options(self):
        from Cython.Build import cythonize

        directives = {"language_level": 3, "embedsignature": True}
        if _flag("MIDOX_CYTHON_TRACE"):
            directives["linetrace"] = True
        self.distribution.ext_modules = cythonize(
            self.distribution.ext_modules,
            compiler_directives=directives,
            annotate=_flag("MIDOX_CYTHON_ANNOTATE"),
        )
        super().finalize_options()


setup(ext_modules=core_extensions(), cmdclass={"build_ext": CythonBuildExt})
