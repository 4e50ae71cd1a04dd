"""Sphinx configuration of midox's manual: tools/docs.sh builds it (HTML, warnings as errors) and runs its examples.

midox is imported as installed (``pip install -e '.[docs]'`` in a checkout): its compiled modules exist only in a
build, so this file puts no source folder on sys.path.
"""
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
    "sphinx.ext.napoleon",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
nitpicky = False

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3        # "#8-midi-files"-style anchors, as GitHub makes them

html_theme = "furo"
html_title = f"midox {release}"
html_static_path = []

autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "description"
autodoc_mock_imports = []


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
