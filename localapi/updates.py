"""getUpdates: the queue of updates, long polling, offsets and allowed_updates."""

from __future__ import annotations

import time
from typing import Any

from localapi.errors import (
    _WEBHOOK_CONFLICT,
    BotApiError,
)
from localapi.params import (
    json_copy,
)
from localapi.state import ApiState


class Updates(ApiState):
    """getUpdates, and the queue the user side and tests push to."""

    def _get_updates(
        self, params: dict[str, Any], max_wait: float | None = None
    ) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise BotApiError(409, _WEBHOOK_CONFLICT)
        offset = int(params.get("offset", 0) or 0)
        limit = min(max(int(params.get("limit", 100) or 100), 1), 100)
        timeout = float(params.get("timeout", 0) or 0)
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            self._allowed_updates = list(params["allowed_updates"])
        self._confirm(offset)
        if timeout > 0 and not self._deliverable():
            wait = timeout if max_wait is None else min(timeout, max_wait)
            deadline = time.monotonic() + wait
            generation = self._wake_generation
            while not self._deliverable() and generation == self._wake_generation:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            self._confirm(offset)
        updates: list[dict[str, Any]] = json_copy(self._deliverable()[:limit])
        return updates

    def _confirm(self, offset: int) -> None:
        """Telegram forgets updates below ``offset`` (negative: keep only the last ones)."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable(self) -> list[dict[str, Any]]:
        if not self._allowed_updates:
            return self._updates
        allowed = set(self._allowed_updates)
        return [u for u in self._updates if set(u) - {"update_id"} <= allowed]

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates (assigning ``update_id`` if missing)."""
        with self._cond:
            if "update_id" not in update:
                update = {"update_id": self._next_update_id, **update}
            self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
            self._updates.append(update)
            self._cond.notify_all()
            return update

    def interrupt_waiters(self) -> None:
        """Make pending long-polling getUpdates calls return now (used on shutdown)."""
        with self._cond:
            self._wake_generation += 1
            self._cond.notify_all()

    # ---------------------------------------------------------------- sending
