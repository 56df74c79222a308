"""Bytes of a mail made into text the way mail readers do it, whatever the label says.

Senders routinely label text with a charset smaller than the one they used: GBK text called
gb2312, Windows "smart quotes" called iso-8859-1, cp949 Korean called euc-kr. Browsers and mail
readers decode such labels with the superset (the WHATWG Encoding Standard writes this down),
and so does the desk. A label Python doesn't know, or none at all, gets UTF-8 when the bytes
are valid UTF-8 and windows-1252 otherwise. Nothing here raises: a byte no charset explains
becomes U+FFFD.
"""

from __future__ import annotations

import codecs

# Labels read with the charset that senders who use them really write.
_SUPERSETS = {
    **dict.fromkeys(
        ("gb2312", "gb_2312", "gb_2312-80", "csgb2312", "euc-cn", "x-euc-cn", "chinese", "gbk",
         "x-gbk", "cp936", "windows-936", "iso-ir-58", "csiso58gb231280"), "gb18030"),
    **dict.fromkeys(
        ("ks_c_5601-1987", "ks_c_5601", "ks_c_5601-1989", "ksc5601", "ksc_5601", "korean",
         "euc-kr", "cseuckr", "csksc56011987", "iso-ir-149", "windows-949"), "cp949"),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j"),
        "cp932"),
    **dict.fromkeys(("big5", "x-x-big5", "cn-big5", "csbig5", "big5-hkscs"), "big5hkscs"),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5", "iso-ir-148"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso-8859-11", "iso8859-11", "windows-874"), "cp874"),
    **dict.fromkeys(("iso-8859-8-i", "iso-8859-8-e", "csiso88598i"), "iso8859-8"),
    **dict.fromkeys(("iso-8859-6-i", "iso-8859-6-e"), "iso8859-6"),
    "iso-2022-jp": "iso2022_jp_ext",
}
# Labels for "8-bit Western": the bytes 0x80-0x9f are windows-1252's letters and quotes there.
_LATIN1 = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
           "iso-ir-100", "csisolatin1", "windows-1252", "cp1252", "x-cp1252"}
# Labels that promise 7-bit text; 8-bit bytes under them are read as if there were no label.
_ASCII = {"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "csascii", "646", "7bit"}
# Codecs that are text encodings to Python but no charset of mail: escape decoders, and the
# IDNA/punycode decoders, which take quadratic time on long input.
_REFUSED = {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined"}
_MAX_LABEL = 64


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    """windows-1252 leaves five bytes undefined; as browsers do, they stay their C1 controls."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("store.mail.latin1", _latin1_fallback)


def codec_for(label: str | None) -> str | None:
    """The Python codec that decodes text under this charset label, or None: unknown, missing,
    or a label that only claims 7-bit ASCII (its bytes are guessed, see decode_text)."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not name or len(name) > _MAX_LABEL or name in _ASCII:
        return None
    if name in _LATIN1:
        return "cp1252"
    name = _SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def decode_text(data: bytes, label: str | None) -> str:
    """The text of these bytes under this charset label, never raising."""
    codec = codec_for(label)
    if codec is None:
        return _guess(data)
    if codec == "cp1252":
        return data.decode("cp1252", "store.mail.latin1")
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return data.decode(codec, "replace")


def _guess(data: bytes) -> str:
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "store.mail.latin1")
