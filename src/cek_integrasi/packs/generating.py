"""Realistic synthetic dossiers for training, trying the tool, and benchmarks.

`generate(n, out, seed, year)` writes n village dossiers spread over kabupaten and kecamatan (a
folder per kecamatan), deterministic from the seed. The bundle whose plan years cover `year`
(bundles.py) makes them: its GENERATOR gives a complete, compliant record of one planning cycle
for each village, about half then get one to four of its realistic faults, and each kecamatan
folder gets the bundle's kecamatan dossier when its pack judges kecamatan dossiers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .bundles import RULES_DIR, bundle_for_year

Fault = Callable[[random.Random, dict], None]
FIRST = ["Bonto", "Bulo", "Tana", "Lembang", "Balang", "Salu", "Batu", "Padang", "Borong", "Bukit", "Tompo", "Pao"]
SECOND = ["Lohe", "Jaya", "Baru", "Rea", "Toa", "Sallang", "Harapan", "Makmur", "Indah", "Tinggi", "Lompo", "Mekar"]
PEOPLE = [
    "Andi Baso", "Muh. Ridwan", "Hasnawati", "Syamsul Bahri", "Nurhayati", "Baharuddin", "Sitti Aminah", "Rahmatia",
    "Jumaring", "Abd. Rahman", "Hj. Saenab", "Daeng Ngalle", "Irwan", "Hasnah", "Ramli", "Darmawati", "Suriani",
    "Amiruddin", "Rosmini", "Alimuddin", "Hasnidar", "Nasruddin", "Marhani", "Ansar", "Syamsiah", "Lukman",
]


@dataclass(frozen=True)
class Generator:
    """A bundle's synthetic dossiers (its module's GENERATOR).

    `village(rng, kode, nama, kecamatan, kabupaten, year)` is a compliant village dossier of plan
    year `year`; `faults` what may spoil one, `last` those of them applied after the others (cutting
    the cycle short); `kecamatan(rng, kode, nama, kabupaten, year, villages)` the kecamatan dossier
    of a group of villages, None when the bundle's pack judges villages only.
    """

    village: Callable[[random.Random, str, str, str, str, int], dict]
    faults: tuple[Fault, ...]
    last: tuple[Fault, ...] = ()
    kecamatan: Callable[[random.Random, str, str, str, int, list[dict]], dict] | None = None


@dataclass
class Stats:
    villages: int = 0
    kecamatan: int = 0
    kabupaten: int = 0
    faulty: int = 0


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Plain YAML as a person writes it: a value used twice is written twice, never as an alias."""

    def ignore_aliases(self, data):
        return True


def place(rng: random.Random) -> str:
    """A made-up place name: 'Bonto Lohe'."""
    return f"{rng.choice(FIRST)} {rng.choice(SECOND)}"


def people(rng: random.Random, k: int) -> list[str]:
    """k different made-up people."""
    return rng.sample(PEOPLE, k)


def apparatus(*posts: tuple[str, str]) -> list[dict]:
    """The village apparatus record of (post, holder) pairs, every holder definitive."""
    return [{"jabatan": post, "nama": holder, "status": "definitif"} for post, holder in posts]


def generate(n: int, out: Path, seed: int, year: int = 2013, fault_rate: float = 0.5, rules_dir: Path = RULES_DIR) -> Stats:
    """Write n villages (and their kecamatan dossiers) under `out`, which must be new or empty;
    raise LookupError when no bundle covers `year`."""
    bundle = bundle_for_year(year, rules_dir)
    if bundle is None:
        raise LookupError(year)
    generator: Generator = bundle.module.GENERATOR
    rng = random.Random(seed)
    stats = Stats()
    province = 73
    kab_no = kec_no = 0
    while stats.villages < n:
        kab_no += 1
        kabupaten = f"Kabupaten {place(rng)}"
        kab_code = f"{province}.{kab_no:02d}"
        stats.kabupaten += 1
        for kec_no in range(1, rng.randint(10, 20) + 1):
            if stats.villages >= n:
                break
            kec_code, kec_name = f"{kab_code}.{kec_no:02d}", place(rng)
            folder = out / f"{kab_code}" / f"{kec_code}_{kec_name.replace(' ', '_').lower()}"
            folder.mkdir(parents=True, exist_ok=True)
            villages = []
            for desa_no in range(1, min(rng.randint(8, 20), n - stats.villages) + 1):
                data = generator.village(rng, f"{kec_code}.{2000 + desa_no}", place(rng), kec_name, kabupaten, year)
                if rng.random() < fault_rate:
                    chosen = rng.sample(generator.faults, rng.randint(1, 4))
                    for fault in sorted(chosen, key=lambda f: f in generator.last):
                        fault(rng, data)
                    stats.faulty += 1
                villages.append(data)
                stats.villages += 1
            for data in villages:
                _write(folder / f"desa_{data['kode']}.yaml", data)
            if generator.kecamatan:
                _write(folder / "00_kecamatan.yaml", generator.kecamatan(rng, kec_code, kec_name, kabupaten, year, villages))
                stats.kecamatan += 1
        if kab_no >= 99:
            province, kab_no = province + 1, 0
    return stats


def _write(path: Path, data: dict) -> None:
    clean = {k: v for k, v in data.items() if v is not None}
    path.write_text(yaml.dump(clean, Dumper=_Dumper, allow_unicode=True, sort_keys=False), "utf-8")
