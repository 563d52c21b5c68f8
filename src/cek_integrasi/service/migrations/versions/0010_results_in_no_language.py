"""One result column: a version's judgement in no language (`result`) instead of its Indonesian and English
texts (`result_id`, `result_en`); a screening round's reports by language in one column (`report`).

A result stored before has no values to render its messages from: it becomes a judgement whose findings
and steps carry the texts they held in both languages (`texts`, `labels`), which evaluation/localize.py
shows as they were; their pack digest is cleared, so they are stale and the next re-check (`server
recheck`, or the server's own at its start) judges them again. Downgrading renders every result in
Indonesian and English with the installed packs.

Revision ID: 0010
Revises: 0009
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SUBMISSIONS = sa.table('submissions', sa.column('id', sa.Integer), sa.column('result', sa.Text), sa.column('pack_digest', sa.String),
                       sa.column('result_id', sa.Text), sa.column('result_en', sa.Text))
ROUNDS = sa.table('screening_rounds', sa.column('id', sa.Integer), sa.column('report', sa.Text),
                  sa.column('report_id', sa.Text), sa.column('report_en', sa.Text))
TEXTS = ('title', 'message', 'remediation', 'place')
KEPT = ('rule', 'state', 'severity', 'reference', 'subject', 'path', 'line', 'waiver')


def judgement_of(by_lang: dict[str, dict]) -> dict:
    """A judgement holding the texts of a result written in each language (the same judgement, in the same order)."""
    first = by_lang['id']
    judged = {k: v for k, v in first.items() if k not in ('findings', 'next_steps', 'timeline')}
    judged['findings'] = [
        {**{k: f.get(k) for k in KEPT}, 'place': None, 'values': {},
         'texts': {lang: {k: result['findings'][i].get(k) for k in TEXTS} for lang, result in by_lang.items()}}
        for i, f in enumerate(first['findings'])
    ]
    for part in ('next_steps', 'timeline'):
        judged[part] = [{**{k: v for k, v in step.items() if k != 'label'},
                         'labels': {lang: result[part][i]['label'] for lang, result in by_lang.items()}}
                        for i, step in enumerate(first[part])]
    return judged


def _move(table, old: tuple[str, str], new: str, convert) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c[old[0]], table.c[old[1]])).all()
    for row in rows:
        bind.execute(table.update().where(table.c.id == row[0]).values({new: convert(row[1], row[2])}))


def upgrade() -> None:
    for name, new, old in (('submissions', 'result', ('result_id', 'result_en')), ('screening_rounds', 'report', ('report_id', 'report_en'))):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column(new, sa.Text(), nullable=False, server_default=''))
    _move(SUBMISSIONS, ('result_id', 'result_en'), 'result',
          lambda id_, en: json.dumps(judgement_of({'id': json.loads(id_), 'en': json.loads(en)}), ensure_ascii=False))
    op.get_bind().execute(SUBMISSIONS.update().values(pack_digest=''))  # stale: re-checked into a judgement with values
    _move(ROUNDS, ('report_id', 'report_en'), 'report',
          lambda id_, en: json.dumps({'id': json.loads(id_), 'en': json.loads(en)}, ensure_ascii=False))
    for name, new, old in (('submissions', 'result', ('result_id', 'result_en')), ('screening_rounds', 'report', ('report_id', 'report_en'))):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column(new, server_default=None)
            for column in old:
                batch_op.drop_column(column)


def downgrade() -> None:
    from cek_integrasi.evaluation.localize import localize
    from cek_integrasi.packs.rulepack import load_packs

    packs = {p.id: p for p in load_packs()}
    for name, new, old in (('submissions', 'result', ('result_id', 'result_en')), ('screening_rounds', 'report', ('report_id', 'report_en'))):
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column in old:
                batch_op.add_column(sa.Column(column, sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    for row in bind.execute(sa.select(SUBMISSIONS.c.id, SUBMISSIONS.c.result)).all():
        judged = json.loads(row[1])
        shown = {lang: localize(judged, packs.get(judged['pack']), lang).model_dump_json() for lang in ('id', 'en')}
        bind.execute(SUBMISSIONS.update().where(SUBMISSIONS.c.id == row[0]).values(result_id=shown['id'], result_en=shown['en']))
    for row in bind.execute(sa.select(ROUNDS.c.id, ROUNDS.c.report)).all():
        reports = json.loads(row[1])
        bind.execute(ROUNDS.update().where(ROUNDS.c.id == row[0]).values(
            report_id=json.dumps(reports['id'], ensure_ascii=False), report_en=json.dumps(reports.get('en') or reports['id'], ensure_ascii=False)))
    for name, new, old in (('submissions', 'result', ('result_id', 'result_en')), ('screening_rounds', 'report', ('report_id', 'report_en'))):
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column in old:
                batch_op.alter_column(column, server_default=None)
            batch_op.drop_column(new)
