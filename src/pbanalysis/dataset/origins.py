"""Where every official file comes from: the records of ``data/reference/origins.yaml``.

One record per official file: publisher, publication title, the publisher's page where known,
the stored copy it was read from (repository, path, commit, git blob), the date accessed, licence
and sha256. :func:`load_origins` validates the file on load, naming the line and field of a
missing or malformed value; :func:`origin_of` finds the record of a file read, and
:meth:`Origin.source` gives it as a source entry of the data package.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError


def sha256(path: Path | str) -> str:
    """The sha256 of a file's bytes, as 64 hex digits."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


#: Fields of a publication record: name -> pattern its value must match (None: any text).
PUBLICATION_FIELDS = {
    "publisher": None,
    "publication": None,
    "licence": None,
    "licence_url": r"^https?://\S+$",
    "repository": r"^[\w.-]+/[\w.-]+$",
    "accessed": r"^\d{4}-\d{2}-\d{2}$",
}
OPTIONAL_PUBLICATION_FIELDS = {
    "publisher_page": r"^https?://\S+$",
    "credit": None,
    # A file that is not the publisher's own: ``kind: secondary_compilation``, who compiled it,
    # and why its values are trusted (a compilation must say all three).
    "kind": r"^(official|secondary_compilation)$",
    "compiled_by": None,
    "trusted_because": None,
}
#: What a chart or page using a secondary compilation says of it.
COMPILED_FROM = "compiled from NHS Digital's ASCOF files"
#: Fields of a file record.
FILE_FIELDS = {
    "file": r"^[\w.-]+/[\w. ()-]+$",
    "publication": None,
    "year": r"^\d{4}(-\d{2})?( to \d{4}-\d{2})?$",
    "path": None,
    "commit": r"^[0-9a-f]{40}$",
    "blob": r"^[0-9a-f]{40}$",
    "sha256": r"^[0-9a-f]{64}$",
}
OPTIONAL_FILE_FIELDS = {"publisher_page": r"^https?://\S+$"}


@dataclass(frozen=True)
class Origin:
    """Where one official file comes from (a record of ``origins.yaml`` with its publication's fields)."""

    file: str  #: path relative to the source folder, e.g. ``pssex1/pssex1_activity_2009-10.csv``
    key: str  #: the publication key (pssex1, lookup, ascof)
    publisher: str
    publication: str
    publisher_page: str  #: the publisher's page, or "" where not known
    credit: str  #: short credit for a chart's source line (publisher and publication), or ""
    licence: str
    licence_url: str
    repository: str  #: the stored copy: GitHub owner/name
    path: str  #: ... its path in the repository
    commit: str  #: ... the commit (40 hex digits)
    blob: str  #: ... the git blob id (40 hex digits)
    accessed: str  #: ISO date accessed
    year: str  #: the financial year (or version) the file covers
    sha256: str  #: sha256 of the file's bytes
    kind: str = "official"  #: official, or secondary_compilation (not the publisher's own file)
    compiled_by: str = ""  #: for a compilation: who compiled it, as far as is known
    trusted_because: str = ""  #: for a compilation: why its values are trusted (what was checked)

    @property
    def stored_copy_url(self) -> str:
        """Address of the stored copy at its commit on GitHub."""
        return f"https://github.com/{self.repository}/blob/{self.commit}/{self.path}".replace(" ", "%20")

    def source(self, title: str, actual_sha256: str | None = None, **extra: object) -> dict:
        """This origin as a data-package source entry (``actual_sha256``: of the file actually read)."""
        out = {
            "title": title,
            "publisher": self.publisher,
            "publication": self.publication,
            "year": self.year,
            "licence": self.licence,
            "licence_url": self.licence_url,
            "retrieved": self.accessed,
        }
        if self.publisher_page:
            out["path"] = self.publisher_page
        if self.credit:
            out["credit"] = self.credit
        out["stored_copy"] = {
            "repository": self.repository,
            "path": self.path,
            "commit": self.commit,
            "blob": self.blob,
            "url": self.stored_copy_url,
        }
        out["file"] = Path(self.file).name
        if self.kind != "official":
            out["kind"] = self.kind
            out["compiled_by"] = self.compiled_by
            out["trusted_because"] = self.trusted_because
        out.update(extra)
        out["sha256"] = actual_sha256 or self.sha256
        if actual_sha256 and actual_sha256 != self.sha256:
            out["sha256_in_origins"] = self.sha256
        return out


