"""Rule files are validated when loaded; what the engine cannot do safely is refused with a clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cek_integrasi.packs.conditions import Comparison, to_dnf
from cek_integrasi.packs.vocabulary import default as default_vocabulary
from cek_integrasi.packs.rulepack import RULES_DIR, RulePackError, load_pack

RULE = {
    "id": "ELG-09",
    "subject": "desa",
    "severity": "error",
    "reference": "PTI Bab III.B",
    "title": {"id": "t", "en": "t"},
    "message": {"id": "m", "en": "m"},
    "remediation": {"id": "r", "en": "r"},
    "passes": {"fact": "bpd_terbentuk", "is": True},
}

CATALOGUE = default_vocabulary().catalogue  # the vocabulary of rules/


def _pack_with(tmp_path: Path, **changes) -> Path:
    """A copy of the PTI pack with one extra ELG rule (RULE updated by `changes`)."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    family = target / "pti" / "elg.yaml"
    data = yaml.safe_load(family.read_text("utf-8"))
    rule = {**RULE, **changes}
    data["rules"].append({k: v for k, v in rule.items() if v is not None})
    family.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return target


def test_the_pti_pack_loads_with_every_catalogue_rule_it_claims(pack):
    ids = {r.id for r in pack.rules}
    assert {"ELG-00", "ELG-03", "BA-01", "BA-12", "EST-06", "MRD-05", "PKD-02", "GOV-04"} <= ids
    assert all(r.reference.startswith(("PTI", "MRK")) for r in pack.rules)
    assert len(pack.digest) == 64


def test_a_well_formed_new_rule_needs_no_python(tmp_path):
    pack = load_pack("pti", _pack_with(tmp_path))
    assert pack.rule("ELG-09").asked == {"fails": [(Comparison("bpd_terbentuk", "neq", True),)]}


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"passes": {"fact": "id", "is": "x"}}, "dipakai mesin aturan"),
        ({"passes": {"fact": "tidak_ada", "is": True}}, "fact 'tidak_ada' tidak dikenal"),
        ({"passes": {"fact": "bpd_terbentuk", "is": "true"}}, "bertipe str, fakta ini bertipe bool"),
        ({"passes": {"fact": "kaur_terisi_jumlah", "is": True}}, "bertipe bool, fakta ini bertipe int"),
        ({"passes": {"fact": "bpd_terbentuk", "at_least": 1}}, "hanya untuk fakta bilangan"),
        ({"passes": {"fact": "bpd_terbentuk", "matches": "^y"}}, "elg.yaml"),
        ({"passes": {"fact": "bpd_terbentuk"}}, "elg.yaml"),
        ({"subject": "kota"}, "subject 'kota' tidak dikenal"),
        ({"id": "BA-99"}, "bukan milik keluarga ELG"),
        ({"id": "ELG-01"}, "ID aturan ganda: ELG-01"),
        ({"severity": "fatal"}, "elg.yaml"),
        ({"reference": None}, "'reference' is a required property"),
        ({"message": {"id": "hanya bahasa Indonesia"}}, "'en' is a required property"),
        ({"requires": ["ELG-77"], "verdicts": {"pass": "A", "fail": "B", "not_applicable": "C"}, "passes": None}, "ELG-77"),
        (
            {"pending": {"all": [{"fact": f, "one_of": [True, False]} for f in ("kantor_ada", "kantor_layak", "bpd_terbentuk", "rpjm_ada", "rkp_ada", "pkd_diadakan")]}},
            "terlalu bercabang",
        ),
    ],
)
def test_unsafe_or_invalid_rules_are_refused_when_loaded(tmp_path, changes, expected):
    with pytest.raises(RulePackError) as err:
        load_pack("pti", _pack_with(tmp_path, **changes))
    assert expected in str(err.value)


def test_every_bundled_rule_file_reads_the_same_with_yaml_rs_as_with_pyyaml():
    """load_pack reads rule files with yaml-rs (YAML 1.2); they were written for PyYAML (1.1), where an unquoted
    `yes` is true and `010` is eight: every file a pack loads must read alike in both."""
    import yaml_rs

    files = sorted(RULES_DIR.glob("*/*.yaml"))
    assert {"pack.yaml", "stages.yaml", "elg.yaml"} <= {f.name for f in files}
    for path in files:
        text = path.read_text("utf-8")
        assert repr(yaml_rs.loads(text)) == repr(yaml.safe_load(text)), path  # repr: True and 1, 1.0 and 1 differ


@pytest.mark.parametrize("written,expected", [
    (b"family: ELG\nrules: [\n", "elg.yaml: YAML rusak"),
    ("family: ELG\nrules: []\n# Catatan\xa0".encode("cp1252"), "elg.yaml: bukan teks UTF-8"),
    (b"family: ELG\nrules:\n  - id: ELG-01\n    id: ELG-02\n", "elg.yaml: baris 4: YAML rusak: duplicate mapping key: 'id'"),
    (b"? [a, b]\n: 1\nfamily: ELG\nfamily: BA\n", "elg.yaml: baris 4: YAML rusak: duplicate mapping key: 'family'"),
    (b"[" * 5000 + b"]" * 5000, "elg.yaml: YAML rusak: YAML parse error at line 1"),  # too deep for both readers
    (b"family: ELG\nrules: []\n---\nfamily: BA\n", "elg.yaml: isinya harus satu pemetaan YAML .* bukan list"),
    (b"", "elg.yaml: isinya harus satu pemetaan YAML .* bukan NoneType"),
])
def test_a_rule_file_that_is_not_yaml_is_named_with_what_is_wrong(tmp_path, written, expected):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    (target / "pti" / "elg.yaml").write_bytes(written)
    with pytest.raises(RulePackError, match=expected):
        load_pack("pti", target)


