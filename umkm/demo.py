"""Demo businesses, certifications and products for ``seed_demo``.

Thirty-two Riau UMKM, most of them in Pekanbaru (the demo owner's included), with their
papers and products, driven through the listing workflow in ``umkm.services`` so that
every state and history row is one the application itself could have written. Photos are
drawn with Pillow; nothing is downloaded. ``seed_bulk_products`` adds many plain
listed products for benchmarks.

Everything is keyed by a stable email, slug, NIB or certificate number, so running
the seed twice creates nothing new.
"""

from __future__ import annotations

import functools
import io
import math
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Case, Min, Value, When
from django.utils import timezone
from django.utils.text import slugify

from accounts import services as account_services
from accounts.demo import DEMO_PASSWORD, seed_accounts
from accounts.models import User
from mentoring.models import Mentorship
from notifications.models import Notification

from . import services
from .models import (
    Business,
    Category,
    Certification,
    Product,
    first_scale_for,
    normalise_hs_code,
)

DEMO_OWNER_EMAIL = "owner@demo.jembatan.id"
DEMO_MENTOR_EMAIL = "mentor@demo.jembatan.id"
DEMO_STAFF_EMAIL = "staff@demo.jembatan.id"
BULK_SLUG_PREFIX = "bulk-"
BULK_SLUG_RE = r"^bulk-[0-9]{7}-"

# --------------------------------------------------------------------------- categories

# (slug, English, Indonesian, is_food, children)
CATEGORY_TREE = [
    (
        "food-beverages",
        "Food & beverages",
        "Makanan & minuman",
        True,
        [
            ("snacks", "Snacks", "Camilan"),
            ("coffee-tea", "Coffee & tea", "Kopi & teh"),
            ("spices-condiments", "Spices & condiments", "Rempah & bumbu"),
            ("processed-fish", "Frozen & processed fish", "Ikan olahan"),
            ("sweets-cakes", "Sweets & cakes", "Kue & manisan"),
            ("beverages", "Beverages", "Minuman"),
            ("sago-staples", "Sago & staples", "Sagu & bahan pokok"),
        ],
    ),
    (
        "crafts",
        "Crafts",
        "Kerajinan",
        False,
        [
            ("woven-goods", "Woven goods", "Anyaman"),
            ("batik-songket", "Batik & songket", "Batik & songket"),
            ("wood-carving", "Wood carving", "Ukiran kayu"),
        ],
    ),
    (
        "fashion",
        "Fashion",
        "Fesyen",
        False,
        [
            ("clothing", "Clothing", "Pakaian"),
            ("bags-accessories", "Bags & accessories", "Tas & aksesori"),
        ],
    ),
    (
        "furniture",
        "Furniture",
        "Mebel",
        False,
        [
            ("indoor-furniture", "Indoor furniture", "Mebel dalam ruangan"),
            ("rattan-furniture", "Rattan furniture", "Mebel rotan"),
        ],
    ),
    (
        "agriculture",
        "Agriculture",
        "Pertanian",
        False,
        [
            ("palm-products", "Palm products", "Produk sawit"),
            ("fresh-fruit", "Fresh fruit", "Buah segar"),
            ("honey", "Honey", "Madu", True),
        ],
    ),
    (
        "herbal-cosmetics",
        "Herbal & cosmetics",
        "Herbal & kosmetik",
        False,
        [
            ("body-care", "Natural soap & body care", "Sabun & perawatan tubuh"),
            ("essential-oils", "Essential oils", "Minyak atsiri"),
        ],
    ),
]


def seed_categories() -> None:
    """Create or refresh the two-level bilingual category tree (keyed by slug)."""
    with transaction.atomic():
        for position, (slug, name_en, name_id, is_food, children) in enumerate(CATEGORY_TREE):
            parent, _created = Category.objects.update_or_create(
                slug=slug,
                defaults={
                    "name_en": name_en,
                    "name_id": name_id,
                    "is_food": is_food,
                    "parent": None,
                    "position": position,
                },
            )
            for child_position, child in enumerate(children):
                child_slug, child_en, child_id = child[:3]
                child_food = child[3] if len(child) > 3 else is_food
                Category.objects.update_or_create(
                    slug=child_slug,
                    defaults={
                        "name_en": child_en,
                        "name_id": child_id,
                        "is_food": child_food,
                        "parent": parent,
                        "position": child_position,
                    },
                )


# --------------------------------------------------------------------------- products


@dataclass(frozen=True)
class ProductSpec:
    name_id: str
    name_en: str
    category: str
    hs_code: str
    unit: str
    moq: int
    price_idr: int
    weight_grams: int
    size: str
    shelf_life_days: int | None
    capacity_per_month: int
    lead_time_days: int
    description_id: str
    description_en: str


def _p(*args) -> ProductSpec:
    return ProductSpec(*args)


