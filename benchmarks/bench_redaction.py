"""How much personal data does redaction catch, and how much else does it remove?

    python benchmarks/bench_redaction.py [--data benchmarks/data/pii_test.jsonl]
                                         [--out benchmarks/results/redaction.json]

The labelled set holds one complaint a line, ``{"id", "text", "entities": [{"type",
"text"}]}``. Each labelled entity is located in its text (every occurrence) and counts as
**found** when the spans the redactor replaces (``Redactor.findings``, the same spans
``redact`` replaces) cover all of its letters and digits, in every occurrence; **partly
found** when some are covered. A second, text-only check counts an entity as leaked when a
word of it longer than 3 characters is still in the redacted text. Recall is reported per
labelled type, and also with the kind required to match ("typed recall": a phone number
replaced as ``<NHS_NUMBER>`` is removed but mislabelled).

**Over-redaction**: the share of the words (``\\w+`` runs) outside every labelled entity that
the redactor removes. The most frequent removed words are listed.

Writes the figures, every miss and the removed words to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "pii_test.jsonl"
OUT = ROOT / "benchmarks" / "results" / "redaction.json"
WORD = re.compile(r"\w+")

# labelled type (normalised: upper case, letters only) -> the redactor's entity type
KINDS = [
    ("EMAIL", "EMAIL_ADDRESS"),
    ("PHONE", "PHONE_NUMBER"), ("TEL", "PHONE_NUMBER"), ("MOBILE", "PHONE_NUMBER"),
    ("POSTCODE", "UK_POSTCODE"), ("POSTALCODE", "UK_POSTCODE"), ("ZIP", "UK_POSTCODE"),
    ("NHS", "UK_NHS"),
    ("NINO", "UK_NINO"), ("NATIONALINSURANCE", "UK_NINO"), ("NINUMBER", "UK_NINO"),
    ("NI", "UK_NINO"),
    ("ADDRESS", "UK_ADDRESS"), ("STREET", "UK_ADDRESS"),
    ("PERSON", "PERSON"), ("NAME", "PERSON"),
    ("CARD", "CREDIT_CARD"), ("IBAN", "IBAN_CODE"), ("BANK", "IBAN_CODE"),
]
UNSTRUCTURED = {"PERSON", "UK_ADDRESS"}
NOTE = {"PERSON": "  (names)", "UK_ADDRESS": "  (addresses)", None: "  (no recogniser)"}


def our_kind(label: str) -> str | None:
    """The redactor's entity type for a labelled type ("phone_number" -> PHONE_NUMBER)."""
    key = re.sub(r"[^A-Z]", "", label.upper())
    for prefix, kind in KINDS:
        if key.startswith(prefix) or (len(prefix) >= 3 and prefix in key):
            return kind
    return None


