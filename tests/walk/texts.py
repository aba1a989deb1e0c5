"""What people type: normal answers (each with a unique marker, so a leak of it is
unmistakable), numbers in every digit script and order, and the hardening corpus."""

from __future__ import annotations

import random

from tests.hardening.corpus import TEXTS as HOSTILE

# A marker is ASCII letters and digits: the bot keeps it as typed, whatever it normalises.
MARKER_PREFIX = "zq"


def marker(user_id: int, step: int) -> str:
    return f"{MARKER_PREFIX}{user_id}x{step}"


NORMAL = (
    "کمبود نقدینگی برای خرید مواد اولیه؛ تولید نیمه متوقف است {m}",
    "تأمین نخ و رنگ با قیمت سه برابر از بازار آزاد {m}",
    "پرونده در اداره مالیات مانده و پاسخی نمی‌دهند {m}",
    "کارگاه نمونه {m}",
    "بله، مدارک را فرستادیم و منتظر پاسخ هستیم {m}",
    "Raw material import permit has been pending for months {m}",
    "We sent the documents last week {m}",
    "برق کارخانه هر روز سه ساعت قطع می‌شود {m}",
)

NUMBERS = (
    "۵۰۰ میلیون",
    "2 میلیارد",
    "500",
    "۱۲۳۴۵",
    "١٢٣٤٥",
    "12345",
    "۱۲3٤5",
    "0",
    "0001-1405",
    "1405-0001",
    "۱۴۰۵-۰۰۰۱",
    "١٤٠٥-٠٠٠٢",
    "1405/2",
    "۱۴۰۵/۰۹/۰۷",
    "1",
    "۲",
    "09121234567",
    "۰۹۱۲۱۲۳۴۵۶۷",
    "+989121234567",
)

OTHER = (
    "😀🏭🔥👍🏽",
    "<b>پررنگ</b> & <i>کج</i> <a href='x'>پیوند</a>",
    "ب" * 5000,
    "سلام",
    "Hello",
    "?",
    "لغو",
    "بله",
    "نه",
)


def free_text(rng: random.Random, user_id: int, step: int) -> str:
    """A text a person might send; normal answers most often."""
    roll = rng.random()
    if roll < 0.65:
        return rng.choice(NORMAL).format(m=marker(user_id, step))
    if roll < 0.8:
        return rng.choice(NUMBERS)
    if roll < 0.88:
        return rng.choice(OTHER)
    return HOSTILE[rng.choice(sorted(HOSTILE))]


def normal_text(rng: random.Random, user_id: int, step: int) -> str:
    return rng.choice(NORMAL).format(m=marker(user_id, step))
