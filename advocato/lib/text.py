"""Plain text where we store text: titles and summaries that arrive from feeds and fetched
pages are kept without markup, so a title can never carry `<script>` into a page, an e-mail,
a share text or an export.

`plain_text()` drops every tag (`<script>` and `<style>` with their content), decodes entities
once, and collapses whitespace; closing a block or breaking a line leaves a space, so words do
not run together. Markup that was escaped twice (`&lt;b&gt;`) would come back as a tag after
decoding, so the cleaning repeats until nothing tag-like is left.
"""

from __future__ import annotations

import html
import re

import nh3

# Closing a block or breaking a line separates words; stripping the tag alone would glue them.
BLOCK_TAG_RE = re.compile(
    r"<(?:br|hr|/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|figure|figcaption"
    r"|section|article|header|footer|dd|dt))\b[^>]*>",
    re.IGNORECASE,
)
TAG_LIKE_RE = re.compile(r"<[a-zA-Z/!?]")


def has_markup(value: str) -> bool:
    return bool(TAG_LIKE_RE.search(value or ""))


def plain_text(value: str, *, decode: bool = True) -> str:
    """`value` without markup, entities decoded, whitespace collapsed. `decode=False` for
    text that is already plain apart from possible tags (entities in it are literal)."""
    text = value or ""
    for _round in range(3):
        if not decode and not has_markup(text):
            break
        cleaned = nh3.clean(BLOCK_TAG_RE.sub(" ", text), tags=set(), attributes={}, link_rel=None)
        text = html.unescape(cleaned)
        decode = False
    return " ".join(text.split())
