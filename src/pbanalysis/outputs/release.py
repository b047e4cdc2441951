"""The release basics every page states, as a statistical bulletin does: who to contact, the date
of the release, its statistical status, and when the sources were last updated.

The contact is a role address set in one place, ``[tool.pbanalysis] contact`` in ``pyproject.toml``.
Until it is set to a real address it is a placeholder (an address at one of the domains reserved
for examples, RFC 2606), and the pages say so.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date as _date

from pbanalysis.core import format as fmt
from pbanalysis.core import paths

#: The contact when none is configured: a placeholder, and marked as one.
PLACEHOLDER_CONTACT = "personal-budgets-analysis@example.org"
#: Domains reserved for examples (RFC 2606): an address there is a placeholder.
_EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
STATUS = "Not official statistics; an independent analysis of official statistics."
#: What the page says beside a placeholder contact.
PLACEHOLDER_NOTE = "placeholder address: no contact has been set for this release yet"


@dataclass(frozen=True)
class Release:
    """What the pages say about the release."""

    contact: str
    contact_is_placeholder: bool
    status: str
    sources_updated: str  #: the newest date a source was read, in words ('10 July 2025')
    sources_updated_iso: str

    @property
    def contact_note(self) -> str:
        """What a page prints beside a placeholder contact ('' for a real one)."""
        return PLACEHOLDER_NOTE if self.contact_is_placeholder else ""


def configured_contact(pyproject: str | None = None) -> str:
    """The contact address of ``[tool.pbanalysis] contact`` in pyproject.toml, else the placeholder."""
    path = paths.ROOT / "pyproject.toml" if pyproject is None else pyproject
    try:
        with open(path, "rb") as f:
            conf = tomllib.load(f)
    except FileNotFoundError:
        return PLACEHOLDER_CONTACT
    return str(conf.get("tool", {}).get("pbanalysis", {}).get("contact") or PLACEHOLDER_CONTACT).strip()


def is_placeholder(address: str) -> bool:
    """Whether an address is a placeholder (one at a domain reserved for examples)."""
    return address.rsplit("@", 1)[-1].lower() in _EXAMPLE_DOMAINS


def long_date(iso: str) -> str:
    """'2025-07-10' as '10 July 2025'."""
    return fmt.date(_date.fromisoformat(iso[:10]))


@functools.lru_cache(maxsize=1)
def release() -> Release:
    """The release basics: contact (configured), status, and the newest date a source was read
    (``accessed`` in origins.yaml)."""
    from pbanalysis.dataset import origins

    newest = max(o.accessed for o in origins.load_origins().values())
    contact = configured_contact()
    return Release(contact, is_placeholder(contact), STATUS, long_date(newest), newest)
