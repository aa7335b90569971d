"""Factories per app; ``from tests.factories import X`` finds every one of them."""

from .accounts import (
    PASSWORD,
    BuyerFactory,
    MentorFactory,
    OwnerFactory,
    PendingMentorFactory,
    StaffFactory,
    UserFactory,
)
from .marketplace import (
    BackdatedFactory,
    BuyingRequestFactory,
    InquiryFactory,
    QuoteFactory,
)
from .mentoring import (
    JOIN_LINK,
    SECRET,
    AttendedRegistrationFactory,
    DoneSessionFactory,
    DraftSessionFactory,
    MentoringLogFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PastSessionFactory,
    RegistrationFactory,
    TrainingSessionFactory,
)
from .notifications import (
    NotificationFactory,
    WhatsAppNumberFactory,
)
from .umkm import (
    BusinessFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    ProductFactory,
    SubCategoryFactory,
)

__all__ = [
    "JOIN_LINK",
    "PASSWORD",
    "SECRET",
    "AttendedRegistrationFactory",
    "BackdatedFactory",
    "BusinessFactory",
    "BuyerFactory",
    "BuyingRequestFactory",
    "CategoryFactory",
    "CertificationFactory",
    "DoneSessionFactory",
    "DraftSessionFactory",
    "InquiryFactory",
    "ListedProductFactory",
    "MentorFactory",
    "MentorProfileFactory",
    "MentoringLogFactory",
    "MentorshipFactory",
    "NotificationFactory",
    "OwnerFactory",
    "PastSessionFactory",
    "PendingMentorFactory",
    "ProductFactory",
    "QuoteFactory",
    "RegistrationFactory",
    "StaffFactory",
    "SubCategoryFactory",
    "TrainingSessionFactory",
    "UserFactory",
    "WhatsAppNumberFactory",
]
