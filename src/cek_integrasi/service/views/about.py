"""The about page: the version, the rule packs and the store the service runs with."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import func, select

from ..access import ANY, allow
from ..runtime import service
from ..store import Blob, Submission
from ..submissions import options
from .common import page

blueprint = Blueprint("about", __name__)


@blueprint.get("/tentang")
@allow(*ANY)
def about():
    with service().store.reading() as db:
        submissions = db.scalar(select(func.count(Submission.id)))
        files = db.scalar(select(func.count(Blob.sha256)))
    return page("svc_about.html.j2", packs=service().packs, store_url=service().store.describe(), submissions=submissions, files=files,
                ctx=options(service().store))