# Product lines: what a kind of business makes. Businesses take a slice of their line.
# fmt: off
LINES: dict[str, list[ProductSpec]] = {
    "pineapple": [
        _p(
            "Keripik Nenas Original 100 g", "Pineapple chips, original, 100 g",
            "snacks", "2008.20", "pack", 500, 25000, 100,
            "18 × 12 × 6 cm", 270, 6000, 14,
            "Keripik nenas dari nanas Kualu, Kampar, yang digoreng hampa tanpa pengawet. "
            "Renyah, manis alami, dikemas dalam standing pouch beraluminium dengan zip.",
            "Vacuum-fried chips of Kualu pineapples from Kampar, without preservatives. Crisp "
            "and naturally sweet, packed in a resealable foil stand-up pouch.",
        ),
        _p(
            "Keripik Nenas Madu 200 g", "Honey-glazed pineapple chips, 200 g",
            "snacks", "2008.20", "pack", 300, 42000, 200,
            "22 × 15 × 7 cm", 240, 3000, 14,
            "Keripik nenas yang dilapisi madu hutan Riau setelah digoreng hampa. Cocok untuk "
            "toko oleh-oleh dan ritel premium.",
            "Vacuum-fried pineapple chips glazed with Riau forest honey, made for gift shops "
            "and premium retail.",
        ),
        _p(
            "Dodol Nenas 250 g", "Pineapple dodol (soft toffee), 250 g",
            "sweets-cakes", "1704.90", "box", 200, 30000, 250,
            "15 × 10 × 4 cm", 120, 2500, 10,
            "Dodol lembut dari sari nanas, tepung ketan dan gula aren, diaduk enam jam di kuali"
            " tembaga. Setiap potong dibungkus kertas minyak.",
            "Soft toffee of pineapple pulp, glutinous rice flour and palm sugar, stirred for "
            "six hours in a copper wok. Each piece is wrapped in wax paper.",
        ),
        _p(
            "Selai Nenas 250 g", "Pineapple jam, 250 g",
            "sweets-cakes", "2007.99", "bottle", 240, 28000, 330,
            "jar ⌀ 7 × 9 cm", 365, 2000, 14,
            "Selai nenas kental dengan potongan buah, tanpa pewarna buatan. Biasa dipakai "
            "sebagai isian kue nastar dan olesan roti.",
            "Thick pineapple jam with fruit pieces and no artificial colouring, the filling of "
            "Indonesian nastar tarts and a bread spread.",
        ),
        _p(
            "Keripik Nenas Pedas Manis 100 g", "Sweet chilli pineapple chips, 100 g",
            "snacks", "2008.20", "pack", 500, 27000, 100,
            "18 × 12 × 6 cm", 240, 4000, 14,
            "Keripik nenas berbumbu cabai dan gula aren: manis, asam dan pedas khas Melayu.",
            "Pineapple chips seasoned with chilli and palm sugar: the sweet, sour and hot "
            "balance of Malay cooking.",
        ),
        _p(
            "Nastar Nenas Toples 500 g", "Pineapple tarts (nastar), 500 g jar",
            "sweets-cakes", "1905.90", "box", 100, 95000, 650,
            "jar ⌀ 14 × 10 cm", 90, 1200, 10,
            "Kue nastar bermentega dengan selai nenas buatan sendiri. Paling laris menjelang "
            "Lebaran dan Imlek.",
            "Buttery pineapple tarts filled with our own jam, best sellers before Eid and "
            "Chinese New Year.",
        ),
        _p(
            "Sirup Nenas 600 ml", "Pineapple syrup, 600 ml",
            "beverages", "2106.90", "bottle", 240, 35000, 800,
            "bottle ⌀ 7 × 25 cm", 365, 1500, 14,
            "Sirup pekat dari sari nanas segar; satu botol cukup untuk 20 gelas minuman.",
            "Concentrated syrup of fresh pineapple juice; one bottle makes 20 glasses.",
        ),
        _p(
            "Keripik Nangka 100 g", "Jackfruit chips, 100 g",
            "snacks", "2008.99", "pack", 500, 27000, 100,
            "18 × 12 × 6 cm", 270, 3000, 14,
            "Keripik nangka matang pohon yang digoreng hampa, renyah dan harum.",
            "Vacuum-fried chips of tree-ripened jackfruit, crisp and fragrant.",
        ),
    ],
    "bolu": [
        _p(
            "Bolu Kemojo Pandan", "Kemojo pandan cake",
            "sweets-cakes", "1905.90", "piece", 50, 45000, 600,
            "⌀ 22 × 5 cm", 5, 1500, 3,
            "Kue khas Riau berbentuk bunga kemboja dari telur, santan dan daun pandan, "
            "dipanggang dalam cetakan tembaga.",
            "Riau's signature cake shaped like a frangipani flower, made with eggs, coconut "
            "milk and pandan leaves and baked in a copper mould.",
        ),
        _p(
            "Bolu Kemojo Durian", "Kemojo durian cake",
            "sweets-cakes", "1905.90", "piece", 50, 55000, 600,
            "⌀ 22 × 5 cm", 5, 1000, 3,
            "Bolu kemojo dengan daging durian Riau; lembap di dalam, karamel di tepi.",
            "Kemojo cake with Riau durian pulp: moist inside, caramelised at the edges.",
        ),
        _p(
            "Kue Bangkit Sagu 250 g", "Sago kue bangkit cookies, 250 g",
            "sweets-cakes", "1905.90", "box", 200, 38000, 250,
            "toples ⌀ 12 × 10 cm", 180, 2500, 10,
            "Kue bangkit dari tepung sagu Meranti dan santan, lumer di mulut. Kue wajib hari "
            "raya di rumah Melayu.",
            "Melt-in-the-mouth cookies of Meranti sago flour and coconut milk, a must at every "
            "Malay festive table.",
        ),
        _p(
            "Kue Bawang 250 g", "Crispy onion sticks, 250 g",
            "snacks", "1905.90", "pack", 300, 22000, 250,
            "20 × 14 × 6 cm", 180, 3000, 7,
            "Kue bawang gurih dengan daun seledri dan bawang merah goreng, tanpa MSG.",
            "Savoury crisp sticks with celery leaves and fried shallots, made without MSG.",
        ),
        _p(
            "Bolu Kemojo Beku (isi 4)", "Frozen kemojo cakes, box of 4",
            "sweets-cakes", "1905.90", "box", 100, 160000, 2400,
            "30 × 30 × 12 cm", 90, 600, 7,
            "Bolu kemojo yang dibekukan cepat segera setelah dipanggang; tinggal dipanaskan. "
            "Dibuat untuk toko Melayu di Malaysia dan Singapura.",
            "Kemojo cakes blast-frozen straight from the oven, ready to reheat; made for Malay "
            "groceries in Malaysia and Singapore.",
        ),
        _p(
            "Roti Jala Beku dan Kuah Kari", "Frozen roti jala with curry sauce",
            "sweets-cakes", "1905.90", "pack", 200, 35000, 500,
            "25 × 18 × 4 cm", 180, 1500, 7,
            "Roti jala berenda khas Melayu dengan sebungkus kuah kari ayam, dibekukan.",
            "Lacy Malay crepes with a pouch of chicken curry sauce, frozen.",
        ),
        _p(
            "Bolu Kemojo Original", "Kemojo cake, original",
            "sweets-cakes", "1905.90", "piece", 50, 40000, 600,
            "⌀ 22 × 5 cm", 5, 1800, 3,
            "Resep asli bolu kemojo dengan gula pasir dan vanili, tanpa pewarna.",
            "The original kemojo recipe with sugar and vanilla, without colouring.",
        ),
    ],
    "durian": [
        _p(
            "Lempuk Durian Original 250 g", "Durian lempuk (durian toffee), 250 g",
            "sweets-cakes", "2007.99", "pack", 200, 65000, 250,
            "20 × 6 × 4 cm", 180, 1500, 14,
            "Lempuk dari daging durian Riau yang dimasak dengan sedikit gula hingga pekat, "
            "dibungkus daun pisang kering lalu divakum.",
            "Riau durian pulp cooked down with a little sugar until thick, wrapped in dried "
            "banana leaf and vacuum-packed.",
        ),
        _p(
            "Lempuk Durian Tanpa Tambahan Gula", "Durian lempuk, no added sugar, 250 g",
            "sweets-cakes", "2007.99", "pack", 200, 80000, 250,
            "20 × 6 × 4 cm", 150, 800, 14,
            "Lempuk yang hanya berisi durian; manisnya datang dari buahnya sendiri.",
            "Lempuk made of durian alone; all its sweetness comes from the fruit.",
        ),
        _p(
            "Pancake Durian Beku (isi 10)", "Frozen durian pancakes, box of 10",
            "sweets-cakes", "1905.90", "box", 100, 90000, 700,
            "28 × 20 × 6 cm", 120, 2000, 7,
            "Kulit crepe tipis berisi krim dan daging durian utuh, dibekukan cepat.",
            "Thin crêpes filled with cream and whole durian flesh, blast-frozen.",
        ),
        _p(
            "Dodol Durian 250 g", "Durian dodol, 250 g",
            "sweets-cakes", "1704.90", "box", 200, 35000, 250,
            "15 × 10 × 4 cm", 120, 2000, 10,
            "Dodol ketan dengan durian Riau, legit dan beraroma kuat.",
            "Glutinous rice dodol with Riau durian: rich, chewy and strongly fragrant.",
        ),
        _p(
            "Daging Durian Beku 1 kg", "Frozen durian pulp, 1 kg",
            "sweets-cakes", "0811.90", "kg", 300, 120000, 1000,
            "25 × 20 × 5 cm", 365, 3000, 14,
            "Daging durian pilihan tanpa biji, dibekukan pada −18 °C untuk industri kue dan es "
            "krim.",
            "Selected seedless durian pulp frozen at −18 °C for bakeries and ice-cream makers.",
        ),
        _p(
            "Tempoyak 250 g", "Tempoyak (fermented durian), 250 g",
            "spices-condiments", "2008.99", "bottle", 200, 30000, 300,
            "jar ⌀ 7 × 9 cm", 90, 1000, 14,
            "Durian fermentasi untuk gulai ikan patin dan sambal tempoyak.",
            "Fermented durian for patin fish curry and tempoyak sambal.",
        ),
    ],
    "liberika": [
        _p(
            "Kopi Liberika Meranti Green Bean Grade 1", "Meranti Liberica green coffee, grade 1",
            "coffee-tea", "0901.11", "kg", 500, 95000, 1000,
            "60 kg jute bag", 365, 8000, 30,
            "Biji kopi liberika dari lahan gambut Kepulauan Meranti, petik merah, proses "
            "natural, kadar air 12 %.",
            "Liberica from the peatlands of the Meranti Islands: red-cherry picked, natural "
            "process, 12 % moisture.",
        ),
        _p(
            "Kopi Liberika Meranti Sangrai 250 g", "Meranti Liberica roasted beans, 250 g",
            "coffee-tea", "0901.21", "pack", 100, 75000, 250,
            "20 × 12 × 6 cm", 270, 2000, 14,
            "Sangrai medium dengan rasa nangka, cokelat dan sedikit asap. Kemasan berkatup satu"
            " arah.",
            "Medium roast with notes of jackfruit, chocolate and a touch of smoke, in a one-"
            "way-valve bag.",
        ),
        _p(
            "Kopi Liberika Bubuk 200 g", "Ground Meranti Liberica, 200 g",
            "coffee-tea", "0901.21", "pack", 200, 55000, 200,
            "18 × 11 × 5 cm", 240, 3000, 14,
            "Kopi liberika giling sedang, cocok untuk tubruk, V60 dan moka pot.",
            "Medium-ground Liberica for Indonesian tubruk, pour-over and moka pot.",
        ),
        _p(
            "Kopi Liberika Honey Process 250 g", "Honey-process Liberica, roasted, 250 g",
            "coffee-tea", "0901.21", "pack", 100, 95000, 250,
            "20 × 12 × 6 cm", 270, 600, 21,
            "Proses honey yang memberi rasa manis buah dan badan tebal; produksi terbatas.",
            "Honey processing gives a fruity sweetness and heavy body; a limited lot.",
        ),
        _p(
            "Kopi Liberika Drip Bag (10 × 10 g)", "Liberica drip bags, box of 10",
            "coffee-tea", "0901.21", "box", 200, 60000, 150,
            "16 × 10 × 8 cm", 270, 2500, 14,
            "Sepuluh kantong seduh praktis; cukup digantung di cangkir dan dituangi air panas.",
            "Ten single-cup drip bags: hang on the cup, pour hot water, done.",
        ),
        _p(
            "Cascara Kulit Kopi Liberika 100 g", "Liberica cascara (coffee cherry tea), 100 g",
            "coffee-tea", "0901.90", "pack", 200, 45000, 100,
            "18 × 12 × 5 cm", 365, 800, 14,
            "Kulit buah kopi yang dijemur untuk diseduh seperti teh; manis seperti kismis.",
            "Sun-dried coffee cherry husks brewed like tea, with a raisin-like sweetness.",
        ),
    ],
    "roastery": [
        _p(
            "Espresso Blend Lancang Kuning 1 kg", "Lancang Kuning espresso blend, 1 kg",
            "coffee-tea", "0901.21", "pack", 50, 260000, 1000,
            "30 × 18 × 10 cm", 270, 1500, 7,
            "Campuran liberika Meranti dan robusta Kampar, sangrai medium-dark untuk kopi susu.",
            "A blend of Meranti Liberica and Kampar Robusta, medium-dark roasted for milk "
            "coffee.",
        ),
        _p(
            "Kopi Liberika Single Origin 200 g", "Single-origin Liberica, 200 g",
            "coffee-tea", "0901.21", "pack", 100, 85000, 200,
            "18 × 11 × 5 cm", 270, 1200, 7,
            "Satu kebun di Rangsang Barat, sangrai light untuk seduh manual.",
            "One farm in West Rangsang, light-roasted for manual brewing.",
        ),
        _p(
            "Konsentrat Cold Brew 1 L", "Cold brew concentrate, 1 L",
            "beverages", "2101.11", "bottle", 100, 120000, 1100,
            "bottle ⌀ 9 × 26 cm", 60, 800, 7,
            "Diseduh dingin 18 jam; campur 1 : 3 dengan air atau susu. Simpan di lemari es.",
            "Steeped cold for 18 hours; mix 1 : 3 with water or milk. Keep refrigerated.",
        ),
        _p(
            "Kopi Robusta Kampar 250 g", "Kampar Robusta, roasted, 250 g",
            "coffee-tea", "0901.21", "pack", 100, 55000, 250,
            "20 × 12 × 6 cm", 270, 1500, 7,
            "Robusta petani Kampar dengan rasa kacang dan gula merah.",
            "Robusta from Kampar farmers with nutty, brown-sugar notes.",
        ),
        _p(
            "Kopi Susu Gula Aren Siap Seduh (isi 10)", "Instant palm-sugar milk coffee, 10 sachets",
            "beverages", "2101.12", "box", 200, 45000, 300,
            "18 × 12 × 8 cm", 365, 2500, 7,
            "Kopi susu ala kedai dengan gula aren asli dalam sachet 30 g.",
            "Coffee-shop style milk coffee with real palm sugar in 30 g sachets.",
        ),
    ],
    "patin": [
        _p(
            "Ikan Salai Patin 500 g", "Smoked patin catfish, 500 g",
            "processed-fish", "0305.49", "pack", 100, 85000, 500,
            "30 × 20 × 4 cm", 180, 2000, 14,
            "Ikan patin dari keramba Sungai Kampar yang disalai dua hari di atas kayu hingga "
            "kering dan harum.",
            "Patin catfish from cages on the Kampar river, smoked over wood for two days until "
            "dry and fragrant.",
        ),
        _p(
            "Salai Patin Potong Vakum 250 g", "Vacuum-packed smoked patin pieces, 250 g",
            "processed-fish", "0305.49", "pack", 200, 48000, 250,
            "22 × 15 × 3 cm", 240, 2500, 14,
            "Salai patin yang dipotong siap masak untuk gulai dan asam pedas.",
            "Smoked patin cut ready for curry and sour-spicy stew.",
        ),
        _p(
            "Abon Ikan Patin 100 g", "Patin fish floss, 100 g",
            "processed-fish", "1604.19", "pack", 300, 35000, 100,
            "18 × 12 × 5 cm", 180, 3000, 10,
            "Abon dari daging patin segar dengan bumbu Melayu, tanpa pengawet.",
            "Floss of fresh patin with Malay spices, without preservatives.",
        ),
        _p(
            "Kerupuk Kulit Patin 75 g", "Patin skin crackers, 75 g",
            "snacks", "1604.20", "pack", 500, 20000, 75,
            "20 × 14 × 6 cm", 180, 4000, 10,
            "Kulit patin goreng renyah dengan bumbu bawang putih dan lada.",
            "Crisp fried patin skin with garlic and pepper.",
        ),
        _p(
            "Gulai Patin Siap Saji 300 g", "Ready-to-eat patin curry, 300 g retort pouch",
            "processed-fish", "1604.19", "pack", 300, 45000, 300,
            "18 × 14 × 3 cm", 365, 2000, 14,
            "Gulai patin kuning dalam kemasan retort, tahan setahun tanpa lemari es.",
            "Yellow patin curry in a retort pouch: a year on the shelf without refrigeration.",
        ),
        _p(
            "Nugget Ikan Patin Beku 500 g", "Frozen patin fish nuggets, 500 g",
            "processed-fish", "1604.20", "pack", 300, 38000, 500,
            "25 × 18 × 4 cm", 270, 3000, 10,
            "Nugget dari daging patin 70 %, tanpa tulang, disukai anak-anak.",
            "Boneless nuggets with 70 % patin meat, a favourite with children.",
        ),
        _p(
            "Fillet Patin Beku 1 kg", "Frozen patin fillets, 1 kg",
            "processed-fish", "0304.62", "kg", 1000, 60000, 1000,
            "IQF, 5 kg cartons", 540, 10000, 21,
            "Fillet patin putih yang dibekukan satu per satu (IQF), dari ikan budidaya Kampar.",
            "White patin fillets, individually quick frozen, from Kampar farmed fish.",
        ),
    ],
    "sago": [
        _p(
            "Mie Sagu Kering 500 g", "Dried sago noodles, 500 g",
            "sago-staples", "1902.19", "pack", 500, 18000, 500,
            "25 × 18 × 4 cm", 365, 8000, 14,
            "Mie dari pati sagu Meranti, bebas gluten; tinggal direbus tiga menit.",
            "Gluten-free noodles of Meranti sago starch; boil for three minutes.",
        ),
        _p(
            "Sagu Mutiara 500 g", "Sago pearls, 500 g",
            "sago-staples", "1903.00", "pack", 500, 15000, 500,
            "22 × 15 × 4 cm", 540, 6000, 14,
            "Butiran sagu untuk bubur, es campur dan puding.",
            "Sago pearls for porridge, shaved-ice desserts and puddings.",
        ),
        _p(
            "Tepung Sagu Meranti 1 kg", "Meranti sago flour, 1 kg",
            "sago-staples", "1108.19", "kg", 1000, 14000, 1000,
            "25 kg bags available", 540, 40000, 14,
            "Pati sagu murni dari rumbia Selatpanjang, putih dan halus.",
            "Pure sago starch from Selatpanjang sago palms, white and fine.",
        ),
        _p(
            "Kerupuk Sagu Ikan 250 g", "Sago fish crackers, 250 g",
            "snacks", "1905.90", "pack", 500, 17000, 250,
            "22 × 15 × 5 cm", 365, 5000, 10,
            "Kerupuk mentah dari sagu dan ikan tenggiri, tinggal digoreng.",
            "Uncooked crackers of sago and mackerel, ready to fry.",
        ),
        _p(
            "Sagu Rendang 250 g", "Toasted sago granules (sagu rendang), 250 g",
            "sago-staples", "1903.00", "pack", 300, 16000, 250,
            "20 × 14 × 4 cm", 365, 3000, 10,
            "Butiran sagu sangrai untuk kue dan bubur lemak khas Meranti.",
            "Dry-toasted sago granules for the cakes and coconut porridge of Meranti.",
        ),
        _p(
            "Lempeng Sagu 200 g", "Sago flatbread crisps, 200 g",
            "sago-staples", "1905.90", "pack", 300, 15000, 200,
            "20 × 20 × 3 cm", 180, 2000, 10,
            "Lempeng sagu panggang, teman minum kopi orang pesisir Riau.",
            "Baked sago flatbread, the coffee-time snack of the Riau coast.",
        ),
    ],
    "dodol": [
        _p(
            "Dodol Ketan Hitam 500 g", "Black glutinous rice dodol, 500 g",
            "sweets-cakes", "1704.90", "box", 100, 40000, 500,
            "18 × 12 × 5 cm", 120, 1000, 10,
            "Dodol Melayu dari ketan hitam, santan kelapa dan gula aren, dimasak delapan jam.",
            "Malay dodol of black glutinous rice, coconut milk and palm sugar, cooked for eight"
            " hours.",
        ),
        _p(
            "Bolu Berendam Siak (isi 12)", "Siak bolu berendam, box of 12",
            "sweets-cakes", "1905.90", "box", 50, 50000, 600,
            "20 × 15 × 6 cm", 4, 400, 2,
            "Kue kecil dari Siak yang direndam dalam sirup gula; hidangan istana Siak Sri "
            "Indrapura.",
            "Small Siak cakes soaked in sugar syrup, once served at the Siak Sri Indrapura "
            "palace.",
        ),
        _p(
            "Wajik Ketan 250 g", "Wajik (palm-sugar rice cake), 250 g",
            "sweets-cakes", "1704.90", "box", 100, 25000, 250,
            "15 × 10 × 4 cm", 30, 800, 5,
            "Wajik ketan putih dengan gula aren dan daun pandan, dipotong belah ketupat.",
            "Glutinous rice cooked with palm sugar and pandan, cut in diamonds.",
        ),
        _p(
            "Dodol Nenas Siak 250 g", "Siak pineapple dodol, 250 g",
            "sweets-cakes", "1704.90", "box", 100, 30000, 250,
            "15 × 10 × 4 cm", 120, 800, 10,
            "Dodol nanas dengan sedikit kayu manis, resep turun-temurun keluarga.",
            "Pineapple dodol with a hint of cinnamon, a family recipe.",
        ),
        _p(
            "Kue Bangkit Siak 200 g", "Siak kue bangkit cookies, 200 g",
            "sweets-cakes", "1905.90", "box", 100, 30000, 200,
            "toples ⌀ 12 × 8 cm", 180, 800, 7,
            "Kue bangkit bercetak motif bunga, dari sagu dan santan.",
            "Flower-stamped cookies of sago and coconut milk.",
        ),
    ],
    "spice": [
        _p(
            "Bumbu Rendang Siap Masak 200 g", "Rendang spice paste, 200 g",
            "spices-condiments", "2103.90", "pack", 300, 28000, 200,
            "18 × 12 × 3 cm", 365, 4000, 10,
            "Bumbu rendang lengkap untuk 1 kg daging: cabai, lengkuas, serai, kunyit dan kelapa"
            " sangrai.",
            "Complete rendang paste for 1 kg of meat: chilli, galangal, lemongrass, turmeric "
            "and toasted coconut.",
        ),
        _p(
            "Sambal Lado Ikan Bilis 150 g", "Chilli sambal with anchovies, 150 g",
            "spices-condiments", "2103.90", "bottle", 240, 32000, 250,
            "jar ⌀ 7 × 8 cm", 270, 3000, 10,
            "Sambal cabai merah dengan ikan bilis goreng renyah, pedas sedang.",
            "Red chilli sambal with crisp fried anchovies, medium hot.",
        ),
        _p(
            "Bumbu Gulai Melayu 200 g", "Malay gulai curry paste, 200 g",
            "spices-condiments", "2103.90", "pack", 300, 25000, 200,
            "18 × 12 × 3 cm", 365, 4000, 10,
            "Bumbu gulai kuning khas Pekanbaru untuk ikan, ayam atau sayur.",
            "Pekanbaru yellow curry paste for fish, chicken or vegetables.",
        ),
        _p(
            "Kunyit Bubuk 250 g", "Turmeric powder, 250 g",
            "spices-condiments", "0910.30", "pack", 500, 22000, 250,
            "20 × 14 × 4 cm", 540, 5000, 10,
            "Kunyit petani Kampar yang dikeringkan dan digiling halus.",
            "Turmeric from Kampar farmers, dried and finely milled.",
        ),
        _p(
            "Cabai Kering Giling 200 g", "Ground dried chilli, 200 g",
            "spices-condiments", "0904.22", "pack", 500, 30000, 200,
            "20 × 14 × 4 cm", 365, 3000, 10,
            "Cabai merah yang dijemur dan digiling kasar, tanpa pewarna.",
            "Sun-dried red chilli, coarsely ground, without colouring.",
        ),
        _p(
            "Sambal Tempoyak 150 g", "Tempoyak sambal, 150 g",
            "spices-condiments", "2103.90", "bottle", 240, 30000, 250,
            "jar ⌀ 7 × 8 cm", 180, 1500, 10,
            "Sambal dari durian fermentasi dan cabai rawit, teman ikan bakar.",
            "Sambal of fermented durian and bird's-eye chilli, for grilled fish.",
        ),
    ],
    "dumai_fish": [
        _p(
            "Amplang Ikan Tenggiri 200 g", "Mackerel amplang crackers, 200 g",
            "snacks", "1604.20", "pack", 500, 30000, 200,
            "22 × 15 × 6 cm", 180, 5000, 10,
            "Amplang renyah dari ikan tenggiri segar hasil tangkapan nelayan Dumai.",
            "Crunchy amplang crackers of fresh mackerel landed by Dumai fishermen.",
        ),
        _p(
            "Kerupuk Ikan Tenggiri Mentah 500 g", "Uncooked mackerel crackers, 500 g",
            "processed-fish", "1604.20", "pack", 500, 40000, 500,
            "25 × 18 × 5 cm", 365, 5000, 10,
            "Kerupuk mentah dengan 40 % daging tenggiri; mengembang sempurna saat digoreng.",
            "Uncooked crackers with 40 % mackerel meat that puff up fully when fried.",
        ),
        _p(
            "Terasi Udang Dumai 250 g", "Dumai shrimp paste (terasi), 250 g",
            "spices-condiments", "2103.90", "pack", 300, 25000, 250,
            "15 × 10 × 3 cm", 365, 3000, 10,
            "Terasi dari udang rebon segar yang difermentasi dan dijemur, aroma kuat.",
            "Shrimp paste of fermented, sun-dried krill, with a strong aroma.",
        ),
        _p(
            "Ikan Bilis Kering 250 g", "Dried anchovies (ikan bilis), 250 g",
            "processed-fish", "0305.59", "pack", 500, 35000, 250,
            "22 × 15 × 4 cm", 270, 4000, 10,
            "Ikan bilis Selat Rupat yang direbus dan dijemur, tanpa pemutih.",
            "Anchovies from the Rupat Strait, boiled and sun-dried, without bleaching.",
        ),
        _p(
            "Ikan Asin Kurau 500 g", "Salted threadfin (ikan kurau), 500 g",
            "processed-fish", "0305.69", "pack", 200, 90000, 500,
            "30 × 20 × 4 cm", 270, 1500, 14,
            "Ikan kurau asin kualitas ekspor, dibelah dan dijemur di bawah matahari.",
            "Export-grade salted threadfin, split and sun-dried.",
        ),
        _p(
            "Kerupuk Udang 250 g", "Prawn crackers, 250 g",
            "snacks", "1905.90", "pack", 500, 28000, 250,
            "22 × 15 × 5 cm", 365, 4000, 10,
            "Kerupuk udang mentah dengan udang segar 30 %.",
            "Uncooked prawn crackers with 30 % fresh prawn.",
        ),
    ],
    "ginger": [
        _p(
            "Jahe Merah Instan 250 g", "Instant red ginger drink, 250 g",
            "beverages", "2106.90", "pack", 300, 30000, 250,
            "20 × 14 × 5 cm", 540, 4000, 10,
            "Minuman jahe merah kristal dengan gula aren, menghangatkan badan.",
            "Crystallised red ginger drink with palm sugar, warming and soothing.",
        ),
        _p(
            "Temulawak Instan 250 g", "Instant curcuma (temulawak) drink, 250 g",
            "beverages", "2106.90", "pack", 300, 30000, 250,
            "20 × 14 × 5 cm", 540, 3000, 10,
            "Minuman temulawak kristal, jamu tradisional untuk nafsu makan.",
            "Crystallised Javanese turmeric drink, a traditional tonic.",
        ),
        _p(
            "Sirup Jeruk Kasturi 500 ml", "Calamansi syrup, 500 ml",
            "beverages", "2106.90", "bottle", 240, 32000, 700,
            "bottle ⌀ 7 × 24 cm", 365, 2000, 10,
            "Sirup dari jeruk kasturi segar, asam segar untuk es dan teh.",
            "Syrup of fresh calamansi, tart and refreshing in iced drinks and tea.",
        ),
        _p(
            "Kunyit Asam 250 ml", "Turmeric-tamarind drink, 250 ml",
            "beverages", "2202.99", "bottle", 480, 10000, 280,
            "bottle ⌀ 6 × 16 cm", 30, 6000, 5,
            "Jamu kunyit asam siap minum, dipasteurisasi, tanpa pengawet.",
            "Ready-to-drink turmeric and tamarind tonic, pasteurised, without preservatives.",
        ),
        _p(
            "Teh Daun Gaharu 20 Kantong", "Agarwood leaf tea, 20 bags",
            "coffee-tea", "1211.90", "box", 200, 45000, 60,
            "16 × 8 × 7 cm", 540, 1500, 10,
            "Teh herbal dari daun gaharu budidaya Riau, tanpa kafein.",
            "Caffeine-free herbal tea of leaves from farmed Riau agarwood.",
        ),
    ],
    "snacks": [
        _p(
            "Keripik Ubi Balado 200 g", "Cassava chips with balado chilli, 200 g",
            "snacks", "2008.99", "pack", 500, 18000, 200,
            "22 × 15 × 7 cm", 180, 6000, 7,
            "Keripik singkong tipis dengan sambal balado merah, pedas manis.",
            "Thin cassava chips with red balado chilli, sweet and hot.",
        ),
        _p(
            "Keripik Pisang Kepok 200 g", "Kepok banana chips, 200 g",
            "snacks", "2008.99", "pack", 500, 17000, 200,
            "22 × 15 × 7 cm", 180, 5000, 7,
            "Keripik pisang kepok tipis, gurih dengan sedikit garam.",
            "Thin chips of kepok bananas, lightly salted.",
        ),
        _p(
            "Keripik Talas 150 g", "Taro chips, 150 g",
            "snacks", "2008.99", "pack", 500, 20000, 150,
            "22 × 15 × 7 cm", 180, 3000, 7,
            "Keripik talas yang renyah dengan bumbu bawang.",
            "Crisp taro chips with onion seasoning.",
        ),
        _p(
            "Rengginang Ketan 250 g", "Glutinous rice crackers (rengginang), 250 g",
            "snacks", "1904.90", "pack", 300, 20000, 250,
            "22 × 15 × 7 cm", 180, 2500, 7,
            "Rengginang mentah dari ketan dan terasi, tinggal digoreng.",
            "Uncooked crackers of glutinous rice and shrimp paste, ready to fry.",
        ),
        _p(
            "Kacang Tojin Pedas 200 g", "Spicy coated peanuts, 200 g",
            "snacks", "2008.11", "pack", 500, 16000, 200,
            "20 × 14 × 6 cm", 180, 4000, 7,
            "Kacang tanah berbalut tepung berbumbu cabai dan daun jeruk.",
            "Peanuts in a crisp coating of chilli and lime leaf.",
        ),
    ],
    "songket": [
        _p(
            "Kain Songket Siak Benang Emas", "Siak songket cloth with gold thread",
            "batik-songket", "5809.00", "piece", 5, 3500000, 800,
            "200 × 100 cm", None, 20, 45,
            "Songket tenunan tangan dengan benang emas motif pucuk rebung; satu helai "
            "dikerjakan tiga minggu.",
            "Hand-woven songket with gold thread in the bamboo-shoot motif; each cloth takes "
            "three weeks on the loom.",
        ),
        _p(
            "Selendang Tenun Siak", "Siak woven shawl",
            "batik-songket", "6214.90", "piece", 10, 650000, 250,
            "200 × 50 cm", None, 60, 30,
            "Selendang tenun Siak yang ringan, cocok untuk busana Melayu dan pesta.",
            "A light Siak woven shawl for Malay dress and celebrations.",
        ),
        _p(
            "Kain Tenun Siak Katun Motif Pucuk Rebung", "Cotton Siak weave, bamboo-shoot motif",
            "batik-songket", "5208.49", "piece", 10, 850000, 600,
            "200 × 100 cm", None, 40, 30,
            "Tenun Siak dari benang katun berwarna, lebih terjangkau untuk busana harian.",
            "Siak weave in coloured cotton yarn, an affordable cloth for everyday wear.",
        ),
        _p(
            "Tanjak Songket Siak", "Siak songket tanjak (Malay headdress)",
            "bags-accessories", "6505.00", "piece", 20, 250000, 150,
            "one size", None, 150, 14,
            "Tanjak siap pakai dari kain songket, dilipat dengan gaya Dendam Tak Sudah.",
            "Ready-to-wear tanjak of songket cloth, folded in the Dendam Tak Sudah style.",
        ),
        _p(
            "Taplak Meja Tenun Siak", "Siak woven table runner",
            "batik-songket", "6302.51", "piece", 20, 300000, 300,
            "180 × 35 cm", None, 100, 21,
            "Taplak panjang dengan sisipan benang emas untuk meja makan dan acara resmi.",
            "A long table runner with gold thread inlay for dining tables and ceremonies.",
        ),
        _p(
            "Sarung Tenun Siak", "Siak woven sarong",
            "batik-songket", "5208.49", "piece", 10, 700000, 500,
            "110 × 200 cm", None, 50, 30,
            "Sarung tenun Siak bermotif kotak, untuk pria dan wanita.",
            "A checked Siak woven sarong for men and women.",
        ),
    ],
    "batik": [
        _p(
            "Kain Batik Cap Motif Itik Pulang Petang",
            "Stamped batik cloth, 'ducks going home' motif",
            "batik-songket", "5208.52", "piece", 20, 250000, 350,
            "200 × 115 cm", None, 300, 21,
            "Batik cap katun primisima dengan motif itik pulang petang khas Riau, pewarna "
            "sintetis tahan luntur.",
            "Stamped batik on fine primissima cotton in Riau's 'ducks going home' motif, with "
            "colour-fast dyes.",
        ),
        _p(
            "Batik Tulis Riau Motif Tabir", "Hand-drawn Riau batik, tabir motif",
            "batik-songket", "5208.52", "piece", 5, 1200000, 350,
            "200 × 115 cm", None, 30, 45,
            "Batik tulis dengan canting dan pewarna alam (indigo dan kayu tingi), satu motif "
            "satu kain.",
            "Hand-drawn batik with natural dyes (indigo and tingi bark), each cloth one of a "
            "kind.",
        ),
        _p(
            "Kemeja Batik Riau Pria Lengan Panjang", "Men's long-sleeved Riau batik shirt",
            "clothing", "6205.20", "piece", 30, 275000, 300,
            "S–XXL", None, 400, 21,
            "Kemeja batik katun dengan furing, potongan slim fit.",
            "A lined cotton batik shirt, slim fit.",
        ),
        _p(
            "Syal Batik Sutra", "Silk batik scarf",
            "batik-songket", "6214.10", "piece", 20, 350000, 80,
            "180 × 45 cm", None, 150, 21,
            "Syal sutra ringan dengan motif bunga cengkeh.",
            "A light silk scarf with a clove-flower motif.",
        ),
        _p(
            "Sarung Bantal Sofa Batik (isi 2)", "Batik cushion covers, set of 2",
            "batik-songket", "6304.92", "set", 30, 150000, 250,
            "45 × 45 cm", None, 300, 14,
            "Sarung bantal katun batik cap dengan ritsleting tersembunyi.",
            "Stamped-batik cotton cushion covers with a hidden zip.",
        ),
        _p(
            "Tas Tote Batik Riau", "Riau batik tote bag",
            "bags-accessories", "4202.22", "piece", 50, 120000, 300,
            "38 × 35 × 10 cm", None, 400, 14,
            "Tas tote kanvas dengan panel batik dan saku dalam.",
            "A canvas tote with a batik panel and an inside pocket.",
        ),
    ],
    "pandan": [
        _p(
            "Tikar Pandan Motif Melayu", "Pandan mat, Malay motif",
            "woven-goods", "4601.29", "piece", 20, 350000, 2500,
            "200 × 150 cm", None, 60, 21,
            "Tikar pandan berduri yang dianyam tangan oleh ibu-ibu Kampar, diwarnai alami.",
            "Hand-woven by women in Kampar from thorny pandan leaves, naturally dyed.",
        ),
        _p(
            "Tas Anyaman Pandan", "Woven pandan handbag",
            "woven-goods", "4602.19", "piece", 30, 150000, 350,
            "35 × 25 × 12 cm", None, 200, 14,
            "Tas tangan anyaman pandan dengan lapisan kain dan tali kulit sintetis.",
            "A woven pandan handbag with a fabric lining and faux-leather handles.",
        ),
        _p(
            "Bakul Pandan (set isi 3)", "Pandan storage baskets, set of 3",
            "woven-goods", "4602.19", "set", 30, 180000, 900,
            "⌀ 30 / 25 / 20 cm", None, 150, 14,
            "Tiga bakul bertingkat ukuran untuk dapur dan kamar.",
            "Three nesting baskets for the kitchen and bedroom.",
        ),
        _p(
            "Tudung Saji Pandan", "Pandan food cover",
            "woven-goods", "4602.19", "piece", 50, 85000, 300,
            "⌀ 45 cm", None, 300, 14,
            "Tudung saji anyaman pandan bermotif, penutup hidangan khas rumah Melayu.",
            "A patterned woven food cover, a fixture of Malay dining tables.",
        ),
        _p(
            "Topi Anyaman Pandan", "Woven pandan hat",
            "woven-goods", "6504.00", "piece", 50, 75000, 150,
            "lingkar 58 cm", None, 250, 14,
            "Topi pantai anyaman pandan dengan pita kain.",
            "A woven pandan beach hat with a fabric band.",
        ),
    ],
    "rattan_craft": [
        _p(
            "Keranjang Rotan Bundar", "Round rattan basket",
            "woven-goods", "4602.12", "piece", 50, 120000, 800,
            "⌀ 35 × 30 cm", None, 400, 21,
            "Keranjang rotan alam dengan pegangan, dianyam rapat dan dipernis.",
            "A closely woven natural rattan basket with handles, lacquered.",
        ),
        _p(
            "Keranjang Parsel Rotan", "Rattan hamper basket",
            "woven-goods", "4602.12", "piece", 100, 85000, 600,
            "40 × 30 × 15 cm", None, 600, 14,
            "Keranjang parsel untuk Lebaran, Natal dan hadiah perusahaan.",
            "Hamper baskets for Eid, Christmas and corporate gifts.",
        ),
        _p(
            "Nampan Rotan Oval", "Oval rattan serving tray",
            "woven-goods", "4602.12", "piece", 50, 95000, 700,
            "45 × 30 × 6 cm", None, 400, 14,
            "Nampan rotan dengan alas kayu lapis, kuat untuk cangkir dan teko.",
            "A rattan tray with a plywood base, sturdy enough for cups and a teapot.",
        ),
        _p(
            "Kotak Tisu Rotan", "Rattan tissue box cover",
            "woven-goods", "4602.12", "piece", 100, 55000, 250,
            "26 × 14 × 10 cm", None, 800, 14,
            "Kotak tisu rotan anyaman kepang, untuk hotel dan rumah.",
            "A braided rattan tissue box cover for hotels and homes.",
        ),
        _p(
            "Kap Lampu Rotan", "Rattan pendant lampshade",
            "woven-goods", "9405.99", "piece", 30, 210000, 900,
            "⌀ 40 × 30 cm", None, 150, 21,
            "Kap lampu gantung dari rotan alam, cahaya hangat berpola.",
            "A natural rattan pendant shade that throws a warm, patterned light.",
        ),
        _p(
            "Keranjang Cucian Rotan Bertutup", "Rattan laundry hamper with lid",
            "woven-goods", "4602.12", "piece", 30, 250000, 2500,
            "⌀ 40 × 60 cm", None, 150, 21,
            "Keranjang cucian tinggi dengan kantong kain yang bisa dilepas.",
            "A tall laundry hamper with a removable cotton liner.",
        ),
    ],
    "carving": [
        _p(
            "Panel Ukiran Selembayung", "Carved selembayung wall panel",
            "wood-carving", "4420.19", "piece", 5, 1500000, 8000,
            "120 × 40 × 4 cm", None, 20, 30,
            "Panel kayu jati ukir motif selembayung, hiasan puncak rumah adat Melayu Riau.",
            "A carved teak panel with the selembayung motif that crowns Riau Malay houses.",
        ),
        _p(
            "Hiasan Dinding Kaligrafi Kayu", "Carved wooden calligraphy",
            "wood-carving", "4420.19", "piece", 10, 850000, 3500,
            "80 × 40 × 3 cm", None, 30, 30,
            "Kaligrafi ukir tangan pada kayu mahoni dengan finishing melamin.",
            "Hand-carved calligraphy in mahogany with a melamine finish.",
        ),
        _p(
            "Miniatur Perahu Lancang Kuning", "Lancang Kuning boat model",
            "wood-carving", "4420.19", "piece", 10, 950000, 2000,
            "60 × 15 × 45 cm", None, 25, 30,
            "Miniatur perahu kebesaran Kerajaan Riau Lingga, lengkap dengan layar dan tiang.",
            "A model of the royal Riau-Lingga ship, with sails and masts.",
        ),
        _p(
            "Kotak Perhiasan Ukir", "Carved jewellery box",
            "wood-carving", "4420.90", "piece", 30, 275000, 800,
            "20 × 14 × 9 cm", None, 120, 21,
            "Kotak perhiasan kayu sungkai dengan ukiran bunga kundur dan lapisan beludru.",
            "A sungkai-wood jewellery box carved with kundur flowers, velvet-lined.",
        ),
        _p(
            "Nampan Kayu Ukir", "Carved wooden tray",
            "wood-carving", "4419.90", "piece", 30, 180000, 900,
            "40 × 28 × 4 cm", None, 150, 21,
            "Nampan kayu dengan tepi berukir, aman untuk makanan (food-grade finish).",
            "A wooden tray with a carved rim and a food-safe finish.",
        ),
        _p(
            "Bingkai Cermin Ukir Melayu", "Carved Malay mirror frame",
            "wood-carving", "4414.10", "piece", 10, 1100000, 6000,
            "90 × 60 cm", None, 25, 30,
            "Cermin dinding dengan bingkai ukiran awan larat.",
            "A wall mirror in a frame carved with the awan larat cloud motif.",
        ),
    ],
    "nipah": [
        _p(
            "Tatakan Piring Lidi Nipah", "Nipa palm-rib plate holder",
            "woven-goods", "4602.19", "piece", 200, 15000, 120,
            "⌀ 28 cm", None, 2000, 10,
            "Tatakan piring dari lidi nipah pesisir Dumai, ringan dan kuat.",
            "A plate holder of nipa palm ribs from the Dumai coast, light and strong.",
        ),
        _p(
            "Keranjang Buah Lidi", "Palm-rib fruit basket",
            "woven-goods", "4602.19", "piece", 100, 35000, 300,
            "⌀ 30 × 12 cm", None, 800, 10,
            "Keranjang buah anyaman lidi berbentuk mangkuk.",
            "A bowl-shaped fruit basket woven of palm ribs.",
        ),
        _p(
            "Tatakan Gelas Anyaman (isi 6)", "Woven coasters, set of 6",
            "woven-goods", "4602.19", "set", 100, 40000, 150,
            "⌀ 10 cm", None, 600, 10,
            "Enam tatakan gelas anyaman dengan tempatnya.",
            "Six woven coasters in a matching holder.",
        ),
        _p(
            "Tas Purun", "Purun grass tote",
            "woven-goods", "4602.19", "piece", 50, 65000, 250,
            "38 × 30 × 10 cm", None, 300, 14,
            "Tas belanja dari rumput purun rawa, pengganti kantong plastik.",
            "A shopping tote of swamp purun grass, a plastic-bag replacement.",
        ),
    ],
    "melayu_fashion": [
        _p(
            "Baju Kurung Melayu Wanita", "Women's baju kurung",
            "clothing", "6204.42", "piece", 30, 350000, 450,
            "S–XXL", None, 300, 21,
            "Baju kurung katun rayon dengan kain sarung, potongan Teluk Belanga untuk wanita.",
            "Cotton-rayon baju kurung with a matching sarong skirt.",
        ),
        _p(
            "Baju Melayu Teluk Belanga Pria", "Men's Teluk Belanga suit",
            "clothing", "6203.22", "set", 30, 425000, 600,
            "S–XXL", None, 250, 21,
            "Setelan baju Melayu leher Teluk Belanga dengan celana, untuk hari raya dan "
            "pernikahan.",
            "A Teluk Belanga collared Malay shirt and trousers for Eid and weddings.",
        ),
        _p(
            "Kebaya Labuh", "Long kebaya (kebaya labuh)",
            "clothing", "6204.42", "piece", 20, 480000, 400,
            "S–XL", None, 150, 21,
            "Kebaya labuh panjang berbahan katun paris dengan bordir kerawang.",
            "A long kebaya in fine cotton voile with kerawang embroidery.",
        ),
        _p(
            "Gamis Batik Riau", "Riau batik maxi dress",
            "clothing", "6204.42", "piece", 30, 320000, 450,
            "S–XXL", None, 300, 21,
            "Gamis katun dengan panel batik cap Riau dan kancing depan, ramah ibu menyusui.",
            "A cotton maxi dress with Riau batik panels and a front opening, nursing-friendly.",
        ),
        _p(
            "Mukena Katun Bordir", "Embroidered cotton prayer robe (mukena)",
            "clothing", "6211.42", "set", 30, 285000, 500,
            "all size", None, 300, 21,
            "Mukena katun Jepang dengan bordir tepi dan tas jinjing.",
            "A prayer robe in fine Japanese cotton with embroidered edges and a carry bag.",
        ),
    ],
    "bags": [
        _p(
            "Tas Tangan Tenun Songket", "Songket handbag",
            "bags-accessories", "4202.22", "piece", 30, 450000, 600,
            "30 × 22 × 12 cm", None, 150, 21,
            "Tas tangan berlapis kain songket Riau dengan aksen kulit sapi.",
            "A handbag covered with Riau songket and trimmed with cowhide.",
        ),
        _p(
            "Clutch Songket", "Songket clutch",
            "bags-accessories", "4202.22", "piece", 50, 250000, 250,
            "25 × 14 × 4 cm", None, 250, 14,
            "Clutch pesta dengan tali rantai yang bisa dilepas.",
            "An evening clutch with a detachable chain strap.",
        ),
        _p(
            "Sling Bag Tenun", "Woven sling bag",
            "bags-accessories", "4202.22", "piece", 50, 225000, 350,
            "22 × 16 × 6 cm", None, 250, 14,
            "Tas selempang kecil dengan panel tenun Siak dan ritsleting YKK.",
            "A small cross-body bag with a Siak woven panel and a YKK zip.",
        ),
        _p(
            "Dompet Kulit Motif Melayu", "Leather wallet, Malay motif",
            "bags-accessories", "4202.31", "piece", 50, 185000, 120,
            "11 × 9 × 2 cm", None, 300, 14,
            "Dompet kulit sapi dengan emboss motif pucuk rebung.",
            "A cowhide wallet embossed with the bamboo-shoot motif.",
        ),
        _p(
            "Gantungan Kunci Songket (isi 10)", "Songket key rings, pack of 10",
            "bags-accessories", "6307.90", "pack", 50, 90000, 150,
            "8 × 4 cm each", None, 600, 10,
            "Gantungan kunci dari sisa kain songket, suvenir acara dan oleh-oleh.",
            "Key rings made from songket offcuts, for events and souvenirs.",
        ),
    ],
    "tanjak": [
        _p(
            "Tanjak Melayu Siap Pakai", "Ready-to-wear Malay tanjak",
            "bags-accessories", "6505.00", "piece", 30, 175000, 150,
            "one size", None, 300, 14,
            "Tanjak dengan lipatan Elang Menyongsong Angin, rangka kain keras yang awet.",
            "A tanjak in the 'eagle into the wind' fold, on a durable stiffened base.",
        ),
        _p(
            "Peci Beludru Hitam", "Black velvet songkok",
            "bags-accessories", "6505.00", "piece", 50, 65000, 100,
            "ukuran 5–8", None, 800, 10,
            "Peci beludru dengan lapisan dalam satin, jahitan tangan.",
            "A velvet songkok with a satin lining, hand-stitched.",
        ),
        _p(
            "Samping Songket Pria", "Men's songket samping",
            "batik-songket", "5809.00", "piece", 20, 550000, 400,
            "150 × 60 cm", None, 60, 21,
            "Kain samping songket untuk dipakai bersama baju Melayu.",
            "A songket waist cloth worn with the Malay suit.",
        ),
        _p(
            "Bros Melayu Kerawang", "Kerawang Malay brooch",
            "bags-accessories", "7117.19", "piece", 100, 45000, 20,
            "⌀ 4 cm", None, 1000, 10,
            "Bros kuningan berlapis emas dengan motif kerawang.",
            "A gold-plated brass brooch with kerawang filigree.",
        ),
    ],
    "wood_furniture": [
        _p(
            "Meja Makan Kayu Sungkai 6 Kursi", "Sungkai-wood dining set, 6 chairs",
            "indoor-furniture", "9403.60", "set", 2, 9500000, 90000,
            "180 × 90 × 76 cm", None, 15, 45,
            "Meja makan dan enam kursi dari kayu sungkai bersertifikat SVLK, finishing natural.",
            "A dining table and six chairs of SVLK-certified sungkai wood, natural finish.",
        ),
        _p(
            "Kursi Makan Kayu Sungkai", "Sungkai-wood dining chair",
            "indoor-furniture", "9401.69", "piece", 20, 850000, 7000,
            "45 × 50 × 90 cm", None, 120, 30,
            "Kursi makan dengan sandaran rotan anyam, sambungan pasak kayu.",
            "A dining chair with a woven-rattan back and pegged wood joints.",
        ),
        _p(
            "Lemari Pakaian 2 Pintu", "Two-door wardrobe",
            "indoor-furniture", "9403.50", "piece", 5, 4500000, 70000,
            "100 × 55 × 190 cm", None, 20, 45,
            "Lemari kayu mahoni dengan rak dan gantungan, bisa dibongkar untuk pengiriman.",
            "A mahogany wardrobe with shelves and a hanging rail, knock-down for shipping.",
        ),
        _p(
            "Rak Buku Kayu Mahoni", "Mahogany bookcase",
            "indoor-furniture", "9403.60", "piece", 10, 2200000, 35000,
            "80 × 30 × 180 cm", None, 40, 30,
            "Rak buku lima susun dengan ambalan yang bisa diatur.",
            "A five-tier bookcase with adjustable shelves.",
        ),
        _p(
            "Meja Kopi Trembesi", "Trembesi coffee table",
            "indoor-furniture", "9403.60", "piece", 5, 3200000, 40000,
            "110 × 60 × 45 cm", None, 25, 30,
            "Meja kopi dari lempengan kayu trembesi utuh dengan kaki besi.",
            "A coffee table of a solid trembesi slab on steel legs.",
        ),
        _p(
            "Bufet TV Ukir Melayu", "Carved Malay TV cabinet",
            "indoor-furniture", "9403.60", "piece", 5, 5500000, 60000,
            "180 × 45 × 60 cm", None, 15, 45,
            "Bufet TV dengan pintu berukir motif bunga kundur.",
            "A TV cabinet with doors carved in the kundur-flower motif.",
        ),
    ],
    "carved_furniture": [
        _p(
            "Kursi Ukir Melayu Siak", "Siak carved Malay armchair",
            "indoor-furniture", "9401.69", "piece", 4, 3500000, 18000,
            "65 × 60 × 105 cm", None, 15, 45,
            "Kursi berukir dari kayu merbau dengan jok beludru, gaya istana Siak.",
            "A carved merbau armchair with velvet upholstery in the Siak palace style.",
        ),
        _p(
            "Partisi Ukir Tiga Panel", "Three-panel carved room divider",
            "indoor-furniture", "9403.60", "piece", 3, 6500000, 45000,
            "150 × 3 × 180 cm", None, 8, 60,
            "Sekat ruangan berukir tembus motif awan larat.",
            "A pierced-carving room divider with the awan larat motif.",
        ),
        _p(
            "Tempat Tidur Ukir 160 cm", "Carved bed frame, 160 cm",
            "indoor-furniture", "9403.50", "piece", 2, 12000000, 120000,
            "170 × 210 × 140 cm", None, 5, 60,
            "Rangka tempat tidur merbau dengan kepala ranjang berukir.",
            "A merbau bed frame with a carved headboard.",
        ),
        _p(
            "Meja Sudut Ukir", "Carved side table",
            "indoor-furniture", "9403.60", "piece", 10, 1800000, 12000,
            "50 × 50 × 60 cm", None, 30, 30,
            "Meja sudut berkaki ukir dengan daun meja kaca.",
            "A side table with carved legs and a glass top.",
        ),
    ],
    "rattan_furniture": [
        _p(
            "Set Kursi Teras Rotan", "Rattan patio set",
            "rattan-furniture", "9401.53", "set", 5, 6500000, 45000,
            "2 chairs + table", None, 40, 30,
            "Dua kursi dan satu meja rotan manau dengan bantal kain outdoor.",
            "Two manau-rattan chairs and a table, with outdoor-fabric cushions.",
        ),
        _p(
            "Kursi Malas Rotan", "Rattan lounge chair",
            "rattan-furniture", "9401.53", "piece", 10, 2400000, 12000,
            "75 × 140 × 90 cm", None, 60, 30,
            "Kursi malas dengan anyaman rotan kulit pada rangka rotan manau.",
            "A lounge chair with rattan-peel weave on a manau-rattan frame.",
        ),
        _p(
            "Meja Rotan Bundar", "Round rattan table",
            "rattan-furniture", "9403.83", "piece", 10, 1900000, 14000,
            "⌀ 90 × 75 cm", None, 50, 30,
            "Meja makan bundar rotan dengan kaca tempered 8 mm.",
            "A round rattan dining table with an 8 mm tempered-glass top.",
        ),
        _p(
            "Ayunan Rotan Gantung", "Hanging rattan chair",
            "rattan-furniture", "9401.53", "piece", 10, 2100000, 15000,
            "⌀ 95 × 130 cm", None, 50, 30,
            "Kursi ayun berbentuk telur lengkap dengan rangka besi dan bantal.",
            "An egg-shaped swing chair with a steel stand and cushion.",
        ),
        _p(
            "Rak Rotan 3 Susun", "Three-tier rattan shelf",
            "rattan-furniture", "9403.83", "piece", 20, 950000, 6000,
            "60 × 35 × 110 cm", None, 100, 21,
            "Rak serbaguna rotan untuk kamar mandi atau ruang tamu.",
            "A multi-purpose rattan shelf for the bathroom or living room.",
        ),
        _p(
            "Sofa Rotan 3 Dudukan", "Three-seat rattan sofa",
            "rattan-furniture", "9401.53", "piece", 5, 5800000, 30000,
            "190 × 80 × 85 cm", None, 25, 45,
            "Sofa rotan dengan bantal busa lapis kain linen yang bisa dicuci.",
            "A rattan sofa with foam cushions in washable linen covers.",
        ),
    ],
    "palm": [
        _p(
            "Lidi Sawit Kering", "Dried oil-palm leaf sticks",
            "palm-products", "1401.90", "tonne", 10, 4500000, 1000000,
            "bundles of 1 kg", None, 150, 30,
            "Lidi dari pelepah sawit anggota koperasi, dibersihkan dan dikeringkan, panjang "
            "60–80 cm.",
            "Leaf ribs from members' oil palms, cleaned and dried, 60–80 cm long.",
        ),
        _p(
            "Sapu Lidi Sawit", "Palm-stick brooms",
            "palm-products", "9603.10", "piece", 1000, 8000, 400,
            "90 cm", None, 20000, 21,
            "Sapu lidi dengan ikatan rotan dan gagang bambu.",
            "Palm-stick brooms bound with rattan on a bamboo handle.",
        ),
        _p(
            "Cangkang Sawit (PKS)", "Palm kernel shells (biomass fuel)",
            "palm-products", "1404.90", "tonne", 500, 1200000, 1000000,
            "bulk, vessel load", None, 5000, 30,
            "Cangkang inti sawit kering, nilai kalor sekitar 4.000 kkal/kg, untuk boiler "
            "biomassa.",
            "Dry palm kernel shells, around 4,000 kcal/kg, for biomass boilers.",
        ),
        _p(
            "Kompos Tandan Kosong Sawit 25 kg", "Empty-fruit-bunch compost, 25 kg",
            "palm-products", "3101.00", "pack", 200, 45000, 25000,
            "25 kg bag", None, 8000, 14,
            "Kompos dari tandan kosong sawit yang difermentasi, untuk kebun dan tanaman hias.",
            "Fermented empty-fruit-bunch compost for farms and gardens.",
        ),
        _p(
            "Minyak Sawit Merah 500 ml", "Red palm oil, 500 ml",
            "palm-products", "1511.90", "bottle", 480, 35000, 520,
            "bottle ⌀ 7 × 22 cm", 365, 6000, 14,
            "Minyak sawit merah tanpa pemucatan, kaya karotenoid dan vitamin E.",
            "Unbleached red palm oil, rich in carotenoids and vitamin E.",
        ),
    ],
    "fruit": [
        _p(
            "Nenas Segar Kualu", "Fresh Kualu pineapples",
            "fresh-fruit", "0804.30", "kg", 2000, 6000, 1000,
            "1–1.5 kg per fruit", 14, 40000, 7,
            "Nanas queen dari lahan gambut Kualu, manis dan harum, dipanen sesuai pesanan.",
            "Queen pineapples from the Kualu peatlands, sweet and fragrant, harvested to order.",
        ),
        _p(
            "Durian Montong Kampar", "Kampar durian",
            "fresh-fruit", "0810.60", "kg", 500, 45000, 1000,
            "2–4 kg per fruit", 5, 5000, 3,
            "Durian kebun Kampar, daging tebal berwarna kuning; musim Desember sampai Februari.",
            "Orchard durian from Kampar with thick yellow flesh; season December to February.",
        ),
        _p(
            "Jeruk Kampar", "Kampar tangerines",
            "fresh-fruit", "0805.21", "kg", 1000, 15000, 1000,
            "10 kg cartons", 21, 20000, 5,
            "Jeruk siam kulit tipis dari kebun petani Kampar.",
            "Thin-skinned tangerines from Kampar growers.",
        ),
        _p(
            "Nangka Madu Segar", "Fresh honey jackfruit",
            "fresh-fruit", "0810.90", "kg", 1000, 12000, 1000,
            "8–15 kg per fruit", 7, 15000, 5,
            "Nangka madu dengan daging tebal dan manis.",
            "Honey jackfruit with thick, sweet bulbs.",
        ),
        _p(
            "Pepaya Calina", "Calina papayas",
            "fresh-fruit", "0807.20", "kg", 1000, 8000, 1000,
            "1–1.5 kg per fruit", 10, 25000, 5,
            "Pepaya calina (california) yang dipanen mengkal untuk pengiriman jauh.",
            "Calina papayas picked mature-green for long-distance shipping.",
        ),
    ],
    "honey": [
        _p(
            "Madu Hutan Sialang 500 g", "Wild sialang forest honey, 500 g",
            "honey", "0409.00", "bottle", 200, 150000, 700,
            "bottle ⌀ 8 × 18 cm", 730, 2000, 14,
            "Madu lebah Apis dorsata dari pohon sialang di hutan Pelalawan, dipanen malam hari "
            "dengan cara tradisional tanpa membunuh lebah.",
            "Honey of wild Apis dorsata bees from sialang trees in the Pelalawan forest, "
            "harvested at night the traditional way, without killing the bees.",
        ),
        _p(
            "Madu Sialang 1 kg", "Sialang forest honey, 1 kg jar",
            "honey", "0409.00", "bottle", 100, 270000, 1300,
            "jar ⌀ 11 × 15 cm", 730, 1000, 14,
            "Madu sialang dalam toples kaca, kadar air di bawah 22 %.",
            "Sialang honey in a glass jar, moisture below 22 %.",
        ),
        _p(
            "Madu Hutan Curah 25 kg", "Bulk forest honey, 25 kg pail",
            "honey", "0409.00", "kg", 250, 190000, 25000,
            "25 kg food-grade pail", 730, 2000, 21,
            "Madu hutan curah untuk pengemas ulang dan industri, disaring tanpa dipanaskan.",
            "Bulk forest honey for repackers and industry, filtered without heating.",
        ),
        _p(
            "Madu Kelulut 250 g", "Stingless-bee (kelulut) honey, 250 g",
            "honey", "0409.00", "bottle", 200, 175000, 400,
            "bottle ⌀ 6 × 14 cm", 365, 800, 14,
            "Madu lebah tanpa sengat dengan rasa asam segar, dari peternak Kampar.",
            "Tangy honey of stingless bees from Kampar beekeepers.",
        ),
        _p(
            "Sarang Madu Potong 400 g", "Cut honeycomb, 400 g",
            "honey", "0409.00", "box", 100, 160000, 450,
            "12 × 12 × 6 cm", 365, 400, 14,
            "Potongan sarang madu utuh dalam kotak bening, bisa dimakan langsung.",
            "A piece of whole honeycomb in a clear box, to eat as it is.",
        ),
        _p(
            "Bee Pollen 150 g", "Bee pollen, 150 g",
            "honey", "0410.90", "bottle", 200, 95000, 220,
            "jar ⌀ 7 × 9 cm", 365, 300, 14,
            "Serbuk sari lebah yang dikeringkan pada suhu rendah.",
            "Bee pollen dried at a low temperature.",
        ),
    ],
    "herbal": [
        _p(
            "Sabun VCO Serai Wangi", "Virgin coconut oil soap with citronella",
            "body-care", "3401.11", "piece", 300, 25000, 100,
            "8 × 6 × 3 cm", None, 4000, 14,
            "Sabun proses dingin dari minyak kelapa murni Indragiri Hilir dan minyak serai "
            "wangi.",
            "Cold-process soap of Indragiri Hilir virgin coconut oil and citronella oil.",
        ),
        _p(
            "Lulur Rempah Melayu 200 g", "Malay spice body scrub, 200 g",
            "body-care", "3304.99", "bottle", 200, 55000, 260,
            "jar ⌀ 8 × 7 cm", None, 1500, 14,
            "Lulur beras, kunyit dan temu giring, resep perawatan pengantin Melayu.",
            "A scrub of rice, turmeric and temu giring, the Malay bridal recipe.",
        ),
        _p(
            "Minyak Serai Wangi 30 ml", "Citronella essential oil, 30 ml",
            "essential-oils", "3301.29", "bottle", 300, 45000, 80,
            "bottle ⌀ 3 × 10 cm", None, 2000, 14,
            "Minyak atsiri serai wangi hasil suling uap petani Kampar.",
            "Steam-distilled citronella oil from Kampar farmers.",
        ),
        _p(
            "Minyak Urut Melayu 60 ml", "Malay massage oil, 60 ml",
            "body-care", "3304.99", "bottle", 300, 35000, 110,
            "bottle ⌀ 4 × 12 cm", None, 2500, 14,
            "Minyak urut dengan jahe, cengkih dan kayu manis untuk pegal dan masuk angin.",
            "A massage oil of ginger, clove and cinnamon for aches and chills.",
        ),
        _p(
            "Virgin Coconut Oil 250 ml", "Virgin coconut oil, 250 ml",
            "body-care", "1513.19", "bottle", 300, 50000, 300,
            "bottle ⌀ 6 × 17 cm", None, 3000, 14,
            "VCO dari kelapa Indragiri Hilir, diproses dingin tanpa pemanasan.",
            "Cold-processed VCO from Indragiri Hilir coconuts, never heated.",
        ),
    ],
}
# fmt: on


