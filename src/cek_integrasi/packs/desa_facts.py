"""Facts of a village dossier: the village itself, its RKP activities, its Tim Penyusun, its
establishing documents, and the summary a kecamatan check needs."""

from __future__ import annotations

import datetime as dt

from .facts import (
    VERDICT_FACT, ActivityBasics, Context, DocumentRef, PerdesBasics, Subject, TeamBasics, VillageBasics, VillageSummary, person,
    same_text,
)
from ..i18n import Rupiah
from ..dossiers.model import DesaDossier, KeputusanKepalaDesa, PeraturanDesa, unnamed_holder
from .stages import Recorded, StagePlan, stage_date
from .vocabulary import Vocabulary

TEAM_DRAFT = {"rpjm_desa": "rpjm_rancangan", "rkp_desa": "rkp_rancangan"}

Instrument = PeraturanDesa | KeputusanKepalaDesa


def _holder_and_posts(posts: list) -> str:
    """'Budi (Kaur Umum, Kaur Keuangan)'; a holder whose name is not known: the post alone ('Kaur 1')."""
    named = posts[0].nama != unnamed_holder(posts[0].jabatan)
    jabatan = ", ".join(a.jabatan for a in posts)
    return f"{posts[0].nama} ({jabatan})" if named else jabatan


def _documents(dossier: DesaDossier) -> dict[str, Instrument]:
    return {d.id: d for d in [*dossier.peraturan_desa, *dossier.keputusan_kepala_desa]}


def _ref(document: Instrument | None) -> DocumentRef | None:
    if document is None:
        return None
    kind = "perdes" if isinstance(document, PeraturanDesa) else "sk_kepala_desa"
    return DocumentRef(kind, document.nomor, document.tanggal)


def rpjm_established(dossier: DesaDossier, stages: Recorded) -> dt.date | None:
    """Date the RPJM-Desa was established: its document's date, else the rpjm_penetapan stage."""
    rpjm = dossier.rpjm_desa
    document = _documents(dossier).get(rpjm.ditetapkan_dengan) if rpjm and rpjm.ditetapkan_dengan else None
    return (document.tanggal if document else None) or stage_date(stages, "rpjm_penetapan")


def kepala_desa(dossier: DesaDossier) -> list[str]:
    """Names of the Kepala Desa on record."""
    return [a.nama for a in _holders(dossier, lambda j: j == "kepala desa")]


def officials(dossier: DesaDossier) -> dict[str, str]:
    """Person -> post of everyone on the apparatus record but the Kepala Desa (Sekdes, Kaur, ...)."""
    return {person(a.nama): a.jabatan for a in _holders(dossier, lambda j: j != "kepala desa")}


def rkp_established(dossier: DesaDossier, stages: Recorded) -> dt.date | None:
    """Date the RKP-Desa was established: its document's date, else the rkp_penetapan stage."""
    rkp = dossier.rkp_desa
    document = _documents(dossier).get(rkp.ditetapkan_dengan) if rkp and rkp.ditetapkan_dengan else None
    return (document.tanggal if document else None) or stage_date(stages, "rkp_penetapan")


def summary(dossier: DesaDossier, stages: Recorded, file: str) -> VillageSummary:
    """What the kecamatan check of the same run needs of this village (MRK-04, MRK-09)."""
    held = stage_date(stages, "musrenbangdes_rkp")
    with_ba = any(ba.forum == "musrenbangdes_rkp" for ba in dossier.berita_acara)
    return VillageSummary(dossier.kode, dossier.nama, file, rkp_established(dossier, stages), held if with_ba else None)


def _holders(dossier: DesaDossier, predicate) -> list:
    return [a for a in dossier.aparatur if predicate(a.jabatan.casefold()) and a.status != "kosong"]


def apb_of_plan_year(dossier: DesaDossier):
    return next((a for a in dossier.apb_desa if a.tahun == dossier.tahun_rencana), None)


def document_dates(dossier: DesaDossier) -> dict[str, tuple[DocumentRef, dt.date | None]]:
    """Stage code -> the document of the dossier that records that step, and its date (STG-07)."""
    documents = _documents(dossier)
    out: dict[str, tuple[DocumentRef, dt.date | None]] = {}
    for code, plan in (("rpjm_penetapan", dossier.rpjm_desa), ("rkp_penetapan", dossier.rkp_desa)):
        document = documents.get(plan.ditetapkan_dengan) if plan and plan.ditetapkan_dengan else None
        if document:
            out[code] = (_ref(document), document.tanggal)
    apb = apb_of_plan_year(dossier)
    if apb:
        document = documents.get(apb.ditetapkan_dengan) if apb.ditetapkan_dengan else None
        date = apb.tanggal_penetapan or (document.tanggal if document else None)
        out["apbdes_penetapan"] = (_ref(document) or DocumentRef("apb_desa", None, date), date)
    for tim in dossier.tim_penyusun:
        document = documents.get(tim.dibentuk_dengan) if tim.dibentuk_dengan else None
        code = tim.rencana.replace("_desa", "") + "_tim_penyusun"
        if document and code not in out:
            out[code] = (_ref(document), document.tanggal)
    return out


