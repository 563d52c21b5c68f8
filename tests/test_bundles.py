"""A regime is one bundle: a folder of rules/ whose pack.yaml names its Python module. A third one,
written in a temporary folder and touching no shared code, is found, loaded, generates its
villages, checks them, and its rule cases are run with its pack."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from casekit import all_cases, apply_edits, load_base
from helpers import context_of, evaluate, validate

from cek_integrasi.evaluation.evaluate import Checker
from cek_integrasi import packs
from cek_integrasi.packs import generating
from cek_integrasi.packs.conditions import atoms
from cek_integrasi.packs.facts import VERDICT_FACT
from cek_integrasi.packs.bundles import RULES_DIR, bundle_for_year, find_bundles
from cek_integrasi.packs.rulepack import RulePackError, load_pack, load_packs, placeholders
from cek_integrasi.packs.subjects import head_of
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


def _strings_in(module: Path) -> set[str]:
    """Every string a Python file writes (a fact is named by a string: a key of its subject's facts)."""
    return {n.value for n in ast.walk(ast.parse(module.read_text("utf-8"))) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


# Names of bundles' facts that are also words of the shared code: the PTI's situation `path` and its
# fact instrumen.`jenis` are also a place in a dossier and the dossier's kind field.
ALSO_WORDS = {"path", "jenis"}


def test_the_shared_packs_modules_name_no_fact_or_situation_a_bundle_adds():
    vocabulary = default_vocabulary()
    shared = {name for (_, name), bundle in vocabulary.origin.items() if bundle is None} | set(vocabulary.catalogue)
    added = {name for (_, name), bundle in vocabulary.origin.items() if bundle is not None} - shared - ALSO_WORDS
    assert {"peserta_pnpm", "kantor_layak", "pkd_diadakan", "lkpj_tercatat", "lokasi_pnpm", "tahun_pertama", "kasi_terisi_jumlah",
            "wakil_masyarakat_jumlah", "fasilitator_kpmd", "peserta_bpd", "bidang", "perihal"} <= added
    modules = sorted(Path(packs.__file__).parent.glob("*.py"))
    assert {"facts.py", "desa_facts.py", "kecamatan_facts.py", "subjects.py", "vocabulary.py"} <= {m.name for m in modules}
    for module in modules:
        assert not _strings_in(module) & added, f"{module.name} names facts a bundle adds"


def _read_by(pack) -> set[tuple[str, str]]:
    """(subject, fact) of every fact a pack's rules test or write in their texts."""
    out = set()
    for rule in pack.rules:
        out |= {(rule.subject, fact) for part in rule.written.values() for fact, _, _ in atoms(part)}
        texts = [*rule.message.values(), *rule.remediation.values()]
        out |= {(rule.subject, name) for text in texts for name in placeholders(text)}
    return out


EVALUATION_READS = {("desa", VERDICT_FACT), ("tahap", "kode")}  # the verdict's two phases, the timeline


def test_a_shared_fact_is_one_every_pack_of_its_subject_reads_and_the_others_are_their_bundles():
    """A shared fact is read by more than one pack (or by the evaluation itself); a fact a bundle adds is read by that
    bundle's pack and no other, so no fact is built that no rule reads."""
    packs_of_rules = load_packs()
    read = {p.id: _read_by(p) for p in packs_of_rules}
    vocabulary = default_vocabulary()
    for (kind, name), bundle in vocabulary.origin.items():
        if kind == "when":
            continue
        readers = {pack for pack, facts in read.items() if (kind, name) in facts}
        if bundle is None:
            assert len(readers) > 1 or (kind, name) in EVALUATION_READS, f"{kind}.{name} is read by {readers or 'no pack'} only"
        else:
            assert readers == {bundle}, f"{kind}.{name} of {bundle} is read by {readers or 'no pack'}"  # no fact left unread


@pytest.fixture
def own_fact(third, tmp_path):
    """The third bundle with a fact of its own: FACTS and BUILDERS of its module (bundle_desa_adat_pemangku)
    add `pemangku_adat_jumlah` to the village, and its family ADT tests it."""
    folder = third / "desa-adat"
    meta = folder / "pack.yaml"
    meta.write_text(
        meta.read_text("utf-8").replace("module: bundle_desa_adat", "module: bundle_desa_adat_pemangku")
        .replace("families: [org.yaml]", "families: [org.yaml, adt.yaml]"), "utf-8",
    )
    (folder / "adt.yaml").write_text(textwrap.dedent("""\
        family: ADT
        title: {id: Lembaga adat, en: Customary institutions}
        rules:
          - id: ADT-01
            subject: desa
            severity: warning
            reference: a test
            path: aparatur
            title: {id: Pemangku adat tercatat, en: Customary leader recorded}
            passes: {fact: pemangku_adat_jumlah, at_least: 1}
            message: {id: "Pemangku adat tercatat: {pemangku_adat_jumlah}.", en: "Customary leaders recorded: {pemangku_adat_jumlah}."}
            remediation: {id: Catat pemangku adat., en: Record the customary leader.}
        """), "utf-8")
    (tmp_path / "code" / "bundle_desa_adat_pemangku.py").write_text(textwrap.dedent("""\
        from cek_integrasi.packs.facts import FactSpec
        from cek_integrasi.packs.generating import Generator
        from cek_integrasi.packs.uu_desa.generator import village

        GENERATOR = Generator(village, faults=())
        FACTS = {"desa": {"pemangku_adat_jumlah": FactSpec(int, "Posts named 'Pemangku Adat ...' held.")}}


        def pemangku(basics):
            held = [a for a in basics.dossier.aparatur if a.jabatan.startswith("Pemangku Adat") and a.status != "kosong"]
            return {"pemangku_adat_jumlah": len(held)}, {}


        BUILDERS = {"desa": pemangku}
        """), "utf-8")
    return third


def test_a_third_bundle_adds_a_fact_of_its_own_that_its_rule_tests_and_rules_stay_without_it(own_fact):
    [pack] = load_packs(own_fact)
    assert pack.vocabulary.origin[("desa", "pemangku_adat_jumlah")] == "desa-adat"
    assert "pemangku_adat_jumlah" not in default_vocabulary().catalogue["desa"]  # the vocabulary of rules/ is unchanged
    checker = Checker(pack, "en")
    base = load_base("desa_uu_lengkap.yaml")
    ctx = context_of({"as_of": "2018-03-01"})
    without, _ = evaluate(checker, base, ctx)
    assert without.results["ADT-01"] == "fail" and without.results["ORG-01"] == "pass"
    assert [f.message for f in without.findings if f.rule == "ADT-01"] == ["Customary leaders recorded: 0."]
    leader = {"jabatan": "Pemangku Adat Karampuang", "nama": "Puang Matoa", "status": "definitif"}
    with_one, _ = evaluate(checker, apply_edits(base, {"append": {"aparatur": leader}}), ctx)
    assert with_one.results["ADT-01"] == "pass"
    vacant, _ = evaluate(checker, apply_edits(base, {"append": {"aparatur": {**leader, "status": "kosong"}}}), ctx)
    assert vacant.results["ADT-01"] == "fail"


def test_a_bundle_that_declares_a_fact_already_in_the_vocabulary_is_refused_naming_its_pack_yaml(own_fact, tmp_path):
    module = tmp_path / "code" / "bundle_desa_adat_ganda.py"
    module.write_text((tmp_path / "code" / "bundle_desa_adat_pemangku.py").read_text("utf-8").replace(
        '"pemangku_adat_jumlah": FactSpec', '"kasi_terisi_jumlah": FactSpec'), "utf-8")
    meta = own_fact / "desa-adat" / "pack.yaml"
    meta.write_text(meta.read_text("utf-8").replace("bundle_desa_adat_pemangku", "bundle_desa_adat_ganda"), "utf-8")
    with pytest.raises(RulePackError, match=r"desa-adat/pack.yaml: module: bundle_desa_adat_ganda: FACTS desa: kasi_terisi_jumlah already"):
        load_pack("desa-adat", own_fact)


def test_a_bundle_that_declares_a_detail_another_bundle_declares_is_refused_naming_its_pack_yaml(own_fact, tmp_path):
    module = tmp_path / "code" / "bundle_desa_adat_detail.py"
    module.write_text((tmp_path / "code" / "bundle_desa_adat_pemangku.py").read_text("utf-8")
                      + 'DETAILS = {"desa": frozenset({"kasi_daftar"})}\n', "utf-8")
    meta = own_fact / "desa-adat" / "pack.yaml"
    meta.write_text(meta.read_text("utf-8").replace("bundle_desa_adat_pemangku", "bundle_desa_adat_detail"), "utf-8")
    with pytest.raises(RulePackError, match=r"desa-adat/pack.yaml: module: bundle_desa_adat_detail: DETAILS desa: kasi_daftar already"):
        load_pack("desa-adat", own_fact)


def test_importing_the_checker_reads_no_bundle_the_vocabulary_is_built_when_a_pack_is_loaded():
    probe = textwrap.dedent("""\
        import cek_integrasi.evaluation.evaluate, cek_integrasi.published.factsdoc, cek_integrasi.packs.subjects
        from cek_integrasi.packs import bundles, vocabulary
        print(bundles.find_bundles.cache_info().currsize, vocabulary.vocabulary_of.cache_info().currsize)
        from cek_integrasi.packs.rulepack import load_pack
        load_pack("uu-desa")
        print(bundles.find_bundles.cache_info().currsize, vocabulary.vocabulary_of.cache_info().currsize)
        """)
    answer = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert answer.stdout.split("\n")[:2] == ["0 0", "1 2"]  # the folder's vocabulary, and the pack's part of it


def test_a_third_bundle_adds_a_situation_of_its_own_that_its_stage_order_tests(own_fact, tmp_path):
    facts = (tmp_path / "code" / "bundle_desa_adat_pemangku.py").read_text("utf-8")
    (tmp_path / "code" / "bundle_desa_adat_situasi.py").write_text(facts + textwrap.dedent("""\
        SITUATIONS = {"pemangku_tercatat": FactSpec(bool, "A Pemangku Adat post is held.")}
        SITUATION_BUILDERS = {"desa": lambda basics: {"pemangku_tercatat": pemangku(basics)[0]["pemangku_adat_jumlah"] > 0}}
        """), "utf-8")
    meta = own_fact / "desa-adat" / "pack.yaml"
    meta.write_text(meta.read_text("utf-8").replace("bundle_desa_adat_pemangku", "bundle_desa_adat_situasi"), "utf-8")
    stages = own_fact / "desa-adat" / "stages.yaml"
    sequence = "  - {id: adat, when: {pemangku_tercatat: true}, reference: a test, steps: [musdes_rpjm, musdes_rkp]}\n"
    stages.write_text(stages.read_text("utf-8") + sequence, "utf-8")
    [pack] = load_packs(own_fact)
    base = load_base("desa_uu_lengkap.yaml")
    leader = {"jabatan": "Pemangku Adat Karampuang", "nama": "Puang Matoa", "status": "definitif"}
    ctx = context_of({"as_of": "2018-03-01"})
    checker = Checker(pack)
    for data, held in ((base, False), (apply_edits(base, {"append": {"aparatur": leader}}), True)):
        head = head_of(validate(checker, data), ctx, pack.plan, pack.vocabulary)
        assert head.situation["pemangku_tercatat"] is held
        assert ("musdes_rpjm" in pack.plan.order(head.situation).before("musdes_rkp")) is held


def test_a_pack_judges_with_the_shared_facts_and_those_of_the_bundles_it_reads(third):
    """A pack of rules/ reads its own bundle's facts alone: its village carries them and the shared ones, none of
    the other bundle's (which no rule of it reads). The third pack, whose ORG family is the UU 6/2014 pack's, reads
    that bundle's facts too, and its villages are given them."""
    packs_of_rules = {p.id: p for p in load_packs()}
    assert {p.id: [b.id for b in p.vocabulary.bundles] for p in packs_of_rules.values()} == {"pti": ["pti"], "uu-desa": ["uu-desa"]}
    ctx = context_of({"as_of": "2018-03-01"})
    for pack_id, base in (("pti", "desa_lengkap.yaml"), ("uu-desa", "desa_uu_lengkap.yaml")):
        pack = packs_of_rules[pack_id]
        head = head_of(validate(Checker(pack), load_base(base)), ctx, pack.plan, pack.vocabulary)
        assert head.facts.keys() == pack.vocabulary.catalogue["desa"].keys()
        others = {name for (kind, name), bundle in default_vocabulary().origin.items() if kind == "desa" and bundle not in (None, pack_id)}
        assert others and not others & head.facts.keys()
        tested = {(rule.subject, fact) for rule in pack.rules for part in rule.written.values() for fact, _, _ in atoms(part)}
        assert all(name in pack.vocabulary.catalogue[kind] for kind, name in tested)
    [adat] = load_packs(third)
    assert [b.id for b in adat.vocabulary.bundles] == ["uu-desa", "desa-adat"]
    assert "kasi_terisi_jumlah" in adat.vocabulary.catalogue["desa"]


def test_every_detail_a_bundle_builds_is_one_it_declares(monkeypatch, tmp_path):
    """The villages and kecamatan each bundle generates (with their faults) and the samples, checked: every detail a
    bundle's builder gives is in its DETAILS, so that a pack whose message shows one is given that bundle."""
    from cek_integrasi.packs.vocabulary import Vocabulary

    given: dict[tuple[str, str], set[str]] = {}

    def recording(self, kind, basics):
        facts, details = {}, {}
        for builder in self.builders.get(kind, ()):
            more, more_details = builder(basics)
            given.setdefault((builder.__module__, kind), set()).update(more_details)
            facts.update(more)
            details.update(more_details)
        return facts, details

    monkeypatch.setattr(Vocabulary, "build", recording)
    packs = {p.id: p for p in load_packs()}
    for year, pack_id in ((2013, "pti"), (2019, "uu-desa")):
        generating.generate(40, tmp_path / str(year), seed=7, year=year)
        checker = Checker(packs[pack_id])
        for path in sorted((tmp_path / str(year)).rglob("*.yaml")):
            evaluate(checker, yaml.safe_load(path.read_text("utf-8")), context_of({"as_of": f"{year}-03-01"}))
    modules = {b.module.__name__ + ".facts": b.module for b in find_bundles()}
    assert {module for module, _ in given} == set(modules)
    for (module, kind), names in given.items():
        assert names <= modules[module].DETAILS.get(kind, frozenset()), f"{module} {kind}: {sorted(names)}"


def test_a_pack_whose_message_shows_another_bundles_detail_is_given_that_bundle(third):
    """The third pack's rule tests a shared fact but shows the PTI's list of missing PKD tools: its villages are given
    the PTI bundle's facts and details too (a message naming a detail no builder of its part gives would fail)."""
    (third / "desa-adat" / "adt.yaml").write_text(textwrap.dedent("""\
        family: ADT
        title: {id: Lembaga adat, en: Customary institutions}
        rules:
          - id: ADT-01
            subject: desa
            severity: info
            reference: a test
            title: {id: Alat kaji, en: Assessment tools}
            passes: {fact: bpd_terbentuk, is: true}
            message: {id: "Alat kaji kurang: {alat_kaji_kurang}.", en: "Assessment tools missing: {alat_kaji_kurang}."}
            remediation: {id: Lengkapi., en: Complete them.}
        """), "utf-8")
    meta = third / "desa-adat" / "pack.yaml"
    meta.write_text(meta.read_text("utf-8").replace("families: [org.yaml]", "families: [org.yaml, adt.yaml]"), "utf-8")
    [pack] = load_packs(third)
    assert [b.id for b in pack.vocabulary.bundles] == ["pti", "uu-desa", "desa-adat"]


def test_a_message_that_is_not_a_template_is_refused_naming_its_file_and_rule(third):
    org = third / "desa-adat" / "org.yaml"
    text = org.read_text("utf-8")
    assert 'id: "Jabatan Sekretaris Desa tidak' in text
    org.write_text(text.replace('id: "Jabatan Sekretaris Desa tidak', 'id: "Jabatan Sekretaris Desa {tanggal tidak', 1), "utf-8")
    with pytest.raises(RulePackError, match=r"desa-adat/org.yaml: ORG-01: message/remediation: .*\{tanggal tidak"):
        load_pack("desa-adat", third)
