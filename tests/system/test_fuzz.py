"""10,000 random updates (Hypothesis): any text, media, contacts of others, edited messages,
forged and stale buttons, unknown commands, groups and channels. Zero unhandled exceptions,
every private message answered, and the database passes `PRAGMA integrity_check`.

`TREMPLIN_FUZZ_EXAMPLES` raises the number of runs (100 runs of 100 updates by default)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localapi import Chat, LocalBotApi
from tests.conftest import STAFF_ID, Bot, Clock, make_settings

EXAMPLES = int(os.environ.get("TREMPLIN_FUZZ_EXAMPLES", "100"))
UPDATES_PER_RUN = 100
USERS = (1001, 1002, 1003, STAFF_ID)
GROUP = -100555
COMMANDS = (
    "/start",
    "/aide",
    "/help",
    "/statut",
    "/recommencer",
    "/retirer",
    "/mesdonnees",
    "/supprimer",
    "/rdv",
    "/file",
    "/dossier IS-2026-0001",
    "/cherche Awa",
    "/export",
    "/stats",
    "/creneaux",
    "/orienteurs",
    "/mescandidats",
    "/annuler",
    "/inconnue",
    "/start abcdef",
    "/start " + "x" * 65,
    "/start lien-faux",
)

texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.sampled_from(
        [
            "Awa",
            "Diallo",
            "N'Diaye",
            "93300",
            "0612345678",
            "a@b.fr",
            "oui",
            "\u202eéssiurtna",
            "\x00\x07\x1b",
            "🙂" * 30,
            "x" * 5000,
        ]
    ),
)
actions = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("tap"), st.integers(min_value=0, max_value=12)),
    st.tuples(st.just("tap"), st.integers(min_value=0, max_value=3)),  # the likely ones
    st.tuples(st.just("forged"), st.text(max_size=70)),
    st.tuples(
        st.just("forged"),
        st.sampled_from(
            [
                "j:age:oui",
                "j:resume:~send",
                "c:erase:yes",
                "s:1:accept",
                "t:1:book",
                "r:1:x",
                "j:ateliers:bois",
                "c:withdraw:yes",
                "s::",
                "j:accord:oui",
            ]
        ),
    ),
    st.tuples(st.just("stale"), st.integers(min_value=0, max_value=40)),
    st.tuples(
        st.sampled_from(
            [
                "sticker",
                "photo",
                "voice",
                "location",
                "document",
                "contact_own",
                "contact_other",
                "edited",
                "group_text",
                "group_command",
                "channel",
                "join",
            ]
        )
    ),
)


async def _run(tmp: Path, steps: list[tuple[tuple[Any, ...], int]]) -> None:
    harness = Bot(settings=make_settings(tmp), api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(STAFF_ID)
    harness.api.known_chat(GROUP, chat_type="supergroup", title="Groupe")
    harness.api.known_chat(-100999, chat_type="channel", title="Canal")
    await harness.start()
    errors: list[str] = []

    async def spy(update: object, context: Any) -> None:
        errors.append(type(context.error).__name__)

    harness.application.add_error_handler(spy)  # type: ignore[attr-defined]
    chats = {
        user: Chat(harness.application, harness.api, user_id=user, raise_errors=False)  # type: ignore[arg-type]
        for user in USERS
    }
    try:
        for action, user in steps:
            chat = chats[user]
            mark = harness.api.mark()
            answers = len(harness.api.answers_for(user))
            if await _act(harness, chat, action):
                changed = [m for m in harness.api.changed_since(mark, chat_id=user) if m.from_bot]
                answered = len(harness.api.answers_for(user)) > answers
                assert changed or answered, (action, user)
        assert errors == [], errors
        assert harness.store.integrity_check() == "ok"
        # Every step delivered exactly one update.
        assert harness.store.last_update_id() == len(steps)
    finally:
        await harness.stop()


async def _act(harness: Bot, chat: Chat, action: tuple[Any, ...]) -> bool:
    """Send one update; True when it is a private message that deserves an answer."""
    api = harness.api
    kind = action[0]
    if kind == "text":
        # Telegram does not deliver empty messages: send a dot instead.
        await chat.send(action[1] if str(action[1]).strip() else ".")
    elif kind == "command":
        await chat.send(action[1])
    elif kind == "tap":
        labels = chat.buttons()
        if not labels:
            await chat.send("?")
            return True
        await chat.tap(labels[action[1] % len(labels)])
    elif kind in ("forged", "stale"):
        messages = api.bot_messages(chat.user_id)
        if not messages:
            await chat.send("/start")
            return True
        old = messages[-1] if kind == "forged" else messages[action[1] % len(messages)]
        data = (
            action[1]
            if kind == "forged"
            else next(
                (old.callback_data(label) for label in old.buttons() if old.callback_data(label)),
                "j:accord:oui",
            )
        )
        await chat.tap_data(old.message_id, str(data) or "x")
        return False
    elif kind == "sticker":
        await chat.send_sticker()
    elif kind == "photo":
        await chat.send_photo()
    elif kind == "voice":
        await chat.send_voice()
    elif kind == "location":
        await chat.send_location(48.91, 2.38)
    elif kind == "document":
        await chat.send_document()
    elif kind == "contact_own":
        await chat.share_contact(phone="+33612345678")
    elif kind == "contact_other":
        await chat.share_contact(phone="+33698765432", own=False)
    elif kind == "edited":
        mine = [m for m in api.messages(chat.user_id) if not m.from_bot and m.kind == "user"]
        if not mine:
            await chat.send("bonjour")
            return True
        await chat.edit(mine[-1].message_id, "modifié")
    elif kind == "group_text":
        await chat.feed(
            api.text_update(chat.user_id, "bonjour", chat_id=GROUP, chat_type="supergroup")
        )
        return False
    elif kind == "group_command":
        await chat.feed(
            api.text_update(chat.user_id, "/start", chat_id=GROUP, chat_type="supergroup")
        )
        return False
    elif kind == "channel":
        await chat.feed(api.channel_post_update(-100999, "/start"))
        return False
    elif kind == "join":
        await chat.feed(api.new_members_update(GROUP, [chat.user_id]))
        return False
    return True


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    steps=st.lists(
        st.tuples(actions, st.sampled_from(USERS)),
        min_size=UPDATES_PER_RUN,
        max_size=UPDATES_PER_RUN,
    )
)
def test_random_updates_never_break_the_bot(tmp_path_factory: Any, steps: Any) -> None:
    asyncio.run(_run(tmp_path_factory.mktemp("fuzz"), steps))
