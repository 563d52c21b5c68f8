"""Generated files stay equal to their source: schemas from the models, docs/facts.md from the catalogue."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from cek_integrasi.published import factsdoc, schemas

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(schemas.GENERATED))
def test_committed_schema_matches_the_model(name):
    committed = (ROOT / "schemas" / name).read_text("utf-8")
    assert committed == schemas.generated(name), f"run `python -m cek_integrasi.published.schemas` to update schemas/{name}"


def test_facts_doc_matches_the_catalogue():
    assert factsdoc.DOC.read_text("utf-8") == factsdoc.render(), "run `python -m cek_integrasi.published.factsdoc`"


def test_every_sample_is_valid_against_the_published_dossier_schema():
    validators = {
        kind: jsonschema.Draft202012Validator(
            json.loads((ROOT / "schemas" / name).read_text("utf-8")), format_checker=jsonschema.FormatChecker()
        )
        for kind, name in (("desa", "dossier.schema.json"), ("kecamatan", "kecamatan.schema.json"))
    }
    samples = sorted((ROOT / "samples").rglob("*.yaml"))
    assert samples
    for path in samples:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text("utf-8")), default=str))
        errors = list(validators[data["jenis"]].iter_errors(data))
        assert not errors, (path.name, errors[0].message)


def test_both_languages_have_the_same_texts():
    from cek_integrasi import i18n

    assert i18n.catalogue("id").keys() == i18n.catalogue("en").keys()
