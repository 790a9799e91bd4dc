"""The filter language of ``search_runs``: a tokenizer and a translation to SQL.

Grammar (keywords case-insensitive)::

    filter     := comparison ("AND" comparison)*
    comparison := identifier operator value
    identifier := run_id | run_name | status | experiment | start_time | end_time
                | duration_s | (params | metrics | tags) "." key
    key        := bare key (letters, digits, _ - . /) | `any key` | "any key" | 'any key'
    operator   := = | != | < | <= | > | >= | LIKE | ILIKE
    value      := 'string' | "string" | number

As in MLflow, params and tags are text and compare as strings
(``params.n = '15'``) with =, !=, LIKE and ILIKE only (text order would rank
'10' before '9'), metrics compare as numbers against their last value,
and a run without the named param, tag or metric never matches. ``LIKE`` is
case-sensitive (``%`` any run of characters, ``_`` one character), ``ILIKE``
is not. Times take milliseconds since the epoch or an ISO date string.

Values always travel as bound parameters: the filter text never becomes SQL.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

__all__ = ["parse_filter", "to_sql"]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<op><=|>=|!=|<>|==|=|<|>)
  | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.]))
  | (?P<string>'(?:[^']|'')*'|"(?:[^"]|"")*")
  | (?P<backtick>`[^`]*`)
  | (?P<word>[A-Za-z_][\w\-/]*)
  | (?P<dot>\.)
    """,
    re.VERBOSE,
)

_RUN_TEXT = {"run_id": "r.run_id", "run_name": "r.run_name", "status": "r.status", "experiment": "e.name"}
_RUN_TIME = {"start_time": "r.start_ms", "end_time": "r.end_ms"}
_RUN_NUMBER = {"duration_s": "(r.end_ms - r.start_ms) / 1000.0"}
_GROUPS = ("params", "metrics", "tags")
_OPS = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _Tok:
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind, text, pos):
        self.kind, self.text, self.pos = kind, text, pos


def _tokenize(text: str) -> list[_Tok]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            _fail(text, pos, text[pos], "unexpected character")
        if m.lastgroup != "ws":
            out.append(_Tok(m.lastgroup, m.group(), pos))
        pos = m.end()
    return out


def _fail(text, pos, token, why):
    raise ValueError(f"bad filter at position {pos}, token {token!r}: {why} (filter: {text!r})")


def _unquote(tok: _Tok) -> str:
    q = tok.text[0]
    inner = tok.text[1:-1]
    return inner if q == "`" else inner.replace(q + q, q)


def parse_filter(text: str) -> list[tuple]:
    """Parse ``text`` into comparisons ``(group, name, op, value)``.

    ``group`` is ``"run"``, ``"params"``, ``"metrics"`` or ``"tags"``; ``op`` is
    an SQL operator (``=``, ``!=``, ``<``..., ``LIKE``, ``ILIKE``); ``value`` a str
    or a float, already checked against the identifier's type.
    """
    if not isinstance(text, str):
        raise TypeError(f"filter must be a str, got {type(text).__name__} {text!r}")
    toks = _tokenize(text)
    if not toks:
        return []
    out = []
    i = 0
    n = len(toks)

    def need(kind_ok, what):
        if i >= n:
            _fail(text, len(text), "", f"expected {what}, got the end of the filter")
        tok = toks[i]
        if not kind_ok(tok):
            _fail(text, tok.pos, tok.text, f"expected {what}")
        return tok

    while True:
        # identifier
        tok = need(lambda t: t.kind == "word", "an identifier such as metrics.loss or run_name")
        word = tok.text
        i += 1
        if word in _GROUPS:
            need(lambda t: t.kind == "dot", f"'.' and a key after {word!r}")
            i += 1
            ktok = need(lambda t: t.kind in ("word", "backtick", "string", "number"), f"a {word[:-1]} key")
            key = ktok.text if ktok.kind in ("word", "number") else _unquote(ktok)
            if not key:
                _fail(text, ktok.pos, ktok.text, "empty key")
            i += 1
            # bare keys may contain dots: metrics.train.loss
            while i + 1 < n and toks[i].kind == "dot" and toks[i + 1].kind in ("word", "number") \
                    and toks[i].pos == ktok.pos + len(key) and ktok.kind in ("word", "number"):
                key += "." + toks[i + 1].text
                i += 2
            group, name = word, key
        elif word in _RUN_TEXT or word in _RUN_TIME or word in _RUN_NUMBER:
            group, name = "run", word
        else:
            known = ", ".join([*_RUN_TEXT, *_RUN_TIME, *_RUN_NUMBER, "params.<key>", "metrics.<key>", "tags.<key>"])
            _fail(text, tok.pos, word, f"unknown identifier; use one of {known}")
        # operator
        otok = need(lambda t: t.kind == "op" or (t.kind == "word" and t.text.upper() in ("LIKE", "ILIKE")),
                    "a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE)")
        op = _OPS.get(otok.text) or otok.text.upper()
        i += 1
        # value
        vtok = need(lambda t: t.kind in ("string", "number"), "a quoted string or a number")
        i += 1
        value = _check_value(text, group, name, op, otok, vtok)
        out.append((group, name, op, value))
        if i == n:
            return out
        atok = toks[i]
        if not (atok.kind == "word" and atok.text.upper() == "AND"):
            why = "only AND joins comparisons" if atok.text.upper() == "OR" else "expected AND or the end of the filter"
            _fail(text, atok.pos, atok.text, why)
        i += 1
        if i == n:
            _fail(text, len(text), "", "expected a comparison after AND, got the end of the filter")


