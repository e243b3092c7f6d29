"""Pairing (结对帮扶): households in need and the helpers who visit them."""
