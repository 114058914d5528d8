"""Settings of the review UI's sessions and sign-in lockout, from the environment (CODING_ASSISTANT_UI_*).

Read by the `ui` command before it starts the server (so that a bad value is one `error:` line, not a broken
page) and by the app itself.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from coding_assistant.config import SettingsError

ENV_PREFIX = "CODING_ASSISTANT_UI_"


class UiSettings(BaseSettings):
    """Session lifetimes and sign-in limits; the defaults suit a hospital ward (see SECURITY.md)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    idle_timeout_minutes: float = Field(
        default=30, gt=0, le=24 * 60, description="a session without any action for this long is signed out"
    )
    session_max_hours: float = Field(
        default=10, gt=0, le=7 * 24, description="a session is signed out this long after sign-in, active or not"
    )
    lockout_window_minutes: float = Field(
        default=15, gt=0, le=24 * 60, description="refused sign-ins are counted over this window"
    )
    lockout_account_failures: int = Field(
        default=5, ge=1, le=1000, description="refused sign-ins within the window that lock an account out"
    )
    lockout_client_failures: int = Field(
        default=20, ge=1, le=10000, description="refused sign-ins within the window that lock a client address out"
    )

    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(minutes=self.idle_timeout_minutes)

    @property
    def session_max(self) -> timedelta:
        return timedelta(hours=self.session_max_hours)

    @property
    def lockout_window(self) -> timedelta:
        return timedelta(minutes=self.lockout_window_minutes)


def get_ui_settings() -> UiSettings:
    try:
        return UiSettings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "a setting"
        reason = first.get("msg", "invalid value").removeprefix("Value error, ")
        raise SettingsError(f"setting {ENV_PREFIX}{name.upper()}: {reason}") from None