def instruments(dossier: DesaDossier, stages: Recorded) -> list[tuple[str, str, DocumentRef, dt.date | None, str, bool]]:
    """The establishing documents dated against a step (EST-11): (kind, path, document, its date,
    the stage it is checked against, whether it must not come before that stage)."""
    documents = _documents(dossier)
    out = []
    for kind, plan, forum in (("rpjm_desa", dossier.rpjm_desa, "musrenbangdes_rpjm"), ("rkp_desa", dossier.rkp_desa, "musrenbangdes_rkp")):
        document = documents.get(plan.ditetapkan_dengan) if plan and plan.ditetapkan_dengan else None
        if document:
            out.append((kind, f"{kind}.ditetapkan_dengan", _ref(document), document.tanggal, forum, True))
    seen = set()
    for i, tim in enumerate(dossier.tim_penyusun):
        document = documents.get(tim.dibentuk_dengan) if tim.dibentuk_dengan else None
        if document and tim.rencana not in seen:
            seen.add(tim.rencana)
            kind = f"tim_penyusun_{tim.rencana}"
            out.append((kind, f"tim_penyusun[{i}].dibentuk_dengan", _ref(document), document.tanggal, TEAM_DRAFT[tim.rencana], False))
    return out


def village(dossier: DesaDossier, ctx: Context, stages: Recorded, plan: StagePlan, vocabulary: Vocabulary) -> Subject:
    """The village as a whole: its shared facts (apparatus, plans, instruments, forums, the APB Desa
    of the plan year; a duty of a step that a --before check does not reach yet is not due), those
    the bundles of `vocabulary` build on what these worked out, and its situation.

    Its verdict fact is empty here: the first phase of evaluation decides it (evaluate.py).
    """
    sekdes = _holders(dossier, lambda j: j.startswith(("sekretaris desa", "sekdes")))
    sekdes_people = {person(a.nama) for a in sekdes}
    kaur: dict[str, list] = {}
    for a in _holders(dossier, lambda j: j.startswith("kaur")):
        if person(a.nama) not in sekdes_people:
            kaur.setdefault(person(a.nama), []).append(a)

    rpjm, rkp = dossier.rpjm_desa, dossier.rkp_desa
    documents = _documents(dossier)
    rpjm_doc = documents.get(rpjm.ditetapkan_dengan) if rpjm and rpjm.ditetapkan_dengan else None
    rkp_doc = documents.get(rkp.ditetapkan_dengan) if rkp and rkp.ditetapkan_dengan else None
    rpjm_perdes = rpjm_doc if isinstance(rpjm_doc, PeraturanDesa) else None

    musren = stages.get("musrenbangdes_rkp", (None, None))[1]
    agenda = set(musren.agenda) if musren else set()

    rkp_date = rkp_established(dossier, stages)
    apb = apb_of_plan_year(dossier)
    apb_doc = documents.get(apb.ditetapkan_dengan) if apb and apb.ditetapkan_dengan else None
    apb_date = None
    if apb:
        apb_date = apb.tanggal_penetapan or (apb_doc.tanggal if apb_doc else None) or stage_date(stages, "apbdes_penetapan")

    facts = {
        "sekdes_terisi": bool(sekdes),
        "kaur_terisi_jumlah": len(kaur),
        "bpd_terbentuk": dossier.bpd.terbentuk,
        "rpjm_ada": rpjm is not None,
        "rpjm_perdes_lengkap": bool(rpjm_perdes and rpjm_perdes.nomor and rpjm_perdes.tanggal),
        "rpjm_tahun_cakupan": rpjm.tahun_akhir - rpjm.tahun_awal + 1 if rpjm else 0,
        "rpjm_penetapan_tercatat": "rpjm_penetapan" in stages,
        "rkp_ada": rkp is not None,
        "rkp_penetapan_tercatat": "rkp_penetapan" in stages,
        "rkp_instrumen_tercatat": rkp_doc is not None,
        "rkp_dalam_periode_rpjm": bool(rpjm and rkp and rpjm.tahun_awal <= rkp.tahun <= rpjm.tahun_akhir),
        "musrenbangdes_rkp_diadakan": musren is not None,
        "agenda_rancangan_rkp": "pembahasan_rancangan_rkp" in agenda,
        "apbdes_ada": apb is not None,
        "apbdes_jatuh_tempo": plan.due_before("apbdes_penetapan", ctx.before) and ctx.as_of >= dt.date(dossier.tahun_rencana, 1, 1),
        "apbdes_dan_rkp_bertanggal": bool(apb_date and rkp_date),
        "apbdes_tidak_sebelum_rkp": bool(apb_date and rkp_date and apb_date >= rkp_date),
        "apbdes_perdes": isinstance(apb_doc, PeraturanDesa),
        "audit_lengkap": ctx.complete,
        VERDICT_FACT: "",
    }
    details = {
        "kaur_daftar": [_holder_and_posts(posts) for posts in kaur.values()],
        "sekdes_nama": [a.nama for a in sekdes],
        "rpjm_periode": f"{rpjm.tahun_awal}-{rpjm.tahun_akhir}" if rpjm else None,
        "rpjm_instrumen": _ref(rpjm_doc),
        "rpjm_tanggal": rpjm_established(dossier, stages) if rpjm else None,
        "rkp_tahun": rkp.tahun if rkp else None,
        "rkp_instrumen": _ref(rkp_doc),
        "tahun_rencana": dossier.tahun_rencana,
        "apbdes_tanggal": apb_date,
        "apbdes_instrumen": _ref(apb_doc),
        "rkp_tanggal": rkp_date,
    }
    basics = VillageBasics(
        dossier, ctx, stages, details["rpjm_tanggal"], rpjm_doc, rkp_date, rkp_doc, apb_date, apb_doc, tuple(sekdes), kaur,
        lambda step: plan.due_before(step, ctx.before),
    )
    more, more_details = vocabulary.build("desa", basics)
    facts.update(more)
    details.update(more_details)
    return Subject("desa", "desa", "", facts, details, vocabulary.situation("desa", basics))


