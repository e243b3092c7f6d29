"""Statistics and ledgers computed from the records (汇报, 台账, 志愿服务记录证明)."""
