from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import kinds_for

EMAIL, WHATSAPP, BOTH, IN_APP = "email", "whatsapp", "both", "none"
CHANNELS = {
    EMAIL: (True, False),
    WHATSAPP: (False, True),
    BOTH: (True, True),
    IN_APP: (False, False),
}


def _choice(email: bool, whatsapp: bool, *, with_whatsapp: bool) -> str:
    if not with_whatsapp:
        return EMAIL if email else IN_APP
    return next(key for key, value in CHANNELS.items() if value == (email, whatsapp))


class PreferencesForm(forms.Form):
    """Per kind of the person's role: email, WhatsApp, both, or the notification centre
    only (WhatsApp is offered once the person has a confirmed number)."""

    def __init__(
        self,
        *args,
        user,
        current: dict[str, tuple[bool, bool]],
        with_whatsapp: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.with_whatsapp = with_whatsapp
        options = [(EMAIL, _("Email"))]
        if with_whatsapp:
            options += [(WHATSAPP, _("WhatsApp")), (BOTH, _("Email and WhatsApp"))]
        options.append((IN_APP, _("Only here")))
        for kind in kinds_for(user):
            email, whatsapp = current.get(kind.key, (True, True))
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=options,
                widget=forms.RadioSelect,
                initial=_choice(email, whatsapp, with_whatsapp=with_whatsapp),
            )

    def email_by_kind(self) -> dict[str, bool]:
        """Without WhatsApp on the page: the email choice only (WhatsApp kept as is)."""
        return {key: self.cleaned_data[key] == EMAIL for key in self.fields}

    def channels_by_kind(self) -> dict[str, tuple[bool, bool]]:
        return {key: CHANNELS[self.cleaned_data[key]] for key in self.fields}


class WhatsAppNumberForm(forms.Form):
    number = forms.CharField(
        label=_("WhatsApp number"),
        max_length=30,
        help_text=_("For example 0812 3456 7890. We send a six-digit code to it by WhatsApp."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class WhatsAppCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from WhatsApp"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )
