"""Sign-in page: local accounts of the store (scrypt-hashed passwords)."""

from __future__ import annotations

import streamlit as st

from coding_review import alerts
from coding_review.auth import sign_in


def render() -> None:
    st.title("Codage PMSI — revue des propositions")
    left, _ = st.columns([1, 2])
    with left, st.form("sign_in"):
        st.subheader("Connexion")
        username = st.text_input("Identifiant", key="sign_in_username", autocomplete="username")
        password = st.text_input(
            "Mot de passe", type="password", key="sign_in_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        if sign_in(username, password) is None:
            with left:
                alerts.error("Identifiant ou mot de passe incorrect, ou compte désactivé.")
        else:
            st.rerun()
    st.caption("Les comptes sont créés par un administrateur : `coding-assistant users add IDENTIFIANT --role coder`.")
