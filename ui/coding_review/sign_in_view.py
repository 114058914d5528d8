"""Sign-in page: local accounts of the store (scrypt-hashed passwords, lockout after repeated failures)."""

from __future__ import annotations

import streamlit as st

from coding_assistant.store.passwords import MAX_PASSWORD_LENGTH
from coding_review import alerts
from coding_review.auth import sign_in, take_notice

MAX_USERNAME_LENGTH = 64  # the store's column


def render() -> None:
    st.title("Codage PMSI — revue des propositions")
    left, _ = st.columns([1, 2])
    notice = take_notice()
    if notice:
        with left:
            alerts.info(notice)
    with left, st.form("sign_in"):
        st.subheader("Connexion")
        username = st.text_input(
            "Identifiant", key="sign_in_username", autocomplete="username", max_chars=MAX_USERNAME_LENGTH
        )
        password = st.text_input(
            "Mot de passe",
            type="password",
            key="sign_in_password",
            autocomplete="current-password",
            max_chars=MAX_PASSWORD_LENGTH,
        )
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        refusal = sign_in(username, password)
        if refusal is not None:
            with left:
                alerts.error(refusal)
        else:
            st.rerun()
    st.caption("Pas encore de compte ? Demandez-le à l'administrateur de l'application au DIM.")
