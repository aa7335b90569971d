"""Users in every role (the password is ``PASSWORD``; the email is verified unless
``verified=False``)."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User

PASSWORD = "a-Strong-test-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    role = User.Role.OWNER
    language = "id"

    # Hashed as the row is built (no second UPDATE); ``password=`` passes another one.
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary email address unless ``verified=False``."""
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class OwnerFactory(UserFactory):
    role = User.Role.OWNER


class MentorFactory(UserFactory):
    role = User.Role.MENTOR
    mentor_approved_at = factory.LazyFunction(timezone.now)


class PendingMentorFactory(UserFactory):
    role = User.Role.MENTOR
    mentor_approved_at = None


class BuyerFactory(UserFactory):
    role = User.Role.BUYER
    language = "en"


class StaffFactory(UserFactory):
    role = ""
    is_staff = True
