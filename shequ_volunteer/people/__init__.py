"""The people of a community as staff look after them: their pages (/people), accounts opened (one-time
codes, entered at /account/code), passwords reset, accounts stopped and restarted (lifecycle)."""
