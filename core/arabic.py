"""Names across scripts, pure: one spelling for matching (never for display), and for every part of a name
the forms it is matched by, from the most to the least exact.

A name is cut into its parts: words, with the particles that are written joined or apart (عبد، أبو/ابو/بو،
بن/ابن، ال; Abd/Abdel/Abdul, Abu/Bou, Ben/Bin/Ibn, Al/El) joined to the word they belong to, so that
بو خمادة and بوخمادة, أبو بكر and أبوبكر, Abdel Rahman and Abdelrahman are one part each. Each part is
matched, in order of strength, by:

1. `exact`: as typed, Arabic-folded (DOMAIN.md: أ/إ/آ→ا, ة→ه, ى→ي, no diacritics or tatweel) or in Latin
   lower case without accents;
2. `normalized`: the article off, the particles in one form, Latin vowels and doubled letters folded
   (ou/u, ee/i, oo/u; ss/s);
3. `canon`: the names of the curated dictionary (core.name_dictionary) this spelling is listed for, or, for a
   spelling one letter away from a listed one, that name (`canon_near`);
4. `keys`: phonetic keys, the same for both scripts: a consonant skeleton in which the letters that
   transliterations render alike are one letter (kh/x/خ, sh/ch/ش, th/t/ث/ت/ط, dh/d/z/ذ/ظ/ض/ز, gh/غ,
   q/k/ك/ق, s/س/ص, h/ح/ه), vowels and doubled letters dropped. A Latin letter with two readings (g: ج or
   ق; th: ث, ذ or ت+ه) gives a key for each;
5. `particle_free`: the part without its particle (خمادة for بوخمادة), a weaker match.

Everything here is deterministic and has no I/O: the index (search.documents) and the query
(search.query) compute the same forms from the same function.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from core.name_dictionary import FAMILY_NAMES, GIVEN_NAMES

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


# ---------------------------------------------------------------- cutting a name into parts

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
#: what separates the words of a name: spaces, dashes, dots, commas, slashes, brackets
_SEPARATORS = re.compile(r"[\s\-‐-―_.,،;؛:/\\()\[\]{}\"«»]+")
_APOSTROPHES = re.compile(r"['’‘`ʿʾ´]")
#: letters only an Arabic keyboard's neighbours type: folded before the keys are made
_ARABIC_FOR_KEYS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": "ا",
                                  "پ": "ب", "چ": "ج", "ڤ": "ف", "ڨ": "ق", "گ": "ق", "ک": "ك", "ی": "ي"})

_ARABIC_ARTICLE = "ال"
_LATIN_ARTICLES = frozenset({"al", "el", "il", "ul", "l"})
#: the article assimilated to a sun letter: as-Senussi, at-Tarhouni, ash-Sharif, az-Zawi
_LATIN_SUN_ARTICLES = {"ad": "d", "an": "n", "ar": "r", "as": "s", "ash": "sh", "at": "t", "ath": "th", "az": "z",
                       "ed": "d", "en": "n", "er": "r", "es": "s", "esh": "sh", "et": "t", "ez": "z", "ech": "ch"}
_ARABIC_ABD = "عبد"
_LATIN_ABD = frozenset({"abd", "abdel", "abdul", "abdal", "abdoul", "abdu", "abdou", "abdil", "abdol"})
_ARABIC_FATHER = frozenset({"ابو", "بو", "ابي"})
_LATIN_FATHER = frozenset({"abu", "abou", "abo", "bu", "bou", "aboul", "abul"})
_ARABIC_SON = frozenset({"بن", "ابن", "بنت"})
_LATIN_SON = frozenset({"ben", "bin", "ibn", "bint", "bent", "ibni"})


def is_arabic(text: str) -> bool:
    return _ARABIC_LETTER.search(text) is not None


def _fold_latin(word: str) -> str:
    """Lower case, accents off (é→e, ç→c), apostrophes (a rendered ع or ء) dropped."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _APOSTROPHES.sub("", plain.replace("ß", "ss").replace("ø", "o").replace("æ", "ae"))


