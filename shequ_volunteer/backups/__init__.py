"""Backups: a consistent copy of the whole database while the site keeps serving, and its restore.

SQLite is copied with its online backup API from one read transaction; PostgreSQL with pg_dump from a
snapshot exported by one repeatable-read transaction. Either way the row counts reported with a backup are
read in the very snapshot the copy is made from, so a restore can be checked against them.
"""
