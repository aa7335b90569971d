from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from mentoring import selectors
from mentoring.models import MAX_LOG_HOURS, MAX_MENTEES, MIN_LOG_HOURS, MentoringLog, MentorProfile
from mentoring.readiness.selectors import ACTION_ITEM_KEYS
from umkm.models import Business, Product


class MentorProfileForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Expertise topics"),
        choices=MentorProfile.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Owners find you by these topics."),
    )

    class Meta:
        model = MentorProfile
        fields = ["topics", "bio_id", "bio_en", "organisation", "city", "capacity", "is_paused"]
        widgets = {
            "bio_id": forms.Textarea(attrs={"rows": 4}),
            "bio_en": forms.Textarea(attrs={"rows": 4}),
            "capacity": forms.NumberInput(attrs={"min": 0, "max": MAX_MENTEES}),
        }


class DirectoryFilterForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", _("All topics")), *MentorProfile.Topic.choices],
        required=False,
    )


class MentorshipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Your message to the mentor"),
        help_text=_("What does your business need help with?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        help_text=_("The owner reads this and can then ask another mentor."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        profile = obj.mentor_profile
        return _("%(name)s (%(free)s of %(capacity)s places free)") % {
            "name": obj.get_full_name(),
            "free": obj.free_capacity,
            "capacity": profile.capacity,
        }


class AssignForm(forms.Form):
    business = forms.ModelChoiceField(
        label=_("Business"), queryset=Business.objects.active().order_by("name")
    )
    mentor = MentorChoiceField(label=_("Mentor"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = selectors.mentors_for_assignment()


class MentoringLogForm(forms.ModelForm):
    """Its values' bounds (a date that is not in the future, 0.1 to 24 hours) are the
    model's, shared with the admin and the services."""

    class Meta:
        model = MentoringLog
        fields = ["date", "mode", "duration_hours", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "duration_hours": forms.NumberInput(
                attrs={"step": "0.1", "min": str(MIN_LOG_HOURS), "max": str(MAX_LOG_HOURS)}
            ),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=200)
    due_on = forms.DateField(
        label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_("Optional: the product this is about."),
    )
    readiness_key = forms.ChoiceField(
        label=_("Readiness gap"),
        choices=[("", _("None")), *ACTION_ITEM_KEYS],
        required=False,
        help_text=_("Optional: the item closes by itself when this checklist item is done."),
    )

    def __init__(self, *args, business: Business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = business.products.exclude(
            status=Product.Status.ARCHIVED
        ).order_by("name_id")
