"""RSS / RUM non groupé reading and writing (formats 022 for 2024-2025, 023 for 2026), and the join of RUMs with
a DIM's documents into stays.

Example (a year of history to training stays, then validated codes back to an RSS):

    from pathlib import Path
    from coding_assistant.formats import read_rss, rss_to_stays, originals_by_stay, write_rss

    records, errors = read_rss("rss_2025.txt", on_error="collect")
    for error in errors:
        print(error)                        # "rss_2025.txt:17: sex (position 71) must be 1 (male), 2 …"
    stays = list(rss_to_stays(records, Path("dpi_export"), join_on="admin"))
    write_rss(stays, "rss_valide.txt", format="023", originals=originals_by_stay(records))

Layouts: `layouts/README.md`. Positions in comments and messages are 1-based, as in the ATIH tables.
"""

from coding_assistant.formats.documents import DocumentFolder, DocumentLine, guess_doc_type
from coding_assistant.formats.errors import RssFormatError, RssLayoutError, RssWriteError
from coding_assistant.formats.join import (
    AdminFields,
    act_lines,
    admin_fields,
    group_by_rss,
    originals_by_stay,
    rss_codes,
    rss_to_stays,
    stay_of_rum,
)
from coding_assistant.formats.layout import LATEST_VERSION, SUPPORTED_VERSIONS, Field, RumLayout, load_layout
from coding_assistant.formats.reader import RssReadResult, parse_rum_line, read_rss
from coding_assistant.formats.record import RumAct, RumRecord
from coding_assistant.formats.writer import (
    CODES_CSV_COLUMNS,
    format_rum_line,
    stay_to_record,
    write_codes_csv,
    write_rss,
)

__all__ = [
    "CODES_CSV_COLUMNS",
    "LATEST_VERSION",
    "SUPPORTED_VERSIONS",
    "AdminFields",
    "DocumentFolder",
    "DocumentLine",
    "Field",
    "RssFormatError",
    "RssLayoutError",
    "RssReadResult",
    "RssWriteError",
    "RumAct",
    "RumLayout",
    "RumRecord",
    "act_lines",
    "admin_fields",
    "format_rum_line",
    "group_by_rss",
    "guess_doc_type",
    "load_layout",
    "originals_by_stay",
    "parse_rum_line",
    "read_rss",
    "rss_codes",
    "rss_to_stays",
    "stay_of_rum",
    "stay_to_record",
    "write_codes_csv",
    "write_rss",
]