def others(dossier: DesaDossier, stages: Recorded, vocabulary: Vocabulary) -> list[Subject]:
    """RKP-Desa activities, Tim Penyusun and Perdes, each with what the bundles of `vocabulary` say of it."""
    out = []
    if dossier.rkp_desa:
        table = frozenset(same_text(name) for name in dossier.rpjm_desa.kegiatan) if dossier.rpjm_desa else frozenset()
        for i, act in enumerate(dossier.rkp_desa.kegiatan):
            facts = {"jumlah": act.jumlah or 0, "sumber_dana": (act.sumber_dana or "").strip().lower()}
            more, more_details = vocabulary.build("kegiatan", ActivityBasics(act, table))
            details = {"nama": act.nama, "jumlah": Rupiah(act.jumlah or 0), **more_details}  # the amount in messages: "Rp 120.000.000"
            out.append(Subject("kegiatan", f"kegiatan:{i}", f"rkp_desa.kegiatan[{i}]", {**facts, **more}, details))
    return out + _tim_penyusun(dossier, stages, vocabulary) + _perdes(dossier, vocabulary)


def _perdes(dossier: DesaDossier, vocabulary: Vocabulary) -> list[Subject]:
    """Every Perdes, with what the bundles say of it (what it is about, whether it was agreed with the BPD)."""
    out = []
    for i, perdes in enumerate(dossier.peraturan_desa):
        facts, details = vocabulary.build("perdes", PerdesBasics(perdes))
        out.append(Subject("perdes", f"perdes:{perdes.id}", f"peraturan_desa[{i}]", facts,
                           {"perdes": _ref(perdes), "forum": perdes.forum, **details}))
    return out


def _tim_penyusun(dossier: DesaDossier, stages: Recorded, vocabulary: Vocabulary) -> list[Subject]:
    """The Tim Penyusun of each plan whose team or forming stage is recorded, with what the bundles say of it."""
    documents = _documents(dossier)
    out = []
    for plan in ("rpjm_desa", "rkp_desa"):
        found = [(i, t) for i, t in enumerate(dossier.tim_penyusun) if t.rencana == plan]
        stage_code = plan.replace("_desa", "") + "_tim_penyusun"
        if found:
            i, tim = found[0]
            document = documents.get(tim.dibentuk_dengan) if tim.dibentuk_dengan else None
            path = f"tim_penyusun[{i}]"
        elif stage_code in stages:
            document, path = None, f"tahapan[{stages[stage_code][0]}]"
        else:
            continue
        facts, details = vocabulary.build("tim_penyusun", TeamBasics(plan, document))
        out.append(Subject("tim_penyusun", f"tim:{plan}", path, facts, {"sk": _ref(document), **details}))
    return out
