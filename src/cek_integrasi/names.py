"""A person's name as an identity: one person is one person however the name was typed.

`identity` folds what does not make a different person: Unicode compatibility forms (NFKC:
full-width letters, NFC against NFD), invisible and control characters (zero-width space, soft
hyphen, bidi marks, ...), a letter of another script that looks like a Latin letter (a Cyrillic
`А` counts as `A`), an unusual Latin letter that looks like a plain one (the dotless `ı` counts as
`i`, the Latin alpha `ɑ` as `a`), case and spacing. `oddities` names what in a name looks forged or
mistyped (BA-14): invisible characters, letters of more than one script, look-alike letters.

Scripts and look-alike letters come from the Unicode data of confusable_homoglyphs
(confusables.txt and Scripts.txt of Unicode TR39/UAX 24), not from a hand-made table, read the first time a
name holds a letter outside ASCII, not by every command as it starts (it takes about 20 ms).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})  # controls, format, private, surrogates, unassigned
FILLERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0") | frozenset(map(chr, range(0xFE00, 0xFE10)))
"""Default-ignorable characters outside those categories (grapheme joiner, Hangul fillers, variation selectors)."""
SCRIPTLESS = frozenset({"COMMON", "INHERITED"})


def invisible(char: str) -> bool:
    """A character a reader cannot see in a name (spaces are seen: they separate words)."""
    return char not in " \u00a0" and (unicodedata.category(char) in INVISIBLE_CATEGORIES or char in FILLERS)


@lru_cache(maxsize=4096)
def _latin_twin(char: str) -> str | None:
    """The Latin letter a letter of another script looks like, if any (Cyrillic а -> a, в -> b).

    A plain ASCII twin is preferred, of the letter itself or else of its other case (the Cyrillic
    в looks like a small capital ʙ, its capital В like B), so that case folding cannot undo it.
    """
    if not char.isalpha() or char.isascii() or _script(char) in SCRIPTLESS:
        return None
    if _script(char) == "LATIN":
        return _plain_latin_twin(char)
    own = _twins(char)
    for candidate, swap in [(t, False) for t in own] + [(t, True) for t in _twins(char.swapcase())]:
        if candidate.isascii():
            return candidate.swapcase() if swap else candidate
    return own[0] if own else None


def _plain_latin_twin(char: str) -> str | None:
    """The plain letter an unusual Latin letter looks like, as the confusables data lists it (ı -> i, ɡ -> g).

    Only a letter without a decomposition and a single ASCII twin counts: accented letters (é, ç),
    full-width letters (NFKC folds them) and ligatures (æ) are ordinary. A capital the data leaves
    out is judged by its small letter (Ɑ as ɑ, so A).
    """
    if unicodedata.decomposition(char):
        return None
    from confusable_homoglyphs import confusables

    for candidate in dict.fromkeys([char, char.lower()]):
        found = confusables.is_confusable(candidate, preferred_aliases=[])
        for twin in (h["c"] for h in found[0]["homoglyphs"]) if found else ():
            if len(twin) == 1 and twin.isascii() and twin.isalpha():
                return twin if candidate == char else twin.upper()
    return None


def _twins(char: str) -> list[str]:
    """The Latin look-alikes of a character, as the Unicode confusables data lists them."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, preferred_aliases=["latin"]) if len(char) == 1 else False
    if not found:
        return []
    return [h["c"] for h in found[0]["homoglyphs"] if all(_script(c) in {"LATIN"} | SCRIPTLESS for c in h["c"])]


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The Unicode script of a character (COMMON for spaces and punctuation, INHERITED for accents)."""
    from confusable_homoglyphs import categories

    return categories.alias(char)


def _plain(name: str) -> bool:
    """Printable ASCII: nothing to normalise, nothing doubtful (most names; the fast path)."""
    return name.isascii() and name.isprintable()


@lru_cache(maxsize=65536)
def identity(name: str | None) -> str:
    """The key two names of one person share: NFKC, invisibles removed, look-alikes made Latin, case and spacing folded."""
    if _plain(name or ""):
        return " ".join((name or "").casefold().split())
    text = "".join(c for c in unicodedata.normalize("NFKC", name or "") if not invisible(c)).casefold()
    text = "".join(_latin_twin(c) or c for c in text)  # folded first: a capital І looks like l, its і like i
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())


@dataclass(frozen=True)
class Oddity:
    """One character that makes a name doubtful: `kind` is invisible, lookalike, variant or script."""

    kind: str
    char: str

    def shown(self) -> str:
        return " ".join(filter(None, (f"U+{ord(self.char):04X}", unicodedata.name(self.char, ""))))


@lru_cache(maxsize=65536)
def oddities(name: str | None) -> tuple[Oddity, ...]:
    """What in a name looks forged or mistyped; empty for an ordinary name (accents and NFD included).

    invisible: a character no reader sees; lookalike: a letter of another script that looks like a
    Latin letter; variant: an unusual Latin letter that looks like a plain one (ı); script: the
    name's letters come from more than one script (each letter outside the script of most of them
    is named).
    """
    if _plain(name or ""):
        return ()
    text = unicodedata.normalize("NFC", name or "")
    found: dict[str, Oddity] = {}
    for char in text:
        if invisible(char):
            found.setdefault(char, Oddity("invisible", char))
        elif _latin_twin(char):
            found.setdefault(char, Oddity("variant" if _script(char) == "LATIN" else "lookalike", char))
    scripts = [_script(c) for c in text if c.isalpha() and _script(c) not in SCRIPTLESS]
    if len(set(scripts)) > 1:
        main = max(set(scripts), key=scripts.count)
        for char in text:
            if char.isalpha() and _script(char) not in SCRIPTLESS | {main}:
                found.setdefault(char, Oddity("script", char))
    return tuple(found.values())


def visible(name: str) -> str:
    """A name with every invisible character written as <U+XXXX>, so a reader sees it is there."""
    return "".join(f"<U+{ord(c):04X}>" if invisible(c) else c for c in name)