# --------------------------------------------------------------------------- businesses


@dataclass(frozen=True, kw_only=True)
class BusinessSpec:
    email: str
    owner_name: str
    name: str
    legal_form: str
    sector: str
    city: str
    address: str
    founded_year: int
    employees: int
    assets: int
    turnover: int
    description_id: str
    description_en: str
    line: str
    # One letter per product, in order: L listed, S submitted, D draft,
    # C changes requested, A archived (listed first, then withdrawn).
    states: str
    picks: tuple[int, ...] = ()
    export_markets: str = ""
    verified: bool = True
    active: bool = True
    mentored: bool = False
    # Certificates besides the NIB: "kind[:expired|:soon|:pending]".
    certs: str = ""


BUSINESSES: list[BusinessSpec] = [
    BusinessSpec(
        email=DEMO_OWNER_EMAIL,
        owner_name="Siti Rahmawati",
        name="Keripik Nanas Siti",
        legal_form="perorangan",
        sector="food",
        city="Pekanbaru",
        address="Jl. Kaharuddin Nasution No. 47, Marpoyan Damai",
        founded_year=2017,
        employees=6,
        assets=210_000_000,
        turnover=480_000_000,
        description_id=(
            "Usaha rumahan di Marpoyan Damai yang mengolah nanas Kualu menjadi keripik dan "
            "dodol sejak 2017. Semua produk digoreng hampa dengan mesin vakum sendiri dan "
            "dikemas di dapur bersertifikat P-IRT."
        ),
        description_en=(
            "A home business in Marpoyan Damai that has turned Kualu pineapples into chips "
            "and dodol since 2017. Everything is vacuum-fried on our own machine and packed "
            "in a P-IRT certified kitchen."
        ),
        line="pineapple",
        states="LLSCDA",
        mentored=True,
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner1@demo.jembatan.id",
        owner_name="Zubaidah",
        name="Bolu Kemojo Mak Ijah",
        legal_form="ud",
        sector="food",
        city="Pekanbaru",
        address="Jl. Tuanku Tambusai No. 112, Payung Sekaki",
        founded_year=2009,
        employees=9,
        assets=650_000_000,
        turnover=1_400_000_000,
        description_id=(
            "Toko kue Melayu yang dikenal dengan bolu kemojo panggang arang. Mak Ijah memulai "
            "usaha dari dapur rumah pada 2009; kini sembilan orang membuat sekitar 300 bolu "
            "sehari untuk toko oleh-oleh di Pekanbaru."
        ),
        description_en=(
            "A Malay cake shop known for its charcoal-baked kemojo. Mak Ijah started in her "
            "home kitchen in 2009; today nine people bake about 300 cakes a day for "
            "Pekanbaru's gift shops."
        ),
        line="bolu",
        states="LLLS",
        mentored=True,
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner2@demo.jembatan.id",
        owner_name="Nurhasanah",
        name="Lempuk Durian Cik Puan",
        legal_form="cv",
        sector="food",
        city="Pekanbaru",
        address="Jl. Soekarno-Hatta No. 208, Payung Sekaki",
        founded_year=2012,
        employees=18,
        assets=2_100_000_000,
        turnover=4_800_000_000,
        description_id=(
            "Produsen lempuk dan olahan durian Riau dengan dapur produksi terdaftar di BPOM. "
            "Durian dibeli langsung dari petani Kampar dan Bengkalis pada musim panen lalu "
            "dibekukan agar produksi berjalan sepanjang tahun."
        ),
        description_en=(
            "A maker of durian lempuk and other durian products with a BPOM-registered "
            "kitchen. Durians are bought directly from Kampar and Bengkalis growers at "
            "harvest and frozen so that production runs all year."
        ),
        line="durian",
        states="LLLLC",
        export_markets="Malaysia, Singapore",
        mentored=True,
        certs="bpom_md halal haccp:pending",
    ),
    BusinessSpec(
        email="owner3@demo.jembatan.id",
        owner_name="Abdul Rahman",
        name="Koperasi Kopi Liberika Rangsang Meranti",
        legal_form="koperasi",
        sector="food",
        city="Kepulauan Meranti",
        address="Desa Kedabu Rapat, Rangsang Pesisir",
        founded_year=2015,
        employees=24,
        assets=1_600_000_000,
        turnover=3_200_000_000,
        description_id=(
            "Koperasi 140 petani kopi liberika di lahan gambut Pulau Rangsang. Koperasi "
            "membeli ceri merah dari anggota, mengolahnya di unit pascapanen bersama dan "
            "mengekspor biji hijau ke Johor sejak 2019."
        ),
        description_en=(
            "A cooperative of 140 Liberica growers on the peatlands of Rangsang Island. It "
            "buys ripe cherries from members, processes them in a shared post-harvest unit "
            "and has shipped green coffee to Johor since 2019."
        ),
        line="liberika",
        states="LLLLLD",
        export_markets="Malaysia",
        mentored=True,
        certs="pirt halal organic:soon",
    ),
    BusinessSpec(
        email="owner4@demo.jembatan.id",
        owner_name="Syafrizal",
        name="Salai Patin Koto Masjid",
        legal_form="ud",
        sector="food",
        city="Kampar",
        address="Desa Koto Masjid, XIII Koto Kampar",
        founded_year=2011,
        employees=7,
        assets=420_000_000,
        turnover=950_000_000,
        description_id=(
            "Pengasapan ikan patin di Koto Masjid, kampung patin Kabupaten Kampar. Ikan "
            "berasal dari keramba sendiri di Waduk Koto Panjang dan disalai dengan kayu laban."
        ),
        description_en=(
            "A patin smokehouse in Koto Masjid, Kampar's catfish village. The fish come from "
            "our own cages in the Koto Panjang reservoir and are smoked over laban wood."
        ),
        line="patin",
        picks=(0, 1, 6, 5),
        states="LLLA",
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner5@demo.jembatan.id",
        owner_name="Hendra Wijaya",
        name="Sagu Sentosa Meranti",
        legal_form="cv",
        sector="food",
        city="Kepulauan Meranti",
        address="Jl. Banglas No. 31, Selatpanjang",
        founded_year=2008,
        employees=32,
        assets=3_400_000_000,
        turnover=9_500_000_000,
        description_id=(
            "Pengolah sagu di Selatpanjang yang membeli tepung dari kilang sagu rakyat dan "
            "mengolahnya menjadi mie, sagu mutiara dan kerupuk. Produk dikirim ke Batam, "
            "Malaysia dan Singapura."
        ),
        description_en=(
            "A sago processor in Selatpanjang that buys flour from smallholder sago mills "
            "and turns it into noodles, pearls and crackers, shipped to Batam, Malaysia and "
            "Singapore."
        ),
        line="sago",
        states="LLLLS",
        export_markets="Malaysia, Singapore",
        mentored=True,
        certs="bpom_md halal",
    ),
    BusinessSpec(
        email="owner6@demo.jembatan.id",
        owner_name="Melur Hayati",
        name="Dodol Puan Melur",
        legal_form="perorangan",
        sector="food",
        city="Siak",
        address="Jl. Sultan Syarif Kasim, Siak Sri Indrapura",
        founded_year=2019,
        employees=3,
        assets=60_000_000,
        turnover=150_000_000,
        description_id=(
            "Usaha rumahan di kota Siak yang membuat dodol, wajik dan bolu berendam untuk "
            "pesanan hajatan dan wisatawan Istana Siak."
        ),
        description_en=(
            "A home business in Siak town making dodol, wajik and bolu berendam for "
            "celebrations and visitors to the Siak palace."
        ),
        line="dodol",
        states="LSD",
        verified=False,
        certs="pirt:pending halal:expired",
    ),
    BusinessSpec(
        email="owner7@demo.jembatan.id",
        owner_name="Ahmad Fauzi",
        name="Nenas Kualu Jaya",
        legal_form="ud",
        sector="food",
        city="Kampar",
        address="Desa Kualu Nenas, Tambang",
        founded_year=2014,
        employees=8,
        assets=380_000_000,
        turnover=820_000_000,
        description_id=(
            "Usaha di Kualu Nenas, desa sentra nanas Kampar, yang mengolah nanas petani "
            "setempat menjadi keripik, selai dan sirup."
        ),
        description_en=(
            "A business in Kualu Nenas, Kampar's pineapple village, that turns local "
            "farmers' pineapples into chips, jam and syrup."
        ),
        line="pineapple",
        picks=(6, 7, 3, 4),
        states="LLLC",
        certs="pirt:soon halal",
    ),
    BusinessSpec(
        email="owner8@demo.jembatan.id",
        owner_name="Rosmawati",
        name="Dapur Bunda Rosma",
        legal_form="pt_perorangan",
        sector="food",
        city="Pekanbaru",
        address="Jl. Arifin Ahmad No. 56, Marpoyan Damai",
        founded_year=2018,
        employees=6,
        assets=300_000_000,
        turnover=700_000_000,
        description_id=(
            "Bumbu dan sambal siap pakai dari resep masakan Melayu Riau, dibuat tanpa "
            "pengawet dan MSG. Pelanggan setianya perantau Riau di Jawa dan Malaysia."
        ),
        description_en=(
            "Ready-made spice pastes and sambals from Riau Malay recipes, made without "
            "preservatives or MSG; favourites of Riau people living in Java and Malaysia."
        ),
        line="spice",
        states="LLLLD",
        mentored=True,
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner9@demo.jembatan.id",
        owner_name="Rudi Hartono",
        name="Dumai Bahari Snack",
        legal_form="ud",
        sector="food",
        city="Dumai",
        address="Jl. Datuk Laksamana No. 88, Dumai Kota",
        founded_year=2013,
        employees=9,
        assets=520_000_000,
        turnover=1_100_000_000,
        description_id=(
            "Pengolah hasil laut Dumai: amplang, kerupuk, terasi dan ikan asin dari "
            "tangkapan nelayan Selat Rupat. Rutin mengirim ke Melaka lewat Pelabuhan Dumai."
        ),
        description_en=(
            "A seafood processor in Dumai making amplang, crackers, shrimp paste and salted "
            "fish from the Rupat Strait catch, with regular shipments to Melaka through "
            "Dumai port."
        ),
        line="dumai_fish",
        states="LLLA",
        export_markets="Malaysia",
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner10@demo.jembatan.id",
        owner_name="Yuliani",
        name="Sari Jahe Senapelan",
        legal_form="perorangan",
        sector="food",
        city="Pekanbaru",
        address="Jl. Senapelan Gg. Pinang No. 5, Senapelan",
        founded_year=2020,
        employees=2,
        assets=45_000_000,
        turnover=120_000_000,
        description_id=(
            "Minuman rempah instan buatan rumah dari jahe merah, temulawak dan kunyit petani Riau."
        ),
        description_en=(
            "Home-made instant spice drinks of red ginger, Javanese turmeric and turmeric "
            "from Riau farmers."
        ),
        line="ginger",
        states="SSD",
        verified=False,
        certs="pirt halal:soon",
    ),
    BusinessSpec(
        email="owner11@demo.jembatan.id",
        owner_name="Rizky Pratama",
        name="Senapelan Coffee Roastery",
        legal_form="cv",
        sector="food",
        city="Pekanbaru",
        address="Jl. Ahmad Yani No. 14, Pekanbaru Kota",
        founded_year=2016,
        employees=14,
        assets=1_250_000_000,
        turnover=2_600_000_000,
        description_id=(
            "Roastery kopi di Pekanbaru yang mengangkat kopi liberika Meranti dan robusta "
            "Kampar. Menyangrai untuk 40 kedai kopi di Riau dan mengirim ke dua kafe di "
            "Singapura."
        ),
        description_en=(
            "A Pekanbaru coffee roaster championing Meranti Liberica and Kampar Robusta. It "
            "roasts for 40 cafés in Riau and ships to two cafés in Singapore."
        ),
        line="roastery",
        states="LLLLL",
        export_markets="Singapore",
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner12@demo.jembatan.id",
        owner_name="Nurhayati",
        name="Abon Patin Bu Nur",
        legal_form="perorangan",
        sector="food",
        city="Pekanbaru",
        address="Jl. Garuda Sakti Km 2, Tuah Madani",
        founded_year=2018,
        employees=4,
        assets=90_000_000,
        turnover=260_000_000,
        description_id=(
            "Abon, kerupuk dan gulai dari ikan patin budidaya, dibuat di dapur rumah dengan "
            "peralatan baja tahan karat."
        ),
        description_en=(
            "Floss, crackers and curry of farmed patin, made in a home kitchen with "
            "stainless-steel equipment."
        ),
        line="patin",
        picks=(2, 3, 4),
        states="LCD",
        verified=False,
        certs="pirt:expired halal",
    ),
    BusinessSpec(
        email="owner13@demo.jembatan.id",
        owner_name="Rosdiana",
        name="Kue Bangkit Kak Ros",
        legal_form="perorangan",
        sector="food",
        city="Pekanbaru",
        address="Jl. Paus No. 21, Marpoyan Damai",
        founded_year=2015,
        employees=3,
        assets=70_000_000,
        turnover=180_000_000,
        description_id=(
            "Kue kering Melayu untuk hari raya: kue bangkit, kue bawang dan bolu kemojo. "
            "Usaha berhenti sementara karena dapur sedang pindah."
        ),
        description_en=(
            "Malay festive cookies: kue bangkit, onion sticks and kemojo cake. Paused for "
            "now while the kitchen moves."
        ),
        line="bolu",
        picks=(2, 3, 6),
        states="LLA",
        active=False,
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner14@demo.jembatan.id",
        owner_name="Tengku Sri Wahyuni",
        name="Tenun Songket Puan Sri",
        legal_form="ud",
        sector="crafts",
        city="Siak",
        address="Kampung Dalam, Siak Sri Indrapura",
        founded_year=2006,
        employees=22,
        assets=1_300_000_000,
        turnover=2_400_000_000,
        description_id=(
            "Sanggar tenun di Kampung Dalam, Siak, tempat 22 penenun membuat songket dengan "
            "alat tenun gedogan dan ATBM. Motif pucuk rebung, siku keluang dan tampuk "
            "manggis dikerjakan dengan benang emas dan sutra."
        ),
        description_en=(
            "A weaving house in Kampung Dalam, Siak, where 22 weavers make songket on "
            "backstrap and treadle looms, in bamboo-shoot, bat-wing and mangosteen motifs "
            "with gold and silk thread."
        ),
        line="songket",
        states="LLLLS",
        export_markets="Malaysia, Brunei",
        mentored=True,
    ),
    BusinessSpec(
        email="owner15@demo.jembatan.id",
        owner_name="Dewi Kartika",
        name="Batik Tabir Riau",
        legal_form="cv",
        sector="crafts",
        city="Pekanbaru",
        address="Jl. Hang Tuah No. 77, Sail",
        founded_year=2010,
        employees=16,
        assets=1_100_000_000,
        turnover=2_200_000_000,
        description_id=(
            "Rumah batik yang menghidupkan kembali motif Melayu Riau: itik pulang petang, "
            "tabir, awan larat dan pucuk rebung. Membuat batik cap dan tulis serta busana "
            "siap pakai."
        ),
        description_en=(
            "A batik house reviving Riau Malay motifs (ducks going home, tabir, awan larat "
            "and bamboo shoot) in stamped and hand-drawn batik and ready-to-wear."
        ),
        line="batik",
        states="LLLLLC",
        export_markets="Malaysia",
        mentored=True,
    ),
    BusinessSpec(
        email="owner16@demo.jembatan.id",
        owner_name="Halimah",
        name="Anyaman Pandan Mak Limah",
        legal_form="perorangan",
        sector="crafts",
        city="Kampar",
        address="Desa Rumbio, Kampar",
        founded_year=2016,
        employees=5,
        assets=40_000_000,
        turnover=95_000_000,
        description_id=(
            "Kelompok ibu-ibu penganyam pandan di Kampar yang membuat tikar, tas dan tudung "
            "saji dengan motif warisan."
        ),
        description_en=(
            "A group of women pandan weavers in Kampar making mats, bags and food covers in "
            "heirloom patterns."
        ),
        line="pandan",
        states="LDD",
        verified=False,
    ),
    BusinessSpec(
        email="owner17@demo.jembatan.id",
        owner_name="Joko Susilo",
        name="Rotan Mandiri",
        legal_form="ud",
        sector="crafts",
        city="Pekanbaru",
        address="Jl. Yos Sudarso Km 9, Rumbai",
        founded_year=2005,
        employees=8,
        assets=480_000_000,
        turnover=1_050_000_000,
        description_id=(
            "Bengkel kerajinan rotan di Rumbai yang mengolah rotan dari Indragiri Hulu "
            "menjadi keranjang, nampan dan kap lampu untuk hotel dan toko perabot."
        ),
        description_en=(
            "A rattan workshop in Rumbai turning Indragiri Hulu cane into baskets, trays and "
            "lampshades for hotels and home stores."
        ),
        line="rattan_craft",
        states="LLLLA",
        export_markets="Singapore",
    ),
    BusinessSpec(
        email="owner18@demo.jembatan.id",
        owner_name="Raja Hamdan",
        name="Ukiran Kayu Selembayung",
        legal_form="ud",
        sector="crafts",
        city="Pekanbaru",
        address="Jl. Riau No. 130, Payung Sekaki",
        founded_year=2007,
        employees=12,
        assets=1_150_000_000,
        turnover=2_100_000_000,
        description_id=(
            "Bengkel ukir yang mengerjakan ornamen rumah Melayu, kaligrafi dan suvenir dari "
            "kayu bersertifikat SVLK."
        ),
        description_en=(
            "A carving workshop making Malay architectural ornaments, calligraphy and "
            "souvenirs from SVLK-certified timber."
        ),
        line="carving",
        states="LLLS",
        mentored=True,
        certs="svlk",
    ),
    BusinessSpec(
        email="owner19@demo.jembatan.id",
        owner_name="Sri Wahyuningsih",
        name="Kerajinan Lidi Nipah Dumai",
        legal_form="perorangan",
        sector="crafts",
        city="Dumai",
        address="Kelurahan Pangkalan Sesai, Dumai Barat",
        founded_year=2019,
        employees=4,
        assets=25_000_000,
        turnover=70_000_000,
        description_id=(
            "Kerajinan dari lidi nipah dan purun yang dibuat ibu-ibu keluarga nelayan di "
            "pesisir Dumai."
        ),
        description_en=(
            "Crafts of nipa palm ribs and purun grass made by fishing families on the Dumai coast."
        ),
        line="nipah",
        states="LLD",
        verified=False,
        active=False,
    ),
    BusinessSpec(
        email="owner20@demo.jembatan.id",
        owner_name="Fitri Handayani",
        name="Busana Melayu Lancang Kuning",
        legal_form="cv",
        sector="fashion",
        city="Pekanbaru",
        address="Jl. Tuanku Tambusai No. 301, Payung Sekaki",
        founded_year=2012,
        employees=20,
        assets=1_400_000_000,
        turnover=3_100_000_000,
        description_id=(
            "Konveksi busana Melayu untuk pria dan wanita: baju kurung, teluk belanga, "
            "kebaya labuh dan seragam instansi."
        ),
        description_en=(
            "A garment maker of Malay dress for men and women (baju kurung, Teluk Belanga "
            "and kebaya labuh) and of office uniforms."
        ),
        line="melayu_fashion",
        states="LLLLC",
    ),
    BusinessSpec(
        email="owner21@demo.jembatan.id",
        owner_name="Intan Permatasari",
        name="Kreasi Tenun Riau",
        legal_form="pt_perorangan",
        sector="fashion",
        city="Pekanbaru",
        address="Jl. Durian No. 18, Sukajadi",
        founded_year=2017,
        employees=7,
        assets=350_000_000,
        turnover=900_000_000,
        description_id=(
            "Tas dan aksesori modern dari songket dan tenun Riau, dijahit di bengkel kami "
            "di Sukajadi."
        ),
        description_en=(
            "Modern bags and accessories made from Riau songket and woven cloth, sewn in "
            "our Sukajadi workshop."
        ),
        line="bags",
        states="LLLS",
        export_markets="Malaysia",
    ),
    BusinessSpec(
        email="owner22@demo.jembatan.id",
        owner_name="Mansur Effendi",
        name="Tanjak Datuk Melayu",
        legal_form="perorangan",
        sector="fashion",
        city="Pekanbaru",
        address="Kampung Bandar, Senapelan",
        founded_year=2021,
        employees=2,
        assets=30_000_000,
        turnover=85_000_000,
        description_id=(
            "Pembuat tanjak, peci dan samping songket untuk pengantin, penari dan acara "
            "adat Melayu."
        ),
        description_en=(
            "A maker of tanjak, songkok and songket samping for bridegrooms, dancers and "
            "Malay ceremonies."
        ),
        line="tanjak",
        states="SDD",
        verified=False,
    ),
    BusinessSpec(
        email="owner23@demo.jembatan.id",
        owner_name="Bambang Sutrisno",
        name="Mebel Kayu Rumbai Jaya",
        legal_form="cv",
        sector="furniture",
        city="Pekanbaru",
        address="Jl. Sekolah No. 45, Rumbai",
        founded_year=2004,
        employees=28,
        assets=2_800_000_000,
        turnover=5_500_000_000,
        description_id=(
            "Pabrik mebel kayu solid di Rumbai dengan sertifikat legalitas kayu (SVLK). "
            "Membuat meja makan, lemari dan rak untuk rumah, hotel dan kantor."
        ),
        description_en=(
            "A solid-wood furniture maker in Rumbai with a timber-legality (SVLK) "
            "certificate, making dining sets, wardrobes and shelving for homes, hotels and "
            "offices."
        ),
        line="wood_furniture",
        states="LLLLA",
        certs="svlk",
    ),
    BusinessSpec(
        email="owner24@demo.jembatan.id",
        owner_name="Hendrik Gunawan",
        name="Rotan Jaya Furniture",
        legal_form="pt",
        sector="furniture",
        city="Pekanbaru",
        address="Kawasan Industri Tenayan, Tenayan Raya",
        founded_year=1998,
        employees=85,
        assets=6_800_000_000,
        turnover=21_000_000_000,
        description_id=(
            "Produsen mebel rotan terbesar di Pekanbaru dengan 85 karyawan. Rangka rotan "
            "manau dan anyaman rotan kulit dikerjakan tangan, lalu dikemas untuk kontainer "
            "ekspor."
        ),
        description_en=(
            "Pekanbaru's largest rattan furniture maker, with 85 staff. Manau frames and "
            "rattan-peel weaving are done by hand and packed for export containers."
        ),
        line="rattan_furniture",
        states="LLLLLL",
        export_markets="Singapore, Malaysia",
        certs="svlk",
    ),
    BusinessSpec(
        email="owner25@demo.jembatan.id",
        owner_name="Tengku Zulkarnain",
        name="Mebel Ukir Siak Sri Indrapura",
        legal_form="ud",
        sector="furniture",
        city="Siak",
        address="Jl. Raja Kecik, Siak Sri Indrapura",
        founded_year=2010,
        employees=11,
        assets=1_050_000_000,
        turnover=2_300_000_000,
        description_id=("Perajin mebel ukir bergaya Istana Siak dari kayu merbau dan meranti."),
        description_en=(
            "Makers of carved furniture in the Siak palace style, in merbau and meranti."
        ),
        line="carved_furniture",
        states="LSC",
        verified=False,
        certs="svlk:pending",
    ),
    BusinessSpec(
        email="owner26@demo.jembatan.id",
        owner_name="Syamsuddin",
        name="Koperasi Sawit Makmur Bersama",
        legal_form="koperasi",
        sector="agriculture",
        city="Kampar",
        address="Desa Sungai Pagar, Kampar Kiri Hilir",
        founded_year=2001,
        employees=60,
        assets=7_500_000_000,
        turnover=28_000_000_000,
        description_id=(
            "Koperasi 420 pekebun sawit swadaya yang memasarkan hasil samping kebun: lidi, "
            "cangkang dan kompos tandan kosong. Lidi sawit diekspor ke India lewat Dumai."
        ),
        description_en=(
            "A cooperative of 420 independent oil-palm smallholders that markets the "
            "plantations' by-products: leaf sticks, kernel shells and bunch compost. Palm "
            "sticks ship to India through Dumai."
        ),
        line="palm",
        states="LLLL",
        export_markets="Malaysia, India",
        certs="ispo",
    ),
    BusinessSpec(
        email="owner27@demo.jembatan.id",
        owner_name="Sutrisno",
        name="Kelompok Tani Buah Sungai Pinang",
        legal_form="koperasi",
        sector="agriculture",
        city="Kampar",
        address="Desa Sungai Pinang, Tambang",
        founded_year=2013,
        employees=15,
        assets=600_000_000,
        turnover=1_600_000_000,
        description_id=(
            "Kelompok tani buah di Tambang, Kampar: nanas, durian, jeruk dan nangka, dipanen "
            "sesuai pesanan dan dikirim dengan truk berpendingin."
        ),
        description_en=(
            "A fruit growers' group in Tambang, Kampar (pineapple, durian, tangerine and "
            "jackfruit), harvested to order and sent in refrigerated trucks."
        ),
        line="fruit",
        states="LLLD",
        verified=False,
    ),
    BusinessSpec(
        email="owner28@demo.jembatan.id",
        owner_name="Erwin Saputra",
        name="Madu Sialang Lestari",
        legal_form="cv",
        sector="agriculture",
        city="Pekanbaru",
        address="Jl. Kartama No. 23, Marpoyan Damai",
        founded_year=2014,
        employees=12,
        assets=1_200_000_000,
        turnover=2_800_000_000,
        description_id=(
            "Pengumpul dan pengemas madu hutan sialang dari desa-desa di sekitar Taman "
            "Nasional Tesso Nilo. Setiap panen diuji kadar air dan keasliannya, dan pemanjat "
            "madu dibayar di atas harga pasar."
        ),
        description_en=(
            "Collects and packs wild sialang honey from villages around Tesso Nilo National "
            "Park. Every harvest is tested for moisture and authenticity, and honey hunters "
            "are paid above the market price."
        ),
        line="honey",
        states="LLLLLS",
        export_markets="Malaysia, Brunei",
        certs="pirt halal organic",
    ),
    BusinessSpec(
        email="owner29@demo.jembatan.id",
        owner_name="Ayu Lestari",
        name="Herbal Melayu Seri Ayu",
        legal_form="perorangan",
        sector="cosmetics",
        city="Pekanbaru",
        address="Jl. Cipta Karya No. 60, Tuah Madani",
        founded_year=2020,
        employees=3,
        assets=80_000_000,
        turnover=210_000_000,
        description_id=(
            "Sabun, lulur dan minyak urut dari resep perawatan Melayu, dibuat dengan minyak "
            "kelapa murni dan rempah Riau."
        ),
        description_en=(
            "Soaps, scrubs and massage oils from Malay beauty recipes, made with virgin "
            "coconut oil and Riau spices."
        ),
        line="herbal",
        states="CDD",
        verified=False,
        certs="bpom_na halal:pending",
    ),
    BusinessSpec(
        email="owner30@demo.jembatan.id",
        owner_name="Usman Hakim",
        name="Keripik Pak Usman",
        legal_form="ud",
        sector="food",
        city="Pekanbaru",
        address="Jl. Kulim No. 7, Tenayan Raya",
        founded_year=2015,
        employees=5,
        assets=150_000_000,
        turnover=390_000_000,
        description_id=(
            "Keripik singkong, pisang dan talas dari petani Tenayan Raya, digoreng dengan "
            "minyak baru setiap hari."
        ),
        description_en=(
            "Cassava, banana and taro chips from Tenayan Raya farmers, fried in fresh oil "
            "every day."
        ),
        line="snacks",
        states="LLLS",
        verified=False,
        certs="pirt halal",
    ),
    BusinessSpec(
        email="owner31@demo.jembatan.id",
        owner_name="Fadli Ramadhan",
        name="Madu Kelulut Tuah Madani",
        legal_form="perorangan",
        sector="agriculture",
        city="Pekanbaru",
        address="Jl. Bangau Sakti, Tuah Madani",
        founded_year=2019,
        employees=4,
        assets=120_000_000,
        turnover=300_000_000,
        description_id=(
            "Peternakan lebah kelulut (tanpa sengat) dengan 300 koloni di kebun karet dan "
            "buah di pinggir kota Pekanbaru. Madu dipanen dengan pompa, tanpa memeras sarang."
        ),
        description_en=(
            "A stingless-bee farm with 300 colonies among rubber and fruit gardens on the "
            "edge of Pekanbaru. Honey is pumped from the pots, never squeezed from the comb."
        ),
        line="honey",
        picks=(3, 4, 5),
        states="LLS",
        certs="pirt halal",
    ),
]

