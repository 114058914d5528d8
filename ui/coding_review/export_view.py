"""Export page (DIM physicians and administrators): validated stays to RSS 023/022 and CSV.

The files are written under the data directory (`exports/`), kept there as a record of what was sent, and
offered for download; the stays written become "exported", with an audit entry naming the user.

A download button does not hand its file to Streamlit when the page is drawn (Streamlit would serve it at a
/media/ URL to anyone, signed in or not, until it collects it): the button holds a callable that reads the file
only when clicked, after checking that the session is still signed in with an export role, and grants the file
to that browser's address for a few seconds (downloads.py, enforced by the server's HTTP guard).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from coding_assistant.config import get_settings
from coding_assistant.errors import CodingAssistantError
from coding_assistant.export import ExportResult, ExportSelection, export_validated, selected_rows
from coding_review import alerts
from coding_review.auth import SignedIn, client_address, require_user, signed_in, still_valid
from coding_review.dates_fr import PLACEHOLDER, parse_date
from coding_review.downloads import GRANTS
from coding_review.export_checks import finess_problem, french_reason
from coding_review.labels import format_date, status_label
from coding_review.markdown_text import md
from coding_review.resources import store

log = logging.getLogger("coding_review")
EXPORT_ROLES = ("dim_physician", "admin")
RESULT_KEY = "export_result"


@dataclass(frozen=True, slots=True)
class ExportFiles:
    """What the last export wrote; the files are read from disk only when a download button is clicked."""

    result: ExportResult
    rss_name: str
    csv_name: str


class DownloadRefused(PermissionError):
    """A click from a session that has ended (timed out, signed out, account changed): no file."""


def export_folder(username: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safe_user = re.sub(r"[^A-Za-z0-9_.-]", "_", username)
    return get_settings().data_dir / "exports" / f"{stamp}-{safe_user}"


def _date(text: str | None) -> date | None:
    try:
        return parse_date(text)
    except ValueError:
        alerts.warning(f"« {md(text)} » n'est pas une date (attendu : {PLACEHOLDER}) ; filtre ignoré.")
        return None


def _selection() -> tuple[ExportSelection, str, str]:
    first = st.columns([1, 1, 1])
    finess = first[0].text_input("FINESS de l'établissement", value=get_settings().finess, key="exp_finess")
    rss_format = first[1].selectbox("Format RSS", ["023", "022"], key="exp_format", help="023 : 2026 ; 022 : 2024-2025")
    unit = first[2].text_input("Unité médicale (vide : toutes)", key="exp_unit")
    second = st.columns([1, 1, 1])
    discharged_from = _date(second[0].text_input("Sortie à partir du", key="exp_from", placeholder=PLACEHOLDER))
    discharged_to = _date(second[1].text_input("Sortie jusqu'au", key="exp_to", placeholder=PLACEHOLDER))
    include_exported = second[2].checkbox("Inclure les séjours déjà exportés", key="exp_again")
    selection = ExportSelection(
        include_exported=include_exported,
        unit=unit.strip() or None,
        discharged_from=discharged_from,
        discharged_to=discharged_to,
    )
    return selection, finess, rss_format


def _run_export(selection: ExportSelection, finess: str, rss_format: str, username: str) -> ExportFiles | None:
    folder = export_folder(username)
    folder.mkdir(parents=True, exist_ok=True)
    rss_path, csv_path = folder / f"rss_{rss_format}.txt", folder / "codes.csv"
    result = export_validated(
        store(), username, rss_path, csv_path, finess=finess, rss_format=rss_format, selection=selection
    )
    if not result.written:
        return ExportFiles(result, "", "")
    prefix = folder.name
    return ExportFiles(result, f"{prefix}_rss_{rss_format}.txt", f"{prefix}_codes.csv")


def file_on_click(path: Path, file_name: str, session: SignedIn) -> Callable[[], bytes]:
    """The download button's data: run by Streamlit when the button is clicked, on a thread of its own (no
    session state nor browser context there, hence the session and its address captured now)."""
    client = client_address()

    def read() -> bytes:
        if not still_valid(session, EXPORT_ROLES):
            raise DownloadRefused("the session that drew this button has ended")
        data = path.read_bytes()
        GRANTS.grant(file_name, client)
        return data

    return read


def _show(files: ExportFiles, session: SignedIn) -> None:
    result = files.result
    if result.written and result.rss_path and result.csv_path:
        if result.completed_interrupted:
            # An earlier export to these files was stopped after its stays were marked: this one only put its
            # files in place, so nothing was marked now.
            alerts.success(
                f"Export interrompu terminé : ses {len(result.written)} séjour(s), déjà marqués « exporté », "
                f"sont dans les fichiers conservés dans {md(result.rss_path.parent)}. Rien d'autre n'a été écrit."
            )
        else:
            alerts.success(
                f"{len(result.written)} séjour(s) écrit(s) ; {result.marked} marqué(s) « exporté ». "
                f"Fichiers conservés dans {md(result.rss_path.parent)}."
            )
        left, right = st.columns(2)
        # on_click="ignore": the click only fetches the file, the page stays as it is.
        left.download_button(
            "Télécharger le RSS",
            file_on_click(result.rss_path, files.rss_name, session),
            file_name=files.rss_name,
            mime="text/plain",
            key="exp_dl_rss",
            on_click="ignore",
        )
        right.download_button(
            "Télécharger le CSV",
            file_on_click(result.csv_path, files.csv_name, session),
            file_name=files.csv_name,
            mime="text/csv",
            key="exp_dl_csv",
            on_click="ignore",
        )
    else:
        alerts.warning("Aucun séjour n'a pu être écrit : rien n'a été exporté.")
    if result.skipped:
        alerts.warning(f"{len(result.skipped)} séjour(s) non exporté(s) ; ils restent validés :")
        st.dataframe(
            pd.DataFrame(
                {
                    "Séjour": [s.stay_id for s in result.skipped],
                    "Raison": [french_reason(s.reason) for s in result.skipped],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def render() -> None:
    user = require_user(*EXPORT_ROLES)
    st.title("Export des séjours validés")
    selection, finess, rss_format = _selection()
    stays = selected_rows(store(), selection)
    st.caption(f"{len(stays)} séjour(s) à exporter avec ces critères.")
    if stays:
        st.dataframe(
            pd.DataFrame(
                {
                    "Séjour": [s.stay_id for s in stays],
                    "Statut": [status_label(s.status) for s in stays],
                    "UM": [s.unit or "" for s in stays],
                    "Entrée": [format_date(s.admission_date) for s in stays],
                    "Sortie": [format_date(s.discharge_date) for s in stays],
                }
            ),
            hide_index=True,
            width="stretch",
            height=min(400, 40 + 35 * len(stays)),
        )
    if st.button("Générer l'export", type="primary", disabled=not stays, key="exp_run"):
        refusal = finess_problem((finess or "").strip().upper())
        if refusal is not None:  # said in French here, before the export's own (technical) check
            st.session_state.pop(RESULT_KEY, None)
            alerts.error(md(refusal))
            return
        try:
            st.session_state[RESULT_KEY] = _run_export(selection, finess, rss_format, user.username)
        except CodingAssistantError as exc:
            st.session_state.pop(RESULT_KEY, None)
            log.warning("export refused: %s", type(exc).__name__)
            alerts.error("Export impossible : vérifiez le FINESS et le format choisis, puis recommencez.")
    files = st.session_state.get(RESULT_KEY)
    session = signed_in()
    if files is not None and session is not None:
        _show(files, session)
