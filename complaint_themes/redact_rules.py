"""The UK recognisers of :mod:`complaint_themes.redact`: patterns and Presidio recognisers.

The patterns are plain regular expressions (each documented by the string after it); the
recognisers wrap them, and Presidio's own e-mail, phone, NHS number, card and IBAN recognisers,
into the set :func:`_recognisers` returns. Presidio is imported only when they are built.
Add a wording to a pattern here; :class:`~complaint_themes.redact.Redactor` needs no change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_STREET_SUFFIXES = (
    "Road Rd Street St Avenue Ave Lane Ln Close Drive Dr Way Court Ct Crescent Cres Gardens "
    "Gdns Place Pl Terrace Grove Hill Park Square Sq Mews Row Walk Rise Vale View Green Parade "
    "Estate House Tower Heights Mansions Buildings Yard Wharf Hall Path Gate Broadway Boulevard"
).split()


def _either_case(word: str) -> str:
    return f"[{word[0].upper()}{word[0].lower()}]{word[1:]}"


_SUFFIX = "(?:" + "|".join(_either_case(s) for s in _STREET_SUFFIXES) + r")\b\.?"
_HOUSE = r"\b\d{1,4}[A-Za-z]?(?:\s?-\s?\d{1,4}[A-Za-z]?)?,?\s+"
_STREET_WORDS = r"(?:(?:[A-Z][A-Za-z'\u2019-]*|of|the|de|le)\s+){1,3}"
_NOT_PLACES = (
    "I It Its The We My Our He She They This That There These Those And But So Since Because "
    "Which Who Where When While Please Thanks Thank Yours Regards Kind Best Many Dear Mr Mrs "
    "Ms Miss Mx Dr Cllr Flat Apartment Unit Room Council Housing Tel Phone Mobile Email Ref"
).split()
_LOCALITY = (
    r"(?:,[ \t]*(?!(?:" + "|".join(_NOT_PLACES) + r")\b)"
    r"[A-Z][a-z'\u2019]+(?:[ -](?:upon|on|under|le|in)?[ -]?[A-Z][a-z'\u2019]+)?){0,2}"
)
ADDRESS_PATTERN = _HOUSE + _STREET_WORDS + _SUFFIX + _LOCALITY
"""House-number address: ``14 Elm Road``, ``3a St John's Close``, ``12-14 High Street``,
with up to two places after it (``14 Elm Road, Walthamstow, London``)."""
FLAT_PATTERN = (
    r"\b(?:[Ff]lat|[Aa]partment|[Aa]pt\.?|[Uu]nit|[Rr]oom)\s+(?:[Nn]o\.?\s*)?\d{1,4}[A-Za-z]?\b"
)
"""A dwelling inside a building: ``Flat 3``, ``apartment 12b``, ``flat no. 7``."""
TITLE_NAME_PATTERN = (
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Cllr|Councillor|Sir|Dame|Rev)\.?\s+"
    r"(?:[A-Z]\.?\s+)?[A-Z][a-z'\u2019-]+(?:[-\s][A-Z][a-z'\u2019-]+)?"
)
"""A titled name: ``Mrs Okafor``, ``Dr J. Patel``, ``Cllr Smith-Jones``."""
UK_PHONE_PATTERN = (
    r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s-]?\)?){9,10}\d(?!\d)"
)
"""A UK number in any common spacing: ``07700 900123``, ``+44 (0)20 7946 0018``, ``0161-496-0000``.
Added beside python-phonenumbers, which rejects numbers from Ofcom's ranges reserved for
fiction and examples, which are what test and training texts use."""


SIGN_OFF_PATTERN = (
    r"(?:\b(?:[Tt]hanks|[Tt]hank you|[Rr]egards|[Kk]ind regards|[Bb]est wishes|[Cc]heers|"
    r"[Yy]ours (?:sincerely|faithfully|truly)|[Mm]any thanks)[,.!]?\s*\n?\s*"
    r"|\b[Mm]y name is\s+|\b[Nn]ame:\s*)"
    r"(?P<name>[A-Z][a-z'\u2019-]+(?:[ \t]+[A-Z][a-z'\u2019-]+){0,2})"
)
"""A name after a sign-off ("Thanks, Priya Nair"), "my name is" or "Name:"; only the name
is redacted. Small NER models miss many names, most often the one at the end of an e-mail."""


_NAME = r"(?!I\b|I['\u2019])[A-Z][a-z'\u2019-]+(?:[ \t]+[A-Z][a-z'\u2019-]+)?"
_RELATIVES = (
    "son daughter husband wife partner mum mother mam dad father brother sister neighbour "
    "neighbor carer grandson granddaughter grandmother grandfather nan gran grandma grandad "
    "nephew niece aunt auntie uncle child friend flatmate tenant lodger boyfriend girlfriend "
    "fiance fiancee cousin stepson stepdaughter"
).split()
NAME_CONTEXT_PATTERNS = (
    # "my son Daniel", "my elderly mother, Joan Reid"
    r"\b[Mm]y\s+(?:(?:late|elderly|disabled|little|eldest|youngest|older|younger|autistic)\s+)?"
    r"(?:" + "|".join(_RELATIVES) + r")\s*,?[ \t]+(?P<value>" + _NAME + ")",
    # "a lady called Sharon", "the officer named Gary Hunt"
    r"\b(?:man|woman|lady|gentleman|guy|chap|bloke|girl|lad|officer|manager|worker|adviser|"
    r"advisor|operative|engineer|caretaker|contractor|driver)\s+(?:called|named)\s+"
    r"(?P<value>" + _NAME + ")",
    # "Dear Sarah," (not "Dear Sir", "Dear Housing Team"; titled names are found anyway)
    r"\bDear\s+(?!(?:Sir|Sirs|Madam|Team|Council|All|Customer|Colleague|Resident|Manager|"
    r"Complaints|Housing|Director|Chief|Head|Officer|Services?|Mr|Mrs|Ms|Miss|Mx|Dr|Cllr)\b)"
    r"(?P<value>" + _NAME + ")",
)
"""A name given by its context: after "my son" and other relatives, after "a lady called",
after "Dear". Only the name (group ``value``) is redacted."""

_NOT_AFTER_LETTERS = "at is in on to of or by an as be do go he if it me my no so up us we am"
NINO_PATTERN = (
    r"\b(?!(?:" + "|".join(_NOT_AFTER_LETTERS.split()) + r")\b)"
    r"[A-Z]{2}(?:[ -]?\d{2}){3}[ -]?[A-D]\b"
)
"""A National Insurance number in any spacing or case, with any two letters (HMRC's examples
use QQ, a prefix never issued, which Presidio's stricter pattern rejects): ``AB123456C``,
``ab 12 34 56 c``, ``AB-12-34-56-C``."""
NINO_CONTEXT_PATTERN = (
    r"(?i:\bnational\s+insurance|\bNI\b|\bNINO\b)(?i:\s+(?:number|no\.?|num))?"
    r"(?i:\s+is|\s*:)?\s*(?P<value>[A-Z]{2}(?:[ -]?\d{2}){3}(?:[ -]?[A-D])?)\b"
)
"""A National Insurance number after "NI number", also without its final letter."""
NHS_CONTEXT_PATTERN = (
    r"(?i:\bNHS)(?i:\s+(?:number|no\.?|num|#))?(?i:\s+is|\s*:)?\s*"
    r"(?P<value>\d{3}[ -]?\d{3}[ -]?\d{4})(?!\d)"
)
"""A ten-digit number after "NHS number", whatever its check digit (mistyped numbers still
identify a patient); elsewhere Presidio's NHS recogniser requires a valid check digit."""
POSTCODE_PATTERN = (
    r"\b(?:GIR\s?0AA|[A-Z]{1,2}\d[A-Z\d]?\s?(?!(?:1st|2nd|3rd|\dth|\d[ap]m)\b)\d[A-Z]{2})\b"
)
"""A UK postcode in either case, with or without its space. Any letters are accepted
(invented postcodes in letters and test data break Royal Mail's letter rules); ordinals and
times ("Block A1 2nd floor", "M6 9am") are not postcodes."""
_LOWER_STREET = r"(?:[a-z'\u2019-]+\s+){1,3}(?:" + "|".join(s.lower() for s in _STREET_SUFFIXES)
ADDRESS_CONTEXT_PATTERN = (
    r"(?i:\b(?:live|lives|lived|living|moved|reside|resides|residing|staying)\s+(?:at|to)|"
    r"\baddress(?:\s+is)?\s*:?)\s+(?P<value>\d{1,4}[a-z]?,?\s+" + _LOWER_STREET + r")\b\.?)"
)
"""A house-number address written in lower case, after "I live at" or "address:"."""


def _span_recogniser(entity: str, name: str, patterns: Sequence[str], score: float,
                     flags: int = 0) -> Any:
    """``entity`` for each match of ``patterns``, reporting only the span of its ``value``
    group (the whole match when there is none): the context before it is kept."""
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    compiled = [re.compile(p, flags) for p in patterns]

    class SpanRecognizer(EntityRecognizer):
        def load(self) -> None:  # nothing to load
            pass

        def analyze(self, text, entities, nlp_artifacts=None):  # noqa: ANN001
            found = []
            for pattern in compiled:
                group = "value" if "value" in pattern.groupindex else 0
                found += [RecognizerResult(entity, m.start(group), m.end(group), score)
                          for m in pattern.finditer(text)]
            return found

    return SpanRecognizer(supported_entities=[entity], name=name)


def _sign_off_recogniser() -> Any:
    """PERSON from :data:`SIGN_OFF_PATTERN`, reporting only the span of the name itself."""
    return _span_recogniser("PERSON", "SignOffNameRecognizer",
                            [SIGN_OFF_PATTERN.replace("?P<name>", "?P<value>")], 0.8)


def is_street_name(span: str) -> bool:
    """True for a name that ends in a street word ("Mill Lane"): spaCy often tags it PERSON."""
    words = span.split()
    return len(words) >= 2 and words[-1].rstrip(".").title() in _STREET_SUFFIXES


_NOT_NAMES = set(
    "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday jan feb mar apr jun jul aug sep sept oct nov dec january february march "
    "april june july august september october november december bin bins".split()
)
"""Words spaCy's small model sometimes tags as a person ("Tues 11 Aug"): never redacted."""


def _not_a_name(finding: Any, text: str) -> bool:
    """A PERSON finding that is a street ("Mill Lane") or a day, month or bin word."""
    if finding.entity_type != "PERSON":
        return False
    span = text[finding.start : finding.end]
    return is_street_name(span) or span.strip(" .,").lower() in _NOT_NAMES


_LEADING_NOT_NAMES = re.compile(
    r"(?:(?:ring|call|phone|ask|tell|email|e-mail|text|contact|thanks|thank|hi|hello|dear|"
    r"cheers|regards|please|attn|from|to|cc)\b[\s,:]*)+",
    re.IGNORECASE,
)
"""Words spaCy's small model takes into a name before it ("Ring Sarah Jones")."""


def _trim_name(finding: Any, text: str) -> Any:
    """A PERSON finding without the verbs and greetings in front of the name."""
    if finding.entity_type == "PERSON":
        lead = _LEADING_NOT_NAMES.match(text, finding.start, finding.end)
        if lead:
            finding.start = lead.end()
    return finding


def _offline_tldextract() -> None:
    """Make tldextract use its bundled public suffix list snapshot and never fetch one."""
    import tldextract
    import tldextract.tldextract as tld_module

    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    tld_module.TLD_EXTRACTOR = offline
    tldextract.extract = offline  # presidio calls tldextract.extract(...)


def _recognisers() -> list[Any]:
    """The UK recogniser set (see the module docstring)."""
    from presidio_analyzer import Pattern, PatternRecognizer
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
    )

    case_sensitive = re.DOTALL | re.MULTILINE
    return [
        SpacyRecognizer(supported_entities=["PERSON"]),
        PatternRecognizer(
            supported_entity="PERSON",
            name="UkTitledNameRecognizer",
            patterns=[Pattern("titled name", TITLE_NAME_PATTERN, 0.85)],
            global_regex_flags=case_sensitive,
        ),
        _sign_off_recogniser(),
        EmailRecognizer(),
        PhoneRecognizer(supported_regions=("GB",), context=["phone", "mobile", "call", "ring"]),
        PatternRecognizer(
            supported_entity="PHONE_NUMBER",
            name="UkPhonePatternRecognizer",
            patterns=[Pattern("uk phone", UK_PHONE_PATTERN, 0.6)],
        ),
        _span_recogniser("PERSON", "UkNameInContextRecognizer", NAME_CONTEXT_PATTERNS, 0.7),
        PatternRecognizer(
            supported_entity="UK_POSTCODE",
            name="UkPostcodeAnyCaseRecognizer",
            patterns=[Pattern("uk postcode", POSTCODE_PATTERN, 0.6)],
        ),
        PatternRecognizer(
            supported_entity="UK_NINO",
            name="UkNinoAnySpacingRecognizer",
            patterns=[Pattern("ni number", NINO_PATTERN, 0.6)],
        ),
        _span_recogniser("UK_NINO", "UkNinoInContextRecognizer", [NINO_CONTEXT_PATTERN], 0.8,
                         re.IGNORECASE),
        NhsRecognizer(),
        _span_recogniser("UK_NHS", "UkNhsInContextRecognizer", [NHS_CONTEXT_PATTERN], 0.8),
        PatternRecognizer(
            supported_entity="UK_ADDRESS",
            name="UkHouseAddressRecognizer",
            patterns=[
                Pattern("house number address", ADDRESS_PATTERN, 0.7),
                Pattern("flat number", FLAT_PATTERN, 0.6),
            ],
            global_regex_flags=case_sensitive,
        ),
        _span_recogniser("UK_ADDRESS", "UkLowerCaseAddressRecognizer", [ADDRESS_CONTEXT_PATTERN],
                         0.6),
        CreditCardRecognizer(),
        IbanRecognizer(),
    ]
