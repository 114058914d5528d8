"""Errors of the store; each is a CodingAssistantError so the CLI and UI print one clear line."""

from __future__ import annotations

from datetime import datetime

from coding_assistant.errors import CodingAssistantError


class StoreError(CodingAssistantError):
    """A store request that cannot be served as asked (unknown stay, bad argument)."""


class UnknownStayError(StoreError, LookupError):
    def __init__(self, stay_id: str) -> None:
        super().__init__(f"stay {stay_id}: not in the store")
        self.stay_id = stay_id


class UserError(StoreError):
    """Unknown, duplicate or inactive user, or a password that the policy refuses."""


class ConcurrentEditError(StoreError):
    """The stay changed since the coder opened it: saving would silently overwrite someone else's work."""

    def __init__(
        self,
        stay_id: str,
        expected_version: int,
        current_version: int,
        changed_by: str | None,
        changed_at: datetime | None,
    ) -> None:
        who = changed_by or "another user"
        when = f" at {changed_at.isoformat(timespec='seconds')}" if changed_at else ""
        super().__init__(
            f"stay {stay_id}: saved by {who}{when} since you opened it "
            f"(your version {expected_version}, now {current_version}); reload the stay and review it again"
        )
        self.stay_id = stay_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at


class ExportedStayError(StoreError):
    """A new coding of a stay already exported, not marked as a change after export: the RSS sent holds the old
    coding, so the change must be explicit (the stay then has to be exported again)."""

    def __init__(self, stay_id: str) -> None:
        super().__init__(f"stay {stay_id}: already exported; save with after_export=True to change its coding")
        self.stay_id = stay_id


class BatchLockedError(StoreError):
    """Another batch run holds the lock (or this run lost it to a take-over)."""
