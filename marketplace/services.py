"""Writes of the marketplace: inquiries (RFQ to one supplier) and their threads, buying
requests (RFQ to many) and quotes, and the hourly job that reminds and closes.

Every notification is written in the transaction of the event that causes it
(``notification_create``); its email leaves after commit.

Who reads what in a thread: the buyer, the business's owner (as supplier) and its
ACTIVE mentors (as advisors), and staff (moderation, read-only). Advisory messages are
for the owner and the mentors only: the buyer never sees them, and they do not move
the thread's ``last_message_at`` (which the buyer sees in their inbox order).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from allauth.account.utils import has_verified_email
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.validators import MinLengthValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.bounds import MAX_LEAD_TIME_DAYS, MAX_PRICE_USD, MAX_QUANTITY
from core.idempotency import AlreadySubmitted, check_replay, first_wins
from mentoring.selectors import active_mentors_of, is_active_mentor
from notifications.models import Notification
from notifications.services import notification_create
from umkm.models import Business, Category, Product

from .countries import COUNTRY_NAMES
from .models import (
    BUYING_REQUEST_DEFAULT_QUOTES,
    INCOTERM_CHOICES,
    INQUIRY_MAX_QUANTITY,
    INQUIRY_MAX_TARGET_PRICE_USD,
    INQUIRY_MIN_TARGET_PRICE_USD,
    LOST_REASON_CHOICES,
    MAX_DEAL_VALUE_USD,
    MAX_QUOTATION_LINES,
    MAX_QUOTATION_ROUNDS,
    MAX_QUOTATION_VALID_DAYS,
    MAX_SAMPLE_QUANTITY,
    MSG_DEAL_TOTAL,
    MSG_INQUIRY_QUANTITY,
    MSG_INQUIRY_TARGET_PRICE,
    MSG_SAMPLE_QUANTITY,
    MSG_UNIT_PRICE,
    OPENING_MESSAGE_MIN_LENGTH,
    BuyerProfile,
    BuyingRequest,
    Inquiry,
    InquiryMessage,
    PaymentTerm,
    Quotation,
    QuotationLine,
    Quote,
    SampleRequest,
    ShortlistItem,
)
from .selectors import (
    FINAL_OUTCOMES,
    REMIND_UNANSWERED_AFTER,
    STAFF_REMINDER_KEY,
    public_businesses,
    public_products,
)

logger = logging.getLogger(__name__)

INQUIRIES_PER_HOUR = 10
MESSAGES_PER_HOUR = 60  # one author's messages in all threads, whatever the door
BUYING_REQUESTS_PER_DAY = 5
BUYING_REQUEST_MAX_DAYS = 180
EXCERPT_CHARS = 600

MSG_UNVERIFIED = _(
    "Please confirm your email address first: open the link we emailed you (or send it "
    "again from your account page). Then you can contact suppliers."
)
MSG_RATE_LIMIT = _(
    "You have sent %(limit)s inquiries in the last hour. Please wait a little before "
    "sending the next one."
)
MSG_REQUEST_LIMIT = _(
    "You have posted %(limit)s buying requests in the last 24 hours. Please wait before "
    "posting another one."
)
MSG_NOT_AVAILABLE = _("This supplier or product is not available for inquiries.")
MSG_CLOSED_THREAD = _("This conversation is closed; no new messages can be added.")
MSG_EMPTY = _("Write a message.")
MSG_MESSAGE_LIMIT = _(
    "You have written %(limit)s messages in the last hour. Please wait a little before "
    "writing the next one."
)
MSG_REQUEST_CLOSED = _("This buying request is closed; quotes are no longer accepted.")
MSG_ALREADY_QUOTED = _("Your business has already sent a quote for this buying request.")
MSG_REQUEST_FULL = _(
    "This buying request has received the %(count)s quotes it takes; no more quotes are accepted."
)


# Helpers -----------------------------------------------------------------------------


def buyer_can_send(*, user) -> bool:
    """A signed-in, active buyer whose account email address is confirmed."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_buyer
        and has_verified_email(user, user.email)
    )


def _check_buyer(buyer: User) -> None:
    if not (buyer.is_authenticated and buyer.is_buyer and buyer.is_active):
        raise PermissionDenied
    if not has_verified_email(buyer, buyer.email):
        raise ValidationError(MSG_UNVERIFIED, code="unverified")


def _lock_user(user: User) -> None:
    """Serialise one person's writes that count their own earlier writes (rate limits)."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def inquiry_role_for(*, inquiry: Inquiry, user) -> str | None:
    """How ``user`` takes part in the thread: an ``InquiryMessage.Role`` or None."""
    if not user.is_authenticated:
        return None
    if user.pk == inquiry.buyer_id:
        return InquiryMessage.Role.BUYER
    if user.pk == inquiry.business.owner_id:
        return InquiryMessage.Role.SUPPLIER
    if is_active_mentor(user=user, business=inquiry.business):
        return InquiryMessage.Role.ADVISOR
    if user.is_staff:
        return InquiryMessage.Role.STAFF
    return None


def buyer_display_name(buyer: User) -> str:
    try:
        profile = buyer.buyer_profile
    except BuyerProfile.DoesNotExist:
        return buyer.get_full_name()
    return f"{buyer.get_full_name()}, {profile.company}"


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _unit_label(unit: str):
    return dict(Product.Unit.choices).get(unit, unit)


def _validate_terms(
    *,
    quantity: int,
    unit: str,
    incoterm: str,
    destination_country: str,
    target_price_usd: Decimal | None = None,
) -> None:
    """The terms of an inquiry, whichever door it came through (the bounds and their
    message are ``marketplace.models``'s, which the form and the API also show)."""
    errors = {}
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= INQUIRY_MAX_QUANTITY
    ):
        errors["quantity"] = ValidationError(MSG_INQUIRY_QUANTITY, code="range")
    if target_price_usd is not None and (
        not isinstance(target_price_usd, Decimal)
        or not target_price_usd.is_finite()
        or not INQUIRY_MIN_TARGET_PRICE_USD <= target_price_usd <= INQUIRY_MAX_TARGET_PRICE_USD
    ):
        errors["target_price_usd"] = ValidationError(MSG_INQUIRY_TARGET_PRICE, code="range")
    if unit not in dict(Product.Unit.choices):
        errors["unit"] = _("Choose a unit from the list.")
    if incoterm not in dict(INCOTERM_CHOICES):
        errors["incoterm"] = _("Choose an Incoterm from the list.")
    if destination_country not in COUNTRY_NAMES:
        errors["destination_country"] = _("Choose a country from the list.")
    if errors:
        raise ValidationError(errors)


