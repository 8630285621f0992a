"""The person's rights in the store: a copy of everything kept about them, and erasure
(nothing left behind: the rows, the staff messages owed a redaction, the free pages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.application_store import CandidateStore, vars_of
from bot.core.ledger import ERASED_APPLICATION, ERASED_USER, WITHDRAWN, Entry
from bot.core.mentions import ERASED, owe_redactions
from bot.core.states import FINAL, State

FINAL_STATES = {state.value for state in FINAL}


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
            rows = self.db.execute(
                "SELECT id, reference FROM applications WHERE user_id = ?", [user_id]
            ).fetchall()
            ids = [row[0] for row in rows]
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
            if self.ledger is not None:
                # Inside the transaction: an erasure not recorded for a restore is not done.
                self.ledger.record(
                    self.clock(),
                    [(ERASED_USER, user_id)] + [(ERASED_APPLICATION, r[1]) for r in rows if r[1]],
                )
        self.forget_people()
        # secure_delete zeroes the freed bytes in the file; the WAL still holds the old pages
        # until a checkpoint: fold it in and empty it now, so the bytes are gone everywhere.
        self.checkpoint()
        return len(ids)

    def reapply_erasures(self, entries: Sequence[Entry]) -> tuple[int, int]:
        """After a restore: erase again every person, and withdraw again every application,
        that the ledger's `entries` name (matched by salted hash). Not recorded a second time.
        Returns (people erased, applications withdrawn)."""
        ledger = self.ledger
        if ledger is None or not entries:
            return 0, 0
        people = {e.digest for e in entries if e.kind == ERASED_USER}
        applications = {e.digest for e in entries if e.kind == ERASED_APPLICATION}
        withdrawn = {e.digest for e in entries if e.kind == WITHDRAWN}
        to_erase = {
            row[0]
            for row in self.db.execute("SELECT id FROM users").fetchall()
            if ledger.digest(ERASED_USER, row[0]) in people
        }
        rows = self.db.execute(
            "SELECT id, user_id, reference, state FROM applications WHERE reference IS NOT NULL"
        ).fetchall()
        to_erase |= {
            row[1] for row in rows if ledger.digest(ERASED_APPLICATION, row[2]) in applications
        }
        self.ledger = None
        try:
            for user_id in sorted(to_erase):
                self.erase_user(user_id)
            count = 0
            for application_id, user_id, reference, state in rows:
                if (
                    user_id not in to_erase
                    and state not in FINAL_STATES
                    and ledger.digest(WITHDRAWN, reference) in withdrawn
                    and self.change_state(
                        application_id, expected=state, new=State.CANCELLED, actor="candidate"
                    )
                ):
                    count += 1
        finally:
            self.ledger = ledger
        return len(to_erase), count
