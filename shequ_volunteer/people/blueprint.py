"""The people blueprint; people/routes.py imports every view module adding routes to it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("people", __name__)
