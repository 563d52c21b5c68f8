"""docs/facts.md: the fact vocabulary of rule conditions, generated from vocabulary.CATALOGUE."""

from __future__ import annotations

from ..packs.facts import SITUATIONS
from ..packs.vocabulary import CATALOGUE
from ..packs.rulepack import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "facts.md"
SUBJECTS = {
    "desa": "The village as a whole (one per dossier; path: the dossier).",
    "berita_acara": "One Berita Acara (path: berita_acara[i]).",
    "forum": "One recorded stage, the earliest-dated entry of each stage code (path: tahapan[i]).",
    "kegiatan": "One RKP-Desa activity (path: rkp_desa.kegiatan[i]).",
    "tim_penyusun": "The Tim Penyusun of one plan, when the team or its forming stage is recorded.",
    "perdes": "One Peraturan Desa of peraturan_desa (path: peraturan_desa[i]).",
    "instrumen": "One establishing document checked against the step it follows or precedes (path: the document).",
    "tahap": "One step of the cycle that applies to the dossier (rules/pti/stages.yaml; path: tahapan[i], or tahapan when not recorded).",
    "kecamatan": "The kecamatan as a whole: its Musrenbang Kecamatan (one per kecamatan dossier).",
    "desa_anggota": "One village of a kecamatan, listed or checked in the same run (only when village dossiers of the kecamatan are in the run).",
}


def render() -> str:
    out = [
        "# Facts rule conditions can test",
        "",
        "Generated from `src/cek_integrasi/packs/facts.py` by `python -m cek_integrasi.published.factsdoc`; a test keeps it current.",
        "Every fact is always present on its subject with the type shown (bool, int or str).",
        "",
    ]
    for subject, facts in CATALOGUE.items():
        out += [f"## `{subject}`", "", SUBJECTS[subject], "", "| fact | type | meaning |", "|---|---|---|"]
        out += [f"| `{name}` | {spec.type.__name__} | {spec.meaning} |" for name, spec in facts.items()]
        out.append("")
    out += [
        "## Situations (`when` of a stage sequence)",
        "",
        "What the `when` of a sequence in `rules/<pack>/stages.yaml` may test; a list of mappings means any of them.",
        "",
        "| name | type | meaning |",
        "|---|---|---|",
    ]
    out += [f"| `{name}` | {spec.type.__name__} | {spec.meaning} |" for name, spec in SITUATIONS.items()]
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    DOC.write_text(render(), "utf-8")
    print(DOC)
