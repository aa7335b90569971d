"""Demo buyers, shortlists, inquiries, buying requests and quotes.

Runs after the UMKM and mentoring loaders: six buyers abroad with company profiles (the
demo buyer and buyer1..buyer5, ``buyers.yaml``), the staff's exchange rate, shortlists,
inquiry threads in every state (``inquiries.yaml``: open, replied, closed with each
outcome, one marked as spam, some with a mentor's advice) and buying requests with
quotes, one of them expired (``buying_requests.yaml``).

Everything goes through ``marketplace.services`` so that statuses, first-reply times
and notifications are the ones the application writes; the services stamp "now", so
times are then moved into the past with ``QuerySet.update()`` and the supplier cards
show varied response times. Notifications stay in the app (emails marked skipped in
the same transaction). Keys: emails, (buyer, supplier, product) for inquiries and
(buyer, title) for buying requests, so a second run creates nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from marketplace import services
from marketplace.models import (
    BuyerProfile,
    BuyingRequest,
    ExchangeRate,
    Inquiry,
    InquiryMessage,
    Quote,
    ShortlistItem,
)
from marketplace.selectors import current_rate_forget
from umkm.models import Business, Category, Product

from .accounts import (
    DEMO_BUYER_EMAIL,
    DEMO_OWNER_EMAIL,
    DEMO_STAFF_EMAIL,
    demo_password_hash,
    demo_user,
    ensure_account,
)
from .backdate import date_notifications, last_notification_pk, skip_emails
from .deals import deals_summary, seed_deals
from .files import read_yaml

# --------------------------------------------------------------------------- buyers


@dataclass(frozen=True, kw_only=True)
class BuyerSpec:
    """One buyer of ``buyers.yaml``."""

    email: str
    full_name: str
    tz: str
    company: str
    country: str
    buyer_type: str
    website: str
    interests: str
    categories: tuple[str, ...]
    shortlist: tuple[tuple[str, str], ...] = ()  # (owner email, product name_en start)


@functools.cache
def buyer_specs() -> tuple[BuyerSpec, ...]:
    return tuple(
        BuyerSpec(
            **{
                **row,
                "categories": tuple(row["categories"]),
                "shortlist": tuple((s["owner"], s["product"]) for s in row.get("shortlist", ())),
            }
        )
        for row in read_yaml("buyers.yaml")["buyers"]
    )


def _seed_buyers(now: datetime) -> dict[str, User]:
    password_hash = demo_password_hash()
    categories = {c.slug: c for c in Category.objects.all()}
    buyers = {}
    for n, spec in enumerate(buyer_specs()):
        if spec.email == DEMO_BUYER_EMAIL:
            buyer = demo_user(spec.email)  # seed_accounts owns the account itself
        else:
            buyer, created = ensure_account(
                email=spec.email,
                full_name=spec.full_name,
                role=User.Role.BUYER,
                language="en",
                tz=spec.tz,
                password_hash=password_hash,
            )
            if created:
                User.objects.filter(pk=buyer.pk).update(
                    date_joined=now - timedelta(days=90 - 11 * n)
                )
        profile, _created = BuyerProfile.objects.update_or_create(
            user=buyer,
            defaults={
                "company": spec.company,
                "country": spec.country,
                "buyer_type": spec.buyer_type,
                "website": spec.website,
                "interests": spec.interests,
            },
        )
        profile.categories.set([categories[slug] for slug in spec.categories if slug in categories])
        buyers[spec.email] = buyer
    spam = read_yaml("buyers.yaml")["spammer"]
    spammer, _created = ensure_account(
        email=spam["email"],
        full_name=spam["full_name"],
        role=User.Role.BUYER,
        language="en",
        tz=spam["tz"],
        password_hash=password_hash,
    )
    buyers[spam["email"]] = spammer
    return buyers


def _product(business: Business, name_start: str) -> Product | None:
    listed = Product.objects.listed().filter(business=business)
    return listed.filter(name_en__startswith=name_start).first() or listed.order_by("pk").first()


def _seed_shortlists(buyers: dict[str, User], businesses: dict[str, Business], now) -> None:
    for spec in buyer_specs():
        buyer = buyers[spec.email]
        for k, (owner_email, name) in enumerate(spec.shortlist):
            business = businesses.get(owner_email)
            product = _product(business, name) if business else None
            if (
                product is None
                or ShortlistItem.objects.filter(buyer=buyer, product=product).exists()
            ):
                continue
            services.shortlist_add(buyer=buyer, product=product)  # the one write path
            ShortlistItem.objects.filter(buyer=buyer, product=product).update(
                created_at=now - timedelta(days=30 - 4 * k, hours=k)
            )


def _seed_rates(staff: User, now: datetime) -> None:
    for row in read_yaml("buyers.yaml")["exchange_rates"]:
        rate, days = Decimal(row["idr_per_usd"]), row["days_ago"]
        if not ExchangeRate.objects.filter(idr_per_usd=rate, set_by=staff).exists():
            ExchangeRate.objects.create(
                idr_per_usd=rate, set_by=staff, valid_from=now - timedelta(days=days)
            )
    current_rate_forget()


# --------------------------------------------------------------------------- inquiries

BUYER, SUPPLIER, ADVICE = "buyer", "supplier", "advice"


@dataclass(frozen=True, kw_only=True)
class InquirySpec:
    """One thread of ``inquiries.yaml`` (its header explains the fields)."""

    buyer: str
    owner: str
    product: str  # start of the product's English name
    quantity: int
    unit: str
    incoterm: str
    country: str
    port: str
    target: str | None
    age_hours: float  # when the buyer wrote, hours ago
    # (who, hours after the first message, text); who: buyer | supplier | advice:<email>
    thread: tuple[tuple[str, float, str], ...] = ()
    outcome: str = ""
    deal_value: str | None = None
    spam: bool = False


@functools.cache
def inquiry_specs() -> tuple[InquirySpec, ...]:
    return tuple(
        InquirySpec(
            **{**row, "thread": tuple((m["who"], m["hours"], m["text"]) for m in row["thread"])}
        )
        for row in read_yaml("inquiries.yaml")["inquiries"]
    )


def _seed_inquiry(
    spec: InquirySpec,
    *,
    buyers: dict[str, User],
    businesses: dict[str, Business],
    staff: User,
    now: datetime,
) -> None:
    buyer, business = buyers[spec.buyer], businesses.get(spec.owner)
    if business is None:
        return
    product = _product(business, spec.product)
    if Inquiry.objects.filter(
        buyer=buyer, business=business, product=product, quote__isnull=True
    ).exists():
        return
    start = now - timedelta(hours=spec.age_hours)
    (_who, _offset, first), *rest = spec.thread
    since = last_notification_pk()
    inquiry = services.inquiry_create(
        buyer=buyer,
        business=business,
        product=product,
        quantity=spec.quantity,
        unit=spec.unit,
        incoterm=spec.incoterm,
        destination_country=spec.country,
        destination_port=spec.port,
        target_price_usd=Decimal(spec.target) if spec.target else None,
        message=first,
    )
    # Backdated at once: the hourly inquiry limit counts the buyer's recent ones.
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=start, last_message_at=start)
    InquiryMessage.objects.filter(inquiry=inquiry).update(created_at=start)
    last_step = len(rest)
    # Read once the other side has acted on it (or the thread is settled).
    answered = spec.spam or bool(spec.outcome) or any(who == SUPPLIER for who, *_r in rest)
    date_notifications(since, start, read=answered)
    first_reply = None
    last_message = start
    for step, (who, offset, text) in enumerate(rest, start=1):
        when = start + timedelta(hours=offset)
        if who == BUYER:
            author = buyer
        elif who == SUPPLIER:
            author = business.owner
        else:
            author = User.objects.get(email=who.partition(":")[2])
        since = last_notification_pk()
        message = services.inquiry_message_create(inquiry=inquiry, author=author, body=text)
        InquiryMessage.objects.filter(pk=message.pk).update(created_at=when)
        if who == SUPPLIER and first_reply is None:
            first_reply = when
        if not who.startswith(ADVICE):
            last_message = when
        date_notifications(since, when, read=step < last_step or spec.outcome != "")
    Inquiry.objects.filter(pk=inquiry.pk).update(
        first_reply_at=first_reply, last_message_at=last_message
    )
    inquiry.refresh_from_db()
    if spec.outcome:
        services.inquiry_record_outcome(
            inquiry=inquiry,
            actor=business.owner,
            outcome=spec.outcome,
            deal_value_usd=Decimal(spec.deal_value) if spec.deal_value else None,
        )
    if spec.spam:
        services.inquiry_mark_spam(inquiry=inquiry, staff=staff)


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True, kw_only=True)
class RequestSpec:
    """One buying request of ``buying_requests.yaml``."""

    buyer: str
    title: str
    description: str
    category: str
    quantity: int
    unit: str
    target: str | None
    country: str
    age_days: int
    valid_days: int  # from today; negative: expired (closed by the hourly job)
    # (owner email, product name start, price, moq, lead days, hours after posting, text)
    quotes: tuple[tuple[str, str, str, int, int, float, str], ...] = ()
    replies: dict[str, str] = field(default_factory=dict)  # owner email: buyer's answer


@functools.cache
def request_specs() -> tuple[RequestSpec, ...]:
    quote_keys = ("owner", "product", "price", "moq", "lead_days", "hours", "text")
    return tuple(
        RequestSpec(
            **{
                **row,
                "quotes": tuple(
                    tuple(quote[key] for key in quote_keys) for quote in row.get("quotes", ())
                ),
            }
        )
        for row in read_yaml("buying_requests.yaml")["buying_requests"]
    )


def _seed_request(
    spec: RequestSpec,
    *,
    buyers: dict[str, User],
    businesses: dict[str, Business],
    categories: dict[str, Category],
    now: datetime,
) -> None:
    buyer = buyers[spec.buyer]
    if BuyingRequest.objects.filter(buyer=buyer, title=spec.title).exists():
        return
    today = timezone.localdate(now)
    posted = now - timedelta(days=spec.age_days)
    since = last_notification_pk()
    request = services.buying_request_create(
        buyer=buyer,
        title=spec.title,
        description=spec.description,
        category=categories[spec.category],
        quantity=spec.quantity,
        unit=spec.unit,
        destination_country=spec.country,
        valid_until=today + timedelta(days=max(spec.valid_days, 1)),
        target_price_usd=Decimal(spec.target) if spec.target else None,
    )
    # Backdated at once: the daily request limit counts the buyer's recent ones.
    BuyingRequest.objects.filter(pk=request.pk).update(created_at=posted)
    date_notifications(since, posted, read=spec.age_days > 3)
    for owner_email, name, price, moq, days, hours, text in spec.quotes:
        business = businesses.get(owner_email)
        if business is None:
            continue
        product = _product(business, name)
        since = last_notification_pk()
        quote = services.quote_create(
            buying_request=request,
            business=business,
            author=business.owner,
            price_usd=Decimal(price),
            moq=moq,
            lead_time_days=days,
            message=text,
            product=product,
        )
        when = posted + timedelta(hours=hours)
        Quote.objects.filter(pk=quote.pk).update(created_at=when)
        inquiry = Inquiry.objects.get(quote=quote)
        Inquiry.objects.filter(pk=inquiry.pk).update(
            created_at=when, first_reply_at=when, last_message_at=when
        )
        InquiryMessage.objects.filter(inquiry=inquiry).update(created_at=when)
        date_notifications(since, when, read=spec.age_days > 3)
        answer = spec.replies.get(owner_email)
        if answer:
            since = last_notification_pk()
            message = services.inquiry_message_create(inquiry=inquiry, author=buyer, body=answer)
            later = min(when + timedelta(hours=18), now - timedelta(hours=2))
            InquiryMessage.objects.filter(pk=message.pk).update(created_at=later)
            Inquiry.objects.filter(pk=inquiry.pk).update(last_message_at=later)
            date_notifications(since, later, read=False)
    if spec.valid_days < 0:
        # Expired: its date passed and the hourly job closed it.
        BuyingRequest.objects.filter(pk=request.pk).update(
            valid_until=today + timedelta(days=spec.valid_days)
        )
        services.buying_requests_close_expired(today=today)


# --------------------------------------------------------------------------- entry point


def seed_marketplace() -> None:
    """Buyers, exchange rate, shortlists, inquiries, buying requests and quotes
    (idempotent). Needs the demo businesses; without them it does nothing."""
    if not Business.objects.filter(owner__email=DEMO_OWNER_EMAIL).exists():
        return
    now = timezone.now()
    staff = demo_user(DEMO_STAFF_EMAIL)
    with transaction.atomic():
        start = last_notification_pk()
        buyers = _seed_buyers(now)
        businesses = {
            b.owner.email: b
            for b in Business.objects.filter(
                owner__email__endswith="@demo.jembatan.id"
            ).select_related("owner")
        }
        categories = {c.slug: c for c in Category.objects.all()}
        _seed_rates(staff, now)
        _seed_shortlists(buyers, businesses, now)
        # Oldest first, as they happened.
        for spec in sorted(inquiry_specs(), key=lambda s: -s.age_hours):
            _seed_inquiry(spec, buyers=buyers, businesses=businesses, staff=staff, now=now)
        for spec in sorted(request_specs(), key=lambda s: -s.age_days):
            _seed_request(
                spec, buyers=buyers, businesses=businesses, categories=categories, now=now
            )
        seed_deals(now=now)
        skip_emails(start)


def marketplace_summary() -> str:
    """One line of counts for the seed_demo output."""
    profiles = BuyerProfile.objects.all()
    inquiries = Inquiry.objects.all()
    by_status = {s: inquiries.filter(status=s).count() for s in Inquiry.Status.values}
    requests = BuyingRequest.objects.all()
    return (
        f"{profiles.count()} buyers in {profiles.values('country').distinct().count()} "
        f"countries, {inquiries.count()} inquiries ({by_status['open']} open, "
        f"{by_status['replied']} replied, {by_status['closed']} closed, {by_status['spam']} "
        f"spam; {inquiries.filter(outcome='deal_won').count()} deals won), "
        f"{requests.count()} buying requests ({requests.filter(status='open').count()} open) "
        f"with {Quote.objects.count()} quotes, {ShortlistItem.objects.count()} saved products; "
        f"deals: {deals_summary()}"
    )
