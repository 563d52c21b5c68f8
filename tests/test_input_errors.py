"""Bad input: a clear message naming the file and the place, exit 2, no traceback, other files still checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cek_integrasi.cli import main

FIXTURE = (Path(__file__).parent / "fixtures" / "desa_lengkap.yaml").read_text("utf-8")


def _edit(old: str, new: str) -> str:
    assert old in FIXTURE
    return FIXTURE.replace(old, new, 1)


CASES = [
    ("malformed.yaml", "jenis: desa\nkode: [1\n", "baris 3: YAML rusak"),
    ("malformed.json", '{"jenis": "desa",}', "baris 1: JSON rusak"),
    ("empty.yaml", "", "file kosong"),
    ("only-comment.yaml", "# nothing\n", "file kosong"),
    ("list.yaml", "- a\n- b\n", "harus berupa dossier"),
    ("no-kind.yaml", "kode: x\n", "jenis: wajib diisi"),
    ("kind.yaml", "jenis: kota\n", "jenis dossier 'kota' tidak dikenal"),
    ("impossible-date.yaml", _edit("tanggal: 2012-03-19, agenda", "tanggal: 2012-02-30, agenda"), "baris 27, tahapan[5].tanggal: tanggal '2012-02-30' tidak ada di kalender"),
    ("date-format.yaml", _edit("tanggal: 2012-03-19, agenda", "tanggal: 19-03-2012, agenda"), "tahapan[5].tanggal: '19-03-2012' bukan tanggal"),
    ("unknown-field.yaml", _edit("kantor:", "kantr:"), "baris 10: kolom 'kantr' tidak dikenal"),
    ("wrong-type.yaml", _edit("tahun_rencana: 2013", "tahun_rencana: duaribu"), "baris 8, tahun_rencana: harus bilangan bulat"),
    ("wrong-bool.yaml", _edit("terbentuk: ya", "terbentuk: mungkin"), "bpd.terbentuk: harus ya atau tidak"),
    ("wrong-choice.yaml", _edit("status: definitif}", "status: definitf}"), "aparatur[0].status: 'definitf' bukan pilihan yang dikenal; pilihan: 'definitif', 'plt', 'pj', 'kosong'"),
    ("kelurahan.yaml", _edit('"73.02.05.2004"', '"73.02.05.1004"'), "bukan kode desa"),
    ("bad-code.yaml", _edit('"73.02.05.2004"', '"7302052004"'), "harus berbentuk PP.KK.CC.DDDD"),
    ("unknown-stage.yaml", _edit("kode: rkp_rancangan", "kode: rkp_draf"), "kode tahap 'rkp_draf' tidak dikenal"),
    ("no-holder.yaml", _edit("Kaur Umum, nama: Nurhayati, status: definitif", "Kaur Umum, status: definitif"), "aparatur[4]: jabatan yang terisi harus mencantumkan nama"),
    ("dangling-ref.yaml", _edit("ditetapkan_dengan: perdes-2012-03", "ditetapkan_dengan: perdes-9"), "Perdes dengan id 'perdes-9' tidak ada"),
    ("duplicate-id.yaml", _edit("id: ba-musrenbangdes-rkp-2012", "id: ba-musrenbangdes-rpjm-2012"), "id dokumen 'ba-musrenbangdes-rpjm-2012' dipakai dua kali"),
    ("duplicate-key.yaml", _edit("nama: Bonto Bangun", "nama: Bonto Bangun\nnama: Lagi"), "kolom 'nama' ditulis dua kali"),
    ("python-tag.yaml", "jenis: desa\nx: !!python/object/apply:os.system [ls]\n", "tidak diizinkan"),
    ("custom-tag.yaml", "jenis: desa\nx: !rahasia 1\n", "tag YAML '!rahasia' tidak diizinkan"),
    ("alias-bomb.yaml", "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", "terlalu banyak elemen"),
    ("two-docs.yaml", "jenis: desa\n---\njenis: desa\n", "2 dokumen YAML"),
    ("reversed-period.yaml", _edit("tahun_awal: 2012, tahun_akhir: 2016", "tahun_awal: 2016, tahun_akhir: 2012"), "tahun_akhir lebih awal"),
    ("notes.txt", "jenis: desa\n", "format file '.txt' tidak dikenal"),
]


@pytest.mark.parametrize("name,content,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_file_gives_clear_message_and_exit_2(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["check", str(path)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}: " in result.output and expected in result.output
    assert path.read_bytes() == before


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
    assert "1 dossier diperiksa" in result.output and "2 file tidak dapat dibaca" in result.output


def test_errors_in_english(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(_edit("tanggal: 2012-03-19, agenda", "tanggal: 2012-02-30, agenda"), "utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--lang", "en"], catch_exceptions=False)
    assert "line 27, tahapan[5].tanggal: the date '2012-02-30' does not exist in the calendar" in result.output