def _fold_arabic(word: str) -> str:
    """Diacritics and tatweel off; the letters kept as written (ة stays ة: the keys read it)."""
    return _DIACRITICS.sub("", unicodedata.normalize("NFKC", word)).replace(_TATWEEL, "")


def _words(name: str) -> list[str]:
    words = []
    for raw in _SEPARATORS.split(name):
        word = _fold_arabic(raw) if is_arabic(raw) else _fold_latin(raw)
        if word:
            words.append(word)
    return words


class Particle:
    abd = "abd"
    father = "father"  # أبو / بو / Abu / Bou
    son = "son"  # بن / ابن / Ben / Ibn
    article = "article"


def _particle(word: str, following: str | None) -> str | None:
    """Which particle a word standing alone is, when a word follows it."""
    if following is None:
        return None
    folded = word.translate(_ARABIC_FOR_KEYS)
    if folded == _ARABIC_ARTICLE or word in _LATIN_ARTICLES:
        return Particle.article
    sun = _LATIN_SUN_ARTICLES.get(word)
    if sun is not None and following.startswith(sun):
        return Particle.article
    if folded == _ARABIC_ABD or word in _LATIN_ABD:
        return Particle.abd
    if folded in _ARABIC_FATHER or word in _LATIN_FATHER:
        return Particle.father
    if folded in _ARABIC_SON or word in _LATIN_SON:
        return Particle.son
    return None


@dataclass(frozen=True)
class Part:
    """One part of a name as written (a word, or a particle with the word it belongs to)."""

    words: tuple[str, ...]
    particle: str | None = None  # the leading particle a word was joined with, if any

    @property
    def joined(self) -> str:
        return "".join(self.words)

    @property
    def arabic(self) -> bool:
        return is_arabic(self.joined)


def name_parts(name: str) -> list[Part]:
    """The name's parts, particles joined to the word they belong to (عبد ال رحمن, Abd al-Rahman: one part)."""
    words = _words(name)
    parts: list[Part] = []
    i = 0
    while i < len(words):
        group = [words[i]]
        kinds: list[str] = []
        while i + 1 < len(words) and (kind := _particle(group[-1], words[i + 1])) is not None:
            kinds.append(kind)
            group.append(words[i + 1])
            i += 1
        leading = next((k for k in kinds if k != Particle.article), kinds[0] if kinds else None)
        parts.append(Part(tuple(group), leading))
        i += 1
    return parts


# ---------------------------------------------------------------- normalized forms


_LATIN_VOWEL_FOLDS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("ie", "i"), ("ei", "i"), ("ai", "i"), ("ay", "i"),
                      ("ey", "i"), ("aa", "a"), ("ph", "f"), ("dj", "j"), ("ck", "k"), ("q", "k"))
_DOUBLED = re.compile(r"(.)\1+")


def _strip_arabic_article(word: str) -> str:
    return word[2:] if word.startswith(_ARABIC_ARTICLE) and len(word) >= 5 else word


def _latin_article_off(word: str) -> str:
    """al-/el- joined to a word of three or more letters after it (Altaher, Elwarfalli); not Ali, Alawi, Elias."""
    match = re.match(r"^(?:al|el)(?=[b-df-hj-np-tv-z])(.{3,})$", word)
    return match.group(1) if match else word


def _normal_arabic(part: Part) -> str:
    words = [w.translate(_LETTERS) for w in part.words]
    text = "".join(words)
    text = re.sub(r"^(ابو|أبو)", "بو", text)
    text = re.sub(r"^ابن", "بن", text)
    if text.startswith(_ARABIC_ABD):
        return text  # عبدالرحمن keeps its article: it is part of the compound
    if text.startswith(("بو", "بن")) and part.particle in (Particle.father, Particle.son):
        return text[:2] + _strip_arabic_article(text[2:])
    return _strip_arabic_article(text)


