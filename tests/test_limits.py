"""Cost is bounded and linear: the same limits in every reader, refusal past them, growth measured.

The growth test counts Python function calls (a deterministic cost measure, not a wall time) of
reading and checking generated dossiers of growing size: linear work grows with the size, the
quadratic line search it replaced grew with its square.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from casekit import load_base
from cek_integrasi.dossiers import reading, workbook_reading, workbook_writing
from cek_integrasi.dossiers.loading import load_dossier
from cek_integrasi.errors import InputError
from cek_integrasi.evaluation.evaluate import Checker
from cek_integrasi.packs.facts import Context
from cek_integrasi.packs.rulepack import load_pack
from generators import desa_dossiers

CTX = Context(as_of=dt.date(2014, 3, 1), complete=False, before=None)


def _plain(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))


def _with_unsigned_berita_acara(count: int) -> dict:
    """The complete village with `count` more Berita Acara nobody signed: three findings each, each with a line."""
    base = _plain(load_base("desa_lengkap.yaml"))
    first = base["berita_acara"][0]
    unsigned = [dict(p, tanda_tangan=False) for p in first["penandatangan"]]
    base["berita_acara"] += [dict(first, id=f"ba-{i}", penandatangan=[dict(p) for p in unsigned]) for i in range(count)]
    return base


def _write_yaml(path: Path, data: dict, comment: str = "") -> Path:
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)  # libyaml: fast for 100,000 keys
    path.write_text(comment + text, "utf-8")
    return path


@pytest.fixture(scope="module")
def checker():
    return Checker(load_pack(), "id")


def _calls(checker: Checker, path: Path) -> tuple[int, int]:
    """(Python function calls, findings) of reading, validating and checking one file."""
    pack = checker.pack
    calls = [0]

    def count(_frame, event, _arg):
        if event in ("call", "c_call"):
            calls[0] += 1

    sys.setprofile(count)
    try:
        doc, dossier = load_dossier(path, set(pack.plan.stages))
        [result] = checker.check_many([(doc, dossier)], CTX, None)
    finally:
        sys.setprofile(None)
    return calls[0], len(result.findings)


def test_checking_cost_grows_linearly_with_the_berita_acara(tmp_path, checker):
    small = _write_yaml(tmp_path / "kecil.yaml", _with_unsigned_berita_acara(100))
    large = _write_yaml(tmp_path / "besar.yaml", _with_unsigned_berita_acara(400))
    assert "&" not in large.read_text("utf-8")  # no anchors: the fast reader reads it, lines found on demand
    small_calls, small_findings = _calls(checker, small)
    large_calls, large_findings = _calls(checker, large)
    assert (small_findings, large_findings) == (300, 1200)
    # 4x the dossier: linear work is at most ~4x (fixed costs make it less); the per-finding line
    # search this replaced made it ~14x here (quadratic), 60 s for 1,000 Berita Acara.
    assert large_calls / small_calls < 4.5, (small_calls, large_calls)


def test_lines_of_findings_are_right_in_a_large_dossier(tmp_path, checker):
    path = _write_yaml(tmp_path / "besar.yaml", _with_unsigned_berita_acara(300))
    doc, dossier = load_dossier(path, set(checker.pack.plan.stages))
    [result] = checker.check_many([(doc, dossier)], CTX, None)
    rows = path.read_text("utf-8").splitlines()
    last = [f for f in result.findings if f.path == "berita_acara[301].penandatangan"]  # ba-299, after the fixture's two
    assert len(last) == 3 and {f.line for f in last} == {rows.index("- id: ba-299") + 5}
    assert rows[last[0].line - 2].strip() == "penandatangan:" and rows[last[0].line - 1].startswith("  - nama:")


def _outcome(path: Path) -> str:
    try:
        doc = reading.read_document(path)
    except InputError as error:
        return f"{error.where}: {error.describe()}"
    return json.dumps(doc.data, sort_keys=True)


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"jenis": "desa", "daftar": list(range(reading.MAX_ITEMS + 1))}, "daftar: daftar ini berisi lebih dari 10.000 baris"),
        ({"jenis": "desa", "nama": "x" * (reading.MAX_TEXT + 1)}, "nama: teks terlalu panjang (10.001 karakter)"),
        ({"jenis": "desa", "daftar": list(range(reading.MAX_ITEMS))}, None),
    ],
    ids=["items", "text", "at-the-limit"],
)
def test_both_yaml_readers_and_json_apply_the_same_limits(tmp_path, body, expected):
    fast = _write_yaml(tmp_path / "cepat.yaml", body)
    careful = _write_yaml(tmp_path / "teliti.yaml", body, comment="# 100% sama\n")  # '%': the careful reader
    as_json = tmp_path / "data.json"
    as_json.write_text(json.dumps(body), "utf-8")
    outcomes = {_outcome(fast), _outcome(careful), _outcome(as_json)}
    assert len(outcomes) == 1, outcomes
    if expected:
        assert expected in outcomes.pop()


@pytest.mark.parametrize("count_first", [0, reading.COUNT_FIRST_BYTES], ids=["counted-before-reading", "counted-after"])
def test_too_many_elements_get_one_answer_from_every_reader(tmp_path, monkeypatch, count_first):
    """The element limit (lowered from 200,000 to keep the test quick), whether a large file is
    counted on libyaml's events before yaml-rs builds it or on the data after."""
    monkeypatch.setattr(reading, "MAX_NODES", 1000)
    monkeypatch.setattr(reading, "COUNT_FIRST_BYTES", count_first)
    body = {"jenis": "desa", **{f"k{i}": i for i in range(600)}}
    fast = _write_yaml(tmp_path / "cepat.yaml", body)
    careful = _write_yaml(tmp_path / "teliti.yaml", body, comment="# 100% sama\n")
    as_json = tmp_path / "data.json"
    as_json.write_text(json.dumps(body), "utf-8")
    outcomes = {_outcome(fast), _outcome(careful), _outcome(as_json)}
    assert outcomes == {"k498: file berisi terlalu banyak elemen (lebih dari 1000); mungkin alias YAML yang berulang"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=desa_dossiers(), extra=st.integers(0, 60), limit=st.integers(1, 40))
