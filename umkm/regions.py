"""Indonesia's 38 provinces with their regencies and cities (kabupaten/kota).

Riau and Jawa Barat are complete; other provinces list their capital and main cities.
The list is fixed on purpose: a business's location is chosen, never typed.
"""

PROVINCES: dict[str, list[str]] = {
    "Aceh": ["Banda Aceh", "Lhokseumawe", "Langsa", "Sabang", "Subulussalam", "Aceh Besar"],
    "Sumatera Utara": ["Medan", "Binjai", "Pematangsiantar", "Tebing Tinggi", "Sibolga", "Deli Serdang"],
    "Sumatera Barat": ["Padang", "Bukittinggi", "Payakumbuh", "Padang Panjang", "Solok", "Agam"],
    "Riau": [
        "Pekanbaru",
        "Dumai",
        "Bengkalis",
        "Indragiri Hilir",
        "Indragiri Hulu",
        "Kampar",
        "Kepulauan Meranti",
        "Kuantan Singingi",
        "Pelalawan",
        "Rokan Hilir",
        "Rokan Hulu",
        "Siak",
    ],
    "Kepulauan Riau": ["Tanjungpinang", "Batam", "Bintan", "Karimun", "Lingga"],
    "Jambi": ["Jambi", "Sungai Penuh", "Muaro Jambi", "Kerinci"],
    "Sumatera Selatan": ["Palembang", "Prabumulih", "Lubuklinggau", "Pagar Alam", "Ogan Ilir"],
    "Kepulauan Bangka Belitung": ["Pangkalpinang", "Bangka", "Belitung"],
    "Bengkulu": ["Bengkulu", "Rejang Lebong", "Bengkulu Utara"],
    "Lampung": ["Bandar Lampung", "Metro", "Lampung Selatan", "Lampung Tengah"],
    "DKI Jakarta": [
        "Jakarta Pusat",
        "Jakarta Utara",
        "Jakarta Barat",
        "Jakarta Selatan",
        "Jakarta Timur",
        "Kepulauan Seribu",
    ],
    "Jawa Barat": [
        "Bandung",
        "Bandung Barat",
        "Kabupaten Bandung",
        "Banjar",
        "Bekasi",
        "Kabupaten Bekasi",
        "Bogor",
        "Kabupaten Bogor",
        "Ciamis",
        "Cianjur",
        "Cimahi",
        "Cirebon",
        "Kabupaten Cirebon",
        "Depok",
        "Garut",
        "Indramayu",
        "Karawang",
        "Kuningan",
        "Majalengka",
        "Pangandaran",
        "Purwakarta",
        "Subang",
        "Sukabumi",
        "Kabupaten Sukabumi",
        "Sumedang",
        "Tasikmalaya",
        "Kabupaten Tasikmalaya",
    ],
    "Banten": ["Serang", "Cilegon", "Tangerang", "Tangerang Selatan", "Lebak", "Pandeglang"],
    "Jawa Tengah": ["Semarang", "Surakarta", "Magelang", "Pekalongan", "Tegal", "Salatiga", "Jepara", "Kudus"],
    "DI Yogyakarta": ["Yogyakarta", "Sleman", "Bantul", "Kulon Progo", "Gunungkidul"],
    "Jawa Timur": ["Surabaya", "Malang", "Kediri", "Madiun", "Batu", "Blitar", "Sidoarjo", "Gresik"],
    "Bali": ["Denpasar", "Badung", "Gianyar", "Tabanan", "Buleleng"],
    "Nusa Tenggara Barat": ["Mataram", "Bima", "Lombok Barat", "Sumbawa"],
    "Nusa Tenggara Timur": ["Kupang", "Ende", "Manggarai Barat", "Sikka"],
    "Kalimantan Barat": ["Pontianak", "Singkawang", "Kubu Raya", "Sambas"],
    "Kalimantan Tengah": ["Palangka Raya", "Kotawaringin Timur", "Kapuas"],
    "Kalimantan Selatan": ["Banjarmasin", "Banjarbaru", "Banjar", "Tabalong"],
    "Kalimantan Timur": ["Samarinda", "Balikpapan", "Bontang", "Kutai Kartanegara"],
    "Kalimantan Utara": ["Tanjung Selor", "Tarakan", "Nunukan", "Malinau"],
    "Sulawesi Utara": ["Manado", "Bitung", "Tomohon", "Minahasa"],
    "Gorontalo": ["Gorontalo", "Kabupaten Gorontalo", "Bone Bolango"],
    "Sulawesi Tengah": ["Palu", "Donggala", "Poso", "Banggai"],
    "Sulawesi Barat": ["Mamuju", "Majene", "Polewali Mandar"],
    "Sulawesi Selatan": ["Makassar", "Parepare", "Palopo", "Gowa", "Maros"],
    "Sulawesi Tenggara": ["Kendari", "Baubau", "Kolaka", "Konawe"],
    "Maluku": ["Ambon", "Tual", "Maluku Tengah", "Buru"],
    "Maluku Utara": ["Sofifi", "Ternate", "Tidore Kepulauan", "Halmahera Utara"],
    "Papua": ["Jayapura", "Kabupaten Jayapura", "Keerom", "Sarmi"],
    "Papua Barat": ["Manokwari", "Fakfak", "Kaimana"],
    "Papua Barat Daya": ["Sorong", "Kabupaten Sorong", "Raja Ampat"],
    "Papua Tengah": ["Nabire", "Mimika", "Paniai"],
    "Papua Pegunungan": ["Jayawijaya", "Lanny Jaya", "Yahukimo"],
    "Papua Selatan": ["Merauke", "Boven Digoel", "Mappi"],
}

PROVINCE_CHOICES = [(name, name) for name in PROVINCES]
CITY_CHOICES = [
    (province, [(city, city) for city in cities]) for province, cities in PROVINCES.items()
]


def city_in_province(city: str, province: str) -> bool:
    return city in PROVINCES.get(province, ())
