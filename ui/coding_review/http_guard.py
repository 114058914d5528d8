"""HTTP guard of the review server (ASGI middleware, in front of Streamlit's own routes).

- Security headers on every response: the app may not be framed by another site (CSP frame-ancestors 'none'
  and X-Frame-Options DENY, against click-jacking), the browser fetches nothing from another origin (the CSP
  allows 'self' only, plus data:/blob: for images Streamlit builds in the page), no MIME sniffing, no Referer.
- Streamlit's media route (/media/<id>): files are never cached, and a downloadable file (an export) is served
  only to the address a signed-in user clicked its button from, for a few seconds (downloads.py); else 404.

No Streamlit import here: the server module (review_server.py) passes what it needs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coding_review.downloads import GRANTS, DownloadGrants, client_name

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP source expressions allowing exactly the inline scripts of Streamlit's page (it has one)."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _INLINE_SCRIPT.findall(index_html)
    ]


def content_security_policy(index_html: Path | None) -> str:
    scripts = ["'self'"]
    if index_html is not None and index_html.is_file():
        scripts += inline_script_hashes(index_html.read_text(encoding="utf-8"))
    else:  # an unknown page layout: let its inline scripts run rather than break the app
        scripts.append("'unsafe-inline'")
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        # Streamlit's components set style attributes and <style> elements at run time.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],  # the app's WebSocket included (same host and port)
        "media-src": ["'self'", "data:", "blob:"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'", "blob:", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(csp: str) -> list[tuple[str, str]]:
    return [
        ("Content-Security-Policy", csp),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ]


def media_prefix(base_url_path: str | None) -> str:
    """Where Streamlit serves its media files: /media/, or /<base>/media/ under `server.baseUrlPath`."""
    base = (base_url_path or "").strip("/")
    return f"/{base}/media/" if base else "/media/"


def media_file_segment(path: str, prefix: str = "/media/") -> str | None:
    """The "<id>.<ext>" of a media URL, else None (Streamlit's own static files are not media)."""
    if not path.startswith(prefix):
        return None
    segment = path[len(prefix) :]
    return segment if segment and "/" not in segment else None


# Streamlit's internal routes that no page of the app needs and that tell a visitor about the server: the
# metrics (sessions, memory, cache sizes) and the agent API's description. Refused to everyone, signed in or
# not, whatever the address (behind the reverse proxy every client shares the proxy's). The health route
# stays: a proxy's probe needs it, and it says "ok" and nothing else; host-config stays: the page needs it
# before anyone can sign in, and it holds Streamlit's defaults, no data.
REFUSED_ROUTES = ("_stcore/metrics", "_stcore/agent/")


def refused_route(path: str, media: str = "/media/") -> bool:
    """Whether `path` is one of REFUSED_ROUTES under the server's base path (the part before `media`'s)."""
    base = media.removesuffix("media/")
    relative = path[len(base) :] if path.startswith(base) else ""
    return any(relative == route.rstrip("/") or relative.startswith(route) for route in REFUSED_ROUTES)


class HttpGuard:
    """`downloadable(segment)`: the download file name of the media file `segment` names when it is a file for
    download (kept apart from pictures and the like), else None."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        csp: str,
        downloadable: Callable[[str], str | None],
        media: str = "/media/",
        grants: DownloadGrants = GRANTS,
    ) -> None:
        self.app = app
        self.headers: Iterable[tuple[str, str]] = security_headers(csp)
        self.downloadable = downloadable
        self.media = media
        self.grants = grants

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if refused_route(scope.get("path", ""), self.media):
            refusal = PlainTextResponse("Not found", status_code=404)
            await refusal(scope, receive, self._with_headers(send, media=False))
            return
        segment = media_file_segment(scope.get("path", ""), self.media)
        if segment is not None:
            name = self.downloadable(segment)
            if name is not None:
                peer = scope.get("client")
                if not self.grants.allowed(name, client_name(peer[0] if peer else None)):
                    refusal = PlainTextResponse("Not found", status_code=404)
                    await refusal(scope, receive, self._with_headers(send, media=True))
                    return

        await self.app(scope, receive, self._with_headers(send, media=segment is not None))

    def _with_headers(self, send: Send, *, media: bool) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers[name] = value
                if media:
                    # Exports and pictures are patient data: no copy in the browser's or a proxy's cache.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        return sending
