"""Uploaded files kept only while their preview needs them: in the instance folder, under a random name,
bound to the staff member and community that uploaded them, gone after the import or after an hour.

No Flask and no database: the folder and `now` are given. Each upload is two files, `<token>.json` (who,
which community, kind, the file's own name, when) and the bytes, `<token>.upload`; confirming renames the
bytes to `<token>.importing` first (atomic: of two confirms at once only one gets it), then deletes them
and writes the import's summary into the .json, so a second click on 确认导入 finds it.
"""
from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

KEPT_FOR = timedelta(hours=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


def folder_of(app) -> Path:
    """Where an app keeps uploads: its IMPORT_FOLDER, else imports/ in its instance folder."""
    return Path(app.config.get("IMPORT_FOLDER") or Path(app.instance_path) / "imports")


@dataclass(frozen=True)
class Upload:
    token: str
    user_id: int
    community_id: int
    kind: str
    file_name: str  # as the person's computer named it: shown, and its extension read; never a path here
    uploaded_at: datetime
    folder: Path
    summary: dict | None = None  # set once the import was confirmed

    @property
    def path(self) -> Path:
        return self.folder / f"{self.token}.upload"

    @property
    def importing_path(self) -> Path:
        return self.folder / f"{self.token}.importing"

    @property
    def _record(self) -> Path:
        return self.folder / f"{self.token}.json"


def save(folder: Path, source: BinaryIO, *, user_id: int, community_id: int, kind: str, file_name: str,
         now: datetime) -> Upload:
    """Copy the uploaded bytes under a new random name; the caller has bounded their size (MAX_CONTENT_LENGTH)."""
    folder.mkdir(parents=True, exist_ok=True)
    upload = Upload(secrets.token_urlsafe(18), user_id, community_id, kind, _plain_name(file_name), now, folder)
    with open(upload.path, "xb") as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)
    _write_record(upload)
    return upload


def _plain_name(file_name: str) -> str:
    """The last part of what the browser sent, without control characters, at most 100 characters."""
    name = re.split(r"[\\/]", file_name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-100:] or "名单"


def _write_record(upload: Upload) -> None:
    record = {"user_id": upload.user_id, "community_id": upload.community_id, "kind": upload.kind,
              "file_name": upload.file_name, "uploaded_at": upload.uploaded_at.isoformat(), "summary": upload.summary}
    temporary = upload.folder / f"{upload.token}.json.new"
    temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, upload._record)  # never a half-written record


def _read(folder: Path, token: str) -> Upload | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        record = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        return Upload(token, int(record["user_id"]), int(record["community_id"]), str(record["kind"]),
                      str(record["file_name"]), datetime.fromisoformat(record["uploaded_at"]), folder,
                      record.get("summary"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def find(folder: Path, token: str, *, user_id: int, community_id: int, now: datetime) -> Upload | None:
    """The upload of this person in this community, if it is still kept; None for anyone else's or an expired one."""
    upload = _read(folder, token)
    if upload is None or (upload.user_id, upload.community_id) != (user_id, community_id):
        return None
    if now - upload.uploaded_at > KEPT_FOR:
        discard(upload)
        return None
    return upload


def claim(upload: Upload) -> bool:
    """Take the file for importing; False when another request took it first (or it is gone)."""
    try:
        os.rename(upload.path, upload.importing_path)
    except FileNotFoundError:
        return False
    return True


def give_back(upload: Upload) -> None:
    """The import did not happen: the file is there to preview and confirm again."""
    os.rename(upload.importing_path, upload.path)


def finish(upload: Upload, summary: dict) -> Upload:
    """The import happened: the file is deleted, its summary kept (for a second click) until the hour is over."""
    done = Upload(upload.token, upload.user_id, upload.community_id, upload.kind, upload.file_name,
                  upload.uploaded_at, upload.folder, summary)
    _write_record(done)
    upload.importing_path.unlink(missing_ok=True)
    return done


def discard(upload: Upload) -> None:
    for path in (upload.path, upload.importing_path, upload._record):
        path.unlink(missing_ok=True)


def sweep(folder: Path, now: datetime) -> int:
    """Delete every upload older than KEPT_FOR (and stray files of a record that is gone); how many uploads went."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        token = path.name.split(".", 1)[0]
        upload = _read(folder, token)
        if upload is not None:
            if now - upload.uploaded_at > KEPT_FOR and upload._record.exists():
                discard(upload)
                removed += 1
        else:  # no readable record (a crash between the two writes): by the file's age
            try:
                written = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
            except FileNotFoundError:
                continue
            if now - written > KEPT_FOR:
                path.unlink(missing_ok=True)
    return removed
