"""How the patterns of :mod:`complaint_themes.risk_rules` are compiled.

Rule patterns are written as alternations of words, each branch starting with ``\\b``.
:func:`_rx` takes the ``\\b`` out of every branch, expands leading optional groups and
regroups the branches by first letter, so that the regex engine skips a branch on its first
letter: that makes the rules about ten times faster. :func:`_union` regroups the branches of
several such patterns into one (the safeguarding pass scans a text once with all the rules'
triggers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _rx(*parts: str) -> re.Pattern[str]:
    """Compile the alternatives ``parts`` (lower case; texts are lower-cased before matching).

    A leading ``\\b`` is taken out of every branch and put once in front, so that the regex
    engine skips a branch on its first letter: that makes the rules about ten times faster.
    """
    branches = [b for p in parts for b in _top_level(p)]
    if not all(b.startswith(r"\b") for b in branches):
        return re.compile("|".join(f"(?:{b})" for b in branches))
    expanded = [x for b in branches for x in _expand(b[2:])]
    pattern = _grouped(expanded)
    _BRANCHES[pattern] = expanded
    return pattern


_BRANCHES: dict[re.Pattern[str], list[str]] = {}
"""The branches each pattern of :func:`_rx` was grouped from, for :func:`_union`."""


def _union(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that matches wherever one of ``patterns`` does.

    The branches of patterns made by :func:`_rx` are regrouped together by first letter, so
    one scan costs about what a scan with one of them does; any other pattern joins as an
    alternative of its own (correct, only slower).
    """
    patterns = list(patterns)
    if all(p in _BRANCHES for p in patterns):
        return _grouped(b for p in patterns for b in _BRANCHES[p])
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def _grouped(branches: Iterable[str]) -> re.Pattern[str]:
    """``\\b(?:branch|...)`` with the branches that start with a plain letter regrouped by it."""
    by_letter: dict[str, list[str]] = {}
    other = []
    for branch in branches:
        if re.match(r"[a-z0-9'][^?*+{]", branch):
            by_letter.setdefault(branch[0], []).append(branch[1:])
        else:
            other.append(branch)
    grouped = [f"{c}(?:{'|'.join(rest)})" for c, rest in by_letter.items()]
    return re.compile(r"\b(?:" + "|".join(grouped + other) + ")")


def _expand(branch: str, limit: int = 200) -> list[str]:
    """``(?:a|b)c`` as ``ac|bc`` and ``(?:a)?c`` as ``ac|c``: branches start with a letter."""
    if not branch.startswith("(?:"):
        return [branch]
    depth, close = 0, -1
    for i, c in enumerate(branch):
        if c == "(" and branch[i - 1 : i] != "\\":
            depth += 1
        elif c == ")" and branch[i - 1 : i] != "\\":
            depth -= 1
            if depth == 0:
                close = i
                break
    inner, rest = branch[3:close], branch[close + 1 :]
    if rest[:1] in ("*", "+", "{") or rest[:2] == "??":
        return [branch]
    alternatives = [inner, ""] if rest[:1] == "?" else [inner]
    rest = rest[1:] if rest[:1] == "?" else rest
    out = [x for a in alternatives for piece in _top_level(a) for x in _expand(piece + rest)]
    return out if len(out) <= limit else [branch]


def _top_level(pattern: str) -> list[str]:
    """Split ``pattern`` at the ``|`` that are outside any group or character class."""
    out, depth, klass, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif klass:
            klass = c != "]"
        elif c == "[":
            klass = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*out, pattern[start:]]