def _check_value(text, group, name, op, otok, vtok):
    is_str = vtok.kind == "string"
    like = op in ("LIKE", "ILIKE")
    label = f"{group}.{name}" if group != "run" else name
    if group == "metrics" or name in _RUN_NUMBER:
        if is_str:
            _fail(text, vtok.pos, vtok.text, f"{label} is a number: compare it with a number, not a string")
        if like:
            _fail(text, otok.pos, otok.text, f"LIKE needs a text field, and {label} is a number")
        return float(vtok.text)
    if name in _RUN_TIME and group == "run":
        if like:
            _fail(text, otok.pos, otok.text, f"LIKE needs a text field, and {label} is a time")
        if not is_str:
            return float(vtok.text)
        raw = _unquote(vtok)
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            _fail(text, vtok.pos, vtok.text, f"{label} takes milliseconds or an ISO date such as '2026-11-22T08:00'")
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return when.timestamp() * 1000.0
    if op in ("<", "<=", ">", ">="):
        # text order would rank '10' before '9' and '1e-3' after '0.1': refused, as in MLflow
        _fail(text, otok.pos, otok.text,
              f"{label} is text: compare it with =, !=, LIKE or ILIKE (convert it in pandas "
              "to compare numbers)")
    if not is_str:
        _fail(text, vtok.pos, vtok.text,
              f"{label} is text: quote the value, e.g. {label} = '{vtok.text}'")
    return _unquote(vtok)


def _like_to_glob(pattern: str) -> str:
    """SQL LIKE pattern to a (case-sensitive) GLOB pattern."""
    out = []
    for ch in pattern:
        if ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        elif ch in "*?[":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return "".join(out)


def _compare(column: str, op: str, value, args: list, nan_is_null: bool = False) -> str:
    if op == "LIKE":
        args.append(_like_to_glob(value))
        return f"{column} GLOB ?"
    if op == "ILIKE":
        args.append(value)
        return f"{column} LIKE ?"
    args.append(value)
    if op == "!=" and nan_is_null:  # NaN (stored as NULL) differs from every number
        return f"({column} IS NULL OR {column} != ?)"
    return f"{column} {op} ?"


def to_sql(conditions: list[tuple]) -> tuple[str, list]:
    """SQL condition over ``runs r JOIN experiments e`` and its bound arguments."""
    parts, args = [], []
    for group, name, op, value in conditions:
        if group == "run":
            column = _RUN_TEXT.get(name) or _RUN_TIME.get(name) or _RUN_NUMBER[name]
            parts.append(_compare(column, op, value, args))
        elif group == "metrics":
            args.append(name)
            cmp = _compare("l.value", op, value, args, nan_is_null=True)
            parts.append(
                "EXISTS (SELECT 1 FROM latest_metrics l JOIN metric_keys k ON k.id = l.key "
                f"WHERE l.run = r.id AND k.key = ? AND {cmp})"
            )
        else:
            args.append(name)
            cmp = _compare("x.value", op, value, args)
            parts.append(f"EXISTS (SELECT 1 FROM {group} x WHERE x.run = r.id AND x.key = ? AND {cmp})")
    return " AND ".join(parts) or "1", args
