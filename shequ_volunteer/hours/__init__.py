"""Volunteer service hours (服务时长): from attendance, corrected by leaders, 补录 approved by staff."""