def _check_values(instance, *, exclude: list[str]) -> None:
    """The model's own value rules (bounds, lengths, choices) before anything is written,
    with its messages: the same at every door, and not the database's refusal."""
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _opening_message(message: str) -> str:
    """The first message of an inquiry or a quote: not empty, and at least a sentence
    (the forms' own minimum and message, so every door refuses alike)."""
    body = (message or "").strip()
    if not body:
        raise ValidationError({"message": MSG_EMPTY})
    try:
        MinLengthValidator(OPENING_MESSAGE_MIN_LENGTH)(body)
    except ValidationError as error:
        raise ValidationError({"message": error.error_list}) from None
    return body


def _status_without_spam(inquiry: Inquiry) -> str:
    if inquiry.outcome in FINAL_OUTCOMES:
        return Inquiry.Status.CLOSED
    if inquiry.first_reply_at is not None:
        return Inquiry.Status.REPLIED
    return Inquiry.Status.OPEN


def _new_message(
    *,
    inquiry: Inquiry | None,
    author: User,
    role: str,
    body: str,
    attachment: File | None,
    idempotency_key: str = "",
) -> InquiryMessage:
    """An unsaved message whose attachment is already in the private storage.

    Called before the transaction: an upload (to object storage, seconds) must not hold
    the row locks, nor on SQLite the database's only write lock.
    """
    message = InquiryMessage(
        inquiry=inquiry,
        author=author,
        author_role=role,
        body=body,
        idempotency_key=idempotency_key,
    )
    if attachment:
        message.attachment.save(attachment.name, attachment, save=False)
    return message


class _DeleteFileOnError:
    """A stored attachment must not outlive a transaction that rolled back."""

    def __init__(self) -> None:
        self.message: InquiryMessage | None = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and self.message is not None and self.message.attachment:
            try:
                self.message.attachment.storage.delete(self.message.attachment.name)
            except Exception:
                logger.warning("Could not delete orphaned attachment", exc_info=True)
        return False


# Inquiries ---------------------------------------------------------------------------


def inquiry_create(
    *,
    buyer: User,
    business: Business,
    product: Product | None = None,
    quantity: int,
    unit: str,
    incoterm: str,
    destination_country: str,
    message: str,
    target_price_usd: Decimal | None = None,
    destination_port: str = "",
    attachment: File | None = None,
    idempotency_key: str = "",
) -> Inquiry:
    """A verified buyer's inquiry and its first message, both or neither.

    At most ``INQUIRIES_PER_HOUR`` per buyer, counted in the database under a lock on
    the buyer's row, so parallel requests and several web processes cannot exceed it.
    The owner and the business's active mentors are notified.

    Only suppliers and products the site shows can be asked (``public_businesses()``,
    ``public_products()``, as the supplier and product pages): anything else is refused
    with one message, whether it is hidden or not that supplier's.

    Sent again with the same ``idempotency_key``, it writes and notifies nothing and
    raises ``AlreadySubmitted`` with the first inquiry (``core.idempotency``).
    """
    _check_buyer(buyer)
    if not public_businesses().filter(pk=business.pk).exists():
        raise ValidationError(MSG_NOT_AVAILABLE, code="unavailable")
    if (
        product is not None
        and not public_products().filter(pk=product.pk, business_id=business.pk).exists()
    ):
        raise ValidationError(MSG_NOT_AVAILABLE, code="unavailable")
    _validate_terms(
        quantity=quantity,
        unit=unit,
        incoterm=incoterm,
        destination_country=destination_country,
        target_price_usd=target_price_usd,
    )
    body = _opening_message(message)
    subject = (product.name_en or product.name_id) if product else business.name
    earlier = Inquiry.objects.filter(buyer=buyer)

    def same(inquiry: Inquiry) -> bool:
        first = inquiry.messages.order_by("created_at", "id").values_list("body", flat=True)
        return (
            inquiry.business_id,
            inquiry.product_id,
            inquiry.quantity,
            inquiry.unit,
            inquiry.incoterm,
            inquiry.destination_country,
            inquiry.destination_port,
            inquiry.target_price_usd,
            first.first(),
        ) == (
            business.pk,
            product.pk if product else None,
            quantity,
            unit,
            incoterm,
            destination_country,
            destination_port.strip(),
            target_price_usd,
            body,
        )

    guard = _DeleteFileOnError()
    guard.message = first = _new_message(
        inquiry=None, author=buyer, role=InquiryMessage.Role.BUYER, body=body, attachment=attachment
    )
    with guard, transaction.atomic():
        _lock_user(buyer)
        check_replay(earlier, idempotency_key, same=same)
        since = timezone.now() - timedelta(hours=1)
        recent = Inquiry.objects.filter(
            buyer=buyer, created_at__gte=since, quote__isnull=True
        ).count()
        if recent >= INQUIRIES_PER_HOUR:
            raise ValidationError(
                MSG_RATE_LIMIT, code="rate_limited", params={"limit": INQUIRIES_PER_HOUR}
            )
        with first_wins(earlier, idempotency_key, same=same):
            inquiry = Inquiry.objects.create(
                buyer=buyer,
                business=business,
                product=product,
                subject=subject[:200],
                quantity=quantity,
                unit=unit,
                target_price_usd=target_price_usd,
                incoterm=incoterm,
                destination_country=destination_country,
                destination_port=destination_port.strip(),
                last_message_at=timezone.now(),
                idempotency_key=idempotency_key,
            )
        first.inquiry = inquiry
        first.save()
        destination = COUNTRY_NAMES[destination_country]
        context = {
            "buyer": buyer_display_name(buyer),
            "country": destination,
            "business": business.name,
            "subject": inquiry.subject,
            "quantity": quantity,
            "unit": _unit_label(unit),
            "incoterm": incoterm,
            "destination": (
                format_lazy("{}, {}", inquiry.destination_port, destination)
                if inquiry.destination_port
                else destination
            ),
            "excerpt": _excerpt(body),
        }
        for recipient in [business.owner, *active_mentors_of(business)]:
            notification_create(
                recipient=recipient,
                kind="inquiry_received",
                context=context,
                url=inquiry.get_absolute_url(),
            )
    return inquiry


