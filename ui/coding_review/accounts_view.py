"""Accounts page (administrators): list, create, reset a password, deactivate. The same operations as the
`coding-assistant users` command, attributed to the signed-in administrator in the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding_assistant.store import UserError
from coding_assistant.store.columns import USER_ROLES
from coding_assistant.store.passwords import MIN_PASSWORD_LENGTH
from coding_assistant.store.users import PasswordPolicyError
from coding_review import alerts
from coding_review.auth import keep_session_after_own_password_change, require_user
from coding_review.labels import USER_ROLE_LABELS, format_datetime
from coding_review.markdown_text import md
from coding_review.resources import store

FLASH_KEY = "accounts_flash"


PASSWORD_RULES_FR = {
    "blank": "un mot de passe ne peut pas être fait que d'espaces",
    "too_short": f"{MIN_PASSWORD_LENGTH} caractères au moins (sans compter les espaces au début et à la fin)",
    "too_long": "mot de passe trop long",
    "username": "le mot de passe ne peut pas être l'identifiant",
}


def _role_label(role: str) -> str:
    return USER_ROLE_LABELS.get(role, role)


def _refusal(exc: UserError) -> str:
    """The store's refusal in French where it is the password policy; other refusals name the account."""
    if isinstance(exc, PasswordPolicyError):
        return PASSWORD_RULES_FR[exc.rule]
    return md(exc)


def _user_table() -> list[str]:
    users = store().list_users()
    st.dataframe(
        pd.DataFrame(
            {
                "Identifiant": [u.username for u in users],
                "Nom": [u.display_name for u in users],
                "Profil": [_role_label(u.role) for u in users],
                "Actif": [u.active for u in users],
                "Créé le": [format_datetime(u.created_at) for u in users],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    return [u.username for u in users if u.active]


def _create(admin: str) -> None:
    with st.form("account_create", clear_on_submit=True):
        st.markdown("#### Nouveau compte")
        username = st.text_input("Identifiant")
        name = st.text_input("Nom affiché")
        role = st.selectbox("Profil", USER_ROLES, format_func=_role_label)
        password = st.text_input(f"Mot de passe ({MIN_PASSWORD_LENGTH} caractères au moins)", type="password")
        again = st.text_input("Mot de passe, à nouveau", type="password")
        if st.form_submit_button("Créer le compte"):
            if password != again:
                alerts.error("Les deux mots de passe diffèrent.")
                return
            try:
                store().add_user(username, password, role, name.strip() or None, actor=admin)
            except UserError as exc:
                alerts.error(f"Compte non créé : {_refusal(exc)}")
                return
            # Rerun so that the list and the account chooser show the new account.
            st.session_state[FLASH_KEY] = f"Compte {md(username.strip())} créé."
            st.rerun()


def _manage(admin: str, active: list[str]) -> None:
    if not active:
        return
    st.markdown("#### Compte existant")
    username = st.selectbox("Compte", active, key="account_selected")
    password = st.text_input("Nouveau mot de passe", type="password", key="account_new_password")
    left, right = st.columns(2)
    if left.button("Changer le mot de passe", key="account_set_password"):
        try:
            store().set_password(username, password, actor=admin)
        except UserError as exc:
            alerts.error(f"Mot de passe non changé : {_refusal(exc)}")
        else:
            if username == admin:
                keep_session_after_own_password_change()
            alerts.success(f"Mot de passe de {md(username)} changé.")
    if right.button("Désactiver le compte", key="account_deactivate", disabled=username == admin):
        store().deactivate(username, actor=admin)
        st.session_state[FLASH_KEY] = f"Compte {md(username)} désactivé."
        st.rerun()


def render() -> None:
    admin = require_user("admin")
    st.title("Comptes")
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        alerts.success(message)
    active = _user_table()
    left, right = st.columns(2)
    with left:
        _create(admin.username)
    with right:
        _manage(admin.username, active)
