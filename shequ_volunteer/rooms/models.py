"""A room of the community that activities book."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    capacity: Mapped[int]
    equipment: Mapped[str] = mapped_column(String(200), default="")
