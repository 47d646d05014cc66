"""A large catalog for the load benchmark, grown from the real OCOP rows.

`catalog/demo/ocop-products.tsv` holds 283 real products (name, producer, province as announced,
stars, group, year); `catalog/demo/ocop-demo.csv` gives the import format's other fields (units,
prices, issuers, communes) for 121 of them. Every generated row starts from a real row: the
first 283 are the real products themselves, the others are their variants (pack sizes, grades,
gift boxes, old and new tone placement) made by the same or by other producers of the same trade
in other provinces, named with pre-2025 province names as announcements do. Certificates are
valid on the given day except for a small share that is pending, revoked or expired, as in a
real catalog. Output is a CSV in the documented import format (`docs/import-format.md`), so the
benchmark loads it through the app's own importer.

Deterministic: the same `count`, `seed` and `today` give the same file.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_PRODUCTS = ROOT / "catalog" / "demo" / "ocop-products.tsv"
DEMO_CSV = ROOT / "catalog" / "demo" / "ocop-demo.csv"

COLUMNS = [
    "sku",
    "name",
    "name_en",
    "group",
    "stars",
    "certificate_no",
    "decision_no",
    "issued_by",
    "issued_on",
    "expires_on",
    "certificate_status",
    "producer",
    "producer_kind",
    "province",
    "commune",
    "price_vnd",
    "stock",
    "unit",
    "story",
    "story_en",
]

# Group names as the announcements print them → a name the importer accepts. Files in the wild
# use codes and Vietnamese names alike, so the generated file keeps the Vietnamese name.
GROUP_NAMES = {
    "thực phẩm": "Thực phẩm",
    "đồ uống": "Đồ uống",
    "dược liệu": "Dược liệu",
    "thủ công mỹ nghệ": "Thủ công mỹ nghệ",
    "vải và may mặc": "Vải và may mặc",
    "dịch vụ du lịch": "Dịch vụ du lịch nông thôn",
    "sinh vật cảnh": "Sinh vật cảnh",
}
GROUP_CODE = {
    "Thực phẩm": "thuc_pham",
    "Đồ uống": "do_uong",
    "Dược liệu": "duoc_lieu",
    "Thủ công mỹ nghệ": "thu_cong_my_nghe",
    "Vải và may mặc": "thu_cong_my_nghe",
    "Dịch vụ du lịch nông thôn": "du_lich",
    "Sinh vật cảnh": "sinh_vat_canh",
}
# For real rows announced without a group: the first keyword found in the name decides.
GROUP_KEYWORDS = [
    (("rượu", "vang", "nước khoáng", "nước uống"), "Đồ uống"),
    (("tinh dầu", "cao ", "thảo dược", "dược liệu", "nhang", "hương"), "Dược liệu"),
    (("gốm", "thổ cẩm", "thảm", "tre", "mây", "chiếu", "tranh", "bình phong"), "Thủ công mỹ nghệ"),
    (("du lịch", "điểm "), "Dịch vụ du lịch nông thôn"),
    (("lan ", "bonsai", "mai vàng"), "Sinh vật cảnh"),
]

# Other provinces announcements name, before (most) and after the 1 July 2025 merger,
# with both tone placements ("Khánh Hoà" / "Khánh Hòa"), and with the "TP."/"Tỉnh" prefixes.
EXTRA_PROVINCES = [
    "Bình Định",
    "Gia Lai",
    "Khánh Hoà",
    "Ninh Thuận",
    "Long An",
    "Tiền Giang",
    "Bạc Liêu",
    "Kiên Giang",
    "Điện Biên",
    "Lai Châu",
    "Tuyên Quang",
    "Cao Bằng",
    "Hà Nam",
    "Nam Định",
    "Thái Bình",
    "Ninh Bình",
    "Hưng Yên",
    "Vĩnh Phúc",
    "Bắc Ninh",
    "TP. Hải Phòng",
    "Quảng Bình",
    "Đắk Nông",
    "Bình Phước",
    "Đồng Nai",
    "Bà Rịa - Vũng Tàu",
    "Hoà Bình",
    "Thành phố Huế",
    "Tỉnh Vĩnh Long",
    "Thành phố Cần Thơ",
]

PRODUCER_KINDS = {
    "Hợp tác xã": "cooperative",
    "HTX": "cooperative",
    "Công ty TNHH": "enterprise",
    "Công ty CP": "enterprise",
    "Công ty cổ phần": "enterprise",
    "Hộ kinh doanh": "household",
    "Cơ sở": "household",
    "Hộ SXKD": "household",
    "Tổ hợp tác": "cooperative_group",
}
TRADES = [
    "nông nghiệp",
    "dịch vụ nông nghiệp",
    "nông sản sạch",
    "chè",
    "mật ong",
    "dừa",
    "thủy sản",
    "dược liệu",
    "chế biến thực phẩm",
    "làng nghề",
    "gốm sứ",
    "rượu truyền thống",
    "nấm",
    "cà phê",
    "trái cây",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hoà",
    "Hòa",
    "Khánh",
    "Lan",
    "Minh",
    "Phúc",
    "Thuỷ",
    "Thủy",
    "Tâm",
    "Trung",
    "Yến",
]
COMMUNES = [
    "Xã Tân Cương",
    "Xã Hòa Bình",
    "Xã Vĩnh Thành",
    "Xã Phú Túc",
    "Xã Xuân Trường",
    "Xã Bát Tràng",
    "Xã Cửa Dương",
    "Phường Dương Đông",
    "Xã Chiềng Châu",
    "Xã Thông Hòa",
    "Xã Tam Ngãi",
    "Thị trấn Cầu Kè",
    "Xã Suối Giàng",
    "Xã Lùng Phình",
    "Xã An Phú Tân",
]
# Variants a producer lists beside the original: grade, pack, gift box, season.
VARIANTS = [
    ("hộp quà", "gift box"),
    ("loại đặc biệt", "special grade"),
    ("túi 500 g", "500 g bag"),
    ("túi 1 kg", "1 kg bag"),
    ("hũ 250 g", "250 g jar"),
    ("chai 500 ml", "500 ml bottle"),
    ("cao cấp", "premium"),
    ("hữu cơ", "organic"),
    ("truyền thống", "traditional"),
    ("gia truyền", "family recipe"),
    ("thượng hạng", "top grade"),
    ("loại 1", "grade 1"),
    ("combo 3", "pack of 3"),
    ("quà Tết", "Tet gift"),
    ("xuất khẩu", "export grade"),
    ("mini", "mini"),
]
# Old and new tone placement both occur in real names ("hoà"/"hòa", "thuỷ"/"thủy"): only an
# open syllable ending in oa/oe/uy moves its mark, so only word endings are flipped.
_NEW_TO_OLD = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "òe": "oè",
    "óe": "oé",
    "ỏe": "oẻ",
    "õe": "oẽ",
    "ọe": "oẹ",
    "ủy": "uỷ",
    "ùy": "uỳ",
    "úy": "uý",
    "ũy": "uỹ",
    "ụy": "uỵ",
}
TONE_FLIPS = {**_NEW_TO_OLD, **{old: new for new, old in _NEW_TO_OLD.items()}}
ENGLISH_WORDS = [
    ("nước mắm", "fish sauce"),
    ("mật ong", "honey"),
    ("kẹo dừa", "coconut candy"),
    ("cà phê", "coffee"),
    ("trà", "tea"),
    ("chè", "tea"),
    ("rượu", "liquor"),
    ("vang", "wine"),
    ("gạo", "rice"),
    ("bánh tráng", "rice paper"),
    ("bánh", "cake"),
    ("khô cá", "dried fish"),
    ("tôm khô", "dried shrimp"),
    ("mắm", "fermented fish paste"),
    ("tỏi đen", "black garlic"),
    ("tỏi", "garlic"),
    ("yến", "bird's nest"),
    ("tinh dầu", "essential oil"),
    ("dầu", "oil"),
    ("mứt", "candied fruit"),
    ("chả", "sausage"),
    ("nem", "fermented pork roll"),
    ("bún", "rice vermicelli"),
    ("miến", "glass noodles"),
    ("gốm", "ceramics"),
    ("cao", "herbal extract"),
    ("đông trùng hạ thảo", "cordyceps"),
    ("muối", "salt"),
    ("dưa lưới", "melon"),
    ("bưởi", "pomelo"),
    ("sấy", "dried fruit"),
    ("nước khoáng", "mineral water"),
]

STORY_VI = [
    "{name} do {producer} làm ra ở {place}, theo cách bà con trong vùng vẫn làm nhiều năm nay.",
    "Nguyên liệu được chọn từ vườn và ruộng quanh {place}, sơ chế trong ngày để giữ vị tươi.",
    "Sản phẩm đạt chứng nhận OCOP {stars} sao, đóng gói gọn gàng, hợp làm quà biếu.",
    "Mỗi mẻ đều ghi số lô để người mua tra được nguồn gốc bằng mã QR trên tem.",
    "Cơ sở không dùng chất bảo quản; nên dùng trong vòng vài tháng sau khi mở.",
    "Khách du lịch ghé {place} thường mua về làm quà cho người thân.",
    "Hương vị đậm đà, dễ dùng hằng ngày trong bữa cơm gia đình.",
    "Người làm nghề ở {place} truyền cho nhau bí quyết qua nhiều thế hệ.",
]
STORY_EN = [
    "{name_en} is made by {producer} in {place}, the way local families have made it for years.",
    "Ingredients come from the gardens and fields around {place} and are prepared the same day.",
    "It holds an OCOP {stars}-star certificate and is neatly packed, good as a gift.",
    "Every batch is numbered so buyers can trace it with the QR code on its stamp.",
    "No preservatives are used; best enjoyed within a few months of opening.",
]


@dataclass(frozen=True)
class RealProduct:
    """One announced product, as read from ocop-products.tsv (blank fields stay blank)."""

    name: str
    producer: str
    province: str
    stars: int | None
    group: str
    year: int | None


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def read_real_products(path: Path = REAL_PRODUCTS) -> list[RealProduct]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle, delimiter="\t"):
            name = nfc(raw["name"])
            if not name:
                continue
            stars = raw["stars"].strip()
            year = raw["year"].strip()
            rows.append(
                RealProduct(
                    name=name,
                    producer=nfc(raw["producer"]),
                    province=nfc(raw["province"]),
                    stars=int(stars) if stars.isdigit() else None,
                    group=nfc(raw["group"]).lower(),
                    year=int(year) if year.isdigit() else None,
                )
            )
    return rows


def read_demo_rows(path: Path = DEMO_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: nfc(v or "") for k, v in row.items()} for row in csv.DictReader(handle)]


def group_of(product: RealProduct) -> str:
    """The importer-accepted group name for a real row (inferred from the name when blank)."""
    if product.group in GROUP_NAMES:
        return GROUP_NAMES[product.group]
    lowered = product.name.lower()
    for words, group in GROUP_KEYWORDS:
        if any(word in lowered for word in words):
            return group
    return "Thực phẩm"


def english_name(name: str, place: str, demo_names: dict[str, str]) -> str:
    if name in demo_names:
        return demo_names[name]
    lowered = name.lower()
    for vietnamese, english in ENGLISH_WORDS:
        if vietnamese in lowered:
            return f"{english.capitalize()} from {place}"
    return f"OCOP specialty from {place}"


def flip_tone_placement(text: str) -> str:
    """Move the tone mark of open oa/oe/uy syllables to the other placement ("Hòa" ↔ "Hoà")."""
    words = []
    for word in text.split(" "):
        ending = word[-2:].lower()
        if len(word) >= 3 and ending in TONE_FLIPS:
            flipped = TONE_FLIPS[ending]
            word = word[:-2] + (flipped if word[-2:].islower() else flipped.upper())
        words.append(word)
    return " ".join(words)


def _kind_of(producer: str) -> str:
    lowered = producer.lower()
    for prefix, kind in PRODUCER_KINDS.items():
        if lowered.startswith(prefix.lower()):
            return kind
    if lowered.startswith(("công ty", "ctcp", "chi nhánh", "doanh nghiệp")):
        return "enterprise"
    return "household"


def _issuer(stars: int, province: str, rng: random.Random) -> tuple[str, str, str]:
    """(issued_by, certificate number suffix, decision number suffix)."""
    if stars == 5:
        if rng.random() < 0.5:
            return "Bộ Nông nghiệp và Phát triển nông thôn", "GCN-BNN", "QĐ-BNN-KTHT"
        return "Bộ Nông nghiệp và Môi trường", "GCN-BNNMT", "QĐ-BNNMT"
    bare = province.removeprefix("TP. ").removeprefix("Thành phố ").removeprefix("Tỉnh ")
    if rng.random() < 0.12:
        return f"UBND huyện {rng.choice(GIVEN)} {rng.choice(SURNAMES)}", "GCN-UBND", "QĐ-UBND"
    prefix = (
        "thành phố" if bare in {"Hà Nội", "Hồ Chí Minh", "Cần Thơ", "Hải Phòng", "Huế"} else "tỉnh"
    )
    return f"UBND {prefix} {bare}", "GCN-UBND", "QĐ-UBND"


def _plus_years(day: date, years: int) -> date:
    """The same calendar day `years` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _template_for(
    name: str, demo: list[dict[str, str]], same_group: list[dict[str, str]], rng: random.Random
) -> dict[str, str]:
    """The demo row of this product, else one of the same kind (first words), else of its group.

    Its unit and price give the generated row a plausible pack and price.
    """
    words = name.lower().split()
    for size in (len(words), 2, 1):
        prefix = " ".join(words[:size])
        matches = [row for row in demo if row["name"].lower().startswith(prefix)]
        if matches:
            return rng.choice(matches)
    return rng.choice(same_group)