def occurrences(text: str, entity: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``entity`` in ``text``; case-insensitive when the exact string is
    absent."""
    found = [(m.start(), m.end()) for m in re.finditer(re.escape(entity), text)]
    if not found:
        found = [(m.start(), m.end())
                 for m in re.finditer(re.escape(entity), text, flags=re.IGNORECASE)]
    return found


def covered(mask: list[bool], start: int, end: int, text: str) -> float:
    """Share of the letters and digits in ``text[start:end]`` inside a redacted span."""
    chars = [i for i in range(start, end) if text[i].isalnum()]
    return sum(mask[i] for i in chars) / len(chars) if chars else 1.0


def leaked_words(entity: str, redacted: str) -> list[str]:
    """Words of ``entity`` longer than 3 characters still present in the redacted text."""
    present = set(WORD.findall(redacted.lower()))
    return [w for w in WORD.findall(entity) if len(w) > 3 and w.lower() in present]


def evaluate(records: list[dict], redactor) -> dict:
    per_type: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, list[dict]] = defaultdict(list)
    removed_words: Counter = Counter()
    words_outside = words_removed = 0
    unlocated = []
    started = time.perf_counter()
    for record in records:
        text = record["text"]
        findings = redactor.findings(text)
        redacted = redactor.redact(text)
        mask = [False] * len(text)
        kinds = [set() for _ in text]
        for f in findings:
            for i in range(f.start, f.end):
                mask[i] = True
                kinds[i].add(f.entity_type)
        gold = [False] * len(text)
        seen = set()
        for entity in record.get("entities", []):
            label, value = str(entity["type"]), str(entity["text"])
            if (label, value) in seen:
                continue
            seen.add((label, value))
            spans = occurrences(text, value)
            if not spans:
                unlocated.append({"id": record.get("id"), "type": label, "text": value})
                continue
            for start, end in spans:
                for i in range(start, end):
                    gold[i] = True
            shares = [covered(mask, s, e, text) for s, e in spans]
            counts = per_type[label]
            counts["n"] += 1
            if min(shares) == 1.0:
                counts["found"] += 1
                kind = our_kind(label)
                if kind is not None and all(
                    kind in kinds[i] for s, e in spans for i in range(s, e) if text[i].isalnum()
                ):
                    counts["typed"] += 1
            elif max(shares) > 0:
                counts["partly"] += 1
            if leaked_words(value, redacted):
                counts["leaked_words"] += 1
            if min(shares) < 1.0:
                hit = sorted({f"{f.entity_type}:{text[f.start:f.end]}" for f in findings
                              if f.start < max(e for _, e in spans)
                              and f.end > min(s for s, _ in spans)})
                misses[label].append({"id": record.get("id"), "text": value,
                                      "covered": round(min(shares), 2), "overlapping": hit})
        for m in WORD.finditer(text):
            if any(gold[m.start():m.end()]):
                continue
            words_outside += 1
            if any(mask[m.start():m.end()]):
                words_removed += 1
                removed_words[m.group()] += 1
    seconds = time.perf_counter() - started
    recall = {}
    for label, c in sorted(per_type.items()):
        kind = our_kind(label)
        recall[label] = {
            "n": c["n"],
            "recall": round(c["found"] / c["n"], 4),
            "typed_recall": round(c["typed"] / c["n"], 4) if kind else None,
            "partly_found": c["partly"],
            "missed": c["n"] - c["found"] - c["partly"],
            "with_leaked_words": c["leaked_words"],
            "redactor_kind": kind,
            "structured": kind is not None and kind not in UNSTRUCTURED,
        }
    structured = [r for r in recall.values() if r["structured"]]
    n_structured = sum(r["n"] for r in structured)
    return {
        "n_texts": len(records),
        "n_entities": sum(r["n"] for r in recall.values()),
        "recall": recall,
        "structured_recall": (round(sum(r["recall"] * r["n"] for r in structured)
                                    / n_structured, 4) if n_structured else None),
        "over_redaction": {
            "words_outside_entities": words_outside,
            "removed": words_removed,
            "share": round(words_removed / words_outside, 4) if words_outside else None,
            "most_removed": removed_words.most_common(40),
        },
        "unlocated_entities": unlocated,
        "misses": dict(misses),
        "seconds_per_text": round(seconds / max(len(records), 1), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"{args.data} not found")
        return 1
    from complaint_themes.redact import Redactor

    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    redactor = Redactor()
    result = {"data": str(args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT)
                          else args.data.name), **evaluate(records, redactor)}
    print(f"{result['n_texts']} texts, {result['n_entities']} labelled entities "
          f"({result['seconds_per_text'] * 1000:.0f} ms a text)")
    print(f"{'type':24} {'n':>5} {'recall':>7} {'typed':>6} {'partly':>6} {'missed':>6}")
    for label, r in result["recall"].items():
        typed = "" if r["typed_recall"] is None else f"{r['typed_recall']:.3f}"
        print(f"{label:24} {r['n']:>5} {r['recall']:>7.3f} {typed:>6} {r['partly_found']:>6} "
              f"{r['missed']:>6}{NOTE.get(r['redactor_kind'], '')}")
    if result["structured_recall"] is not None:
        print(f"structured identifiers, pooled recall {result['structured_recall']:.3f}")
    over = result["over_redaction"]
    if over["share"] is not None:
        print(f"non-PII words removed: {over['removed']} of {over['words_outside_entities']} "
              f"({over['share']:.2%})")
    if result["unlocated_entities"]:
        print(f"{len(result['unlocated_entities'])} labelled entities not found verbatim in "
              "their text (left out)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
