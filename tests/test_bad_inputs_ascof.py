"""The bad-input corpus cases of the ASCOF files (see ``test_bad_inputs.py``, whose checks these are):
a module of their own, so that they run beside the others."""

from __future__ import annotations

import pytest
from corpus import CASES
from test_bad_inputs import (  # noqa: F401 (fixtures and the skip mark)
    baseline,
    check_case,
    project_files_unchanged,
    pytestmark,
)

ASCOF_CASES = [c for c in CASES if c.id.startswith("ascof-")]


@pytest.mark.parametrize("case", ASCOF_CASES, ids=[c.id for c in ASCOF_CASES])
def test_corpus_case(case, tmp_path, baseline):  # noqa: F811
    check_case(case, tmp_path, baseline)
