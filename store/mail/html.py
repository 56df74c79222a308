"""HTML-only mail made readable as plain text, with inscriptis.

inscriptis lays out what a reader would see (paragraphs, lists, tables) and is maintained for
exactly this; links keep their address beside their text, so a reader sees where a link really
goes. Nothing is rendered or fetched: scripts and styles are dropped, images are their alt text.
"""

from __future__ import annotations


def html_to_text(html: str) -> str:
    """Readable text of an HTML document; its source as text when it can't be read as HTML."""
    if not html.strip():
        return ""
    # Imported here: lxml is large, and only the mail intake needs it.
    from inscriptis import get_text
    from inscriptis.model.config import ParserConfig
    from lxml.etree import LxmlError

    try:
        return get_text(html, ParserConfig(display_links=True, display_images=True))
    except (LxmlError, ValueError, TypeError, LookupError, RecursionError):
        # lxml refuses some documents (an empty tree, a huge text node); the source is still data.
        return html
