"""The switches of 我的消息 in 我的资料: the kinds a person may switch off, ticked while they reach them."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms.widgets import CheckboxInput, ListWidget

from ..web.forms import BaseForm, MultiChoiceField, choices
from .kinds import KINDS


class MessageSettingsForm(BaseForm):
    """`shown`: the kinds offered to this person (kinds.switchable_for); any other is refused."""

    kept_on = MultiChoiceField("接收这些消息（不勾选就不再收到）",
                               widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def __init__(self, *args, shown: Iterable[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_on.choices = choices([(name, KINDS[name].label) for name in shown])
