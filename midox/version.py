"""The version of midox, as mido's ``version_info`` (a packaging Version) and as the string ``__version__``."""
from packaging.version import Version

from ._version import __version__

version_info = Version(__version__)

__all__ = ["__version__", "version_info"]
