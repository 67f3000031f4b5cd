"""Pinyin search keys of Chinese names: 张三 → zs, zhangsan.

pypinyin reads some surnames wrongly in a name (单 as dan, 曾 as ceng), so every reading of every
character is indexed (``heteronym=True``): a search by either reading finds the person. The number of
combinations is capped so that a name of many many-reading characters stays a handful of keys.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from pypinyin import Style, pinyin

MAX_COMBINATIONS = 16
_ASCII = re.compile(r"[a-z]+")


@lru_cache(maxsize=20_000)
def _char_readings(char: str) -> tuple[str, ...]:
    """Every reading of one character (cached: a city's names use a few thousand characters)."""
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors=lambda s: list(s.lower()))
    return tuple(sorted({r.lower() for options in readings for r in options if r and r.isascii()}))


@lru_cache(maxsize=300_000)
def name_keys(name: str) -> tuple[str, ...]:
    readings = [_char_readings(char) for char in name]
    readings = [options for options in readings if options and _ASCII.fullmatch(options[0])]
    if not readings:
        return ()
    keys: set[str] = set()
    for combo in itertools.islice(itertools.product(*readings), MAX_COMBINATIONS):
        keys.add("".join(combo)[:64])
        keys.add("".join(part[0] for part in combo)[:64])
    return tuple(sorted(keys))


def normalise_query(text: str) -> str:
    return re.sub(r"[\s'’·]+", "", text.lower())