# BPS regency codes, used in P-IRT and Halal numbers.
REGENCY_CODES = {
    "Pekanbaru": "1471",
    "Dumai": "1473",
    "Kampar": "1406",
    "Siak": "1405",
    "Kepulauan Meranti": "1410",
}

CHANGE_REQUESTS = [
    "Foto kemasan belum menunjukkan label komposisi dan berat bersih. Mohon tambahkan foto "
    "bagian belakang kemasan, dan perbaiki nama Inggris agar sesuai dengan label.",
    "Harga FOB terlalu dekat dengan harga eceran di Pekanbaru; hitung ulang dengan biaya "
    "kemasan ekspor dan ongkos angkut ke Dumai. Lead time juga perlu realistis untuk MOQ ini.",
    "Deskripsi bahasa Inggris masih terjemahan mesin. Jelaskan bahan, ukuran dan cara "
    "perawatan dengan kalimat sederhana, lalu kirim ulang.",
    "Kode HS belum cocok dengan produknya. Untuk produk ini gunakan subpos yang lebih "
    "spesifik dan cantumkan sertifikat yang berlaku.",
]

PORTS = ["Dumai", "Dumai", "Pekanbaru"]
INCOTERM_SETS = [["FOB", "CIF"], ["FOB"], ["EXW", "FOB", "CIF"], ["FOB", "CFR", "CIF"]]


