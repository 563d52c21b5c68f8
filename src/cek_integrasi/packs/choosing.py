"""Which rule pack judges a dossier: the one whose plan years cover its tahun_rencana, or the one the
user named with --pack; and whether the dossier gives that pack what it needs.

A dossier is read before its pack is known (its stage codes are checked against every pack's
stages then); the pack, once chosen, checks the rest: the dossier kinds it judges, the fields it
needs that the model leaves optional (pack.yaml `dossier_requires`), and its own stage codes.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import InputError
from ..dossiers.model import Dossier
from ..dossiers.reading import Document
from .rulepack import RulePack
from .stages import Stage


def all_stages(packs: list[RulePack]) -> dict[str, Stage]:
    """Every stage some pack knows, by code: what a dossier may write before its pack is chosen.

    A workbook may write a stage's label instead of its code: a code two packs share keeps the
    first pack's labels and also carries the other's (keys 'id@uu-desa', 'en@uu-desa'), so that a
    workbook written for either pack is read.
    """
    found: dict[str, Stage] = {}
    for pack in packs:
        for code, stage in pack.plan.stages.items():
            if code not in found:
                found[code] = stage
            elif set(stage.label.values()) - set(found[code].label.values()):
                more = {f"{lang}@{pack.id}": label for lang, label in stage.label.items()}
                found[code] = replace(found[code], label={**found[code].label, **more})
    return found


def describe(packs: list[RulePack]) -> str:
    """The packs and their plan years, as an input problem names them: 'pti (2010-2015), uu-desa (2016-2100)'."""
    return ", ".join(f"{pack.id} ({pack.years})" for pack in packs)


def choose_pack(
    packs: list[RulePack], forced: bool, doc: Document, dossier: Dossier, before: str | None = None
) -> RulePack:
    """The pack that judges this dossier; raise InputError (with the file and place) when none can,
    or when `before` (--before) names a step that pack does not have."""
    if forced:
        pack = packs[0]
    else:
        pack = next((p for p in packs if p.covers(dossier.tahun_rencana)), None)
        if pack is None:
            raise InputError(
                doc.path, "tahun_rencana", "tahun_di_luar_paket", line=doc.line_of("tahun_rencana"),
                tahun=dossier.tahun_rencana, paket=describe(packs),
            )
    require_fit(pack, doc, dossier)
    if before is not None and before not in pack.plan.stages:
        raise InputError(
            doc.path, "", "before_di_luar_paket", stage=before, paket=pack.id,
            pilihan=", ".join(code for code, stage in pack.plan.stages.items() if stage.level == dossier.jenis),
        )
    return pack


def require_fit(pack: RulePack, doc: Document, dossier: Dossier) -> None:
    """Refuse a dossier the pack cannot judge: a kind it does not judge, a field it needs left out,
    a stage code it does not know."""
    if dossier.jenis not in pack.kinds:
        raise InputError(
            doc.path, "jenis", "jenis_di_luar_paket", line=doc.line_of("jenis"), jenis=dossier.jenis, paket=pack.id
        )
    for name in pack.requires.get(dossier.jenis, ()):
        if getattr(dossier, name, None) is None:
            raise InputError(doc.path, name, "wajib_untuk_paket", line=1, field=name, paket=pack.id)
    for i, step in enumerate(dossier.tahapan):
        if step.kode not in pack.plan.stages:
            where = f"tahapan[{i}].kode"
            raise InputError(
                doc.path, where, "tahap_tidak_dikenal", line=doc.line_of(where),
                kode=step.kode, pilihan=", ".join(sorted(pack.plan.stages)),
            )
