"""公告: notices staff post to the community and leaders to their team or to one activity's people."""
