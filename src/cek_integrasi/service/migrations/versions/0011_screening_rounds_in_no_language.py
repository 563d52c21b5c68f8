"""A screening round stored in no language (screening/report.py: per row its verdict and ELG findings with
their values, per bad row its problem as a catalogue key) instead of one rendered report per language.

A round stored before has no values to render its messages from: it becomes a screening whose findings
carry the texts they held in each language (`texts`, as evaluation/localize.py reads them) and whose bad
rows carry their messages by language (`messages`), shown as they were. The column keeps its name.
Downgrading renders every round in Indonesian and English with the installed packs.

Revision ID: 0011
Revises: 0010
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ROUNDS = sa.table('screening_rounds', sa.column('id', sa.Integer), sa.column('report', sa.Text))
TEXTS = ('title', 'message', 'remediation')
KEPT = ('version', 'rule_pack', 'as_of', 'roster')


def screening_of(by_lang: dict[str, dict]) -> dict:
    """A screening holding the texts of a round's reports written in each language (the same rows, in the same order)."""
    first = by_lang['id']

    def findings(index: int) -> list[dict]:
        written = {lang: [*report['villages'][index]['unmet'], *report['villages'][index]['warnings']] for lang, report in by_lang.items()}
        return [{'rule': f['rule'], 'state': 'fail', 'severity': f['severity'], 'reference': f['reference'], 'subject': 'desa',
                 'path': '', 'line': None, 'place': None, 'values': {}, 'waiver': None,
                 'texts': {lang: {**{k: shown[i][k] for k in TEXTS}, 'place': None} for lang, shown in written.items()}}
                for i, f in enumerate(written['id'])]

    return {
        **{k: first[k] for k in KEPT},
        'villages': [{**{k: v[k] for k in ('row', 'kode', 'nama', 'kecamatan', 'verdict')}, 'findings': findings(i)}
                     for i, v in enumerate(first['villages'])],
        'bad_rows': [{**{k: p[k] for k in ('row', 'column', 'value')}, 'messages': {lang: r['bad_rows'][i]['message'] for lang, r in by_lang.items()}}
                     for i, p in enumerate(first['bad_rows'])],
    }


def _convert(convert) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(ROUNDS.c.id, ROUNDS.c.report)).all():
        bind.execute(ROUNDS.update().where(ROUNDS.c.id == row[0]).values(report=json.dumps(convert(json.loads(row[1])), ensure_ascii=False)))


def upgrade() -> None:
    _convert(screening_of)


def downgrade() -> None:
    from cek_integrasi.packs.rulepack import load_packs
    from cek_integrasi.screening.report import screening_in

    packs = {p.id: p for p in load_packs()}
    _convert(lambda screening: {lang: screening_in(screening, packs.get(screening['rule_pack']['id']), lang).model_dump(mode='json')
                                for lang in ('id', 'en')})