def _nib(index: int) -> str:
    """A stable, unique 13-digit NIB per demo business (7919 is prime: no collisions)."""
    return f"91{(index * 7919 + 1_020_304) % 10**11:011d}"


def _phone(index: int) -> str:
    prefix = ("812", "813", "852", "853")[index % 4]
    return f"+62 {prefix}-{7100 + (index * 379) % 2900:04d}-{(index * 7919 + 4321) % 10000:04d}"


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _usd(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _scale(spec: BusinessSpec) -> str:
    """The smallest scale the figures fit; ``Business.clean`` (through ``business_create``)
    refuses figures that fit none, as it does on every other door."""
    return first_scale_for(assets=_money(spec.assets), turnover=_money(spec.turnover))


def _owner_account(spec: BusinessSpec, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        email=spec.email,
        defaults={"full_name": spec.owner_name, "role": User.Role.OWNER, "language": "id"},
    )
    if user.email != DEMO_OWNER_EMAIL:  # seed_accounts looks after the demo owner
        user.full_name = spec.owner_name
        user.role = User.Role.OWNER
        user.language = "id"
        user.timezone = "Asia/Jakarta"
        user.is_active = True
        user.password = password_hash
        user.save(
            update_fields=["full_name", "role", "language", "timezone", "is_active", "password"]
        )
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        account_services.user_email_verified(user=user)
    return user


def _certificate_fields(
    code: str, *, index: int, business: Business, spec: BusinessSpec, today
) -> tuple[str, dict]:
    kind, _sep, state = code.partition(":")
    reg = REGENCY_CODES.get(spec.city, "1471")
    seq = index * 137 + 29
    regency = "Kota" if spec.city in ("Pekanbaru", "Dumai") else "Kabupaten"
    if kind == "nib":
        issued = today.replace(year=max(2019, min(today.year - 1, spec.founded_year + 3)), day=1)
        return Certification.Kind.NIB, {
            "number": business.nib,
            "issuer": "Lembaga OSS (Kementerian Investasi/BKPM)",
            "issued_on": issued,
            "expires_on": None,
        }
    catalogue = {
        "pirt": (
            Certification.Kind.PIRT,
            f"P-IRT 2{(index % 15) + 1:02d}{reg}{seq:04d}",
            f"Dinas Kesehatan {regency} {spec.city}",
            5,
        ),
        "bpom_md": (
            Certification.Kind.BPOM_MD,
            f"BPOM RI MD 2{(index * 7919) % 10**11:011d}",
            "Badan Pengawas Obat dan Makanan RI",
            5,
        ),
        "halal": (
            Certification.Kind.HALAL,
            f"ID{reg[:2]}110000{seq:07d}",
            "BPJPH Kementerian Agama RI",
            None,
        ),
        "svlk": (
            Certification.Kind.SVLK,
            f"MAL-VLK-{seq:04d}",
            "PT Mutu Agung Lestari (LVLK)",
            6,
        ),
        "haccp": (
            Certification.Kind.HACCP,
            f"SCI-HACCP-{seq:05d}",
            "PT Sucofindo (Persero)",
            3,
        ),
        "organic": (
            Certification.Kind.ORGANIC,
            f"LSO-SCI-ORG-{seq:04d}",
            "LSO PT Sucofindo (Persero)",
            3,
        ),
        "ispo": (
            Certification.Kind.OTHER,
            f"ISPO-MAL-{seq:04d} (ISPO)",
            "Komisi ISPO, audit PT Mutu Agung Lestari",
            5,
        ),
        "bpom_na": (
            Certification.Kind.OTHER,
            f"NA18{(index * 104729) % 10**9:09d} (notifikasi kosmetik BPOM)",
            "Badan Pengawas Obat dan Makanan RI",
            3,
        ),
    }
    kind_value, number, issuer, years = catalogue[kind]
    if state == "expired":
        expires = today - timedelta(days=20 + index)
        years = years or 4  # an old MUI-era Halal certificate had an end date
        issuer = "LPPOM MUI Provinsi Riau" if kind == "halal" else issuer
    elif state == "soon":
        expires = today + timedelta(days=9 + index % 15)
        years = years or 4
        issuer = "LPPOM MUI Provinsi Riau" if kind == "halal" else issuer
    elif years:
        expires = today + timedelta(days=365 * years - 400 - 30 * (index % 12))
    else:
        expires = None
    issued = (expires or today + timedelta(days=365 * 4)) - timedelta(days=365 * (years or 4))
    issued = min(issued, today - timedelta(days=60))
    return kind_value, {
        "number": number,
        "issuer": issuer,
        "issued_on": issued,
        "expires_on": expires,
    }


def _seed_certifications(
    business: Business, spec: BusinessSpec, index: int, staff: User
) -> list[Certification]:
    today = timezone.localdate()
    certificates = []
    for code in ["nib", *spec.certs.split()]:
        kind, fields = _certificate_fields(
            code, index=index, business=business, spec=spec, today=today
        )
        # Keyed by business and kind: stable even if the seed runs on another day.
        certificate = business.certifications.filter(kind=kind).first()
        if certificate is None:
            certificate = Certification(business=business, kind=kind, **fields)
            certificate.full_clean()
            certificate.save()
            if spec.verified and not code.endswith(":pending"):
                services.certification_verify(certification=certificate, staff=staff)
        certificates.append(certificate)
    return certificates


def _ensure_mentorship(business: Business, mentor: User, index: int) -> None:
    if Mentorship.objects.filter(
        mentor=mentor, business=business, status=Mentorship.Status.ACTIVE
    ).exists():
        return
    Mentorship.objects.create(
        mentor=mentor,
        business=business,
        status=Mentorship.Status.ACTIVE,
        message=(
            "Kami ingin pendampingan untuk menyiapkan produk ekspor: kemasan, label "
            "bahasa Inggris dan perhitungan harga FOB."
        ),
        started_at=timezone.now() - timedelta(days=20 + 9 * index),
    )


def backdate_fresh_businesses(businesses: list[Business]) -> int:
    """Spread the demo over the past year, as a programme that has run for a while.

    Without it every business, verification and listing carries the seed's own time and
    the staff dashboard's monthly charts show a single bar. Runs after the mentoring and
    marketplace demos, on the businesses this run created (created in the last hour):
    each joined about nine days before the next, and always before its first mentoring
    request, training seat or inquiry; it was verified three days after joining and its
    listed products went online in the following weeks, before their first inquiry.
    Businesses an earlier run backdated are left alone, so a second run changes nothing.
    """
    from marketplace.models import Inquiry
    from mentoring.models import Registration

    now = timezone.now()
    fresh = {b.pk for b in businesses if b.created_at >= now - timedelta(hours=1)}
    for index, business in enumerate(businesses):
        if business.pk not in fresh:
            continue
        firsts = [
            *Mentorship.objects.filter(business=business)
            .aggregate(a=Min("requested_at"), b=Min("started_at"))
            .values(),
            Registration.objects.filter(business=business).aggregate(m=Min("created_at"))["m"],
            Inquiry.objects.filter(business=business).aggregate(m=Min("created_at"))["m"],
        ]
        joined = min(
            [now - timedelta(days=40 + 9 * index)]
            + [first - timedelta(days=7) for first in firsts if first]
        )
        Business.objects.filter(pk=business.pk).update(
            created_at=joined,
            verified_at=Case(
                When(verified_at__isnull=True, then=None),
                default=Value(joined + timedelta(days=3)),
            ),
        )
        User.objects.filter(pk=business.owner_id).update(date_joined=joined)
        Product.objects.filter(business=business).update(created_at=joined)
        listed = business.products.filter(listed_at__isnull=False).annotate(
            first_inquiry=Min("inquiries__created_at")
        )
        for k, product in enumerate(listed.order_by("pk")):
            online = min(
                joined + timedelta(days=5 + 6 * k),
                (product.first_inquiry or now) - timedelta(days=1),
                now - timedelta(days=1),
            )
            online = max(online, joined + timedelta(hours=1))
            Product.objects.filter(pk=product.pk).update(listed_at=online)
    return len(fresh)


WOOD_CATEGORIES = {"wood-carving", "indoor-furniture", "rattan-furniture"}
FOOD_CERT_KINDS = {
    Certification.Kind.PIRT,
    Certification.Kind.BPOM_MD,
    Certification.Kind.HALAL,
    Certification.Kind.HACCP,
    Certification.Kind.ORGANIC,
}


def _product_certificates(category: Category, certificates: list[Certification]):
    if category.is_food:
        return [c for c in certificates if c.kind in FOOD_CERT_KINDS]
    if category.slug in WOOD_CATEGORIES:
        return [c for c in certificates if c.kind == Certification.Kind.SVLK]
    if category.parent and category.parent.slug == "herbal-cosmetics":
        return [c for c in certificates if c.kind in {Certification.Kind.OTHER, "halal"}]
    return []


def _fob_usd(spec: ProductSpec) -> Decimal:
    # Export price: domestic wholesale (about 80 % of retail) at Rp 16,300 per dollar.
    return max(_usd(spec.price_idr * 0.8 / 16_300), Decimal("0.05"))


def _product_fields(spec: ProductSpec, category: Category, *, draft: bool, n: int) -> dict:
    fob = _fob_usd(spec)
    return {
        "category": category,
        "name_id": spec.name_id,
        "name_en": spec.name_en,
        "description_id": spec.description_id,
        # Drafts are unfinished: no English description or export price yet.
        "description_en": "" if draft else spec.description_en,
        "hs_code": spec.hs_code,
        "unit": spec.unit,
        "moq": spec.moq,
        "price_idr": _money(spec.price_idr),
        "fob_usd": None if draft else fob,
        "sample_available": n % 4 != 3,
        "sample_price_usd": (
            None if n % 4 == 3 or spec.unit == "tonne" else max(Decimal("5.00"), fob * 2)
        ),
        "capacity_per_month": spec.capacity_per_month,
        "lead_time_days": spec.lead_time_days,
        "weight_grams": spec.weight_grams,
        "size": spec.size,
        "shelf_life_days": spec.shelf_life_days,
        "incoterms": INCOTERM_SETS[n % len(INCOTERM_SETS)],
        "port_of_loading": PORTS[n % len(PORTS)],
    }


def _price_tiers(spec: ProductSpec) -> list[dict]:
    """FOB price by quantity: the list price from the MOQ, cheaper for larger orders."""
    moq, fob = spec.moq, _fob_usd(spec)
    return [
        {"min_quantity": moq, "max_quantity": moq * 5 - 1, "price_usd": fob},
        {
            "min_quantity": moq * 5,
            "max_quantity": moq * 20 - 1,
            "price_usd": max(_usd(fob * Decimal("0.93")), Decimal("0.01")),
        },
        {
            "min_quantity": moq * 20,
            "max_quantity": None,
            "price_usd": max(_usd(fob * Decimal("0.86")), Decimal("0.01")),
        },
    ]


PHOTO_VIEWS = [
    ("product", "the product"),
    ("packaging", "its packaging"),
    ("close-up", "a close-up"),
    ("detail", "a detail"),
]


def _add_photos(product: Product, spec: ProductSpec, category: Category, count: int) -> None:
    for k in range(count):
        data = product_photo(
            title=spec.name_en, category=category, unit=spec.unit, size=spec.size, variant=k
        )
        label, what = PHOTO_VIEWS[k % len(PHOTO_VIEWS)]
        services.product_image_add(
            product=product,
            upload=SimpleUploadedFile(f"{product.slug}-{label}.jpg", data, "image/jpeg"),
            alt_text=f"{spec.name_en}: {what}"[:200],
        )


def _seed_products(
    business: Business,
    spec: BusinessSpec,
    index: int,
    *,
    owner: User,
    reviewer: User,
    certificates: list[Certification],
    categories: dict[str, Category],
) -> None:
    if business.products.exists():
        return
    line = LINES[spec.line]
    picks = spec.picks or tuple(range(len(spec.states)))
    for j, (pick, state) in enumerate(zip(picks, spec.states, strict=True)):
        product_spec = line[pick % len(line)]
        category = categories[product_spec.category]
        n = index * 7 + j
        fields = _product_fields(product_spec, category, draft=state == "D", n=n)
        if state in "LA" and n % 3 == 0:
            fields["price_tiers"] = _price_tiers(product_spec)
        product = services.product_create(
            business=business,
            actor=owner,
            certifications=_product_certificates(category, certificates),
            **fields,
        )
        if state in "LA":
            photos = 2 if n % 5 == 0 else 3 + n % 2
        elif state in "SC":
            photos = 2
        else:
            photos = 1
        _add_photos(product, product_spec, category, photos)
        if state == "D":
            continue
        product = services.product_submit(product=product, actor=owner)
        if state == "C":
            services.product_request_changes(
                product=product,
                reviewer=reviewer,
                comment=CHANGE_REQUESTS[n % len(CHANGE_REQUESTS)],
            )
        elif state in "LA":
            product = services.product_approve(product=product, reviewer=reviewer)
            if state == "A":
                services.product_archive(product=product, actor=owner)


def _demo_user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        seed_accounts()
        user = User.objects.get(email=email)
    return user


def seed_businesses(*, owners: int = 31) -> list[Business]:
    """Create the demo businesses (the demo owner's and ``owners`` more), idempotently.

    With the default 31 (two of them inactive) there are 30 active businesses besides
    the demo owner's, as the catalogue demo needs.

    Each gets an owner account, certificates, (for some) the demo mentor, and products
    taken through the listing workflow with generated photos. Notifications that the
    workflow writes stay in the app; their emails are marked skipped so that a seed
    does not send hundreds of messages.
    """
    seed_categories()
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    staff = _demo_user(DEMO_STAFF_EMAIL)
    mentor = _demo_user(DEMO_MENTOR_EMAIL)
    password_hash = make_password(DEMO_PASSWORD)
    specs = BUSINESSES[: owners + 1]
    businesses = []
    with transaction.atomic():
        last_notification = (
            Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        for index, spec in enumerate(specs):
            owner = _owner_account(spec, password_hash)
            business = Business.objects.filter(owner=owner).first()
            if business is None:
                business = services.business_create(
                    owner=owner,
                    name=spec.name,
                    legal_form=spec.legal_form,
                    nib=_nib(index),
                    assets_idr=_money(spec.assets),
                    annual_turnover_idr=_money(spec.turnover),
                    scale=_scale(spec),
                    sector=spec.sector,
                    province="Riau",
                    city=spec.city,
                    address=spec.address,
                    founded_year=spec.founded_year,
                    employees=spec.employees,
                    description_id=spec.description_id,
                    description_en=spec.description_en,
                    phone=_phone(index),
                    whatsapp=_phone(index),
                    contact_email=f"{slugify(spec.name)[:40]}@demo.jembatan.id",
                    has_exported=bool(spec.export_markets),
                    export_markets=spec.export_markets,
                    is_active=spec.active,
                )
                certificates = _seed_certifications(business, spec, index, staff)
                if spec.verified:
                    services.business_verify(business=business, staff=staff)
            else:
                certificates = list(business.certifications.all())
            if spec.mentored:
                _ensure_mentorship(business, mentor, index)
            _seed_products(
                business,
                spec,
                index,
                owner=owner,
                reviewer=mentor if spec.mentored else staff,
                certificates=certificates,
                categories=categories,
            )
            businesses.append(business)
        Notification.objects.filter(
            pk__gt=last_notification, email_status=Notification.EmailStatus.PENDING
        ).update(email_status=Notification.EmailStatus.SKIPPED)
    return businesses


# --------------------------------------------------------------------------- photos

PALETTES = {
    "food-beverages": ((255, 240, 214), (236, 140, 72), (150, 62, 24)),
    "crafts": ((220, 243, 238), (42, 150, 138), (16, 82, 76)),
    "fashion": ((246, 228, 244), (176, 82, 152), (96, 30, 84)),
    "furniture": ((244, 232, 216), (160, 112, 70), (88, 56, 30)),
    "agriculture": ((230, 245, 214), (96, 160, 72), (40, 92, 32)),
    "herbal-cosmetics": ((236, 234, 250), (130, 116, 196), (64, 52, 120)),
}
SHAPES = {
    "snacks": "pouch",
    "coffee-tea": "pouch",
    "spices-condiments": "jar",
    "processed-fish": "tray",
    "sweets-cakes": "cake",
    "beverages": "bottle",
    "sago-staples": "pouch",
    "woven-goods": "basket",
    "batik-songket": "fabric",
    "wood-carving": "panel",
    "clothing": "shirt",
    "bags-accessories": "bag",
    "indoor-furniture": "table",
    "rattan-furniture": "chair",
    "palm-products": "bundle",
    "fresh-fruit": "fruit",
    "honey": "jar",
    "body-care": "bottle",
    "essential-oils": "bottle",
}
PHOTO_SIZE = (800, 600)


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _draw_shape(draw, shape: str, cx: float, cy: float, s: float, fill, accent, light) -> None:
    def box(x0, y0, x1, y1):
        return (cx + x0 * s, cy + y0 * s, cx + x1 * s, cy + y1 * s)

    w = max(2, round(s * 0.02))
    if shape == "pouch":
        draw.rounded_rectangle(box(-0.32, -0.42, 0.32, 0.45), radius=s * 0.05, fill=fill)
        draw.rectangle(box(-0.32, -0.36, 0.32, -0.31), fill=accent)
        draw.ellipse(box(-0.18, -0.16, 0.18, 0.2), fill=light)
        draw.rectangle(box(-0.22, 0.27, 0.22, 0.36), fill=accent)
    elif shape == "jar":
        draw.rounded_rectangle(box(-0.25, -0.46, 0.25, -0.33), radius=s * 0.03, fill=accent)
        draw.rounded_rectangle(box(-0.31, -0.33, 0.31, 0.46), radius=s * 0.09, fill=fill)
        draw.rounded_rectangle(box(-0.24, -0.12, 0.24, 0.22), radius=s * 0.03, fill=light)
    elif shape == "bottle":
        draw.rectangle(box(-0.07, -0.5, 0.07, -0.4), fill=accent)
        draw.rectangle(box(-0.09, -0.4, 0.09, -0.24), fill=fill)
        draw.polygon(
            [
                box(-0.09, -0.24, 0.09, -0.24)[0:2],
                (cx + 0.09 * s, cy - 0.24 * s),
                (cx + 0.21 * s, cy - 0.12 * s),
                (cx - 0.21 * s, cy - 0.12 * s),
            ],
            fill=fill,
        )
        draw.rounded_rectangle(box(-0.21, -0.13, 0.21, 0.48), radius=s * 0.05, fill=fill)
        draw.rectangle(box(-0.21, 0.02, 0.21, 0.26), fill=light)
    elif shape == "cake":
        draw.rectangle(box(-0.42, -0.05, 0.42, 0.25), fill=fill)
        draw.ellipse(box(-0.42, 0.1, 0.42, 0.4), fill=fill)
        draw.ellipse(box(-0.42, -0.2, 0.42, 0.1), fill=light)
        for k in range(8):
            angle = k * 0.785
            x, y = 0.26 * math.cos(angle), 0.1 * math.sin(angle) - 0.05
            draw.ellipse(box(x - 0.07, y - 0.035, x + 0.07, y + 0.035), fill=accent)
    elif shape == "tray":
        draw.rounded_rectangle(
            box(-0.46, -0.22, 0.46, 0.28), radius=s * 0.06, fill=light, outline=accent, width=w * 2
        )
        for row in range(2):
            for col in range(4):
                x, y = -0.33 + col * 0.22, -0.08 + row * 0.22
                draw.ellipse(box(x - 0.09, y - 0.07, x + 0.09, y + 0.07), fill=fill)
    elif shape == "basket":
        draw.arc(box(-0.3, -0.55, 0.3, 0.05), 180, 360, fill=accent, width=w * 3)
        draw.polygon(
            [
                (cx - 0.42 * s, cy - 0.15 * s),
                (cx + 0.42 * s, cy - 0.15 * s),
                (cx + 0.32 * s, cy + 0.42 * s),
                (cx - 0.32 * s, cy + 0.42 * s),
            ],
            fill=fill,
        )
        for k in range(6):
            y = -0.08 + k * 0.09
            draw.line(
                [
                    box(-0.4 + k * 0.017, y, 0.4 - k * 0.017, y)[0:2],
                    box(-0.4 + k * 0.017, y, 0.4 - k * 0.017, y)[2:4],
                ],
                fill=light,
                width=w,
            )
    elif shape == "fabric":
        draw.rectangle(box(-0.44, -0.36, 0.44, 0.4), fill=fill)
        draw.rectangle(box(-0.44, -0.36, 0.44, -0.3), fill=accent)
        draw.rectangle(box(-0.44, 0.34, 0.44, 0.4), fill=accent)
        for row in range(3):
            for col in range(6):
                x, y = -0.37 + col * 0.148, -0.2 + row * 0.18
                draw.polygon(
                    [
                        (cx + (x - 0.05) * s, cy + (y + 0.07) * s),
                        (cx + x * s, cy + (y - 0.08) * s),
                        (cx + (x + 0.05) * s, cy + (y + 0.07) * s),
                    ],
                    fill=light,
                )
    elif shape == "panel":
        draw.rounded_rectangle(box(-0.45, -0.3, 0.45, 0.32), radius=s * 0.03, fill=fill)
        draw.rounded_rectangle(
            box(-0.39, -0.24, 0.39, 0.26), radius=s * 0.02, outline=light, width=w
        )
        for k in range(5):
            x = -0.28 + k * 0.14
            draw.arc(box(x - 0.08, -0.1, x + 0.08, 0.12), 0, 300, fill=light, width=w)
    elif shape == "shirt":
        points = [
            (-0.16, -0.42),
            (0.16, -0.42),
            (0.42, -0.25),
            (0.33, -0.08),
            (0.22, -0.15),
            (0.22, 0.45),
            (-0.22, 0.45),
            (-0.22, -0.15),
            (-0.33, -0.08),
            (-0.42, -0.25),
        ]
        draw.polygon([(cx + x * s, cy + y * s) for x, y in points], fill=fill)
        draw.polygon(
            [(cx - 0.1 * s, cy - 0.42 * s), (cx + 0.1 * s, cy - 0.42 * s), (cx, cy - 0.3 * s)],
            fill=light,
        )
        draw.rectangle(box(-0.22, 0.18, 0.22, 0.26), fill=accent)
    elif shape == "bag":
        draw.arc(box(-0.2, -0.5, 0.2, -0.1), 180, 360, fill=accent, width=w * 3)
        draw.rounded_rectangle(box(-0.36, -0.3, 0.36, 0.38), radius=s * 0.06, fill=fill)
        draw.rectangle(box(-0.36, -0.1, 0.36, 0.05), fill=light)
    elif shape == "table":
        draw.rounded_rectangle(box(-0.46, -0.12, 0.46, -0.04), radius=s * 0.01, fill=fill)
        for x in (-0.4, 0.34):
            draw.rectangle(box(x, -0.04, x + 0.06, 0.4), fill=fill)
        draw.rectangle(box(-0.34, 0.02, 0.34, 0.06), fill=accent)
    elif shape == "chair":
        draw.arc(box(-0.3, -0.5, 0.3, 0.1), 180, 360, fill=fill, width=w * 4)
        draw.rectangle(box(-0.3, -0.2, -0.25, 0.1), fill=fill)
        draw.rectangle(box(0.25, -0.2, 0.3, 0.1), fill=fill)
        draw.rounded_rectangle(box(-0.34, 0.06, 0.34, 0.16), radius=s * 0.03, fill=accent)
        for x in (-0.3, 0.25):
            draw.rectangle(box(x, 0.16, x + 0.05, 0.45), fill=fill)
    elif shape == "bundle":
        for k in range(15):
            x = -0.3 + k * 0.043
            draw.line(
                [(cx + x * s, cy - 0.45 * s), (cx + x * 0.3 * s, cy + 0.45 * s)], fill=fill, width=w
            )
        draw.rectangle(box(-0.16, 0.0, 0.16, 0.07), fill=accent)
    else:  # fruit
        for x, y, r in ((-0.2, 0.1, 0.22), (0.2, 0.12, 0.2), (0.0, -0.12, 0.22)):
            draw.ellipse(box(x - r, y - r, x + r, y + r), fill=fill, outline=accent, width=w)
            draw.polygon(
                [
                    (cx + x * s, cy + (y - r) * s),
                    (cx + (x + 0.08) * s, cy + (y - r - 0.1) * s),
                    (cx + (x + 0.02) * s, cy + (y - r + 0.02) * s),
                ],
                fill=light,
            )


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def product_photo(
    *, title: str, category: Category, unit: str = "", size: str = "", variant: int = 0
) -> bytes:
    """A product 'photo' drawn with Pillow: gradient, a silhouette and the name (JPEG)."""
    top = category.parent.slug if category.parent_id else category.slug
    return _drawn_photo(title, category.slug, top, unit, size, variant)


@functools.lru_cache(maxsize=512)  # a second seed in the same process redraws nothing
def _drawn_photo(title: str, slug: str, top: str, unit: str, size: str, variant: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    pale, mid, dark = PALETTES.get(top, PALETTES["crafts"])
    shape = SHAPES.get(slug, "pouch")
    if size.startswith("jar"):
        shape = "jar"
    elif size.startswith("bottle") or (unit == "bottle" and shape == "pouch"):
        shape = "bottle"
    width, height = PHOTO_SIZE
    # Background: a soft gradient whose direction and tint change with the view.
    mask = Image.linear_gradient("L").resize((width, height))
    if variant % 2:
        mask = mask.transpose(Image.Transpose.ROTATE_180)
    start = _mix(pale, (255, 255, 255), 0.4)
    end = _mix(pale, mid, 0.35 + 0.1 * (variant % 3))
    image = Image.composite(
        Image.new("RGB", (width, height), end), Image.new("RGB", (width, height), start), mask
    )
    draw = ImageDraw.Draw(image)
    # A soft "table" shadow and the silhouette.
    scale = (0.62, 0.5, 0.8, 0.55)[variant % 4] * height
    cx = width / 2 + (0, -0.16, 0, 0.17)[variant % 4] * width
    cy = height * 0.42
    draw.ellipse(
        (cx - scale * 0.45, cy + scale * 0.4, cx + scale * 0.45, cy + scale * 0.55),
        fill=_mix(end, dark, 0.25),
    )
    _draw_shape(
        draw, shape, cx, cy, scale, fill=mid, accent=dark, light=_mix(pale, (255,) * 3, 0.5)
    )
    if variant % 4 in (1, 3):  # a second, smaller item next to the first
        _draw_shape(
            draw,
            shape,
            cx + (0.31 if variant % 4 == 1 else -0.33) * width,
            cy + 40,
            scale * 0.6,
            fill=_mix(mid, dark, 0.3),
            accent=dark,
            light=pale,
        )
    # The product's English name in large type on a light band.
    band_top = int(height * 0.76)
    draw.rectangle((0, band_top, width, height), fill=_mix(pale, (255, 255, 255), 0.6))
    font_size = 40
    while True:
        font = ImageFont.load_default(size=font_size)
        lines = _wrap(draw, title, font, width - 80)
        if len(lines) <= 2 or font_size <= 24:
            break
        font_size -= 4
    y = band_top + (height - band_top - len(lines[:2]) * (font_size + 8)) / 2
    for line in lines[:2]:
        draw.text((40, y), line, font=font, fill=dark)
        y += font_size + 8
    label = PHOTO_VIEWS[variant % len(PHOTO_VIEWS)][0].upper()
    draw.text(
        (28, 24),
        f"{label} · JEMBATAN UMKM DEMO",
        font=ImageFont.load_default(size=16),
        fill=_mix(dark, pale, 0.3),
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)  # re-encoded on upload anyway
    return buffer.getvalue()


# --------------------------------------------------------------------------- bulk

SECTORS_BY_TOP = {
    "food-beverages": {"food", "fisheries"},
    "crafts": {"crafts"},
    "fashion": {"fashion"},
    "furniture": {"furniture"},
    "agriculture": {"agriculture"},
    "herbal-cosmetics": {"cosmetics"},
}
BULK_VARIANTS = [
    ("", ""),
    ("Premium", "Premium"),
    ("Seri Ekspor", "Export series"),
    ("Grade A", "Grade A"),
    ("Klasik", "Classic"),
    ("Edisi Terbatas", "Limited edition"),
    ("Pilihan", "Select"),
    ("Kemasan Hemat", "Value pack"),
]


def bulk_products():
    """The benchmark products seed_bulk_products made (slug ``bulk-0000001-…``)."""
    return Product.objects.filter(slug__startswith=BULK_SLUG_PREFIX, slug__regex=BULK_SLUG_RE)


def seed_bulk_products(n: int, *, chunk: int = 10_000) -> int:
    """Make sure ``n`` benchmark products exist: plain listed products, no photos.

    Spread over the active businesses (matching their sector where possible) and the
    leaf categories; bulk-inserted, so 100,000 take a minute or two, not hours.
    Returns how many were added (0 when ``n`` already exist).
    """
    missing = n - bulk_products().count()
    if missing <= 0:
        return 0
    seed_categories()
    businesses = list(Business.objects.active().only("pk", "name", "city", "sector"))
    if not businesses:
        raise ValueError("seed_bulk_products needs active businesses; run seed_businesses first.")
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    pools = {
        top: [b for b in businesses if b.sector in sectors] or businesses
        for top, sectors in SECTORS_BY_TOP.items()
    }
    templates = [spec for line in LINES.values() for spec in line]
    slugs = {
        (t, v): slugify(f"{spec.name_en} {variant[1]}")[:150]
        for t, spec in enumerate(templates)
        for v, variant in enumerate(BULK_VARIANTS)
    }
    last = bulk_products().order_by("-slug").values_list("slug", flat=True).first()
    start = int(last[len(BULK_SLUG_PREFIX) : len(BULK_SLUG_PREFIX) + 7]) if last else 0
    rng = random.Random(start)  # noqa: S311  # nosec B311 # demo data, not security
    now = timezone.now()
    added = 0
    with transaction.atomic():
        while added < missing:
            batch = []
            for number in range(start + added + 1, start + min(missing, added + chunk) + 1):
                t = number % len(templates)
                v = (number // len(templates)) % len(BULK_VARIANTS)
                spec, (variant_id, variant_en) = templates[t], BULK_VARIANTS[v]
                category = categories[spec.category]
                top = category.parent.slug if category.parent_id else category.slug
                factor = 0.85 + rng.random() * 0.4
                price = _money(spec.price_idr * factor)
                product = Product(
                    business=rng.choice(pools[top]),
                    category=category,
                    slug=f"{BULK_SLUG_PREFIX}{number:07d}-{slugs[t, v]}",
                    name_id=f"{spec.name_id} {variant_id}".strip(),
                    name_en=f"{spec.name_en} {variant_en}".strip(),
                    description_id=spec.description_id,
                    description_en=spec.description_en,
                    hs_code=normalise_hs_code(spec.hs_code),
                    unit=spec.unit,
                    moq=spec.moq,
                    price_idr=price,
                    fob_usd=max(_usd(float(price) * 0.8 / 16_300), Decimal("0.05")),
                    sample_available=number % 3 != 0,
                    capacity_per_month=spec.capacity_per_month,
                    lead_time_days=spec.lead_time_days,
                    weight_grams=spec.weight_grams,
                    size=spec.size,
                    shelf_life_days=spec.shelf_life_days,
                    incoterms=INCOTERM_SETS[number % len(INCOTERM_SETS)],
                    port_of_loading=PORTS[number % len(PORTS)],
                    status=Product.Status.LISTED,
                    is_listed=True,
                    listed_at=now - timedelta(minutes=(number * 37) % (365 * 24 * 60)),
                )
                product.search_text = services.product_search_text(product)
                batch.append(product)
            Product.objects.bulk_create(batch, batch_size=2000)
            added += len(batch)
    return added


# Scale mode (``seed_demo --products N``): the other tables grow with the catalogue, so
# that a benchmark on N products meets a proportionate site. Plain bulk inserts, no
# workflow and no notifications (nobody is emailed about benchmark rows).
PRODUCTS_PER_BULK_BUSINESS = 40
BULK_EMAIL_DOMAIN = "bench.jembatan.id"
BULK_BUSINESS_SLUG_RE = r"^bulk-[0-9]{5}-"
# Roughly the share of each sector in the product lines (food is half of them).
BULK_SECTORS = [
    *["food"] * 9,
    "cosmetics",
    *["crafts"] * 4,
    *["fashion"] * 2,
    *["furniture"] * 2,
    *["agriculture"] * 2,
]
BULK_CITIES = [
    "Pekanbaru",
    "Pekanbaru",
    "Pekanbaru",
    "Kampar",
    "Siak",
    "Dumai",
    "Bengkalis",
    "Pelalawan",
    "Indragiri Hulu",
    "Rokan Hulu",
]
BULK_NAME_PARTS = (
    ["Usaha", "UD", "CV", "Koperasi", "Rumah Produksi", "Kelompok Usaha"],
    ["Lancang Kuning", "Melayu", "Bumi Lancang", "Sri Indrapura", "Tuah Negeri", "Seri Kampar"],
)
BULK_SECTOR_WORDS = {
    "food": "Pangan",
    "cosmetics": "Herbal",
    "crafts": "Kriya",
    "fashion": "Tenun",
    "furniture": "Mebel",
    "agriculture": "Tani",
}


def bulk_target(n_products: int, per: int) -> int:
    """How many rows of a table ``n_products`` benchmark products call for (one per ``per``)."""
    return -(-n_products // per) if n_products > 0 else 0


def bulk_businesses():
    """The benchmark businesses seed_bulk_businesses made (slug ``bulk-00001-…``)."""
    return Business.objects.filter(
        slug__startswith=BULK_SLUG_PREFIX, slug__regex=BULK_BUSINESS_SLUG_RE
    )


def bulk_password_hash() -> str:
    """One hash for every benchmark account (hashing 2,500 times would take minutes)."""
    return make_password(DEMO_PASSWORD)


def seed_bulk_businesses(n_products: int) -> int:
    """Make sure there is one benchmark business per 40 benchmark products.

    Each is active and has an owner account, an NIB certificate and, by sector, the
    papers the catalogue filters on (food: P-IRT and Halal, some BPOM; wood: SVLK); seven
    in ten are verified with their papers. Returns how many were added.
    """
    target = bulk_target(n_products, PRODUCTS_PER_BULK_BUSINESS)
    existing = bulk_businesses().count()
    if existing >= target:
        return 0
    staff = _demo_user(DEMO_STAFF_EMAIL)
    password_hash = bulk_password_hash()
    now = timezone.now()
    today = timezone.localdate()
    numbers = range(existing + 1, target + 1)
    with transaction.atomic():
        owners = User.objects.bulk_create(
            [
                User(
                    email=f"bulk.owner{i:05d}@{BULK_EMAIL_DOMAIN}",
                    full_name=f"Pemilik Usaha {i:05d}",
                    role=User.Role.OWNER,
                    language="id",
                    password=password_hash,
                    date_joined=now - timedelta(days=30 + i % 700),
                )
                for i in numbers
            ],
            batch_size=1000,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in owners],
            batch_size=1000,
        )
        businesses = []
        for i, owner in zip(numbers, owners, strict=True):
            sector = BULK_SECTORS[i % len(BULK_SECTORS)]
            prefix, place = BULK_NAME_PARTS[0], BULK_NAME_PARTS[1]
            name = (
                f"{prefix[i % len(prefix)]} {place[(i // 7) % len(place)]} "
                f"{BULK_SECTOR_WORDS[sector]} {i:05d}"
            )
            verified = i % 10 < 7
            businesses.append(
                Business(
                    owner=owner,
                    name=name,
                    slug=f"{BULK_SLUG_PREFIX}{i:05d}-{slugify(name)}"[:170],
                    legal_form=Business.LegalForm.UD if i % 3 else Business.LegalForm.CV,
                    nib=f"92{i:011d}",
                    assets_idr=Decimal(150_000_000 + (i % 50) * 10_000_000),
                    annual_turnover_idr=Decimal(400_000_000 + (i % 80) * 15_000_000),
                    scale=Business.Scale.MICRO,
                    sector=sector,
                    province="Riau",
                    city=BULK_CITIES[i % len(BULK_CITIES)],
                    founded_year=2000 + i % 24,
                    employees=2 + i % 30,
                    description_id=f"Usaha {BULK_SECTOR_WORDS[sector].lower()} binaan di Riau.",
                    description_en="A Riau small business in the export programme.",
                    contact_email=owner.email,
                    has_exported=i % 4 == 0,
                    is_active=True,
                    verified_at=now - timedelta(days=i % 300) if verified else None,
                    verified_by=staff if verified else None,
                )
            )
        businesses = Business.objects.bulk_create(businesses, batch_size=1000)
        certificates = []
        for i, business in zip(numbers, businesses, strict=True):
            verified_at = business.verified_at
            papers = [(Certification.Kind.NIB, business.nib, None)]
            if business.sector == "food":
                papers += [
                    (Certification.Kind.PIRT, f"P-IRT 2{i % 99:02d}1471{i:05d}", 5),
                    (Certification.Kind.HALAL, f"ID14110000{i:07d}", None),
                ]
                if i % 5 == 0:
                    papers.append((Certification.Kind.BPOM_MD, f"BPOM RI MD 29{i:09d}", 5))
            elif business.sector in {"furniture", "crafts"} and i % 2 == 0:
                papers.append((Certification.Kind.SVLK, f"MAL-VLK-9{i:05d}", 6))
            for kind, number, years in papers:
                certificates.append(
                    Certification(
                        business=business,
                        kind=kind,
                        number=number,
                        issuer="Demo (benchmark)",
                        issued_on=today - timedelta(days=200 + i % 300),
                        expires_on=today + timedelta(days=365 * years - i % 300) if years else None,
                        verified_at=verified_at,
                        verified_by=staff if verified_at else None,
                    )
                )
        Certification.objects.bulk_create(certificates, batch_size=2000)
    return len(businesses)


def seed_summary() -> str:
    """One line of counts for the seed_demo output."""
    businesses = Business.objects.all()
    products = Product.objects.all()
    return (
        f"{businesses.count()} businesses ({businesses.verified().count()} verified, "
        f"{businesses.active().count()} active), {products.count()} products "
        f"({products.filter(is_listed=True).count()} listed, {bulk_products().count()} "
        f"benchmark), {Category.objects.count()} categories, "
        f"{Certification.objects.count()} certificates"
    )


__all__ = [
    "BUSINESSES",
    "CATEGORY_TREE",
    "LINES",
    "bulk_businesses",
    "bulk_products",
    "bulk_target",
    "product_photo",
    "seed_bulk_businesses",
    "seed_bulk_products",
    "seed_businesses",
    "seed_categories",
    "seed_summary",
]
