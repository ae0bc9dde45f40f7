"""A small, safe expression language for catalogue formulas and rules (never `eval`).

    pct([2.2], [2.1])        sum([hs.ubnd.truoc_han], [hs.ubnd.dung_han])        [4.2] + [4.3]

Values are Decimal or None (blank). Arithmetic with a blank is blank; `sum` and `coalesce`
treat blanks as the text of docs/catalogue.md says; `pct` is blank when its whole is blank or 0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Callable

Value = Decimal | None
Resolver = Callable[[str], Value]


class FormulaError(ValueError):
    pass


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class BinOp:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Neg:
    operand: object


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<ref>\[[^\[\]]+\])|(?P<name>[a-z_]+)|(?P<op>[-+*/(),]))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError(f"không hiểu ký tự ở vị trí {pos + 1} của “{text}”")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


FUNCTIONS = {"sum", "pct", "min", "max", "coalesce"}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise FormulaError(f"thiếu “{value or '…'}” trong “{self.text}”")
        self.i += 1
        return tok

    def parse(self):
        node = self.expr()
        if self.i != len(self.toks):
            raise FormulaError(f"thừa “{self.peek()[1]}” trong “{self.text}”")
        return node

    def expr(self):
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        return node

    def term(self):
        node = self.factor()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = BinOp(op, node, self.factor())
        return node

    def factor(self):
        kind, val = self.peek()
        if val == "-":
            self.take()
            return Neg(self.factor())
        if kind == "num":
            self.take()
            return Num(Decimal(val))
        if kind == "ref":
            self.take()
            return Ref(val[1:-1].strip())
        if kind == "name":
            self.take()
            if val not in FUNCTIONS:
                raise FormulaError(f"hàm “{val}” không có (chỉ có {', '.join(sorted(FUNCTIONS))})")
            self.take("(")
            args = [self.expr()]
            while self.peek()[1] == ",":
                self.take()
                args.append(self.expr())
            self.take(")")
            if val == "pct" and len(args) != 2:
                raise FormulaError("pct cần đúng hai đối số: pct(phần, tổng)")
            return Call(val, tuple(args))
        if val == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        raise FormulaError(f"thiếu một giá trị trong “{self.text}”")


_CACHE: dict[str, object] = {}


def parse(text: str):
    node = _CACHE.get(text)
    if node is None:
        node = _Parser(text).parse()
        _CACHE[text] = node
    return node


def refs(node_or_text) -> list[str]:
    """Every name a formula refers to, in order of appearance."""
    node = parse(node_or_text) if isinstance(node_or_text, str) else node_or_text
    out: list[str] = []

    def walk(n):
        if isinstance(n, Ref):
            out.append(n.name)
        elif isinstance(n, BinOp):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Neg):
            walk(n.operand)
        elif isinstance(n, Call):
            for a in n.args:
                walk(a)

    walk(node)
    return out


def pct_pairs(node_or_text) -> list[tuple[object, object]]:
    """The (part, whole) argument pairs of every pct() call, for the 'part ≤ whole' rule."""
    node = parse(node_or_text) if isinstance(node_or_text, str) else node_or_text
    out = []

    def walk(n):
        if isinstance(n, Call):
            if n.func == "pct":
                out.append(n.args)
            for a in n.args:
                walk(a)
        elif isinstance(n, BinOp):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Neg):
            walk(n.operand)

    walk(node)
    return out


def evaluate(node_or_text, resolve: Resolver) -> Value:
    node = parse(node_or_text) if isinstance(node_or_text, str) else node_or_text
    return _eval(node, resolve)


def _eval(n, resolve: Resolver) -> Value:
    if isinstance(n, Num):
        return n.value
    if isinstance(n, Ref):
        v = resolve(n.name)
        return None if v is None else Decimal(v)
    if isinstance(n, Neg):
        v = _eval(n.operand, resolve)
        return None if v is None else -v
    if isinstance(n, BinOp):
        a, b = _eval(n.left, resolve), _eval(n.right, resolve)
        if a is None or b is None:
            return None
        if n.op == "+":
            return a + b
        if n.op == "-":
            return a - b
        if n.op == "*":
            return a * b
        try:
            return a / b
        except (DivisionByZero, InvalidOperation):
            return None
    if isinstance(n, Call):
        vals = [_eval(a, resolve) for a in n.args]
        present = [v for v in vals if v is not None]
        if n.func == "sum":
            return sum(present, Decimal(0)) if present else None
        if n.func == "coalesce":
            return present[0] if present else None
        if n.func == "min":
            return min(present) if present else None
        if n.func == "max":
            return max(present) if present else None
        if n.func == "pct":
            part, whole = vals
            if part is None or whole is None or whole == 0:
                return None
            return part * 100 / whole
    raise FormulaError(f"không tính được {n!r}")  # pragma: no cover


def to_text(n) -> str:
    """A node written back as formula text (for rule messages and the audit of derived rules)."""
    if isinstance(n, Num):
        return format(n.value, "f")
    if isinstance(n, Ref):
        return f"[{n.name}]"
    if isinstance(n, Neg):
        return f"-{to_text(n.operand)}"
    if isinstance(n, BinOp):
        return f"{to_text(n.left)} {n.op} {to_text(n.right)}"
    if isinstance(n, Call):
        return f"{n.func}({', '.join(to_text(a) for a in n.args)})"
    return str(n)
