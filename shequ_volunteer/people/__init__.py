"""The people of a community as staff look after them: their pages, accounts opened, stopped and restarted."""
