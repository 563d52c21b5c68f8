"""Waivers as governed records: applied, expired, unused, scoped to a document, switched off."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from casekit import FIXTURES, apply_edits, load_base
from cek_integrasi.cli import main

AS_OF = ["--as-of", "2014-03-01"]
WAIVER = {
    "aturan": "ELG-03",
    "kode": "73.02.05.2004",
    "alasan": "Kaur Umum baru dilantik 2014-03-10; SK pengangkatan sudah terbit.",
    "disetujui_oleh": "Drs. Andi Baso Amir, Camat Rilau Ale",
    "tanggal": "2014-02-20",
    "berlaku_sampai": "2014-06-30",
}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture()
def village(tmp_path):
    """The compliant village with two Kaur posts vacant (ELG-03) and an unsigned wakil on the RKP BA (BA-06)."""
    edits = {"set": {"aparatur[3].status": "kosong", "aparatur[4].status": "kosong",
                     "berita_acara[1].penandatangan[4].tanda_tangan": False}}
    path = tmp_path / "desa.yaml"
    path.write_text(yaml.safe_dump(apply_edits(load_base("desa_lengkap.yaml"), edits), allow_unicode=True), "utf-8")
    return path


def _waivers(tmp_path, *entries):
    path = tmp_path / "pengecualian.yaml"
    path.write_text(yaml.safe_dump({"pengecualian": list(entries)}, allow_unicode=True), "utf-8")
    return path


def _json(*args):
    return json.loads(run(*args, "--format", "json").output)


def test_a_live_waiver_waives_the_finding_and_shows_its_justification(tmp_path, village):
    waivers = _waivers(tmp_path, WAIVER, {**WAIVER, "aturan": "BA-06", "dokumen": "ba-musrenbangdes-rkp-2012"})
    report = _json("check", village, "--waivers", waivers, *AS_OF)
    result = report["dossiers"][0]
    assert result["results"]["ELG-03"] == "waived" and result["results"]["BA-06"] == "waived"
    assert result["verdict"] == "WAJIB"  # a waived condition counts as met
    elg03 = next(f for f in result["findings"] if f["rule"] == "ELG-03")
    assert elg03["state"] == "waived" and elg03["waiver"]["disetujui_oleh"].startswith("Drs. Andi Baso Amir")
    assert [w["status"] for w in report["waivers"]] == ["applied", "applied"]
    assert report["summary"]["waived"] == 2 and report["summary"]["findings"]["error"] == 0
    assert report["waiver_files"][str(waivers)] and len(report["waiver_files"][str(waivers)]) == 64
    assert run("check", village, "--waivers", waivers, *AS_OF).exit_code == 0
    markdown = run("check", village, "--waivers", waivers, "--format", "markdown", *AS_OF).output
    assert "| ELG-03 | kesalahan (dikecualikan) |" in markdown
    assert "[DIKECUALIKAN: Kaur Umum baru dilantik 2014-03-10; SK pengangkatan sudah terbit. (disetujui Drs. Andi Baso Amir" in markdown


def test_no_waivers_shows_the_unwaived_truth(tmp_path, village):
    waivers = _waivers(tmp_path, WAIVER)
    result = run("check", village, "--waivers", waivers, "--no-waivers", *AS_OF)
    assert result.exit_code == 1 and "dikecualikan" not in result.output.split("Ringkasan")[0]


def test_an_expired_waiver_no_longer_applies_and_is_reported(tmp_path, village):
    waivers = _waivers(tmp_path, {**WAIVER, "berlaku_sampai": "2014-02-28"})
    report = _json("check", village, "--waivers", waivers, *AS_OF)
    assert report["dossiers"][0]["results"]["ELG-03"] == "fail"
    assert report["waivers"][0]["status"] == "expired"
    table = run("check", village, "--waivers", waivers, *AS_OF).output
    assert "Pengecualian yang Tidak Diterapkan" in table and "kedaluwarsa sejak 28 Februari 2014" in table


def test_a_waiver_not_valid_yet_does_not_apply(tmp_path, village):
    report = _json("check", village, "--waivers", _waivers(tmp_path, WAIVER), "--as-of", "2014-01-01")
    assert report["dossiers"][0]["results"]["ELG-03"] == "fail" and report["waivers"][0]["status"] == "not_yet_valid"


def test_a_waiver_that_matches_nothing_is_reported_unused(tmp_path, village):
    waivers = _waivers(tmp_path, {**WAIVER, "kode": "73.02.05.2099"}, {**WAIVER, "aturan": "ELG-04"})
    report = _json("check", village, "--waivers", waivers, *AS_OF)
    assert [w["status"] for w in report["waivers"]] == ["unused", "unused"]
    assert "tidak cocok dengan temuan mana pun" in run("check", village, "--waivers", waivers, *AS_OF).output


def test_a_document_waiver_covers_only_that_document(tmp_path, village):
    both = apply_edits(yaml.safe_load(village.read_text("utf-8")), {"set": {"berita_acara[0].penandatangan[4].tanda_tangan": False}})
    village.write_text(yaml.safe_dump(both, allow_unicode=True), "utf-8")
    waivers = _waivers(tmp_path, {**WAIVER, "aturan": "BA-03", "dokumen": "ba-lain"},
                       {**WAIVER, "aturan": "BA-06", "dokumen": "ba-musrenbangdes-rkp-2012"})
    result = _json("check", village, "--waivers", waivers, *AS_OF)["dossiers"][0]
    assert result["results"]["BA-03"] == "fail" and result["results"]["BA-06"] == "waived"


@pytest.mark.parametrize(
    "entry,expected",
    [
        ({**WAIVER, "aturan": "ELG-99"}, "Pengecualian ke-1 › Aturan: aturan 'ELG-99' tidak ada di paket aturan"),
        ({**WAIVER, "berlaku_sampai": "2014-01-01"}, "tanggal berlaku sampai lebih awal dari tanggal persetujuan"),
        ({k: v for k, v in WAIVER.items() if k != "alasan"}, "Pengecualian ke-1 › Alasan: wajib diisi"),
        ({**WAIVER, "kode": "73-02"}, "Pengecualian ke-1 › Kode: '73-02' tidak sesuai bentuk"),
    ],
)
def test_a_bad_waiver_file_is_an_input_error(tmp_path, village, entry, expected):
    waivers = _waivers(tmp_path, entry)
    result = run("check", village, "--waivers", waivers, *AS_OF)
    assert result.exit_code == 2 and f"{waivers}: " in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_the_example_waiver_file_is_valid(tmp_path):
    example = FIXTURES.parent.parent / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
    assert run("check", FIXTURES / "desa_lengkap.yaml", "--waivers", example, *AS_OF).exit_code == 0
