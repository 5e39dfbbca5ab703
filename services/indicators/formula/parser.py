"""A small, whitelisted expression language for indicator formulas. Never eval.

Grammar (whitespace ignored):

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | primary
    primary := NUMBER | MEASURE ["[" GENDER "]"] | "(" expr ")"

NUMBER is a decimal (`100`, `0.5`, `2,5` is refused: use a point). MEASURE is a measure code
(`survey_satisfied`, `U21468`). `measure[K]` always reads the women's value, whatever gender
the result is computed for (e.g. a share of women: `staff[K] / staff`). Arithmetic is Decimal;
a missing input or a division by zero gives no value (None), never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from shared.i18n import Message, message

MAX_LENGTH = 1000
MAX_DEPTH = 50
GENDERS = ("T", "K", "M")


class FormulaError(ValueError):
    """A formula that cannot be parsed; `position` is the 0-based offset of the problem."""

    def __init__(self, text: Message, position: int) -> None:
        super().__init__(f"{text.render('en')} at position {position}")
        self.text = text
        self.message = text.render("en")
        self.position = position


@dataclass(frozen=True, slots=True)
class Number:
    value: Decimal


@dataclass(frozen=True, slots=True)
class Ref:
    measure: str
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: Node
    right: Node


Node = Number | Ref | Neg | BinOp
Lookup = Callable[[str, str], Decimal | None]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # num, name, op
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < len(text) and text[i + 1].isdigit()):
            start = i
            while i < len(text) and (text[i].isdigit() or text[i] == "."):
                i += 1
            raw = text[start:i]
            if raw.count(".") > 1:
                raise FormulaError(message("problem.indicators.formula.number", raw=raw), start)
            if i < len(text) and (text[i].isalpha() or text[i] == "_"):
                raise FormulaError(message("problem.indicators.formula.name_start_digit"), start)
            tokens.append(_Token("num", raw, start))
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            start = i
            while i < len(text) and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            tokens.append(_Token("name", text[start:i], start))
        elif ch in "+-*/()[]":
            tokens.append(_Token("op", ch, i))
            i += 1
        else:
            raise FormulaError(message("problem.indicators.formula.unexpected_character", ch=ch), i)
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.current
        if token.kind != "op" or token.text != text:
            found = (
                f"'{token.text}'"
                if token.kind != "end"
                else message("problem.indicators.formula.the_end")
            )
            raise FormulaError(
                message("problem.indicators.formula.expected_but_found", text=text, found=found),
                token.position,
            )
        self.i += 1

    def parse(self) -> Node:
        node = self.expr()
        token = self.current
        if token.kind != "end":
            raise FormulaError(
                message("problem.indicators.formula.unexpected", text=token.text), token.position
            )
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.current.kind == "op" and self.current.text in "+-":
            op = self.take().text
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.current.kind == "op" and self.current.text in "*/":
            op = self.take().text
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.current.kind == "op" and self.current.text == "-":
            self.take()
            return Neg(self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind == "num":
            self.take()
            try:
                return Number(Decimal(token.text))
            except InvalidOperation as exc:  # pragma: no cover - the tokenizer guards this
                raise FormulaError(
                    message("problem.indicators.formula.number_2", text=token.text), token.position
                ) from exc
        if token.kind == "name":
            self.take()
            gender = None
            if self.current.kind == "op" and self.current.text == "[":
                self.take()
                g = self.current
                if g.kind != "name" or g.text not in GENDERS:
                    raise FormulaError(
                        message("problem.indicators.formula.gender_selection_t_k_m"), g.position
                    )
                self.take()
                gender = g.text
                self.expect("]")
            return Ref(token.text, gender)
        if token.kind == "op" and token.text == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(
                    message("problem.indicators.formula.too_deeply_nested"), token.position
                )
            node = self.expr()
            self.depth -= 1
            self.expect(")")
            return node
        if token.kind == "end":
            raise FormulaError(
                message("problem.indicators.formula.formula_ends_where_value_was"), token.position
            )
        raise FormulaError(
            message(
                "problem.indicators.formula.expected_number_measure_but_found", text=token.text
            ),
            token.position,
        )


def parse(text: str) -> Node:
    """Parse a formula or raise FormulaError with the position of the first problem."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            message("problem.indicators.formula.formula_most_characters", maximum=MAX_LENGTH),
            MAX_LENGTH,
        )
    if not text.strip():
        raise FormulaError(message("problem.indicators.formula.formula_empty"), 0)
    return _Parser(text).parse()


def references(node: Node) -> list[Ref]:
    """Every measure reference, in order of appearance."""
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Neg):
        return references(node.operand)
    if isinstance(node, BinOp):
        return references(node.left) + references(node.right)
    return []


def measures(node: Node) -> list[str]:
    """The distinct measure codes, in order of first appearance."""
    seen: dict[str, None] = {}
    for ref in references(node):
        seen.setdefault(ref.measure, None)
    return list(seen)


def evaluate(node: Node, lookup: Lookup, gender: str) -> Decimal | None:
    """The value for one cell; `lookup(measure, gender)` gives a stored (or rolled-up) value."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        return lookup(node.measure, node.gender or gender)
    if isinstance(node, Neg):
        inner = evaluate(node.operand, lookup, gender)
        return None if inner is None else -inner
    left = evaluate(node.left, lookup, gender)
    right = evaluate(node.right, lookup, gender)
    if left is None or right is None:
        return None
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        return None
    return left / right


def is_additive(node: Node) -> bool:
    """True when the formula is a sum of measures with constant factors, so summing it over
    units equals evaluating it on summed measures (needed for weighted roll-up)."""
    if isinstance(node, Number | Ref):
        return True
    if isinstance(node, Neg):
        return is_additive(node.operand)
    if node.op in "+-":
        return is_additive(node.left) and is_additive(node.right)
    if node.op == "*":
        return (isinstance(node.left, Number) and is_additive(node.right)) or (
            isinstance(node.right, Number) and is_additive(node.left)
        )
    return isinstance(node.right, Number) and is_additive(node.left)
