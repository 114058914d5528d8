"""Objects shared by every session of the app, built once per process (`st.cache_resource`)."""

from __future__ import annotations

import streamlit as st

from coding_assistant.config import get_settings
from coding_assistant.groupage import default_grouper
from coding_assistant.rules import check_coding
from coding_assistant.store import Store
from coding_assistant.terminology.loader import LoadedTerminology, default_terminology


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
