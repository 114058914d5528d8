"""Alert boxes with a Material icon each: one look across the app, and Streamlit then skips scanning the message
for a leading emoji (its emoji table takes a few tenths of a second to load on first use)."""

from __future__ import annotations

import streamlit as st


def success(text: str) -> None:
    st.success(text, icon=":material/check_circle:")


def error(text: str) -> None:
    st.error(text, icon=":material/error:")


def warning(text: str) -> None:
    st.warning(text, icon=":material/warning:")


def info(text: str) -> None:
    st.info(text, icon=":material/info:")
