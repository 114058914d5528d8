"""French wording of the UI: statuses, roles, audit actions, measurements, qualifiers; dates in local time."""

from __future__ import annotations

from datetime import date, datetime

from coding_assistant.store.dashboard import local_zone

STATUS_LABELS = {
    "to_code": "À coder",
    "proposed": "Proposé",
    "validated": "Validé",
    "modified_after_export": "Modifié après export",
    "exported": "Exporté",
    "to_review": "À revoir",  # a flag with a reason, not a stored status (store/review.py)
}
USER_ROLE_LABELS = {
    "coder": "Codeur (TIM)",
    "dim_physician": "Médecin DIM",
    "admin": "Administrateur",
}
CODING_ROLES = ("DP", "DR", "DAS")
CODING_ROLE_LABELS = {
    "DP": "diagnostic principal",
    "DR": "diagnostic relié",
    "DAS": "diagnostic associé",
}
ACTION_LABELS = {
    "stay_imported": "Séjour importé",
    "stay_changed": "Séjour modifié (documents ou données)",
    "proposals_saved": "Propositions calculées",
    "decision_saved": "Codage validé",
    "status_changed": "Statut modifié",
    "stay_exported": "Séjour exporté",
    "export_written": "Export écrit",
    "user_signed_in": "Connexion",
    "user_signed_out": "Déconnexion",
    "sign_in_refused": "Connexion refusée",
    "session_ended": "Session fermée (délai ou compte modifié)",
    "session_resumed": "Session reprise après rechargement de la page",
    "note_saved": "Note du séjour modifiée",
    "review_flagged": "Marqué « à revoir »",
    "review_cleared": "« À revoir » retiré",
}
MEASUREMENT_LABELS = {
    "fevg": "FEVG",
    "imc": "IMC",
    "poids": "Poids",
    "taille": "Taille",
    "kaliemie": "Kaliémie",
    "natremie": "Natrémie",
    "creatinine": "Créatinine",
    "dfg": "DFG",
    "hba1c": "HbA1c",
    "glycemie": "Glycémie",
    "hemoglobine": "Hémoglobine",
    "terme": "Terme (SA)",
    "delai_prise_en_charge": "Délai de prise en charge",
}
# Why a mention does not count as a current condition (PMSI: negated, hypothetical and family mentions are not
# coded; guide méthodologique MCO 2025, chapitre IV).
QUALIFIER_LABELS = {
    "negated": "mention niée",
    "hypothetical": "mention hypothétique",
    "family": "antécédent familial",
}
QUALIFIER_TAGS = {"negated": "nié", "hypothetical": "hypothèse", "family": "familial"}

_ZONE = local_zone()


def status_of_row(status: str, exported_before: bool) -> str:
    """The status a coder sees: a validated stay that had been exported is "modifié après export"."""
    return "modified_after_export" if status == "validated" and exported_before else status


def sex_age(sex: str | None, age: int | None) -> str:
    parts = [{"M": "H", "F": "F"}.get(sex or "", ""), f"{age} ans" if age is not None else ""]
    return " ".join(part for part in parts if part) or "—"


def format_euros(value: float, signed: bool = False) -> str:
    """French money: "5 592,19 €"; `signed`: "+2 409 €" (whole euros, for a difference)."""
    if signed:
        text = f"{abs(value):,.0f}".replace(",", "\u202f")
        return f"{'+' if value >= 0 else '−'}{text} €"
    return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",") + " €"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def format_datetime(value: datetime | None) -> str:
    """Local (Paris) time: the store keeps UTC, coders read their own clock."""
    return value.astimezone(_ZONE).strftime("%d/%m/%Y %H:%M") if value else "—"


def format_score(score: float | None) -> str:
    return "—" if score is None else f"{round(score * 100)} %"


def format_length_of_stay(days: int | None) -> str:
    if days is None:
        return "—"
    return "0 j (ambulatoire)" if days == 0 else f"{days} j"
