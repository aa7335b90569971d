"""Demo mentors, mentorships, logs, action items and trainings for ``seed_demo``.

Runs after ``umkm.demo.seed_businesses``: eight approved Bandung mentors with profiles,
mentorships in every state (the demo mentor keeps the nine businesses the UMKM seed gave
them and gets one request to answer), visit and call logs with action items (done, open,
overdue, some tied to a readiness gap), and fourteen training sessions around today:
done ones with attendance, feedback and certificates, upcoming ones (one full, with a
waiting list), one cancelled and one draft.

Everything goes through ``mentoring.services`` so that states, notifications and
certificate codes are the ones the application writes; times are then moved into the
past with ``QuerySet.update()`` (the services stamp "now"). Notifications written here
stay in the app: their emails are marked skipped in the same transaction, and the ones
about past events are dated and read. Keys are emails, mentor and business pairs and
session titles, so a second run creates nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import services as account_services
from accounts.demo import DEMO_PASSWORD, seed_accounts
from accounts.models import User
from notifications.models import Notification
from readiness.selectors import business_facts, business_readiness, product_readiness
from umkm.demo import BULK_EMAIL_DOMAIN, bulk_businesses, bulk_password_hash, bulk_target
from umkm.models import Business, Product

from .models import (
    ActionItem,
    MentoringLog,
    MentorProfile,
    Mentorship,
    Registration,
    TrainingSession,
)
from .services import mentorships as mentorship_services
from .services import trainings as training_services

DEMO_OWNER_EMAIL = "owner@demo.jembatan.id"
DEMO_MENTOR_EMAIL = "mentor@demo.jembatan.id"
DEMO_STAFF_EMAIL = "staff@demo.jembatan.id"
Topic = MentorProfile.Topic

# --------------------------------------------------------------------------- helpers


def last_notification_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def date_notifications(since: int, when: datetime, *, read: bool = True) -> int:
    """Date the notifications written after ``since`` at ``when`` (read soon after)."""
    return Notification.objects.filter(pk__gt=since).update(
        created_at=when, read_at=when + timedelta(hours=3) if read else None
    )


def skip_emails(since: int) -> int:
    """The seed's notifications stay in the app: no email flood on ``make run``."""
    return Notification.objects.filter(
        pk__gt=since, email_status=Notification.EmailStatus.PENDING
    ).update(email_status=Notification.EmailStatus.SKIPPED)


def demo_user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        seed_accounts()
        user = User.objects.get(email=email)
    return user


