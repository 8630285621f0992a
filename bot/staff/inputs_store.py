"""What a staff member was asked to type (restart-safe): the `staff_inputs` row of the form
engine (`bot.core.typed_input`), one per staff member."""

from __future__ import annotations

import json
from typing import Any

from bot.core.store import StoreBase


class StaffInputStore(StoreBase):
    def expect_staff_input(
        self,
        user_id: int,
        kind: str,
        payload: dict[str, Any],
        *,
        chat_id: int | None = None,
        prompt_id: int | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO staff_inputs (user_id, kind, payload, created_at, chat_id, prompt_id) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET kind = excluded.kind, "
            "payload = excluded.payload, created_at = excluded.created_at, "
            "chat_id = excluded.chat_id, prompt_id = excluded.prompt_id",
            [
                user_id,
                kind,
                json.dumps(payload, ensure_ascii=False),
                self._now(),
                chat_id,
                prompt_id,
            ],
        )

    def staff_input_place(self, user_id: int) -> tuple[int | None, int | None] | None:
        """(chat id, prompt message id) of the pending input; chat None: the private chat."""
        row = self.db.execute(
            "SELECT chat_id, prompt_id FROM staff_inputs WHERE user_id = ?", [user_id]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def staff_input(self, user_id: int) -> tuple[str, dict[str, Any]] | None:
        row = self.db.execute(
            "SELECT kind, payload FROM staff_inputs WHERE user_id = ?", [user_id]
        ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def clear_staff_input(self, user_id: int) -> None:
        self.db.execute("DELETE FROM staff_inputs WHERE user_id = ?", [user_id])
