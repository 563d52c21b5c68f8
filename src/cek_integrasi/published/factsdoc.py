"""docs/facts.md: the fact vocabulary of rule conditions (that of rules/, vocabulary.default), generated."""

from __future__ import annotations

from ..packs import vocabulary
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
    "tahap": "One step of the cycle that applies to the dossier (rules/<pack>/stages.yaml; path: tahapan[i], or tahapan when not recorded).",
    "kecamatan": "The kecamatan as a whole: its Musrenbang Kecamatan (one per kecamatan dossier).",
    "desa_anggota": "One village of a kecamatan, listed or checked in the same run (only when village dossiers of the kecamatan are in the run).",
}


def render() -> str:
    used = vocabulary.default()

    def row(where: str, name: str, spec) -> str:
        return f"| `{name}` | {spec.type.__name__} | {used.origin[(where, name)] or 'shared'} | {spec.meaning} |"

    out = [
        "# Facts rule conditions can test",
        "",
        "Generated from `src/cek_integrasi/packs/facts.py` (the shared facts) and the facts each bundle adds (its "
        "module's `FACTS`, docs/rules.md, *Adding a pack*) by `python -m cek_integrasi.published.factsdoc`; a test "
        "keeps it current.",
        "Every fact is always present on its subject with the type shown (bool, int or str) when a pack that reads "
        "it judges the subject: a shared fact for every pack, a fact a bundle adds for the packs that read that "
        "bundle's facts (its own pack); *added by* names the bundle that builds it.",
        "",
    ]
    for subject, facts in used.catalogue.items():
        out += [f"## `{subject}`", "", SUBJECTS[subject], "", "| fact | type | added by | meaning |", "|---|---|---|---|"]
        out += [row(subject, name, spec) for name, spec in facts.items()]
        out.append("")
    out += [
        "## Situations (`when` of a stage sequence)",
        "",
        "What the `when` of a sequence in `rules/<pack>/stages.yaml` may test; a list of mappings means any of them.",
        "",
        "| name | type | added by | meaning |",
        "|---|---|---|---|",
    ]
    out += [row("when", name, spec) for name, spec in used.situations.items()]
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    DOC.write_text(render(), "utf-8")
    print(DOC)