def _variant_name(name: str, variant: int, place: str) -> tuple[str, str]:
    """Variant 0 is the real product; later ones add a grade or pack, then the place, then both."""
    if variant == 0:
        return name, ""
    first, first_en = VARIANTS[(variant - 1) % len(VARIANTS)]
    if variant <= len(VARIANTS):
        return f"{name} {first}", f", {first_en}"
    if variant <= 2 * len(VARIANTS):
        return f"{name} {first} {place}", f", {first_en}, {place}"
    second, second_en = VARIANTS[(variant - 1 + (variant - 1) // len(VARIANTS)) % len(VARIANTS)]
    if second == first:
        second, second_en = VARIANTS[(variant) % len(VARIANTS)]
    return f"{name} {first} {second}", f", {first_en}, {second_en}"


def _story(template: list[str], rng: random.Random, **facts: object) -> str:
    first, *rest = template
    return " ".join([first, *rng.sample(rest, 3)]).format(**facts)


def generate_rows(
    count: int, *, today: date, seed: int = 20_000, invalid_share: float = 0.04
) -> list[dict[str, str]]:
    """`count` import rows: the real products first, then their variants (see module doc)."""
    rng = random.Random(seed)
    real = read_real_products()
    demo = read_demo_rows()
    demo_names = {row["name"]: row["name_en"] for row in demo if row["name_en"]}
    demo_by_group: dict[str, list[dict[str, str]]] = {}
    for row in demo:
        demo_by_group.setdefault(row["group"], []).append(row)
    provinces = sorted({p.province for p in real if p.province} | set(EXTRA_PROVINCES))
    # Other producers of each trade, each in one province (a producer is a name in a province).
    other_producers: list[tuple[str, str]] = []
    for _ in range(max(50, count // 6)):
        label = rng.choice(list(PRODUCER_KINDS))
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        place = rng.choice(provinces)
        if PRODUCER_KINDS[label] == "household":
            name = f"{label} {person}"
        else:
            name = f"{label} {rng.choice(TRADES)} {rng.choice(GIVEN)} {rng.choice(GIVEN)}"
        other_producers.append((name, place))

    rows = []
    for index in range(count):
        base = real[index % len(real)]
        variant = index // len(real)
        group = group_of(base)
        code = GROUP_CODE[group]
        template = _template_for(base.name, demo, demo_by_group.get(code) or demo, rng)
        if base.producer and (variant == 0 or rng.random() < 0.3):
            producer, province = base.producer, base.province or rng.choice(provinces)
        elif not base.producer and variant == 0:
            producer = (
                f"Hộ kinh doanh {rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            )
            province = base.province or rng.choice(provinces)
        else:
            producer, province = rng.choice(other_producers)
        place = province.removeprefix("TP. ").removeprefix("Thành phố ").removeprefix("Tỉnh ")
        name, name_en_suffix = _variant_name(base.name, variant, place)
        if variant and rng.random() < 0.2:
            name = flip_tone_placement(name)
        name_en = english_name(base.name, place, demo_names)
        if place in name_en:  # "… from <place>" already says it
            name_en_suffix = name_en_suffix.replace(f", {place}", "")
        name_en += name_en_suffix
        stars = base.stars or rng.choice([3, 3, 3, 4, 4, 4, 5])
        if variant and rng.random() < 0.15:
            stars = rng.choice([3, 4, 5])
        issued_by, cert_suffix, decision_suffix = _issuer(stars, province, rng)
        issued_on = today - timedelta(days=rng.randint(20, 1000))
        expires_on = _plus_years(issued_on, 3) - timedelta(days=1)
        status = "verified"
        roll = rng.random()
        if roll < invalid_share:
            third = invalid_share / 3
            if roll < third:
                status = "pending"
            elif roll < 2 * third:
                status = "revoked"
            else:  # expired last month
                expires_on = today - timedelta(days=rng.randint(1, 30))
                issued_on = _plus_years(expires_on, -3) + timedelta(days=1)
        base_price = int(template["price_vnd"] or 100_000)
        price = max(5_000, round(base_price * rng.uniform(0.6, 1.8), -3))
        stock = 0 if rng.random() < 0.05 else rng.randint(1, 500)
        facts = {
            "name": name,
            "name_en": name_en,
            "producer": producer,
            "place": place,
            "stars": stars,
        }
        rows.append(
            {
                "sku": f"LB-{index + 1:06d}",
                "name": name,
                "name_en": name_en,
                "group": group,
                "stars": str(stars),
                "certificate_no": f"{rng.randint(1, 999)}/{issued_on.year}/{cert_suffix}",
                "decision_no": f"{rng.randint(100, 9999)}/{decision_suffix}",
                "issued_by": issued_by,
                "issued_on": issued_on.isoformat(),
                "expires_on": expires_on.isoformat(),
                "certificate_status": status,
                "producer": producer,
                "producer_kind": _kind_of(producer),
                "province": province,
                "commune": rng.choice(COMMUNES) if rng.random() < 0.4 else "",
                "price_vnd": str(int(price)),
                "stock": str(stock),
                "unit": template["unit"],
                "story": _story(STORY_VI, rng, **facts),
                "story_en": _story(STORY_EN, rng, **facts),
            }
        )
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_catalog_csv(path: Path, count: int, *, today: date, seed: int = 20_000) -> int:
    rows = generate_rows(count, today=today, seed=seed)
    path.write_text(to_csv(rows), encoding="utf-8")
    return len(rows)
