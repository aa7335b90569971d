"""The IDOR matrix's registry, cast and checks (used by test_idor and test_web): every URL
that takes an id, a slug or a key, how to build Alice's object for it, and who may
reach it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cached_property

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from marketplace.models import (
    BuyingRequest,
    Inquiry,
    InquiryMessage,
    Quotation,
    QuotationLine,
    SampleRequest,
)
from mentoring.models import (
    ActionItem,
    MentoringLog,
    MentorProfile,
    Registration,
    SessionMaterial,
    TrainingSession,
)
from notifications.models import Notification
from outcomes.models import Baseline
from umkm.models import Certification, Product, ProductImage

from ..factories import (
    BaselineFactory,
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    CertificationFactory,
    FollowUpFactory,
    ListedProductFactory,
    MentorFactory,
    MentorshipFactory,
    OwnerFactory,
    PendingMentorFactory,
    ProductFactory,
    ShipmentFactory,
    StaffFactory,
)

# Who asks. "owner" is Alice: her business, products, papers, registrations and
# notifications. "mentor" is her business's active mentor (and the host of the
# trainings below), "buyer" the buyer who wrote to her and posted a buying request.
# The others have no part in these objects; "pending_mentor" even has an active
# mentorship with her business but is not approved yet.
ACTORS = [
    "anonymous",
    "owner",
    "bob",
    "mentor",
    "other_mentor",
    "pending_mentor",
    "buyer",
    "other_buyer",
    "staff",
]


# The first of these who may reach an object shows that its URL is right.
CONTROL_ORDER = ["owner", "mentor", "buyer", "staff", "bob", "other_mentor"]


# Unique strings put into the private fields; a page that shows one leaks the object.
M_BUSINESS = "Mrk-business-private"


M_PRODUCT = "Mrk-draft-product"


M_DOCUMENT = "Mrk-certificate-scan"


M_LOG = "Mrk-mentoring-notes"


M_ITEM = "Mrk-action-item"


M_DRAFT_SESSION = "Mrk-draft-training"


M_JOIN = "Mrk-join-room"


M_ATTENDEE = "Mrk-attendee-name"


M_MATERIAL_TITLE = "Mrk-material-title"


M_MATERIAL_FILE = "Mrk-material-content"


M_INQUIRY = "Mrk-inquiry-subject"


M_BUYER_MESSAGE = "Mrk-buyer-message"


M_ADVICE = "Mrk-advisor-message"


M_ATTACHMENT = "Mrk-supplier-attachment"


M_ADVICE_FILE = "Mrk-advisor-attachment"


M_REQUEST = "Mrk-buying-request"


M_NOTIFICATION = "Mrk-notification"


M_SHIPMENT = "Mrk-shipment-invoice"


def pdf_with(marker: str) -> ContentFile:
    """A small passive PDF whose bytes carry ``marker``."""
    return ContentFile(
        b"%PDF-1.4\n% " + marker.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )


class World:
    def __init__(self):
        self.owner = OwnerFactory(full_name="Alice Owner")
        self.bob = OwnerFactory(full_name="Bob Owner")
        self.mentor = MentorFactory(full_name="Maya Mentor")
        self.other_mentor = MentorFactory()
        self.pending_mentor = PendingMentorFactory()
        self.buyer = BuyerFactory()
        self.other_buyer = BuyerFactory()
        self.staff = StaffFactory()
        # Alice's business has no listed product: it is not a public supplier.
        self.business = BusinessFactory(owner=self.owner, name=M_BUSINESS)
        self.mentorship = MentorshipFactory(business=self.business, mentor=self.mentor)
        MentorshipFactory(business=self.business, mentor=self.pending_mentor)
        # Bob has a business with a listed product and a mentor of his own.
        self.bob_business = BusinessFactory(owner=self.bob)
        MentorshipFactory(business=self.bob_business, mentor=self.other_mentor)
        ListedProductFactory(business=self.bob_business)

    def user(self, actor: str):
        return getattr(self, actor)

    # umkm

    @cached_property
    def product(self) -> Product:
        product = ProductFactory(business=self.business, name_id=M_PRODUCT, name_en=M_PRODUCT)
        ProductImage.objects.create(
            product=product, image="products/x.jpg", width=10, height=10, alt_text=M_PRODUCT
        )
        return product

    @cached_property
    def submitted_product(self) -> Product:
        return ProductFactory(
            business=self.business,
            name_id=M_PRODUCT,
            name_en=M_PRODUCT,
            status=Product.Status.SUBMITTED,
        )

    @cached_property
    def image(self) -> ProductImage:
        return self.product.images.get()

    @cached_property
    def certification(self) -> Certification:
        certification = CertificationFactory(
            business=self.business, number=M_DOCUMENT, verified_at=None
        )
        certification.document.save("scan.pdf", pdf_with(M_DOCUMENT))
        return certification

    # mentoring

    @cached_property
    def mentor_profile(self) -> MentorProfile:
        return MentorProfile.objects.create(user=self.mentor, topics=["export"], capacity=5)

    @cached_property
    def log(self) -> MentoringLog:
        return MentoringLog.objects.create(
            mentorship=self.mentorship,
            date=timezone.localdate(),
            mode=MentoringLog.Mode.VISIT,
            duration_hours=1,
            notes=M_LOG,
        )

    @cached_property
    def action_item(self) -> ActionItem:
        return ActionItem.objects.create(
            mentorship=self.mentorship,
            log=self.log,
            title=M_ITEM,
            due_on=timezone.localdate() + timedelta(days=7),
        )

    def _session(self, **fields) -> TrainingSession:
        starts = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
        values = {
            "host": self.mentor,
            "title": "Pelatihan kemasan",
            "topic": "packaging",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "registration_deadline": starts - timedelta(hours=2),
            "mode": TrainingSession.Mode.HYBRID,
            "venue": "Aula Disperindag",
            "city": "Pekanbaru",
            "join_link": f"https://meet.example.com/{M_JOIN}",
            "capacity": 10,
            "status": TrainingSession.Status.PUBLISHED,
        }
        values.update(fields)
        return TrainingSession.objects.create(**values)

    @cached_property
    def draft_session(self) -> TrainingSession:
        return self._session(
            title=M_DRAFT_SESSION,
            description_id=M_DRAFT_SESSION,
            status=TrainingSession.Status.DRAFT,
        )

    @cached_property
    def session(self) -> TrainingSession:
        """Published; Alice's business has a seat, so she may see the join link."""
        return self._session()

    @cached_property
    def registration(self) -> Registration:
        return Registration.objects.create(
            session=self.session,
            business=self.business,
            attendee_name=M_ATTENDEE,
            status=Registration.Status.CONFIRMED,
        )

    @cached_property
    def material(self) -> SessionMaterial:
        self.registration  # noqa: B018 - Alice holds a seat
        material = SessionMaterial(session=self.session, title=M_MATERIAL_TITLE)
        material.file.save("slides.pdf", pdf_with(M_MATERIAL_FILE))
        return material

    @cached_property
    def attended(self) -> Registration:
        """A training that took place last week; Alice's attendee came."""
        starts = (timezone.now() - timedelta(days=7)).replace(second=0, microsecond=0)
        session = self._session(
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            registration_deadline=starts - timedelta(hours=1),
            status=TrainingSession.Status.DONE,
        )
        return Registration.objects.create(
            session=session,
            business=self.business,
            attendee_name=M_ATTENDEE,
            status=Registration.Status.ATTENDED,
        )

    # marketplace

    @cached_property
    def inquiry(self) -> Inquiry:
        """The buyer's thread with Alice's business: her reply carries an attachment,
        and her mentor left advice (with a file) that the buyer never sees."""
        inquiry = Inquiry.objects.create(
            buyer=self.buyer,
            business=self.business,
            subject=M_INQUIRY,
            quantity=500,
            unit="pack",
            incoterm="FOB",
            destination_country="NL",
        )
        InquiryMessage.objects.create(
            inquiry=inquiry, author=self.buyer, author_role="buyer", body=M_BUYER_MESSAGE
        )
        reply = InquiryMessage(
            inquiry=inquiry, author=self.owner, author_role="supplier", body="Terima kasih."
        )
        reply.attachment.save("quote.pdf", pdf_with(M_ATTACHMENT))
        advice = InquiryMessage(
            inquiry=inquiry, author=self.mentor, author_role="advisor", body=M_ADVICE
        )
        advice.attachment.save("advice.pdf", pdf_with(M_ADVICE_FILE))
        self.reply_message, self.advice_message = reply, advice
        return inquiry

    def _quotation(self, **fields) -> Quotation:
        quotation = Quotation.objects.create(
            inquiry=self.inquiry,
            business=self.business,
            round=Quotation.objects.filter(inquiry=self.inquiry).count() + 1,
            author=self.owner,
            incoterm="FOB",
            port="Dumai",
            valid_until=timezone.localdate() + timedelta(days=30),
            payment_term="tt_advance",
            lead_time_days=14,
            total_usd=Decimal("1000.00"),
            **fields,
        )
        QuotationLine.objects.create(
            quotation=quotation,
            position=1,
            description="Pineapple chips",
            quantity=500,
            unit="pack",
            unit_price_usd=Decimal("2.00"),
        )
        return quotation

    @cached_property
    def quotation(self) -> Quotation:
        """An accepted quotation of the thread, with its proforma invoice."""
        return self._quotation(status="accepted", proforma_year=2026, proforma_sequence=1)

    @cached_property
    def open_quotation(self) -> Quotation:
        """A quotation waiting for the buyer's answer."""
        return self._quotation(status="sent")

    @cached_property
    def sample(self) -> SampleRequest:
        return SampleRequest.objects.create(inquiry=self.inquiry, quantity=3)

    @cached_property
    def buying_request(self) -> BuyingRequest:
        """In a category where nobody lists anything: no supplier matches it."""
        return BuyingRequest.objects.create(
            buyer=self.buyer,
            title="Dried fruit",
            description=M_REQUEST,
            category=CategoryFactory(),
            quantity=1000,
            unit="kg",
            destination_country="NL",
            valid_until=timezone.localdate() + timedelta(days=30),
        )

    # outcomes

    @cached_property
    def baseline(self) -> Baseline:
        """Alice's baseline (the one a POST to her baseline page gave, if any)."""
        found = Baseline.objects.filter(business=self.business).first()
        return found or BaselineFactory(business=self.business)

    @cached_property
    def follow_up(self):
        return FollowUpFactory(business=self.business)

    @cached_property
    def shipment(self):
        document = pdf_with(M_SHIPMENT)
        document.name = "invoice.pdf"
        return ShipmentFactory(business=self.business, document=document)

    # notifications

    @cached_property
    def notification(self) -> Notification:
        return Notification.objects.create(
            recipient=self.owner, kind="welcome", title=M_NOTIFICATION, url="/umkm/dashboard/"
        )


