"""The outbox: every message that leaves the site (group robots now, SMS later), stored, then delivered by a job."""
