"""Objects shared by every session of the app, built once per process (`st.cache_resource`)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from coding_assistant.acts import ActCatalogue, default_catalogue
from coding_assistant.acts.checks import default_phase
from coding_assistant.config import get_settings
from coding_assistant.groupage import default_grouper
from coding_assistant.rules import check_coding
from coding_assistant.store import Store
from coding_assistant.terminology.loader import LoadedTerminology, default_terminology, load_ccam_index
from coding_assistant.terminology.search import SearchIndex


def database_url() -> str | None:
    """The store the `ui` command was started on (the `db_url` setting); None: the SQLite file in the data
    directory."""
    return get_settings().db_url


@st.cache_resource(show_spinner=False)
def _store_for(url: str | None) -> Store:
    return Store.open(url, get_settings().data_dir)


def store() -> Store:
    return _store_for(database_url())


@st.cache_resource(show_spinner="Chargement de la CIM-10 FR et des règles PMSI…")
def terminology() -> LoadedTerminology:
    """Codes, labels and the search index (read from the compact on-disk cache: a fraction of a second)."""
    loaded = default_terminology()
    # The first PMSI check reads the rule lists and indexes the dagger/asterisk labels of the whole terminology
    # (about a second on a busy machine): do it here, with the terminology the worklist needs anyway, so that
    # the first stay a coder opens does not pay for it.
    check_coding("I10", None, [], None, None, loaded.terminology)
    # The grouping preview's tables (half a second): read now too, for the same reason.
    default_grouper()
    return loaded


@dataclass(frozen=True, slots=True)
class Ccam:
    """The CCAM as the acts part of the panel uses it: every act (activity/phase pairs, sex, validity, the
    label's age bounds) for the checks, and the search index for adding an act."""

    catalogue: ActCatalogue
    index: SearchIndex

    def label(self, code: str) -> str:
        act = self.catalogue.acts.get(code)
        return act.label if act else ""

    def default_phase(self, code: str, activity: int) -> int:
        """The phase of the CCAM table (`ccam_code_activite_phase_dernier_tarif.csv`) for this activity."""
        return default_phase(code, activity, self.catalogue)

    def activities(self, code: str) -> list[int]:
        act = self.catalogue.acts.get(code)
        return sorted(int(a) for a in act.activity_phases if a.isdigit()) if act else []


@st.cache_resource(show_spinner="Chargement de la CCAM…")
def ccam() -> Ccam:
    return Ccam(default_catalogue(), load_ccam_index()[1])
