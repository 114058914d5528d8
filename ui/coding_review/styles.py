"""The app's few style rules (inline styles are allowed by the Content-Security-Policy; nothing is fetched).

- The coding panel is dense: less space between its rows and smaller buttons, so that a stay's coding fits
  on one screen.
- Tables have no toolbar (its search, download and full-screen buttons speak English and export patient data
  as CSV with one click).
- The page script's frame takes no room.
- A code with mentions can be clicked (`data-locate`): the page script brings its mentions into view and
  makes them blink (`revue-blink`).
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
.st-key-coding_panel [data-testid="stVerticalBlock"] { gap: 0.3rem; }
.st-key-coding_panel [data-testid="stHorizontalBlock"] { gap: 0.35rem; }
.st-key-coding_panel [data-testid="stBaseButton-secondary"] {
  min-height: 1.8rem; padding: 0 0.4rem; line-height: 1.1;
}
.st-key-coding_panel h5 { padding: 0.3rem 0 0.1rem 0; }
.st-key-coding_panel [data-testid="stHtml"] { font-size: 0.92rem; }
[data-testid="stElementToolbar"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 2.5rem 2rem 2rem 2rem; }
.st-key-revue_frame { display: none; }
[data-locate] { cursor: pointer; text-decoration: underline dotted; }
@keyframes revue-blink { 0%, 100% { outline: 3px solid transparent; } 50% { outline: 3px solid #c62828; } }
.revue-blink { animation: revue-blink 0.5s ease-in-out 4; border-radius: 2px; }
</style>
"""


def apply() -> None:
    st.html(CSS)