def ensure_account(
    *, email: str, full_name: str, role: str, language: str, tz: str, password_hash: str
) -> tuple[User, bool]:
    """A demo account with the demo password and a verified address (idempotent)."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "role": role, "language": language}
    )
    user.full_name = full_name
    user.role = role
    user.language = language
    user.timezone = tz
    user.is_active = True
    user.password = password_hash
    user.save(update_fields=["full_name", "role", "language", "timezone", "is_active", "password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    account_services.user_email_verified(user=user)
    return user, created


def _local(day_offset: int, hour: int, minute: int = 0, *, now: datetime) -> datetime:
    """``hour:minute`` WIB on the day ``day_offset`` days from today."""
    zone = timezone.get_default_timezone()
    day = timezone.localdate(now) + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), zone)


# --------------------------------------------------------------------------- mentors


@dataclass(frozen=True)
class MentorSpec:
    email: str
    full_name: str
    organisation: str
    topics: tuple[str, ...]
    capacity: int
    bio_id: str
    bio_en: str


MENTORS: list[MentorSpec] = [
    MentorSpec(
        DEMO_MENTOR_EMAIL,
        "Dimas Prasetyo",
        "Rumah BUMN Bandung",
        (Topic.EXPORT, Topic.PRICING, Topic.PACKAGING),
        # The UMKM seed already gave the demo mentor nine businesses; room for three
        # more, so the request waiting on their dashboard can be accepted in the demo.
        12,
        "Pendamping ekspor di Rumah BUMN Bandung sejak 2016. Sudah membantu lebih dari 40 "
        "UMKM Jawa Barat mengirim produk pertama mereka ke Malaysia, Singapura dan Eropa: "
        "mulai dari menghitung harga FOB sampai menyiapkan dokumen pengapalan.",
        "Export coach at Rumah BUMN Bandung since 2016. Has helped more than 40 West Java "
        "small businesses ship their first orders to Malaysia, Singapore and Europe, from "
        "FOB costing to shipping documents.",
    ),
    MentorSpec(
        "mentor1@demo.jembatan.id",
        "Neneng Ratnasari",
        "Universitas Padjadjaran (Fakultas Teknologi Industri Pertanian)",
        (Topic.FOOD_SAFETY, Topic.PACKAGING),
        6,
        "Dosen teknologi pangan di Unpad dan auditor internal halal. Mendampingi UMKM pangan "
        "menyusun alur produksi yang aman, mengurus P-IRT, BPOM MD dan sertifikat Halal "
        "BPJPH, serta memilih kemasan yang tahan lama untuk pengiriman jauh.",
        "Food technology lecturer at Universitas Padjadjaran and internal halal auditor. "
        "Helps food businesses set up safe production, obtain P-IRT, BPOM MD and BPJPH Halal "
        "certificates, and choose packaging that survives long shipments.",
    ),
    MentorSpec(
        "mentor2@demo.jembatan.id",
        "Asep Gunawan",
        "Sekolah Bisnis dan Manajemen ITB",
        (Topic.EXPORT, Topic.PRICING, Topic.FINANCE),
        5,
        "Peneliti di SBM ITB untuk perdagangan internasional UMKM. Fokus pada struktur biaya, "
        "harga FOB dan CIF, negosiasi kontrak pertama, serta cara membaca Letter of Credit.",
        "Researcher in small-business international trade at SBM ITB. Works on cost "
        "structures, FOB and CIF pricing, first-contract negotiation and reading letters of "
        "credit.",
    ),
    MentorSpec(
        "mentor3@demo.jembatan.id",
        "Rizky Ramdhani",
        "Telkom University (Fakultas Komunikasi dan Bisnis)",
        (Topic.DIGITAL_MARKETING, Topic.PHOTOGRAPHY, Topic.BRANDING),
        8,
        "Pengajar pemasaran digital di Telkom University dan fotografer produk. Mengajarkan "
        "foto produk dengan ponsel, katalog online, dan promosi lewat marketplace B2B.",
        "Digital marketing lecturer at Telkom University and product photographer. Teaches "
        "phone product photography, online catalogues and promotion on B2B marketplaces.",
    ),
    MentorSpec(
        "mentor4@demo.jembatan.id",
        "Euis Komalasari",
        "KADIN Jawa Barat (Komite Tetap Ekspor)",
        (Topic.EXPORT, Topic.ENGLISH),
        4,
        "Pengurus Komite Tetap Ekspor KADIN Jawa Barat dengan 15 tahun pengalaman di "
        "perusahaan trading. Membantu UMKM bertemu buyer, menyiapkan pameran, dan "
        "berkorespondensi dalam bahasa Inggris.",
        "Member of KADIN West Java's export committee with 15 years in trading companies. "
        "Helps small businesses meet buyers, prepare for trade fairs and correspond in "
        "English.",
    ),
    MentorSpec(
        "mentor5@demo.jembatan.id",
        "Cecep Hidayat",
        "Institut Teknologi Nasional Bandung (Desain Produk)",
        (Topic.PACKAGING, Topic.BRANDING, Topic.PHOTOGRAPHY),
        6,
        "Desainer produk dan kemasan, dosen di Itenas Bandung. Membantu pengrajin dan "
        "produsen makanan merancang kemasan, logo dan cerita merek yang dipahami pembeli "
        "luar negeri.",
        "Product and packaging designer, lecturer at Itenas Bandung. Helps craftspeople and "
        "food makers design packaging, logos and brand stories that buyers abroad "
        "understand.",
    ),
    MentorSpec(
        "mentor6@demo.jembatan.id",
        "Dewi Anggraeni",
        "Politeknik Negeri Bandung (Jurusan Bahasa Inggris)",
        (Topic.ENGLISH, Topic.DIGITAL_MARKETING),
        3,
        "Dosen bahasa Inggris bisnis di Polban. Melatih pemilik usaha menulis email "
        "penawaran, membalas inquiry, dan presentasi singkat produk di depan buyer.",
        "Business English lecturer at Politeknik Negeri Bandung. Trains owners to write "
        "offers, answer inquiries and pitch their products to buyers.",
    ),
    MentorSpec(
        "mentor7@demo.jembatan.id",
        "Yudi Permana",
        "Universitas Pasundan (Teknologi Pangan)",
        (Topic.FINANCE, Topic.PRICING, Topic.FOOD_SAFETY),
        5,
        "Konsultan keuangan UMKM dan dosen di Unpas. Mendampingi pembukuan sederhana, "
        "pemisahan keuangan usaha dan pribadi, serta pengajuan KUR untuk menambah kapasitas "
        "produksi.",
        "Small-business finance consultant and lecturer at Universitas Pasundan. Coaches "
        "simple bookkeeping, separating business and personal money, and applying for KUR "
        "loans to grow production.",
    ),
]


def _seed_mentors(staff: User, now: datetime) -> dict[str, User]:
    password_hash = make_password(DEMO_PASSWORD)
    mentors = {}
    for n, spec in enumerate(MENTORS):
        if spec.email == DEMO_MENTOR_EMAIL:
            mentor = demo_user(spec.email)  # seed_accounts owns the account itself
        else:
            mentor, _created = ensure_account(
                email=spec.email,
                full_name=spec.full_name,
                role=User.Role.MENTOR,
                language="id",
                tz="Asia/Jakarta",
                password_hash=password_hash,
            )
        if account_services.mentor_approve(mentor=mentor, approved_by=staff):
            User.objects.filter(pk=mentor.pk).update(
                mentor_approved_at=now - timedelta(days=200 - 9 * n)
            )
            mentor.refresh_from_db(fields=["mentor_approved_at"])
        MentorProfile.objects.update_or_create(
            user=mentor,
            defaults={
                "topics": [str(topic) for topic in spec.topics],
                "bio_id": spec.bio_id,
                "bio_en": spec.bio_en,
                "organisation": spec.organisation,
                "city": "Bandung",
                "capacity": spec.capacity,
                "is_paused": False,
            },
        )
        mentors[spec.email] = mentor
    return mentors


# --------------------------------------------------------------------------- mentorships

# (owner email, mentor email, "assign" by staff or "accept" a request, days ago)
ACTIVE = [
    ("owner4@demo.jembatan.id", "mentor1@demo.jembatan.id", "assign", 84),
    ("owner9@demo.jembatan.id", "mentor1@demo.jembatan.id", "accept", 61),
    ("owner7@demo.jembatan.id", "mentor1@demo.jembatan.id", "accept", 35),
    ("owner12@demo.jembatan.id", "mentor1@demo.jembatan.id", "assign", 18),
    ("owner26@demo.jembatan.id", "mentor2@demo.jembatan.id", "assign", 96),
    ("owner11@demo.jembatan.id", "mentor2@demo.jembatan.id", "accept", 27),
    ("owner20@demo.jembatan.id", "mentor3@demo.jembatan.id", "accept", 73),
    ("owner21@demo.jembatan.id", "mentor3@demo.jembatan.id", "assign", 44),
    ("owner28@demo.jembatan.id", "mentor4@demo.jembatan.id", "accept", 88),
    ("owner31@demo.jembatan.id", "mentor4@demo.jembatan.id", "accept", 22),
    ("owner17@demo.jembatan.id", "mentor5@demo.jembatan.id", "assign", 67),
    ("owner24@demo.jembatan.id", "mentor5@demo.jembatan.id", "accept", 52),
    ("owner23@demo.jembatan.id", "mentor6@demo.jembatan.id", "assign", 40),
    ("owner6@demo.jembatan.id", "mentor7@demo.jembatan.id", "accept", 31),
    ("owner10@demo.jembatan.id", "mentor7@demo.jembatan.id", "assign", 15),
]
# Finished before the current mentor took over: (owner, mentor, started, ended days ago).
COMPLETED = [
    ("owner11@demo.jembatan.id", "mentor4@demo.jembatan.id", 150, 60),
]
# Waiting for an answer: (owner, mentor, hours ago, message).
REQUESTED = [
    (
        "owner30@demo.jembatan.id",
        DEMO_MENTOR_EMAIL,
        20,
        "Assalamualaikum Pak Dimas. Kami produsen keripik pisang dan talas di Pekanbaru. "
        "Ada buyer dari Swedia yang bertanya harga FOB dan kami belum pernah ekspor. Mohon "
        "pendampingan untuk menghitung harga dan menyiapkan kemasan ekspor.",
    ),
    (
        "owner22@demo.jembatan.id",
        "mentor3@demo.jembatan.id",
        41,
        "Pak Rizky, kami ingin tanjak dan songkok kami tampil lebih menarik di katalog. "
        "Foto kami masih seadanya. Bisakah Bapak membantu?",
    ),
    (
        "owner16@demo.jembatan.id",
        "mentor5@demo.jembatan.id",
        30,
        "Pak Cecep, kami kelompok penganyam pandan di Kampar. Kami butuh saran desain "
        "produk yang disukai pasar Jepang dan kemasannya.",
    ),
    (
        "owner25@demo.jembatan.id",
        "mentor6@demo.jembatan.id",
        52,
        "Bu Dewi, kami sering menerima email dari buyer Malaysia dan Belanda tetapi "
        "kesulitan membalas dalam bahasa Inggris. Mohon bimbingannya.",
    ),
]
# Declined: (owner, mentor, days ago, message, reason).
DECLINED = [
    (
        "owner25@demo.jembatan.id",
        "mentor1@demo.jembatan.id",
        12,
        "Bu Neneng, kami butuh pendampingan untuk ekspor mebel ukir ke Malaysia.",
        "Mohon maaf, keahlian saya di bidang pangan dan keamanan pangan, bukan mebel dan "
        "SVLK. Silakan ajukan ke Pak Cecep (desain produk) atau Bu Euis (ekspor), "
        "keduanya lebih cocok untuk usaha Bapak.",
    ),
]

LOG_NOTES = [
    # (sectors or None for any, mode, hours, note)
    (
        None,
        MentoringLog.Mode.VISIT,
        "2.5",
        "Kunjungan pertama ke tempat produksi {business}. Kami berkeliling dari gudang bahan "
        "sampai area pengemasan, lalu menyusun daftar prioritas bersama pemilik: kemasan dan "
        "label, foto produk, dan perhitungan harga ekspor. Pemilik sangat antusias; target "
        "tiga bulan ke depan adalah inquiry pertama dari buyer luar negeri.",
    ),
    (
        None,
        MentoringLog.Mode.VIDEO,
        "1.5",
        "Sesi daring membahas perhitungan harga FOB untuk {product}. Biaya bahan, tenaga "
        "kerja, kemasan, dan ongkos angkut ke Pelabuhan Dumai sudah dihitung; margin yang "
        "diinginkan sekitar 25%. Pemilik akan memperbarui harga FOB di katalog.",
    ),
    (
        None,
        MentoringLog.Mode.CALL,
        "0.5",
        "Telepon singkat soal pertanyaan buyer: apa arti MOQ, dan beda FOB dengan CIF. Saya "
        "jelaskan bahwa untuk pengiriman pertama sebaiknya menawarkan FOB agar asuransi dan "
        "ongkos kapal diurus buyer.",
    ),
    (
        None,
        MentoringLog.Mode.CHAT,
        "0.5",
        "Diskusi lewat WhatsApp tentang foto {product}. Foto yang ada terlalu gelap dan "
        "latarnya ramai. Saya kirim contoh foto berlatar putih dengan cahaya dari jendela; "
        "pemilik akan memotret ulang minggu ini.",
    ),
    (
        None,
        MentoringLog.Mode.CALL,
        "1.0",
        "Latihan membalas inquiry dalam bahasa Inggris: salam pembuka, menjawab MOQ, harga "
        "dan waktu produksi, lalu menawarkan sampel berbayar. Template balasan sudah "
        "disimpan pemilik di ponselnya.",
    ),
    (
        None,
        MentoringLog.Mode.VIDEO,
        "1.0",
        "Review catatan keuangan tiga bulan terakhir. Uang usaha masih tercampur dengan "
        "rekening pribadi. Disepakati membuka rekening terpisah dan mencatat penjualan "
        "harian di buku kas sederhana.",
    ),
    (
        None,
        MentoringLog.Mode.VISIT,
        "2.0",
        "Cek kesiapan dokumen ekspor bersama petugas Disperindag. NIB sudah ada, tetapi "
        "pemilik belum paham Surat Keterangan Asal (SKA). Saya jelaskan alur e-SKA "
        "Kemendag, invoice dan packing list, serta biaya yang perlu disiapkan.",
    ),
    (
        {"food"},
        MentoringLog.Mode.VISIT,
        "3.0",
        "Meninjau dapur produksi {business}. Alur sudah rapi, tetapi meja pengemasan masih "
        "bersebelahan dengan karung bahan baku. Disepakati memisahkan area kemasan dan "
        "menulis kode produksi serta tanggal kedaluwarsa di setiap batch.",
    ),
    (
        {"food"},
        MentoringLog.Mode.VIDEO,
        "1.5",
        "Membahas sertifikat Halal BPJPH lewat jalur self declare di SIHALAL. Dokumen yang "
        "masih kurang: daftar bahan dengan bukti halal dari pemasok gula dan minyak goreng, "
        "serta foto proses produksi.",
    ),
    (
        {"food"},
        MentoringLog.Mode.CHAT,
        "0.5",
        "Label {product} belum mencantumkan berat bersih dalam gram, komposisi, dan alamat "
        "produsen dalam bahasa Inggris. Saya kirim contoh label bilingual untuk pasar "
        "Malaysia dan Singapura.",
    ),
    (
        {"crafts", "fashion"},
        MentoringLog.Mode.VISIT,
        "2.0",
        "Bertemu para pengrajin {business}. Kami menyusun cerita produk untuk katalog: asal "
        "motif, siapa yang mengerjakan, dan berapa hari satu produk selesai. Deskripsi "
        "bahasa Inggris akan ditulis dari cerita ini.",
    ),
    (
        {"furniture", "crafts"},
        MentoringLog.Mode.VIDEO,
        "1.5",
        "Diskusi SVLK dan dokumen V-Legal untuk pengiriman mebel dan kerajinan kayu. "
        "Pemilik perlu memastikan semua kayu berasal dari pemasok ber-SVLK dan menyimpan "
        "nota angkutannya. Kemasan ekspor: sudut dilapisi karton dan bubble wrap.",
    ),
    (
        {"agriculture"},
        MentoringLog.Mode.VISIT,
        "2.5",
        "Kunjungan ke kebun dan gudang {business}. Kami membahas standar mutu per kelas, "
        "kadar air, dan cara menimbang serta mengemas agar sesuai spesifikasi buyer. Sampel "
        "akan dikirim ke laboratorium di Pekanbaru.",
    ),
]

DONE_ITEMS = [
    "Pisahkan rekening usaha dari rekening pribadi",
    "Buat template balasan inquiry dalam bahasa Inggris",
    "Hitung ulang HPP per kemasan dengan harga bahan terbaru",
    "Daftarkan akun perusahaan di portal e-SKA Kemendag",
    "Kirim daftar kapasitas produksi per bulan ke mentor",
]
OPEN_ITEMS = [
    "Minta penawaran kemasan standing pouch dari dua pemasok",
    "Catat penjualan harian selama satu bulan penuh",
    "Siapkan tiga sampel kemasan baru untuk dinilai bersama",
    "Ikuti pelatihan English for Trade bulan ini",
    "Tulis cerita produk (asal bahan, proses, pembuat) untuk katalog",
]
OVERDUE_ITEMS = [
    "Perbarui label: berat bersih dalam gram dan alamat produsen dalam bahasa Inggris",
    "Kirim daftar bahan dan pemasok untuk pengajuan Halal",
    "Foto ulang produk dengan latar putih dan cahaya alami",
    "Bandingkan tarif kirim LCL dari Dumai dan Pekanbaru",
]
# Readiness gaps the seed links action items to, most useful first.
BUSINESS_GAPS = {
    "halal": "Perpanjang sertifikat Halal lewat SIHALAL (BPJPH) dan unggah sertifikat baru",
    "food_permit": "Urus perpanjangan P-IRT di Dinas Kesehatan dan unggah dokumennya",
    "nib": "Unggah NIB dari OSS agar bisa diverifikasi Disperindag",
    "contact": "Lengkapi nomor WhatsApp dan email usaha untuk buyer",
}
PRODUCT_GAPS = {
    "hs_code": "Tentukan kode HS yang tepat untuk {product} (cek BTKI 2022)",
    "fob": "Isi harga FOB dalam USD untuk {product}",
    "photos": "Tambah foto {product} hingga minimal tiga (depan, kemasan, detail)",
    "english": "Lengkapi nama dan deskripsi bahasa Inggris untuk {product}",
}


def _readiness_score(business: Business) -> int:
    facts = dataclasses.replace(business_facts(business), has_mentor=True)
    return business_readiness(business, facts=facts).score


def _seed_mentorships(
    mentors: dict[str, User], staff: User, owners: dict[str, User], now: datetime
) -> None:
    def business_of(email: str) -> Business | None:
        owner = owners.get(email)
        return Business.objects.filter(owner=owner).first() if owner else None

    def exists(business: Business, mentor: User) -> bool:
        return Mentorship.objects.filter(mentor=mentor, business=business).exists()

    for owner_email, mentor_email, started, ended in COMPLETED:
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        mentorship = mentorship_services.mentorship_assign(
            business=business, mentor=mentor, staff=staff
        )
        mentorship = mentorship_services.mentorship_complete(mentorship=mentorship, actor=mentor)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=now - timedelta(days=started),
            started_at=now - timedelta(days=started),
            ended_at=now - timedelta(days=ended),
        )

    for owner_email, mentor_email, how, days in ACTIVE:
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        since = last_notification_pk()
        if how == "assign":
            mentorship = mentorship_services.mentorship_assign(
                business=business, mentor=mentor, staff=staff
            )
            requested = now - timedelta(days=days)
        else:
            mentorship = mentorship_services.mentorship_request(
                owner=business.owner,
                mentor=mentor,
                message=(
                    "Kami ingin pendampingan agar produk kami siap ekspor: kemasan, label "
                    "bahasa Inggris, dan harga FOB."
                ),
            )
            mentorship = mentorship_services.mentorship_accept(mentorship=mentorship, mentor=mentor)
            requested = now - timedelta(days=days + 2)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=requested, started_at=now - timedelta(days=days)
        )
        date_notifications(since, now - timedelta(days=days))

    for owner_email, mentor_email, days, message, reason in DECLINED:
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        since = last_notification_pk()
        mentorship = mentorship_services.mentorship_request(
            owner=business.owner, mentor=mentor, message=message
        )
        mentorship_services.mentorship_decline(mentorship=mentorship, mentor=mentor, reason=reason)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=now - timedelta(days=days + 1), ended_at=now - timedelta(days=days)
        )
        date_notifications(since, now - timedelta(days=days))

    for owner_email, mentor_email, hours, message in REQUESTED:
        business, mentor = business_of(owner_email), mentors[mentor_email]
        if business is None or exists(business, mentor):
            continue
        since = last_notification_pk()
        mentorship = mentorship_services.mentorship_request(
            owner=business.owner, mentor=mentor, message=message
        )
        Mentorship.objects.filter(pk=mentorship.pk).update(
            requested_at=now - timedelta(hours=hours)
        )
        date_notifications(since, now - timedelta(hours=hours), read=False)

    # The UMKM seed made the demo mentor's mentorships directly, without a baseline.
    for mentorship in Mentorship.objects.active().filter(readiness_at_start__isnull=True):
        Mentorship.objects.filter(pk=mentorship.pk).update(
            readiness_at_start=_readiness_score(mentorship.business)
        )


def _gap(
    business: Business, products: list[Product], shift: int = 0
) -> tuple[str, Product | None] | None:
    """An open readiness gap of the business or one of its products, if any."""
    missing = {item.key for item in business_readiness(business).missing}
    for key in BUSINESS_GAPS:
        if key in missing:
            return key, None
    facts = business_facts(business)
    keys = list(PRODUCT_GAPS)
    keys = keys[shift % len(keys) :] + keys[: shift % len(keys)]  # some variety
    for key in keys:
        for product in products:
            product.business = business
            if key in {i.key for i in product_readiness(product, facts=facts).missing}:
                return key, product
    return None


def _seed_logs_and_items(mentorship: Mentorship, n: int, now: datetime) -> None:
    business, mentor = mentorship.business, mentorship.mentor
    today = timezone.localdate(now)
    products = list(
        business.products.exclude(status=Product.Status.ARCHIVED)
        .select_related("category")
        .order_by("-is_listed", "pk")
    )
    product_name = products[0].name_id if products else business.name
    capacity = products[0].capacity_per_month if products else 1000
    started = mentorship.started_at or now - timedelta(days=30)
    age = max(3, (now - started).days)
    notes = [note for note in LOG_NOTES if note[0] is None or business.sector in note[0]]
    count = 1 + (n + age // 30) % 3 if age > 10 else 1
    if business.owner.email == DEMO_OWNER_EMAIL:
        count = 3  # the demo owner's page shows a history
    logs = []
    if not mentorship.logs.exists():
        for k in range(count):
            # The first visit comes first; then notes that fit the business.
            note = notes[0] if k == 0 else notes[1 + (n * 2 + k * 5) % (len(notes) - 1)]
            _sectors, mode, hours, text = note
            days_ago = age - 2 - k * max(1, (age - 3) // count)
            days_ago = max(1, days_ago)
            since = last_notification_pk()
            log = mentorship_services.mentoring_log_create(
                mentorship=mentorship,
                author=mentor,
                date=today - timedelta(days=days_ago),
                mode=mode,
                duration_hours=Decimal(hours),
                notes=text.format(business=business.name, product=product_name, capacity=capacity),
            )
            written = now - timedelta(days=days_ago) + timedelta(hours=3)
            MentoringLog.objects.filter(pk=log.pk).update(created_at=written)
            date_notifications(since, written, read=days_ago > 3)
            logs.append((log, days_ago))
    if mentorship.action_items.exists():
        return
    first_log, first_days = logs[0] if logs else (None, age)
    last_log, last_days = logs[-1] if logs else (None, age)
    # Done: set at the first visit, ticked a week or two later.
    item = mentorship_services.action_item_create(
        mentorship=mentorship,
        author=mentor,
        title=DONE_ITEMS[n % len(DONE_ITEMS)],
        due_on=today,
        log=first_log,
    )
    mentorship_services.action_item_mark_done(item=item, actor=business.owner)
    done_days = max(0, first_days - 8)
    ActionItem.objects.filter(pk=item.pk).update(
        created_at=now - timedelta(days=first_days),
        due_on=today - timedelta(days=max(0, first_days - 14)),
        done_at=now - timedelta(days=done_days, hours=5),
    )
    # A readiness gap, if one is open: closing the gap closes the item by itself.
    gap = _gap(business, products, shift=n)
    if gap is not None:
        key, product = gap
        title = BUSINESS_GAPS.get(key) or PRODUCT_GAPS[key].format(
            product=product.name_id if product else business.name
        )
        item = mentorship_services.action_item_create(
            mentorship=mentorship,
            author=mentor,
            title=title,
            due_on=today + timedelta(days=5 + n % 10),
            product=product,
            readiness_key=key,
            log=last_log,
        )
        ActionItem.objects.filter(pk=item.pk).update(created_at=now - timedelta(days=last_days))
    # Every other mentorship has one overdue item, the others one still to do.
    if n % 2 == 0:
        item = mentorship_services.action_item_create(
            mentorship=mentorship,
            author=mentor,
            title=OVERDUE_ITEMS[n // 2 % len(OVERDUE_ITEMS)],
            due_on=today,
            log=last_log,
        )
        ActionItem.objects.filter(pk=item.pk).update(
            created_at=now - timedelta(days=last_days),
            due_on=today - timedelta(days=min(last_days, 2 + n % 9)),
        )
    else:
        item = mentorship_services.action_item_create(
            mentorship=mentorship,
            author=mentor,
            title=OPEN_ITEMS[n // 2 % len(OPEN_ITEMS)],
            due_on=today + timedelta(days=7 + n % 14),
            log=last_log,
        )
        ActionItem.objects.filter(pk=item.pk).update(created_at=now - timedelta(days=last_days))


# --------------------------------------------------------------------------- trainings

AULA_DISPERINDAG = "Aula Disperindag Pekanbaru, Jl. Jend. Sudirman"
FEEDBACK = [
    (5, "Materinya sangat praktis, langsung bisa saya terapkan untuk produk kami. Terima kasih!"),
    (4, "Bagus dan jelas, tapi waktu tanya jawabnya kurang panjang."),
    (5, "Contoh-contohnya dari UMKM Riau sendiri, jadi mudah dipahami."),
    (3, "Cukup bermanfaat, tetapi suara dari ruang hybrid kadang putus-putus."),
    (4, "Mohon slide presentasinya dibagikan lewat grup WhatsApp peserta."),
    (5, "Sekarang saya paham bedanya FOB dan CIF. Semoga ada sesi lanjutan."),
    (4, "Narasumber sabar menjawab pertanyaan kami satu per satu."),
    (3, "Isinya bagus, tapi ruangannya agak sempit untuk peserta sebanyak itu."),
]


@dataclass(frozen=True)
class SessionSpec:
    title: str
    topic: str
    host: str
    day: int  # days from today; negative is past
    start: tuple[int, int]
    hours: float
    mode: str
    venue: str
    capacity: int
    registrants: int
    description_id: str
    description_en: str
    state: str = "published"  # done | published | full | cancelled | draft
    audience: str = TrainingSession.Audience.ALL
    city: str = "Pekanbaru"
    food_only: bool = False
    demo_owner: str = ""  # "attended" | "confirmed"
    cancel_reason: str = ""


def _link(slug: str) -> str:
    return f"https://meet.jit.si/JembatanUMKM-{slug}"


SESSIONS: list[SessionSpec] = [
    SessionSpec(
        "Prosedur Ekspor untuk Pemula: dari NIB sampai Dokumen Pengapalan",
        Topic.EXPORT,
        DEMO_MENTOR_EMAIL,
        -52,
        (9, 0),
        6,
        TrainingSession.Mode.OFFLINE,
        AULA_DISPERINDAG,
        30,
        18,
        "Langkah demi langkah ekspor pertama: NIB dan perizinan, mencari buyer, menghitung "
        "harga FOB, kontrak dan pembayaran, invoice, packing list, SKA, sampai barang naik "
        "kapal di Dumai.",
        "Your first export step by step: business licences, finding buyers, FOB costing, "
        "contracts and payment, invoice, packing list, certificate of origin, up to loading "
        "in Dumai.",
        state="done",
        demo_owner="attended",
    ),
    SessionSpec(
        "Memotret Produk dengan Ponsel",
        Topic.PHOTOGRAPHY,
        "mentor3@demo.jembatan.id",
        -38,
        (13, 0),
        3,
        TrainingSession.Mode.OFFLINE,
        "Rumah BUMN Pekanbaru, Jl. Jend. Sudirman",
        20,
        16,
        "Praktik langsung: cahaya jendela, latar putih dari karton, sudut foto untuk "
        "katalog ekspor, dan menyunting di ponsel. Bawa dua produk dan ponsel Anda.",
        "Hands-on: window light, a white card background, angles for an export catalogue "
        "and editing on the phone. Bring two products and your phone.",
        state="done",
    ),
    SessionSpec(
        "Keamanan Pangan dan Sertifikasi Halal (Self Declare)",
        Topic.FOOD_SAFETY,
        "mentor1@demo.jembatan.id",
        -24,
        (9, 0),
        3,
        TrainingSession.Mode.HYBRID,
        "Gedung Dekranasda Provinsi Riau, Jl. Jend. Sudirman",
        40,
        22,
        "Cara produksi pangan olahan yang baik (CPPOB), P-IRT dan BPOM MD, serta mengurus "
        "sertifikat Halal BPJPH lewat jalur self declare di SIHALAL.",
        "Good manufacturing practice for processed food, P-IRT and BPOM MD permits, and the "
        "BPJPH Halal certificate through self-declaration in SIHALAL.",
        state="done",
        food_only=True,
    ),
    SessionSpec(
        "Menghitung HPP dan Harga FOB",
        Topic.PRICING,
        "mentor2@demo.jembatan.id",
        -12,
        (19, 30),
        1.5,
        TrainingSession.Mode.ONLINE,
        "",
        35,
        20,
        "Dari harga pokok produksi ke harga FOB dan CIF: biaya bahan, tenaga kerja, "
        "kemasan, trucking ke pelabuhan, dokumen, dan margin. Dengan lembar kerja yang bisa "
        "dipakai ulang.",
        "From cost of goods to FOB and CIF prices: materials, labour, packaging, trucking "
        "to the port, documents and margin, with a reusable worksheet.",
        state="done",
    ),
    SessionSpec(
        "Pemasaran Digital untuk Pasar Ekspor: Marketplace B2B dan Instagram",
        Topic.DIGITAL_MARKETING,
        "mentor3@demo.jembatan.id",
        -5,
        (14, 0),
        2,
        TrainingSession.Mode.ONLINE,
        "",
        40,
        15,
        "Membuat profil usaha yang dipercaya buyer di marketplace B2B, konten Instagram "
        "berbahasa Inggris, dan menjawab pesan calon pembeli dengan cepat.",
        "A supplier profile buyers trust on B2B marketplaces, English Instagram content, "
        "and answering prospective buyers quickly.",
        state="done",
    ),
    SessionSpec(
        "English for Trade: Membalas Inquiry Buyer",
        Topic.ENGLISH,
        "mentor6@demo.jembatan.id",
        3,
        (19, 30),
        1.5,
        TrainingSession.Mode.ONLINE,
        "",
        10,
        13,  # ten seats: two end up on the waiting list
        "Kelas kecil: membaca inquiry, menjawab pertanyaan MOQ, harga, lead time dan "
        "sampel, serta menulis penawaran singkat dalam bahasa Inggris. Setiap peserta "
        "berlatih dengan inquiry sungguhan.",
        "A small class: reading an inquiry, answering questions on MOQ, price, lead time "
        "and samples, and writing a short offer in English, each participant with a real "
        "inquiry.",
        state="full",
    ),
    SessionSpec(
        "Desain Kemasan Ekspor: Standing Pouch dan Label Bilingual",
        Topic.PACKAGING,
        DEMO_MENTOR_EMAIL,
        6,
        (9, 0),
        3,
        TrainingSession.Mode.OFFLINE,
        AULA_DISPERINDAG,
        25,
        14,
        "Memilih bahan kemasan yang tahan perjalanan laut, ukuran karton ekspor, dan label "
        "dua bahasa yang memenuhi aturan negara tujuan. Bawa kemasan produk Anda sekarang.",
        "Choosing packaging that survives sea freight, export carton sizes, and bilingual "
        "labels that meet the destination's rules. Bring your current packaging.",
        demo_owner="confirmed",
    ),
    SessionSpec(
        "Label Pangan dan Izin Edar BPOM MD untuk Ekspor",
        Topic.FOOD_SAFETY,
        "mentor1@demo.jembatan.id",
        10,
        (9, 0),
        3,
        TrainingSession.Mode.HYBRID,
        "Mal Pelayanan Publik Pekanbaru, Jl. Jend. Sudirman",
        30,
        9,
        "Dari P-IRT ke BPOM MD: syarat sarana produksi, uji laboratorium, dan informasi "
        "wajib pada label pangan untuk pasar Malaysia, Singapura dan Timur Tengah.",
        "From P-IRT to a BPOM MD permit: premises, laboratory tests and the mandatory label "
        "information for Malaysia, Singapore and the Middle East.",
        food_only=True,
    ),
    SessionSpec(
        "Branding Produk Melayu: Cerita di Balik Tenun dan Ukiran",
        Topic.BRANDING,
        "mentor5@demo.jembatan.id",
        14,
        (9, 30),
        4,
        TrainingSession.Mode.OFFLINE,
        "Aula Dekranasda Kabupaten Siak, Siak Sri Indrapura",
        25,
        7,
        "Menggali cerita motif, bahan dan pengrajin menjadi merek yang dikenali pembeli "
        "luar negeri; logo, hang tag, dan deskripsi katalog dua bahasa.",
        "Turning the story of motifs, materials and makers into a brand buyers abroad "
        "recognise: logo, hang tags and a bilingual catalogue text.",
        city="Siak",
    ),
    SessionSpec(
        "Pembukuan Sederhana dan Akses KUR untuk UMKM",
        Topic.FINANCE,
        "mentor7@demo.jembatan.id",
        18,
        (19, 30),
        1.5,
        TrainingSession.Mode.ONLINE,
        "",
        40,
        6,
        "Buku kas harian, memisahkan uang usaha dan pribadi, laporan laba rugi sederhana, "
        "dan syarat pengajuan Kredit Usaha Rakyat untuk menambah kapasitas produksi.",
        "A daily cash book, separating business and personal money, a simple profit and "
        "loss statement, and applying for a KUR loan to grow production.",
    ),
    SessionSpec(
        "Klinik Ekspor Mentee Pak Dimas: Simulasi Negosiasi dengan Buyer",
        Topic.EXPORT,
        DEMO_MENTOR_EMAIL,
        21,
        (13, 0),
        3,
        TrainingSession.Mode.HYBRID,
        AULA_DISPERINDAG,
        12,
        5,
        "Khusus mentee: bermain peran sebagai penjual dan buyer, menegosiasikan harga, MOQ "
        "dan syarat pembayaran dengan kasus dari inquiry yang sudah masuk.",
        "For mentees only: role-play as seller and buyer, negotiating price, MOQ and "
        "payment terms on cases taken from real inquiries.",
        audience=TrainingSession.Audience.MENTEES,
    ),
    SessionSpec(
        "Dokumen Ekspor: Invoice, Packing List dan SKA",
        Topic.EXPORT,
        "mentor4@demo.jembatan.id",
        28,
        (9, 0),
        3,
        TrainingSession.Mode.OFFLINE,
        "Perpustakaan Soeman HS, Jl. Jend. Sudirman",
        30,
        4,
        "Mengisi commercial invoice dan packing list yang benar, mengajukan Surat "
        "Keterangan Asal (SKA) lewat e-SKA, dan bekerja sama dengan freight forwarder.",
        "Filling in a correct commercial invoice and packing list, applying for a "
        "certificate of origin through e-SKA, and working with a freight forwarder.",
    ),
    SessionSpec(
        "Kunjungan Belajar: Pabrik Kemasan Fleksibel di Tenayan Raya",
        Topic.PACKAGING,
        "mentor5@demo.jembatan.id",
        8,
        (8, 30),
        4,
        TrainingSession.Mode.OFFLINE,
        "Kawasan Industri Tenayan, Pekanbaru",
        15,
        6,
        "Melihat langsung proses cetak dan laminasi kemasan fleksibel, dan bertanya soal "
        "pesanan minimum cetak untuk UMKM.",
        "A visit to a flexible-packaging printer: printing and lamination, and minimum "
        "print runs for small businesses.",
        state="cancelled",
        cancel_reason=(
            "Pak Cecep tidak bisa terbang dari Bandung karena penerbangan ke Pekanbaru "
            "dibatalkan akibat kabut asap. Kunjungan akan dijadwalkan ulang dan peserta "
            "akan diberi tahu lebih dulu."
        ),
    ),
    SessionSpec(
        "Negosiasi Harga dengan Buyer Luar Negeri",
        Topic.PRICING,
        DEMO_MENTOR_EMAIL,
        35,
        (19, 30),
        1.5,
        TrainingSession.Mode.ONLINE,
        "",
        30,
        0,
        "Kapan memberi potongan harga, bagaimana menawarkan harga bertingkat per jumlah, "
        "dan syarat pembayaran yang aman untuk pesanan pertama.",
        "When to give a discount, how to offer quantity price tiers, and safe payment "
        "terms for a first order.",
        state="draft",
    ),
]


def _registrants(spec: SessionSpec, index: int, pool: list[Business], host: User) -> list:
    if spec.audience == TrainingSession.Audience.MENTEES:
        pool = [
            b for b in pool if Mentorship.objects.active().filter(mentor=host, business=b).exists()
        ]
    if spec.food_only:
        pool = [b for b in pool if b.sector == Business.Sector.FOOD]
    if not pool:
        return []
    start = (index * 7) % len(pool)
    rotated = pool[start:] + pool[:start]
    return rotated[: spec.registrants]


def _seed_session(
    spec: SessionSpec,
    index: int,
    *,
    host: User,
    pool: list[Business],
    demo_business: Business | None,
    staff: User,
    now: datetime,
) -> None:
    starts = _local(spec.day, *spec.start, now=now)
    ends = starts + timedelta(minutes=round(spec.hours * 60))
    online = spec.mode != TrainingSession.Mode.OFFLINE
    deadline = starts - (timedelta(hours=3) if spec.mode == "online" else timedelta(days=1))
    past = spec.state == "done"
    created = starts - timedelta(days=24) if past else now - timedelta(days=12 - index % 9)
    created = min(created, now - timedelta(hours=1))
    planning = created if past else None  # the "now" of the steps taken in the past
    since = last_notification_pk()
    session = training_services.session_create(
        host=host,
        now=planning,
        title=spec.title,
        topic=spec.topic,
        description_id=spec.description_id,
        description_en=spec.description_en,
        starts_at=starts,
        ends_at=ends,
        mode=spec.mode,
        venue=spec.venue,
        city=spec.city,
        join_link=_link(f"{index + 1:02d}-{spec.topic}") if online else "",
        capacity=spec.capacity,
        registration_deadline=deadline,
        audience=spec.audience,
    )
    if spec.state == "draft":
        TrainingSession.objects.filter(pk=session.pk).update(created_at=created, updated_at=created)
        return
    session = training_services.session_publish(session=session, actor=host, now=planning)
    businesses = _registrants(spec, index, pool, host)
    if demo_business is not None and spec.demo_owner:
        businesses = [demo_business, *businesses[: max(0, len(businesses) - 1)]]
    waiting_extra = None
    if spec.state == "full" and len(businesses) > spec.capacity:
        waiting_extra = businesses.pop()  # registers after a seat is given back
    registered: list[Registration] = []
    window = (deadline if past else now) - created
    for k, business in enumerate(businesses):
        at = created + window * (k + 1) / (len(businesses) + 3)
        registration = training_services.registration_create(
            session=session,
            business=business,
            attendee=business.owner.get_full_name(),
            now=at if past else None,
        )
        Registration.objects.filter(pk=registration.pk).update(created_at=at)
        registered.append(registration)
    if spec.state == "full" and len(registered) > 3:
        # A confirmed business gives its seat back; the first on the list moves up.
        training_services.registration_cancel(registration=registered[2], actor=staff)
        if waiting_extra is not None:
            at = created + window * (len(businesses) + 2) / (len(businesses) + 3)
            registration = training_services.registration_create(
                session=session,
                business=waiting_extra,
                attendee=waiting_extra.owner.get_full_name(),
            )
            Registration.objects.filter(pk=registration.pk).update(created_at=at)
    if past:
        date_notifications(since, created + window / 2)
        since = last_notification_pk()
        for k, registration in enumerate(registered):
            if k % 5 == 3 and registration.business != demo_business:
                continue  # never came: a no-show when the session is closed
            training_services.registration_check_in(
                registration=registration,
                actor=host,
                now=starts + timedelta(minutes=5 + 3 * k),
            )
        session = training_services.session_mark_done(
            session=session, actor=host, now=ends + timedelta(hours=2)
        )
        feedback_at = ends + timedelta(hours=20)
        for k, registration in enumerate(registered):
            registration.refresh_from_db()
            if registration.status != Registration.Status.ATTENDED or k % 3 == 2:
                continue
            if registration.business == demo_business:
                continue  # left for the demo: the owner can rate it and see the form
            rating, comment = FEEDBACK[(index + k) % len(FEEDBACK)]
            training_services.registration_feedback(
                registration=registration, rating=rating, comment=comment, now=feedback_at
            )
        date_notifications(since, ends + timedelta(hours=2))
        TrainingSession.objects.filter(pk=session.pk).update(
            created_at=created, updated_at=ends + timedelta(hours=2)
        )
    elif spec.state == "cancelled":
        date_notifications(since, created + window / 2)
        since = last_notification_pk()
        session = training_services.session_cancel(
            session=session, actor=host, reason=spec.cancel_reason
        )
        cancelled = now - timedelta(hours=26)
        date_notifications(since, cancelled, read=False)
        TrainingSession.objects.filter(pk=session.pk).update(
            created_at=created, updated_at=cancelled
        )
    else:
        date_notifications(since, created + window / 2)
        TrainingSession.objects.filter(pk=session.pk).update(created_at=created, updated_at=created)


def _seed_trainings(mentors: dict[str, User], staff: User, now: datetime) -> None:
    demo_business = Business.objects.filter(owner__email=DEMO_OWNER_EMAIL).first()
    pool = list(
        Business.objects.active()
        .exclude(owner__email=DEMO_OWNER_EMAIL)
        .select_related("owner")
        .order_by("pk")
    )
    existing = set(TrainingSession.objects.values_list("title", flat=True))
    for index, spec in enumerate(SESSIONS):
        if spec.title in existing:
            continue
        _seed_session(
            spec,
            index,
            host=mentors[spec.host],
            pool=pool,
            demo_business=demo_business,
            staff=staff,
            now=now,
        )


# --------------------------------------------------------------------------- entry point


def seed_mentoring() -> None:
    """Mentors, mentorships, logs, action items and trainings (idempotent).

    Needs the demo businesses (``umkm.demo.seed_businesses``); without them it does
    nothing.
    """
    if not Business.objects.filter(owner__email=DEMO_OWNER_EMAIL).exists():
        return
    now = timezone.now()
    staff = demo_user(DEMO_STAFF_EMAIL)
    with transaction.atomic():
        start = last_notification_pk()
        mentors = _seed_mentors(staff, now)
        owners = {
            u.email: u
            for u in User.objects.filter(role=User.Role.OWNER, email__endswith="@demo.jembatan.id")
        }
        _seed_mentorships(mentors, staff, owners, now)
        active = (
            Mentorship.objects.active()
            .filter(mentor__in=mentors.values())
            .filter(Q(logs__isnull=True) | Q(action_items__isnull=True))
            .select_related("business__owner", "mentor")
            .distinct()
            .order_by("business_id", "mentor_id")
        )
        for n, mentorship in enumerate(active):
            _seed_logs_and_items(mentorship, n, now)
        _seed_trainings(mentors, staff, now)
        skip_emails(start)


# --------------------------------------------------------------------------- scale mode

BUSINESSES_PER_BULK_MENTOR = 10
BULK_MENTORS_PER_SESSION = 2
BULK_REGISTRANTS = 20
BULK_TOPICS = [str(topic) for topic in Topic]


def bulk_mentors():
    return User.objects.filter(
        role=User.Role.MENTOR, email__startswith="bulk.mentor", email__endswith=BULK_EMAIL_DOMAIN
    )


def seed_bulk_mentoring(n_products: int) -> dict[str, int]:
    """Mentors, mentorships and trainings in proportion to the benchmark businesses.

    One approved mentor per ten benchmark businesses; seven businesses in ten have an
    active mentorship (with one log) and one in ten a pending request; one training per
    two mentors, every other one done (with 20 attendees) and the rest published in the
    coming weeks (20 confirmed). Plain bulk inserts, no notifications; idempotent for
    the same ``n_products``. Returns how many rows of each kind were added.
    """
    businesses = list(
        bulk_businesses().order_by("slug").only("pk", "slug", "owner_id", "sector", "name")
    )
    added = {"mentors": 0, "mentorships": 0, "sessions": 0, "registrations": 0}
    if not businesses:
        return added
    now = timezone.now()
    staff = demo_user(DEMO_STAFF_EMAIL)
    with transaction.atomic():
        have = bulk_mentors().count()
        target = bulk_target(len(businesses), BUSINESSES_PER_BULK_MENTOR)
        if have < target:
            password_hash = bulk_password_hash()
            new = User.objects.bulk_create(
                [
                    User(
                        email=f"bulk.mentor{i:04d}@{BULK_EMAIL_DOMAIN}",
                        full_name=f"Mentor Bandung {i:04d}",
                        role=User.Role.MENTOR,
                        language="id",
                        password=password_hash,
                        date_joined=now - timedelta(days=400),
                        mentor_approved_at=now - timedelta(days=300 - i % 200),
                        mentor_approved_by=staff,
                    )
                    for i in range(have + 1, target + 1)
                ],
                batch_size=1000,
            )
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new]
            )
            MentorProfile.objects.bulk_create(
                [
                    MentorProfile(
                        user=u,
                        topics=[
                            BULK_TOPICS[k % len(BULK_TOPICS)],
                            BULK_TOPICS[(k + 3) % len(BULK_TOPICS)],
                        ],
                        bio_id="Pendamping UMKM dari Bandung.",
                        bio_en="A small-business mentor from Bandung.",
                        organisation="Relawan Jembatan UMKM",
                        capacity=12,
                    )
                    for k, u in enumerate(new, start=have)
                ]
            )
            added["mentors"] = len(new)
        mentors = list(bulk_mentors().order_by("email"))

        # Mentorships: business n goes to mentor (n - 1) // 10, like a staff assignment.
        mentored = set(
            Mentorship.objects.filter(business__in=businesses).values_list("business_id", flat=True)
        )
        mentorships = []
        for n, business in enumerate(businesses, start=1):
            if business.pk in mentored or n % 10 >= 8:
                continue
            active = n % 10 < 7
            started = now - timedelta(days=10 + n % 200)
            mentorships.append(
                Mentorship(
                    mentor=mentors[((n - 1) // BUSINESSES_PER_BULK_MENTOR) % len(mentors)],
                    business=business,
                    status=Mentorship.Status.ACTIVE if active else Mentorship.Status.REQUESTED,
                    message="Mohon pendampingan untuk persiapan ekspor.",
                    started_at=started if active else None,
                    assigned_by=staff if active else None,
                )
            )
        mentorships = Mentorship.objects.bulk_create(mentorships, batch_size=1000)
        MentoringLog.objects.bulk_create(
            [
                MentoringLog(
                    mentorship=m,
                    date=timezone.localdate(m.started_at) + timedelta(days=3),
                    mode=MentoringLog.Mode.VISIT,
                    duration_hours=Decimal("1.5"),
                    notes="Kunjungan pertama: kemasan, label bahasa Inggris, harga FOB.",
                )
                for m in mentorships
                if m.status == Mentorship.Status.ACTIVE
            ],
            batch_size=1000,
        )
        added["mentorships"] = len(mentorships)

        # Trainings: session k registers the 20 businesses after session k - 1's.
        hosted = TrainingSession.objects.filter(host__in=mentors).count()
        target = bulk_target(len(mentors), BULK_MENTORS_PER_SESSION)
        sessions = []
        for k in range(hosted, target):
            past = k % 2 == 0
            topic = Topic(BULK_TOPICS[k % len(BULK_TOPICS)])
            starts = now + timedelta(days=-(5 + k % 300) if past else 3 + k % 60, hours=k % 8)
            sessions.append(
                TrainingSession(
                    host=mentors[(k * BULK_MENTORS_PER_SESSION) % len(mentors)],
                    title=f"Kelas ekspor {k + 1:04d}: {topic.label}",
                    topic=topic,
                    description_id="Pelatihan untuk UMKM binaan (data benchmark).",
                    description_en="A training for the programme's businesses (benchmark data).",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    mode=TrainingSession.Mode.ONLINE,
                    join_link=_link(f"bulk-{k + 1:04d}"),
                    capacity=BULK_REGISTRANTS + 10,
                    registration_deadline=starts - timedelta(hours=3),
                    audience=TrainingSession.Audience.ALL,
                    status=TrainingSession.Status.DONE
                    if past
                    else TrainingSession.Status.PUBLISHED,
                )
            )
        sessions = TrainingSession.objects.bulk_create(sessions, batch_size=1000)
        registrations = []
        for k, session in enumerate(sessions, start=hosted):
            past = session.status == TrainingSession.Status.DONE
            for j in range(min(BULK_REGISTRANTS, len(businesses))):
                business = businesses[(k * BULK_REGISTRANTS + j) % len(businesses)]
                registrations.append(
                    Registration(
                        session=session,
                        business=business,
                        attendee_name=business.name[:150],
                        status=(
                            Registration.Status.ATTENDED if past else Registration.Status.CONFIRMED
                        ),
                        created_at=session.starts_at - timedelta(days=2, minutes=j),
                        checked_in_at=session.starts_at if past else None,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=2000)
        added["sessions"] = len(sessions)
        added["registrations"] = len(registrations)
    return added


def mentoring_summary() -> str:
    """One line of counts for the seed_demo output."""
    mentors = User.objects.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=False)
    items = ActionItem.objects.all()
    today = timezone.localdate()
    sessions = TrainingSession.objects.all()
    registrations = Registration.objects.all()
    return (
        f"{mentors.count()} approved mentors, {Mentorship.objects.active().count()} active "
        f"mentorships ({Mentorship.objects.filter(status='requested').count()} requested), "
        f"{MentoringLog.objects.count()} mentoring logs, {items.count()} action items "
        f"({items.filter(done_at__isnull=True).count()} open, "
        f"{items.filter(done_at__isnull=True, due_on__lt=today).count()} overdue), "
        f"{sessions.count()} training sessions ({sessions.upcoming().count()} upcoming, "
        f"{sessions.filter(status='done').count()} done), {registrations.count()} "
        f"registrations ({registrations.filter(status='waitlisted').count()} waitlisted, "
        f"{registrations.exclude(certificate_code='').count()} certificates)"
    )


__all__ = ["MENTORS", "SESSIONS", "mentoring_summary", "seed_bulk_mentoring", "seed_mentoring"]
