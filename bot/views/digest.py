"""The digest's settings screen and subscription notices (/digest_settings, /subscribe).
Pure: catalog + presenter + data in, text out; a chat's title is escaped here."""

from __future__ import annotations

from datetime import datetime

from bot.formatting import Presenter, escape
from bot.i18n import Translator


def settings_text(
    tr: Translator, fmt: Presenter, time: str | None, next_at: datetime, *, all_muted: bool = False
) -> str:
    """The screen's text: the time and the next digest when on (`time` given), else off.
    With every section muted no digest would come: that is said instead of a next one."""
    lines = [tr.t("digest.settings_title")]
    if time is None:
        lines.append(tr.t("digest.settings_off"))
    elif all_muted:
        lines.append(tr.t("digest.settings_all_muted", time=fmt.digits(time)))
        lines.append(tr.t("digest.settings_hint"))
    else:
        next_text = f"{fmt.weekday(next_at)} {fmt.datetime(next_at)}"
        lines.append(tr.t("digest.settings_on", time=fmt.digits(time), next=next_text))
        lines.append(tr.t("digest.settings_hint"))
    return "\n".join(lines)


def switched(
    tr: Translator,
    fmt: Presenter,
    *,
    on: bool,
    title: str | None,
    time: str,
    created: bool = True,
) -> str:
    """What /subscribe or /unsubscribe did: for the user's own chat (`title` None) or for
    a group or channel, by its title. `created` False: it was already so, and is said so
    (a second /unsubscribe read as if it had just turned something off)."""
    if title is not None:
        if on:
            return tr.t("digest.chat_subscribed", title=escape(title), time=fmt.digits(time))
        return tr.t("digest.chat_unsubscribed", title=escape(title))
    if not on:
        return tr.t("digest.unsubscribed" if created else "digest.not_subscribed")
    key = "digest.subscribed" if created else "digest.already_subscribed"
    return tr.t(key, time=fmt.digits(time))
