"""Screening a kabupaten roster: which villages must integrate (PTI III.B), which not and why.

Each roster row (docs/roster.md) becomes a minimal village dossier (office, Sekdes, Kaur posts,
BPD, participation) that the same Checker evaluates with the same rule pack; only the ELG
family is reported. A row with a problem is reported with its row and column and not screened;
every other row is. The ELG rules read a row's eligibility profile (participation, office, Sekdes,
Kaur posts, BPD), never the village's identity, so each distinct profile is judged once and its
judgement given to every row of it (tests/test_screen_profiles.py proves it equal to screening each row
alone). `screen` gives the screening in no language; screening/report.py writes it in one.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from .. import __version__, i18n
from ..errors import InputError
from ..evaluation.pool import Pool
from ..evaluation.workers import current
from ..packs.rulepack import RulePack
from ..packs.facts import Context
from ..dossiers.model import TEKS_TERPANJANG, DesaDossier, check_kode_desa, unnamed_holder
from ..dossiers.reading import MAX_ITEMS, Document, open_regular

FAMILY = "ELG"
VERDICT_RULE = "ELG-00"
SCREEN_BATCH = 100  # eligibility profiles judged in one engine session, as a check's batch of files
IDENTITY = ("kode", "nama", "kecamatan", "kabupaten")  # what names a row's village; no ELG rule reads it
# Excel's error values (openpyxl's ERROR_CODES, which a test compares), held here so that a CSV roster is read
# without importing openpyxl: a CSV saved by Excel holds them too
EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
YES = {"ya", "y", "yes", "true", "1"}
NO = {"tidak", "tdk", "no", "false", "0"}
STATUS = ("definitif", "plt", "pj", "kosong")
COLUMNS: dict[str, tuple[str, ...]] = {
    "kode": ("kode", "kode_desa", "kode_wilayah", "code"),
    "nama": ("nama", "nama_desa", "desa", "name", "village"),
    "kecamatan": ("kecamatan", "subdistrict"),
    "peserta_pnpm": ("peserta_pnpm", "peserta_pnpm_mpd", "pnpm", "participant"),
    "kantor_ada": ("kantor_ada", "ada_kantor", "office"),
    "kantor_layak": ("kantor_layak", "office_adequate"),
    "sekdes": ("sekdes", "sekretaris_desa", "status_sekdes"),
    "sekdes_nama": ("sekdes_nama", "nama_sekdes"),
    "kaur": ("kaur", "daftar_kaur"),
    "kaur_terisi": ("kaur_terisi", "jumlah_kaur"),
    "bpd_terbentuk": ("bpd_terbentuk", "bpd"),
}
REQUIRED = ("kode", "nama", "kecamatan", "peserta_pnpm", "kantor_ada", "kantor_layak", "sekdes", "bpd_terbentuk")
_KAUR_ITEM = re.compile(r"^(?P<nama>[^()]+?)\s*\((?P<jabatan>[^()]+?)(?:,\s*(?P<status>plt|pj|definitif))?\)$", re.I)


class _Screen(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RowProblem(_Screen):
    row: int
    column: str
    value: str
    message: str


class ScreenFinding(_Screen):
    rule: str
    severity: str
    title: str
    message: str
    reference: str
    remediation: str


class ScreenedVillage(_Screen):
    row: int
    kode: str
    nama: str
    kecamatan: str
    verdict: Literal["WAJIB", "BELUM_MEMENUHI", "BUKAN_PARTISIPAN"]
    unmet: list[ScreenFinding]
    warnings: list[ScreenFinding]


class KecamatanCount(_Screen):
    kecamatan: str
    WAJIB: int
    BELUM_MEMENUHI: int
    BUKAN_PARTISIPAN: int
    total: int


class ScreenReport(_Screen):
    """One screening of a roster."""

    model_config = ConfigDict(extra="forbid", title="Penyaringan cek-integrasi")

    tool: Literal["cek-integrasi"] = "cek-integrasi"
    version: str
    rule_pack: dict[str, str]
    as_of: str
    lang: Literal["id", "en"]
    roster: dict[str, str]
    villages: list[ScreenedVillage]
    kecamatan: list[KecamatanCount]
    bad_rows: list[RowProblem]


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    names: dict[str, str]  # canonical column -> its header as the roster writes it (for messages)


def template_header(column: str, lang: str) -> str:
    """The header a roster template shows for a column, in words ("Kode desa"); read back like any alias."""
    return i18n.text(f"roster_column.{column}", lang)


def template_headers_all() -> list[tuple[str, str]]:
    """(column, header) for the template headers of every language."""
    return [(column, template_header(column, lang)) for column in COLUMNS for lang in i18n.LANGUAGES]


def _header(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name or "").strip().lower()).strip("_")


def read_roster(name: str, raw: bytes) -> list[_Row]:
    """Rows of a CSV or XLSX roster (its file name and bytes) with canonical column names; InputError naming
    the file for one that cannot be read."""
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_rows(path, raw)
    elif suffix in (".xlsx", ".xlsm"):
        table = _xlsx_rows(path, raw)
    else:
        raise InputError(path, "", "roster_format", suffix=suffix or "-")
    if not table:
        raise InputError(path, "", "file_kosong")
    aliases = {alias: canonical for canonical, names in COLUMNS.items() for alias in names}
    aliases |= {_header(label): canonical for canonical, label in template_headers_all()}
    header = [aliases.get(_header(name)) for name in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing or not {"kaur", "kaur_terisi"} & set(header):
        need = missing or ["kaur / kaur_terisi"]
        raise InputError(path, "", "roster_kolom", line=1, kolom=", ".join(need), ada=", ".join(map(str, table[0])))
    names = {c: str(name).strip() for c, name in zip(header, table[0]) if c}
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        cells = {c: _cell(v) for c, v in zip(header, values) if c}
        rows.append(_Row(number, cells, names))
    return rows


def read_roster_file(path: Path) -> tuple[list[_Row], bytes]:
    """A roster file's rows and bytes; InputError when it is missing, unreadable or not a regular file."""
    with open_regular(path) as handle:
        raw = handle.read()
    return read_roster(str(path), raw), raw


