"""The notices blueprint: 公告 pages and the team's work group settings (notices/routes.py gathers them)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notices", __name__)
