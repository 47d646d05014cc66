"""User-written stories: Markdown rendered to HTML, then sanitised with an explicit allow-list."""

from __future__ import annotations

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


def render_story(text: str) -> str:
    """Markdown → sanitised HTML. Scripts, event handlers, styles and javascript: links are dropped."""
    html = markdown.markdown(text or "", extensions=[], output_format="html")
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
