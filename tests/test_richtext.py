"""Stories: plain prose skips Python-Markdown, with exactly Markdown's output."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.richtext import _markdown_html, _plain_paragraphs, render_story

# Vietnamese prose and the punctuation stories use, plus every character Markdown may read as
# syntax, and odd whitespace: the fast path must either match Markdown or step aside.
_ALPHABET = "aăâđêôơưbcdghklmnpqrstvxyàảãáạòóỏõọ ĐÝ\n\n  \t\r\u00a0.,;:!?'\"()-+=#*_`[]<>&\\1234567890%/"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_plain_paragraphs_are_what_markdown_makes_or_nothing(text):
    fast = _plain_paragraphs(text)
    if fast is not None:
        assert fast == _markdown_html(text)


def test_ordinary_stories_take_the_fast_path_and_formatting_does_not():
    prose = "Nước mắm Phú Quốc (40 độ đạm) - ủ chượp 12 tháng.\n\nĐóng chai tại Dương Đông."
    assert _plain_paragraphs(prose) == (
        "<p>Nước mắm Phú Quốc (40 độ đạm) - ủ chượp 12 tháng.</p>\n<p>Đóng chai tại Dương Đông.</p>"
    )
    for marked in ("**đậm**", "- một\n- hai", "1. một", "# Tiêu đề", "<script>x</script>", "a &amp; b"):
        assert _plain_paragraphs(marked) is None, marked
    assert "<strong>đậm</strong>" in render_story("Rất **đậm** đà")
    assert "<script" not in render_story("<script>alert(1)</script>")
