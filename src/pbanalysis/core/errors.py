"""The errors users see: :class:`InputError` (bad input), :class:`ParameterError` (a parameter
outside its allowed values) and :class:`RunError` (a notebook run that failed).

Every message names the file, the row and the column (where they apply) and says what was
expected, so a user can open the file and fix it.
"""

from __future__ import annotations

from pathlib import Path


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class InputError(ValueError):
    """Bad input: a file, a row, a column, and what was expected there.

    ``row`` is 1-based as a spreadsheet shows it; ``column`` is a 0-based CSV
    field index (shown with its letter) or a column name. For a workbook,
    ``sheet`` names the sheet, and an integer column is shown by its letter.
    For a YAML file, ``key`` names the entry by its path of keys ("checks.F1.method").
    """

    def __init__(
        self,
        path,
        expected: str,
        *,
        row: int | None = None,
        column: int | str | None = None,
        found: str | None = None,
        sheet: str | None = None,
        key: str | None = None,
    ):
        self.path = Path(path) if path is not None else None
        self.key = key
        self.sheet = sheet
        self.row = row
        self.column = column
        self.expected = expected
        self.found = found
        super().__init__(self._message())

    def _message(self) -> str:
        where = [str(self.path) if self.path is not None else "<input>"]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            if isinstance(self.column, int) and self.sheet is not None:
                where.append(f"column {column_letter(self.column)}")
            elif isinstance(self.column, int):
                where.append(f"column {column_letter(self.column)} (field {self.column})")
            else:
                where.append(f"column {self.column!r}")
        if self.key is not None:
            where.append(f"key {self.key!r}")
        msg = ", ".join(where) + f": expected {self.expected}"
        if self.found is not None:
            msg += f"; found {self.found!r}"
        return msg


class ParameterError(ValueError):
    """A notebook or CLI parameter outside its allowed values."""

    def __init__(self, name: str, value, allowed):
        self.name, self.value, self.allowed = name, value, allowed
        if isinstance(allowed, (list, tuple, set, frozenset)):
            shown = ", ".join(map(str, allowed))
        else:
            shown = str(allowed)
        super().__init__(f"parameter {name}={value!r} is not allowed; allowed values: {shown}")


class RunError(RuntimeError):
    """A notebook run failed for a reason other than a bad parameter (names the cell and error)."""
