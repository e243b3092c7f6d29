"""The one way a use case says no.

Every service raises `Refused` when it will not do what was asked; `web.htmx.answer_refusal`
is the one way a view answers it. Any domain may import this module: it knows no Flask.
"""
from __future__ import annotations


class Refused(Exception):
    """The action did not happen; `message` says why, in plain Chinese for the person.

    `field` names the form field the message belongs next to (a form field's name, e.g.
    "helper_phones") when the person can fix it by changing what they typed; it is None when
    the refusal is about the state of things (already decided, full, too late), which no input
    would change. The view answers 422 with the message by the field in the first case, 409 with
    the message over the refreshed page in the second.

    The caller must roll the session back: a refused action may have written part of its work.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# What each database-enforced rule means to the person, by constraint or index name. A model module
# registers its own constraints (`refuse_violation`), next to where it declares them; `database.py`
# turns an IntegrityError naming one of them into this Refused, so a lost race reads exactly like the
# sequential check that would have said no.
VIOLATIONS: dict[str, tuple[str, str | None]] = {}


def refuse_violation(constraint_name: str, message: str, field: str | None = None) -> None:
    """Say which refusal a violation of `constraint_name` is (the same words as the check before it)."""
    VIOLATIONS[constraint_name] = (message, field)


def refusal_for(constraint_name: str | None) -> Refused | None:
    """The Refused a violation of `constraint_name` stands for, or None when it is not one we expect."""
    known = VIOLATIONS.get(constraint_name or "")
    return Refused(*known) if known else None