def inquiry_message_create(
    *,
    inquiry: Inquiry,
    author: User,
    body: str,
    attachment: File | None = None,
    idempotency_key: str = "",
) -> InquiryMessage:
    """A message in a thread, from the buyer, the owner (supplier) or an active mentor
    (advice: seen by the owner and the mentors only).

    The row is locked while the first supplier reply is recorded, so two parallel
    replies cannot both count as first. The other side is notified: the buyer when the
    supplier writes, the owner when the buyer writes or a mentor advises. Nobody is told
    about a buyer's message in a thread marked as spam. The same ``idempotency_key``
    again raises ``AlreadySubmitted`` with the first message.
    """
    role = inquiry_role_for(inquiry=inquiry, user=author)
    if role not in (
        InquiryMessage.Role.BUYER,
        InquiryMessage.Role.SUPPLIER,
        InquiryMessage.Role.ADVISOR,
    ):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": MSG_EMPTY})
    # The length limit holds for every door (web form, API, WhatsApp reply).
    InquiryMessage._meta.get_field("body").run_validators(body)
    earlier = InquiryMessage.objects.filter(inquiry=inquiry, author=author)

    def same(message: InquiryMessage) -> bool:
        return message.body == body

    guard = _DeleteFileOnError()
    guard.message = message = _new_message(
        inquiry=inquiry,
        author=author,
        role=role,
        body=body,
        attachment=attachment,
        idempotency_key=idempotency_key,
    )
    with guard, transaction.atomic():
        locked = (
            Inquiry.objects.select_for_update()
            .select_related("business__owner", "buyer")
            .get(pk=inquiry.pk)
        )
        check_replay(earlier, idempotency_key, same=same)
        if locked.status == Inquiry.Status.CLOSED:
            raise ValidationError(MSG_CLOSED_THREAD, code="closed")
        if locked.status == Inquiry.Status.SPAM and role != InquiryMessage.Role.BUYER:
            raise PermissionDenied  # hidden from the supplier side meanwhile
        since = timezone.now() - timedelta(hours=1)
        if (
            InquiryMessage.objects.filter(author=author, created_at__gte=since).count()
            >= MESSAGES_PER_HOUR
        ):
            raise ValidationError(
                MSG_MESSAGE_LIMIT, code="rate_limited", params={"limit": MESSAGES_PER_HOUR}
            )
        message.inquiry = locked
        with first_wins(earlier, idempotency_key, same=same):
            message.save()
        now = timezone.now()
        fields = []
        if role != InquiryMessage.Role.ADVISOR:
            locked.last_message_at = now
            fields.append("last_message_at")
        if role == InquiryMessage.Role.SUPPLIER and locked.first_reply_at is None:
            locked.first_reply_at = now
            fields.append("first_reply_at")
        if role == InquiryMessage.Role.SUPPLIER and locked.status == Inquiry.Status.OPEN:
            locked.status = Inquiry.Status.REPLIED
            fields.append("status")
        if fields:
            locked.save(update_fields=fields)

        url = locked.get_absolute_url()
        excerpt = _excerpt(body)
        if role == InquiryMessage.Role.SUPPLIER:
            notification_create(
                recipient=locked.buyer,
                kind="inquiry_replied",
                context={
                    "author": locked.business.name,
                    "subject": locked.subject,
                    "excerpt": excerpt,
                },
                url=url,
            )
        elif role == InquiryMessage.Role.BUYER and locked.status != Inquiry.Status.SPAM:
            notification_create(
                recipient=locked.business.owner,
                kind="inquiry_replied",
                context={
                    "author": buyer_display_name(locked.buyer),
                    "subject": locked.subject,
                    "excerpt": excerpt,
                },
                url=url,
            )
        elif role == InquiryMessage.Role.ADVISOR:
            notification_create(
                recipient=locked.business.owner,
                kind="inquiry_advice",
                context={
                    "mentor": author.get_full_name(),
                    "buyer": buyer_display_name(locked.buyer),
                    "subject": locked.subject,
                    "excerpt": excerpt,
                },
                url=url,
            )
    inquiry.refresh_from_db(fields=["status", "first_reply_at", "last_message_at"])
    return message


def inquiry_reply_from_notification(
    *, notification: Notification, author: User, body: str, reference: str
) -> InquiryMessage:
    """An answer to an inquiry's notification given on another channel (a WhatsApp
    reply): a message in that inquiry's thread, by ``inquiry_message_create`` and so
    under the web's rules (who may write, length, rate limit, spam, closed threads),
    the other side notified as usual. The channel's message id is the idempotency key:
    the same reply delivered twice is stored once. Registered with the notification
    core in ``MarketplaceConfig.ready``."""
    try:
        match = resolve(urlsplit(notification.url).path)
    except Resolver404:
        match = None
    if match is None or match.view_name != "marketplace:inquiry-detail":
        raise PermissionDenied
    inquiry = (
        Inquiry.objects.select_related("business__owner", "buyer")
        .filter(pk=match.kwargs.get("pk"))
        .first()
    )
    if inquiry is None:
        raise PermissionDenied
    key = "wa-" + hashlib.sha256(reference.encode()).hexdigest()[:60]
    try:
        return inquiry_message_create(
            inquiry=inquiry, author=author, body=body, idempotency_key=key
        )
    except AlreadySubmitted as exc:
        return exc.instance


REPLYABLE_KINDS = ["inquiry_received", "inquiry_replied", "inquiry_advice", "inquiry_unanswered"]


def inquiry_record_outcome(
    *, inquiry: Inquiry, actor: User, outcome: str, deal_value_usd: Decimal | None = None
) -> Inquiry:
    """The owner records how the inquiry ended. No deal and deal won close the thread;
    sample sent keeps it open. A deal value goes only with a deal won."""
    if not actor.is_authenticated or actor.pk != inquiry.business.owner_id:
        raise PermissionDenied
    if outcome not in {o for o, _label in Inquiry.Outcome.choices if o}:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")})
    if deal_value_usd is not None and outcome != Inquiry.Outcome.DEAL_WON:
        raise ValidationError(
            {"deal_value_usd": _("A deal value can only be recorded for a deal won.")}
        )
    if deal_value_usd is not None and deal_value_usd < 0:
        raise ValidationError({"deal_value_usd": _("The deal value cannot be negative.")})
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if locked.status == Inquiry.Status.SPAM:
            raise PermissionDenied
        locked.outcome = outcome
        locked.deal_value_usd = deal_value_usd if outcome == Inquiry.Outcome.DEAL_WON else None
        if outcome != Inquiry.Outcome.NO_DEAL:  # a reason goes only with a lost deal
            locked.lost_reason = ""
        locked.status = _status_without_spam(locked)
        locked.save(update_fields=["outcome", "deal_value_usd", "lost_reason", "status"])
    return locked


