"""The cookie that lets a signed-in session survive a page reload, and the page script, both served by the
review server's own routes (no Streamlit import here: review_server.py mounts them).

Streamlit talks to the browser over a WebSocket, which cannot set a cookie. So at sign-in the app hands the
session's token to this registry under a one-time code, for a minute and for that browser's address only; the
page script (revue.js) posts the code to `/_revue/session`, whose answer sets the cookie: HttpOnly (no script
reads it), SameSite=Strict, Secure behind HTTPS, expiring with the session's maximum length. On a reload the
app reads the cookie (`st.context.cookies`) and resumes the session it names from the store (auth.py); the store
keeps the token's SHA-256 only.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from coding_review.downloads import client_name

COOKIE_NAME = "revue_session"
HANDOFF_TTL_S = 60.0
MAX_CODE_LENGTH = 64
SCRIPT = Path(__file__).resolve().parent / "revue.js"
ROUTE_PREFIX = "_revue"


@dataclass(frozen=True, slots=True)
class Handoff:
    token: str
    client: str
    max_age_s: int
    expires: float


class CookieHandoffs:
    """One-time codes under which the app hands a session token to the cookie route (process-wide: the app's
    scripts and the routes run in the same server process)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, Handoff] = {}

    def offer(self, token: str, client: str, max_age_s: int) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            now = self._clock()
            self._pending = {key: h for key, h in self._pending.items() if h.expires > now}
            self._pending[code] = Handoff(token, client, max_age_s, now + HANDOFF_TTL_S)
        return code

    def take(self, code: str, client: str) -> Handoff | None:
        """The handoff for `code`, once, to the address it was offered to, within its minute."""
        with self._lock:
            handoff = self._pending.pop(code, None)
        if handoff is None or handoff.expires <= self._clock() or handoff.client != client:
            return None
        return handoff


HANDOFFS = CookieHandoffs()


def routes_prefix(base_url_path: str | None) -> str:
    base = (base_url_path or "").strip("/")
    return f"/{base}/{ROUTE_PREFIX}" if base else f"/{ROUTE_PREFIX}"


def session_cookie(token: str, max_age_s: int, path: str, secure: bool) -> str:
    attributes = [f"{COOKIE_NAME}={token}", f"Max-Age={max_age_s}", f"Path={path}", "HttpOnly", "SameSite=Strict"]
    if secure:
        attributes.append("Secure")
    return "; ".join(attributes)


def make_routes(base_url_path: str | None, handoffs: CookieHandoffs = HANDOFFS) -> list[BaseRoute]:
    prefix = routes_prefix(base_url_path)
    cookie_path = "/" + (base_url_path or "").strip("/")

    async def script(request: Request) -> Response:
        # no-cache: a new version of the app must not meet an old script in the browser's cache.
        return FileResponse(SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    async def handoff(request: Request) -> Response:
        code = (await request.body())[: MAX_CODE_LENGTH + 1].decode("ascii", "replace").strip()
        peer = request.client.host if request.client else None
        found = handoffs.take(code, client_name(peer)) if 0 < len(code) <= MAX_CODE_LENGTH else None
        if found is None:
            return PlainTextResponse("Not found", status_code=404)
        answer = Response(status_code=204, headers={"Cache-Control": "no-store"})
        secure = request.url.scheme == "https"
        answer.headers["Set-Cookie"] = session_cookie(found.token, found.max_age_s, cookie_path, secure)
        return answer

    return [
        Route(f"{prefix}/revue.js", script, methods=["GET"]),
        Route(f"{prefix}/session", handoff, methods=["POST"]),
    ]
