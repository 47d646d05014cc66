"""A small drawing per product kind (fish sauce, honey, tea, …) for products without a photo, so
the demo catalog never shows a soup bowl for salt. The kind comes from the product's names and
the search's bilingual kind lexicon (search/data/kind_lexicon.tsv); the lexicon's ~230 kinds map
onto the drawings in static/img/kinds/ below (each also as a PNG for share previews, which
do not take SVG). A product naming no known kind gets its group's drawing."""

from __future__ import annotations

import re
from functools import lru_cache

from core.text import nfc
from search.lexicon import kind_lexicon

# Drawing → the lexicon kinds it stands for.
DRAWINGS: dict[str, tuple[str, ...]] = {
    "fish_sauce": ("fish_sauce", "vegetarian_fish_sauce"),
    "sauce": ("fish_paste", "shrimp_paste", "pickles", "soybean_paste", "soy_sauce",
              "chili_sauce", "kimchi"),
    "honey": ("honey", "molasses"),
    "coffee": ("coffee", "drip_coffee", "cocoa", "chocolate"),
    "tea": ("tea", "green_tea", "black_tea", "white_tea", "jasmine_tea", "lotus_tea",
            "lotus_heart_tea", "golden_camellia_tea", "shan_tea", "oolong", "herbal_tea",
            "tea_bags", "instant_tea"),
    "herbal": ("artichoke", "gymnema", "che_vang", "climbing_nightshade", "codonopsis", "ginseng",
               "ginseng_vine", "vietnamese_ginseng", "herbal_extract", "health_supplement",
               "cordyceps", "morinda", "noni", "aloe", "bird_nest"),
    "mushroom": ("mushroom", "oyster_mushroom", "reishi", "ironwood_mushroom"),
    "oil": ("essential_oil", "cajeput_oil", "peanut_oil", "sesame_oil", "cooking_oil",
            "coconut_oil"),
    "spice": ("cinnamon", "star_anise", "turmeric", "ginger", "lemongrass", "chili", "pepper",
              "white_pepper", "spice", "satay", "garlic", "black_garlic"),
    "salt": ("salt", "sea_salt", "fine_salt", "bamboo_salt", "chili_salt"),
    "nuts": ("cashew", "peanut", "peanut_butter", "sesame", "black_sesame", "lotus_seeds",
             "mung_bean", "beans"),
    "candy": ("peanut_candy", "coconut_candy", "candy", "jam", "macapuno", "sugar", "palm_sugar",
              "coconut_sugar"),
    "coconut": ("coconut",),
    "cake": ("cake", "biscuits", "rice_flour_cake", "pia_cake", "mung_bean_cake", "rice_cake",
             "rice_paper", "rice_cracker", "prawn_crackers", "rice_rolls", "ice_cream"),
    "rice": ("young_rice", "cereal", "flour", "kudzu_starch", "rice", "fragrant_rice",
             "brown_rice", "glutinous_rice"),
    "noodles": ("noodles", "rice_vermicelli", "glass_noodles", "rice_noodles"),
    "liquor": ("liquor", "wine", "glutinous_rice_wine"),
    "drinks": ("mineral_water", "drinks", "juice", "yogurt", "milk", "cheese"),
    "fruit": ("durian", "pomelo", "lychee", "longan", "melon", "pineapple", "pandan", "banana",
              "mangosteen", "rambutan", "grape", "persimmon", "pear", "soursop",
              "custard_apple", "dragon_fruit", "mango", "gac", "giac_fruit", "rose_myrtle",
              "plum", "guava", "fruit"),
    "dried_fruit": ("dried_longan", "dried_fruit"),
    "vegetables": ("sweet_potato", "taro", "pumpkin", "carrot", "kale", "mustard_greens",
                   "flowering_mustard", "lettuce", "radish", "vegetables", "bamboo_shoots",
                   "lotus", "lotus_root"),
    "meat": ("sausage", "chinese_sausage", "pork", "pork_belly", "meat_floss", "beef",
             "beef_jerky", "veal", "pork_roll", "fried_pork_roll", "grilled_pork",
             "fermented_pork", "roast_duck"),
    "fish": ("fish_cake", "fish", "dried_fish", "anchovy", "gourami", "mudskipper", "tongue_sole",
             "pomfret", "croaker", "icefish", "featherback", "snakehead", "frog"),
    "shrimp": ("shrimp", "tiger_prawn", "whiteleg_shrimp", "dried_shrimp", "crab", "squid",
               "dried_squid"),
    "incense": ("incense",),
    "ceramics": ("ceramics", "tableware", "bowl", "plate", "vase"),
    "handicraft": ("bamboo", "wood", "spoon", "ladle", "fork", "straw", "doormat", "handicraft"),
    "textile": ("brocade", "silk", "quilt", "scarf", "bathroom_set"),
    "painting": ("folding_screen", "painting", "rice_painting"),
    "cosmetics": ("face_mask", "floor_cleaner", "soapberry"),
    "plant": ("bonsai", "water_jasmine", "orchid", "phalaenopsis", "apricot_blossom", "koi"),
    "tourism": ("homestay", "tour", "tourism", "community_tourism", "ecotourism", "tourist_site",
                "experience", "ticket"),
}
# A product whose names name no known kind gets its group's drawing.
GROUP_DRAWINGS = {
    "thuc_pham": "rice",
    "do_uong": "drinks",
    "duoc_lieu": "herbal",
    "thu_cong_my_nghe": "handicraft",
    "sinh_vat_canh": "plant",
    "du_lich": "tourism",
}
DRAWING_OF_KIND = {kind: drawing for drawing, kinds in DRAWINGS.items() for kind in kinds}


@lru_cache(maxsize=1)
def _term_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One whole-word alternation of every lexicon term whose kind has a drawing, longest
    first, and term → drawing (the first kind listing a term keeps it). A regex engine tries
    alternatives left to right at the leftmost position, so the match is the earliest term,
    the longest on a tie, in one pass (a pattern per term cost ~3 ms a product card)."""
    drawing_of_term: dict[str, str] = {}
    for entry in kind_lexicon():
        drawing = DRAWING_OF_KIND.get(entry.kind)
        if drawing is None:
            continue
        for term in (*entry.vietnamese, *entry.english):
            drawing_of_term.setdefault(term, drawing)
    terms = sorted(drawing_of_term, key=lambda term: (-len(term), term))
    alternation = "|".join(re.escape(term) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"), drawing_of_term


@lru_cache(maxsize=32768)
def drawing_for_names(name: str, name_en: str = "") -> str | None:
    """The drawing for a product named so: the earliest kind named, the longest term on a tie."""
    pattern, drawing_of_term = _term_pattern()
    for text in (nfc(name).lower(), nfc(name_en).lower()):
        match = pattern.search(text)
        if match:
            return drawing_of_term[match[0]]  # the Vietnamese name decides when it names a kind
    return None


def illustration_path(product) -> str:
    """Static path of the drawing for a product without photos (a PNG copy sits beside it)."""
    drawing = drawing_for_names(product.name, product.name_en or "")
    drawing = drawing or GROUP_DRAWINGS.get(product.group, "handicraft")
    return f"img/kinds/{drawing}.svg"
