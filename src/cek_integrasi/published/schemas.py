"""The published JSON Schemas that come from the pydantic models (one source of truth).

`python -m cek_integrasi.published.schemas` rewrites schemas/dossier.schema.json (desa),
schemas/kecamatan.schema.json, schemas/report.schema.json and schemas/waivers.schema.json; a test fails when the committed files differ from the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..dossiers.model import DesaDossier, KecamatanDossier
from ..evaluation.results import Report
from ..evaluation.waivers import WaiverFile
from ..packs.rulepack import SCHEMAS_DIR

GENERATED = {
    "dossier.schema.json": (DesaDossier, "validation"),
    "kecamatan.schema.json": (KecamatanDossier, "validation"),
    "report.schema.json": (Report, "serialization"),
    "waivers.schema.json": (WaiverFile, "validation"),
}


def generated(name: str) -> str:
    """The text a generated schema file must have."""
    model, mode = GENERATED[name]
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema(mode=mode)}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write(directory: Path = SCHEMAS_DIR) -> list[Path]:
    written = []
    for name in GENERATED:
        path = directory / name
        path.write_text(generated(name), "utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path)
