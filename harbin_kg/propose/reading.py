"""Reading a text to propose facts from: UTF-8 only, with a person's error for everything else.

Quotes are slices of the text exactly as read, so nothing here changes the characters a quote
is taken from. Matching, on the other hand, should not care whether a page writes 哈爾濱 or
哈尔滨: :func:`matching_form` gives a same-length simplified form to search in.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import DataError

__all__ = ["read_text", "matching_form", "MAX_BYTES"]

# Policy texts and news reports are a few thousand characters; 5 MB is a long book. Anything
# bigger is almost surely the wrong file, and matching it would take the terminal hostage.
MAX_BYTES = 5 * 1024 * 1024


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path``: UTF-8, not empty, not binary, not over ``max_bytes``."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file (文件不存在). Give the path of a UTF-8 text file.")
    if path.is_dir():
        raise DataError(f"{path}: is a folder (是文件夹). Give the path of a UTF-8 text file.")
    size = path.stat().st_size
    if size > max_bytes:
        raise DataError(
            f"{path}: {size:,} bytes is more than the {max_bytes:,} bytes a text may have here "
            f"(文件过大). Split it into the documents it holds, or pass --max-bytes {size} if it "
            "really is one text.")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{path}: the file is empty (文件为空). Nothing to propose from.")
    if b"\x00" in data:
        raise DataError(
            f"{path}: holds NUL bytes, so it is binary (二进制文件), not text. Save the document "
            "as plain UTF-8 text first (e.g. pdftotext -enc UTF-8 in.pdf out.txt).")
    if data.startswith(b"\xef\xbb\xbf"):
        raise DataError(
            f"{path}: starts with a byte-order mark (BOM). Quote offsets would count it; save the "
            f"file as UTF-8 without BOM: sed -i '1s/^\\xEF\\xBB\\xBF//' {path}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = (f" It reads as GB18030/GBK (国标编码); convert it with: "
                    f"iconv -f GB18030 -t UTF-8 {path} > {path.with_suffix('.utf8.txt')}")
        except UnicodeDecodeError:
            hint = " Save it as UTF-8 text."
        raise DataError(f"{path}, line {line}: not UTF-8 (不是 UTF-8 编码).{hint}") from None
    return text


@lru_cache(maxsize=1)
def _converter():
    import opencc  # only propose needs it

    return opencc.OpenCC("t2s")


def matching_form(text: str) -> str:
    """``text`` with traditional characters made simplified, one character for one character.

    OpenCC converts phrase by phrase and may change a text's length; offsets must stay those of
    the text as written, so each character is converted alone and kept where its simplified
    form is not a single character.
    """
    convert = _converter().convert
    cache: dict[str, str] = {}
    out = []
    for char in text:
        simple = cache.get(char)
        if simple is None:
            simple = convert(char) if ord(char) > 0x2E7F else char
            if len(simple) != 1:
                simple = char
            cache[char] = simple
        out.append(simple)
    return "".join(out)
