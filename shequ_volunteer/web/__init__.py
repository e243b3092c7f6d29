"""Web plumbing shared by every blueprint."""
