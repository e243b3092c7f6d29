"""Scheduled work: `flask --app wsgi run-jobs` — reminders, digests, alerts and outbox delivery, each job
instance claimed once (kind, object, Beijing day) in the transaction of the messages it sends."""
