"""The worklist's filters and sort, kept across pages and reloads: in the session, and in the page's URL
(`?statut=to_code,proposed&um=CARD&tri=a_verifier…`), so that a reload, the browser's back button or a link
brings the same list back, and so that the stay page knows which list "suivant" walks through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from coding_assistant.store import WorklistFilter, WorklistSort
from coding_review.dates_fr import parse_date
from coding_review.labels import STATUS_LABELS

DEFAULT_STATUSES: tuple[str, ...] = ("to_code", "proposed")
DEFAULT_SORT: WorklistSort = "to_check"
# The sort's name in a URL, in French like the rest of what a coder may see.
SORT_PARAMS: dict[str, WorklistSort] = {"a_verifier": "to_check", "confiance": "dp_score", "anciens": "oldest"}
PARAMS = ("statut", "um", "recherche", "du", "au", "revalorisation", "tri", "page")


@dataclass(frozen=True, slots=True)
class WorklistState:
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    unit: str | None = None
    search: str = ""
    discharged_from: date | None = None
    discharged_to: date | None = None
    revaluation: bool = False  # only the stays where the batch found a possible revaluation
    sort: WorklistSort = DEFAULT_SORT
    page: int = 1
    problems: tuple[str, ...] = field(default=(), compare=False)  # unreadable values given, in French

    def filters(self) -> WorklistFilter:
        return WorklistFilter(
            status=list(self.statuses) or None,
            unit=self.unit,
            discharged_from=self.discharged_from,
            discharged_to=self.discharged_to,
            search=self.search.strip() or None,
            revaluation=self.revaluation,
        )

    def params(self) -> dict[str, str]:
        """The state as URL query parameters; defaults left out, so that a plain URL means the default list."""
        out: dict[str, str] = {}
        if self.statuses != DEFAULT_STATUSES:
            out["statut"] = ",".join(self.statuses) or "aucun"
        if self.unit:
            out["um"] = self.unit
        if self.search.strip():
            out["recherche"] = self.search.strip()
        if self.discharged_from:
            out["du"] = self.discharged_from.isoformat()
        if self.discharged_to:
            out["au"] = self.discharged_to.isoformat()
        if self.revaluation:
            out["revalorisation"] = "1"
        if self.sort != DEFAULT_SORT:
            out["tri"] = next(name for name, sort in SORT_PARAMS.items() if sort == self.sort)
        if self.page != 1:
            out["page"] = str(self.page)
        return out

    def with_page(self, page: int) -> WorklistState:
        return replace(self, page=max(1, page))


def from_params(params: Mapping[str, str]) -> WorklistState:
    """The state a URL describes; what cannot be read is left at its default (and said in `problems`)."""
    problems: list[str] = []
    statuses = DEFAULT_STATUSES
    if "statut" in params:
        given = [s for s in params["statut"].split(",") if s in STATUS_LABELS]
        statuses = tuple(given)
    dates: dict[str, date | None] = {}
    for name in ("du", "au"):
        try:
            dates[name] = parse_date(params.get(name))
        except ValueError:
            dates[name] = None
            problems.append(f"date « {params.get(name)} » illisible dans le lien : ignorée")
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    return WorklistState(
        statuses=statuses,
        unit=params.get("um") or None,
        search=params.get("recherche", ""),
        discharged_from=dates["du"],
        discharged_to=dates["au"],
        revaluation=params.get("revalorisation", "") in ("1", "oui"),
        sort=SORT_PARAMS.get(params.get("tri", ""), DEFAULT_SORT),
        page=page,
        problems=tuple(problems),
    )
