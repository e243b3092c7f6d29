"""The 街道 administrator's pages: the 街道, its communities, their staff and the 街道's viewers."""
