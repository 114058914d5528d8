"""The small frame each page draws to run the page script (revue.js) with the page's state.

`st.iframe` puts the markup in a same-origin frame; its only content is a `<script src>` pointing at the review
server's own route, which the Content-Security-Policy allows ('self'): no inline script, nothing fetched from
elsewhere. The frame has a fixed height (Streamlit would otherwise measure its content with a script of its
own) and is hidden (styles.py); scripts run in a hidden frame all the same. The markup is built here from
fixed text and escaped values: nothing from the data or from users reaches it.
"""

from __future__ import annotations

import html

import streamlit as st

from coding_review.session_cookie import routes_prefix

HANDOFF_KEY = "session_cookie_handoff"


def _prefix() -> str:
    try:
        base = st.get_option("server.baseUrlPath")
    except Exception:  # no server options (a bare script run)
        base = ""
    return routes_prefix(str(base or ""))


def draw(unsaved: bool = False) -> None:
    """Run the page script: `unsaved` arms the warning before leaving the page; a pending cookie handoff (set
    at sign-in) is passed on so that the browser gets its session cookie."""
    prefix = _prefix()
    attributes = {
        "src": f"{prefix}/revue.js",
        "data-place": "frame",
        "data-unsaved": "1" if unsaved else "",
        "data-endpoint": f"{prefix}/session",
        "data-handoff": st.session_state.get(HANDOFF_KEY, ""),
    }
    tag = " ".join(f'{name}="{html.escape(str(value), quote=True)}"' for name, value in attributes.items())
    with st.container(key="revue_frame"):
        st.iframe(f"<script {tag}></script>", height=1)
