"""Arabic name normalisation (DOMAIN.md): one spelling for matching, never for display."""

from __future__ import annotations

import re

_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
_TATWEEL = "\u0640"
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_ABD = re.compile(r"\bعبد\s+(ال)")
_IBN = re.compile(r"\b(ابن|بن)\b")
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """أ/إ/آ→ا, ة→ه, ى→ي; no diacritics or tatweel; "عبد الله" = "عبدالله"; "ابن" = "بن"."""
    text = _DIACRITICS.sub("", name).replace(_TATWEEL, "").translate(_LETTERS)
    text = _ABD.sub(r"عبد\1", text)
    text = _IBN.sub("بن", text)
    return _SPACES.sub(" ", text).strip().lower()
