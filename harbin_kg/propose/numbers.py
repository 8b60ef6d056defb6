"""Chinese and Arabic numerals as numbers: 15, 1,500, 4.33, 二十三, 两千, 一百零五, 百."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["parse_number", "CN_DIGITS", "CN_UNITS"]

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}


def _small(text: str) -> int:
    """A numeral below 10,000: 二十三, 十五, 一百零五, 三千."""
    total, digit = 0, None
    for char in text:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char in CN_UNITS:
            total += (1 if digit is None else digit) * CN_UNITS[char]
            digit = None
        else:
            raise ValueError(char)
    return total + (digit or 0)


def _chinese(text: str) -> int:
    if text and all(c in CN_DIGITS for c in text) and len(text) > 1:
        # 二〇二四: digit by digit, as years are written
        return int("".join(str(CN_DIGITS[c]) for c in text))
    total, rest = 0, text
    for big in ("亿", "万"):
        if big in rest:
            head, rest = rest.split(big, 1)
            total += (_small(head) if head else 1) * _BIG[big]
    return total + (_small(rest) if rest else 0)


def parse_number(text: str) -> Decimal:
    """``text`` (Arabic with commas and decimals, or Chinese) as a Decimal; ValueError if neither."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError("empty numeral")
    if text[0].isdigit():
        return Decimal(text)
    return Decimal(_chinese(text))
