"""A property of reading mail (store/mail/parse.py): random MIME trees (text/plain and
text/html parts in odd charsets and transfer encodings, attachments and inline images,
multiparts nested a few levels) come back with every text part and every attachment accounted
for, in order. The model's rule is the issue's: every text part of a mixed multipart is text;
of an alternative, the plain rendering (else the last), the others still giving attachments."""

from __future__ import annotations

import base64
import quopri
from dataclasses import dataclass
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.mail.parse import parse_mail

# (label written in the mail, codec the sender really used, letters of that language)
CHARSETS = [
    ("utf-8", "utf-8", "äöü✓€😀中"), ("us-ascii", "ascii", ""), ("iso-8859-2", "iso-8859-2", "ąčęłńśźż"),
    ("koi8-r", "koi8-r", "привет"), ("windows-1251", "cp1251", "привет"), ("shift_jis", "cp932", "日本語テキスト①"),
    ("iso-2022-jp", "iso2022_jp", "日本語"), ("euc-kr", "cp949", "한국어똠"), ("ks_c_5601-1987", "cp949", "한국어똠"),
    ("gb2312", "gbk", "中文镕"), ("big5", "big5hkscs", "中文"), ("iso-8859-1", "cp1252", "é“”€"),
    ("utf-16", "utf-16", "äö中"), ("windows-1252", "cp1252", "ß…"),
]
ATTACHMENT_TYPES = ["application/pdf", "image/png", "application/octet-stream", "text/csv", "text/plain"]


@dataclass(frozen=True)
class Text:
    html: bool
    label: str
    codec: str
    text: str
    quoted_printable: bool


@dataclass(frozen=True)
class File:
    filename: str
    content_type: str
    data: bytes
    inline: bool


@dataclass(frozen=True)
class Multi:
    subtype: str
    children: tuple


@st.composite
def texts(draw) -> Text:
    label, codec, letters = draw(st.sampled_from(CHARSETS))
    html = draw(st.booleans())
    word = st.text(alphabet="abcdefXYZ0123" + letters, min_size=1, max_size=8)
    lines = draw(st.lists(st.lists(word, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=4))
    return Text(html, label, codec, "\n".join(lines), draw(st.booleans()) and codec != "utf-16")


files = st.builds(
    File, filename=st.text(alphabet="abcXYZ019 ._-éü中文", min_size=1, max_size=20).map(str.strip).filter(bool),
    content_type=st.sampled_from(ATTACHMENT_TYPES), data=st.binary(max_size=300), inline=st.booleans())
trees = st.recursive(
    st.one_of(texts(), files),
    lambda children: st.builds(Multi, st.sampled_from(["mixed", "related", "alternative"]),
                               st.lists(children, min_size=1, max_size=4).map(tuple)),
    max_leaves=12)


def _part(node, number: list[int]) -> EmailMessage:
    part = EmailMessage()
    if isinstance(node, Multi):
        part["Content-Type"] = f"multipart/{node.subtype}"
        for child in node.children:
            part.attach(_part(child, number))
    elif isinstance(node, Text):
        text = f"<html><body><p>{node.text}</p></body></html>".replace("\n", "<br>") if node.html else node.text
        data = text.encode(node.codec)
        part["Content-Type"] = f'text/{"html" if node.html else "plain"}; charset="{node.label}"'
        if node.quoted_printable:
            part["Content-Transfer-Encoding"] = "quoted-printable"
            part.set_payload(quopri.encodestring(data).decode("ascii"))
        else:
            part["Content-Transfer-Encoding"] = "base64"
            part.set_payload(base64.encodebytes(data).decode("ascii"))
    else:
        number[0] += 1
        part["Content-Type"] = node.content_type
        part.add_header("Content-Disposition", "inline" if node.inline else "attachment", filename=node.filename)
        part["Content-ID"] = f"<part{number[0]}@example.com>"
        part["Content-Transfer-Encoding"] = "base64"
        part.set_payload(base64.encodebytes(node.data).decode("ascii"))
    return part


def _expected(node, wants_text: bool, found: tuple[list, list]) -> tuple[list, list]:
    texts_found, files_found = found
    if isinstance(node, Multi):
        chosen = None
        if node.subtype == "alternative":
            plain = [c for c in node.children if isinstance(c, Text) and not c.html]
            chosen = plain[0] if plain else node.children[-1]
        for child in node.children:
            _expected(child, wants_text and (chosen is None or child is chosen), found)
    elif isinstance(node, Text):
        if wants_text:
            texts_found.append(node)
    else:
        files_found.append(node)
    return found


def _words(text: str) -> list[str]:
    return text.split()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees)
def test_every_text_part_and_attachment_is_accounted_for(tree) -> None:  # noqa: ANN001 - a tree
    message = _part(tree, [0])
    message["From"], message["Subject"] = "client@example.com", "tree"
    mail = parse_mail(bytes(message))
    expected_texts, expected_files = _expected(tree, True, ([], []))

    assert [t.content_type for t in mail.texts] == [
        "text/html" if t.html else "text/plain" for t in expected_texts]
    for got, wanted in zip(mail.texts, expected_texts):
        assert got.charset == wanted.label
        if wanted.html:  # laid out anew: the same words, in order
            assert _words(got.text) == _words(wanted.text)
        else:
            assert got.text.rstrip("\n") == wanted.text
    assert [(a.filename, a.content_type, a.data, a.inline) for a in mail.attachments] == [
        (f.filename, f.content_type, f.data, f.inline) for f in expected_files]
    assert mail.skipped_parts == 0 and mail.notes == ()


def test_the_model_of_an_alternative() -> None:
    plain = Text(False, "utf-8", "utf-8", "plain", False)
    html = Text(True, "utf-8", "utf-8", "html", False)
    image = File("a.png", "image/png", b"png", True)
    tree = Multi("alternative", (html, Multi("related", (html, image)), plain))
    texts_found, files_found = _expected(tree, True, ([], []))
    assert texts_found == [plain] and files_found == [image]
    mail = parse_mail(bytes(_part(tree, [0])))
    assert mail.text == "plain" and [a.filename for a in mail.attachments] == ["a.png"]
