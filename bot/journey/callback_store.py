"""Call-back requests in the store: "L'équipe peut m'appeler" files one instead of an
application, and a staff member marks it done once she called (`bot.staff.callback_store`).

Why a row of `applications` in a state of its own (`rappel`, then `rappel_fait`; see
`bot.core.states`) rather than a table of its own: everything that protects a person's data
is keyed by that row — erasure (/supprimer), the retention purge, /mesdonnees, the outbox that
owes the confirmation and the staff cards, the cards edited in place and their redaction
after an erasure — and covers a call-back with no new code or migration. And because its
state is none of the application states, no reference is given, `filed_at` stays empty, and
every list of applications (active, filed, open, the export, the figures by month or
workshop, the digest) leaves it out without a change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.core.application_store import CandidateApplication, CandidateStore
from bot.core.states import CALLBACK, State


class CallbackStore(CandidateStore):
    def file_callback(
        self,
        draft_id: int,
        *,
        name: str,
        phone: str,
        answers: dict[str, Any],
        owed: Sequence[tuple[str, int]] = (),
    ) -> tuple[CandidateApplication, bool]:
        """The draft becomes a call-back request, once: `(request, True)`; a double tap finds
        it done and gets `(request, False)`. Its answers are only those that say why (up to
        the call-back's own questions). Any seat the draft held goes with it (the draft's
        row is replaced, and its bookings cascade)."""
        now = self._now()
        with self.db.atomic():
            self.stamp_update()
            current = self.application(draft_id)
            if current.state != State.DRAFT:
                return current, False
            cursor = self.db.execute(
                "INSERT INTO applications (user_id, state, answers, first_name, phone, source, "
                "consent_at, sensitive_consent_at, created_at, updated_at, last_contact_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    current.user_id,
                    CALLBACK,
                    json.dumps(answers, ensure_ascii=False),
                    name,
                    phone,
                    current.source,
                    current.consent_at,
                    current.sensitive_consent_at,
                    now,
                    now,
                    now,
                ],
            )
            request_id = int(cursor.lastrowid or 0)
            # The draft's audit entries (its consent) now belong to the request.
            self.db.execute(
                "UPDATE events SET application_id = ? WHERE application_id = ?",
                [request_id, draft_id],
            )
            self.db.execute("DELETE FROM applications WHERE id = ?", [draft_id])
            self._event("candidate", "callback", request_id, State.DRAFT, CALLBACK)
            for kind, chat_id in owed:
                self.owe(kind, request_id, chat_id)  # type: ignore[attr-defined]
            self.db.execute("DELETE FROM conversations WHERE user_id = ?", [current.user_id])
        return self.application(request_id), True
