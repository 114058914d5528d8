"""Dashboard: how coders treat the proposals (acceptance overall, per week, per medical unit and per code, codes
most rejected or added), their pace (stays validated per day), the stays by status and the batch runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from coding_assistant.learning.registry import active_model
from coding_assistant.store import BatchRun
from coding_assistant.store.dashboard import (
    AcceptanceCounts,
    AcceptanceSummary,
    DashboardFigures,
    UnitAcceptance,
    WeekAcceptance,
)
from coding_review.auth import require_user
from coding_review.labels import STATUS_LABELS, format_datetime
from coding_review.markdown_text import md
from coding_review.resources import database_url, store, terminology

PERIODS = {"30 derniers jours": 30, "90 derniers jours": 90, "12 derniers mois": 365, "Tout": None}
BATCH_STATUS_LABELS = {"running": "en cours", "succeeded": "réussi", "failed": "échec", "abandoned": "abandonné"}
TOP = 15


@st.cache_data(ttl=60, show_spinner=False)
def _figures(url: str | None, days: int | None) -> DashboardFigures:
    # Cached a minute per store and period: the dashboard reads every decision of the period.
    since = datetime.now(UTC) - timedelta(days=days) if days else None
    return store().dashboard_figures(since)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}".replace("%", " %")


def _per_code_table(summary: AcceptanceSummary) -> pd.DataFrame:
    label = terminology().terminology.label
    return pd.DataFrame(
        {
            "Code": [c.code for c in summary.per_code],
            "Libellé": [label(c.code) for c in summary.per_code],
            "Pré-sélectionné": [c.proposed for c in summary.per_code],
            "Accepté": [c.accepted for c in summary.per_code],
            "Rejeté": [c.rejected for c in summary.per_code],
            "Ajouté": [c.added for c in summary.per_code],
            "Taux d'acceptation": [c.rate for c in summary.per_code],
        }
    )


def _per_day_chart(per_day: list[tuple[date, int]]) -> alt.Chart:
    frame = pd.DataFrame(
        {"Jour": [pd.Timestamp(day) for day, _ in per_day], "Séjours validés": [n for _, n in per_day]}
    )
    # Days written the French way (the default axis names days in English).
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("Jour:T", timeUnit="yearmonthdate", axis=alt.Axis(format="%d/%m", title="Jour")),
            y=alt.Y("Séjours validés:Q", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("Jour:T", format="%d/%m/%Y"), "Séjours validés:Q"],
        )
    )


def _week_label(week: date) -> str:
    iso = week.isocalendar()
    return f"S{iso.week:02d} {iso.year} (du {week:%d/%m/%Y})"


def _per_week_chart(per_week: list[WeekAcceptance]) -> alt.Chart:
    """Two lines over the weeks: the share of pre-selected codes kept, and the share of proposed DPs confirmed.

    A week where a measure has nothing to measure (no pre-selected code, no proposed DP) has no point for it
    rather than a 0 % that would read as "all rejected".
    """
    rows: list[dict[str, object]] = []
    for item in per_week:
        counts = item.counts
        measures = (
            ("Codes gardés", counts.rate, f"{counts.accepted} gardés sur {counts.accepted + counts.rejected}"),
            ("DP confirmé", counts.dp_agreement, f"{counts.dp_agreed} sur {counts.dp_compared}"),
        )
        for measure, rate, detail in measures:
            if rate is not None:
                rows.append(
                    {
                        "Semaine": pd.Timestamp(item.week),
                        "Libellé": _week_label(item.week),
                        "Mesure": measure,
                        "Taux": round(100 * rate, 1),
                        "Détail": detail,
                        "Séjours validés": counts.decisions,
                    }
                )
    frame = pd.DataFrame(rows, columns=["Semaine", "Libellé", "Mesure", "Taux", "Détail", "Séjours validés"])
    return (
        alt.Chart(frame)
        .mark_line(point=True)  # the points keep a single week visible
        .encode(
            x=alt.X("Semaine:T", timeUnit="yearmonthdate", axis=alt.Axis(format="%d/%m", title="Semaine du")),
            y=alt.Y("Taux:Q", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(title="Taux (%)")),
            color=alt.Color("Mesure:N", legend=alt.Legend(title=None, orient="bottom")),
            tooltip=[
                alt.Tooltip("Libellé:N", title="Semaine"),
                "Mesure:N",
                alt.Tooltip("Taux:Q", title="Taux (%)", format=".0f"),
                "Détail:N",
                "Séjours validés:Q",
            ],
        )
    )


def _counts_columns(counts: list[AcceptanceCounts]) -> dict[str, list[object]]:
    return {
        "Séjours validés": [c.decisions for c in counts],
        "Taux d'acceptation": [c.rate for c in counts],
        "Codes gardés": [c.accepted for c in counts],
        "Codes rejetés": [c.rejected for c in counts],
        "Codes ajoutés": [c.added for c in counts],
        "DP confirmé": [c.dp_agreement for c in counts],
    }


def _per_week_table(per_week: list[WeekAcceptance]) -> pd.DataFrame:
    return pd.DataFrame(
        {"Semaine": [_week_label(w.week) for w in per_week]} | _counts_columns([w.counts for w in per_week])
    )


def _per_unit_table(per_unit: list[UnitAcceptance]) -> pd.DataFrame:
    return pd.DataFrame(
        {"Unité médicale": [u.unit or "(sans unité)" for u in per_unit]} | _counts_columns([u.counts for u in per_unit])
    )


# The rates as bars from 0 to 100 %, in the per-week and per-unit tables.
RATE_COLUMNS = {
    name: st.column_config.ProgressColumn(name, min_value=0.0, max_value=1.0, format="percent")
    for name in ("Taux d'acceptation", "DP confirmé")
}


def _batch_table(runs: list[BatchRun]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Début": [format_datetime(r.started_at) for r in runs],
            "Fin": [format_datetime(r.finished_at) for r in runs],
            "Statut": [BATCH_STATUS_LABELS.get(r.status, r.status) for r in runs],
            "Moteur": [r.engine for r in runs],
            "Codés": [r.counts.coded for r in runs],
            "Inchangés": [r.counts.skipped for r in runs],
            "En échec": [r.counts.failed for r in runs],
        }
    )


def render() -> None:
    require_user()
    st.title("Tableau de bord")
    period = st.selectbox("Période", list(PERIODS), key="dash_period")
    figures = _figures(database_url(), PERIODS[period])
    summary, per_day, statuses, runs = (
        figures.acceptance,
        figures.validated_per_day,
        figures.status_counts,
        figures.batch_runs,
    )

    metrics = st.columns(5)
    metrics[0].metric(
        "Taux d'acceptation", _percent(summary.rate), help="Codes pré-sélectionnés gardés par les codeurs"
    )
    metrics[1].metric(
        "DP confirmé",
        _percent(summary.dp_agreement),
        help=f"Séjours validés dont le DP est celui proposé ({summary.dp_agreed} sur {summary.dp_compared})",
    )
    metrics[2].metric("Séjours validés (période)", summary.decisions)
    metrics[3].metric("Codes rejetés", summary.rejected)
    metrics[4].metric("Codes ajoutés", summary.added)
    st.caption(
        "Séjours par statut : "
        + " · ".join(f"{label} {statuses.get(status, 0)}" for status, label in STATUS_LABELS.items())
    )

    st.subheader("Séjours validés par jour")
    if per_day:
        st.altair_chart(_per_day_chart(per_day), width="stretch")
    else:
        st.caption("Aucune validation sur la période.")

    st.subheader("Acceptation par semaine")
    if figures.acceptance_per_week:
        st.altair_chart(_per_week_chart(figures.acceptance_per_week), width="stretch")
        with st.expander("Chiffres par semaine"):
            st.dataframe(
                _per_week_table(figures.acceptance_per_week),
                hide_index=True,
                width="stretch",
                column_config=RATE_COLUMNS,
            )
    else:
        st.caption("Aucune décision sur la période.")

    st.subheader("Par unité médicale")
    if figures.acceptance_per_unit:
        st.dataframe(
            _per_unit_table(figures.acceptance_per_unit), hide_index=True, width="stretch", column_config=RATE_COLUMNS
        )
    else:
        st.caption("Aucune décision sur la période.")

    left, right = st.columns(2)
    with left:
        rejected = [(c.code, c.rejected) for c in summary.most_rejected(TOP)]
        _top_codes("Codes les plus rejetés", "Rejets", rejected, "Aucun rejet sur la période.")
    with right:
        added = [(c.code, c.added) for c in summary.most_added(TOP)]
        _top_codes("Codes les plus ajoutés", "Ajouts", added, "Aucun ajout sur la période.")

    st.subheader("Acceptation par code")
    if summary.per_code:
        st.dataframe(
            _per_code_table(summary),
            hide_index=True,
            width="stretch",
            column_config={
                "Taux d'acceptation": st.column_config.ProgressColumn(
                    "Taux d'acceptation", min_value=0.0, max_value=1.0, format="percent"
                )
            },
        )
    else:
        st.caption("Aucune décision sur la période.")

    _active_model()

    st.subheader("Traitements automatiques (batch)")
    if runs:
        st.dataframe(_batch_table(runs), hide_index=True, width="stretch")
    else:
        st.caption("Aucun traitement enregistré.")


def _active_model() -> None:
    """The model the batch codes with (the site's registry) and how coders have treated its proposals since
    it became active: the figure that says whether a new model helps."""
    st.subheader("Modèle actif")
    model = active_model(store())
    if model is None:
        st.caption("Aucun modèle dans le registre du site : le modèle par défaut code les séjours.")
        return
    trained = f", entraîné le {format_datetime(model.trained_at)}" if model.trained_at else ""
    since = f", actif depuis le {format_datetime(model.activated_at)}" if model.activated_at else ""
    st.markdown(f"{md(model.name)} {md(model.version)}{trained}{since}")
    summary = store().dashboard_figures(model.activated_at).acceptance
    if not summary.decisions:
        st.caption("Aucun séjour validé depuis son activation.")
        return
    columns = st.columns(3)
    columns[0].metric("Acceptation depuis", _percent(summary.rate), help="Codes pré-sélectionnés gardés")
    columns[1].metric("DP confirmé depuis", _percent(summary.dp_agreement))
    columns[2].metric("Séjours validés depuis", summary.decisions)


def _top_codes(title: str, column: str, counts: list[tuple[str, int]], empty: str) -> None:
    """A horizontal bar chart of (code, count), or `empty` when there is nothing to show."""
    st.subheader(title)
    if counts:
        st.bar_chart(
            pd.DataFrame({"Code": [code for code, _ in counts], column: [n for _, n in counts]}),
            x="Code",
            horizontal=True,
        )
    else:
        st.caption(empty)
