"""Xero's `where` and `order` parameters: parsed once, compiled to Python predicates.

Supported `where` syntax (what Xero documents and clients send):

    Name == "Acme"            Status != "DELETED"          Total >= 100.5
    A AND B   A && B   A OR B   A || B   NOT A   !A   ( ... )
    Name.Contains("x")  Name.StartsWith("x")  Name.EndsWith("x")  Name.ToLower() == "acme"
    EmailAddress != null      IsSupplier == true
    ContactID == Guid("...")  Contact.ContactID == GUID("...")
    Date >= DateTime(2026, 1, 31)   UpdatedDateUTC > DateTime(2026, 1, 31, 10, 0, 0)
    Type == "ACCREC"  Type = "ACCREC"  (a single `=` is read as `==`)

Field names are matched case-insensitively and may be dotted paths into nested objects.
Anything else raises `QueryError`, which routes turn into a 400 QueryParseException
(ErrorNumber 16). `equality_hints` lists top-level `Field == literal` conjuncts so the
listing can start from an index instead of scanning every record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

Predicate = Callable[[Mapping[str, Any]], bool]


class QueryError(ValueError):
    """A `where`/`order` Xero could not parse; the message is Xero-style."""


@dataclass(frozen=True)
class Guid:
    value: str


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>==|!=|>=|<=|&&|\|\||[=<>!(),.])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)

_METHODS = {"contains", "startswith", "endswith", "tolower", "toupper"}


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise QueryError(f"Syntax error '{text[start]}' (at index {start})")
        kind = match.lastgroup or ""
        tokens.append(_Tok(kind, match.group(kind), match.start(kind)))
        pos = match.end()
    return tokens


# An operand compiles to a function record -> value; a condition to record -> bool.
Getter = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class _Literal:
    value: Any


class _Parser:
    def __init__(self, text: str, fields: Collection[str], type_name: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.fields = {f.lower(): f for f in fields}
        self.type_name = type_name
        self.hints: list[tuple[str, Any]] = []
        self.others: list[Predicate] | None = None  # top-level AND-ed parts that gave no hint
        self._depth_or = 0

    # helpers
    def peek(self, offset: int = 0) -> _Tok | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise QueryError(f"Expression expected (at index {len(self.text)})")
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise QueryError(f"'{text}' expected (at index {tok.pos})")

    def at_word(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text.upper() in words and tok.kind in ("name", "op")

    # grammar
    def parse(self) -> Predicate:
        if not self.tokens:
            raise QueryError("Expression expected (at index 0)")
        pred = self.or_expr(top=True)
        tok = self.peek()
        if tok is not None:
            raise QueryError(f"Syntax error '{tok.text}' (at index {tok.pos})")
        return pred

    def or_expr(self, top: bool = False) -> Predicate:
        parts = [self.and_expr(top)]
        while self.at_word("OR", "||"):
            self.take()
            parts.append(self.and_expr(False))
        if len(parts) > 1:
            if top:
                self.hints.clear()
                self.others = None
            return lambda r: any(p(r) for p in parts)
        return parts[0]

    def and_expr(self, top: bool) -> Predicate:
        parts: list[Predicate] = []
        others: list[Predicate] = []
        while True:
            hints_before = len(self.hints)
            part = self.not_expr(top)
            parts.append(part)
            if len(self.hints) == hints_before:
                others.append(part)
            if not self.at_word("AND", "&&"):
                break
            self.take()
        if top:
            self.others = others
        if len(parts) > 1:
            return lambda r: all(p(r) for p in parts)
        return parts[0]

    def not_expr(self, top: bool) -> Predicate:
        if self.at_word("NOT", "!"):
            self.take()
            inner = self.not_expr(False)
            return lambda r: not inner(r)
        tok = self.peek()
        if tok is not None and tok.text == "(":
            self.take()
            hints_before = len(self.hints)
            inner = self.or_expr(top=False)
            del self.hints[hints_before:]
            self.expect(")")
            return inner
        return self.comparison(top)

    def comparison(self, top: bool) -> Predicate:
        left = self.operand()
        tok = self.peek()
        if tok is not None and tok.text in ("==", "=", "!=", ">", ">=", "<", "<="):
            op = "==" if tok.text == "=" else tok.text
            self.take()
            right = self.operand()
            if (
                top
                and op == "=="
                and isinstance(right, _Literal)
                and isinstance(left, _Path)
                and isinstance(right.value, str | Guid | bool)
            ):
                value = right.value.value if isinstance(right.value, Guid) else right.value
                self.hints.append((left.path, value))
            return _compare(_getter(left), op, _getter(right))
        if isinstance(left, _Path | _Call) and left.boolean:
            getter = _getter(left)
            return lambda r: getter(r) is True
        raise QueryError(
            f"Expression of type 'Boolean' expected (at index {tok.pos if tok else len(self.text)})"
        )

    def operand(self) -> _Literal | _Path | _Call:
        tok = self.take()
        if tok.kind == "string":
            return _Literal(_unquote(tok.text))
        if tok.kind == "number":
            return _Literal(Decimal(tok.text))
        if tok.kind != "name":
            raise QueryError(f"Expression expected (at index {tok.pos})")
        word = tok.text.lower()
        if word in ("true", "false"):
            return _Literal(word == "true")
        if word == "null":
            return _Literal(None)
        nxt = self.peek()
        if word == "guid" and nxt is not None and nxt.text == "(":
            return _Literal(Guid(self.guid_args()))
        if word == "datetime" and nxt is not None and nxt.text == "(":
            return _Literal(self.datetime_args())
        return self.path(tok)

    def guid_args(self) -> str:
        self.expect("(")
        tok = self.take()
        text = _unquote(tok.text) if tok.kind == "string" else tok.text
        if not re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", text):
            raise QueryError(f"Guid should contain 32 digits with 4 dashes (at index {tok.pos})")
        self.expect(")")
        return text.lower()

    def datetime_args(self) -> datetime:
        self.expect("(")
        numbers: list[int] = []
        while True:
            tok = self.take()
            if tok.kind != "number" or "." in tok.text:
                raise QueryError(f"Integer expected (at index {tok.pos})")
            numbers.append(int(tok.text))
            sep = self.take()
            if sep.text == ")":
                break
            if sep.text != ",":
                raise QueryError(f"',' or ')' expected (at index {sep.pos})")
        if len(numbers) not in (3, 6):
            raise QueryError("No applicable constructor found for DateTime")
        try:
            return datetime(*numbers, tzinfo=UTC)  # type: ignore[arg-type,misc]
        except ValueError as exc:
            raise QueryError(f"Invalid DateTime: {exc}") from exc

    def path(self, first: _Tok) -> _Path | _Call:
        head = self.fields.get(first.text.lower())
        if head is None:
            raise QueryError(
                f"No property or field '{first.text}' exists in type '{self.type_name}' "
                f"(at index {first.pos})"
            )
        parts = [head]
        node: _Path | _Call = _Path(parts)
        while self.peek() is not None and self.peek().text == ".":  # type: ignore[union-attr]
            self.take()
            name = self.take()
            if name.kind != "name":
                raise QueryError(f"Identifier expected (at index {name.pos})")
            nxt = self.peek()
            if nxt is not None and nxt.text == "(":
                method = name.text.lower()
                if method not in _METHODS:
                    raise QueryError(
                        f"No applicable method '{name.text}' exists in type 'String' "
                        f"(at index {name.pos})"
                    )
                self.take()
                args: list[Any] = []
                if self.peek() is not None and self.peek().text != ")":  # type: ignore[union-attr]
                    arg = self.operand()
                    if not isinstance(arg, _Literal) or not isinstance(arg.value, str):
                        raise QueryError(f"String literal expected (at index {name.pos})")
                    args.append(arg.value)
                self.expect(")")
                node = _Call(node, method, args)
            elif isinstance(node, _Path):
                parts.append(name.text)
            else:
                raise QueryError(f"Syntax error '.' (at index {name.pos})")
        return node


@dataclass
class _Path:
    parts: list[str]

    @property
    def path(self) -> str:
        return ".".join(self.parts)

    @property
    def boolean(self) -> bool:
        """A bare field is a condition only if boolean (Xero names those Is*/Has*)."""
        last = self.parts[-1]
        return last.startswith(("Is", "Has"))


@dataclass
class _Call:
    target: _Path | _Call
    method: str
    args: list[Any]

    @property
    def boolean(self) -> bool:
        return self.method in ("contains", "startswith", "endswith")


def _lookup(record: Mapping[str, Any], key: str) -> Any:
    if key in record:
        return record[key]
    lower = key.lower()
    for k, v in record.items():
        if k.lower() == lower:
            return v
    return None


def _getter(node: _Literal | _Path | _Call) -> Getter:
    if isinstance(node, _Literal):
        value = _normalise(node.value)
        return lambda r: value
    if isinstance(node, _Path):
        parts = node.parts
        if len(parts) == 1:
            key = parts[0]

            def top(r: Mapping[str, Any]) -> Any:
                value = r.get(key, _ABSENT)
                if value is _ABSENT:
                    value = _lookup(r, key)
                return value if type(value) is str else _normalise(value)

            return top

        def nested(r: Mapping[str, Any]) -> Any:
            value: Any = r
            for part in parts:
                if not isinstance(value, Mapping):
                    return None
                value = _lookup(value, part)
            return _normalise(value)

        return nested
    inner = _getter(node.target)
    method = node.method
    arg = node.args[0].lower() if node.args else ""
    if method == "tolower":
        return lambda r: v.lower() if isinstance(v := inner(r), str) else v
    if method == "toupper":
        return lambda r: v.upper() if isinstance(v := inner(r), str) else v
    # Xero's string matching is case-insensitive (SQL collation).
    if method == "contains":
        return lambda r: isinstance(v := inner(r), str) and arg in v.lower()
    if method == "startswith":
        return lambda r: isinstance(v := inner(r), str) and v.lower().startswith(arg)
    return lambda r: isinstance(v := inner(r), str) and v.lower().endswith(arg)


_ABSENT: Any = object()


def _normalise(value: Any) -> Any:
    """Comparable forms: numbers -> Decimal, dates -> aware datetimes, Guid -> str."""
    if type(value) is Decimal:
        return value
    if type(value) is str or value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Guid):
        return value.value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


def _compare(left: Getter, op: str, right: Getter) -> Predicate:
    if op == "==":
        return lambda r: _eq(left(r), right(r))
    if op == "!=":
        return lambda r: not _eq(left(r), right(r))

    def ordered(r: Mapping[str, Any]) -> bool:
        a, b = left(r), right(r)
        if a is None or b is None:
            return False
        if isinstance(a, str) and isinstance(b, str):
            a, b = a.lower(), b.lower()
        try:
            if op == ">":
                return bool(a > b)
            if op == ">=":
                return bool(a >= b)
            if op == "<":
                return bool(a < b)
            return bool(a <= b)
        except TypeError:
            return False

    return ordered


@dataclass(frozen=True)
class Where:
    """A compiled `where`. `exact`: the expression is nothing but its `equality_hints`
    AND-ed together, so a record matching every hint matches the whole expression."""

    predicate: Predicate
    equality_hints: list[tuple[str, Any]]
    exact: bool = False
    # The AND of the top-level conditions that are not hints: once an index has answered
    # every hint, a record matches the whole `where` iff it matches this (None if exact
    # or if there are no hints to answer).
    residual: Predicate | None = None


def parse_where(text: str, fields: Collection[str], type_name: str) -> Where:
    """Compile a `where` expression against an entity's top-level field names."""
    parser = _Parser(text, fields, type_name)
    predicate = parser.parse()
    hints = list(parser.hints)
    others = parser.others
    if not hints or others is None:
        return Where(predicate, hints)
    if not others:
        return Where(predicate, hints, exact=True)
    only = others[0]
    residual = only if len(others) == 1 else (lambda r: all(p(r) for p in others))
    return Where(predicate, hints, residual=residual)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


