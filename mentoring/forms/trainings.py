"""Forms of the training pages.

Times are typed in ``datetime-local`` inputs, which carry no zone: Django reads them in
the active time zone (the viewer's, set by ``accounts.middleware``) and the database
stores UTC; an existing session is shown back in the viewer's zone.
"""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bounds import MAX_SEATS
from core.uploads import clean_document_upload
from mentoring.models import MentorProfile, TrainingSession
from mentoring.services.trainings import SESSION_FIELDS
from umkm.models import Business

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        formfield_callback = _formfield
        fields = list(SESSION_FIELDS)
        widgets = {
            "description_id": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "starts_at": _datetime_input(),
            "ends_at": _datetime_input(),
            "registration_deadline": _datetime_input(),
            "capacity": forms.NumberInput(attrs={"min": 1, "max": MAX_SEATS}),
        }
        help_texts = {
            "join_link": _("Shown only to registered participants, never in the public calendar."),
            "starts_at": _("In your time zone."),
            "audience": _("Only my mentees: businesses with an active mentorship with you."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadline = self.fields["registration_deadline"]
        deadline.required = False
        deadline.help_text = _("Leave empty to keep registration open until the start.")
        for name in ("venue", "city"):
            self.fields[name].help_text = _("Needed for in-person and hybrid sessions.")

    def clean(self):
        """Form-only conveniences and the workflow's "in the future"; the schedule's
        bounds and order are the model's (``TrainingSession.clean``), shared by every
        door."""
        data = super().clean()
        starts = data.get("starts_at")
        deadline = data.get("registration_deadline")
        if starts and not deadline and "registration_deadline" not in self.errors:
            data["registration_deadline"] = starts
        new_start = self.instance.pk is None or "starts_at" in self.changed_data
        if starts and new_start and starts <= timezone.now():
            self.add_error("starts_at", _("The session must start in the future."))
        if data.get("mode") in (TrainingSession.Mode.OFFLINE, TrainingSession.Mode.HYBRID):
            if not (data.get("venue") or "").strip():
                self.add_error("venue", _("Give the venue of an in-person or hybrid session."))
            if not (data.get("city") or "").strip():
                self.add_error("city", _("Give the city of an in-person or hybrid session."))
        return data


class SessionFilterForm(forms.Form):
    """The public calendar's filters (GET)."""

    city = forms.ChoiceField(label=_("City"), required=False)
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        choices=[("", _("All topics")), *MentorProfile.Topic.choices],
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        required=False,
        choices=[("", _("Online and in person")), *TrainingSession.Mode.choices],
    )

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities")), *((c, c) for c in cities)]


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to everyone registered or on the waiting list."),
    )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_file(self):
        return clean_document_upload(self.cleaned_data["file"])


class RegistrationForm(forms.Form):
    attendee_name = forms.CharField(
        label=_("Name of the person who comes"),
        max_length=150,
        help_text=_("Appears on the ticket and the certificate of attendance."),
    )

    def __init__(self, *args, for_staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_staff:
            self.fields["business"] = forms.ModelChoiceField(
                label=_("Business"),
                queryset=Business.objects.active().order_by("name"),
            )
            self.order_fields(["business", "attendee_name"])


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=20,
        # At the door: the field is focused on every visit, so the host types the next
        # code straight after each check-in.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autofocus": True,
                "spellcheck": "false",
                "class": "input-code",
            }
        ),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the training?"),
        coerce=int,
        choices=[
            (1, _("1 – not useful")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 – very useful")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CertificateVerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("Printed on the certificate, e.g. ABCD-EFGH-JKLM-NPQR."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
