"""Zip files with the same bytes for the same content: Office documents (``.xlsx``, ``.docx``).

A zip records each member's modification time, and the writers of Office files stamp the time they
ran, so two builds of the same content differ in those bytes alone. :func:`normalise` rewrites a
zip with every member dated :data:`FIXED_DATE_TIME`, in a fixed order (``[Content_Types].xml``
first, as Office writes it, then by name), deflated, with fixed file permissions; the content of
every member is kept as it is.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

#: The date every member carries: the earliest a zip can record.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
#: Read and write for the owner, read for others (a regular file), as Unix permission bits.
_FILE_MODE = 0o100644 << 16


def _order(name: str) -> tuple[bool, str]:
    return (name != "[Content_Types].xml", name)


def normalise(data: bytes) -> bytes:
    """The zip ``data`` rewritten with fixed dates, order and permissions (same members, same content)."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {info.filename: src.read(info) for info in src.infolist() if not info.is_dir()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in sorted(members, key=_order):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = _FILE_MODE
            dst.writestr(info, members[name], compresslevel=6)
    return out.getvalue()


def normalise_file(path: str | os.PathLike) -> Path:
    """Rewrite the zip at ``path`` in place with :func:`normalise`; returns the path.

    Meant for a temporary file that is then renamed into place (:mod:`pbanalysis.core.atomic`)."""
    path = Path(path)
    path.write_bytes(normalise(path.read_bytes()))
    return path