def _normal_latin_word(word: str) -> str:
    for old, new in _LATIN_VOWEL_FOLDS:
        word = word.replace(old, new)
    return _DOUBLED.sub(r"\1", word)


def _normal_latin(part: Part) -> str:
    words = list(part.words)
    if part.particle is not None and words[0] in _LATIN_ARTICLES | set(_LATIN_SUN_ARTICLES):
        words = words[1:]
    text = "".join(words)
    if part.particle == Particle.father:
        text = re.sub(r"^(abou|abu|abo|bou|bu)", "bu", text)
    elif part.particle == Particle.son:
        text = re.sub(r"^(ibni|ibn|bint|bent|bin|ben)", "bn", text)
    elif not text.startswith("abd"):
        text = _latin_article_off(text)
    return _normal_latin_word(text)


def _normal(part: Part) -> str:
    return _normal_arabic(part) if part.arabic else _normal_latin(part)


# ---------------------------------------------------------------- phonetic keys

_ARABIC_CLASSES = {
    "ب": "B", "ت": "T", "ث": "T", "ط": "T", "ج": "J", "ح": "H", "ه": "H", "خ": "X", "د": "D", "ذ": "D", "ز": "D",
    "ض": "D", "ظ": "D", "ر": "R", "س": "S", "ص": "S", "ش": "C", "غ": "G", "ف": "F", "ق": "K", "ك": "K", "ل": "L",
    "م": "M", "ن": "N",
}
#: Arabizi: digits standing for letters in Latin typing (3 = ع, 7 = ح, 5 = خ, 9 = ق, 6 = ط, 2 = ء)
_ARABIZI = {"2": "", "3": "", "5": "X", "6": "T", "7": "H", "8": "G", "9": "K"}
_LATIN_SINGLE = {"b": "B", "p": "B", "t": "T", "d": "D", "z": "D", "s": "S", "j": "J", "k": "K", "q": "K", "x": "X",
                 "h": "H", "f": "F", "v": "F", "r": "R", "l": "L", "m": "M", "n": "N"}
#: digraphs, longest first; each maps to its readings (a tuple: one key per reading)
_LATIN_DIGRAPHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sch", ("C",)), ("tch", ("C",)), ("sh", ("C", "SH")), ("ch", ("C",)), ("kh", ("X",)), ("gh", ("G",)),
    ("th", ("T", "D", "TH")), ("dh", ("D", "DH")), ("ph", ("F",)), ("dj", ("J",)), ("dz", ("D",)), ("zh", ("J",)),
    ("ck", ("K",)), ("ks", ("X", "KS")),
)
_LATIN_VOWELS = frozenset("aeiouy")
MAX_KEYS = 24


def _collapse(skeleton: str) -> str:
    return _DOUBLED.sub(r"\1", skeleton)


def _combine(options: list[tuple[str, ...]]) -> set[str]:
    keys: set[str] = set()
    for choice in product(*options):
        keys.add(_collapse("".join(choice)))
        if len(keys) >= MAX_KEYS:
            break
    return keys


def _arabic_skeleton(word: str) -> list[tuple[str, ...]]:
    """The readings of an Arabic word, letter by letter: و and ي are consonants only at the start, a final ه
    may be a ة typed as ه (silent, or t in construct), ة is silent or t."""
    letters = word.translate(_ARABIC_FOR_KEYS)
    options: list[tuple[str, ...]] = []
    for index, letter in enumerate(letters):
        last = index == len(letters) - 1
        if letter == "ة":
            options.append(("", "T"))
        elif letter == "ه" and last:
            options.append(("H", "", "T"))
        elif letter == "و":
            options.append(("W",) if index == 0 else ("",))
        elif letter == "ي":
            options.append(("Y",) if index == 0 else ("",))
        elif letter in _ARABIC_CLASSES:
            options.append((_ARABIC_CLASSES[letter],))
    return options