EVERYONE = frozenset(ACTORS)


HER_SIDE = frozenset({"owner", "mentor", "staff"})  # business, products, papers, logs


HER_EDITORS = frozenset({"owner", "staff"})


HOST = frozenset({"mentor", "staff"})  # the training's host and staff


THREAD = frozenset({"buyer", "owner", "mentor", "staff"})


STAFF = frozenset({"staff"})


NOBODY = frozenset()


@dataclass(frozen=True)
class Case:
    """One object behind one URL.

    ``see``: who may get it with its private marker. ``reach``: who may get a 200 at
    all (default ``see``; a public page or a thread page without the advice).
    ``change``: who may change something with a POST (default ``see``).
    ``public``: everyone gets a 200, without the marker unless in ``see``.
    ``probe``: whether a refusal must equal the answer for a missing object;
    ``knows``: who knows the object exists anyway (the host of a draft training).
    """

    kwargs: Callable[[World], dict]
    methods: tuple[str, ...] = ("get",)
    see: frozenset = NOBODY
    reach: frozenset | None = None
    change: frozenset | None = None
    marker: str | None = None
    data: Callable[[World], dict] = field(default=lambda w: {})
    public: bool = False
    probe: bool = True
    knows: frozenset = NOBODY
    api: bool = False

    @property
    def reachers(self) -> frozenset:
        return EVERYONE if self.public else (self.reach or self.see) | self.see

    @property
    def changers(self) -> frozenset:
        return self.see if self.change is None else self.change


