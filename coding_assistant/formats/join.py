"""RUMs + documents -> stays: the way a DIM's history (RSS files and DPI exports) becomes training data.

Stays are built per RUM by default (`group="rum"`, stay_id "<RSS number>-<RUM number>"): the DP, DR and DAS
are chosen and sent per RUM (the DP is the condition that motivated the stay *in the unit*), so a stay per
RUM keeps the exact gold codes and can be written back into the RSS unchanged. Documents, however, belong
to the hospitalisation: every RUM of a multi-RUM RSS gets the same documents.

`group="rss"` makes one stay per RSS (stay_id = RSS number), for a model that codes a whole hospitalisation
from its letters. Its codes are an approximation of what the ATIH grouping function does, not the FG:
- the main RUM is the longest one (ties: the first in the file); its DP and DR are the stay's DP and DR;
- the DAS are, in file order, the DP and DR of the other RUMs and the DAS of every RUM, without repeats
  (the FG counts the other RUMs' DPs as associated diagnoses) *(to confirm against the Guide méthodologique)*;
- the acts are every RUM's act zones, in file order (`act_lines`);
- admission = first entry, discharge = last exit, unit = the main RUM's, age at the first entry;
- entry mode and provenance of the first RUM, exit mode and destination of the last, the first birth weight
  and gestational age given, the sessions of all RUMs (`admin_fields`).
Such stays cannot be written back to RUMs (`write_rss` refuses them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal, TypedDict

from coding_assistant.formats.documents import DocumentFolder
from coding_assistant.formats.record import RumAct, RumRecord
from coding_assistant.schema import CodedAct, Codes, Document, Stay

Group = Literal["rum", "rss"]
_ACTIVITIES = frozenset("12345")  # CCAM activity codes
JoinOn = Literal["rss", "admin"]


def _check_options(group: str, join_on: str) -> None:
    if group not in ("rum", "rss"):
        raise ValueError(f"group must be 'rum' or 'rss', not {group!r}")
    if join_on not in ("rss", "admin"):
        raise ValueError(f"join_on must be 'rss' or 'admin', not {join_on!r}")


def group_by_rss(records: Iterable[RumRecord]) -> dict[str, list[RumRecord]]:
    """RUMs by RSS number, in the order the RSS first appear (an RSS's RUMs need not be consecutive)."""
    groups: dict[str, list[RumRecord]] = {}
    for record in records:
        groups.setdefault(record.rss_number, []).append(record)
    return groups


def originals_by_stay(records: Iterable[RumRecord], group: Group = "rum") -> dict[str, list[RumRecord]]:
    """stay_id -> the RUM(s) the stay is built from, as `rss_to_stays` names them; give it to `write_rss`
    or `write_codes_csv` to write stays back with their numbers."""
    _check_options(group, "rss")
    if group == "rss":
        return group_by_rss(records)
    found: dict[str, list[RumRecord]] = {}
    for record in records:
        found.setdefault(record.stay_id, []).append(record)
    return found


def main_rum(rums: Sequence[RumRecord]) -> RumRecord:
    """The longest RUM of an RSS, the first one on a tie (an approximation of the FG's choice)."""
    return max(rums, key=lambda r: r.length_of_stay)  # max keeps the first of equal keys


def act_lines(zones: Iterable[RumAct]) -> list[CodedAct]:
    """A RUM's act zones as the stay's acts: code, activity, phase and date of each zone (a blank activity or
    phase is the default, 1 and 0). The zone's other sub-fields (PMSI extension, modifiers, number of
    realisations) stay in the RUM line the store keeps, which the export writes back. A zone whose activity or
    phase is not a CCAM digit (activities 1-5, phases 0-9) is left out here, not the stay: the coding of the
    letters does not need it, the RUM line keeps it as written and the grouping function reports it."""
    lines = []
    for zone in zones:
        activity, phase = zone.activity.strip() or "1", zone.phase.strip() or "0"
        if activity in _ACTIVITIES and len(phase) == 1 and phase.isdigit():
            lines.append(CodedAct(code=zone.code, activity=int(activity), phase=int(phase), date=zone.date))
    return lines


def rss_codes(rums: Sequence[RumRecord]) -> Codes:
    """Codes of a whole RSS: the main RUM's DP and DR, every other diagnosis as a DAS, every RUM's acts (see
    module doc)."""
    main = main_rum(rums)
    others: list[str] = []
    for rum in rums:
        if rum is not main:
            others += [c for c in (rum.dp, rum.dr) if c]
        others += rum.das
    own = {main.dp, main.dr}
    return Codes(
        dp=main.dp,
        dr=main.dr,
        das=[c for c in dict.fromkeys(others) if c not in own],
        acts=act_lines(zone for rum in rums for zone in rum.acts),
    )


def _number(record: RumRecord, join_on: JoinOn) -> str:
    return record.rss_number if join_on == "rss" else record.admin_number


class AdminFields(TypedDict):
    """The RUM's administrative fields, named as in `Stay`."""

    entry_mode: str | None
    entry_origin: str | None
    exit_mode: str | None
    exit_destination: str | None
    birth_weight: int | None
    gestational_age: int | None
    sessions: int | None


def admin_fields(rums: Sequence[RumRecord]) -> AdminFields:
    """The administrative fields of a stay made of these RUMs, as `Stay` names them: entry mode and
    provenance of the first RUM (by entry date), exit mode and destination of the last (by exit date), the
    first birth weight and gestational age given, the sessions of all. Blank fields, and the zeros a RUM
    writes in a number field it leaves empty (ATIH: "Droite/Zéro"), are None."""
    first = min(rums, key=lambda r: r.entry_date)
    last = max(reversed(rums), key=lambda r: r.exit_date)  # the last of equal exit dates
    return AdminFields(
        entry_mode=first.entry_mode or None,
        entry_origin=first.entry_origin or None,
        exit_mode=last.exit_mode or None,
        exit_destination=last.exit_destination or None,
        birth_weight=next((r.birth_weight for r in rums if r.birth_weight), None),
        gestational_age=next((r.gestational_age for r in rums if r.gestational_age), None),
        sessions=sum(r.sessions or 0 for r in rums) or None,
    )


def _stay_of_rum(record: RumRecord, documents: list[Document]) -> Stay:
    return Stay(
        stay_id=record.stay_id,
        sex=record.sex,
        age=record.age_at_entry,
        admission_date=record.entry_date,
        discharge_date=record.exit_date,
        unit=record.unit or None,
        documents=documents,
        codes=Codes(dp=record.dp, dr=record.dr, das=list(record.das), acts=act_lines(record.acts)),
        **admin_fields([record]),
    )


def _stay_of_rss(rums: Sequence[RumRecord], documents: list[Document]) -> Stay:
    first = min(rums, key=lambda r: r.entry_date)
    return Stay(
        stay_id=rums[0].rss_number,
        sex=first.sex,
        age=first.age_at_entry,
        admission_date=first.entry_date,
        discharge_date=max(r.exit_date for r in rums),
        unit=main_rum(rums).unit or None,
        documents=documents,
        codes=rss_codes(rums),
        **admin_fields(rums),
    )


def stay_of_rum(record: RumRecord, folder: DocumentFolder | None, join_on: JoinOn = "rss") -> Stay:
    """The stay of one RUM with its documents from `folder`; raises InputFileError when one of them cannot be
    read (so that a caller may fail this stay alone)."""
    number = _number(record, join_on)
    documents = [d.model_copy() for d in folder.documents(number)] if folder is not None and number else []
    return _stay_of_rum(record, documents)


def rss_to_stays(
    records: Iterable[RumRecord],
    documents_dir: Path | str | None = None,
    join_on: JoinOn = "rss",
    group: Group = "rum",
    encoding: str | None = None,
) -> Iterator[Stay]:
    """Stays from RUMs, with their documents from `documents_dir` (see `documents.py` for the folder's form)
    joined on the RSS number (`join_on="rss"`) or the administrative number (`"admin"`). A stay without
    documents is still returned: the caller decides. `encoding` is that of the text files (default UTF-8,
    else Windows-1252). Per RUM, the records are streamed; per RSS, they are all read first.

    >>> stays = list(rss_to_stays(read_rss("rss.txt"), Path("docs"), join_on="admin"))  # doctest: +SKIP
    """
    _check_options(group, join_on)
    folder = DocumentFolder(documents_dir, encoding) if documents_dir is not None else None

    def documents_of(record: RumRecord) -> list[Document]:
        number = _number(record, join_on)
        if folder is None or not number:
            return []
        return [document.model_copy() for document in folder.documents(number)]

    if group == "rum":
        for record in records:
            yield stay_of_rum(record, folder, join_on)
    else:
        for rums in group_by_rss(records).values():
            yield _stay_of_rss(rums, documents_of(rums[0]))
