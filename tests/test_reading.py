"""The fast YAML reader (yaml-rs) and the careful one (PyYAML under the core schema) read alike.

Whatever the fast reader accepts must come out exactly as the careful reader reads it, so that a
dossier means the same whichever path it took; what it cannot vouch for it must hand over.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cek_integrasi.dossiers import reading
from cek_integrasi.dossiers.loading import load_dossier
from cek_integrasi.errors import InputError

SETTINGS = dict(derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plain scalars where YAML 1.1, YAML 1.2 and yaml-rs are known to differ, and their neighbours.
TRICKY = [
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "True", "TRUE", "tRue", "false", "null", "Null",
    "NULL", "~", "0", "00", "007", "0777", "-0", "+1", "+0o7", "0o17", "0O17", "0x1F", "0X1F", "0b101", "1_000",
    "1,000", "1:20", "-1:20", "1.5", "1.", ".5", "-.5", "1e3", "1E3", "1e+3", "1.0e-3", "+1.5", ".inf", "-.inf",
    "+.inf", ".Inf", ".nan", ".NaN", "NaN", "inf", "2014-01-05", "2014-1-5", "2014-01-05 10:00:00", "12:30",
    "3.14.15", "1e", "e3", "0x", "0o", "0xG", "1_0.5", "_0", "._2", "+_0", "7_", "__5", "12e03", "0e0", "73.02.05.2004", "Dg. Ngalle", "ya",
    "tidak", "Rp 1.500.000", "'quoted'", '"007"', '"yes"',
]
KEYS = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)
SCALARS = st.one_of(st.sampled_from(TRICKY), st.from_regex(r"[A-Za-z0-9 .,:_+\-]{1,12}", fullmatch=True))


def careful(text: str):
    return reading._read_yaml(Path("x.yaml"), text, {})


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@given(st.dictionaries(KEYS, st.one_of(SCALARS, st.lists(SCALARS, max_size=3)), min_size=1, max_size=6))
@settings(max_examples=1500, **SETTINGS)
def test_what_the_fast_reader_accepts_it_reads_as_the_careful_reader(mapping):
    lines = []
    for key, value in mapping.items():
        if isinstance(value, list):
            lines += [f"{key}:"] + [f"  - {item}" for item in value]
        else:
            lines.append(f"{key}: {value}")
    text = "\n".join(lines) + "\n"
    try:
        expected = careful(text)
    except InputError:
        return  # broken or unusual for the careful reader: the fast reader's answer is never used then
    fast = reading._read_plain(text)
    if fast is not None:
        assert same(fast, expected), text


def _answer(read) -> tuple:
    """What a reader makes of a text: its data, or the code and place of its refusal."""
    try:
        return ("data", read())
    except InputError as error:
        return ("refused", error.code, error.where)


@pytest.mark.parametrize("scalar", TRICKY)
def test_every_tricky_scalar_reads_alike_on_both_paths(scalar):
    text = f"a: {scalar}\n"
    fast = reading._read_plain(text)
    if fast is not None:  # the fast reader's data passes the same limits (NaN and infinity refused by both)
        fast_answer, careful_answer = _answer(lambda: reading.check_limits(Path("x.yaml"), fast)), _answer(lambda: careful(text))
        assert fast_answer[0] == careful_answer[0]
        assert same(fast_answer[1], careful_answer[1]) if fast_answer[0] == "data" else fast_answer == careful_answer


@pytest.mark.parametrize(
    "text",
    [
        "a: !rahasia x\n", "a: &x 1\nb: *x\n", "? [a]\n: b\n", "%YAML 1.1\n---\na: 1\n", "a:\n  <<: {b: 1}\n",
        "a: 1\n---\nb: 2\n", "a: 1_000\n", "a: _7\n", "a: ._2\n", "a: 0b101\n", "a: 0X1F\n", "a: +0o7\n", "a: 1\na: 2\n",
    ],
)
def test_the_fast_reader_hands_over_what_it_cannot_vouch_for(text):
    assert reading._read_plain(text) is None


def test_the_core_schema_keeps_yes_no_and_dates_as_text_and_reads_0777_as_decimal():
    text = "a: yes\nb: off\nc: 2012-02-30\nd: 0777\ne: ~\nf: 1e3\n"
    expected = {"a": "yes", "b": "off", "c": "2012-02-30", "d": 777, "e": None, "f": 1000.0}
    assert reading._read_plain(text) == expected
    assert careful(text) == expected


def test_a_key_that_is_not_text_is_named_even_when_read_fast(tmp_path):
    path = tmp_path / "desa.yaml"
    path.write_text("jenis: desa\n1: angka\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_dossier(path)
    assert raised.value.code == "kunci_bukan_teks" and raised.value.line == 2


SAMPLES = sorted((Path(__file__).parent.parent / "samples").rglob("*.yaml"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_a_file_read_fast_finds_the_same_line_for_every_path_as_the_careful_reader(sample):
    doc = reading.read_document(sample)
    assert doc.lines is None  # read fast
    lines: dict[str, int] = {}
    reading._read_yaml(sample, sample.read_text(encoding="utf-8-sig"), lines)
    assert len(lines) > 20
    for where, line in lines.items():
        assert doc.line_of(where) == line, where
    assert doc.line_of("tahapan[999].tanggal") == lines["tahapan"]
    assert doc.line_of("kolom_yang_tidak_ada") == lines[""]


@pytest.mark.parametrize(
    "text",
    [
        "# komentar\njenis: desa\n\nkantor:\n  ada: ya\n# lagi\ntahapan:\n- kode: a\n  tanggal: 2012-01-01\n- kode: b\n",
        '"jenis": desa\nkantor: {ada: ya}\ntahapan: [{kode: a}, {kode: b}]\n',
        "jenis: desa\ncatatan: |\n  teks\n  panjang\ntahapan:\n  - kode: a\n    tanggal: 2012-01-01\n",
        "{jenis: desa,\n tahapan: [{kode: a}]}\n",
    ],
    ids=["comments", "quoted-key-and-flow", "block-scalar", "flow-root"],
)
def test_lines_are_right_however_the_file_is_laid_out(tmp_path, text):
    path = tmp_path / "desa.yaml"
    path.write_text(text, encoding="utf-8")
    doc = reading.read_document(path)
    assert doc.lines is None  # read fast
    lines: dict[str, int] = {}
    reading._read_yaml(path, text, lines)
    for where, line in lines.items():
        assert doc.line_of(where) == line, where
