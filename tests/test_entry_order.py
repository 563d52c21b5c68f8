"""Values that are not what they seem: the findings of a dossier never depend on the order its
stages are written in, even when a stage is recorded twice and one entry lies after the as-of date."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit import load_base
from cek_integrasi.packs.facts import Context
from generators import contexts, desa_dossiers
from helpers import evaluate

AS_OF = Context(as_of=dt.date(2014, 3, 1))


def _findings(checker, data, ctx):
    result, _ = evaluate(checker, data, ctx)
    return sorted((f.rule, f.subject, f.state, f.message) for f in result.findings), result.results


def test_a_stage_recorded_twice_with_one_entry_after_the_as_of_date_gives_one_answer(checker):
    base = load_base("desa_lengkap.yaml")
    later = {"kode": "rpjm_rancangan", "tanggal": dt.date(2014, 6, 1)}
    first = dict(base, tahapan=[later, *base["tahapan"]])
    last = dict(base, tahapan=[*base["tahapan"], later])
    findings, results = _findings(checker, first, AS_OF)
    assert (findings, results) == _findings(checker, last, AS_OF)
    assert [(rule, state) for rule, _, state, _ in findings] == [("STG-03", "fail")]
    assert findings[0][3].startswith("Rancangan RPJM-Desa bertanggal 1 Juni 2014, sesudah tanggal pemeriksaan 1 Maret 2014")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=desa_dossiers(), ctx=contexts, order=st.randoms(use_true_random=False), repeat=st.integers(0, 15))
def test_findings_do_not_depend_on_the_order_of_the_stages(checker, data, ctx, order, repeat):
    if data["tahapan"]:  # a stage written twice, maybe with a later date
        again = dict(data["tahapan"][repeat % len(data["tahapan"])])
        again["tanggal"] = again["tanggal"] + dt.timedelta(days=repeat * 40)
        data["tahapan"].append(again)
    shuffled = dict(data, tahapan=order.sample(data["tahapan"], len(data["tahapan"])))
    assert _findings(checker, data, Context(**ctx)) == _findings(checker, shuffled, Context(**ctx))
