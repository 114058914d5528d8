"""The review app: `coding-assistant ui` serves this file with Streamlit (through review_server.py).

Signed out, the navigation holds the sign-in page alone, so no other page can be reached (each page checks the
user again all the same). Signed in, the pages a user sees depend on their role. Each run checks the session
(timeouts, the account in the store) before anything else.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts this folder on sys.path, the test harness does not: do it here for both.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import streamlit as st  # noqa: E402
from coding_review import alerts, page_script, styles  # noqa: E402
from coding_review.auth import current_user, sign_out  # noqa: E402
from coding_review.errors import FRIENDLY_MESSAGE, log_unexpected  # noqa: E402
from coding_review.labels import USER_ROLE_LABELS  # noqa: E402
from coding_review.markdown_text import md  # noqa: E402
from coding_review.sign_in_view import render as sign_in_page  # noqa: E402

EXPORT_ROLES = ("dim_physician", "admin")
# The signed-in pages' addresses. Signed out, each of them shows the sign-in form (instead of Streamlit's
# English "Page not found"): a reload or a link (`/sejour?stay=…`) signs in first, then lands where it pointed.
SIGNED_IN_PATHS = ("liste", "sejour", "tableau-de-bord", "export", "comptes")
STAY_PATH = "sejour"

# An emoji, not a ":material/…:" icon: Streamlit fetches the favicon of a Material icon from fonts.gstatic.com,
# and a hospital workstation's browser must not call anywhere but this server.
st.set_page_config(page_title="Codage PMSI — revue", page_icon="🩺", layout="wide")

styles.apply()
user = current_user()
if user is None:
    sign_in_pages = [st.Page("views/sign_in.py", title="Connexion", icon=":material/login:", default=True)]
    sign_in_pages += [
        st.Page(sign_in_page, title="Connexion", icon=":material/login:", url_path=path) for path in SIGNED_IN_PATHS
    ]
    page = st.navigation(sign_in_pages, position="hidden")
else:
    pages = [
        st.Page(
            "views/worklist.py", title="Liste de travail", icon=":material/checklist:", url_path="liste", default=True
        ),
        st.Page("views/stay.py", title="Séjour", icon=":material/description:", url_path="sejour"),
        st.Page("views/dashboard.py", title="Tableau de bord", icon=":material/bar_chart:", url_path="tableau-de-bord"),
    ]
    if user.role in EXPORT_ROLES:
        pages.append(st.Page("views/export.py", title="Export", icon=":material/upload_file:", url_path="export"))
    if user.role == "admin":
        pages.append(st.Page("views/accounts.py", title="Comptes", icon=":material/group:", url_path="comptes"))
    with st.sidebar:
        st.markdown(f"**{md(user.display_name)}**  \n{USER_ROLE_LABELS.get(user.role, user.role)}")
        if st.button("Se déconnecter", key="sign_out"):
            sign_out()
            st.rerun()
    page = st.navigation(pages)
try:
    if user is not None and page.url_path != STAY_PATH:
        page_script.draw()  # the stay page draws it in its coding panel, with the draft's state
    page.run()
except Exception as error:  # st.stop / st.rerun are not Exceptions: they pass through
    log_unexpected(error, f"page {page.title}")
    alerts.error(FRIENDLY_MESSAGE)
