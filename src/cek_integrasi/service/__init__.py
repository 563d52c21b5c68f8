"""The kabupaten service: facilitators submit dossiers, supervisors follow progress, in a browser.

`app.create_app` builds the Flask application (blueprints in `views/`) and its service object
(`runtime.py`: the store, `store.py`, SQLAlchemy 2, migrated by Alembic from `migrations/`; the
checking pool; the caches), which the views reach with `runtime.service()`. Uploads are checked by the same pipeline as
`cek-integrasi check`, in worker processes under limits (`checking.py`), and kept with their
history (`submissions.py`). See docs/service.md.
"""
