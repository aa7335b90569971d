import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification

PASSWORD = "a-Strong-test-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    role = User.Role.OWNER
    language = "id"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

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


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "welcome"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Body text"
    url = "/catalogue/"
    email_status = Notification.EmailStatus.SKIPPED


# UMKM ----------------------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from mentoring.models import Mentorship  # noqa: E402
from umkm.models import Business, Category, Certification, Product  # noqa: E402


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    owner = factory.SubFactory(OwnerFactory)
    name = factory.Sequence(lambda n: f"Usaha Contoh {n}")
    slug = factory.Sequence(lambda n: f"usaha-contoh-{n}")
    legal_form = Business.LegalForm.UD
    nib = factory.Sequence(lambda n: f"{9120000000000 + n}")
    assets_idr = Decimal(300_000_000)
    annual_turnover_idr = Decimal(900_000_000)
    scale = Business.Scale.MICRO
    sector = Business.Sector.FOOD
    province = "Riau"
    city = "Pekanbaru"
    founded_year = 2016
    employees = 5
    description_id = "Usaha keripik nanas dari Pekanbaru."
    description_en = "Pineapple chips from Pekanbaru."


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name_id = factory.Sequence(lambda n: f"Kategori {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None


class SubCategoryFactory(CategoryFactory):
    parent = factory.SubFactory(CategoryFactory, is_food=True)
    is_food = True


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    business = factory.SubFactory(BusinessFactory)
    kind = Certification.Kind.HALAL
    number = factory.Sequence(lambda n: f"ID{n:08d}")
    issuer = "BPJPH"
    issued_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2024))
    expires_on = None
    verified_at = factory.LazyFunction(timezone.now)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    business = factory.SubFactory(BusinessFactory)
    category = factory.SubFactory(SubCategoryFactory)
    slug = factory.Sequence(lambda n: f"product-{n}")
    name_id = factory.Sequence(lambda n: f"Keripik nanas {n}")
    name_en = factory.Sequence(lambda n: f"Pineapple chips {n}")
    description_id = "Keripik nanas renyah."
    description_en = "Crispy pineapple chips."
    hs_code = "200899"
    unit = Product.Unit.PACK
    moq = 100
    price_idr = Decimal(25000)
    fob_usd = Decimal("2.10")
    capacity_per_month = 2000
    lead_time_days = 14
    incoterms = factory.LazyFunction(lambda: ["FOB"])
    port_of_loading = "Dumai"


class ListedProductFactory(ProductFactory):
    status = Product.Status.LISTED
    is_listed = True
    listed_at = factory.LazyFunction(timezone.now)


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(MentorFactory)
    business = factory.SubFactory(BusinessFactory)
    status = Mentorship.Status.ACTIVE
    started_at = factory.LazyFunction(timezone.now)


# Trainings -----------------------------------------------------------------------------

from datetime import timedelta  # noqa: E402

from mentoring.models import Registration, TrainingSession  # noqa: E402


class DoneSessionFactory(factory.django.DjangoModelFactory):
    """A training that took place last week."""

    class Meta:
        model = TrainingSession

    host = factory.SubFactory(MentorFactory)
    title = factory.Sequence(lambda n: f"Pelatihan pengemasan {n}")
    topic = "packaging"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(hours=1))
    mode = TrainingSession.Mode.OFFLINE
    venue = "Aula Disperindag Pekanbaru"
    city = "Pekanbaru"
    capacity = 20
    status = TrainingSession.Status.DONE


class AttendedRegistrationFactory(factory.django.DjangoModelFactory):
    """The business completed a training (counts for export readiness)."""

    class Meta:
        model = Registration

    session = factory.SubFactory(DoneSessionFactory)
    business = factory.SubFactory(BusinessFactory)
    attendee_name = factory.Faker("name")
    status = Registration.Status.ATTENDED


# Mentoring logs, inquiries and buying requests (the programme dashboard) -------------

from marketplace.models import BuyingRequest, Inquiry, Quote  # noqa: E402
from mentoring.models import MentoringLog  # noqa: E402


class MentoringLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringLog

    mentorship = factory.SubFactory(MentorshipFactory)
    date = factory.LazyFunction(timezone.localdate)
    mode = MentoringLog.Mode.VISIT
    duration_hours = Decimal("1.5")
    notes = "Membahas kemasan dan label bahasa Inggris."


class BackdatedFactory(factory.django.DjangoModelFactory):
    """``created_at=...`` dates the row (the field is ``auto_now_add``, so it is set after)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        created_at = kwargs.pop("created_at", None)
        instance = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=instance.pk).update(created_at=created_at)
            instance.created_at = created_at
        return instance


class InquiryFactory(BackdatedFactory):
    """A buyer's inquiry; pass ``created_at`` to date it (the field is auto_now_add)."""

    class Meta:
        model = Inquiry

    buyer = factory.SubFactory(BuyerFactory)
    business = factory.SubFactory(BusinessFactory)
    subject = factory.Sequence(lambda n: f"Inquiry {n}")
    quantity = 500
    unit = "pack"
    incoterm = "FOB"
    destination_country = "NL"


class BuyingRequestFactory(BackdatedFactory):
    """A buyer's request to many suppliers; ``created_at`` dates it."""

    class Meta:
        model = BuyingRequest

    buyer = factory.SubFactory(BuyerFactory)
    title = factory.Sequence(lambda n: f"Looking for pineapple chips {n}")
    description = "Retail packs, halal certified."
    category = factory.SubFactory(SubCategoryFactory)
    quantity = 1000
    unit = "pack"
    destination_country = "NL"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    request = factory.SubFactory(BuyingRequestFactory)
    business = factory.SubFactory(BusinessFactory)
    price_usd = Decimal("1.90")
    moq = 200
    lead_time_days = 21
    message = "We can supply this."
