"""A small on-disk cache of compiled schema validators and checked flows, keyed by content hash.

Entries live in ``$WIZARD_CACHE_DIR`` (default ``$XDG_CACHE_HOME/yibao-wizard`` or
``~/.cache/yibao-wizard``), a folder created private to the user (0700). Set
``WIZARD_NO_CACHE=1`` to turn it off. A broken or foreign entry is ignored and rebuilt,
never trusted: keys include the content hash, the package version and the Python version.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import CodeType
from typing import Any

from . import __version__


def _code_fingerprint() -> str:
    """A hash of the core's own source, so a changed check never meets a stale entry."""
    h = hashlib.sha256(f"{__version__}-py{sys.version_info.major}{sys.version_info.minor}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(path.name.encode())
    return h.hexdigest()[:16]


_TAG = _code_fingerprint()


@cache
def cache_dir() -> Path | None:
    """The cache folder, created 0700, or None when disabled or not writable."""
    if os.environ.get("WIZARD_NO_CACHE"):
        return None
    base = os.environ.get("WIZARD_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "yibao-wizard")
    path = Path(base)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.stat().st_uid != os.getuid() or path.stat().st_mode & 0o022:
            return None  # someone else could plant entries: don't use it
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256(_TAG.encode())
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _write(path: Path, data: bytes) -> None:
    """Atomic write: a reader never sees half an entry."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def code(key: str, build: Callable[[], str]) -> CodeType:
    """Compiled Python source built by ``build``, cached as a marshalled code object."""
    folder = cache_dir()
    entry = folder / f"code-{key}.marshal" if folder else None
    if entry is not None:
        try:
            loaded = marshal.loads(entry.read_bytes())  # noqa: S302 - our own private cache folder
            if isinstance(loaded, CodeType):
                return loaded
        except (OSError, ValueError, EOFError, TypeError):
            pass
    compiled = compile(build(), f"<cached {key[:12]}>", "exec")
    if entry is not None:
        _write(entry, marshal.dumps(compiled))
    return compiled


def get(key: str) -> Any | None:
    """A cached object, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return pickle.loads((folder / f"obj-{key}.pickle").read_bytes())  # noqa: S301 - private cache folder
    except Exception:  # noqa: BLE001 - any unreadable entry is simply a miss
        return None


def put(key: str, value: Any) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an unpicklable value is just not cached
        return
    _write(folder / f"obj-{key}.pickle", data)