@dataclass(frozen=True)
class OrderKey:
    path: list[str]
    descending: bool


def parse_order(text: str, fields: Collection[str], type_name: str) -> list[OrderKey]:
    """`"Name ASC, UpdatedDateUTC DESC"` -> keys (field names resolved case-insensitively)."""
    known = {f.lower(): f for f in fields}
    keys: list[OrderKey] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
            raise QueryError(f"Syntax error in order '{part.strip()}'")
        path = words[0].split(".")
        head = known.get(path[0].lower())
        if head is None:
            raise QueryError(
                f"No property or field '{path[0]}' exists in type '{type_name}' (at index 0)"
            )
        path[0] = head
        keys.append(OrderKey(path, len(words) == 2 and words[1].upper() == "DESC"))
    if not keys:
        raise QueryError("Expression expected (at index 0)")
    return keys


def sort_key(path: list[str]) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    """Nulls first, strings case-insensitively, numbers and dates by value."""
    getter = _getter(_Path(list(path)))
    return lambda record: _rank(getter(record))


def value_sort_key(value: Any) -> tuple[int, Any]:
    """Where a record whose field holds `value` sorts (what `sort_key` gives for it)."""
    return _rank(_normalise(value))


def _rank(value: Any) -> tuple[int, Any]:
    if type(value) is str:
        return (2, value.lower())
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (2, value.lower())
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, Decimal | datetime):
        return (1, value) if isinstance(value, Decimal) else (3, value)
    return (4, str(value))
