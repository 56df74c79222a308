"""HTML-only mail made readable as plain text, with inscriptis.

inscriptis lays out what a reader would see (paragraphs, lists, tables) and is maintained for
exactly this; links keep their address beside their text, so a reader sees where a link really
goes. Nothing is rendered or fetched: scripts and styles are dropped, images are their alt text.

No text is lost on the way: lxml parses with huge_tree (else a text node over 10 MB comes back
empty); HTML nested deeper than inscriptis walks gives its words without the layout; and what
can't be parsed at all, or parses to nothing while it has text, stays its own source, as data.
"""

from __future__ import annotations

import re

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TEXT_OUTSIDE_TAGS = re.compile(r"(?:^|>)[^<]*[^\s<]")


def html_to_text(html: str) -> str:
    """Readable text of an HTML document."""
    if not html.strip():
        return ""
    # Imported here: lxml is large, and only the mail intake needs it.
    from inscriptis.html_engine import Inscriptis
    from inscriptis.model.config import ParserConfig
    from lxml.etree import LxmlError
    from lxml.html import HTMLParser, document_fromstring

    try:  # a parser of its own each time: lxml's parsers are not to be shared between threads
        tree = document_fromstring(_XML_DECLARATION.sub("", html, count=1),
                                   parser=HTMLParser(huge_tree=True))
    except (LxmlError, ValueError):
        return html
    try:
        text = Inscriptis(tree, ParserConfig(display_links=True, display_images=True)).get_text()
    except RecursionError:
        for element in list(tree.iter("script", "style")):
            element.drop_tree()
        text = tree.text_content()
    if not text.strip() and _TEXT_OUTSIDE_TAGS.search(html):
        return html
    return text