def _latin_skeleton(word: str) -> list[tuple[str, ...]]:
    """The readings of a Latin word: digraphs first, c soft before e/i/y, g as ج or ق, w and y consonants
    only at the start (or ou/w before a vowel there: Ouerfelli), a final h silent or ح."""
    options: list[tuple[str, ...]] = []
    i = 0
    length = len(word)
    while i < length:
        rest = word[i:]
        if i == 0 and rest.startswith("ou") and length > 2 and word[2] in _LATIN_VOWELS:
            options.append(("W",))
            i += 2
            continue
        digraph = next(((d, readings) for d, readings in _LATIN_DIGRAPHS if rest.startswith(d)), None)
        if digraph is not None:
            options.append(digraph[1])
            i += len(digraph[0])
            continue
        letter = word[i]
        following = word[i + 1] if i + 1 < length else ""
        if letter in ("w", "y"):
            options.append((letter.upper(),) if i == 0 and following in _LATIN_VOWELS else ("",))
        elif letter in _LATIN_VOWELS:
            options.append(("",))
        elif letter == "c":
            options.append(("S",) if following in ("e", "i", "y") else ("K",))
        elif letter == "g":
            options.append(("J", "K"))
        elif letter == "h" and i == length - 1 and i > 0:
            options.append(("H", ""))
        elif letter in _LATIN_SINGLE:
            options.append((_LATIN_SINGLE[letter],))
        elif letter.isdigit():
            # in a word of letters, Arabizi (3 = ع, 7 = ح); a number alone stays itself
            arabizi = _ARABIZI.get(letter) if not word.isdigit() else None
            options.append((arabizi,) if arabizi is not None else (letter,))
        i += 1
    return options


def _arabic_key_words(part: Part) -> tuple[str | None, str]:
    """(a prefix key for عبد/أبو/بن, the rest of the part) with the article off the rest."""
    text = "".join(part.words).translate(_ARABIC_FOR_KEYS)
    if text.startswith(_ARABIC_ABD):
        rest = text[3:]
        return "BD", rest[2:] if rest.startswith(_ARABIC_ARTICLE) and len(rest) > 2 else rest
    for prefix, key in (("ابو", "B"), ("ابن", "BN"), ("بو", "B"), ("بن", "BN")):
        if part.particle in (Particle.father, Particle.son) and text.startswith(prefix):
            rest = text[len(prefix):]
            return key, rest[2:] if rest.startswith(_ARABIC_ARTICLE) and len(rest) > 2 else rest
    if text.startswith(_ARABIC_ARTICLE) and len(text) > 3:
        return None, text[2:]
    return None, text


_LATIN_ABD_PREFIX = re.compile(r"^abd[aeiou]*")
#: al-/el- joined before a vowel, with five letters or more after it (Alagouri, Elobeidi; not Alawi, Elias)
_LATIN_ARTICLE_BEFORE_VOWEL = re.compile(r"^(?:al|el)([aeiouy].{4,})$")
_LATIN_FATHER_PREFIX = re.compile(r"^(?:abou|abu|abo|bou|bu)")
_LATIN_SON_PREFIX = re.compile(r"^(?:ibni|ibn|bint|bent|bin|ben)")


