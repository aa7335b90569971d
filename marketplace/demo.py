"""Demo buyers, inquiries, buying requests and quotes for ``seed_demo``.

Runs after ``umkm.demo.seed_businesses`` and ``mentoring.demo.seed_mentoring``: six
buyers abroad with company profiles (the demo buyer and buyer1..buyer5), the staff's
exchange rate, shortlists, inquiry threads in every state (open, replied, closed with
each outcome, one marked as spam, some with a mentor's advice) and buying requests
with quotes, one of them expired.

Everything goes through ``marketplace.services`` so that statuses, first-reply times
and notifications are the ones the application writes; the services stamp "now", so
times are then moved into the past with ``QuerySet.update()`` and the supplier cards
show varied response times. Notifications stay in the app (emails marked skipped in
the same transaction). Keys: emails, (buyer, supplier, product) for inquiries and
(buyer, title) for buying requests, so a second run creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from mentoring.demo import (
    DEMO_OWNER_EMAIL,
    DEMO_STAFF_EMAIL,
    date_notifications,
    demo_user,
    ensure_account,
    last_notification_pk,
    skip_emails,
)
from umkm.demo import BULK_EMAIL_DOMAIN, bulk_password_hash, bulk_products, bulk_target
from umkm.models import Business, Category, Product

from . import services
from .models import (
    BuyerProfile,
    BuyingRequest,
    ExchangeRate,
    Inquiry,
    InquiryMessage,
    Quote,
    ShortlistItem,
)
from .selectors import current_rate_forget

DEMO_BUYER_EMAIL = "buyer@demo.jembatan.id"
SPAM_EMAIL = "global.leads@demo.jembatan.id"

# --------------------------------------------------------------------------- buyers


@dataclass(frozen=True)
class BuyerSpec:
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


T = BuyerProfile.BuyerType
BUYERS: list[BuyerSpec] = [
    BuyerSpec(
        DEMO_BUYER_EMAIL,
        "Emma Lindqvist",
        "Europe/Stockholm",
        "Nordic Pantry AB",
        "SE",
        T.IMPORTER,
        "https://www.nordicpantry.example",
        "Tropical fruit snacks, specialty coffee and handwoven textiles for Nordic grocery "
        "and design stores. We look for clean labels, recyclable packs and stories of the "
        "makers.",
        ("snacks", "coffee-tea", "batik-songket"),
        (
            (DEMO_OWNER_EMAIL, "Pineapple chips, original"),
            (DEMO_OWNER_EMAIL, "Honey-glazed pineapple chips"),
            ("owner3@demo.jembatan.id", "Liberica drip bags"),
            ("owner14@demo.jembatan.id", "Siak woven shawl"),
            ("owner31@demo.jembatan.id", "Stingless-bee (kelulut) honey"),
        ),
    ),
    BuyerSpec(
        "buyer1@demo.jembatan.id",
        "Mohd Faizal bin Rahman",
        "Asia/Kuala_Lumpur",
        "Faizal Halal Trading Sdn. Bhd.",
        "MY",
        T.DISTRIBUTOR,
        "https://www.faizalhalal.example",
        "Halal snacks, durian products and forest honey for minimarts in Johor and Melaka.",
        ("sweets-cakes", "honey", "snacks"),
        (
            ("owner2@demo.jembatan.id", "Durian lempuk (durian toffee)"),
            ("owner28@demo.jembatan.id", "Bulk forest honey"),
            ("owner15@demo.jembatan.id", "Hand-drawn Riau batik"),
        ),
    ),
    BuyerSpec(
        "buyer2@demo.jembatan.id",
        "Tan Wei Ling",
        "Asia/Singapore",
        "Lion City Provisions Pte. Ltd.",
        "SG",
        T.ONLINE,
        "https://www.lioncityprovisions.example",
        "Indonesian coffee, spice pastes and gift-box snacks for our online shop and two "
        "delis in Singapore.",
        ("coffee-tea", "spices-condiments", "snacks"),
        (
            ("owner3@demo.jembatan.id", "Meranti Liberica green coffee"),
            ("owner8@demo.jembatan.id", "Rendang spice paste"),
        ),
    ),
    BuyerSpec(
        "buyer3@demo.jembatan.id",
        "Pieter van den Berg",
        "Europe/Amsterdam",
        "Toko Oranje Import B.V.",
        "NL",
        T.IMPORTER,
        "https://www.tokooranje.example",
        "Indonesian staples and crafts for tokos in the Netherlands and Belgium: sago, "
        "spices, sambal, and FSC/SVLK timber furniture.",
        ("sago-staples", "spices-condiments", "indoor-furniture"),
        (
            ("owner5@demo.jembatan.id", "Meranti sago flour"),
            ("owner23@demo.jembatan.id", "Sungkai-wood dining set"),
        ),
    ),
    BuyerSpec(
        "buyer4@demo.jembatan.id",
        "Yuki Tanaka",
        "Asia/Tokyo",
        "Sakura Living Goods K.K.",
        "JP",
        T.RETAILER,
        "https://www.sakuraliving.example",
        "Natural-material homeware (rattan, pandan, wood) and single-origin coffee for our "
        "twelve lifestyle stores in Kanto.",
        ("woven-goods", "rattan-furniture", "coffee-tea"),
        (
            ("owner17@demo.jembatan.id", "Round rattan basket"),
            ("owner24@demo.jembatan.id", "Rattan lounge chair"),
            ("owner11@demo.jembatan.id", "Single-origin Liberica"),
        ),
    ),
    BuyerSpec(
        "buyer5@demo.jembatan.id",
        "Omar Al Mansoori",
        "Asia/Dubai",
        "Al Waha Foodstuff Trading LLC",
        "AE",
        T.DISTRIBUTOR,
        "https://www.alwahafoodstuff.example",
        "Halal-certified honey, sago and ready-to-cook spice pastes for supermarkets in "
        "the UAE and Oman.",
        ("honey", "sago-staples", "spices-condiments"),
        (
            ("owner28@demo.jembatan.id", "Sialang forest honey, 1 kg"),
            ("owner5@demo.jembatan.id", "Sago pearls"),
        ),
    ),
]
# A lead-selling "buyer" whose message staff mark as spam; no company profile.
SPAMMER = ("Global Trade Leads", "UTC")


def _seed_buyers(now: datetime) -> dict[str, User]:
    password_hash = make_password(DEMO_PASSWORD)
    categories = {c.slug: c for c in Category.objects.all()}
    buyers = {}
    for n, spec in enumerate(BUYERS):
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
    spammer, _created = ensure_account(
        email=SPAM_EMAIL,
        full_name=SPAMMER[0],
        role=User.Role.BUYER,
        language="en",
        tz=SPAMMER[1],
        password_hash=password_hash,
    )
    buyers[SPAM_EMAIL] = spammer
    return buyers


def _product(business: Business, name_start: str) -> Product | None:
    listed = Product.objects.listed().filter(business=business)
    return listed.filter(name_en__startswith=name_start).first() or listed.order_by("pk").first()


def _seed_shortlists(buyers: dict[str, User], businesses: dict[str, Business], now) -> None:
    for spec in BUYERS:
        buyer = buyers[spec.email]
        for k, (owner_email, name) in enumerate(spec.shortlist):
            business = businesses.get(owner_email)
            product = _product(business, name) if business else None
            if (
                product is None
                or ShortlistItem.objects.filter(buyer=buyer, product=product).exists()
            ):
                continue
            services.shortlist_add(buyer=buyer, product=product)
            ShortlistItem.objects.filter(buyer=buyer, product=product).update(
                created_at=now - timedelta(days=30 - 4 * k, hours=k)
            )


def _seed_rates(staff: User, now: datetime) -> None:
    for rate, days in ((Decimal("16100.00"), 38), (Decimal("16250.00"), 3)):
        if not ExchangeRate.objects.filter(idr_per_usd=rate, set_by=staff).exists():
            ExchangeRate.objects.create(
                idr_per_usd=rate, set_by=staff, valid_from=now - timedelta(days=days)
            )
    current_rate_forget()


# --------------------------------------------------------------------------- inquiries

BUYER, SUPPLIER, ADVICE = "buyer", "supplier", "advice"


@dataclass(frozen=True)
class InquirySpec:
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


D = 24  # hours a day
INQUIRIES: list[InquirySpec] = [
    # The demo owner: one waiting for an answer (with the mentor's advice), one in
    # progress with a sample on its way, one won.
    InquirySpec(
        DEMO_BUYER_EMAIL,
        DEMO_OWNER_EMAIL,
        "Pineapple chips, original",
        2400,
        "pack",
        "FOB",
        "SE",
        "Gothenburg",
        "1.10",
        6,
        (
            (
                BUYER,
                0,
                "Hello Ibu Siti, we are a Swedish importer of healthy snacks and saw your "
                "vacuum-fried pineapple chips. Could you quote FOB Dumai for 2,400 packs of "
                "100 g, with shelf life and your lead time? Do you have an English back "
                "label, or could you print one for us?",
            ),
            (
                "advice:mentor@demo.jembatan.id",
                4,
                "Bu Siti, buyer ini serius: importir di Swedia, datanya lengkap. Sebelum "
                "membalas, hitung ulang harga FOB per pack untuk 2.400 pack (lihat lembar "
                "HPP dari sesi kita), tawarkan 2 pack sampel berbayar, dan sebutkan masa "
                "simpan 9 bulan. Untuk label bahasa Inggris, jawab bisa dengan stiker dulu.",
            ),
        ),
    ),
    InquirySpec(
        "buyer2@demo.jembatan.id",
        DEMO_OWNER_EMAIL,
        "Honey-glazed pineapple chips",
        600,
        "pack",
        "CIF",
        "SG",
        "Singapore",
        "2.20",
        9 * D,
        (
            (
                BUYER,
                0,
                "Hi, we run an online deli in Singapore. Is the honey-glazed version Halal "
                "certified, and what is the shelf life once opened? We would start with 600 "
                "packs CIF Singapore.",
            ),
            (
                SUPPLIER,
                5,
                "Dear Ms Tan, thank you for your interest. Yes, all our chips are Halal "
                "certified (BPJPH) and made in a P-IRT kitchen. Shelf life is 8 months "
                "unopened; once opened we advise finishing within a week. For 600 packs CIF "
                "Singapore our price is USD 2.35 per pack.",
            ),
            (
                BUYER,
                7,
                "Thank you, that is clear. Could you send 4 sample packs by courier? We "
                "will pay the shipping.",
            ),
            (
                SUPPLIER,
                26,
                "Samples are packed and will leave Pekanbaru tomorrow by DHL. I will send "
                "the tracking number.",
            ),
            (
                SUPPLIER,
                50,
                "The samples have been sent; tracking number 7324 1189 05. Please let us "
                "know what your customers think.",
            ),
        ),
        outcome="sample_sent",
    ),
    InquirySpec(
        "buyer3@demo.jembatan.id",
        DEMO_OWNER_EMAIL,
        "Pineapple chips, original",
        3000,
        "pack",
        "FOB",
        "NL",
        "Rotterdam",
        "1.15",
        41 * D,
        (
            (
                BUYER,
                0,
                "Goedemiddag! We supply Indonesian tokos in the Netherlands. Can you do "
                "3,000 packs of the original pineapple chips FOB Dumai, with Dutch or "
                "English labels?",
            ),
            (
                SUPPLIER,
                3,
                "Dear Mr van den Berg, yes we can. FOB Dumai USD 1.18 per pack for 3,000 "
                "packs, 21 days production. English labels are included; Dutch labels as "
                "stickers at no extra cost.",
            ),
            (
                BUYER,
                20,
                "Agreed at USD 1.18. Please send the proforma invoice; we pay 30% deposit "
                "by bank transfer.",
            ),
            (
                SUPPLIER,
                23,
                "Thank you! Proforma invoice PI-2024-017 is attached to our email. We start "
                "production when the deposit arrives.",
            ),
        ),
        outcome="deal_won",
        deal_value="3540.00",
    ),
    InquirySpec(
        "buyer1@demo.jembatan.id",
        "owner2@demo.jembatan.id",
        "Durian lempuk (durian toffee)",
        1000,
        "pack",
        "FOB",
        "MY",
        "Port Klang",
        "3.00",
        60 * D,
        (
            (
                BUYER,
                0,
                "Assalamualaikum. We distribute Halal snacks in Johor. Price for 1,000 "
                "packs of durian lempuk FOB Dumai? Is your Halal logo recognised by JAKIM?",
            ),
            (
                SUPPLIER,
                2,
                "Waalaikumsalam Encik Faizal. USD 3.10 per pack FOB Dumai for 1,000 packs. "
                "Our Halal certificate is from BPJPH Indonesia, which JAKIM recognises.",
            ),
            (BUYER, 5, "Can you do USD 3.05 if we order every two months?"),
            (SUPPLIER, 6, "Yes, USD 3.05 for a standing order every two months. Deal."),
        ),
        outcome="deal_won",
        deal_value="3050.00",
    ),
    InquirySpec(
        "buyer4@demo.jembatan.id",
        "owner11@demo.jembatan.id",
        "Single-origin Liberica",
        300,
        "pack",
        "CIF",
        "JP",
        "Tokyo",
        None,
        16 * D,
        (
            (
                BUYER,
                0,
                "Hello, we are interested in your single-origin Liberica for our stores. "
                "Please tell us the roast date policy and whether you can ship 300 packs "
                "CIF Tokyo.",
            ),
            (
                SUPPLIER,
                20,
                "Hello Ms Tanaka, we roast to order and ship within 5 days of roasting. 300 "
                "packs CIF Tokyo: USD 4.60 per pack. Shall we send a sample first?",
            ),
            (BUYER, 30, "Yes, please send two packs. We will taste them with our team."),
        ),
        outcome="sample_sent",
    ),
    InquirySpec(
        "buyer3@demo.jembatan.id",
        "owner5@demo.jembatan.id",
        "Meranti sago flour",
        5000,
        "kg",
        "CIF",
        "NL",
        "Rotterdam",
        "0.75",
        11 * D,
        (
            (
                BUYER,
                0,
                "We are looking for sago flour for gluten-free baking in the Netherlands. "
                "5,000 kg CIF Rotterdam, in 25 kg bags. Do you have a certificate of "
                "analysis?",
            ),
            (
                "advice:mentor@demo.jembatan.id",
                10,
                "Bu, untuk Belanda minta mereka jelaskan syarat uji laboratorium (kadar air "
                "dan mikrobiologi) sebelum memberi harga CIF. Hitung juga ongkos kirim LCL "
                "dari Dumai lewat Port Klang; saya bisa bantu lewat telepon besok.",
            ),
            (
                SUPPLIER,
                26,
                "Dear Mr van den Berg, we can supply 5,000 kg in 25 kg PP bags. A "
                "certificate of analysis from a laboratory in Pekanbaru is available for "
                "each batch. CIF Rotterdam: USD 0.82 per kg.",
            ),
            (
                BUYER,
                40,
                "Thank you. USD 0.82 is above our target; what would FOB Dumai be? We may "
                "use our own forwarder.",
            ),
        ),
    ),
    InquirySpec(
        "buyer4@demo.jembatan.id",
        "owner24@demo.jembatan.id",
        "Rattan lounge chair",
        40,
        "piece",
        "FOB",
        "JP",
        "Yokohama",
        "95.00",
        34 * D,
        (
            (
                BUYER,
                0,
                "Could you quote 40 rattan lounge chairs FOB, and can you flat-pack them? "
                "Our target is USD 95 per chair.",
            ),
            (
                SUPPLIER,
                8,
                "Thank you Ms Tanaka. The chairs cannot be flat-packed; our best price is "
                "USD 118 FOB Dumai for 40 pieces, 45 days production.",
            ),
            (
                BUYER,
                30,
                "Unfortunately that is too far from our target with the freight volume. "
                "Maybe next season. Thank you for your time.",
            ),
        ),
        outcome="no_deal",
    ),
    InquirySpec(
        "buyer5@demo.jembatan.id",
        "owner28@demo.jembatan.id",
        "Bulk forest honey",
        2000,
        "kg",
        "CIF",
        "AE",
        "Jebel Ali",
        "9.00",
        3 * D + 5,
        (
            (
                BUYER,
                0,
                "Salam. We supply supermarkets in the UAE. We need 2,000 kg of wild forest "
                "honey in 25 kg pails, CIF Jebel Ali, with Halal certificate and a lab "
                "report (moisture, HMF). Please send your best price.",
            ),
        ),
    ),
    InquirySpec(
        "buyer1@demo.jembatan.id",
        "owner31@demo.jembatan.id",
        "Stingless-bee (kelulut) honey",
        400,
        "bottle",
        "FOB",
        "MY",
        "Pasir Gudang",
        None,
        26,
        (
            (
                BUYER,
                0,
                "Hello, is your kelulut honey raw and unheated? Price for 400 bottles of "
                "250 g FOB?",
            ),
        ),
    ),
    InquirySpec(
        DEMO_BUYER_EMAIL,
        "owner14@demo.jembatan.id",
        "Siak woven shawl",
        60,
        "piece",
        "DAP",
        "SE",
        "Stockholm",
        None,
        20 * D,
        (
            (
                BUYER,
                0,
                "Your Siak shawls are beautiful. For a design store in Stockholm we would "
                "take 60 pieces in three colours. Can you deliver DAP Stockholm?",
            ),
            (
                SUPPLIER,
                30,
                "Thank you Ms Lindqvist. Each shawl is woven by hand in about 10 days, so "
                "60 pieces take 6 weeks. DAP Stockholm: USD 38 per piece including "
                "airfreight.",
            ),
        ),
    ),
    InquirySpec(
        "buyer2@demo.jembatan.id",
        "owner3@demo.jembatan.id",
        "Meranti Liberica green coffee",
        3000,
        "kg",
        "FOB",
        "SG",
        "Singapore",
        "4.50",
        75 * D,
        (
            (
                BUYER,
                0,
                "We would like green Liberica, grade 1, for a roaster client. 3,000 kg FOB. "
                "Moisture content and cupping score, please.",
            ),
            (
                SUPPLIER,
                4,
                "Moisture below 12.5%, cupping score 82 (Q grader report available). FOB "
                "USD 4.70 per kg for 3,000 kg.",
            ),
            (BUYER, 28, "Agreed at USD 4.65 per kg; please prepare the contract."),
            (SUPPLIER, 30, "Thank you, the contract is on its way by email."),
        ),
        outcome="deal_won",
        deal_value="13950.00",
    ),
    InquirySpec(
        "buyer1@demo.jembatan.id",
        "owner15@demo.jembatan.id",
        "Hand-drawn Riau batik",
        50,
        "piece",
        "FOB",
        "MY",
        "Port Klang",
        "45.00",
        48 * D,
        (
            (BUYER, 0, "Price for 50 pieces of hand-drawn batik, tabir motif? Target USD 45."),
            (
                SUPPLIER,
                50,
                "Maaf for the late reply. Hand-drawn batik takes 3 weeks per piece; we "
                "cannot go below USD 58. We can offer stamped batik at USD 14.",
            ),
            (BUYER, 60, "Understood, we will stay with our current supplier for now."),
        ),
        outcome="no_deal",
    ),
    InquirySpec(
        "buyer3@demo.jembatan.id",
        "owner23@demo.jembatan.id",
        "Sungkai-wood dining set",
        20,
        "set",
        "CIF",
        "NL",
        "Rotterdam",
        None,
        8 * D,
        (
            (
                BUYER,
                0,
                "We need 20 dining sets for the EU market. Is the timber SVLK-certified, and "
                "can you provide the geolocation data the EU deforestation regulation asks "
                "for?",
            ),
            (
                SUPPLIER,
                72,
                "Dear Mr van den Berg, all our timber is SVLK-certified and we can share the "
                "V-Legal documents. We are checking the geolocation data with our supplier "
                "and will come back to you this week.",
            ),
        ),
    ),
    InquirySpec(
        "buyer5@demo.jembatan.id",
        "owner8@demo.jembatan.id",
        "Rendang spice paste",
        1200,
        "pack",
        "CIF",
        "AE",
        "Jebel Ali",
        "1.40",
        13 * D,
        (
            (BUYER, 0, "Rendang paste: 1,200 packs CIF Jebel Ali. Shelf life and Halal?"),
            (
                SUPPLIER,
                1,
                "Salam Mr Omar. 12 months shelf life in retort pouch, Halal BPJPH. CIF Jebel "
                "Ali USD 1.55 per pack. We can send samples this week.",
            ),
            (BUYER, 3, "Please send 3 samples of rendang and gulai paste."),
        ),
        outcome="sample_sent",
    ),
    InquirySpec(
        SPAM_EMAIL,
        "owner30@demo.jembatan.id",
        "Kepok banana chips",
        100000,
        "pack",
        "FOB",
        "ZZ",
        "",
        None,
        4 * D,
        (
            (
                BUYER,
                0,
                "CONGRATULATIONS! Your company is selected for our Global Buyers Database "
                "with 50,000 verified importers. Pay only USD 199 registration fee to "
                "receive guaranteed orders. Reply with your WhatsApp now!!!",
            ),
        ),
        spam=True,
    ),
]


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


@dataclass(frozen=True)
class RequestSpec:
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


REQUESTS: list[RequestSpec] = [
    RequestSpec(
        DEMO_BUYER_EMAIL,
        "Vacuum-fried fruit chips for a Nordic grocery chain",
        "We are launching a tropical snack range in 120 grocery stores in Sweden and "
        "Norway. Looking for vacuum-fried fruit chips (pineapple, jackfruit, banana) in "
        "80–120 g packs, no added preservatives, shelf life at least 9 months, with an "
        "English ingredient list. First order around 6,000 packs, then monthly.",
        "snacks",
        6000,
        "pack",
        "1.15",
        "SE",
        6,
        35,
        (
            (
                DEMO_OWNER_EMAIL,
                "Pineapple chips, original",
                "1.18",
                1000,
                21,
                30,
                "Dear Ms Lindqvist, our vacuum-fried pineapple chips fit your range: no "
                "preservatives, 9 months shelf life, Halal and P-IRT. USD 1.18 FOB Dumai "
                "from 1,000 packs, 21 days production. Samples available.",
            ),
            (
                "owner7@demo.jembatan.id",
                "Jackfruit chips",
                "1.25",
                1500,
                14,
                52,
                "Hello, we make jackfruit and pineapple chips from Kampar fruit. USD 1.25 "
                "FOB for jackfruit chips, MOQ 1,500 packs, 14 days.",
            ),
            (
                "owner30@demo.jembatan.id",
                "Kepok banana chips",
                "0.92",
                2000,
                14,
                70,
                "Banana chips from Kepok bananas, 200 g pack, USD 0.92 FOB, MOQ 2,000 "
                "packs. We can make 100 g packs too.",
            ),
        ),
        {
            DEMO_OWNER_EMAIL: "Thank you Ibu Siti. Could you send two packs as samples to "
            "our office in Malmö? We will pay the courier.",
        },
    ),
    RequestSpec(
        "buyer1@demo.jembatan.id",
        "Halal-certified forest honey in bulk",
        "Raw forest honey for repacking in Malaysia, in 25 kg food-grade pails. Halal "
        "certificate and a lab report (moisture below 21%, HMF) required. About 3,000 kg "
        "per quarter.",
        "honey",
        3000,
        "kg",
        "8.50",
        "MY",
        10,
        20,
        (
            (
                "owner28@demo.jembatan.id",
                "Bulk forest honey",
                "9.10",
                250,
                10,
                8,
                "Wild sialang honey from Pelalawan forests, 25 kg pails, moisture 19-20%, "
                "Halal BPJPH and organic certificate. USD 9.10 per kg FOB Dumai.",
            ),
            (
                "owner31@demo.jembatan.id",
                "Stingless-bee (kelulut) honey",
                "8.40",
                200,
                14,
                49,
                "We offer kelulut (stingless-bee) honey, a premium product in Malaysia. "
                "USD 8.40 per bottle of 250 g, or bulk on request.",
            ),
        ),
    ),
    RequestSpec(
        "buyer4@demo.jembatan.id",
        "Handwoven rattan and pandan baskets",
        "Storage baskets for our lifestyle stores: natural colours, sizes S/M/L, neat "
        "finishing, packed in nested sets. 800 pieces for the spring season.",
        "woven-goods",
        800,
        "piece",
        "6.00",
        "JP",
        4,
        45,
        (
            (
                "owner17@demo.jembatan.id",
                "Round rattan basket",
                "5.60",
                200,
                30,
                20,
                "Round rattan baskets in three nested sizes, natural finish. USD 5.60 per "
                "piece FOB, 30 days for 800 pieces.",
            ),
            (
                "owner16@demo.jembatan.id",
                "Pandan mat",
                "6.40",
                100,
                40,
                60,
                "Kami kelompok penganyam pandan di Kampar. Woven pandan baskets, natural "
                "colour, USD 6.40 per piece, 40 days.",
            ),
        ),
    ),
    RequestSpec(
        "buyer3@demo.jembatan.id",
        "Liberica green coffee for specialty roasters",
        "Green Liberica beans, grade 1, for specialty roasters in the Netherlands and "
        "Belgium. Please include moisture, screen size and a cupping report.",
        "coffee-tea",
        6000,
        "kg",
        None,
        "NL",
        1,
        60,
    ),
    RequestSpec(
        "buyer2@demo.jembatan.id",
        "Ready-to-cook spice pastes (rendang, gulai)",
        "Spice pastes in retort pouches for our online shop, Halal, at least 12 months "
        "shelf life, English label. Mixed container: rendang, gulai and sambal.",
        "spices-condiments",
        2400,
        "pack",
        "1.35",
        "SG",
        2,
        25,
        (
            (
                "owner8@demo.jembatan.id",
                "Rendang spice paste",
                "1.30",
                300,
                14,
                5,
                "Rendang and gulai pastes from our family recipe, retort pouch, 12 months, "
                "Halal. USD 1.30 FOB for each, mixed orders welcome.",
            ),
        ),
    ),
    RequestSpec(
        "buyer5@demo.jembatan.id",
        "Sago pearls for Ramadan desserts",
        "Sago pearls in 500 g retail packs for supermarkets in the UAE before Ramadan. "
        "Halal certificate required.",
        "sago-staples",
        10000,
        "pack",
        "0.70",
        "AE",
        50,
        -15,
        (
            (
                "owner5@demo.jembatan.id",
                "Sago pearls",
                "0.72",
                500,
                21,
                16,
                "Sago pearls from Meranti sago, 500 g packs, Halal. USD 0.72 FOB, 21 days.",
            ),
        ),
    ),
]


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
        for spec in sorted(INQUIRIES, key=lambda s: -s.age_hours):
            _seed_inquiry(spec, buyers=buyers, businesses=businesses, staff=staff, now=now)
        for spec in sorted(REQUESTS, key=lambda s: -s.age_days):
            _seed_request(
                spec, buyers=buyers, businesses=businesses, categories=categories, now=now
            )
        skip_emails(start)


# --------------------------------------------------------------------------- scale mode

PRODUCTS_PER_BULK_INQUIRY = 20
INQUIRIES_PER_BULK_BUYER = 10
BULK_BUYER_COUNTRIES = ["MY", "SG", "NL", "JP", "AE", "AU", "DE", "US", "SA", "KR"]
BULK_BUYER_TYPES = [str(t) for t in BuyerProfile.BuyerType]


def bulk_buyers():
    return User.objects.filter(
        role=User.Role.BUYER, email__startswith="bulk.buyer", email__endswith=BULK_EMAIL_DOMAIN
    )


def seed_bulk_marketplace(n_products: int) -> dict[str, int]:
    """Buyers and inquiry threads in proportion to the benchmark products.

    One inquiry per 20 benchmark products (on a benchmark product, to its supplier) and
    one buyer per ten inquiries; six threads in ten have the supplier's reply. Plain bulk
    inserts, no notifications; idempotent for the same ``n_products``. Returns how many
    rows of each kind were added.
    """
    added = {"buyers": 0, "inquiries": 0, "messages": 0}
    target = bulk_target(n_products, PRODUCTS_PER_BULK_INQUIRY)
    have = Inquiry.objects.filter(buyer__in=bulk_buyers()).count()
    if have >= target:
        return added
    products = list(
        bulk_products().order_by("slug").values_list("pk", "business_id", "name_en", "moq", "unit")
    )
    if not products:
        return added
    owners = dict(Business.objects.values_list("pk", "owner_id"))
    now = timezone.now()
    with transaction.atomic():
        buyers_have = bulk_buyers().count()
        buyers_target = bulk_target(target, INQUIRIES_PER_BULK_BUYER)
        if buyers_have < buyers_target:
            password_hash = bulk_password_hash()
            new = User.objects.bulk_create(
                [
                    User(
                        email=f"bulk.buyer{i:04d}@{BULK_EMAIL_DOMAIN}",
                        full_name=f"Buyer {i:04d}",
                        role=User.Role.BUYER,
                        language="en",
                        timezone="UTC",
                        password=password_hash,
                        date_joined=now - timedelta(days=100 + i % 200),
                    )
                    for i in range(buyers_have + 1, buyers_target + 1)
                ],
                batch_size=1000,
            )
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new]
            )
            BuyerProfile.objects.bulk_create(
                [
                    BuyerProfile(
                        user=u,
                        company=f"Benchmark Trading {k:04d}",
                        country=BULK_BUYER_COUNTRIES[k % len(BULK_BUYER_COUNTRIES)],
                        buyer_type=BULK_BUYER_TYPES[k % len(BULK_BUYER_TYPES)],
                    )
                    for k, u in enumerate(new, start=buyers_have + 1)
                ]
            )
            added["buyers"] = len(new)
        buyers = list(bulk_buyers().select_related("buyer_profile").order_by("email"))
        inquiries = []
        for n in range(have, target):
            pk, business_id, name_en, moq, unit = products[(n * 17) % len(products)]
            buyer = buyers[n % len(buyers)]
            replied = n % 10 < 6
            sent = now - timedelta(hours=6 + (n * 7) % (24 * 120))
            inquiries.append(
                Inquiry(
                    buyer=buyer,
                    business_id=business_id,
                    product_id=pk,
                    subject=f"Inquiry: {name_en}"[:200],
                    quantity=(moq or 1) * (2 + n % 5),
                    unit=unit,
                    target_price_usd=None,
                    incoterm="FOB",
                    destination_country=buyer.buyer_profile.country,
                    status=Inquiry.Status.REPLIED if replied else Inquiry.Status.OPEN,
                    first_reply_at=sent + timedelta(hours=2 + n % 40) if replied else None,
                    last_message_at=sent + timedelta(hours=2 + n % 40) if replied else sent,
                )
            )
        inquiries = Inquiry.objects.bulk_create(inquiries, batch_size=2000)
        messages = []
        for inquiry in inquiries:
            messages.append(
                InquiryMessage(
                    inquiry=inquiry,
                    author=inquiry.buyer,
                    author_role=InquiryMessage.Role.BUYER,
                    body="Please send your best FOB price, packing details and lead time.",
                )
            )
            if inquiry.first_reply_at:
                messages.append(
                    InquiryMessage(
                        inquiry=inquiry,
                        author_id=owners[inquiry.business_id],
                        author_role=InquiryMessage.Role.SUPPLIER,
                        body="Thank you for your interest; our quotation is below.",
                    )
                )
        InquiryMessage.objects.bulk_create(messages, batch_size=2000)
        # auto_now_add stamped "now": move the threads to when they happened.
        new_pks = [i.pk for i in inquiries]
        Inquiry.objects.filter(pk__in=new_pks, first_reply_at__isnull=True).update(
            created_at=F("last_message_at")
        )
        Inquiry.objects.filter(pk__in=new_pks, first_reply_at__isnull=False).update(
            created_at=F("first_reply_at") - timedelta(hours=3)
        )
        sent_at = Inquiry.objects.filter(pk=OuterRef("inquiry_id"))
        InquiryMessage.objects.filter(inquiry__in=new_pks, author_role="buyer").update(
            created_at=Subquery(sent_at.values("created_at")[:1])
        )
        InquiryMessage.objects.filter(inquiry__in=new_pks, author_role="supplier").update(
            created_at=Subquery(sent_at.values("first_reply_at")[:1])
        )
        added["inquiries"] = len(inquiries)
        added["messages"] = len(messages)
    return added


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
        f"with {Quote.objects.count()} quotes, {ShortlistItem.objects.count()} saved products"
    )


__all__ = [
    "BUYERS",
    "INQUIRIES",
    "REQUESTS",
    "marketplace_summary",
    "seed_bulk_marketplace",
    "seed_marketplace",
]
