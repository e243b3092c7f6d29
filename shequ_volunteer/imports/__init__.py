"""Bringing a community's own Excel/CSV lists in: residents, team members and households (导入)."""
