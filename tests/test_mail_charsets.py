"""Charsets as mail readers decode them (store/mail/charsets.py), in bodies, headers and
filenames: the usual mislabelled ones, unknown labels, codecs that are no charset of mail, and
bytes no label explains; nothing raises."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.mail.charsets import codec_for, decode_text
from store.mail.headers import header_text
from store.mail.parse import parse_mail

KOREAN = "똠방각하 안녕하세요"  # 똠 is cp949's, not in KS X 1001 as such
CHINESE = "镕瑩喆 你好"  # 镕瑩喆 are GBK's, not GB2312's
SMART = "“Quoted” – café €5 ™"


@pytest.mark.parametrize("label, text, encoding", [
    ("ks_c_5601-1987", KOREAN, "cp949"),
    ("KS_C_5601-1987", KOREAN, "cp949"),
    ("euc-kr", KOREAN, "cp949"),
    ("gb2312", CHINESE, "gbk"),
    ("GB2312", CHINESE, "gb18030"),
    ("iso-8859-1", SMART, "cp1252"),
    ("latin1", SMART, "cp1252"),
    ("shift_jis", "①ｱ髙", "cp932"),  # NEC and IBM extensions, as Windows writes them
    ("big5", "香港 堃", "big5hkscs"),
    ("windows-1251", "Привет", "cp1251"),
    ("koi8-r", "Привет", "koi8-r"),
    ("iso-8859-15", "€uro œ", "iso-8859-15"),
    ('"utf-8"', "quoted label ✓", "utf-8"),
    (" UTF-8 ", "spaced label ✓", "utf-8"),
])
def test_mislabelled_and_usual_charsets_decode_as_mail_readers_do(label: str, text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding), label) == text


def test_iso_8859_1_keeps_the_bytes_windows_1252_leaves_undefined() -> None:
    assert decode_text(b"\x81 \x8d \x8f \x90 \x9d \x93x\x94", "iso-8859-1") == "\x81 \x8d \x8f \x90 \x9d “x”"


@pytest.mark.parametrize("label", ["us-ascii", None, "", "x-unknown", "unknown-8bit", "no-such-charset",
                                   "x" * 200])
def test_no_label_or_an_unknown_one_reads_utf8_else_windows_1252(label: str | None) -> None:
    assert decode_text("Grüße ✓".encode("utf-8"), label) == "Grüße ✓"
    assert decode_text("Grüße, “so”".encode("cp1252"), label) == "Grüße, “so”"
    assert decode_text(b"plain ascii", label) == "plain ascii"


@pytest.mark.parametrize("label", ["punycode", "idna", "unicode_escape", "raw-unicode-escape", "undefined",
                                   "rot13", "base64", "zlib", "hex", "uu", "bz2", "quopri"])
def test_codecs_that_are_no_charset_of_mail_are_never_used(label: str) -> None:
    assert codec_for(label) is None
    assert decode_text(b"\\u0041 caf\xc3\xa9", label) == "\\u0041 café"


def test_invalid_bytes_become_replacement_characters() -> None:
    assert decode_text(b"ok \xff\xfe end", "utf-8") == "ok \ufffd\ufffd end"
    assert decode_text(b"a\x81", "ks_c_5601-1987") == "a\ufffd"  # a cut multibyte character
    assert decode_text(b"a\x80b", "gb2312") == "a\ufffdb"


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200),
       label=st.one_of(st.none(), st.text(max_size=20),
                       st.sampled_from(["utf-8", "utf-16", "utf-7", "gb2312", "ks_c_5601-1987",
                                        "iso-2022-jp", "shift_jis", "iso-8859-1", "us-ascii",
                                        "big5", "punycode", "idna", "zlib"])))
def test_decoding_never_raises(data: bytes, label: str | None) -> None:
    assert isinstance(decode_text(data, label), str)


def _word(text: str, label: str, encoding: str) -> str:
    return f"=?{label}?b?{base64.b64encode(text.encode(encoding)).decode()}?="


def test_encoded_words_in_mislabelled_charsets() -> None:
    assert header_text(_word(CHINESE, "gb2312", "gbk")) == CHINESE
    assert header_text(_word(KOREAN, "ks_c_5601-1987", "cp949")) == KOREAN
    assert header_text("=?iso-8859-1?q?=93hi=94?=") == "“hi”"
    assert header_text("=?x-nonsense?q?caf=C3=A9?=") == "café"
    assert header_text("=?utf-8*en?q?language_tag?=") == "language tag"


def test_a_character_split_across_two_encoded_words_is_joined() -> None:
    split = "=?utf-8?b?" + base64.b64encode("é".encode()[:1]).decode() + "?= =?utf-8?b?" + \
        base64.b64encode("é".encode()[1:] + b"t\xc3\xa9").decode() + "?="
    assert header_text(split) == "été"


def test_broken_encoded_words_stay_as_written() -> None:
    assert header_text("=?utf-8?b?not*base64?=") == "=?utf-8?b?not*base64?="
    assert header_text("a =?utf-8?q?b?= c") == "a b c"


def test_raw_8bit_headers_are_read_as_utf8_else_windows_1252() -> None:
    mail = parse_mail("Subject: Grüße ✓\r\nFrom: Zoë <z@example.com>\r\n\r\nx".encode("utf-8"))
    assert (mail.subject, mail.sender.name) == ("Grüße ✓", "Zoë")
    mail = parse_mail("Subject: Grüße “so”\r\nFrom: a@example.com\r\n\r\nx".encode("cp1252"))
    assert mail.subject == "Grüße “so”"


def _single(content_type: bytes, body: bytes, encoding: bytes = b"8bit") -> bytes:
    return (b"From: a@example.com\r\nSubject: s\r\nContent-Type: " + content_type +
            b"\r\nContent-Transfer-Encoding: " + encoding + b"\r\n\r\n" + body)


@pytest.mark.parametrize("label, text, encoding", [
    (b"ks_c_5601-1987", KOREAN, "cp949"),
    (b"gb2312", CHINESE, "gbk"),
    (b"iso-8859-1", SMART, "cp1252"),
    (b"us-ascii", "utf-8 under an ascii label ✓", "utf-8"),
    (b"x-unheard-of", "unknown label ✓", "utf-8"),
])
def test_mail_bodies_in_mislabelled_charsets(label: bytes, text: str, encoding: str) -> None:
    mail = parse_mail(_single(b"text/plain; charset=" + label, text.encode(encoding)))
    assert mail.text == text
    assert mail.texts[0].charset == label.decode()


def test_a_quoted_printable_html_body_in_windows_1251() -> None:
    body = "<p>Сайт не работает</p>".encode("cp1251")
    quoted = "".join(f"={byte:02X}" if byte > 127 else chr(byte) for byte in body).encode()
    mail = parse_mail(_single(b'text/html; charset="windows-1251"', quoted, b"quoted-printable"))
    assert mail.text.strip() == "Сайт не работает"


def test_an_rfc2231_filename_in_a_mislabelled_charset() -> None:
    name = "".join(f"%{byte:02X}" for byte in "报告镕.pdf".encode("gbk")).encode()
    mail = parse_mail(
        b'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\n\r\nx\r\n'
        b"--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=gb2312''"
        + name + b"\r\n\r\ndata\r\n--m--\r\n")
    assert mail.attachments[0].filename == "报告镕.pdf"
