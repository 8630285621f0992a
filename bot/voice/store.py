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
    # Every recording, read once and again after a change (a few hundred rows at most): each
    # step shown asks whether it has one.
    _voice_notes: dict[tuple[str, str], str] | None = None

    def _recordings(self) -> dict[tuple[str, str], str]:
        if self._voice_notes is None:
            rows = self.db.execute("SELECT key, language, file_id FROM voice_notes")
            self._voice_notes = {(key, language): file_id for key, language, file_id in rows}
        return self._voice_notes

    def voice_note(self, key: str, language: str) -> str | None:
        return self._recordings().get((key, language))

    def recorded_keys(self, language: str) -> set[str]:
        return {key for key, lang in self._recordings() if lang == language}

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
        self._voice_notes = None

    def delete_voice_note(self, key: str, language: str, *, staff_id: int) -> bool:
        with self.transaction():
            cursor = self.db.execute(
                "DELETE FROM voice_notes WHERE key = ? AND language = ?", [key, language]
            )
            if cursor.rowcount:
                self._event(f"staff:{staff_id}", "voice:deleted", None, None, f"{language}:{key}")
        self._voice_notes = None
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
        def read() -> bool:
            row = self.db.execute("SELECT read_aloud FROM users WHERE id = ?", [user_id])
            found = row.fetchone()
            return bool(found and found[0])

        return bool(self.remembered("read_aloud", user_id, read))

    def set_read_aloud(self, user_id: int, on: bool) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO users (id, created_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
                [user_id, self._now()],
            )
            self.db.execute("UPDATE users SET read_aloud = ? WHERE id = ?", [int(on), user_id])
        self.forget("read_aloud", user_id)
