"""WSGI entry point: `gunicorn wsgi:app`."""
from shequ_volunteer import create_app

app = create_app()