def test_random_dossiers_of_random_sizes_get_the_same_answer_from_every_reader(tmp_path_factory, data, extra, limit):
    """Whatever its size, a dossier gets one answer from both YAML readers and JSON, limits included
    (the list limit lowered to sizes hypothesis reaches quickly)."""
    folder = tmp_path_factory.mktemp("acak")
    data = _plain(data)
    data["usulan_musrenbangdes"] = data["usulan_musrenbangdes"] + [{"kegiatan": f"Usulan {i}"} for i in range(extra)]
    fast = _write_yaml(folder / "cepat.yaml", data)
    careful = _write_yaml(folder / "teliti.yaml", data, comment="# 50% desa\n")
    as_json = folder / "data.json"
    as_json.write_text(json.dumps(data), "utf-8")
    original = reading.MAX_ITEMS
    reading.MAX_ITEMS = limit
    try:
        outcomes = {_outcome(fast), _outcome(careful), _outcome(as_json)}
    finally:
        reading.MAX_ITEMS = original
    assert len(outcomes) == 1, outcomes
    longest = max([len(v) for v in data.values() if isinstance(v, list)] + [0])
    assert ("lebih dari" in outcomes.pop()) == (longest > limit or _nested_longer(data, limit))


def _nested_longer(value, limit: int) -> bool:
    if isinstance(value, dict):
        return any(_nested_longer(v, limit) for v in value.values())
    if isinstance(value, list):
        return len(value) > limit or any(_nested_longer(v, limit) for v in value)
    return False


