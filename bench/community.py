"""The benchmarks' large community and where their databases live (shared by run.py and growth.py)."""
from __future__ import annotations

import re
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB_URL = "postgresql://postgres@127.0.0.1:5432/{name}"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

# Full-size community. signups_per_activity is capped by each activity's random
# capacity (None, 10 … 50) inside seed_community; (20, 40) gives ~115,000 rows.
# members_per_team=(200, 400): ~2,300 volunteers, so each helper has 1–6 of the 2,000
# households (most 1–3), as in a real community, not ~25 as with the demo's 8–25 per team.
SIZES = dict(residents=20_000, activities=5_000, signups_per_activity=(20, 40), days_back=30, days_ahead=150,
             members_per_team=(200, 400), households=2_000, visits=55_000)


def sizes_for(history_days: int) -> dict:
    """SIZES with `history_days` behind today: activities keep their rate per day (5,000 over 30 + 150 days),
    visits grow linearly to ~221,000 at two years (issue 15: 730 days = ~24,000 activities, ~555,000
    sign-ups, ~221,000 visits, what a busy community accumulates)."""
    ahead = SIZES["days_ahead"]
    return {**SIZES, "days_back": history_days,
            "activities": round(SIZES["activities"] * (history_days + ahead) / (SIZES["days_back"] + ahead)),
            "visits": round(SIZES["visits"] * (history_days + 200) / (SIZES["days_back"] + 200))}
