"""The person's rights in the store: a copy of everything kept about them, and erasure
(nothing left behind: the rows, the staff messages owed a redaction, the free pages)."""

from __future__ import annotations

from typing import Any

from bot.core.mentions import ERASED, owe_redactions
from bot.journey.store import CandidateStore, vars_of


class RightsStore(CandidateStore):
    """`/mesdonnees` and `/supprimer`; built on the candidate's own rows."""

    def export_user(self, user_id: int) -> dict[str, Any]:
        """Everything kept about one person, for /mesdonnees."""
        user = next(self.db.query("SELECT * FROM users WHERE id = ?", [user_id]), None)
        conversation = self.conversation(user_id)
        return {
            "utilisateur": user,
            "conversation": None
            if conversation is None
            else {"etape": conversation.step, "mis_a_jour": conversation.updated_at},
            "candidatures": [
                {
                    **{k: v for k, v in vars_of(app).items() if k != "user_id"},
                    "historique": list(
                        self.db.query(
                            "SELECT at, action, from_state, to_state FROM events "
                            "WHERE application_id = ? ORDER BY id",
                            [app.id],
                        )
                    ),
                }
                for app in self.applications_of(user_id)
            ],
        }

    def erase_user(self, user_id: int) -> int:
        """Erase a person: applications, answers, conversation. The audit keeps an anonymous
        trace (action and dates, no note, no link to the person). Returns how many applications
        were erased."""
        with self.db.atomic():
            ids = [
                row[0]
                for row in self.db.execute(
                    "SELECT id FROM applications WHERE user_id = ?", [user_id]
                ).fetchall()
            ]
            # The staff's and referrers' messages that show the person are owed an edit.
            owe_redactions(self.db, ids, ERASED, self._now())
            for application_id in ids:
                self.db.execute(
                    "UPDATE events SET note = NULL, application_id = NULL WHERE application_id = ?",
                    [application_id],
                )
            self.db.execute("DELETE FROM conversations WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM applications WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM users WHERE id = ?", [user_id])
            self._event("candidate", "erased", None, None, None)
        self.forget_people()
        # secure_delete zeroes the freed bytes in the file; the WAL still holds the old pages
        # until a checkpoint: fold it in and empty it now, so the bytes are gone everywhere.
        self.checkpoint()
        return len(ids)
