"""CSV in and out: downloads that are safe to open in a spreadsheet, and the delimiter of uploads.

A cell that starts with = + - @ (or a tab or carriage return) is read by Excel and LibreOffice
as a formula, so a name typed as `=HYPERLINK(...)` could run when an inspector opens the file.
Such cells get a leading apostrophe, which spreadsheets show as plain text (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = ",;\t"  # Excel saves ";" where "," is the decimal mark; "\t" from a paste
_QUOTED = re.compile(r'"[^"]*"')


def neutralise(value: object) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text (with a byte-order mark, so Excel reads UTF-8 names correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def records_csv(columns: Sequence[str], records: Iterable[Mapping[str, Any]]) -> str:
    """Records as CSV in the given column order."""
    return to_csv(columns, ([record[c] for c in columns] for record in records))


def csv_download(text: str, filename: str) -> Response:
    """CSV text as a file the browser saves under `filename`."""
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def delimiter_of(text: str) -> str:
    """The header line's delimiter: whichever of , ; and tab it uses most outside quotes (pure).

    Only the delimiter is guessed. Quoting is always the csv module's default (Excel's):
    `"` quotes a cell, `""` inside one is a quote mark. csv.Sniffer guessed those too, from
    the header alone, and then split `"Lee, Sam"` and mangled `"Pat ""Q"" Name"`.
    """
    header = _QUOTED.sub("", text.split("\n", 1)[0])
    best = max(DELIMITERS, key=header.count)  # a tie (or none at all) keeps ","
    return best if header.count(best) > 0 else ","
