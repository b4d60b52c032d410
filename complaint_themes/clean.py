"""Clean complaint text as exported from case systems before it is embedded.

Case exports carry markup and e-mail debris that say nothing about the complaint: HTML tags
and entities, quoted earlier messages, "Sent from my iPhone", confidentiality footers and runs
of blank space. :func:`clean_text` removes those and leaves the resident's words unchanged.
"""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]{1,200}>")
_QUOTED_START = re.compile(
    r"^\s*(-{2,}\s*original message\s*-{2,}|on .{5,80} wrote:|from:\s.+\bsent:\s)",
    re.IGNORECASE | re.MULTILINE,
)
_NOISE_LINE = re.compile(
    r"^\s*(>.*|sent from my \w+.*|get outlook for \w+.*|"
    r"(this e-?mail|the information in this e-?mail) (and any attachments )?(is|are|may be) "
    r"(confidential|intended).*)$",
    re.IGNORECASE | re.MULTILINE,
)
_SPACE = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_text(text: str) -> str:
    """Return ``text`` without markup, quoted replies, device signatures and extra spaces."""
    text = unicodedata.normalize("NFKC", html.unescape(_TAG.sub(" ", text)))
    quoted = _QUOTED_START.search(text)
    if quoted and quoted.start() > 0:
        text = text[: quoted.start()]
    text = _NOISE_LINE.sub("", text)
    text = _SPACE.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()
