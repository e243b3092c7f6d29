"""志愿服务记录证明: service-hours certificates and their public verification (routes on reports.bp)."""