def inquiry_mark_spam(*, inquiry: Inquiry, staff: User, spam: bool = True) -> Inquiry:
    """Staff moderation. A spam thread leaves the owner's and the mentors' inboxes; the
    buyer is not told and keeps seeing it as before. ``spam=False`` restores it."""
    if not (staff.is_authenticated and staff.is_staff):
        raise PermissionDenied
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        locked.status = Inquiry.Status.SPAM if spam else _status_without_spam(locked)
        locked.save(update_fields=["status"])
    logger.info("Inquiry %s spam=%s by staff %s", locked.pk, spam, staff.pk)
    return locked


def inquiry_mark_read(*, inquiry: Inquiry, user: User) -> int:
    """Opening a thread reads its notifications (they carry the unread markers)."""
    return Notification.objects.filter(url=inquiry.get_absolute_url()).mark_read(
        recipient_id=user.pk
    )


def inquiry_status_for(*, inquiry: Inquiry, user) -> str:
    """The status shown to ``user``: the buyer never learns about spam."""
    if inquiry.status == Inquiry.Status.SPAM and not user.is_staff:
        return _status_without_spam(inquiry)
    return inquiry.status


def inquiries_remind_unanswered(*, now: datetime | None = None) -> int:
    """Hourly: remind the owner and the active mentors, once, of an inquiry left
    without any supplier reply for 48 hours. Each thread is claimed with a conditional
    UPDATE of ``reminded_at`` and each notification carries a dedupe key, so a job that
    runs twice or late never reminds twice. Returns the notifications written."""
    now = now or timezone.now()
    due = Inquiry.objects.filter(
        status=Inquiry.Status.OPEN,
        first_reply_at__isnull=True,
        reminded_at__isnull=True,
        created_at__lte=now - REMIND_UNANSWERED_AFTER,
        business__is_active=True,
    )
    sent = 0
    for pk in list(due.order_by("created_at").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            claimed = Inquiry.objects.filter(
                pk=pk,
                status=Inquiry.Status.OPEN,
                first_reply_at__isnull=True,
                reminded_at__isnull=True,
            ).update(reminded_at=now)
            if not claimed:
                continue
            inquiry = Inquiry.objects.select_related("business__owner", "buyer").get(pk=pk)
            hours = int((now - inquiry.created_at).total_seconds() // 3600)
            context = {
                "buyer": buyer_display_name(inquiry.buyer),
                "business": inquiry.business.name,
                "subject": inquiry.subject,
                "hours": hours,
            }
            for recipient in [inquiry.business.owner, *active_mentors_of(inquiry.business)]:
                created = notification_create(
                    recipient=recipient,
                    kind="inquiry_unanswered",
                    context=context,
                    url=inquiry.get_absolute_url(),
                    dedupe_key=f"inquiry-unanswered:{pk}",
                )
                sent += created is not None
    return sent


def inquiry_remind_supplier(*, inquiry: Inquiry, staff: User, now: datetime | None = None) -> bool:
    """Staff (the work queues) remind the owner of an inquiry left without any reply
    for 48 hours, with the notification the hourly job sends. Once per inquiry:
    returns False if staff already did. The job's own reminder (to the owner and the
    mentors, ``reminded_at``) is left alone: this is a deliberate extra nudge."""
    if not (staff.is_authenticated and staff.is_staff):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        business = Business.objects.select_related("owner").get(pk=locked.business_id)
        waiting = (
            locked.status == Inquiry.Status.OPEN
            and locked.first_reply_at is None
            and locked.created_at <= now - REMIND_UNANSWERED_AFTER
            and business.is_active
        )
        if not waiting:
            raise ValidationError(
                _("Only an inquiry left without a reply for 48 hours can be reminded about.")
            )
        created = notification_create(
            recipient=business.owner,
            kind="inquiry_unanswered",
            context={
                "buyer": buyer_display_name(locked.buyer),
                "business": business.name,
                "subject": locked.subject,
                "hours": int((now - locked.created_at).total_seconds() // 3600),
            },
            url=locked.get_absolute_url(),
            dedupe_key=STAFF_REMINDER_KEY.format(pk=locked.pk),
        )
        if created is None:
            return False
    logger.info("Inquiry %s: owner reminded by staff %s", locked.pk, staff.pk)
    return True


# Buying requests and quotes ----------------------------------------------------------


def _request_category_ids(category: Category) -> list[int]:
    """A top category covers its subcategories; a subcategory only itself."""
    ids = [category.pk]
    if category.parent_id is None:
        ids += list(Category.objects.filter(parent=category).values_list("pk", flat=True))
    return ids


def buying_request_matching_businesses(*, category: Category) -> QuerySet[Business]:
    """Active businesses with at least one LISTED product in the request's category."""
    listed = Product.objects.listed().filter(
        business=OuterRef("pk"), category_id__in=_request_category_ids(category)
    )
    return Business.objects.active().filter(Exists(listed)).select_related("owner")


def business_matches_request(*, business: Business, buying_request: BuyingRequest) -> bool:
    return (
        Product.objects.listed()
        .filter(
            business=business,
            category_id__in=_request_category_ids(buying_request.category),
        )
        .exists()
    )


def buying_request_is_open(buying_request: BuyingRequest, *, today: date | None = None) -> bool:
    """Open up to and including its closing date (``valid_until``), unless staff closed it."""
    today = today or timezone.localdate()
    return (
        buying_request.status == BuyingRequest.Status.OPEN and buying_request.valid_until >= today
    )


def buying_request_is_full(buying_request: BuyingRequest) -> bool:
    """It has taken the most quotes it takes (``max_quotes``)."""
    return buying_request.quotes.count() >= buying_request.max_quotes


def buying_request_create(
    *,
    buyer: User,
    title: str,
    description: str,
    category: Category,
    quantity: int,
    unit: str,
    destination_country: str,
    valid_until: date,
    target_price_usd: Decimal | None = None,
    max_quotes: int = BUYING_REQUEST_DEFAULT_QUOTES,
    idempotency_key: str = "",
) -> BuyingRequest:
    """A verified buyer's request to many suppliers; one notification per business with
    listed products in the category (or its subcategories, for a top category). The
    same ``idempotency_key`` again raises ``AlreadySubmitted`` with the first request."""
    _check_buyer(buyer)
    today = timezone.localdate()
    if valid_until <= today or valid_until > today + timedelta(days=BUYING_REQUEST_MAX_DAYS):
        raise ValidationError(
            {
                "valid_until": _("Choose a date in the future, at most %(days)s days ahead.")
                % {"days": BUYING_REQUEST_MAX_DAYS}
            }
        )
    _validate_terms(
        quantity=quantity, unit=unit, incoterm="FOB", destination_country=destination_country
    )
    if not title.strip() or not description.strip():
        raise ValidationError(MSG_EMPTY)
    earlier = BuyingRequest.objects.filter(buyer=buyer)

    def same(request: BuyingRequest) -> bool:
        return (
            request.title,
            request.description,
            request.category_id,
            request.quantity,
            request.unit,
            request.target_price_usd,
            request.destination_country,
            request.valid_until,
        ) == (
            title.strip(),
            description.strip(),
            category.pk,
            quantity,
            unit,
            target_price_usd,
            destination_country,
            valid_until,
        )

    _check_values(
        BuyingRequest(
            title=title.strip(),
            description=description.strip(),
            quantity=quantity,
            unit=unit,
            target_price_usd=target_price_usd,
            destination_country=destination_country,
            valid_until=valid_until,
            max_quotes=max_quotes,
        ),
        exclude=["buyer", "category", "idempotency_key", "status"],
    )
    with transaction.atomic():
        _lock_user(buyer)
        check_replay(earlier, idempotency_key, same=same)
        since = timezone.now() - timedelta(days=1)
        if BuyingRequest.objects.filter(buyer=buyer, created_at__gte=since).count() >= (
            BUYING_REQUESTS_PER_DAY
        ):
            raise ValidationError(
                MSG_REQUEST_LIMIT, code="rate_limited", params={"limit": BUYING_REQUESTS_PER_DAY}
            )
        with first_wins(earlier, idempotency_key, same=same):
            buying_request = BuyingRequest.objects.create(
                buyer=buyer,
                title=title.strip(),
                description=description.strip(),
                category=category,
                quantity=quantity,
                unit=unit,
                target_price_usd=target_price_usd,
                destination_country=destination_country,
                valid_until=valid_until,
                max_quotes=max_quotes,
                idempotency_key=idempotency_key,
            )
        context = {
            "buyer": buyer_display_name(buyer),
            "country": COUNTRY_NAMES[destination_country],
            "quantity": quantity,
            "unit": _unit_label(unit),
            "title": buying_request.title,
            "category": category.name_en or category.name_id,
            "date": valid_until,
        }
        for business in buying_request_matching_businesses(category=category):
            notification_create(
                recipient=business.owner,
                kind="buying_request_matched",
                context={**context, "business": business.name},
                url=buying_request.get_absolute_url(),
                dedupe_key=f"buying-request:{buying_request.pk}",
            )
    return buying_request


def buying_requests_close_expired(*, today: date | None = None) -> int:
    """Hourly: requests are open up to and including their validity date."""
    today = today or timezone.localdate()
    return BuyingRequest.objects.filter(
        status=BuyingRequest.Status.OPEN, valid_until__lt=today
    ).update(status=BuyingRequest.Status.CLOSED)


def buying_request_close(*, buying_request: BuyingRequest, staff: User) -> bool:
    """Staff moderation: close an open request before its date (owners can no longer
    quote on it). False if it was already closed."""
    if not (staff.is_authenticated and staff.is_staff):
        raise PermissionDenied
    closed = BuyingRequest.objects.filter(
        pk=buying_request.pk, status=BuyingRequest.Status.OPEN
    ).update(status=BuyingRequest.Status.CLOSED)
    if closed:
        logger.info("Buying request %s closed by staff %s", buying_request.pk, staff.pk)
    return bool(closed)


def quote_create(
    *,
    buying_request: BuyingRequest,
    business: Business,
    author: User,
    price_usd: Decimal,
    moq: int,
    lead_time_days: int,
    message: str,
    incoterm: str = "FOB",
    product: Product | None = None,
) -> Quote:
    """One quote per business and open request. It opens a thread like an inquiry
    (status replied, the quote's message as the supplier's first message) and tells the
    buyer. A second one (a double click, a retry) raises ``AlreadySubmitted`` with the
    first: (request, business) is the quote's idempotency key."""
    if not (author.is_authenticated and author.is_owner and author.pk == business.owner_id):
        raise PermissionDenied
    if not business.is_active or not business_matches_request(
        business=business, buying_request=buying_request
    ):
        raise PermissionDenied
    if product is not None and (
        product.business_id != business.pk
        or not Product.objects.listed().filter(pk=product.pk).exists()
    ):
        raise ValidationError({"product": _("Choose one of your listed products.")})
    if incoterm not in dict(INCOTERM_CHOICES):
        raise ValidationError({"incoterm": _("Choose an Incoterm from the list.")})
    body = _opening_message(message)
    _check_values(
        Quote(price_usd=price_usd, moq=moq, lead_time_days=lead_time_days, message=body),
        exclude=["request", "business", "product"],
    )

    with transaction.atomic():
        locked = (
            BuyingRequest.objects.select_for_update()
            .select_related("buyer")
            .get(pk=buying_request.pk)
        )
        if not buying_request_is_open(locked):
            raise ValidationError(MSG_REQUEST_CLOSED, code="closed")
        earlier = Quote.objects.filter(request=locked, business=business).first()
        if earlier is not None:
            raise AlreadySubmitted(MSG_ALREADY_QUOTED, instance=earlier, code="duplicate")
        # Counted under the request's row lock: parallel quotes cannot pass the cap.
        if buying_request_is_full(locked):
            raise ValidationError(
                MSG_REQUEST_FULL, code="full", params={"count": locked.max_quotes}
            )
        try:
            with transaction.atomic():
                quote = Quote.objects.create(
                    request=locked,
                    business=business,
                    product=product,
                    price_usd=price_usd,
                    moq=moq,
                    lead_time_days=lead_time_days,
                    message=body,
                )
        except IntegrityError:  # a parallel quote from the same business won
            earlier = Quote.objects.get(request=locked, business=business)
            raise AlreadySubmitted(MSG_ALREADY_QUOTED, instance=earlier, code="duplicate") from None
        now = timezone.now()
        inquiry = Inquiry.objects.create(
            buyer=locked.buyer,
            business=business,
            product=product,
            quote=quote,
            subject=locked.title,
            quantity=locked.quantity,
            unit=locked.unit,
            target_price_usd=locked.target_price_usd,
            incoterm=incoterm,
            destination_country=locked.destination_country,
            status=Inquiry.Status.REPLIED,
            first_reply_at=now,
            last_message_at=now,
        )
        InquiryMessage.objects.create(
            inquiry=inquiry, author=author, author_role=InquiryMessage.Role.SUPPLIER, body=body
        )
        notification_create(
            recipient=locked.buyer,
            kind="quote_received",
            context={
                "business": business.name,
                "title": locked.title,
                # US dollars as everywhere: "1,250.50" in both languages (the
                # sentence writes "US$"; core.formatting); numbers in the reader's style.
                "price": f"{Decimal(price_usd):,.2f}",
                "incoterm": incoterm,
                "moq": moq,
                "days": lead_time_days,
                "excerpt": _excerpt(body),
            },
            url=reverse("marketplace:buying-request-detail", args=[locked.pk]),
        )
    return quote


# Shortlist (issue 12: one write path for the site and the demo) ----------------------


def shortlist_add(*, buyer: User, product: Product) -> ShortlistItem:
    """Save a product on a buyer's shortlist. Only buyers keep one, and only products in
    the public catalogue (listed, of an active business) can be saved.

    Saving twice keeps one row, even when two requests race: the unique constraint and
    ``get_or_create`` (which re-reads the row the other request wrote).
    """
    if not (buyer.is_authenticated and buyer.is_buyer):
        raise PermissionDenied
    if not Product.objects.listed().filter(pk=product.pk).exists():
        raise ValidationError(_("This product is not in the catalogue."))
    item, _created = ShortlistItem.objects.get_or_create(buyer=buyer, product=product)
    return item


def shortlist_remove(*, buyer: User, product: Product) -> bool:
    """Take a product off a buyer's shortlist; False if it was not on it."""
    deleted, _rows = ShortlistItem.objects.filter(buyer=buyer, product=product).delete()
    return bool(deleted)


# The deal pipeline of an inquiry: sample → quotation rounds → proforma → won or lost --
#
# The supplier side is the business's owner; the buyer side the inquiry's buyer. Mentors
# and staff read (``selectors.quotations_visible_to``) but write nothing here. Every step
# notifies the other party, in their language. Closed and spam threads take no new step.

MSG_DEAL_CLOSED = _("This deal is closed; nothing more can be added to it.")
MSG_ROUNDS = _(
    "This inquiry has had its %(max)s quotation rounds; the buyer accepts or declines the last one."
)
MSG_LAST_ROUND = _(
    "This is the last of %(max)s quotation rounds: accept it or decline it with a reason."
)
MSG_WAITING = _("The buyer has not answered quotation %(round)s yet.")
MSG_ALREADY_ACCEPTED = _("A quotation of this inquiry is already accepted.")
MSG_NOT_WAITING = _("This quotation is no longer waiting for an answer.")
MSG_EXPIRED = _("This quotation was valid until %(date)s; ask the supplier for a revised one.")
MSG_LINES = _("Enter from 1 to %(max)s lines.")
MSG_NO_ACCEPTED = _("A deal is won when the buyer has accepted a quotation.")
MSG_REASON = _("Choose why the deal was lost.")
MSG_SAMPLE_SENT = _("This sample is already recorded as sent.")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_amount(value, low: Decimal, high: Decimal) -> bool:
    """A finite Decimal with at most two decimals within [low, high] (not a float: a
    float's 0.1 is not 0.10)."""
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and low <= value <= high
        and value.as_tuple().exponent >= -2
    )


def _deal_thread(inquiry: Inquiry) -> Inquiry:
    """The thread, locked, when it can still take a step (not closed, not spam)."""
    locked = (
        Inquiry.objects.select_for_update()
        .select_related("business__owner", "buyer")
        .get(pk=inquiry.pk)
    )
    if locked.status == Inquiry.Status.SPAM:
        raise PermissionDenied
    if locked.status == Inquiry.Status.CLOSED or locked.outcome in FINAL_OUTCOMES:
        raise ValidationError(MSG_DEAL_CLOSED, code="closed")
    return locked


def _check_side(*, inquiry: Inquiry, user, side: str) -> None:
    if inquiry_role_for(inquiry=inquiry, user=user) != side:
        raise PermissionDenied


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def sample_request_create(
    *, inquiry: Inquiry, buyer: User, quantity: int, note: str = ""
) -> SampleRequest:
    """The buyer asks the supplier for a sample; the owner is told."""
    _check_side(inquiry=inquiry, user=buyer, side=InquiryMessage.Role.BUYER)
    if not _is_int(quantity) or not 1 <= quantity <= MAX_SAMPLE_QUANTITY:
        raise ValidationError({"quantity": MSG_SAMPLE_QUANTITY})
    sample = SampleRequest(inquiry=inquiry, quantity=quantity, note=(note or "").strip())
    _check_values(sample, exclude=["inquiry"])
    with transaction.atomic():
        locked = _deal_thread(inquiry)
        sample.inquiry = locked
        sample.save()
        notification_create(
            recipient=locked.business.owner,
            kind="sample_requested",
            context={
                "buyer": buyer_display_name(locked.buyer),
                "subject": locked.subject,
                "quantity": quantity,
                "note": sample.note,
            },
            url=locked.get_absolute_url(),
        )
    return sample


def sample_request_send(
    *,
    sample: SampleRequest,
    owner: User,
    fee_usd: Decimal | None,
    courier: str,
    tracking_number: str = "",
) -> SampleRequest:
    """The owner records the sample as sent (fee, courier, tracking number if any); the
    inquiry's outcome becomes "sample sent" unless one is already recorded."""
    _check_side(inquiry=sample.inquiry, user=owner, side=InquiryMessage.Role.SUPPLIER)
    if fee_usd is not None and not _is_amount(fee_usd, Decimal(0), MAX_PRICE_USD):
        raise ValidationError({"fee_usd": MSG_UNIT_PRICE})
    courier, tracking_number = (courier or "").strip(), (tracking_number or "").strip()
    if not courier:
        raise ValidationError({"courier": _("Enter the courier.")})
    _check_values(
        SampleRequest(
            quantity=sample.quantity,
            fee_usd=fee_usd,
            courier=courier,
            tracking_number=tracking_number,
        ),
        exclude=["inquiry"],
    )
    with transaction.atomic():
        locked = _deal_thread(sample.inquiry)
        row = SampleRequest.objects.select_for_update().get(pk=sample.pk, inquiry=locked)
        if row.status == SampleRequest.Status.SENT:
            raise ValidationError(MSG_SAMPLE_SENT, code="sent")
        row.fee_usd = fee_usd
        row.courier = courier
        row.tracking_number = tracking_number
        row.status = SampleRequest.Status.SENT
        row.sent_at = timezone.now()
        row.save()
        if not locked.outcome:
            locked.outcome = Inquiry.Outcome.SAMPLE_SENT
            locked.save(update_fields=["outcome"])
        notification_create(
            recipient=locked.buyer,
            kind="sample_sent",
            context={
                "business": locked.business.name,
                "subject": locked.subject,
                "quantity": row.quantity,
                "courier": courier,
                "tracking": tracking_number or "-",
                "fee": _money(fee_usd) if fee_usd is not None else "0.00",
            },
            url=locked.get_absolute_url(),
        )
    return row


def _quotation_lines(*, business: Business, lines: list) -> list[QuotationLine]:
    """Unsaved lines, each checked, and their total within the deal bound."""
    if not isinstance(lines, list | tuple) or not 1 <= len(lines) <= MAX_QUOTATION_LINES:
        raise ValidationError(
            {"lines": ValidationError(MSG_LINES, params={"max": MAX_QUOTATION_LINES})}
        )
    units = dict(Product.Unit.choices)
    rows, errors = [], []
    for position, line in enumerate(lines, start=1):
        product = line.get("product")
        quantity = line.get("quantity")
        price = line.get("unit_price_usd")
        if product is not None and (
            not isinstance(product, Product) or product.business_id != business.pk
        ):
            errors.append(_("Line %(n)s: choose one of your products.") % {"n": position})
            continue
        if not _is_int(quantity) or not 1 <= quantity <= MAX_QUANTITY:
            errors.append(format_lazy("{}: {}", position, MSG_INQUIRY_QUANTITY))
            continue
        if not _is_amount(price, Decimal("0.01"), MAX_PRICE_USD):
            errors.append(format_lazy("{}: {}", position, MSG_UNIT_PRICE))
            continue
        description = (line.get("description") or "").strip()
        if not description and product is not None:
            description = product.name_en or product.name_id
        unit = line.get("unit") or (product.unit if product is not None else "")
        if not description or len(description) > 200:
            errors.append(_("Line %(n)s: describe the goods.") % {"n": position})
            continue
        if unit not in units:
            errors.append(_("Line %(n)s: choose a unit from the list.") % {"n": position})
            continue
        rows.append(
            QuotationLine(
                position=position,
                product=product,
                description=description,
                quantity=quantity,
                unit=unit,
                unit_price_usd=price,
            )
        )
    if errors:
        raise ValidationError({"lines": [str(error) for error in errors]})
    if sum(row.amount_usd for row in rows) > MAX_DEAL_VALUE_USD:
        raise ValidationError({"lines": MSG_DEAL_TOTAL})
    return rows


def quotation_create(
    *,
    inquiry: Inquiry,
    author: User,
    lines: list[dict],
    incoterm: str,
    port: str,
    valid_until: date,
    payment_term: str,
    lead_time_days: int,
    notes: str = "",
) -> Quotation:
    """The owner's quotation: the first, or a revised one after the buyer asked for it,
    at most ``MAX_QUOTATION_ROUNDS`` in all. Lines of the business's products (or
    described goods), in USD. The buyer is told."""
    _check_side(inquiry=inquiry, user=author, side=InquiryMessage.Role.SUPPLIER)
    business = inquiry.business
    rows = _quotation_lines(business=business, lines=lines)
    errors = {}
    if incoterm not in dict(INCOTERM_CHOICES):
        errors["incoterm"] = _("Choose an Incoterm from the list.")
    if payment_term not in PaymentTerm.values:
        errors["payment_term"] = _("Choose a payment term from the list.")
    port = (port or "").strip()
    if not port:
        errors["port"] = _("Enter the port.")
    today = timezone.localdate()
    if not isinstance(valid_until, date) or not (
        today <= valid_until <= today + timedelta(days=MAX_QUOTATION_VALID_DAYS)
    ):
        errors["valid_until"] = _("Choose a date from today to %(days)s days ahead.") % {
            "days": MAX_QUOTATION_VALID_DAYS
        }
    if not _is_int(lead_time_days) or not 0 <= lead_time_days <= MAX_LEAD_TIME_DAYS:
        errors["lead_time_days"] = _("Enter a lead time from 0 to %(days)s days.") % {
            "days": MAX_LEAD_TIME_DAYS
        }
    if errors:
        raise ValidationError(errors)
    total = sum(row.amount_usd for row in rows)
    quotation = Quotation(
        business=business,
        round=1,
        author=author,
        incoterm=incoterm,
        port=port,
        valid_until=valid_until,
        payment_term=payment_term,
        lead_time_days=lead_time_days,
        notes=(notes or "").strip(),
        total_usd=total,
    )
    _check_values(quotation, exclude=["inquiry", "business", "author"])
    with transaction.atomic():
        locked = _deal_thread(inquiry)
        last = locked.quotations.order_by("-round").first()
        if last is not None:
            if last.status == Quotation.Status.SENT:
                raise ValidationError(MSG_WAITING % {"round": last.round}, code="waiting")
            if last.status == Quotation.Status.ACCEPTED:
                raise ValidationError(MSG_ALREADY_ACCEPTED, code="accepted")
            if last.round >= MAX_QUOTATION_ROUNDS:
                raise ValidationError(MSG_ROUNDS % {"max": MAX_QUOTATION_ROUNDS}, code="rounds")
            quotation.round = last.round + 1
        quotation.inquiry = locked
        quotation.save()
        for row in rows:
            row.quotation = quotation
        QuotationLine.objects.bulk_create(rows)
        locked.last_message_at = timezone.now()
        fields = ["last_message_at"]
        if locked.first_reply_at is None:
            locked.first_reply_at = locked.last_message_at
            fields.append("first_reply_at")
        if locked.status == Inquiry.Status.OPEN:
            locked.status = Inquiry.Status.REPLIED
            fields.append("status")
        locked.save(update_fields=fields)
        notification_create(
            recipient=locked.buyer,
            kind="quotation_received",
            context={
                "business": business.name,
                "subject": locked.subject,
                "round": quotation.round,
                "total": _money(total),
                "incoterm": incoterm,
                "port": port,
                "date": valid_until.isoformat(),
            },
            url=locked.get_absolute_url(),
        )
    return quotation


def _waiting_quotation(quotation: Quotation, buyer: User) -> tuple[Inquiry, Quotation]:
    _check_side(inquiry=quotation.inquiry, user=buyer, side=InquiryMessage.Role.BUYER)
    locked = _deal_thread(quotation.inquiry)
    row = Quotation.objects.select_for_update().get(pk=quotation.pk, inquiry=locked)
    if row.status != Quotation.Status.SENT:
        raise ValidationError(MSG_NOT_WAITING, code="answered")
    return locked, row


def quotation_request_revision(*, quotation: Quotation, buyer: User, note: str) -> Quotation:
    """The buyer's counter-offer: a revised quotation, with what should change. Not for
    the last round (``MAX_QUOTATION_ROUNDS``): that one is accepted or declined."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what should change in the quotation.")})
    _check_values(Quotation(buyer_note=note), exclude=_all_but(Quotation, "buyer_note"))
    with transaction.atomic():
        locked, row = _waiting_quotation(quotation, buyer)
        if row.round >= MAX_QUOTATION_ROUNDS:
            raise ValidationError(MSG_LAST_ROUND % {"max": MAX_QUOTATION_ROUNDS}, code="rounds")
        row.status = Quotation.Status.REVISION
        row.buyer_note = note
        row.answered_at = timezone.now()
        row.save(update_fields=["status", "buyer_note", "answered_at"])
        notification_create(
            recipient=locked.business.owner,
            kind="quotation_revision",
            context={
                "buyer": buyer_display_name(locked.buyer),
                "subject": locked.subject,
                "round": row.round,
                "note": _excerpt(note),
            },
            url=locked.get_absolute_url(),
        )
    return row


def _all_but(model, *keep: str) -> list[str]:
    return [field.name for field in model._meta.fields if field.name not in keep]


def quotation_accept(*, quotation: Quotation, buyer: User) -> Quotation:
    """The buyer accepts a quotation that is still valid: it gets the supplier's next
    proforma invoice number of the year (under a lock on the business's row, so two
    acceptances never share one). The owner is told."""
    with transaction.atomic():
        locked, row = _waiting_quotation(quotation, buyer)
        today = timezone.localdate()
        if row.valid_until < today:
            raise ValidationError(
                MSG_EXPIRED % {"date": row.valid_until.isoformat()}, code="expired"
            )
        list(Business.objects.select_for_update().filter(pk=row.business_id).values("pk"))
        last = (
            Quotation.objects.filter(business_id=row.business_id, proforma_year=today.year)
            .order_by("-proforma_sequence")
            .values_list("proforma_sequence", flat=True)
            .first()
        )
        row.status = Quotation.Status.ACCEPTED
        row.answered_at = timezone.now()
        row.proforma_year = today.year
        row.proforma_sequence = (last or 0) + 1
        row.save(update_fields=["status", "answered_at", "proforma_year", "proforma_sequence"])
        notification_create(
            recipient=locked.business.owner,
            kind="quotation_accepted",
            context={
                "buyer": buyer_display_name(locked.buyer),
                "subject": locked.subject,
                "round": row.round,
                "total": _money(row.total_usd),
                "number": row.proforma_number,
            },
            url=locked.get_absolute_url(),
        )
    return row


def _close_deal(locked: Inquiry, *, won: bool, reason: str = "", value=None) -> None:
    locked.outcome = Inquiry.Outcome.DEAL_WON if won else Inquiry.Outcome.NO_DEAL
    locked.deal_value_usd = value if won else None
    locked.lost_reason = "" if won else reason
    locked.status = _status_without_spam(locked)
    locked.save(update_fields=["outcome", "deal_value_usd", "lost_reason", "status"])


def _check_reason(reason: str) -> None:
    if reason not in dict(LOST_REASON_CHOICES):
        raise ValidationError({"reason": MSG_REASON})


def quotation_decline(
    *, quotation: Quotation, buyer: User, reason: str, note: str = ""
) -> Quotation:
    """The buyer declines the quotation with a reason: the deal is lost and the thread
    closes. The owner is told."""
    _check_reason(reason)
    note = (note or "").strip()
    _check_values(Quotation(buyer_note=note), exclude=_all_but(Quotation, "buyer_note"))
    with transaction.atomic():
        locked, row = _waiting_quotation(quotation, buyer)
        row.status = Quotation.Status.DECLINED
        row.buyer_note = note
        row.answered_at = timezone.now()
        row.save(update_fields=["status", "buyer_note", "answered_at"])
        _close_deal(locked, won=False, reason=reason)
        notification_create(
            recipient=locked.business.owner,
            kind="quotation_declined",
            context={
                "buyer": buyer_display_name(locked.buyer),
                "subject": locked.subject,
                "reason": dict(LOST_REASON_CHOICES)[reason],
                "note": _excerpt(note) if note else "-",
            },
            url=locked.get_absolute_url(),
        )
    return row


def deal_close(*, inquiry: Inquiry, owner: User, won: bool, reason: str = "") -> Inquiry:
    """The owner closes the deal: won (only after the buyer accepted a quotation; its
    total is the deal value) or lost with a reason. The buyer is told."""
    _check_side(inquiry=inquiry, user=owner, side=InquiryMessage.Role.SUPPLIER)
    if not won:
        _check_reason(reason)
    with transaction.atomic():
        locked = _deal_thread(inquiry)
        accepted = locked.quotations.filter(status=Quotation.Status.ACCEPTED).first()
        if won and accepted is None:
            raise ValidationError(MSG_NO_ACCEPTED, code="not_accepted")
        _close_deal(locked, won=won, reason=reason, value=accepted.total_usd if accepted else None)
        notification_create(
            recipient=locked.buyer,
            kind="deal_won" if won else "deal_lost",
            context={
                "business": locked.business.name,
                "subject": locked.subject,
                "number": accepted.proforma_number if accepted else "-",
                "reason": dict(LOST_REASON_CHOICES).get(reason, "-"),
            },
            url=locked.get_absolute_url(),
        )
    return locked
