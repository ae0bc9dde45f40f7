"""Text from any source made safe, once where it enters the data file and again on the way out.

Pasted text carries what no output takes: Word's Shift+Enter is U+000B, PDFs and chat apps
bring other control characters, a stray byte-order mark, letters decomposed (NFD: "e" + a
combining accent) that look the same but do not compare equal. Excel (openpyxl) refuses a
control character outright, XML (Word) cannot hold one. So: NFC, every kind of line break
becomes "\\n" (kept), tabs stay, every other control character goes. The store cleans what it
writes (store/database.py); the exports clean again (an older file may hold anything).
"""
from __future__ import annotations

import re
import unicodedata

_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# C0 and C1 controls except \t and \n (breaks are made \n first), lone surrogates (no UTF-8
# for them), the BOM, and the two non-characters XML forbids.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_LINE_SPACES = re.compile(r"[\t\n]+")


def clean(text) -> str:
    """Text that may span lines: NFC, line breaks kept as "\\n", other control characters removed."""
    if text is None:
        return ""
    text = str(text)
    # Printable text but for its "\n" and tabs holds none of the characters above (all are
    # unprintable): the common case, checked faster than the two substitutions run.
    if not (text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable()):
        text = _CONTROLS.sub("", _BREAKS.sub("\n", text))
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def clean_line(text) -> str:
    """One-line text (a name, a number, a field): as `clean`, breaks and tabs become one space, trimmed."""
    return _LINE_SPACES.sub(" ", clean(text)).strip()
