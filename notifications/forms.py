from django import forms

from . import kinds


class PreferencesForm(forms.Form):
    """One checkbox per kind: send this kind by email too."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in kinds.choices():
            self.fields[key] = forms.BooleanField(
                label=label, required=False, initial=current.get(key, True)
            )

    def email_by_kind(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(key)) for key, _label in kinds.choices()}
