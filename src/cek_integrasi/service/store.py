"""The service's store: tables (SQLAlchemy 2), opening a database and bringing it to the latest schema.

A SQLite file in the data folder by default, PostgreSQL by URL. The schema is created and changed
only by the Alembic migrations in `migrations/`, run by `open_store`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from ..dossiers.model import TEKS_TERPANJANG

ROLES = ("admin", "supervisor", "facilitator")
SQLITE_NAME = "cek-integrasi.sqlite3"
TEKS = TEKS_TERPANJANG  # the longest text of a dossier: names of villages, kecamatan, kabupaten, documents' ids
NAME = 64  # the longest name of an account or label of an API token
TOKEN_PREFIX = "token:"  # who an API token acts as: this and its label
FILE_NAME = 255  # the longest name of an uploaded file, as a file system allows (views.common.upload_name)
KODE = 32  # the longest kecamatan code an admin may give
HEAD = "0011"  # the newest migration (a test holds it to Alembic's head): a store already at it is not migrated again


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)  # what changed since is shown at the next login
    scope: Mapped[list["UserKecamatan"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def kecamatan(self) -> list[str]:
        return sorted(s.kode for s in self.scope)


class UserKecamatan(Base):
    """A kecamatan a facilitator or supervisor works in (no row for a supervisor: the whole store)."""

    __tablename__ = "user_kecamatan"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kode: Mapped[str] = mapped_column(String(KODE), primary_key=True)


class LoginSession(Base):
    """A signed-in browser; the cookie holds a random token, the store only its sha256."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A token another system sends (Authorization: Bearer); the store keeps only its sha256.

    It acts with a role and kecamatan like an account's; a revoked token is refused from then on."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(NAME))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    kecamatan: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(NAME))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Kecamatan(Base):
    __tablename__ = "kecamatan"
    kode: Mapped[str] = mapped_column(String(KODE), primary_key=True)
    nama: Mapped[str] = mapped_column(String(TEKS))
    kabupaten: Mapped[str] = mapped_column(String(TEKS), default="")


class Blob(Base):
    """The bytes of an uploaded file, once per sha256, never changed or deleted by an upload."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Subject(Base):
    """A village or kecamatan dossier that has been submitted, pointing at its latest version."""

    __tablename__ = "subjects"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(TEKS))
    kecamatan: Mapped[str] = mapped_column(String(32), index=True)
    versions: Mapped[int] = mapped_column(Integer, default=0)
    latest_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # no foreign key: the two tables point at each other
    latest: Mapped["Submission | None"] = relationship(
        primaryjoin="foreign(Subject.latest_id) == Submission.id", viewonly=True
    )


class Submission(Base):
    """One version of a dossier: the file, who sent it and when, and its checked result."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("subjects.code"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kecamatan: Mapped[str] = mapped_column(String(32), index=True)
    filename: Mapped[str] = mapped_column(String(FILE_NAME))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    as_of: Mapped[dt.date] = mapped_column(Date)
    pack: Mapped[str] = mapped_column(String(100))
    pack_digest: Mapped[str] = mapped_column(String(64), default="")  # sha256 of the pack's files: a new pack makes the result stale
    waivers_digest: Mapped[str] = mapped_column(String(64), default="")  # of the waivers it was checked with
    verdict: Mapped[str | None] = mapped_column(String(32), nullable=True)
    errors: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    # the results are read one dossier at a time, never with the lists: loaded when asked for
    result: Mapped[str] = mapped_column(Text, deferred=True)  # the judgement (JSON) in no language: rendered when read
    village: Mapped[dict | None] = mapped_column(JSON, nullable=True, deferred=True)
    findings: Mapped[list["StoredFinding"]] = relationship(cascade="all, delete-orphan", lazy="select")


class StoredFinding(Base):
    """A finding of a submission, kept as columns so the dashboard can filter by rule and severity."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(Text)  # a kind and a dossier's own text: 'ba:' and a Berita Acara's id, 'tahap:' and a code


class ResultChange(Base):
    """What a re-check changed in the result of a version: dates, pack, verdict, counts, findings."""

    __tablename__ = "result_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    kecamatan: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    as_of_before: Mapped[dt.date] = mapped_column(Date)
    as_of_after: Mapped[dt.date] = mapped_column(Date)
    pack_before: Mapped[str] = mapped_column(String(100))
    pack_after: Mapped[str] = mapped_column(String(100))
    verdict_before: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verdict_after: Mapped[str | None] = mapped_column(String(32), nullable=True)
    errors_before: Mapped[int] = mapped_column(Integer)
    errors_after: Mapped[int] = mapped_column(Integer)
    warnings_before: Mapped[int] = mapped_column(Integer)
    warnings_after: Mapped[int] = mapped_column(Integer)
    appeared: Mapped[list] = mapped_column(JSON)  # [rule, subject, state] the result has now and had not
    gone: Mapped[list] = mapped_column(JSON)  # [rule, subject, state] it had and has no more


class AuditEntry(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(NAME + len(TOKEN_PREFIX)))  # an account's name, or TOKEN_PREFIX and a token's label
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class WaiverFile(Base):
    """A waiver file uploaded by an admin; active ones apply to the submissions that follow."""

    __tablename__ = "waiver_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(FILE_NAME))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    uploaded_by: Mapped[str] = mapped_column(String(NAME))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WaiverRequest(Base):
    """A waiver a facilitator asks for; an admin approves it (with its period) or rejects it.

    An approved request is a waiver as a waiver file holds one, the admin as its approver."""

    __tablename__ = "waiver_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), index=True)
    kecamatan: Mapped[str] = mapped_column(String(32), index=True)
    document: Mapped[str | None] = mapped_column(String(TEKS), nullable=True)  # a Berita Acara's id, a stage's code
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(NAME))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, approved, rejected
    decided_by: Mapped[str | None] = mapped_column(String(NAME), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    expires: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the last day it applies
    note: Mapped[str] = mapped_column(Text, default="")


class _OfDossier:
    """The columns of a row about one dossier: its code, and its kecamatan (what scopes the row)."""

    code: Mapped[str] = mapped_column(ForeignKey("subjects.code"), index=True)
    kecamatan: Mapped[str] = mapped_column(String(32), index=True)


class _Written:
    """Who wrote a row (an account, or TOKEN_PREFIX and a token's label) and when."""

    by: Mapped[str] = mapped_column(String(NAME + len(TOKEN_PREFIX)))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Evidence(_OfDossier, Base):
    """A scan or photo attached to a document of a dossier (dossiers/documents.py), kept as a blob.

    It belongs to the document's key and fingerprint, not to one version: every version whose document
    states the same facts shows it. A removed one stays, with who removed it, for the audit."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[str] = mapped_column(String(TEKS + 8))  # 'ba:' and a Berita Acara's id, 'kantor', ...
    fingerprint: Mapped[str] = mapped_column(String(64))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    thumbnail_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), nullable=True)  # of an image
    media_type: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(FILE_NAME))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(NAME + len(TOKEN_PREFIX)))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    removed_by: Mapped[str | None] = mapped_column(String(NAME + len(TOKEN_PREFIX)), nullable=True)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class VersionDocuments(Base):
    """The documents of a version (dossiers/documents.py), read from its file the first time they are asked for."""

    __tablename__ = "version_documents"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    documents: Mapped[list] = mapped_column(JSON)  # [key, kind, about, name, fingerprint] of each


class ReviewStep(_OfDossier, _Written, Base):
    """A step of a dossier's review: its status before and after, who took it and when, the note.

    A dossier's review status is the status after its last step if that step was taken on its latest
    version, else draf (review.py): a new version starts its review again without a row written."""

    __tablename__ = "review_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    status_before: Mapped[str] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


class DocumentReview(_OfDossier, _Written, Base):
    """A reviewer's judgement of a document against its evidence: it matches (sesuai) or not (tidak_sesuai, with a note).

    Like evidence it belongs to the document's key and fingerprint: a new version whose document states the
    same facts keeps it. `evidence_seen`: the newest evidence of the document the reviewer saw."""

    __tablename__ = "document_reviews"
    __table_args__ = (UniqueConstraint("code", "document", "fingerprint"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[str] = mapped_column(String(TEKS + 8))
    fingerprint: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_seen: Mapped[int] = mapped_column(Integer)


class FindingNote(_OfDossier, _Written, Base):
    """A note on a finding of a dossier (its rule and subject), written on a version; shown while the finding stays."""

    __tablename__ = "finding_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)


class ScreeningRound(Base):
    """A screening of the kabupaten's villages on a date: of an uploaded roster, or of the store's latest villages."""

    __tablename__ = "screening_rounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(NAME))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(FILE_NAME))  # the roster's file name, or "" for the store's villages
    roster_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), nullable=True)
    report: Mapped[str] = mapped_column(Text, deferred=True)  # the screening (JSON) in no language: rendered when read


class Setting(Base):
    """The kabupaten's checking options (as_of, complete), set by an admin."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


def database_url(data: Path, url: str | None = None) -> str:
    """The URL given (postgresql:// goes through psycopg 3), or the SQLite file in the data folder."""
    if url:
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    return f"sqlite:///{(data / SQLITE_NAME).resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=FULL")  # a committed submission survives a power cut
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine, revision: str = "head", direction: str = "upgrade") -> None:
    """Bring the database to the latest schema (or `revision`; down to it with direction "downgrade") with
    the Alembic migrations of this package.

    On SQLite a migration changes a column by copying its table and dropping the old one: with foreign
    keys enforced, that drop would fail for a table others refer to (or cascade deletes), so they are
    off while the migrations run (as SQLite's own procedure for schema changes says) and every foreign
    key is checked before the changes are committed.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction: inside one it does nothing
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                getattr(command, direction)(config, revision)
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def revision(engine: Engine) -> str | None:
    """The store's schema revision as Alembic recorded it (None: a new store)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


class Store:
    """The database: `reading()` for pages, `connect()` for the column rows every page reads, `writing()` for
    changes (one transaction each).

    On SQLite a change takes the write lock when it begins (BEGIN IMMEDIATE), so two changes never
    read the same version number; pages read a snapshot and never wait. On PostgreSQL a change
    locks the rows it reads (SELECT ... FOR UPDATE) and the unique (code, version) guards the rest.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        if revision(self.engine) != HEAD:  # Alembic is imported only when there is something to migrate
            migrate(self.engine)
        self.sqlite = url.startswith("sqlite")
        writer = self.engine
        if self.sqlite:
            writer = make_engine(url)
            event.listen(writer, "connect", _no_implicit_transactions)
            event.listen(writer, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
        self.writer = writer
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    def reading(self) -> Session:
        return self._read()

    def connect(self) -> Connection:
        """A plain connection for reading column rows where a session's object bookkeeping costs more than
        the query (what runs on every request)."""
        return self.engine.connect()

    def writing(self) -> Session:
        """A session whose `begin()` is one transaction: use `with store.writing() as s, s.begin():`."""
        return self._write()

    def describe(self) -> str:
        """The store as the about page shows it, without a password."""
        return make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()
        self.writer.dispose()


def _no_implicit_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN IMMEDIATE itself
