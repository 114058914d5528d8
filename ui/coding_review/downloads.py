"""Short-lived permissions to download a file served by Streamlit's media store.

Streamlit serves a download button's file at /media/<id>.<ext> to anyone who has the URL, signed in or not, for
as long as the file stays in its in-memory store (until enough later script runs collect it: minutes, or for
ever on a quiet server). The export page therefore prepares its files only when a signed-in user clicks
(`st.download_button` with a callable), and that callable grants the file to the address of the browser that
clicked, for a few seconds; the server's HTTP guard (http_guard.py) answers 404 to any other fetch of a
downloadable file. The browser fetches right after the click (twice: Streamlit's page checks the URL while the
download starts), well within the grant.

The registry is process-wide: the guard and the app's scripts run in the same server process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

GRANT_TTL_S = 10.0  # far longer than the browser takes to fetch the file it has just been given the URL of
LOCAL = "local"  # how the app names a browser on the server itself (Streamlit gives no address for those)
_LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


def client_name(address: str | None) -> str:
    """One name for a client address on both sides: the app's (Streamlit's, None for loopback) and the HTTP
    request's (its peer address, after uvicorn has applied a trusted proxy's X-Forwarded-For)."""
    if not address or address in _LOOPBACK:
        return LOCAL
    return address


class DownloadGrants:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._expiries: dict[tuple[str, str], float] = {}

    def grant(self, file_name: str, client: str, ttl_s: float = GRANT_TTL_S) -> None:
        with self._lock:
            now = self._clock()
            # Forget the expired ones here: nothing else cleans the registry.
            self._expiries = {key: expiry for key, expiry in self._expiries.items() if expiry > now}
            self._expiries[(file_name, client)] = now + ttl_s

    def allowed(self, file_name: str, client: str) -> bool:
        """Whether `client` may fetch `file_name` now."""
        with self._lock:
            return self._expiries.get((file_name, client), 0.0) > self._clock()


GRANTS = DownloadGrants()