def _cell(value: object) -> str:
    if type(value) is str:  # every cell of a CSV roster
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


# What Excel saves a CSV in: UTF-8 ("CSV UTF-8"), UTF-16 ("Unicode text"), the Windows code page of
# an Indonesian or Western PC ("CSV", cp1252) or that of a Mac. charset-normalizer tells them apart.
ROSTER_ENCODINGS = ["utf_8", "utf_16", "cp1252", "mac_roman"]


def _decode(path: Path, raw: bytes) -> str:
    """The text of a CSV roster in whichever encoding Excel or LibreOffice saved it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        best = from_bytes(raw, cp_isolation=ROSTER_ENCODINGS).best()
        if best is None:
            raise InputError(path, "", "bukan_utf8", offset=exc.start) from None
        return str(best)


def _csv_rows(path: Path, raw: bytes) -> list[list[str]]:
    text = _decode(path, raw)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)  # Excel's list separator, or tab in "Unicode text"
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(path: Path, raw: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(path, "", "bukan_xlsx") from None
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _problems(row: _Row, year: int) -> tuple[dict, list[dict]]:
    """The row as dossier data, or the problems that stop it from being one (in no language: screening/report.py)."""
    problems: list[dict] = []
    cells = row.cells

    def problem(column: str, key: str, **context) -> None:
        value = cells.get(column, "")
        problems.append({"row": row.number, "column": row.names.get(column, column), "value": value,
                         "problem": {"key": f"roster.{key}", "context": {"value": value, **context}}})

    errors = [column for column, value in cells.items() if value in EXCEL_ERRORS]  # Excel ran a name typed as -Dusun or =...
    for column in errors:
        problem(column, "excel_error")
    cells = {column: value for column, value in cells.items() if column not in errors}  # each judged once
    for column, value in cells.items():
        if column != "kaur" and len(value) > TEKS_TERPANJANG:  # a listed Kaur's name and post: in _kaur
            problem(column, "too_long", length=len(value), max=TEKS_TERPANJANG)
    for column in REQUIRED:
        if column not in errors and not cells.get(column):
            problem(column, "empty")
    kode = cells.get("kode", "")
    if kode:
        try:
            kode = check_kode_desa(kode)
        except PydanticCustomError as exc:
            problem("kode", "kode", reason={"key": f"input.{exc.type}", "context": {"kode": kode}})
    flags = {}
    for column in ("peserta_pnpm", "kantor_ada", "kantor_layak", "bpd_terbentuk"):
        value = cells.get(column, "").lower()
        if value in YES or value in NO:
            flags[column] = value in YES
        elif value:
            problem(column, "yes_no")
    sekdes = cells.get("sekdes", "").lower()
    if sekdes and sekdes not in STATUS:
        problem("sekdes", "status", choices=", ".join(STATUS))
    kaur = _kaur(cells, problem)
    if problems:
        return {}, problems
    data = {
        "jenis": "desa",
        "kode": kode,
        "nama": cells["nama"],
        "kecamatan": cells["kecamatan"],
        "kabupaten": cells.get("kabupaten") or "-",
        "peserta_pnpm": flags["peserta_pnpm"],
        "tahun_rencana": year,  # the ELG rules do not depend on it
        "kantor": {"ada": flags["kantor_ada"], "layak": flags["kantor_layak"]},
        "bpd": {"terbentuk": flags["bpd_terbentuk"]},
        "aparatur": [{"jabatan": "Sekretaris Desa", "nama": cells.get("sekdes_nama") or unnamed_holder("Sekretaris Desa"), "status": sekdes}] + kaur,
    }
    return data, []


def _kaur(cells: dict[str, str], problem) -> list[dict]:
    listed = cells.get("kaur", "")
    if listed:
        posts = []
        for item in filter(None, (part.strip() for part in listed.split(";"))):
            match = _KAUR_ITEM.match(item)
            if not match or not match["nama"].strip() or not match["jabatan"].strip():  # "Budi ( )": no post
                problem("kaur", "kaur_item", item=item)
                continue
            if max(len(match["nama"].strip()), len(match["jabatan"].strip())) > TEKS_TERPANJANG:
                problem("kaur", "kaur_too_long", item=f"{item[:40]}...", max=TEKS_TERPANJANG)
                continue
            status = (match["status"] or "definitif").lower()
            posts.append({"jabatan": match["jabatan"].strip(), "nama": match["nama"].strip(), "status": status})
        return posts
    count = cells.get("kaur_terisi", "")
    if not count:
        problem("kaur_terisi", "empty")
        return []
    if not count.isdigit():
        problem("kaur_terisi", "count")
        return []
    if int(count) > MAX_ITEMS:  # more posts than a dossier's list holds
        problem("kaur_terisi", "count_too_large", max=MAX_ITEMS)
        return []
    return [{"jabatan": f"Kaur {i}", "nama": unnamed_holder(f"Kaur {i}"), "status": "definitif"} for i in range(1, int(count) + 1)]


def screen_task(pack_id: str, profiles: list[dict], as_of: dt.date) -> list[dict]:
    """In a worker: a batch of eligibility profiles (a row's dossier data) judged in one engine session by the pack's
    eligibility rules (the ELG family, all a row feeds): each one's verdict and ELG findings, in no language."""
    checker = current().family_checker(pack_id, FAMILY)
    stages = set(checker.pack.plan.stages)
    items = [(Document(Path("roster"), data), DesaDossier.model_validate(data, context={"stages": stages})) for data in profiles]
    return [{"verdict": judged["verdict"], "findings": [f for f in judged["findings"] if f["rule"] != VERDICT_RULE]}
            for judged in checker.judge_many(items, Context(as_of=as_of))]


def profile_of(data: dict) -> bytes:
    """What the ELG rules judge of a row's dossier data: all of it but the village's identity (docs/roster.md)."""
    return orjson.dumps({k: v for k, v in data.items() if k not in IDENTITY}, option=orjson.OPT_SORT_KEYS)


def screening(pack: RulePack, as_of: dt.date, roster: dict[str, str], villages: list[dict], bad_rows: list[dict]) -> dict[str, Any]:
    """A screening in no language by `pack` on `as_of` of a roster ({"file", "sha256"}: empty for the store's villages)."""
    return {"version": __version__, "rule_pack": {"id": pack.id, "version": pack.version, "sha256": pack.digest},
            "as_of": as_of.isoformat(), "roster": roster, "villages": villages, "bad_rows": bad_rows}


def screen(
    pool: Pool, pack: RulePack, name: str, raw: bytes, rows: list[_Row], as_of: dt.date,
    on_row_done: Callable[[int], None] = lambda _count: None,
) -> dict[str, Any]:
    """Screen every row of a roster (`name`, its bytes and rows) against `pack` in the pool: the screening in no
    language (screening/report.py). Rows with problems are listed; each distinct eligibility profile of the
    others is judged once, in batches, several at once, and its judgement given to every row of that profile.
    Rows are checked as the pool asks for batches, so the first batches are judged while the rest are checked."""
    bad: list[dict] = []
    good: list[tuple[int, dict, bytes]] = []
    year = min(max(as_of.year, 1990), 2100)  # the ELG rules do not depend on it
    judged: dict[bytes, dict] = {}
    waiting: dict[bytes, int] = {}  # a profile sent to be judged -> its rows checked so far
    sent: deque[list[bytes]] = deque()  # the profiles of each batch sent, not yet back

    def batches() -> Iterator[tuple[str, list[dict], dt.date]]:
        """A call of screen_task for every SCREEN_BATCH profiles not seen before, rows checked as calls are asked for."""
        fresh: dict[bytes, dict] = {}
        for row in rows:
            data, problems = _problems(row, year)
            if problems:
                bad.extend(problems)
                on_row_done(1)
                continue
            profile = profile_of(data)
            good.append((row.number, data, profile))
            if profile in judged:
                on_row_done(1)
            elif profile in waiting:
                waiting[profile] += 1
            else:
                waiting[profile] = 1
                fresh[profile] = data
                if len(fresh) == SCREEN_BATCH:
                    yield send(fresh)
        if fresh:
            yield send(fresh)

    def send(fresh: dict[bytes, dict]) -> tuple[str, list[dict], dt.date]:
        """The call judging the new profiles `fresh` (emptied), its profiles kept to match its judgements."""
        sent.append(list(fresh))
        profiles = list(fresh.values())
        fresh.clear()
        return pack.id, profiles, as_of

    for judgements in pool.map(screen_task, batches()):
        batch = sent.popleft()
        judged.update(zip(batch, judgements))
        on_row_done(sum(waiting.pop(k) for k in batch))
    villages = [{"row": number, "kode": data["kode"], "nama": data["nama"], "kecamatan": data["kecamatan"], **judged[profile]}
                for number, data, profile in good]
    return screening(pack, as_of, {"file": name, "sha256": hashlib.sha256(raw).hexdigest()}, villages, bad)
