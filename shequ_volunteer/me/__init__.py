"""我的: a person's own account — 我的资料, 我的信息 (what the site holds and its download), 注销.

Its own package because it reads and closes across every domain (sign-ups, teams, hours, pairings,
certificates, calendar links), which accounts, at the bottom of the house, must not import.
"""
