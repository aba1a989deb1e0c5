"""``/_emu/...`` JSON endpoints: the test-facing side over HTTP, used by the demo page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .models import JSON, SentMessage

if TYPE_CHECKING:
    from .core import BotApiEmulator


def _emu(request: web.Request) -> BotApiEmulator:
    from .server import EMULATOR_KEY

    return request.app[EMULATOR_KEY]


def message_view(message: SentMessage) -> JSON:
    """A message as the page needs it: visible text + entities, never raw HTML."""
    view: JSON = {
        "message_id": message.message_id,
        "from_bot": message.from_bot,
        "sender_name": message.sender.get("first_name", ""),
        "date": message.date,
        "kind": message.kind,
        "text": message.text,
        "entities": message.entities,
        "edited": bool(message.edits) or message.edit_date is not None,
        "deleted": message.deleted,
        "seq": message.updated_seq,
        "inline_keyboard": (message.reply_markup or {}).get("inline_keyboard") or [],
    }
    if message.photo:
        view["photo_file_id"] = message.photo[-1].file_id
    if message.document is not None:
        view["document"] = {
            "file_id": message.document.file_id,
            "file_name": message.document.file_name or "file",
        }
    for key in ("contact", "location", "sticker", "forward_origin"):
        if key in message.extra:
            view[key] = message.extra[key]
    return view


def _unread(emu: BotApiEmulator, user_id: int) -> int:
    chat = emu.chat(user_id)
    return sum(1 for e in chat.events[chat.read_seq :] if e.kind == "new" and e.message.from_bot)


async def personas(request: web.Request) -> web.StreamResponse:
    emu = _emu(request)
    return web.json_response(
        [
            {
                "user_id": u.id,
                "name": u.full_name,
                "persona": u.persona or u.full_name,
                "username": u.username,
                "phone_number": u.phone_number,
                "unread": _unread(emu, u.id),
            }
            for u in emu.personas()
        ]
    )


async def messages(request: web.Request) -> web.StreamResponse:
    """Messages changed since ``since`` (a chat cursor); ``read=1`` clears the badge."""
    emu = _emu(request)
    chat_id = int(request.query["chat_id"])
    since = int(request.query.get("since", "0"))
    chat = emu.chat(chat_id)
    changed = [message_view(m) for m in chat.messages.values() if m.updated_seq > since]
    if request.query.get("read") == "1":
        chat.read_seq = chat.seq
    everything = emu.state.answers.get(chat_id, [])
    if request.query.get("answers") == "unshown":
        # The page's way: each answer is shown once, whatever reloads or restarts follow.
        answers = [a for a in everything if not a.shown]
        for answer in answers:
            answer.shown = True
    else:
        answers = everything[int(request.query.get("answers_since", "0")) :]
    return web.json_response(
        {
            "seq": chat.seq,
            "messages": changed,
            "reply_keyboard": emu.current_reply_keyboard(chat_id),
            "answers": [{"text": a.text, "show_alert": a.show_alert} for a in answers],
            "answers_total": len(everything),
        }
    )


async def new_person(request: web.Request) -> web.StreamResponse:
    """A brand-new person to try the first contact with: a fresh user id each time."""
    user = _emu(request).add_new_person()
    return web.json_response({"user_id": user.id, "name": user.full_name, "persona": user.persona})


async def _json(request: web.Request) -> dict[str, Any]:
    body = await request.json()
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="JSON object expected")
    return body


async def send_text(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    message = await _emu(request).send_text(
        int(body["user_id"]), str(body["text"]), chat_id=body.get("chat_id")
    )
    return web.json_response(message_view(message))


async def press(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    query = await _emu(request).press_raw(
        int(body["user_id"]), int(body["chat_id"]), int(body["message_id"]), str(body["data"])
    )
    return web.json_response({"callback_query_id": query.id})


async def press_reply(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    message = await _emu(request).press_reply(int(body["user_id"]), str(body["text"]))
    return web.json_response(message_view(message))


async def share_contact(request: web.Request) -> web.StreamResponse:
    body = await _json(request)
    message = await _emu(request).share_contact(int(body["user_id"]))
    return web.json_response(message_view(message))


async def send_photo(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    upload = form.get("photo")
    if not isinstance(upload, web.FileField):
        raise web.HTTPBadRequest(text="photo file expected")
    caption = form.get("caption")
    message = await _emu(request).send_photo(
        int(str(form["user_id"])),
        upload.file.read(),
        caption=caption if isinstance(caption, str) and caption else None,
    )
    return web.json_response(message_view(message))


async def file(request: web.Request) -> web.StreamResponse:
    stored = _emu(request).state.files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound()
    return web.Response(body=stored.data, content_type=stored.mime_type or "image/jpeg")


def add_demo_routes(app: web.Application) -> None:
    app.router.add_get("/_emu/personas", personas)
    app.router.add_get("/_emu/messages", messages)
    app.router.add_post("/_emu/send_text", send_text)
    app.router.add_post("/_emu/press", press)
    app.router.add_post("/_emu/press_reply", press_reply)
    app.router.add_post("/_emu/share_contact", share_contact)
    app.router.add_post("/_emu/send_photo", send_photo)
    app.router.add_post("/_emu/new_person", new_person)
    app.router.add_get("/_emu/file/{file_id}", file)
