"""Where backups go and what they are called: `shequ-20261204T203000Z.sqlite3`, UTC, oldest first by name."""
from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
_NAME = re.compile(r"^shequ-(\d{8}T\d{6}Z)(?:-(\d+))?(\.sqlite3|\.dump)$")
# Unfinished copies end so, never match _NAME, and are never counted or pruned as backups.
PARTIAL = ".partial"


def private_directory(directory: Path) -> Path:
    """The backup directory, made readable by the site's user only: backups hold households' records."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def new_path(directory: Path, now: datetime, suffix: str) -> Path:
    """A free name stamped with `now` (naive UTC); a second backup in the same second gets `-1`, `-2`…"""
    stem = f"shequ-{now:%Y%m%dT%H%M%SZ}"
    path, number = directory / f"{stem}{suffix}", 0
    while path.exists() or path.with_name(path.name + PARTIAL).exists():
        number += 1
        path = directory / f"{stem}-{number}{suffix}"
    return path


def _order(path: Path) -> tuple[str, int]:
    stamp, number, _ = _NAME.match(path.name).groups()
    return stamp, int(number or 0)


def backups_in(directory: Path, suffix: str) -> list[Path]:
    """This kind's backups in `directory`, oldest first; files of any other name are not ours."""
    if not directory.is_dir():
        return []
    found = [path for path in directory.iterdir()
             if path.is_file() and (match := _NAME.match(path.name)) and match.group(3) == suffix]
    return sorted(found, key=_order)


def prune(directory: Path, suffix: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of this kind; the deleted paths."""
    old = backups_in(directory, suffix)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def finish(partial: Path, final: Path) -> None:
    """Make a finished copy visible under its real name, only once it is entirely on disk."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.chmod(partial, 0o600)
    os.replace(partial, final)


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
