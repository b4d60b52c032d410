"""Clean complaint text as exported from case systems before it is embedded.

Case exports carry markup and e-mail debris that say nothing about the complaint: HTML tags
and entities, quoted earlier messages, "Sent from my iPhone", confidentiality footers and runs
of blank space. :func:`clean_text` removes those and leaves the resident's words unchanged.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: Parts of an HTML document that are never the message: styles, scripts, head, comments.
_HIDDEN = re.compile(
    r"<(style|script|head|title)\b[^>]{0,200}>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
#: Tags that end a line (so that quoted-reply headers still start lines after cleaning).
_BREAK = re.compile(
    r"</?(br|p|div|li|ul|ol|tr|table|h[1-6]|blockquote|hr|pre)\b[^<>]{0,200}>", re.IGNORECASE
)
#: Any other tag. A tag starts with a letter, "/", "!" or "?" right after "<", so the
#: resident's "less than 50 and > 20" written as "< 50 and > 20" is not taken for one.
_TAG = re.compile(r"<[a-zA-Z/!?][^<>]{0,200}>")
_QUOTED_START = re.compile(
    r"^[ \t]*(-{2,}\s*original message\s*-{2,}|on .{5,80} wrote:|"
    r"from:[ \t][^\n]*\bsent:[ \t]|from:[ \t][^\n]+\n[ \t]*sent:[ \t]|--[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)
_NOISE_LINE = re.compile(
    r"^[ \t]*(>.*|sent from my \w+.*|sent from (mail|outlook|yahoo mail) (for|on) \w+.*|"
    r"get outlook for \w+.*|"
    r"(this e-?mail|the information in this e-?mail) (and any attachments )?(is|are|may be) "
    r"(confidential|intended).*)$",
    re.IGNORECASE | re.MULTILINE,
)
_SPACE = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_MAX_ROUNDS = 10


def clean_text(text: str) -> str:
    """Return ``text`` without markup, quoted replies, device signatures and extra spaces.

    HTML entities are decoded (also when escaped twice) and the text is put in NFKC form;
    a quoted earlier message (``On ... wrote:``, ``-----Original Message-----``, an Outlook
    ``From: ... Sent:`` header, a ``--`` signature line) is cut off unless the text starts with
    it. The steps are repeated until they change nothing, so cleaning a cleaned text returns
    it unchanged; a plain sentence (NFKC, single spaces, no markup) is returned as it is.
    """
    for _ in range(_MAX_ROUNDS):
        cleaned = _clean_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text


def _decode(text: str) -> str:
    """Decode HTML entities and normalise (NFKC) until neither changes anything."""
    for _ in range(50):
        decoded = unicodedata.normalize("NFKC", html.unescape(text))
        if decoded == text:
            break
        text = decoded
    return text


def _clean_once(text: str) -> str:
    text = _decode(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _TAG.sub(" ", _BREAK.sub("\n", _HIDDEN.sub("\n", text)))
    if "  " in text or "\t" in text or "\u00a0" in text:  # else each run is one space already
        text = _SPACE.sub(" ", text)
    return _BLANK_LINES.sub("\n", _drop_quoted_and_noise(text)).strip()


def _drop_quoted_and_noise(text: str) -> str:
    """Cut a quoted earlier message and drop noise lines.

    Both start a line, so a text of one line can only be one whole noise line, and it has no
    quoted message to cut (one at its start is kept): checking its start alone is enough, and
    saves scanning every character of most texts.
    """
    if "\n" not in text:
        return "" if _NOISE_LINE.match(text) else text
    quoted = _QUOTED_START.search(text)
    if quoted and quoted.start() > 0:
        text = text[: quoted.start()]
    return _NOISE_LINE.sub("", text)
