"""Compliance over time: week by week, per kecamatan and for the whole scope, the villages counted,
those without errors (their share) and the counts by verdict.

A village's state at the end of a week is that of its latest version submitted by then, as it stood
then: the result it was stored with, changed by each re-check recorded before that moment
(`ResultChange`). Weeks run Monday to Sunday (UTC, as the store's times), from the week of the first
submission to the week of `today`, at most `MAX_WEEKS` of them (the latest).
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from .queries import VERDICTS
from .scoping import limited, run_scoped, scoped_statements
from .store import ResultChange, Subject, Submission, utcnow

MAX_WEEKS = 60
SETTLED = dt.timedelta(minutes=1)  # after a week began, when what was stored in the week before is committed


@dataclass
class Week:
    start: dt.date  # the Monday
    kecamatan: str | None  # None: the whole scope
    villages: int = 0
    without_errors: int = 0
    verdicts: Counter = field(default_factory=Counter)

    @property
    def share(self) -> float | None:
        return self.without_errors / self.villages if self.villages else None


@dataclass
class Progress:
    weeks: list[dt.date]
    rows: dict[str | None, list[Week]]  # kecamatan code (None: the whole scope) -> a Week per week

    @property
    def kecamatan(self) -> list[str]:
        return sorted(k for k in self.rows if k is not None)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly(db: Session | Connection, scope: frozenset[str] | None, today: dt.date) -> Progress:
    """The compliance of the villages in scope, week by week up to the week of `today`."""
    query = (select(Submission.id, Submission.code, Submission.kecamatan, Submission.submitted_at, Submission.errors, Submission.verdict)
             .join(Subject, Subject.code == Submission.code).where(Subject.kind == "desa"))
    changes_query = select(ResultChange.submission_id, ResultChange.at, ResultChange.errors_before, ResultChange.errors_after,
                           ResultChange.verdict_before, ResultChange.verdict_after).order_by(ResultChange.id)
    query, changes_query = limited(query, Submission.kecamatan, scope), limited(changes_query, ResultChange.kecamatan, scope)
    submissions = db.execute(query).all()
    if not submissions:
        return Progress([], {})
    changes = defaultdict(list)
    for change in db.execute(changes_query):
        changes[change.submission_id].append(change)
    # per village: its versions in time, each with the times its state changed and the states
    villages: dict[str, list[tuple[dt.datetime, list[dt.datetime], list[tuple[int, str | None]]]]] = defaultdict(list)
    kecamatan_of = {}
    for s in submissions:
        own = changes.get(s.id, [])
        first = (own[0].errors_before, own[0].verdict_before) if own else (s.errors, s.verdict)
        times = [s.submitted_at] + [c.at for c in own]
        states = [first] + [(c.errors_after, c.verdict_after) for c in own]
        villages[s.code].append((s.submitted_at, times, states))
        kecamatan_of[s.code] = s.kecamatan
    for versions in villages.values():
        versions.sort(key=lambda v: v[0])
    last = _monday(today)
    start = max(_monday(min(s.submitted_at for s in submissions).date()), last - dt.timedelta(weeks=MAX_WEEKS - 1))
    weeks = [start + dt.timedelta(weeks=i) for i in range((last - start).days // 7 + 1)]
    rows: dict[str | None, list[Week]] = {k: [Week(w, k) for w in weeks] for k in [None, *set(kecamatan_of.values())]}
    for code, versions in villages.items():
        submitted = [v[0] for v in versions]
        for i, monday in enumerate(weeks):
            end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time())
            n = bisect.bisect_left(submitted, end)
            if n == 0:
                continue  # not submitted yet
            _, times, states = versions[n - 1]
            errors, verdict = states[bisect.bisect_left(times, end) - 1]
            for key in (None, kecamatan_of[code]):
                week = rows[key][i]
                week.villages += 1
                week.without_errors += errors == 0
                week.verdicts[verdict or "-"] += 1
    return Progress(weeks, rows)


_THIS_WEEK = scoped_statements(
    select(Submission.kecamatan, Submission.verdict, Submission.errors, func.count())
    .select_from(Subject).join(Submission, Submission.id == Subject.latest_id).where(Subject.kind == "desa")
    .group_by(Submission.kecamatan, Submission.verdict, Submission.errors),
    Subject.kecamatan,
)


def this_week(db: Session | Connection, scope: frozenset[str] | None, monday: dt.date) -> dict[str | None, Week]:
    """The week of `monday` as it stands now, per kecamatan and for the whole scope (None): each village at
    its latest version with its current result, which is what `weekly` finds for the week not over yet."""
    weeks: dict[str | None, Week] = {None: Week(monday, None)}
    for kecamatan, verdict, errors, villages in run_scoped(db, _THIS_WEEK, scope):
        for key in (None, kecamatan):
            week = weeks.setdefault(key, Week(monday, key))
            week.villages += villages
            week.without_errors += villages if errors == 0 else 0
            week.verdicts[verdict or "-"] += villages
    return weeks


class WeeklyCache:
    """The weekly progress for the overview, whose weeks gone by are worked out once per scope and week.

    `weekly` reads every version in scope, and the store changes with every upload. But an upload or
    a re-check is stored with the time it happens: it changes only the week not over yet, which
    `this_week` counts from the latest versions alone. The weeks before are kept (for the 64 latest
    scopes) until a new week begins; they would change only if a version or a re-check were dated in
    the past, which the service never does (`server restore` runs with the server stopped). In the
    first minute of a week they are not kept: a change dated just before midnight may not be committed yet."""

    def __init__(self, size: int = 64):
        self.size = size
        self._kept: OrderedDict[tuple, Progress] = OrderedDict()
        self._lock = threading.Lock()

    def weekly(self, db: Session | Connection, scope: frozenset[str] | None, today: dt.date) -> Progress:
        monday = _monday(today)
        key = (scope, monday)
        with self._lock:
            past = self._kept.get(key)
            if past is not None:
                self._kept.move_to_end(key)
        if past is None:
            past = weekly(db, scope, monday - dt.timedelta(days=1))
            if utcnow() >= dt.datetime.combine(monday, dt.time()) + SETTLED:
                with self._lock:
                    self._kept[key] = past
                    while len(self._kept) > self.size:
                        self._kept.popitem(last=False)
        now = this_week(db, scope, monday)
        if not past.weeks and now[None].villages == 0:
            return Progress([], {})
        weeks = (past.weeks + [monday])[-MAX_WEEKS:]
        dropped = len(past.weeks) + 1 - len(weeks)
        rows = {k: past.rows.get(k, [Week(w, k) for w in past.weeks])[dropped:] + [now.get(k, Week(monday, k))]
                for k in {*past.rows, *now}}
        return Progress(weeks, rows)


def table(progress: Progress, names: dict[str, str]) -> tuple[list[str], list[list]]:
    """The weekly table as the dashboard and the XLSX sheet show it: header and rows (shares as fractions)."""
    header = ["week", "villages", "without_errors", "share", *VERDICTS, *(f"{names.get(k, k)} ({k})" for k in progress.kecamatan)]
    body = []
    for i, monday in enumerate(progress.weeks):
        whole = progress.rows[None][i]
        body.append([monday, whole.villages, whole.without_errors, whole.share, *(whole.verdicts[v] for v in VERDICTS),
                     *(progress.rows[k][i].share for k in progress.kecamatan)])
    return header, body
