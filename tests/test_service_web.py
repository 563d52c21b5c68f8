"""The service's pages with Flask's client: dashboard, what changed, filters, reports as `report` makes
them, languages, upload limit, about page, logs, and a stalled check that does not hold up anyone else."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import logging
import re
import threading
import time

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from servicekit import AS_OF, RILAU, ROOT, check_pool, csrf, login, make_app, sample_files, upload  # noqa: F401

from cek_integrasi import i18n
from cek_integrasi.cli import main
from cek_integrasi.packs.facts import Context
from cek_integrasi.evaluation.workers import check_task
from cek_integrasi.evaluation.pool import Pool
from cek_integrasi.service.checking import check_files
from cek_integrasi.service.runtime import service

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml, 73.02.05.2012
COMPLETE = sample_files()[1]  # 01_bonto_bangun_lengkap.yaml


@pytest.fixture(scope="module")
def app(pack, check_pool, tmp_path_factory):
    data = tmp_path_factory.mktemp("web")
    app = make_app(f"sqlite:///{data}/s.sqlite3", data, check_pool, max_upload_mb=1)
    client = app.test_client()
    login(client, "fas_rilau")
    assert "tidak disimpan" not in upload(client, *sample_files()).get_data(as_text=True)
    return app


@pytest.fixture()
def client(app):
    client = app.test_client()
    login(client, "supervisor")
    return client


def cli_json(*paths) -> dict:
    return json.loads(CliRunner().invoke(main, ["check", *map(str, paths), "--format", "json", "--as-of", AS_OF]).output)


def shown_findings(html: str) -> set[tuple[str, str]]:
    return set(re.findall(r'class="finding [a-z]+" data-rule="([^"]+)" data-subject="([^"]+)"', html))


def test_overview_kecamatan_and_village_pages_show_the_latest_state(client):
    expected = cli_json(*sample_files())
    villages = [d for d in expected["dossiers"] if d["kind"] == "desa"]
    overview = client.get("/").get_data(as_text=True)
    row = re.search(r'<tr data-kecamatan="73.02.05">(.*?)</tr>', overview, re.S).group(1)
    numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
    errors = sum(1 for d in expected["dossiers"] for f in d["findings"] if f["state"] in ("fail", "error") and f["severity"] == "error")
    compliant = sum(1 for d in villages if not any(f["state"] in ("fail", "error") and f["severity"] == "error" for f in d["findings"]))
    assert numbers == [len(villages), compliant, errors, numbers[3]]
    kecamatan = client.get(f"/kecamatan/{RILAU}").get_data(as_text=True)
    assert set(re.findall(r'class="dossier" data-code="([^"]+)"', kecamatan)) == {d["code"] for d in expected["dossiers"]}
    for dossier in expected["dossiers"]:
        page = client.get(f"/desa/{dossier['code']}").get_data(as_text=True)
        assert shown_findings(page) == {(f["rule"], f["subject"]) for f in dossier["findings"]}
        for step in dossier["next_steps"]:
            assert step["label"] in page


def test_what_changed_since_the_previous_version_is_what_diff_says(app, client, tmp_path):
    fixed = COMPLETE.read_text("utf-8").replace('kode: "73.02.05.2004"', 'kode: "73.02.05.2012"').replace("nama: Bonto Bangun", "nama: Batu Lappa")
    (tmp_path / "05_batu_lappa_diperbaiki.yaml").write_text(fixed, "utf-8")
    fas = app.test_client()
    login(fas, "fas_rilau")
    assert "versi 2" in upload(fas, tmp_path / "05_batu_lappa_diperbaiki.yaml").get_data(as_text=True)
    old, new = tmp_path / "lama.json", tmp_path / "baru.json"
    old.write_text(json.dumps(cli_json(VILLAGE)))
    new.write_text(json.dumps(cli_json(tmp_path / "05_batu_lappa_diperbaiki.yaml")))
    expected = json.loads(CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"]).output)
    page = client.get("/desa/73.02.05.2012").get_data(as_text=True)
    rows = re.findall(r'<tr class="change" data-rule="([^"]+)" data-subject="([^"]+)"><td>([^<]+)</td>', page)
    labels = {"new_findings": i18n.text("ui.diff_new"), "fixed": i18n.text("ui.diff_fixed"), "unchanged": i18n.text("ui.diff_unchanged")}
    assert sorted(rows) == sorted((c["rule"], c["subject"], labels[k]) for k in labels for c in expected[k])
    assert expected["fixed"]  # the test compares something
    first = client.get("/desa/73.02.05.2012?versi=1").get_data(as_text=True)
    assert shown_findings(first) == {(f["rule"], f["subject"]) for f in cli_json(VILLAGE)["dossiers"][0]["findings"]}
    history = client.get("/api/desa/73.02.05.2012/versi").get_json()["versions"]
    assert [v["version"] for v in history] == [2, 1]
    original = client.get("/berkas/" + re.search(r'href="/berkas/(\d+)">05_batu_lappa_banyak', page).group(1))
    assert original.data == VILLAGE.read_bytes()


@pytest.mark.parametrize("query, wanted", [
    ("aturan=ELG-03", lambda d: any(f["rule"] == "ELG-03" and f["state"] in ("fail", "error") for f in d["findings"])),
    ("tingkat=warning", lambda d: any(f["severity"] == "warning" and f["state"] in ("fail", "error") for f in d["findings"])),
    ("status=BELUM_MEMENUHI", lambda d: d["verdict"] == "BELUM_MEMENUHI"),
    (f"kecamatan={RILAU}&status=WAJIB&tingkat=error", lambda d: d["verdict"] == "WAJIB" and any(
        f["severity"] == "error" and f["state"] in ("fail", "error") for f in d["findings"])),
])
def test_filters_select_the_villages_check_would(pack, check_pool, tmp_path, query, wanted):
    app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool)
    fas = app.test_client()
    login(fas, "fas_rilau")
    upload(fas, *sample_files())
    expected = {d["code"] for d in cli_json(*sample_files())["dossiers"] if wanted(d)}
    page = fas.get(f"/?{query}").get_data(as_text=True)
    assert set(re.findall(r'class="dossier" data-code="([^"]+)"', page)) == expected
    assert expected or "Tidak ada berkas yang cocok" in page


def _normalized(html: str) -> str:
    return re.sub(r"(samples/rilau_ale/|docs/examples/|/[^\s\"<>]*/)(\d\d_[a-z_]+\.yaml|pengecualian_rilau_ale\.yaml)", r"\2", html)


def test_reports_are_the_ones_report_writes(pack, check_pool, tmp_path):
    from cek_integrasi.service import waiver_files

    app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool)
    waivers = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
    assert waiver_files.add(service(app).store, check_pool.packs, waivers.name, waivers.read_bytes(), "admin", "", "id") == []
    fas = app.test_client()
    login(fas, "fas_rilau")
    upload(fas, *sample_files())
    for fmt in ("html", "xlsx"):
        out = tmp_path / f"laporan.{fmt}"
        done = CliRunner().invoke(main, ["report", *map(str, sample_files()), "--as-of", AS_OF, "--format", fmt, "-o", str(out),
                                         "--waivers", str(waivers)])
        assert done.exit_code == 0, done.output
        served = fas.get(f"/laporan/kecamatan/{RILAU}.{fmt}")
        assert served.status_code == 200 and "attachment" in served.headers["Content-Disposition"]
        if fmt == "html":
            assert "Kaur Pembangunan terpilih" in served.get_data(as_text=True)  # the waivers are in it
            assert _normalized(served.get_data(as_text=True)) == _normalized(out.read_text("utf-8"))
        else:
            mine, theirs = load_workbook(io.BytesIO(served.data)), load_workbook(out)
            assert mine.sheetnames == [*theirs.sheetnames, "Kepatuhan mingguan"]  # and the weeks (test_service_progress.py)
            for name in theirs.sheetnames:
                cells = lambda book: [[_normalized(str(c)) if c is not None else None for c in row] for row in book[name].iter_rows(values_only=True)]  # noqa: E731
                assert cells(mine) == cells(theirs), name


def test_english_on_request_and_remembered(client):
    page = client.get("/desa/73.02.05.2017?lang=en").get_data(as_text=True)
    assert "Version history" in page and 'lang="en"' in page
    assert "Version history" in client.get("/desa/73.02.05.2017").get_data(as_text=True)
    assert "Riwayat versi" in client.get("/desa/73.02.05.2017?lang=id").get_data(as_text=True)


def test_uploads_over_the_limit_are_refused_and_nothing_is_stored(app):
    fas = app.test_client()
    login(fas, "fas_rilau")
    before = fas.get("/tentang").get_data(as_text=True)
    token = csrf(fas.get("/kirim").get_data(as_text=True))
    response = fas.post("/kirim", data={"dossier": [(io.BytesIO(b"#" * (2 * 1024 * 1024)), "besar.yaml")], "csrf_token": token},
                        content_type="multipart/form-data")
    assert response.status_code == 413 and "1 MB" in response.get_data(as_text=True)
    assert re.search(r"<tr><th>Kiriman</th><td>[^<]*", fas.get("/tentang").get_data(as_text=True)).group(0) == \
        re.search(r"<tr><th>Kiriman</th><td>[^<]*", before).group(0)


def test_about_page_and_request_log(client, pack, caplog):
    from cek_integrasi import __version__

    with caplog.at_level(logging.INFO, logger="cek_integrasi.service"):
        page = client.get("/tentang").get_data(as_text=True)
    assert f"cek-integrasi {__version__}" in page and pack.digest in page and "sqlite:///" in page
    assert any('"GET /tentang" 200' in r.getMessage() and "supervisor" in r.getMessage() for r in caplog.records)


def test_admin_reads_the_audit_log(app):
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert page.count('data-action="submitted"') >= len(sample_files()) and "fas_rilau" in page
    token = csrf(admin.get("/admin/token").get_data(as_text=True))
    assert admin.post("/admin/token", data={"label": "sistem-desa", "role": "facilitator", "kecamatan": "73.02.05",
                                            "csrf_token": token}).status_code == 200
    for lang, words in (("id", ["Token API diterbitkan", "sistem-desa (fasilitator) 73.02.05", "Berkas dikirim", " versi 1, file "]),
                        ("en", ["API token issued", "sistem-desa (facilitator) 73.02.05", "Dossier submitted", " version 1, file "])):
        shown = html.unescape(re.sub(r"<[^>]+>", "\n", admin.get(f"/admin/audit?lang={lang}").get_data(as_text=True)))
        assert all(w in shown for w in words), lang
        assert not re.search(r"token_issued|user_added|sha256:", shown), lang  # the codes only in attributes


def stalling_check(files: list[tuple[str, bytes]], request):
    """A check that never ends for a file asking for it (a crafted file), the real one otherwise."""
    if any(b"# tidur" in data for _, data in files):
        time.sleep(600)
    return check_task(files, request)


def test_a_stalled_check_holds_up_nobody_and_is_stopped(pack, tmp_path):
    pool = Pool(pack, jobs=2, timeout=4, task=stalling_check)
    try:
        app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, pool)
        stalled = tmp_path / "tidur.yaml"
        stalled.write_bytes(VILLAGE.read_bytes() + b"\n# tidur\n")
        attacker, other, reader = app.test_client(), app.test_client(), app.test_client()
        login(attacker, "fas_rilau")
        login(other, "fas_rilau")
        login(reader, "supervisor")
        outcome = {}
        thread = threading.Thread(target=lambda: outcome.update(page=upload(attacker, stalled).get_data(as_text=True)))
        started = time.monotonic()
        thread.start()
        time.sleep(0.5)
        assert reader.get("/").status_code == 200
        assert "versi 1" in upload(other, COMPLETE).get_data(as_text=True)
        served = time.monotonic() - started
        thread.join(30)
        assert served < 4 and time.monotonic() - started >= 4  # the others were served while it stalled
        assert "melebihi 4 detik" in outcome["page"] and "tidur.yaml tidak disimpan" in outcome["page"]
        assert "versi 1" in upload(other, VILLAGE).get_data(as_text=True)  # the pool was rebuilt
    finally:
        pool.close()


def hungry_check(files: list[tuple[str, bytes]], request):
    """A check that wants far more memory than its worker may have, for a file asking for it."""
    if any(b"# lapar" in data for _, data in files):
        hoard = bytearray(2 * 1024**3)  # noqa: F841  refused by the worker's address-space cap
    return check_task(files, request)


def test_a_file_that_eats_memory_fails_in_its_worker_alone(pack, tmp_path):
    pool = Pool(pack, jobs=1, timeout=60, memory_mb=200, task=hungry_check)
    try:
        app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, pool)
        fas = app.test_client()
        login(fas, "fas_rilau")
        hungry = tmp_path / "lapar.yaml"
        hungry.write_bytes(VILLAGE.read_bytes() + b"\n# lapar\n")
        page = upload(fas, hungry).get_data(as_text=True)
        assert "lapar.yaml tidak disimpan" in page and "batas memori 200 MB" in page
        assert "versi 1" in upload(fas, VILLAGE).get_data(as_text=True)
    finally:
        pool.close()


def test_a_batch_with_a_stalled_file_costs_only_that_file(pack, tmp_path):
    pool = Pool(pack, jobs=1, timeout=4, task=stalling_check)
    try:
        files = [(VILLAGE.name, VILLAGE.read_bytes()), ("tidur.yaml", VILLAGE.read_bytes() + b"\n# tidur\n"), (COMPLETE.name, COMPLETE.read_bytes())]
        first, stalled, last = check_files(pool, files, Context(as_of=dt.date(2014, 3, 1)), "id")
        assert stalled.outcome.timed_out and stalled.columns is None
        named = [json.loads(checked.result)["file"] for checked in (first, last)]
        assert named == [VILLAGE.name, COMPLETE.name]  # checked again one by one, named as sent
        assert first.columns.code == "73.02.05.2012" and first.columns.errors > 0
        assert all("message" not in f for f in json.loads(first.result)["findings"])  # the judgement, in no language
    finally:
        pool.close()


def test_a_batch_with_a_file_that_kills_its_worker_costs_only_that_file(pack, tmp_path):
    pool = Pool(pack, jobs=1, timeout=60, memory_mb=200, task=hungry_check)
    try:
        files = [(VILLAGE.name, VILLAGE.read_bytes()), ("lapar.yaml", VILLAGE.read_bytes() + b"\n# lapar\n"), (COMPLETE.name, COMPLETE.read_bytes())]
        first, hungry, last = check_files(pool, files, Context(as_of=dt.date(2014, 3, 1)), "id")
        assert hungry.outcome.crashed and hungry.columns is None and not hungry.outcome.timed_out
        assert [json.loads(checked.result)["file"] for checked in (first, last)] == [VILLAGE.name, COMPLETE.name]
        assert not first.outcome.crashed and not last.outcome.crashed and first.columns.code == "73.02.05.2012"
    finally:
        pool.close()
