"""Catalog page views: read arguments, call catalog queries, render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from markupsafe import Markup

from catalog.admin_units import all_provinces, province_by_code, province_by_slug
from catalog.certificates.states import shown_certificate
from catalog.enums import ProductGroup
from catalog.producers import get_producer_by_slug
from catalog.products.listing import LISTING_SORTS, ProductQuery, ResultPage
from catalog.products.queries import get_product_by_slug
from catalog.uploads import photo_files
from core.clock import today_in_vietnam
from core.db import ping
from core.richtext import story_summary
from search.snapshot import browse

from ..access import access
from ..common.illustrations import illustration_path
from ..common.listing_args import MAX_PAGE, int_arg, product_query_from_args
from ..common.search_service import product_search
from ..common.urls import public_url, safe_next_path
from ..i18n import LOCALE_SESSION_KEY, current_locale
from ..page_cache import cached_catalog_fragment, cached_catalog_value, product_cards
from . import bp


def _request_args_key() -> tuple:
    return tuple(sorted(request.args.items(multi=True)))


FEATURED_COUNT = 8


def _listing_page(filters: ProductQuery, on: date) -> ResultPage:
    """One listing page from the for-sale snapshot (filters and order in memory), its rows
    loaded through the for-sale rule: the same answer as `list_products_for_sale`, without
    scanning the catalog in SQL for every page."""
    refined = browse(product_search().snapshot(on), filters, LISTING_SORTS)
    page = max(1, filters.page)
    start = (page - 1) * filters.per_page
    # Items are rendered cards (see page_cache.product_cards).
    items = product_cards(refined.ids[start : start + filters.per_page], on, eager=2)
    return ResultPage(items=items, total=len(refined.ids), page=page, per_page=filters.per_page)


@bp.get("/")
@access("public")
def home():
    def render() -> str:
        today = today_in_vietnam()
        snapshot = product_search().snapshot(today)
        province_counts = snapshot.counts("province")
        featured = product_cards(snapshot.featured(FEATURED_COUNT), today)
        return render_template(
            "shop/_home_main.html",
            featured=featured,
            provinces=[
                (p, province_counts[p.code]) for p in all_provinces() if p.code in province_counts
            ],
            group_counts=snapshot.counts("group"),
            groups=list(ProductGroup),
        )

    return render_template("shop/home.html", main_html=cached_catalog_fragment("home", (), render))


def _render_listing(template: str, filters: ProductQuery, cache_name: str, **context):
    def render() -> str:
        today = today_in_vietnam()
        page = _listing_page(filters, today)
        if page.page > 1 and not page.items:
            abort(404)  # past the last page: not found, never "116 products" and "no products"
        return render_template(
            "shop/_listing_main.html",
            page=page,
            filters=filters,
            province_counts=product_search().snapshot(today).counts("province"),
            provinces=all_provinces(),
            groups=list(ProductGroup),
            sorts=LISTING_SORTS,
            **context,
        )

    key = (cache_name, tuple(sorted((request.view_args or {}).items())), _request_args_key())
    return render_template(
        template, main_html=cached_catalog_fragment("listing", key, render), **context
    )


@bp.get("/products")
@access("public")
def product_list():
    filters = product_query_from_args(
        request.args, per_page=current_app.config["PER_PAGE"], sorts=LISTING_SORTS
    )
    return _render_listing(
        "shop/product_list.html", filters, "all", action=url_for("shop.product_list")
    )


@bp.get("/provinces/<slug>")
@access("public")
def province_detail(slug: str):
    province = province_by_slug(slug) or abort(404)
    filters = product_query_from_args(
        request.args,
        per_page=current_app.config["PER_PAGE"],
        sorts=LISTING_SORTS,
        province_code=province.code,
    )
    return _render_listing(
        "shop/province_detail.html",
        filters,
        "province",
        province=province,
        action=url_for("shop.province_detail", slug=province.slug),
        hide_province=True,
    )


@bp.get("/producers/<slug>")
@access("public")
def producer_detail(slug: str):
    producer = get_producer_by_slug(slug) or abort(404)
    filters = ProductQuery(
        producer_id=producer.id,
        page=int_arg(request.args.get("page"), 1, MAX_PAGE) or 1,
        per_page=current_app.config["PER_PAGE"],
    )
    return _render_listing(
        "shop/producer_detail.html",
        filters,
        "producer",
        producer=producer,
        province=province_by_code(producer.province_code),
        hide_filters=True,
    )


@dataclass(frozen=True)
class ProductPage:
    """What a product page needs once rendered; cached, so no ORM objects inside."""

    id: int
    sku: str
    slug: str
    name: str
    stock: int
    for_sale: bool
    top_html: Markup
    bottom_html: Markup
    head_html: Markup


def _share_image(product) -> tuple[str, str]:
    """(absolute URL, alt) of the picture a shared link shows: the main photo, else the drawing."""
    if product.images:
        main = product.images[0]
        files = photo_files(main.path)
        path = main.path
        if files is not None:  # the largest JPEG up to 1200 px wide: previews need no more
            path = ([p for w, p in files.jpeg if w <= 1200] or [path])[-1]
        return public_url(url_for("shop.media", filename=path)), main.alt or product.name
    drawing = illustration_path(product).removesuffix(".svg") + ".png"
    return public_url(url_for("static", filename=drawing)), ""


def _product_head_context(product, name: str, for_sale: bool) -> dict:
    page_url = public_url(url_for("shop.product_detail", slug=product.slug))
    image_url, image_alt = _share_image(product)
    summary = story_summary(product.story_in(current_locale()), 200) or name
    json_ld: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "sku": product.sku,
        "url": page_url,
        "image": [image_url],
        "description": summary,
        "brand": {"@type": "Brand", "name": product.producer.name},
    }
    if product.gtin:
        json_ld["gtin"] = product.gtin
    if for_sale:
        in_stock = "https://schema.org/InStock" if product.stock > 0 else "https://schema.org/OutOfStock"
        json_ld["offers"] = {
            "@type": "Offer",
            "price": str(product.price_vnd),
            "priceCurrency": "VND",
            "availability": in_stock,
            "url": page_url,
            "seller": {"@type": "Organization", "name": product.producer.name},
        }
    return {
        "page_url": page_url,
        "image_url": image_url,
        "image_alt": image_alt,
        "summary": summary,
        "json_ld": json_ld,
        "name": name,
    }


# Between the parts of one render: user text is escaped, stories are sanitized without comments
# and JSON-LD escapes "<", so this cannot occur inside a part.
_PART_SEPARATOR = Markup("<!--ocop-product-part-->")


def _build_product_page(slug: str) -> ProductPage | None:
    product = get_product_by_slug(slug)
    if product is None:
        return None
    shown = shown_certificate(product, today_in_vietnam())  # the for-sale rule, once
    context = {
        "product": product,
        "for_sale": shown.for_sale,
        "certificate": shown.certificate,
        "certificate_state": shown.state.value if shown.state else None,
        "province": province_by_code(product.producer.province_code),
    }
    name = product.name_in(current_locale())
    parts = render_template(
        "shop/_product_parts.html",
        **context,
        **_product_head_context(product, name, context["for_sale"]),
        separator=_PART_SEPARATOR,
    )
    head_html, top_html, bottom_html = (Markup(part) for part in parts.split(_PART_SEPARATOR))  # noqa: S704
    return ProductPage(
        id=product.id,
        sku=product.sku,
        slug=product.slug,
        name=name,
        stock=product.stock,
        for_sale=context["for_sale"],
        top_html=top_html,
        bottom_html=bottom_html,
        head_html=head_html,
    )


@bp.get("/products/<slug>")
@access("public")
def product_detail(slug: str):
    page = cached_catalog_value("product", slug, lambda: _build_product_page(slug)) or abort(404)
    return render_template("shop/product_detail.html", page=page, product=page)


@bp.get("/lang/<code>")
@access("public")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session[LOCALE_SESSION_KEY] = code
        session.permanent = True
    return redirect(safe_next_path(request.args.get("next")) or url_for("shop.home"))


@bp.get("/media/<path:filename>")
@access("public")
def media(filename: str):
    return send_from_directory(current_app.config["MEDIA_ROOT"], filename, max_age=86400)


@bp.get("/healthz")
@access("public")
def healthz():
    ping()
    return jsonify(status="ok")