def _latin_key_words(part: Part) -> tuple[str | None, list[str]]:
    """(a prefix key, the readings of the rest): Abdel-Rahman is BD + Rahman, its article's l off."""
    words = list(part.words)
    if part.particle is not None and (words[0] in _LATIN_ARTICLES or words[0] in _LATIN_SUN_ARTICLES):
        words = words[1:]
    text = "".join(words)
    abd = _LATIN_ABD_PREFIX.match(text)
    if abd is not None:
        rest = text[abd.end():]
        if rest.startswith("ll"):
            return "BD", [rest[1:]]
        if rest.startswith("l") and len(rest) > 1 and rest[1] not in _LATIN_VOWELS:
            return "BD", [rest[1:]]
        if rest.startswith("l"):
            return "BD", [rest[1:], rest]  # Abdelaziz (ال + عزيز) or Abdelatif typed with one l
        return "BD", [rest]
    if part.particle == Particle.father and (father := _LATIN_FATHER_PREFIX.match(text)):
        rest = text[father.end():]
        return "B", [_latin_article_off(rest) if rest.startswith(("al", "el")) else rest]
    if part.particle == Particle.son and (son := _LATIN_SON_PREFIX.match(text)):
        return "BN", [text[son.end():]]
    before_vowel = _LATIN_ARTICLE_BEFORE_VOWEL.match(text)
    if before_vowel is not None:
        # Alagouri (ال + عقوري), Elobeidi (ال + عبيدي): the article before a vowel cannot be told from a name
        # that begins with Al (Alaa, Alawi), so both readings are kept, and only for a long enough rest
        return None, [text, before_vowel.group(1)]
    return None, [_latin_article_off(text)]


#: the digits Arabizi writes letters with (2 ء, 3 ع, 5 خ, 6 ط, 7 ح, 8 ق, 9 ص): "Mo7amed", "5aled", "3a2esha"
ARABIZI_DIGITS = frozenset("2356789")


def _is_code(word: str) -> bool:
    """A word typed with digits that are not Arabizi letters (0, 1, 4), or with more digits than a name written in
    Arabizi has (a third of its characters): a reference, a tag, a number."""
    digits = [ch for ch in word if ch.isdigit()]
    return bool(digits) and (any(d not in ARABIZI_DIGITS for d in digits) or 3 * len(digits) > len(word))


def _keys(part: Part) -> set[str]:
    # a code or a number is not a name: its sound is no key (a key of its few letters, "F01" of 3f00ee12, is one
    # letter from another code's, and would match it as a typo)
    if any(_is_code(word) for word in part.words):
        return set()
    if part.arabic:
        prefix, rest = _arabic_key_words(part)
        readings = [_arabic_skeleton(rest)]
    else:
        prefix, rests = _latin_key_words(part)
        readings = [_latin_skeleton(rest) for rest in rests]
    keys: set[str] = set()
    for skeleton in readings:
        for key in _combine(skeleton):
            if prefix == "BD":
                keys.add(f"BD.{key}")  # عبد + a name: one compound, its name's key kept apart from عبد's
            else:
                keys.add(_collapse(f"{prefix or ''}{key}") or "V")  # بو خمادة = بوخمادة: one skeleton
    return keys


def _particle_free(part: Part) -> Part | None:
    """The part without its leading particle (أبو/بو/بن: not عبد, which is the name itself)."""
    if part.particle in (Particle.father, Particle.son) and len(part.words) > 1:
        return Part(part.words[1:])
    if part.particle is None and len(part.words) == 1:
        word = part.words[0]
        folded = word.translate(_ARABIC_FOR_KEYS)
        for prefix in ("ابو", "بو"):
            if folded.startswith(prefix) and len(folded) >= len(prefix) + 3:
                return Part((folded[len(prefix):],))
    return None


# ---------------------------------------------------------------- the dictionary


def _spelling_key(spelling: str) -> str:
    """A spelling as the dictionary looks it up: its parts' normalized forms, joined."""
    return "".join(_normal(p) for p in name_parts(spelling))


#: a spelling one letter away from a listed one counts as it only if both are this long (Isha ≠ Ishak)
NEAR_MIN_LENGTH = 5


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, frozenset[str]], tuple[str, ...]]:
    """normalized spelling → the dictionary names (by their canonical Arabic form) it is listed for."""
    table: dict[str, set[str]] = {}
    for arabic, variants in (*GIVEN_NAMES, *FAMILY_NAMES):
        canon = _spelling_key(arabic)
        for spelling in (arabic, *variants):
            table.setdefault(_spelling_key(spelling), set()).add(canon)
    frozen = {k: frozenset(v) for k, v in table.items() if k}
    return frozen, tuple(sorted(frozen))


