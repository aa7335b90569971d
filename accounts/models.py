import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import PyCheckConstraint


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class UserQuerySet(models.QuerySet):
    def approved_mentors(self):
        """Mentors staff approved whose accounts are active (paused ones included)."""
        return self.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=False, is_active=True)

    def mentors_awaiting_approval(self):
        return self.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=True, is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address.

    Owners, mentors and buyers pick their role at sign-up; Disperindag staff are
    ``is_staff`` users (their role may stay empty). Mentors start unapproved.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("UMKM owner")
        MENTOR = "mentor", _("Mentor")
        BUYER = "buyer", _("Buyer")

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Indonesian")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        blank=True,
        help_text=_("Staff accounts may leave this empty."),
    )
    language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Jakarta",
        validators=[validate_timezone],
        help_text=_("Times are shown in this zone, e.g. Asia/Jakarta."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Disperindag officers: may use the staff dashboard and the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)
    mentor_approved_at = models.DateTimeField(_("mentor approved at"), null=True, blank=True)
    mentor_approved_by = models.ForeignKey(
        "self",
        verbose_name=_("mentor approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            PyCheckConstraint(
                condition=Q(role__in=["", "owner", "mentor", "buyer"]),
                name="user_role_valid",
            ),
            PyCheckConstraint(
                condition=Q(language__in=["id", "en"]),
                name="user_language_valid",
            ),
            PyCheckConstraint(
                condition=Q(mentor_approved_at__isnull=True) | Q(role="mentor"),
                name="user_only_mentors_are_approved",
            ),
        ]
        indexes = [
            # The staff queue "mentors awaiting approval" filters on these.
            models.Index(
                fields=["role"],
                name="user_mentor_pending_idx",
                condition=Q(role="mentor", mentor_approved_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("home")

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0].split("@")[0]

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER

    @property
    def is_mentor(self) -> bool:
        return self.role == self.Role.MENTOR

    @property
    def is_buyer(self) -> bool:
        return self.role == self.Role.BUYER

    @property
    def is_approved_mentor(self) -> bool:
        return self.is_mentor and self.mentor_approved_at is not None

    @property
    def is_pending_mentor(self) -> bool:
        return self.is_mentor and self.mentor_approved_at is None

    def landing_url(self) -> str:
        """Where this person lands after signing in."""
        if self.is_staff:
            return reverse("backoffice:staff-dashboard")
        return {
            self.Role.OWNER: reverse("umkm:dashboard"),
            self.Role.MENTOR: reverse("mentoring:dashboard"),
            self.Role.BUYER: reverse("marketplace:catalogue"),
        }.get(self.role, reverse("accounts:profile"))
