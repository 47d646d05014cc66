"""Search pages: results with facets, and autocomplete for the search box."""

from __future__ import annotations

from flask import abort, jsonify, render_template, request, url_for
from markupsafe import Markup, escape

from catalog.admin_units import all_provinces
from catalog.enums import ProductGroup
from core.clock import today_in_vietnam
from search.highlight import highlight_segments
from search.snapshot import SEARCH_SORTS

from ..access import access
from ..common.search_results import MAX_QUERY_LENGTH, display_facets, search_from_args
from ..common.search_service import product_search
from ..page_cache import cached_catalog_fragment
from . import bp


@bp.app_template_filter("highlight")
def highlight_filter(text: str, terms) -> Markup:
    """Wrap the words of `text` that matched the query in <mark> (text is escaped)."""
    return Markup("").join(
        Markup("<mark>%s</mark>") % piece if is_match else escape(piece)
        for piece, is_match in highlight_segments(text or "", terms)
    )


@bp.get("/search")
@access("public")
def results():
    def render() -> str:
        query, filters, page = search_from_args(request.args, cards_only=True)
        if page.page > 1 and not page.items:
            abort(404)  # past the last page (never cached)
        return render_template(
            "search/_results_main.html",
            query=query,
            filters=filters,
            page=page,
            facets=display_facets(page),
            provinces=all_provinces(),
            groups=list(ProductGroup),
            sorts=SEARCH_SORTS,
        )

    # The results depend only on the arguments, the locale, the day and the catalog: popular
    # queries repeat (a search log is Zipf-shaped), so their rendered results are reused.
    args_key = tuple(sorted(request.args.items(multi=True)))
    return render_template(
        "search/results.html",
        query=request.args.get("q", "")[:MAX_QUERY_LENGTH].strip(),
        main_html=cached_catalog_fragment("search", args_key, render),
    )


@bp.get("/search/suggest")
@access("public")
def autocomplete():
    text = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    suggestions = product_search().suggest(text, today_in_vietnam(), limit=8)
    return jsonify(
        [
            {"label": s.label, "url": url_for("shop.product_detail", slug=s.slug)}
            for s in suggestions
        ]
    )
