"""User-written stories: Markdown rendered to HTML, then sanitised with an explicit allow-list."""

from __future__ import annotations

import threading
from functools import lru_cache
from html import unescape as html_unescape

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


_converters = threading.local()


def _markdown() -> markdown.Markdown:
    # Building a Markdown converter (its processors, patterns) costs more than converting a
    # story; one per thread, reset between texts (Markdown instances are not thread-safe).
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=[], output_format="html")
    return converter


@lru_cache(maxsize=2048)
def render_story(text: str) -> str:
    """Markdown → sanitised HTML. Scripts, event handlers, styles and javascript: links are dropped.

    Cached by text: a producer's story is shown beside each of its products."""
    converter = _markdown()
    try:
        html = converter.convert(text or "")
    finally:
        converter.reset()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def story_summary(text: str, limit: int = 200) -> str:
    """The story as plain text, cut at a word near `limit` characters (share previews, meta)."""
    plain = " ".join(nh3.clean(render_story(text), tags=set()).split())
    plain = html_unescape(plain)
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