def _slug(attr):
    return lambda w: {"slug": getattr(w, attr).slug}


def _pk(attr, name="pk"):
    return lambda w: {name: getattr(w, attr).pk}


def _today(days=0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


REGISTRY: dict[str, list[Case]] = {
    # accounts, notifications
    "backoffice:mentor-approve": [Case(_pk("pending_mentor"), ("post",), see=STAFF)],
    "backoffice:inquiry-remind": [Case(_pk("inquiry"), ("post",), see=STAFF)],
    "backoffice:programme-export": [
        # Not an object id: the programme's tables, each for staff only.
        Case(
            lambda w: {"table": "mentors", "fmt": "csv"},
            see=STAFF,
            marker="Maya Mentor",
            probe=False,
        )
    ],
    "notifications:open": [
        Case(_pk("notification"), ("post",), see=frozenset({"owner"}), marker=M_NOTIFICATION)
    ],
    # umkm: Alice's business
    "umkm:business-detail": [Case(_slug("business"), see=HER_SIDE, marker=M_BUSINESS)],
    "umkm:business-edit": [
        Case(_slug("business"), ("get", "post"), see=HER_EDITORS, marker=M_BUSINESS)
    ],
    "umkm:business-verify": [Case(_slug("business"), ("post",), see=STAFF)],
    "umkm:certification-list": [
        Case(
            _slug("business"),
            ("get", "post"),
            see=HER_SIDE,
            change=HER_EDITORS,
            marker=M_BUSINESS,
            data=lambda w: {"kind": "halal", "number": "X-1", "issued_on": _today(-30)},
        )
    ],
    "umkm:product-list": [
        Case(lambda w: {"slug": w.product.business.slug}, see=HER_SIDE, marker=M_PRODUCT)
    ],
    "umkm:product-create": [Case(_slug("business"), ("get", "post"), see=HER_EDITORS)],
    "umkm:product-import": [Case(_slug("business"), ("get", "post"), see=HER_EDITORS)],
    "umkm:product-import-template": [Case(_slug("business"), see=HER_EDITORS)],
    "umkm:product-export": [
        Case(lambda w: {"slug": w.product.business.slug}, see=HER_SIDE, marker=M_PRODUCT)
    ],
    "umkm:certification-edit": [
        Case(_pk("certification"), ("get", "post"), see=HER_EDITORS, marker=M_DOCUMENT)
    ],
    "umkm:certification-delete": [Case(_pk("certification"), ("post",), see=HER_EDITORS)],
    "umkm:certification-document": [Case(_pk("certification"), see=HER_SIDE, marker=M_DOCUMENT)],
    "umkm:certification-verify": [Case(_pk("certification"), ("post",), see=STAFF)],
    "umkm:product-detail": [Case(_pk("product"), see=HER_SIDE, marker=M_PRODUCT)],
    "umkm:product-edit": [Case(_pk("product"), ("get", "post"), see=HER_EDITORS, marker=M_PRODUCT)],
    "umkm:product-images": [
        Case(_pk("product"), ("get", "post"), see=HER_EDITORS, marker=M_PRODUCT)
    ],
    "umkm:product-submit": [Case(_pk("product"), ("post",), see=HER_EDITORS)],
    "umkm:product-approve": [Case(_pk("submitted_product"), ("post",), see=HER_SIDE, change=HOST)],
    "umkm:product-request-changes": [
        Case(
            _pk("submitted_product"),
            ("post",),
            see=HER_SIDE,
            change=HOST,
            data=lambda w: {"comment": "Please add a photo of the label."},
        )
    ],
    "umkm:product-archive": [Case(_pk("product"), ("post",), see=HER_EDITORS)],
    "umkm:product-restore": [Case(_pk("product"), ("post",), see=HER_EDITORS)],
    "umkm:product-image-action": [
        Case(_pk("image"), ("post",), see=HER_EDITORS, data=lambda w: {"action": "delete"})
    ],
    # mentoring: the mentorship, its log and action items
    "mentoring:mentorship-request": [
        # Public to owners by design: any owner may write to an approved mentor.
        Case(
            lambda w: {"user_id": w.mentor_profile.user_id},
            ("get", "post"),
            see=frozenset({"owner", "bob"}),
            marker="Maya Mentor",
            data=lambda w: {"message": "Could you help us with export papers?"},
        )
    ],
    "mentoring:mentorship-detail": [
        Case(lambda w: {"pk": w.log.mentorship_id}, see=HER_SIDE, marker=M_LOG)
    ],
    "mentoring:mentorship-accept": [
        Case(_pk("mentorship"), ("post",), see=HER_SIDE, change=frozenset({"mentor"}))
    ],
    "mentoring:mentorship-decline": [
        Case(
            _pk("mentorship"),
            ("post",),
            see=HER_SIDE,
            change=frozenset({"mentor"}),
            data=lambda w: {"reason": "No room this month."},
        )
    ],
    "mentoring:mentorship-complete": [
        Case(_pk("mentorship"), ("post",), see=HER_SIDE, change=HOST)
    ],
    "mentoring:mentoring-log-create": [
        Case(
            lambda w: {"pk": w.log.mentorship_id},
            ("post",),
            see=HER_SIDE,
            change=HOST,
            marker=M_LOG,
            data=lambda w: {
                "date": _today(),
                "mode": "visit",
                "duration_hours": "1",
                "notes": "Written by someone else.",
            },
        )
    ],
    "mentoring:action-item-create": [
        Case(
            lambda w: {"pk": w.action_item.mentorship_id},
            ("post",),
            see=HER_SIDE,
            change=HOST,
            marker=M_ITEM,
            data=lambda w: {"title": "Someone else's item", "due_on": _today(7)},
        )
    ],
    "mentoring:action-item-done": [Case(_pk("action_item"), ("post",), see=HER_SIDE)],
    # mentoring: trainings hosted by Alice's mentor
    "mentoring:session-detail": [
        Case(_pk("draft_session"), see=HOST, marker=M_DRAFT_SESSION),
        # Published: public, but the join link only for the host, staff and Alice,
        # whose business holds a seat.
        Case(
            lambda w: {"pk": w.registration.session_id},
            see=HER_SIDE,
            marker=M_JOIN,
            public=True,
            probe=False,
        ),
    ],
    "mentoring:session-ics": [
        Case(_pk("draft_session"), marker=M_DRAFT_SESSION),
        Case(_pk("session"), marker=M_JOIN, public=True, probe=False),
    ],
    "mentoring:session-edit": [
        Case(_pk("draft_session"), ("get", "post"), see=HOST, marker=M_DRAFT_SESSION)
    ],
    "mentoring:session-publish": [Case(_pk("draft_session"), ("post",), see=HOST)],
    "mentoring:session-cancel": [
        Case(
            _pk("draft_session"),
            ("get", "post"),
            see=HOST,
            marker=M_DRAFT_SESSION,
            data=lambda w: {"reason": "The room is not free."},
        )
    ],
    "mentoring:session-done": [Case(_pk("draft_session"), ("post",), see=HOST)],
    "mentoring:session-materials": [
        Case(
            lambda w: {"pk": w.material.session_id},
            ("get", "post"),
            see=HOST,
            marker=M_MATERIAL_TITLE,
        )
    ],
    "mentoring:material-download": [Case(_pk("material"), see=HER_SIDE, marker=M_MATERIAL_FILE)],
    "mentoring:material-delete": [Case(_pk("material"), ("post",), see=HOST)],
    "mentoring:session-check-in": [
        Case(
            lambda w: {"pk": w.registration.session_id},
            ("get", "post"),
            see=HOST,
            marker=M_ATTENDEE,
            data=lambda w: {"code": w.registration.ticket_code},
        )
    ],
    "mentoring:session-register": [
        Case(
            _pk("draft_session"),
            ("get", "post"),
            see=STAFF,
            knows=frozenset({"mentor"}),  # the host, who cannot register a business
            marker=M_DRAFT_SESSION,
            data=lambda w: {"attendee_name": "Someone"},
        )
    ],
    "mentoring:registration-ticket": [Case(_pk("registration"), see=HER_SIDE, marker=M_ATTENDEE)],
    "mentoring:registration-cancel": [Case(_pk("registration"), ("post",), see=HER_SIDE)],
    "mentoring:registration-check-in": [Case(_pk("registration"), ("post",), see=HOST)],
    "mentoring:registration-check-in-undo": [Case(_pk("registration"), ("post",), see=HOST)],
    "mentoring:registration-feedback": [
        Case(
            _pk("attended"),
            ("get", "post"),
            see=frozenset({"owner"}),
            data=lambda w: {"rating": "5", "comment": "Good."},
        )
    ],
    "mentoring:registration-certificate": [Case(_pk("attended"), see=HER_SIDE)],
    "mentoring:session-month": [
        # The mentor's own month: other mentors get their own (empty) month.
        Case(
            lambda w: {
                "year": timezone.localtime(w.draft_session.starts_at).year,
                "month": timezone.localtime(w.draft_session.starts_at).month,
            },
            see=frozenset({"mentor"}),
            reach=frozenset({"mentor", "other_mentor"}),
            marker=M_DRAFT_SESSION,
            probe=False,
        )
    ],
    # marketplace: Alice's unlisted product and business are not public
    "marketplace:product": [Case(_slug("product"), marker=M_PRODUCT)],
    "marketplace:supplier": [Case(_slug("business"), marker=M_BUSINESS)],
    "marketplace:product-save": [Case(_slug("product"), ("post",))],
    "marketplace:inquiry-create-product": [
        Case(_slug("product"), ("get", "post"), marker=M_PRODUCT)
    ],
    "marketplace:inquiry-create-supplier": [
        Case(_slug("business"), ("get", "post"), marker=M_BUSINESS)
    ],
    # marketplace: the buyer's thread with Alice
    "marketplace:inquiry-detail": [
        Case(_pk("inquiry"), see=THREAD, marker=M_BUYER_MESSAGE),
        Case(_pk("inquiry"), see=HER_SIDE, reach=THREAD, marker=M_ADVICE),
    ],
    "marketplace:inquiry-reply": [
        Case(
            _pk("inquiry"),
            ("post",),
            see=THREAD,
            change=frozenset({"buyer", "owner", "mentor"}),
            marker=M_BUYER_MESSAGE,
            data=lambda w: {"body": "A message from someone else entirely."},
        )
    ],
    "marketplace:inquiry-outcome": [
        Case(
            _pk("inquiry"),
            ("post",),
            see=THREAD,
            change=frozenset({"owner"}),
            data=lambda w: {"outcome": "no_deal"},
        )
    ],
    "marketplace:inquiry-spam": [Case(_pk("inquiry"), ("post",), see=STAFF)],
    # marketplace: the deal pipeline of that thread
    "marketplace:sample-request": [
        Case(
            _pk("inquiry"),
            ("post",),
            see=THREAD,
            change=frozenset({"buyer"}),
            data=lambda w: {"quantity": "2"},
        )
    ],
    "marketplace:sample-sent": [
        Case(
            lambda w: {"pk": w.inquiry.pk, "sample_pk": w.sample.pk},
            ("post",),
            see=THREAD,
            change=frozenset({"owner"}),
            data=lambda w: {"courier": "DHL", "tracking_number": "X1"},
        )
    ],
    "marketplace:quotation-create": [
        Case(
            _pk("inquiry"),
            ("get", "post"),
            see=frozenset({"owner"}),
            # The other readers of the thread know it exists: they get 403 (not theirs
            # to write), everyone else the 404 of a missing thread.
            knows=frozenset({"buyer", "mentor", "staff"}),
            data=lambda w: {
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-description": "Pineapple chips",
                "lines-0-quantity": "100",
                "lines-0-unit": "pack",
                "lines-0-unit_price_usd": "2.00",
                "incoterm": "FOB",
                "port": "Dumai",
                "valid_until": _today(10),
                "payment_term": "tt_advance",
                "lead_time_days": "10",
            },
        )
    ],
    "marketplace:quotation-answer": [
        Case(
            lambda w: {"pk": w.inquiry.pk, "quotation_pk": w.open_quotation.pk},
            ("post",),
            see=THREAD,
            change=frozenset({"buyer"}),
            data=lambda w: {"action": "accept"},
        )
    ],
    "marketplace:quotation-proforma": [
        Case(lambda w: {"pk": w.inquiry.pk, "quotation_pk": w.quotation.pk}, see=THREAD)
    ],
    "marketplace:deal-close": [
        Case(
            _pk("inquiry"),
            ("post",),
            see=THREAD,
            change=frozenset({"owner"}),
            data=lambda w: {"result": "lost", "reason": "price"},
        )
    ],
    "marketplace:inquiry-attachment": [
        Case(
            lambda w: {"pk": w.inquiry.pk, "message_pk": w.reply_message.pk},
            see=THREAD,
            marker=M_ATTACHMENT,
        ),
        Case(
            lambda w: {"pk": w.inquiry.pk, "message_pk": w.advice_message.pk},
            see=HER_SIDE,
            marker=M_ADVICE_FILE,
        ),
    ],
    "marketplace:buying-request-detail": [
        Case(_pk("buying_request"), see=frozenset({"buyer", "staff"}), marker=M_REQUEST)
    ],
    "marketplace:quote-create": [
        # No supplier has a product in the request's category: nobody may quote.
        Case(
            _pk("buying_request"),
            ("get", "post"),
            marker=M_REQUEST,
            data=lambda w: {
                "price_usd": "2.00",
                "incoterm": "FOB",
                "moq": "100",
                "lead_time_days": "14",
                "message": "We can deliver this.",
            },
        )
    ],
    # API (session and token authentication)
    "api:product-detail": [Case(_slug("product"), marker=M_PRODUCT, api=True)],
    "api:supplier-detail": [Case(_slug("business"), marker=M_BUSINESS, api=True)],
    "api:training-detail": [
        Case(_pk("draft_session"), marker=M_DRAFT_SESSION, api=True),
        Case(_pk("session"), marker=M_JOIN, public=True, probe=False, api=True),
    ],
    "api:inquiry-detail": [
        Case(_pk("inquiry"), see=frozenset({"buyer"}), marker=M_INQUIRY, api=True)
    ],
    # outcomes: Alice's baseline, follow-up and shipment
    "outcomes:baseline": [
        Case(
            _slug("business"),
            ("get", "post"),
            see=HER_SIDE,
            change=HER_EDITORS,
            marker=M_BUSINESS,
            data=lambda w: {
                "revenue_band": "lt300m",
                "women_paid": "1",
                "men_paid": "1",
                "women_unpaid": "0",
                "men_unpaid": "0",
                "export_status": "never",
            },
        )
    ],
    "outcomes:baseline-history": [
        Case(lambda w: {"slug": w.baseline.business.slug}, see=STAFF, marker=M_BUSINESS)
    ],
    "outcomes:shipment-list": [Case(_slug("business"), see=HER_SIDE, marker=M_BUSINESS)],
    "outcomes:shipment-create": [
        Case(
            _slug("business"),
            ("get", "post"),
            see=frozenset({"owner", "mentor"}),
            marker=M_BUSINESS,
            data=lambda w: {"buyer_country": "NL", "value_usd": "10", "incoterm": "FOB"},
        )
    ],
    "outcomes:shipment-document": [Case(_pk("shipment"), see=HER_SIDE, marker=M_SHIPMENT)],
    "outcomes:shipment-review": [
        Case(_pk("shipment"), ("post",), see=STAFF, data=lambda w: {"action": "verify"})
    ],
    "outcomes:follow-up-phone": [
        Case(_pk("follow_up"), ("get", "post"), see=STAFF, marker=M_BUSINESS)
    ],
    "outcomes:report-file": [
        # Not an object id: the funders' report as a file, for staff only.
        Case(lambda w: {"fmt": "pdf"}, see=STAFF, probe=False)
    ],
}


# Routes with a path argument that identifies no private object, each with its reason.
PUBLIC_BY_DESIGN = {
    "django.contrib.sitemaps.views.sitemap": "sitemap sections list only public pages",
    "media": "public uploads (photos, logos) under random names; private files are "
    "in another store (test_security_web)",
    "mentoring:calendar-feed-ics": "the random token (32 bytes) is the credential",
    "account_confirm_email": "allauth: the emailed key is the credential",
    "account_reset_password_from_key": "allauth: the emailed key is the credential",
    "accounts:language-link": "the argument is a language code; only sets the language cookie",
    "outcomes:survey": "the signed, expiring token names the business; refused when expired, "
    "altered or used for another business (tests/outcomes/test_follow_ups.py)",
}


ADMIN_PREFIX = "admin/"  # every admin URL needs is_staff: test_admin_urls_need_staff


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # the route as written, e.g. "umkm/products/<int:pk>/"
    arguments: tuple[str, ...]


def _arguments(pattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(pattern.pattern.regex.groupindex)


def walk(resolver=None, prefix: str = "", namespace: str = "", inherited: tuple = ()):
    """Every URL pattern, with its full name (``namespace:name``), path and arguments
    (those captured by the includes above it too)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        arguments = inherited + _arguments(pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, route, inner, arguments)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Route(name or route, route, arguments)


def routes_with_arguments() -> list[Route]:
    return [route for route in walk() if route.arguments]


TRACKED_APPS = ("accounts", "umkm", "mentoring", "marketplace", "notifications")


IGNORED_FIELDS = {("accounts", "user", "last_login")}


def fingerprint() -> list:
    """Every row of the project's tables (and email addresses, API tokens)."""
    models = [m for m in apps.get_models() if m._meta.app_label in TRACKED_APPS]
    models += [EmailAddress, Token]
    rows = []
    for model in models:
        meta = model._meta
        names = [
            f.attname
            for f in meta.concrete_fields
            if (meta.app_label, meta.model_name, f.name) not in IGNORED_FIELDS
        ]
        rows.append((meta.label, list(model.objects.order_by("pk").values_list(*names))))
    return rows


def missing_kwargs(kwargs: dict) -> dict:
    return {
        key: "no-such-thing" if isinstance(value, str) else 987654321
        for key, value in kwargs.items()
    }


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


class Actors:
    """One signed-in client per person (and one per API token), made once per test."""

    def __init__(self, world: World):
        self.world = world
        self.clients: dict[str, Client] = {}

    def client(self, actor: str, *, token: bool = False) -> Client:
        key = f"{actor}:token" if token else actor
        if key not in self.clients:
            client = Client()
            if token:
                key_value = Token.objects.get_or_create(user=self.world.user(actor))[0].key
                client.defaults["HTTP_AUTHORIZATION"] = f"Token {key_value}"
            elif actor != "anonymous":
                client.force_login(self.world.user(actor))
            self.clients[key] = client
        return self.clients[key]


def request(client: Client, method: str, url: str, data: dict):
    return client.post(url, data) if method == "post" else client.get(url)


def check_refused(case: Case, actor, method, response, missing_response, url) -> None:
    where = f"{method.upper()} {url} as {actor}"
    status = response.status_code
    assert status != 500, where
    if case.public and method == "get":
        assert status == 200, f"{where}: a public page answered {status}"
    if actor in case.reachers or (method == "post" and actor in case.see):
        # May get the page (a thread without the advice, a public session, a form
        # re-shown after a refused POST), but without what only others may see.
        if case.marker and actor not in case.see:
            assert case.marker not in body(response), f"{where} leaks {case.marker}"
        return
    assert status in {302, 401, 403, 404, 405}, f"{where} answered {status}"
    if case.marker:
        assert case.marker not in body(response), f"{where} leaks {case.marker}"
    if case.probe and actor not in case.knows:
        assert missing_response.status_code == status, (
            f"{where}: {status} but {missing_response.status_code} for a missing object "
            "(ids can be probed)"
        )


def control(case: Case, actors: Actors, url: str, method: str) -> None:
    """Someone who may reach the object does: the URL really points at it."""
    allowed = case.see if method == "get" else case.changers
    actor = next((a for a in CONTROL_ORDER if a in allowed), None)
    if actor is None:
        return  # nobody may (an unlisted product): the refusals above are the test
    response = request(actors.client(actor), method, url, case.data(actors.world))
    where = f"control {method.upper()} {url} as {actor}"
    assert response.status_code not in {403, 404, 405, 500}, where
    if method == "get":
        assert response.status_code == 200, where
        if case.marker:
            assert case.marker in body(response), f"{where}: marker not shown"


def admin_urls() -> list[str]:
    urls = []
    for route in walk():
        if not route.path.startswith(ADMIN_PREFIX) or route.name == "admin:login":
            continue
        if route.name == "admin:app_list":
            urls.append(reverse("admin:app_list", kwargs={"app_label": "umkm"}))
        elif "(?P<url>" in route.path:
            urls.append("/admin/no-such-page/")
        else:
            assert "(?P" not in route.path, f"teach admin_urls about /{route.path}"
            urls.append("/" + re.sub(r"<(?:\w+:)?\w+>", "1", route.path))
    return urls
