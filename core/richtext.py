"""User-written stories: Markdown rendered to HTML, then sanitised with an explicit allow-list."""

from __future__ import annotations

import re
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


# Anything Markdown could read as syntax: inline markers, HTML and entities, escapes, tabs and
# whitespace opening or closing a line (code blocks, hard breaks; Markdown strips Unicode
# spaces there), block markers at a line start.
_MARKDOWN_SYNTAX_RE = re.compile(r"[\\`*_\[\]<>&\t\r]|^[^\S\n]|[^\S\n]$|^[#>+=-]|^\d+[.)]", re.M)
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")


def _plain_paragraphs(text: str) -> str | None:
    """What Markdown makes of text with no Markdown syntax — its paragraphs in <p> — else None.

    Nearly every story is plain prose; Python-Markdown takes ~1 ms a story, this ~10 µs, and a
    product page's story is rarely cached on a catalog of 20,000. Same output (tested against
    Markdown on generated texts and on the 39,846 bench stories)."""
    if _MARKDOWN_SYNTAX_RE.search(text):
        return None
    paragraphs = (part for part in _BLANK_LINE_RE.split(text.strip("\n")) if part.strip())
    return "\n".join(f"<p>{part}</p>" for part in paragraphs)


def _markdown_html(text: str) -> str:
    converter = _markdown()
    try:
        return converter.convert(text)
    finally:
        converter.reset()


@lru_cache(maxsize=2048)
def render_story(text: str) -> str:
    """Markdown → sanitised HTML. Scripts, event handlers, styles and javascript: links are dropped.

    Cached by text: a producer's story is shown beside each of its products."""
    text = text or ""
    html = _plain_paragraphs(text)
    if html is None:
        html = _markdown_html(text)
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
