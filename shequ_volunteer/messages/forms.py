"""The switches of 我的消息 in 我的资料: the kinds a person may switch off, ticked while they reach them."""
from __future__ import annotations

from wtforms.widgets import CheckboxInput, ListWidget

from ..web.forms import BaseForm, MultiChoiceField, choices
from .kinds import KINDS, SWITCHABLE


class MessageSettingsForm(BaseForm):
    kept_on = MultiChoiceField("接收这些消息（不勾选就不再收到）",
                               choices=choices([(name, KINDS[name].label) for name in SWITCHABLE]),
                               widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
