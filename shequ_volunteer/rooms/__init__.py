"""Rooms (活动室, 多功能厅, 广场 …) and their bookings by activities."""
