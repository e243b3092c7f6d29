"""Nothing destructive in one tap: such a POST first answers what it will do, and acts only when confirmed.

Without JavaScript the answer is a page; for htmx it is a fragment swapped in place of the panel that
asked, whose confirm button posts again to the same place. Either way the second POST carries
`confirmed=1`, the CSRF token and whatever the first one posted.
"""
from __future__ import annotations

from flask import Response, request

from .htmx import render_page, swap_target_id

CONFIRMED_FIELD = "confirmed"


def confirmed() -> bool:
    """Did the person press the confirm button (not only the first one)?"""
    return request.form.get(CONFIRMED_FIELD) == "1"


def ask_to_confirm(question: str, consequence: str, confirm_label: str, back_url: str) -> Response:
    """Say exactly what will happen, with a confirm button and a 返回 link; nothing has changed yet."""
    kept = [(name, value) for name, value in request.form.items(multi=True)
            if name not in ("csrf_token", CONFIRMED_FIELD)]
    return render_page("confirm.html", "confirmation", question=question, consequence=consequence,
                       confirm_label=confirm_label, back_url=back_url, action=request.full_path.rstrip("?"),
                       target=swap_target_id(), kept=kept)