def test_json_nan_and_infinity_are_refused_in_indonesian(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text('{"jenis": "desa", "rkp_desa": {"kegiatan": [{"jumlah": NaN}]}, "x": Infinity}', "utf-8")
    with pytest.raises(InputError) as caught:
        reading.read_document(path)
    assert caught.value.describe() == "'NaN' bukan angka; tulis angka biasa, mis. 1500000"
    yaml_nan = _write_yaml(tmp_path / "nan.yaml", {"jenis": "desa"}).read_text() + "jumlah: .inf\n"
    (tmp_path / "nan.yaml").write_text(yaml_nan, "utf-8")
    assert _outcome(tmp_path / "nan.yaml") == "jumlah: 'inf' bukan angka; tulis angka biasa, mis. 1500000"


# ---------------------------------------------------------------- workbooks


@pytest.fixture(scope="module")
def filled_workbook() -> bytes:
    return workbook_writing.write_workbook("desa", (), _plain(load_base("desa_lengkap.yaml")))


def _edited(raw: bytes, edit) -> bytes:
    book = load_workbook(io.BytesIO(raw))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_cell_at_the_last_column_costs_nothing(tmp_path, filled_workbook):
    def far(book):
        book["Aparatur"]["XFD2000"] = "jauh"
        book["Desa"]["XFD1048576"] = "jauh"

    raw = _edited(filled_workbook, far)
    calls = [0]

    def count(_frame, event, _arg):
        calls[0] += event == "call"

    sys.setprofile(count)
    try:
        doc = workbook_reading.read_workbook(tmp_path / "jauh.xlsx", raw)
    finally:
        sys.setprofile(None)
    assert doc.data == workbook_reading.read_workbook(tmp_path / "asli.xlsx", filled_workbook).data
    assert calls[0] < 3_000_000  # columns past the sheet's are never read (16,384 x 2,000 cells were)


def test_a_sheet_past_the_list_limit_is_refused_at_its_row(tmp_path, filled_workbook, monkeypatch):
    monkeypatch.setattr(workbook_reading, "MAX_ITEMS", 30)

    def many(book):
        for row in range(2, 40):
            book["Usulan"].cell(row=row, column=1, value=f"Usulan {row}")

    with pytest.raises(InputError) as caught:
        workbook_reading.read_workbook(tmp_path / "banyak.xlsx", _edited(filled_workbook, many))
    assert caught.value.where.shown("id") == "Sheet Usulan, baris 32" and "lebih dari 30 baris" in caught.value.describe()


def test_an_archive_inflating_past_the_limit_is_refused_before_reading(tmp_path, filled_workbook):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(filled_workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        target.writestr("xl/bom.bin", b"\0" * (workbook_reading.MAX_INFLATED + 1))
    raw = out.getvalue()
    assert len(raw) < 200_000
    with pytest.raises(InputError) as caught:
        workbook_reading.read_workbook(tmp_path / "bom.xlsx", raw)
    assert caught.value.code == "xlsx_terlalu_besar" and "batasnya 50 MB" in caught.value.describe()


@pytest.mark.parametrize("error", ["#N/A", "#REF!"])
def test_excel_error_values_as_names_are_refused_naming_the_cell(tmp_path, filled_workbook, error):
    def broken(book):
        book["Penandatangan"]["B3"] = error

    with pytest.raises(InputError) as caught:
        workbook_reading.read_workbook(tmp_path / "galat.xlsx", _edited(filled_workbook, broken))
    assert caught.value.where.shown("id") == "Sheet Penandatangan, baris 3, kolom Nama"
    assert f"nilai kesalahan Excel '{error}'" in caught.value.describe()


@pytest.mark.parametrize("sample", ["rilau_ale/01_bonto_bangun_lengkap.yaml", "workbooks/rilau_ale/01_bonto_bangun_lengkap.xlsx"])
def test_a_file_read_from_memory_is_the_file_read_from_disk_and_held_to_the_same_size(sample, tmp_path):
    """The service checks uploads from memory: the same dossier, the same limits and messages, named as uploaded."""
    path = Path(__file__).parents[1] / "samples" / sample
    from_disk = load_dossier(path)
    from_memory = load_dossier(Path("dikirim" + path.suffix), raw=path.read_bytes())
    assert from_memory[1] == from_disk[1] and str(from_memory[0].path) == "dikirim" + path.suffix
    big = tmp_path / ("besar" + path.suffix)
    with open(big, "wb") as handle:
        handle.truncate(reading.MAX_BYTES + 1)  # sparse: as large as the limit allows, plus one byte
    refused = []
    for raw in (None, b" " * (reading.MAX_BYTES + 1)):
        with pytest.raises(InputError) as error:
            load_dossier(big, raw=raw)
        refused.append((error.value.code, error.value.describe("id")))
    assert refused[0] == refused[1] and refused[0][0] == "file_terlalu_besar"
