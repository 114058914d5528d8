"""The review server: `coding-assistant ui` runs `streamlit run ui/review_server.py …`, which serves the app
(app.py) through this `st.App`, with the HTTP guard in front of Streamlit's routes (security headers, exports
downloadable only right after a signed-in user's click: coding_review/http_guard.py), two routes of its own
(the page script and the session cookie: coding_review/session_cookie.py) and a French message in place of any
error's details.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:  # `streamlit run` adds it; an ASGI server started by hand may not
    sys.path.insert(0, str(_HERE))

import streamlit as st  # noqa: E402
from coding_review import alerts  # noqa: E402
from coding_review.errors import FRIENDLY_MESSAGE, DropExceptionMessages  # noqa: E402
from coding_review.http_guard import HttpGuard, content_security_policy, media_prefix  # noqa: E402
from coding_review.session_cookie import make_routes  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from streamlit import config, runtime  # noqa: E402
from streamlit.runtime.media_file_storage import MediaFileKind  # noqa: E402

STREAMLIT_INDEX = Path(st.__file__).resolve().parent / "static" / "index.html"

# Streamlit logs an uncaught exception with its message, which may quote patient data: keep the stack only.
for _name in ("streamlit.error_util", "streamlit.runtime.backend_operation_handler"):
    logging.getLogger(_name).addFilter(DropExceptionMessages())


def downloadable_file_name(segment: str) -> str | None:
    """The download name of the media file `segment` names, when it is one made for download."""
    if not runtime.exists():
        return None
    files = runtime.get_instance().media_file_mgr
    if not files.can_read_files:
        return None
    found = files.read_file(segment)
    if found is None or found.kind != MediaFileKind.DOWNLOADABLE:
        return None
    return found.filename or ""


def friendly_error(error: Exception) -> bool:
    """Streamlit's hook for an error the page did not catch (in a fragment or a callback): the French message,
    and True, so that Streamlit shows nothing of the error itself (it has logged it, without its message)."""
    alerts.error(FRIENDLY_MESSAGE)
    return True


app = st.App(
    _HERE / "app.py",
    # The page script (keyboard shortcut, warning before leaving unsaved changes) and the session cookie's
    # handoff, served by this server itself (coding_review/session_cookie.py).
    routes=make_routes(config.get_option("server.baseUrlPath")),
    middleware=[
        Middleware(
            HttpGuard,  # type: ignore[arg-type]
            csp=content_security_policy(STREAMLIT_INDEX),
            downloadable=downloadable_file_name,
            # `streamlit run` has read its options by the time it imports this module.
            media=media_prefix(config.get_option("server.baseUrlPath")),
        )
    ],
    on_script_error=friendly_error,
)
