"""The real app, except that a team's work group may point at a local test robot (http://127.0.0.1:<port>, see
robot_server.py): for browser journeys that paste its address into the settings page of a server under gunicorn."""
from __future__ import annotations

from shequ_volunteer import create_app

app = create_app({"OUTBOX_ALLOW_LOCAL_WEBHOOKS": True})
