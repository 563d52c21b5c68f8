"""One person is one person (issue 13.5): names compared as identities, doubtful names flagged.

Property tests generate a Latin name and disguise it the ways a forger or a careless clerk would
(invisible characters, NFD, full-width letters, look-alike letters of another script, unusual
Latin letters that look like plain ones, case and spacing): the disguise is the same person, and
every disguise a reader cannot see is flagged.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from casekit import apply_edits, load_base
from cek_integrasi.packs.facts import person
from cek_integrasi.names import identity, oddities, visible
from helpers import evaluate

INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\x1b", "\x07", "\u3164", "\ufe0f"]
LOOKALIKES = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445", "A": "\u0410",
              "B": "\u0412", "M": "\u041c", "H": "\u041d", "T": "\u0422", "i": "\u0456", "s": "\u0455", "O": "\u039f"}
VARIANTS = {"i": "\u0131", "a": "\u0251", "g": "\u0261", "o": "\u1d0f", "A": "\u2c6d"}  # dotless i, Latin alpha, script g, ...
SETTINGS = dict(max_examples=300, derandomize=True, database=None, deadline=None)

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèüñ", min_size=2, max_size=9)
latin_names = st.lists(words, min_size=1, max_size=4).map(" ".join)


@st.composite
def disguised(draw):
    """(name, the same name disguised, whether a reader cannot see the disguise)."""
    name = draw(latin_names)
    chars = list(name)
    hidden = False
    for _ in range(draw(st.integers(1, 3))):
        trick = draw(st.sampled_from(["invisible", "lookalike", "variant", "fullwidth", "nfd", "case", "spacing"]))
        if trick == "invisible":
            chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(INVISIBLES)))
            hidden = True
        elif trick in ("lookalike", "variant"):
            table = LOOKALIKES if trick == "lookalike" else VARIANTS
            places = [i for i, c in enumerate(chars) if c in table]
            if places:
                i = draw(st.sampled_from(places))
                chars[i] = table[chars[i]]
                hidden = True
        elif trick == "fullwidth":
            chars = [chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in chars]
        elif trick == "nfd":
            chars = list(unicodedata.normalize("NFD", "".join(chars)))
        elif trick == "case":
            chars = list("".join(chars).swapcase())
        else:
            chars = list("  ".join("".join(chars).split(" ")) + " ")
    return name, "".join(chars), hidden


@settings(**SETTINGS)
@given(disguised())
def test_a_disguised_name_is_the_same_person_and_a_hidden_disguise_is_flagged(case):
    name, disguise, hidden = case
    assert person(disguise) == person(name)
    assert bool(oddities(disguise)) == hidden
    assert not oddities(name)


@settings(**SETTINGS)
@given(latin_names, latin_names)
def test_different_plain_names_stay_different_people(a, b):
    assert (identity(a) == identity(b)) == (" ".join(a.casefold().split()) == " ".join(b.casefold().split()))


def test_a_dotless_i_is_the_same_person_and_flagged_but_an_accent_is_not():
    assert identity("Budı") == identity("Budi") and [o.kind for o in oddities("Budı")] == ["variant"]
    assert identity("\u2c6dndi") == identity("Andi") and oddities("\u2c6dndi")  # a capital judged by its small letter
    assert identity("Çelik") != identity("Celik") and not oddities("Çelik") and not oddities("Æsa")


def test_an_invisible_character_is_shown_where_it_is():
    assert visible("Budi\u200bSantoso\x1b[0m") == "Budi<U+200B>Santoso<U+001B>[0m"
    assert [o.kind for o in oddities("Budi 山田")] == ["script", "script"]
    assert oddities("René") == () and oddities(unicodedata.normalize("NFD", "René")) == ()


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(disguised())
def test_the_kades_signing_again_as_wakil_under_any_disguise_does_not_count(checker, case):
    _, disguise, hidden = case
    base = load_base("desa_lengkap.yaml")
    base["aparatur"][0]["nama"] = base["berita_acara"][0]["penandatangan"][0]["nama"] = _name(case[0])
    base["berita_acara"][0]["penandatangan"][4]["nama"] = _name(disguise)
    result, _ = evaluate(checker, apply_edits(base, {}))
    assert result.results["BA-03"] == "fail"
    assert result.results["BA-14"] == ("fail" if hidden else "pass")
    if hidden:
        (finding,) = [f for f in result.findings if f.rule == "BA-14"]
        assert visible(_name(disguise).strip()) in finding.message  # the dossier strips spaces around a text


def _name(text: str) -> str:
    """A name the dossier accepts (not blank)."""
    return text if text.strip() else "X" + text
