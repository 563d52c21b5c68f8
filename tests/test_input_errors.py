"""Bad input: a clear message naming the file and the place, exit 2, no traceback, other files still checked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cek_integrasi.cli import main

FIXTURE = (Path(__file__).parent / "fixtures" / "desa_lengkap.yaml").read_text("utf-8")


CORPUS = Path(__file__).parent / "bad_inputs"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text("utf-8"))
GOOD = Path(__file__).parent / "fixtures" / "desa_lengkap.yaml"


def _check(path: Path, *extra: str):
    if path.name.startswith("waiver-"):
        return CliRunner().invoke(main, ["check", str(GOOD), "--waivers", str(path), *extra], catch_exceptions=False)
    return CliRunner().invoke(main, ["check", str(path), *extra], catch_exceptions=False)


def test_the_corpus_is_large_and_every_file_has_an_expectation():
    files = {p.name for p in CORPUS.iterdir()} - {"expected.yaml"}
    assert files == set(EXPECTED) and len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_clear_message_and_exit_2(name):
    path = CORPUS / name
    before = path.read_bytes()
    result = _check(path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{path}: " in result.output and EXPECTED[name] in result.output, result.output
    assert path.read_bytes() == before


def test_a_folder_of_the_whole_corpus_and_one_good_dossier(tmp_path):
    for path in CORPUS.iterdir():
        if not path.name.startswith("waiver-") and path.name != "expected.yaml":
            (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "zz_baik.yaml").write_text(FIXTURE, "utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--as-of", "2014-03-01"], catch_exceptions=False)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Bonto Bangun (73.02.05.2004)" in result.output and "1 berkas diperiksa" in result.output
    dossiers = len([n for n in EXPECTED if not n.startswith("waiver-") and not n.endswith(".txt")])  # dossier workbooks included
    assert f"{dossiers} file tidak dapat dibaca" in result.output


def test_a_50_mb_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "besar.yaml"
    with big.open("wb") as out:
        out.write(b"jenis: desa\ncatatan: |\n")
        line = b"  " + b"x" * 1022 + b"\n"
        for _ in range(50 * 1024):
            out.write(line)
    result = _check(big)
    assert result.exit_code == 2 and "file terlalu besar (50.0 MB); batasnya 10 MB" in result.output


def test_non_utf8_and_bom(tmp_path):
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes(FIXTURE.replace("Bonto Bangun", "Bontó").encode("latin-1"))
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + FIXTURE.encode("utf-8"))
    result = CliRunner().invoke(main, ["check", str(latin), str(bom), "--as-of", "2014-03-01"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "bukan teks UTF-8" in result.output
    assert "Bonto Bangun (73.02.05.2004)" in result.output  # the BOM file is checked


def test_one_bad_file_in_a_folder_does_not_stop_the_others(tmp_path):
    (tmp_path / "a_rusak.yaml").write_text("jenis: desa\nkode: [1\n", "utf-8")
    (tmp_path / "b_baik.yaml").write_text(FIXTURE, "utf-8")
    (tmp_path / "c_baik.json").write_text('{"jenis": "desa"}', "utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--as-of", "2014-03-01"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "Bonto Bangun (73.02.05.2004)" in result.output
    assert "a_rusak.yaml: baris 3" in result.output and "c_baik.json" in result.output
    assert "1 berkas diperiksa" in result.output and "2 file tidak dapat dibaca" in result.output


def test_errors_in_english(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(FIXTURE.replace("tanggal: 2012-03-19, agenda", "tanggal: 2012-02-30, agenda"), "utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--lang", "en"], catch_exceptions=False)
    assert "line 27, Planning steps 6 › Date: the date '2012-02-30' does not exist in the calendar" in result.output
