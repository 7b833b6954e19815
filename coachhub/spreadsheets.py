"""CSV files people open in a spreadsheet: cells that would run as formulas are defused."""

import csv
import io
from collections.abc import Iterable

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (=HYPERLINK(...) leaks data, =cmd|... runs programs).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def csv_text(rows: Iterable[dict], columns: Iterable[str]) -> str:
    """The rows as CSV text (header first), every cell passed through `safe_cell`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return out.getvalue()


class SafeCsvWriter:
    """Writes rows one at a time to an open text file, cells defused as in `csv_text`."""

    def __init__(self, out, columns: Iterable[str]):
        self._writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        self._writer.writeheader()

    def writerow(self, row: dict) -> None:
        self._writer.writerow({key: safe_cell(value) for key, value in row.items()})
