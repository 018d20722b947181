"""motcua: queue and satisfaction system for Vietnamese one-stop public service centres."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("motcua")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