def _line_numbers(text: str) -> dict[tuple, int]:
    """1-based line of every mapping key and sequence item in a YAML text: path tuple -> line."""
    lines: dict[tuple, int] = {}

    def walk(node, at):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                lines[at + (k.value,)] = k.start_mark.line + 1
                walk(v, at + (k.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                lines[at + (i,)] = v.start_mark.line + 1
                walk(v, at + (i,))

    walk(yaml.compose(text), ())
    return lines


def _text(value) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


def load_origins(path: Path | str | None = None) -> dict[str, Origin]:
    """Every origin record of ``origins.yaml``, keyed by file (relative to the source folder).

    Raises InputError naming the file, line and field for a missing or malformed field.
    """
    path = Path(path or paths.ORIGINS_YAML)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "the origin records of the official files (data/reference/origins.yaml)") from None
    try:
        doc = yaml.safe_load(text)
        lines = _line_numbers(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, "valid YAML", row=mark.line + 1 if mark else None, found=str(exc)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("publications"), dict):
        raise InputError(path, "a mapping 'publications' of publication records", row=1, column="publications")
    if not isinstance(doc.get("files"), list) or not doc["files"]:
        raise InputError(path, "a list 'files' of file records", row=1, column="files")

    def check(record, fields, optional, at, what):
        if not isinstance(record, dict):
            raise InputError(path, f"{what} as a mapping of fields", row=lines.get(at, 1))
        for name in record:
            if name not in fields and name not in optional:
                allowed = ", ".join([*fields, *optional])
                raise InputError(
                    path, f"only the fields {allowed} in {what}", row=lines.get(at + (name,)), column=name, found=name
                )
        out = {}
        for name, pattern in {**fields, **optional}.items():
            value = _text(record.get(name)).strip()
            if name in fields and not value:
                raise InputError(path, f"a value for field '{name}' in {what}", row=lines.get(at, 1), column=name)
            if value and pattern and not re.match(pattern, value):
                raise InputError(
                    path,
                    f"field '{name}' of {what} to match {pattern}",
                    row=lines.get(at + (name,)),
                    column=name,
                    found=value,
                )
            out[name] = value
        return out

    pubs = {
        key: check(rec, PUBLICATION_FIELDS, OPTIONAL_PUBLICATION_FIELDS, ("publications", key), f"publication {key!r}")
        for key, rec in doc["publications"].items()
    }
    origins: dict[str, Origin] = {}
    for i, rec in enumerate(doc["files"]):
        at = ("files", i)
        f = check(rec, FILE_FIELDS, OPTIONAL_FILE_FIELDS, at, f"file record {i + 1}")
        if f["publication"] not in pubs:
            raise InputError(
                path,
                f"a publication key defined under 'publications' ({', '.join(pubs)})",
                row=lines.get(at + ("publication",)),
                column="publication",
                found=f["publication"],
            )
        if f["file"] in origins:
            raise InputError(path, "each file once", row=lines.get(at + ("file",)), column="file", found=f["file"])
        pub = pubs[f["publication"]]
        if pub["kind"] == "secondary_compilation" and not (pub["compiled_by"] and pub["trusted_because"]):
            raise InputError(
                path,
                f"'compiled_by' and 'trusted_because' for a secondary compilation (publication {f['publication']!r})",
                row=lines.get(("publications", f["publication"]), 1),
                column="trusted_because" if pub["compiled_by"] else "compiled_by",
            )
        origins[f["file"]] = Origin(
            file=f["file"],
            key=f["publication"],
            publisher=pub["publisher"],
            publication=pub["publication"],
            publisher_page=f["publisher_page"] or pub["publisher_page"],
            credit=pub["credit"],
            licence=pub["licence"],
            licence_url=pub["licence_url"],
            repository=pub["repository"],
            path=f["path"],
            commit=f["commit"],
            blob=f["blob"],
            accessed=pub["accessed"],
            year=f["year"],
            sha256=f["sha256"],
            kind=pub["kind"] or "official",
            compiled_by=pub["compiled_by"],
            trusted_because=pub["trusted_because"],
        )
    return origins


def origin_of(
    file_path: Path | str,
    source_dir: Path | str,
    origins: dict[str, Origin],
    origins_path: Path | str | None = None,
) -> Origin:
    """The origin record of an official file read from ``source_dir``; InputError if it has none."""
    rel = Path(file_path).relative_to(Path(source_dir)).as_posix()
    if rel not in origins:
        raise InputError(
            origins_path or paths.ORIGINS_YAML,
            f"a record for the official file {rel} under 'files'",
            column="file",
            found="no record",
        )
    return origins[rel]