def test_an_unchanged_valid_file_is_not_validated_again(tmp_path, monkeypatch):
    """packs/validated.py: a valid file is recorded in the cache folder and not checked against the schema again; a
    changed file is checked again, and an invalid one is never recorded, so it is refused every time."""
    from cek_integrasi.packs import rulepack

    cache = tmp_path / "cache" / "valid-rules"
    monkeypatch.setenv("CEK_INTEGRASI_CACHE_DIR", str(cache.parent))
    rules = _pack_with(tmp_path / "one")
    load_pack("pti", rules)
    recorded = set(cache.iterdir())
    assert len(recorded) == len(list((rules / "pti").glob("*.yaml")))  # pack.yaml, stages.yaml and every family
    checked: list[str] = []
    real = rulepack._schema_validator
    monkeypatch.setattr(rulepack, "_schema_validator", lambda schema, ref: checked.append(ref) or real(schema, ref))
    assert load_pack("pti", rules).rule("ELG-09").severity == "error"
    assert checked == []
    assert load_pack("pti", _pack_with(tmp_path / "two", severity="warning")).rule("ELG-09").severity == "warning"
    assert checked == [""]  # elg.yaml alone differs
    assert len(set(cache.iterdir())) == len(recorded) + 1
    bad = _pack_with(tmp_path / "three", severity="fatal")
    for _ in range(2):
        with pytest.raises(RulePackError, match="'fatal' is not one of"):
            load_pack("pti", bad)
    assert checked == ["", "", ""]
    assert len(set(cache.iterdir())) == len(recorded) + 1


def test_a_rule_file_written_with_a_bom_reads_as_without(tmp_path):
    """Notepad on Windows may save UTF-8 with a byte order mark: it is not part of the first key."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    for name in ("pack.yaml", "elg.yaml"):
        path = target / "pti" / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [r.id for r in load_pack("pti", target).rules] == [r.id for r in load_pack("pti").rules]
    from cek_integrasi.packs.bundles import find_bundles

    assert [b.id for b in find_bundles(target)] == ["pti", "uu-desa"]


def test_a_changed_schema_checks_every_file_again(tmp_path, monkeypatch):
    from cek_integrasi.packs import rulepack

    monkeypatch.setenv("CEK_INTEGRASI_CACHE_DIR", str(tmp_path / "cache"))
    load_pack("pti")
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    schema = (rulepack.SCHEMAS_DIR / "rules.schema.json").read_text("utf-8")
    (schemas / "rules.schema.json").write_text(schema.replace('"error",\n', "", 1), "utf-8")
    assert schema != (schemas / "rules.schema.json").read_text("utf-8")
    monkeypatch.setattr(rulepack, "SCHEMAS_DIR", schemas)
    with pytest.raises(RulePackError, match="'error' is not one of"):  # an error rule, valid before, is not now
        load_pack("pti")


def test_a_cache_folder_that_cannot_be_written_only_means_checking_again(tmp_path, monkeypatch):
    from cek_integrasi.packs import rulepack

    (tmp_path / "a-file").write_text("", "utf-8")
    monkeypatch.setenv("CEK_INTEGRASI_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    checked: list[str] = []
    real = rulepack._schema_validator
    monkeypatch.setattr(rulepack, "_schema_validator", lambda schema, ref: checked.append(ref) or real(schema, ref))
    for _ in range(2):
        assert load_pack("pti").rules
    assert checked.count("pack") == 2


def test_unknown_pack_names_the_packs_available():
    with pytest.raises(RulePackError, match="tersedia: pti"):
        load_pack("uu6")


def test_normal_form_pushes_negation_down_and_expands_one_of():
    dnf = to_dnf({"not": {"all": [{"fact": "a", "at_least": 2}, {"fact": "b", "one_of": ["x", "y"]}]}})
    assert dnf == [
        (Comparison("a", "lt", 2),),
        (Comparison("b", "neq", "x"), Comparison("b", "neq", "y")),
    ]


def test_every_message_placeholder_exists_on_its_subject_in_both_languages(pack):
    import datetime as dt

    from casekit import load_base
    from cek_integrasi.evaluation.localize import render
    from cek_integrasi.packs.rulepack import placeholders
    from cek_integrasi.packs.facts import Context, VillageSummary
    from cek_integrasi.dossiers.loading import KINDS
    from cek_integrasi.packs.subjects import subjects_of

    ctx = Context(as_of=dt.date(2014, 3, 1), before="musrenbangdes_rkp")
    village = {"73.02.05.2004": VillageSummary("73.02.05.2004", "Bonto Bangun", "a.yaml", None)}
    subjects = {}
    for fixture in ("desa_lengkap.yaml", "kecamatan_lengkap.yaml"):
        data = load_base(fixture)
        dossier = KINDS[data["jenis"]].model_validate(data, context={"stages": set(pack.plan.stages)})
        for subject in subjects_of(dossier, ctx, pack.plan, pack.vocabulary, village, "WAJIB"):
            subjects.setdefault(subject.kind, subject)
    assert set(subjects) == set(CATALOGUE)
    for rule in pack.rules:
        subject = subjects[rule.subject]
        values = {**subject.facts, **subject.details, **({"belum_terpenuhi": ["ELG-01"]} if rule.is_verdict else {})}
        for lang in ("id", "en"):
            for template in (rule.message[lang], rule.remediation[lang]):
                assert placeholders(template) <= values.keys(), (rule.id, lang, placeholders(template) - values.keys())
                assert "{" not in render(template, values, lang)
