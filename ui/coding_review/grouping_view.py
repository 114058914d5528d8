"""The "Aperçu de groupage (arbres 2026)" box above the coding: GHM, its label and severity, GHS and tariff of
the coder's current coding, as the preview computes it (grouping.py), with its caveat."""

from __future__ import annotations

import html

import streamlit as st

from coding_assistant.groupage import StayFacts
from coding_review.grouping import preview
from coding_review.labels import format_euros

TITLE = "Aperçu de groupage (arbres 2026)"


def grouping_box(facts: StayFacts | None) -> None:
    with st.container(border=True, key="grouping_preview"):
        if facts is None:
            st.html(f"<b>{TITLE}</b> — choisissez un DP pour voir le GHM et le tarif.")
            return
        shown = preview(facts)
        if shown.in_error:
            st.html(
                f"<b>{TITLE}</b> — groupage en erreur (GHM {html.escape(shown.ghm or '—')}) : ce codage ne peut pas "
                "être groupé ; vérifiez le DP et les alertes."
            )
            return
        tariff = format_euros(shown.tariff_eur) if shown.tariff_eur is not None else "pas de tarif"
        ghs = f"GHS {shown.ghs}" if shown.ghs is not None else "GHS —"
        # The preview's caveat (tables, years, not the ATIH function) in full on hover, in short below.
        st.html(
            f'<div title="{html.escape(shown.note, quote=True)}"><b>{TITLE}</b> '
            '<span style="color:#666;font-size:0.8rem">— aperçu, pas la fonction groupage de l\'ATIH</span></div>'
            f'<div style="font-size:1.05rem"><b>GHM {html.escape(shown.ghm or "—")}</b> '
            f"· {html.escape(shown.severity)} · {ghs} · <b>{html.escape(tariff)}</b></div>"
            f'<div style="color:#444;font-size:0.85rem">{html.escape(shown.label)}</div>'
        )
