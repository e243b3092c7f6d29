"""Activities (活动) and sign-ups (报名)."""
