"""A regime is one bundle: a folder of rules/ whose pack.yaml names its Python module. A third one,
written in a temporary folder and touching no shared code, is found, loaded, generates its
villages, checks them, and its rule cases are run with its pack."""

from __future__ import annotations

import shutil
import textwrap

import pytest
import yaml

from casekit import all_cases, apply_edits
from helpers import context_of, evaluate

from cek_integrasi.evaluation.evaluate import Checker
from cek_integrasi.packs import generating
from cek_integrasi.packs.bundles import RULES_DIR, bundle_for_year, find_bundles
from cek_integrasi.packs.rulepack import RulePackError, load_pack, load_packs
from cek_integrasi.packs.vocabulary import default as default_vocabulary

CATALOGUE = default_vocabulary().catalogue  # the vocabulary of rules/


def test_the_two_packs_are_bundles_registered_the_same_way():
    bundles = {b.id: b for b in find_bundles()}
    assert {b: bundles[b].module.__name__ for b in bundles} == {"pti": "cek_integrasi.packs.pti", "uu-desa": "cek_integrasi.packs.uu_desa"}
    assert bundle_for_year(2013).id == "pti" and bundle_for_year(2018).id == "uu-desa" and bundle_for_year(1990) is None
    assert all(hasattr(b.module, "GENERATOR") and b.cases.is_dir() for b in bundles.values())
    assert bundles["pti"].module.GENERATOR.kecamatan and bundles["uu-desa"].module.GENERATOR.kecamatan is None
    # the UU 6/2014 facts join the vocabulary through its bundle, not through the shared catalogue
    assert bundles["uu-desa"].module.FACTS["desa"].keys() <= CATALOGUE["desa"].keys()
    assert "kasi_terisi_jumlah" in bundles["uu-desa"].module.FACTS["desa"]


@pytest.fixture
def third(tmp_path, monkeypatch):
    """rules/desa-adat: a regime of plan years 1995-2000 with one family (ORG, the UU pack's), its
    stages, a rule case, and its module bundle_desa_adat with a generator."""
    rules = tmp_path / "rules"
    folder = rules / "desa-adat"
    (folder / "cases").mkdir(parents=True)
    shutil.copy(RULES_DIR / "uu-desa" / "stages.yaml", folder / "stages.yaml")
    shutil.copy(RULES_DIR / "uu-desa" / "org.yaml", folder / "org.yaml")
    (folder / "pack.yaml").write_text(textwrap.dedent("""\
        id: desa-adat
        name: {id: Desa adat, en: Customary villages}
        version: "0.1.0"
        source: a test
        plan_years: {from: 1995, to: 2000}
        kinds: [desa]
        module: bundle_desa_adat
        stages: stages.yaml
        families: [org.yaml]
        """), "utf-8")
    (folder / "cases" / "org.yaml").write_text(textwrap.dedent("""\
        as_of: 2018-03-01
        base: desa_uu_lengkap.yaml
        cases:
          - name: sekdes kosong
            set: {"aparatur[1].status": kosong}
            expect: {ORG-01: fail}
          - name: lengkap
            expect: {ORG-01: pass}
        """), "utf-8")
    code = tmp_path / "code"
    code.mkdir()
    (code / "bundle_desa_adat.py").write_text(textwrap.dedent("""\
        from cek_integrasi.packs.generating import Generator
        from cek_integrasi.packs.uu_desa.generator import village

        GENERATOR = Generator(village, faults=())
        """), "utf-8")
    monkeypatch.syspath_prepend(str(code))
    return rules


def test_a_third_bundle_in_a_new_folder_is_found_loaded_generated_checked_and_its_cases_run(third, tmp_path):
    assert [b.id for b in find_bundles(third)] == ["desa-adat"]
    [pack] = load_packs(third)
    assert pack.id == "desa-adat" and [r.id for r in pack.rules] == ["ORG-01", "ORG-02", "ORG-03", "ORG-04"]
    stats = generating.generate(12, tmp_path / "out", seed=3, year=1998, fault_rate=0.0, rules_dir=third)
    assert (stats.villages, stats.kecamatan) == (12, 0)
    checker = Checker(pack, "id")
    for path in sorted((tmp_path / "out").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        assert data["tahun_rencana"] == 1998
        result, _ = evaluate(checker, data, context_of({"as_of": "1998-03-01"}))
        assert set(result.results.values()) == {"pass"}
    cases = all_cases(third)
    assert [(cid, case["pack"]) for cid, case, _ in cases] == [("desa-adat/org:sekdes kosong", "desa-adat"), ("desa-adat/org:lengkap", "desa-adat")]
    for _, case, base in cases:
        result, _ = evaluate(checker, apply_edits(base, case), context_of(case))
        assert {r: result.results[r] for r in case["expect"]} == case["expect"]


def test_a_bundle_whose_module_is_missing_is_refused_naming_its_pack_yaml(third):
    meta = third / "desa-adat" / "pack.yaml"
    meta.write_text(meta.read_text("utf-8").replace("bundle_desa_adat", "bundle_tidak_ada"), "utf-8")
    with pytest.raises(RulePackError, match=r"desa-adat/pack.yaml: module: modul bundle_tidak_ada tidak dapat dimuat"):
        load_pack("desa-adat", third)


def test_generate_of_a_year_no_bundle_covers_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(LookupError):
        generating.generate(5, tmp_path / "out", seed=1, year=1990)
    assert not (tmp_path / "out").exists()