@lru_cache(maxsize=65_536)
def _canon(normalized: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the names this spelling is listed for, the names of listed spellings one letter away from it)."""
    table, spellings = _dictionary()
    listed = table.get(normalized)
    if listed is not None:
        return listed, frozenset()
    if len(normalized) < NEAR_MIN_LENGTH:
        return frozenset(), frozenset()
    near = process.extract(normalized, spellings, scorer=Levenshtein.distance, score_cutoff=1, limit=5)
    return frozenset(), frozenset(name for spelling, _, _ in near if len(spelling) >= NEAR_MIN_LENGTH
                                  for name in table[spelling])


def dictionary_size() -> tuple[int, int]:
    """(names, spellings) in the curated dictionary."""
    table, spellings = _dictionary()
    return len({n for names in table.values() for n in names}), len(spellings)


# ---------------------------------------------------------------- a name's forms


@dataclass(frozen=True)
class NamePart:
    """One part of a name and every form it is matched by (see the module's docstring)."""

    exact: str
    normalized: str
    canon: frozenset[str] = field(default_factory=frozenset)
    canon_near: frozenset[str] = field(default_factory=frozenset)
    keys: frozenset[str] = field(default_factory=frozenset)
    particle_free: frozenset[str] = field(default_factory=frozenset)  # normalized forms and keys, prefixed


@lru_cache(maxsize=65_536)
def _name_part(part: Part) -> NamePart:
    exact = "".join(w.translate(_LETTERS) for w in part.words) if part.arabic else "".join(part.words)
    normalized = _normal(part)
    canon, near = _canon(normalized)
    free = _particle_free(part)
    particle_free: set[str] = set()
    if free is not None:
        particle_free = {_normal(free), *(f"k:{k}" for k in _keys(free))}
    return NamePart(exact=exact, normalized=normalized, canon=canon, canon_near=near, keys=frozenset(_keys(part)),
                    particle_free=frozenset(particle_free))


def name_forms(name: str) -> list[NamePart]:
    """Every part of the name, with the forms it is matched by."""
    return [_name_part(part) for part in name_parts(name)]


def phonetic_keys(name: str) -> list[frozenset[str]]:
    """The phonetic keys of each part of a name (for a test, a benchmark, a look)."""
    return [part.keys for part in name_forms(name)]


# ---------------------------------------------------------------- do two names name the same person?


def _parts_agree(a: NamePart, b: NamePart) -> bool:
    return (a.normalized == b.normalized or bool(a.canon & b.canon) or bool(a.keys & b.keys)
            or bool(a.canon_near & b.canon) or bool(a.canon & b.canon_near))


def name_similarity(first: str, second: str) -> float:
    """How alike two names are as a person's name, from 0 to 1: the share of the shorter name's parts that
    agree (spelling, dictionary or phonetic key) with a part of the other, across scripts; a part that does
    not agree counts by how alike its key is to the nearest one (rapidfuzz), so a typo counts for most."""
    a, b = name_forms(first), name_forms(second)
    if not a or not b:
        return 0.0
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    total = 0.0
    for part in shorter:
        if any(_parts_agree(part, other) for other in longer):
            total += 1.0
            continue
        best = max((fuzz.ratio(k, o) / 100 for k in part.keys for other in longer for o in other.keys), default=0.0)
        total += best * 0.8 if best >= 0.75 else 0.0
    return total / len(shorter)


#: below this, a name is not taken for another spelling of the name an identifier was first seen with
SAME_PERSON_SIMILARITY = 0.75


def names_agree(first: str, second: str) -> bool:
    """Could these be the same person's name, spelled differently (a script, a particle, a typo)?"""
    return name_similarity(first, second) >= SAME_PERSON_SIMILARITY
