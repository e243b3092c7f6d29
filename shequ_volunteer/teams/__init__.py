"""Volunteer teams (志愿者队伍) and their members."""
