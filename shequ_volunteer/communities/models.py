"""The place hierarchy the site needs so far: a 街道 oversees several 社区."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Street(db.Model):
    """街道 (sub-district office)."""

    __tablename__ = "streets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class Community(db.Model):
    """社区, run by its 两委; every team, activity and account belongs to one."""

    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    name: Mapped[str] = mapped_column(String(60))
    # Shown on door cards and notices, with the hotline.
    address: Mapped[str] = mapped_column(String(120), default="", server_default="")
    hotline: Mapped[str] = mapped_column(String(20), default="")

    street: Mapped[Street | None] = relationship()
