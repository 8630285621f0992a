"""The voice notes' SQL: recordings per message and language, the staff's pending recording,
and each person's "read aloud" choice."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.store import StoreBase


@dataclass(frozen=True, slots=True)
class VoiceRequest:
    """A staff member asked to record `key` in `language`; `file_id`: a new recording that
    waits for "Remplacer" (one existed already)."""

    key: str
    language: str
    file_id: str | None


class VoiceStore(StoreBase):
    def voice_note(self, key: str, language: str) -> str | None:
        row = self.db.execute(
            "SELECT file_id FROM voice_notes WHERE key = ? AND language = ?", [key, language]
        ).fetchone()
        return row[0] if row else None

    def recorded_keys(self, language: str) -> set[str]:
        rows = self.db.execute("SELECT key FROM voice_notes WHERE language = ?", [language])
        return {key for (key,) in rows}

    def save_voice_note(self, key: str, language: str, file_id: str, *, staff_id: int) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO voice_notes (key, language, file_id, recorded_by, recorded_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(key, language) DO UPDATE SET "
                "file_id = excluded.file_id, recorded_by = excluded.recorded_by, "
                "recorded_at = excluded.recorded_at",
                [key, language, file_id, staff_id, self._now()],
            )
            self.db.execute("DELETE FROM voice_requests WHERE staff_id = ?", [staff_id])
            self._event(f"staff:{staff_id}", "voice:recorded", None, None, f"{language}:{key}")

    def delete_voice_note(self, key: str, language: str, *, staff_id: int) -> bool:
        with self.transaction():
            cursor = self.db.execute(
                "DELETE FROM voice_notes WHERE key = ? AND language = ?", [key, language]
            )
            if cursor.rowcount:
                self._event(f"staff:{staff_id}", "voice:deleted", None, None, f"{language}:{key}")
        return bool(cursor.rowcount)

    def expect_voice(
        self, staff_id: int, key: str, language: str, *, file_id: str | None = None
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO voice_requests (staff_id, key, language, file_id, asked_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(staff_id) DO UPDATE SET key = excluded.key, "
                "language = excluded.language, file_id = excluded.file_id, "
                "asked_at = excluded.asked_at",
                [staff_id, key, language, file_id, self._now()],
            )

    def voice_request(self, staff_id: int) -> VoiceRequest | None:
        row = self.db.execute(
            "SELECT key, language, file_id FROM voice_requests WHERE staff_id = ?", [staff_id]
        ).fetchone()
        return VoiceRequest(*row) if row else None

    def clear_voice_request(self, staff_id: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM voice_requests WHERE staff_id = ?", [staff_id])

    def reads_aloud(self, user_id: int) -> bool:
        row = self.db.execute("SELECT read_aloud FROM users WHERE id = ?", [user_id]).fetchone()
        return bool(row and row[0])

    def set_read_aloud(self, user_id: int, on: bool) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO users (id, created_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
                [user_id, self._now()],
            )
            self.db.execute("UPDATE users SET read_aloud = ? WHERE id = ?", [int(on), user_id])
