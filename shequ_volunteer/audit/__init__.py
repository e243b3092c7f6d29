"""操作记录: an append-only record of every administrative change, written with the change."""
