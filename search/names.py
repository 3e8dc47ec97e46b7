"""Common Latin spellings of Arabic names: a Libyan file may carry "Mohamed" from a passport and
"محمد" from the report. The name-variant analyzer maps each Latin spelling to the Arabic form, so a
search in either script finds both (DOMAIN.md, "People across agencies").

Arabic forms are written as a clerk would; the analyzer normalises them like every other name.
"""

from __future__ import annotations

LATIN_SPELLINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("محمد", ("mohamed", "mohammed", "muhammad", "mohammad", "muhammed", "mohamad", "mhamed", "mehmed")),
    ("أحمد", ("ahmed", "ahmad", "ahmet")),
    ("محمود", ("mahmoud", "mahmud", "mahmood")),
    ("مصطفى", ("mustafa", "mostafa", "moustafa", "mustapha")),
    ("عبدالله", ("abdallah", "abdullah", "abdulla", "abdalla", "abdellah")),
    ("عبدالرحمن", ("abdelrahman", "abdulrahman", "abdurrahman", "abderrahmane", "abdalrahman")),
    ("عبدالسلام", ("abdelsalam", "abdulsalam", "abdessalam", "abdalsalam")),
    ("عبدالحميد", ("abdelhamid", "abdulhamid", "abdalhamid", "abdelhameed")),
    ("علي", ("ali", "aly")),
    ("عمر", ("omar", "umar", "omer")),
    ("خالد", ("khaled", "khalid")),
    ("إبراهيم", ("ibrahim", "ebrahim", "brahim")),
    ("يوسف", ("youssef", "yousef", "yusuf", "yousif", "youcef")),
    ("سالم", ("salem", "salim")),
    ("سليمان", ("suleiman", "sulaiman", "soliman", "slimane")),
    ("مفتاح", ("miftah", "muftah", "meftah")),
    ("فرج", ("faraj", "farag", "faredj")),
    ("ميلاد", ("milad", "meelad")),
    ("حسن", ("hassan", "hasan")),
    ("حسين", ("hussein", "husain", "hussain", "hossein")),
    ("خليفة", ("khalifa", "khalifah")),
    ("عائشة", ("aisha", "aicha", "aysha", "ayesha")),
    ("فاطمة", ("fatima", "fatma", "fatimah")),
    ("مريم", ("maryam", "mariam", "meriem")),
    ("المبروك", ("elmabrouk", "almabrouk", "mabrouk", "mabruk")),
    ("الورفلي", ("warfalli", "werfalli", "elwarfalli", "alwarfalli")),
)


def synonym_rules() -> list[str]:
    """Rules for OpenSearch's `synonym` filter: every Latin spelling is replaced by the Arabic form."""
    return [f"{', '.join(latin)} => {arabic}" for arabic, latin in LATIN_SPELLINGS]
