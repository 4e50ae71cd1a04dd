"""Sphinx configuration of midox's manual: tools/docs.sh builds it (HTML, warnings as errors) and runs its examples.

midox is imported as installed (``pip install -e '.[docs]'`` in a checkout): its compiled modules exist only in a
build, so this file puts no source folder on sys.path.
"""
import doctest
import re

import midox

project = "midox"
author = "the midox authors"
copyright = "the midox authors, MIT License"
release = midox.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

myst_heading_anchors = 3        # "#8-midi-files"-style anchors, as GitHub makes them

html_theme = "furo"
html_title = f"midox {release}"
html_static_path = []

autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": True}
autodoc_typehints = "description"
# The backends import their MIDI libraries; the reference needs only their docstrings.
autodoc_mock_imports = ["rtmidi", "pygame"]


# Only the guide's doctest blocks are run: the docstrings' examples are illustrations, and some need files they do
# not make.
doctest_test_doctest_blocks = ""
# Exceptions are compared with their messages too (Sphinx ignores the message by default).
doctest_default_flags = doctest.ELLIPSIS | doctest.DONT_ACCEPT_TRUE_FOR_1

# The examples of the guide run in an empty temporary folder: those that write files leave nothing behind.
doctest_global_setup = """
import os, tempfile
_doc_folder = tempfile.TemporaryDirectory(prefix='midox-docs-')
_doc_cwd = os.getcwd()
os.chdir(_doc_folder.name)
"""
doctest_global_cleanup = """
os.chdir(_doc_cwd)
_doc_folder.cleanup()
"""


# The docstrings are written for help(): plain text with reST field lists (":param x:"). Three habits of that
# plain text are markup to reST; they are escaped here, so the reference reads as help() does:
#   "**values" in a signature written in prose (an unclosed strong emphasis to reST),
#   a name with a trailing underscore ("type_", a hyperlink reference to reST),
#   a paragraph that follows a field list without a blank line (a malformed field list to reST).
_UNCLOSED_STARS = re.compile(r"(?<![\\*\w])\*\*(?=\w)(?!\w+\*\*)")
_TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?![\w`])")
_FIELD = re.compile(r"\s*:\w[^:]*:")


def _plain_text_to_rest(app, what, name, obj, options, lines):
    fixed = []
    in_fields = False
    for line in lines:
        if "``" not in line:
            line = _TRAILING_UNDERSCORE.sub(r"\\_", _UNCLOSED_STARS.sub(r"\\*\\*", line))
        if _FIELD.match(line):
            in_fields = True
        elif in_fields and line and not line[0].isspace():
            fixed.append("")
            in_fields = False
        elif not line.strip():
            in_fields = False
        fixed.append(line)
    lines[:] = fixed


def setup(app):
    app.connect("autodoc-process-docstring", _plain_text_to_rest)
