"""Referrers, their links and follow-up of the candidates they send (issue #6)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.core.application_store import CandidateApplication
from bot.core.states import NOT_FILED, State, sql_in
from bot.core.store import StoreBase, iso
from bot.referrers.rules import new_code, new_link_token

# Lookups by source use the index applications_source(source, state, filed_at) made by
# the staff migration (0004).


@dataclass(frozen=True, slots=True)
class Referrer:
    id: int
    code: str
    name: str
    kind: str
    contact: str | None
    telegram_user_id: int | None
    linked_at: str | None
    created_at: str
    deleted_at: str | None

    @property
    def active(self) -> bool:
        return self.deleted_at is None


@dataclass(frozen=True, slots=True)
class ReferrerCounts:
    """What became of the people one referrer sent (filed applications only)."""

    sent: int = 0
    followed: int = 0  # of which the candidate agreed to follow-up
    states: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Followup:
    """What a referrer may read of one consenting candidate's application, beyond its state:
    the latest decision's date and, when the consent covers it, its refusal reason."""

    shares_reason: bool
    decided_at: str | None = None
    reason: str | None = None  # a staff.toml [[reasons]] id, only when shares_reason


_COLUMNS = "id, code, name, kind, contact, telegram_user_id, linked_at, created_at, deleted_at"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReferrerStore(StoreBase):
    """Referrers, their one-time linking tokens, and the candidates' follow-up consent."""

    # -- referrers ---------------------------------------------------------------------------

    def _referrer_where(self, clause: str, params: list[Any]) -> Referrer | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM referrers WHERE {clause}", params).fetchone()
        return Referrer(*row) if row else None

    def add_referrer(
        self, name: str, kind: str, contact: str | None = None, *, actor: str
    ) -> Referrer:
        """A new referrer with a fresh, unique code."""
        with self.db.atomic():
            while True:
                code = new_code()
                exists = self.db.execute("SELECT 1 FROM referrers WHERE code = ?", [code])
                if exists.fetchone() is None:
                    break
            cursor = self.db.execute(
                "INSERT INTO referrers (code, name, kind, contact, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [code, name, kind, contact, self._now()],
            )
            self._event(actor, "referrer_added", None, None, None, code)
        referrer = self.referrer(int(cursor.lastrowid or 0))
        assert referrer is not None
        return referrer

    def referrer(self, referrer_id: int) -> Referrer | None:
        return self._referrer_where("id = ?", [referrer_id])

    def referrer_by_code(self, code: str, *, include_deleted: bool = False) -> Referrer | None:
        referrer = self._referrer_where("code = ?", [code])
        if referrer is None or (not include_deleted and not referrer.active):
            return None
        return referrer

    def referrer_by_name(self, name: str) -> Referrer | None:
        """An active referrer with this name (ignoring case), to avoid doubles."""
        for referrer in self.referrers():
            if referrer.name.casefold() == name.casefold():
                return referrer
        return None

    def referrer_of_user(self, user_id: int) -> Referrer | None:
        """The active referrer whose linked Telegram account this is."""
        return self._referrer_where("telegram_user_id = ? AND deleted_at IS NULL", [user_id])

    def referrers(self, *, include_deleted: bool = False) -> list[Referrer]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM referrers {where} ORDER BY name COLLATE NOCASE, id"
        ).fetchall()
        return [Referrer(*row) for row in rows]

    def referrer_names(self) -> dict[str, str]:
        """Every code (deleted referrers included: history stays readable) → name."""
        return {code: name for code, name in self.db.execute("SELECT code, name FROM referrers")}

    def delete_referrer(self, referrer_id: int, *, actor: str) -> bool:
        """Soft delete: the link stops counting, the account is unlinked, pending linking
        links die. Applications keep their source. False when already deleted."""
        now = self._now()
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE referrers SET deleted_at = ?, telegram_user_id = NULL, linked_at = NULL "
                "WHERE id = ? AND deleted_at IS NULL",
                [now, referrer_id],
            )
            if cursor.rowcount != 1:
                return False
            self.db.execute(
                "DELETE FROM referrer_link_tokens WHERE referrer_id = ? AND used_at IS NULL",
                [referrer_id],
            )
            code = self.db.execute("SELECT code FROM referrers WHERE id = ?", [referrer_id])
            self._event(actor, "referrer_deleted", None, None, None, code.fetchone()[0])
        return True

    def referrer_counts(self) -> dict[str, ReferrerCounts]:
        """Per referrer code: filed applications, how many agreed to follow-up, by state."""
        rows = self.db.execute(
            "SELECT a.source, a.state, COUNT(*), COUNT(f.application_id) "
            "FROM applications a LEFT JOIN referrer_followups f ON f.application_id = a.id "
            # Filed applications only: a call-back request (`rappel…`) is not one.
            f"WHERE a.source IS NOT NULL AND {sql_in('a.state', NOT_FILED, negate=True)} "
            "GROUP BY a.source, a.state"
        ).fetchall()
        counts: dict[str, ReferrerCounts] = {}
        for source, state, number, followed in rows:
            before = counts.get(source) or ReferrerCounts()
            states = dict(before.states)
            states[state] = number
            counts[source] = ReferrerCounts(
                sent=before.sent + number, followed=before.followed + followed, states=states
            )
        return counts

    # -- one-time linking links ------------------------------------------------------------

    def new_referrer_link(self, referrer_id: int, *, valid_for: timedelta, actor: str) -> str:
        """A fresh one-time token for a referrer's linking link; only its hash is kept."""
        token = new_link_token()
        now = self.clock()
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO referrer_link_tokens (token_hash, referrer_id, created_at, "
                "expires_at) VALUES (?, ?, ?, ?)",
                [_hash(token), referrer_id, iso(now), iso(now + valid_for)],
            )
            self._event(actor, "referrer_link_created", None, None, None)
        return token

    def use_referrer_link(self, token: str, user_id: int) -> Referrer | None:
        """Link `user_id` to the referrer of a valid, unused, unexpired token (once).
        The account leaves any referrer it was linked to before. None: nothing done."""
        now = self._now()
        with self.db.atomic():
            row = self.db.execute(
                "SELECT t.referrer_id FROM referrer_link_tokens t "
                "JOIN referrers r ON r.id = t.referrer_id "
                "WHERE t.token_hash = ? AND t.used_at IS NULL AND t.expires_at > ? "
                "AND r.deleted_at IS NULL",
                [_hash(token), now],
            ).fetchone()
            if row is None:
                return None
            referrer_id = row[0]
            self.db.execute(
                "UPDATE referrer_link_tokens SET used_at = ? WHERE token_hash = ?",
                [now, _hash(token)],
            )
            self.db.execute(
                "UPDATE referrers SET telegram_user_id = NULL, linked_at = NULL "
                "WHERE telegram_user_id = ?",
                [user_id],
            )
            self.db.execute(
                "UPDATE referrers SET telegram_user_id = ?, linked_at = ? WHERE id = ?",
                [user_id, now, referrer_id],
            )
            self._event("referrer", "referrer_linked", None, None, None)
        return self.referrer(referrer_id)

    def linked_referrers(self) -> list[Referrer]:
        return [r for r in self.referrers() if r.telegram_user_id is not None]

    # -- the candidates' follow-up consent ----------------------------------------------

    def set_followup(self, application_id: int, consented: bool) -> None:
        """The candidate's answer to "may your referrer follow your application?"."""
        if consented:
            # The question now says the referrer learns why an application is not retained.
            self.db.execute(
                "INSERT INTO referrer_followups (application_id, consented_at, shares_reason) "
                "VALUES (?, ?, 1) ON CONFLICT(application_id) DO UPDATE SET shares_reason = 1",
                [application_id, self._now()],
            )
        else:
            self.db.execute(
                "DELETE FROM referrer_followups WHERE application_id = ?", [application_id]
            )

    def has_followup(self, application_id: int) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM referrer_followups WHERE application_id = ?", [application_id]
        ).fetchone()
        return row is not None

    def followed_applications(self, code: str) -> list[CandidateApplication]:
        """The filed applications sent by this referrer whose candidate agreed to follow-up,
        the latest first."""
        return [
            CandidateApplication.from_row(row)
            for row in self.db.query(
                "SELECT a.* FROM applications a "
                "JOIN referrer_followups f ON f.application_id = a.id "
                f"WHERE a.source = ? AND {sql_in('a.state', State.DRAFT, negate=True)} "
                "ORDER BY a.filed_at DESC, a.id DESC",
                [code],
            )
        ]

    def followup(self, application_id: int) -> Followup | None:
        """The follow-up details of one application (None without the candidate's consent)."""
        row = self.db.execute(
            f"{_FOLLOWUP_SELECT} WHERE f.application_id = ?", [application_id]
        ).fetchone()
        return _followup(row) if row else None

    def followups(self, application_ids: list[int]) -> dict[int, Followup]:
        """The follow-up details of these applications, in one query."""
        if not application_ids:
            return {}
        marks = ", ".join("?" for _ in application_ids)
        rows = self.db.execute(
            f"{_FOLLOWUP_SELECT} WHERE f.application_id IN ({marks})", application_ids
        )
        return {row[0]: _followup(row) for row in rows}

    def claim_followup_notice(self, application_id: int, state: str) -> bool:
        """True once per (application, state) with consent: the referrer is told once."""
        cursor = self.db.execute(
            "UPDATE referrer_followups SET notified_state = ? "
            "WHERE application_id = ? AND (notified_state IS NULL OR notified_state != ?)",
            [state, application_id, state],
        )
        return cursor.rowcount == 1


# The review's date and reason (the staff's table), read for the referrer's follow-up.
_FOLLOWUP_SELECT = (
    "SELECT f.application_id, f.shares_reason, r.decided_at, r.reason "
    "FROM referrer_followups f LEFT JOIN reviews r ON r.application_id = f.application_id"
)


def _followup(row: Any) -> Followup:
    _id, shares, decided_at, reason = row
    return Followup(
        shares_reason=bool(shares), decided_at=decided_at, reason=reason if shares else None
    )
