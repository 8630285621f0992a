"""The in-process Bot API must refuse what Telegram refuses and show what a chat would show."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from localapi import (
    BotApiError,
    Chat,
    LocalBotApi,
    LocalBotApiServer,
    LocalRequest,
    format_text,
)

USER = 1001


# ------------------------------------------------------------------ a tiny real bot


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Oui", callback_data="ans:yes")],
            [InlineKeyboardButton("Non", callback_data="ans:no")],
        ]
    )
    await update.effective_message.reply_text(
        "<b>Bienvenue</b> &amp; bonjour", parse_mode="HTML", reply_markup=keyboard
    )


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Noté")
    await query.edit_message_text(f"Réponse : {query.data.split(':')[1]}")


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = ReplyKeyboardMarkup(
        [["Aide"], [KeyboardButton("Partager mon numéro", request_contact=True)]]
    )
    await update.effective_message.reply_text("Menu", reply_markup=keyboard)


async def _contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    contact = update.effective_message.contact
    mine = contact.user_id == update.effective_user.id
    await update.effective_message.reply_text(
        f"Numéro reçu : {contact.phone_number} ({'le vôtre' if mine else 'un autre'})",
        reply_markup=ReplyKeyboardRemove(),
    )


async def _boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("boom in handler")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


@dataclass
class Local:
    app: Application  # type: ignore[type-arg]
    api: LocalBotApi

    def chat(self, user_id: int = USER) -> Chat:
        return Chat(self.app, self.api, user_id=user_id, first_name="Awa")


@pytest.fixture
async def local() -> AsyncIterator[Local]:
    api = LocalBotApi()
    app = (
        Application.builder()
        .token("123:TEST")
        .request(LocalRequest(api))
        .get_updates_request(LocalRequest(api))
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CommandHandler("menu", _menu))
    app.add_handler(CommandHandler("boom", _boom))
    app.add_handler(CallbackQueryHandler(_answer, pattern=r"^ans:"))
    app.add_handler(MessageHandler(filters.CONTACT, _contact))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    await app.initialize()
    yield Local(app, api)
    await app.shutdown()


# ------------------------------------------------------------------ conversation through Chat


async def test_echo_is_seen_on_both_sides(local: Local) -> None:
    chat = local.chat()
    produced = await chat.send("bonjour")

    assert [m.text for m in produced] == ["bonjour"]
    seen = local.api.messages(USER)
    # One shared message_id sequence per chat: the user's message is 1, the reply 2.
    assert [(m.message_id, m.from_bot, m.kind) for m in seen] == [
        (1, False, "user"),
        (2, True, "text"),
    ]
    assert chat.last.text == "bonjour"


async def test_html_is_displayed_without_tags(local: Local) -> None:
    chat = local.chat()
    [welcome] = await chat.send("/start")

    assert welcome.text == "Bienvenue & bonjour"
    assert welcome.entities == [{"type": "bold", "offset": 0, "length": 9}]
    assert chat.buttons() == ["Oui", "Non"]
    assert welcome.callback_data("Non") == "ans:no"


async def test_tap_edits_in_place_and_answers_the_query(local: Local) -> None:
    chat = local.chat()
    [welcome] = await chat.send("/start")

    [edited] = await chat.tap("Oui")

    assert edited.message_id == welcome.message_id
    assert edited.edited and edited.text == "Réponse : yes"
    # editMessageText without reply_markup drops the inline keyboard, like Telegram.
    assert edited.reply_markup is None and chat.buttons() == []
    assert chat.alerts == ["Noté"]
    assert local.api.unanswered_callbacks() == []


async def test_tap_on_missing_label_lists_what_exists(local: Local) -> None:
    chat = local.chat()
    await chat.send("/start")
    with pytest.raises(LookupError, match="Oui"):
        await chat.tap("Peut-être")


async def test_reply_keyboard_contact_and_removal(local: Local) -> None:
    chat = local.chat()
    await chat.send("/menu")
    assert chat.buttons() == ["Aide", "Partager mon numéro"]

    [echoed] = await chat.tap("Aide")  # a reply-keyboard label is sent as text
    assert echoed.text == "Aide"

    [reply] = await chat.tap("Partager mon numéro")  # request_contact: shares one's own
    assert reply.text == "Numéro reçu : +33612345678 (le vôtre)"
    assert local.api.reply_keyboard(USER) is None

    [other] = await chat.share_contact("+33700000000", own=False)
    assert other.text.endswith("(un autre)")


async def test_handler_exception_reaches_the_test(local: Local) -> None:
    with pytest.raises(RuntimeError, match="boom in handler"):
        await local.chat().send("/boom")


async def test_stale_callback_gets_an_inaccessible_message(local: Local) -> None:
    update = local.api.callback_update(USER, 99, "ans:yes")
    assert update["callback_query"]["message"]["date"] == 0
    parsed = Update.de_json(update, local.app.bot)
    assert parsed.callback_query.data == "ans:yes"


# ------------------------------------------------------------------ Telegram's refusals


async def test_editing_into_the_same_content_is_refused(local: Local) -> None:
    bot = local.app.bot
    local.api.known_chat(USER)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(USER, "<i>Texte</i>", parse_mode="HTML", reply_markup=markup)

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<i>Texte</i>", USER, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    # Same text but different formatting *is* a modification.
    await bot.edit_message_text("Texte", USER, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER, sent.message_id + 10)


async def test_blocked_user_and_unknown_chat(local: Local) -> None:
    bot = local.app.bot
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "personne ne m'a écrit")

    await local.chat().send("salut")
    local.api.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "toujours là ?")
    local.api.unblock(USER)
    assert (await bot.send_message(USER, "re")).text == "re"


# PTB 22 itself warns, when building RetryAfter, that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_flood_limit_raises_retry_after_once(local: Local) -> None:
    bot = local.app.bot
    local.api.known_chat(USER)
    local.api.fail("sendMessage", code=429, retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "vite")
    delay = caught.value.retry_after
    assert (delay.total_seconds() if isinstance(delay, dtm.timedelta) else delay) == 7
    assert (await bot.send_message(USER, "ensuite")).text == "ensuite"  # times=1

    local.api.fail("sendmessage", code=502, times=None)
    for _ in range(2):
        with pytest.raises(Exception, match="Bad Gateway"):
            await bot.send_message(USER, "panne")
    local.api.clear_faults()
    await bot.send_message(USER, "réparé")


async def test_length_limits_count_displayed_characters(local: Local) -> None:
    bot = local.app.bot
    local.api.known_chat(USER)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "a" * 4097)
    # 4096 visible characters pass, even when the HTML source is longer.
    sent = await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert len(sent.text) == 4096
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, "  \n ")


async def test_callback_data_limit_is_64_utf8_bytes(local: Local) -> None:
    bot = local.app.bot
    local.api.known_chat(USER)
    await bot.send_message(
        USER,
        "ok",
        reply_markup=InlineKeyboardMarkup.from_button(
            InlineKeyboardButton("ok", callback_data="x" * 64)
        ),
    )
    too_long = "é" * 33  # 33 characters, 66 bytes
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(
            USER,
            "trop",
            reply_markup=InlineKeyboardMarkup.from_button(
                InlineKeyboardButton("trop", callback_data=too_long)
            ),
        )
    assert len(local.api.bot_messages(USER)) == 1


async def test_answering_a_callback_twice_is_refused(local: Local) -> None:
    chat = local.chat()
    await chat.send("/start")
    await chat.tap("Non")
    query_id = chat.answers[0]["callback_query_id"]

    with pytest.raises(BadRequest, match="Query is too old"):
        await local.app.bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await local.app.bot.answer_callback_query("123456")


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>gras", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("ligne<br>suite", 'Unsupported start tag "br" at byte offset 5'),
        ("3 < 4", 'Unsupported start tag "" at byte offset 2'),
    ],
)
def test_html_that_telegram_rejects(html: str, error: str) -> None:
    api = LocalBotApi()
    api.known_chat(USER)
    with pytest.raises(BotApiError) as caught:
        api.handle("sendMessage", {"chat_id": USER, "text": html, "parse_mode": "HTML"})
    assert caught.value.code == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {error}"


def test_entities_unescape_and_utf16_offsets() -> None:
    text, entities = format_text("🏟 <b>x &lt; y</b> &nbsp;&#233;", "HTML")
    # Only lt/gt/amp/quot and numeric references are decoded, as in Telegram.
    assert text == "🏟 x < y &nbsp;é"
    assert entities == [{"type": "bold", "offset": 3, "length": 5}]  # 🏟 counts 2 UTF-16 units


# ------------------------------------------------------------------ files


async def test_document_upload_keeps_bytes_and_filename(local: Local, tmp_path: Any) -> None:
    bot = local.app.bot
    local.api.known_chat(USER)
    pdf = b"%PDF-1.4\n" + bytes(range(256))
    sent = await bot.send_document(
        USER,
        pdf,
        filename="attestation.pdf",
        caption="<b>Votre</b> attestation",
        parse_mode="HTML",
    )
    assert sent.document.file_name == "attestation.pdf"
    assert sent.document.file_size == len(pdf)
    last = local.api.last(USER)
    assert (last.kind, last.filename, last.data, last.text) == (
        "document",
        "attestation.pdf",
        pdf,
        "Votre attestation",
    )

    # Re-sending by file_id serves the same file; from a file handle keeps its name.
    await bot.send_document(USER, sent.document.file_id)
    assert local.api.last(USER).data == pdf
    path = tmp_path / "fiche.txt"
    path.write_bytes(b"fiche de poste")
    with path.open("rb") as handle:
        await bot.send_document(USER, handle)
    assert (local.api.last(USER).filename, local.api.last(USER).data) == (
        "fiche.txt",
        b"fiche de poste",
    )

    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(USER, "no-such-file-id")


async def test_user_document_can_be_downloaded_by_the_bot(local: Local) -> None:
    update = local.api.document_update(USER, filename="cv.pdf", content=b"%PDF-cv")
    document = Update.de_json(update, local.app.bot).effective_message.document
    file = await document.get_file()
    assert bytes(await file.download_as_bytearray()) == b"%PDF-cv"


# ------------------------------------------------------------------ updates and polling


def test_user_updates_parse_as_telegram_objects() -> None:
    api = LocalBotApi()
    bot = Bot("123:TEST")
    command = api.text_update(USER, "/start abc", username="awa_d")["message"]
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    contact = api.contact_update(USER, "33612345678")["message"]["contact"]
    assert contact["user_id"] == USER

    updates = [
        api.sticker_update(USER),
        api.photo_update(USER, caption="photo"),
        api.voice_update(USER),
        api.location_update(USER, 48.91, 2.38),
        api.document_update(USER),
        api.edited_text_update(USER, 1, "/start xyz"),
        api.channel_post_update(-1009, "annonce"),
        api.new_members_update(-42, [USER, api.bot_id]),
    ]
    parsed = [Update.de_json(u, bot) for u in updates]
    assert parsed[0].message.sticker.emoji == "👍"
    assert parsed[1].message.photo[-1].width == 1280
    assert parsed[3].message.location.latitude == pytest.approx(48.91)
    assert parsed[5].edited_message.text == "/start xyz"
    assert parsed[6].channel_post.chat.type == "channel"
    members = parsed[7].message.new_chat_members
    assert [m.id for m in members] == [USER, api.bot_id] and members[1].is_bot
    assert parsed[7].effective_chat.type == "group"
    # Ids increase; the edited message kept its id and the chat shows the new text.
    assert [u.update_id for u in parsed] == sorted(u.update_id for u in parsed)
    assert api.messages(USER)[0].text == "/start xyz"


def test_get_updates_long_poll_wakes_up_and_confirms() -> None:
    api = LocalBotApi()
    api.queue_updates = True

    def later() -> None:
        time.sleep(0.2)
        api.text_update(USER, "coucou")

    threading.Thread(target=later).start()
    started = time.monotonic()
    updates = api.handle("getUpdates", {"timeout": "5"})
    assert time.monotonic() - started < 3
    assert [u["message"]["text"] for u in updates] == ["coucou"]

    next_offset = updates[-1]["update_id"] + 1
    assert api.handle("getUpdates", {"offset": next_offset, "timeout": 0}) == []
    api.handle("setWebhook", {"url": "https://example.org/hook"})
    with pytest.raises(BotApiError) as caught:
        api.handle("getupdates", {})
    assert caught.value.code == 409


async def test_polling_application_answers_through_local_request(local: Local) -> None:
    local.api.queue_updates = True
    await local.app.start()
    await local.app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        local.api.text_update(USER, "par le polling")
        for _ in range(100):
            if local.api.bot_messages(USER):
                break
            await asyncio.sleep(0.05)
        assert local.api.last(USER).text == "par le polling"
    finally:
        await local.app.updater.stop()
        await local.app.stop()


def test_commands_are_kept_per_scope_and_unknown_methods_404() -> None:
    api = LocalBotApi()
    commands = [{"command": "start", "description": "Commencer"}]
    api.handle("setMyCommands", {"commands": json.dumps(commands)})
    scope = {"type": "chat", "chat_id": 900}
    api.handle("setMyCommands", {"commands": [], "scope": scope, "language_code": "fr"})
    assert api.commands[api.commands_key()] == commands
    assert api.handle("getMyCommands", {}) == commands
    assert api.handle("getMyCommands", {"scope": {"type": "all_private_chats"}}) == []
    with pytest.raises(BotApiError, match="BOT_COMMAND_INVALID"):
        api.handle("setMyCommands", {"commands": [{"command": "Start", "description": "x"}]})
    with pytest.raises(BotApiError) as caught:
        api.handle("sendSticker", {})
    assert (caught.value.code, caught.value.description) == (404, "Not Found")


# ------------------------------------------------------------------ over real HTTP


@pytest.fixture
def server() -> Any:
    with LocalBotApiServer(LocalBotApi()) as running:
        yield running


async def test_http_server_speaks_bot_api_to_ptb(server: LocalBotApiServer) -> None:
    api = server.api
    api.text_update(USER, "/start")  # queued: the server mode turns queue_updates on
    bot = Bot(
        "123:TEST",
        base_url=server.url,
        base_file_url=server.file_url,
        request=HTTPXRequest(),
        get_updates_request=HTTPXRequest(),
    )
    async with bot:
        assert (await bot.get_me()).username == "tremplin_test_bot"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Oui", callback_data="y")]])
        sent = await bot.send_message(
            USER, "Salut <b>toi</b>", parse_mode="HTML", reply_markup=markup
        )
        assert sent.text == "Salut toi" and sent.reply_markup == markup
        assert api.find_button(USER, "Oui") == (sent.message_id, "y")

        await bot.send_document(USER, b"\x00\x01binary\r\n", filename="a b.bin")
        assert (api.last(USER).filename, api.last(USER).data) == ("a b.bin", b"\x00\x01binary\r\n")

        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(4242, "inconnu")

        updates = await bot.get_updates(timeout=1)
        assert [u.message.text for u in updates] == ["/start"]
        api.push_update({"message": updates[0].message.to_dict() | {"text": "poussé"}})
        again = await bot.get_updates(offset=updates[0].update_id + 1, timeout=1)
        assert [u.message.text for u in again] == ["poussé"]


def test_http_server_accepts_json_and_form_bodies(server: LocalBotApiServer) -> None:
    server.api.known_chat(USER)

    def post(body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            f"{server.url}123:TEST/sendMessage", data=body, headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    form = urllib.parse.urlencode(
        {"chat_id": str(USER), "text": "formulaire", "reply_markup": markup}
    )
    status, body = post(form.encode(), "application/x-www-form-urlencoded")
    assert status == 200 and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"

    status, body = post(json.dumps({"chat_id": USER, "text": ""}).encode(), "application/json")
    assert (status, body) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"},
    )
