"""The staff's daily digest on the JobQueue, and "⏸ Garder en attente" (issue #16).

PTB does not persist jobs: at every start the daily job is scheduled again at `[digest] hour`
of `dialogs/staff.toml` (the structure's time zone), and a catch-up runs a minute after start
for a day whose hour passed while the bot was down. The day is recorded in the store
*before* the digest is sent, so it goes out at most once a day across restarts; nothing is
sent on a day with nothing to say.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from telegram import CallbackQuery, Message, User
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.core.access import staff_chats
from bot.core.application_store import CandidateApplication
from bot.core.dialog_files import DialogSource, Loaded, Problems, read_toml
from bot.core.i18n import _, french
from bot.core.services import Services, services
from bot.core.settings import Settings
from bot.staff import digest_rules as rules
from bot.staff import digest_views as views
from bot.staff import notice as staff_notice
from bot.staff.decide import answer_stale

log = logging.getLogger(__name__)

DIGEST_JOB = "staff:digest"
CATCH_UP_JOB = "staff:digest:catch-up"
CATCH_UP_AFTER = timedelta(minutes=1)


def _parse(directory: Path) -> Loaded[rules.DigestSettings]:
    # A file missing or not TOML is said by the staff feature's own check (bot.staff.dialogs),
    # not twice: no problem of its own here.
    raw = read_toml(directory / "staff.toml", Problems())
    if raw is None:
        return Loaded(None)
    try:
        return Loaded(rules.read_settings(raw.get("digest")))
    except rules.DigestSettingsError as error:
        return Loaded(None, (str(error),))


# `[digest]` of staff.toml (defaults when absent), through the one loader of dialogs files:
# read again when the file changes, the last good version kept while it is broken.
DIGEST: DialogSource[rules.DigestSettings] = DialogSource(
    name="staff_digest", files=("staff.toml",), parse=_parse
)


def digest_settings(directory: Path) -> rules.DigestSettings:
    """`[digest]` of staff.toml (defaults when absent), read again when the file changes."""
    return DIGEST.live(directory)


def check(settings: Settings) -> list[str]:
    """`python -m bot check`: problems in `[digest]` (the rest of staff.toml is the staff's)."""
    return DIGEST.check(settings.dialogs_dir)


async def start(application: Application) -> None:  # type: ignore[type-arg]
    """At every start: the daily job at its hour, and a catch-up a minute later."""
    queue = application.job_queue
    if queue is None:
        return
    svc = services(application)
    settings = digest_settings(svc.settings.dialogs_dir)
    for name in (DIGEST_JOB, CATCH_UP_JOB):
        for job in queue.get_jobs_by_name(name):
            job.schedule_removal()
    queue.run_daily(
        send_digest, time=settings.hour.replace(tzinfo=svc.settings.timezone), name=DIGEST_JOB
    )
    queue.run_once(send_digest, when=CATCH_UP_AFTER, name=CATCH_UP_JOB)


def collect(svc: Services, day_done: date, since: datetime | None) -> rules.Digest:
    now = svc.clock()
    zone = svc.settings.timezone
    tomorrow = rules.day_bounds(day_done + timedelta(days=1), zone)
    slot_steps = [step.id for step in svc.dialogs.steps if step.kind == "slot"]
    store = svc.store
    return rules.make_digest(
        day_done,
        now,
        new=store.filed_since(since or now - timedelta(days=1)),
        undecided=store.undecided_before(now - timedelta(days=rules.WAITING_DAYS)),
        interviews=store.interviews_between(*tomorrow),
        stopped_at_slot=sum(
            store.drafts_at_step(step, idle_since=now - rules.STOPPED_FOR) for step in slot_steps
        ),
    )


def digest_chats(svc: Services, where: str) -> list[int]:
    if where == "private":
        return sorted(svc.settings.staff_ids)
    return staff_chats(svc)


async def send_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The day's digest, once a day, and only when it has something to say."""
    svc = services(context)
    settings = digest_settings(svc.settings.dialogs_dir)
    zone = svc.settings.timezone
    day = rules.due_day(svc.clock(), zone, settings.hour, svc.store.last_digest_day())
    if day is None:
        return
    claimed = svc.store.claim_digest(day)
    if claimed is False:
        return  # another run did this day
    digest = collect(svc, day, claimed if not isinstance(claimed, bool) else None)
    if digest.empty:
        return
    with french():
        text, markup = views.digest_text(digest), views.digest_keyboard(digest)
    for chat_id in digest_chats(svc, settings.where):
        try:
            await context.bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramError as error:
            log.warning("digest not delivered to a staff chat: %s", type(error).__name__)


async def keep_waiting(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    application: CandidateApplication,
    version: int,
) -> None:
    """ "⏸ Garder en attente": recorded (the audit), the ask is silenced for 60 days."""
    review = svc.store.review(application.id)
    if version != review.version or staff_notice.ask_days(svc, application) is None:
        await answer_stale(context, svc, query, message, application.id)
        return
    svc.store.keep_waiting(application.id, staff_id=user.id, staff_name=user.first_name)
    with french():
        await query.answer(
            _("C'est noté : l'équipe la garde en attente. Rien n'est dit à la personne.")
        )
    await staff_notice.refresh_cards(context, svc, application.id)
