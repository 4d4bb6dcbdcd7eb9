"""Photos on disk, named by content hash: the same photo is stored once, whoever sends it."""
import errno
import logging
import os
import re
import tempfile
from pathlib import Path

from gridops.photos.errors import StorageFull

log = logging.getLogger(__name__)
#: What a full disk or an exhausted quota looks like to a write.
FULL = (errno.ENOSPC, errno.EDQUOT)

SHA256 = re.compile(r"^[0-9a-f]{64}$")
SIZES = {"full": ".jpg", "thumb": ".thumb.jpg"}


def upload_dir(app):
    """Return the configured photo directory (relative paths count from the working dir)."""
    return Path(app.config["GRIDOPS_UPLOAD_DIR"]).resolve()


def path_of(root, sha256, size="full"):
    """Return where the photo `sha256` of `size` lives under `root`."""
    if not SHA256.match(sha256 or "") or size not in SIZES:
        raise ValueError(f"not a stored photo name: {sha256!r} {size!r}")
    return Path(root) / sha256[:2] / f"{sha256}{SIZES[size]}"


def save(root, photo):
    """Write a CleanPhoto and its thumbnail unless they are already there.

    Raises StorageFull when the file system has no room left (no half-written file stays).
    """
    for size, data in (("full", photo.data), ("thumb", photo.thumb)):
        target = path_of(root, photo.sha256, size)
        if target.exists():
            continue
        try:
            _write_atomically(target, data)
        except OSError as error:
            if error.errno not in FULL:
                raise
            log.error("photo storage under %s is full: %s", root, error)
            raise StorageFull() from error


def _write_atomically(target, data):
    # A crash mid-write must never leave a truncated file under the final name.
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
