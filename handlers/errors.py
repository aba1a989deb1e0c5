"""The one error handler: log the traceback under an error id, tell the user, and give the
admins a short notice with that id (the traceback stays in the log, token redacted)."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import RounaqApp, RounaqContext
from bot.delivery import RounaqApplication, is_transient
from bot.formatting import escape
from bot.i18n import Translator, get_translator
from bot.redact import redact
from handlers import drafts

log = logging.getLogger(__name__)

# Commands and button data name what was being done; anything longer is the user's text.
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}")


def new_error_id() -> str:
    """Short enough to read out over the phone, unique enough to find in the log."""
    return secrets.token_hex(4).upper()


@dataclass(frozen=True, slots=True)
class Activity:
    """What the user was doing: a command, a button or a kind of message, and the flow
    they were in; never what they typed (it may be personal)."""

    what: str  # "command", "button", "message" or "job"
    detail: str  # "/digest", the button's data, "text" / "photo"...
    flows: tuple[str, ...] = ()

    def for_log(self) -> str:
        flows = f" in {', '.join(self.flows)}" if self.flows else ""
        return f"{self.what} {self.detail}{flows}".strip()

    def for_admin(self, tr: Translator) -> str:
        text = tr.t(f"common.doing_{self.what}", detail=self.detail)
        if self.flows:
            text += " — " + tr.t("common.doing_flow", flows=", ".join(self.flows))
        return text


def activity(update: object, context: RounaqContext) -> Activity:
    if not isinstance(update, Update):
        return Activity("job", "")
    user_data = context.user_data if update.effective_user is not None else None
    flows = drafts.open_flows(user_data)
    if update.callback_query is not None:
        return Activity("button", update.callback_query.data or "?", tuple(flows))
    message = update.effective_message
    command = _COMMAND.match(message.text or "") if message is not None else None
    if command is not None:
        return Activity("command", command.group(0), tuple(flows))
    kind = next(
        (k for k in ("text", "contact", "photo", "document") if getattr(message, k, None)),
        "other",
    )
    return Activity("message", kind, tuple(flows))


async def on_error(update: object, context: RounaqContext) -> None:
    error = context.error
    application = context.application
    if (
        isinstance(update, Update)
        and isinstance(application, RounaqApplication)
        and is_transient(error)
    ):
        # The database or the Bot API is briefly unavailable: handle the update again
        # later rather than tell the user something failed (bot.delivery).
        log.warning("transient failure on update %s: %s", update.update_id, redact(str(error)))
        application.retry_update(update)
        raise ApplicationHandlerStop
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest | Forbidden):
        # Polling hiccups: PTB retries by itself; a warning is enough. BadRequest is a
        # NetworkError subclass in PTB, but it is our bug, not the network's: report it.
        log.warning("network error: %s", redact(str(error)))
        return
    error_id = new_error_id()
    action = activity(update, context)
    user_id = (
        update.effective_user.id
        if isinstance(update, Update) and update.effective_user is not None
        else None
    )
    log.error(
        "error %s: unhandled error while handling %s (user %s)",
        error_id,
        action.for_log(),
        user_id,
        exc_info=error,
    )
    await _tell_user(update, context, error_id, action)
    kind = type(error).__name__ if error is not None else "?"
    await _tell_admins(context, error_id, user_id, action, kind)


async def _tell_user(
    update: object, context: RounaqContext, error_id: str, action: Activity
) -> None:
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    lang = (
        context.lang
        if update.effective_user is not None
        else context.services.settings.default_language
    )
    # In a flow the step is unchanged: say so, and how to leave it.
    key = "common.error_in_flow" if action.flows else "common.error_generic"
    try:
        await context.bot.send_message(update.effective_chat.id, get_translator(lang).t(key))
    except TelegramError:
        log.warning("could not tell the user about error %s", error_id)


async def _tell_admins(
    context: RounaqContext, error_id: str, user_id: int | None, action: Activity, kind: str
) -> None:
    services = context.services
    for admin_id in sorted(services.settings.admin_ids):
        language = (await services.users.profile(admin_id)).language
        tr = get_translator(context.language_of(admin_id, language))
        text = tr.t(
            "common.error_admin_notice",
            id=error_id,
            # Latin, as in the log: the admin searches it for these.
            user=str(user_id) if user_id is not None else "—",
            doing=escape(redact(action.for_admin(tr))),
            kind=escape(kind),
        )
        try:
            await context.bot.send_message(admin_id, text)
        except TelegramError:
            log.warning("could not report error %s to admin %s", error_id, admin_id)


def register(application: RounaqApp) -> None:
    application.add_error_handler(on_error)
