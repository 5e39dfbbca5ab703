"""Swedish and English: Accept-Language negotiation, the message catalogue, number formats.

Swedish is the data's own language and the default. A route whose body holds titles or status
labels takes `LanguageDep`: the negotiated language, with `Content-Language` and
`Vary: Accept-Language` set on the response. `localize` then fills, in every model of the
body, `title` (and `description`) from `title_sv`/`title_en` with Swedish where no English
exists, and `status_label` (`colour_label`) from the code next to it. shared.http_cache gives
an English representation its own ETag, so a 304 never crosses languages.

Every sentence the suite writes for a reader (status explanations, grant and prize texts, the
robustness statement, problem titles and details) is a `Message`: a key of the catalogue in
`shared/i18n_catalogue.py` and its parameters, rendered in either language. Numbers among the
parameters are formatted the language's way: Swedish with a decimal comma and a no-break
space between thousands (`1 234,5 kr`), English with a point and a comma (`1,234.5 kr`).
Output models carry the rendered text as `<field>_sv`/`<field>_en` and `localize` fills
`<field>` (`explanation`, `statement`, `detail` …) for the negotiated language.

A text kept in the database to be shown later (a prize run's reasons, a budget's warnings) is
kept as its message, `Message.stored()` (key and parameters, JSON), and rendered in the
reader's language when it is shown: `rendered(tree, language)` for a stored JSON body, or a
model's `__localize__(language)` (called by `localize`). A text stored before, as written,
is shown as it was stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, get_args

from fastapi import Depends, Header, Response
from pydantic import AliasChoices, BaseModel, Field

from shared.i18n_catalogue import CATALOGUE

Language = Literal["sv", "en"]

accept_language_var: ContextVar[str | None] = ContextVar("accept_language", default=None)
"""The Accept-Language of the request being served (set by shared.middleware), passed on to
the peers it calls so that their refusals come back in the caller's language."""
SUPPORTED: tuple[Language, ...] = get_args(Language)
DEFAULT: Language = "sv"

# Human labels of the codes the API returns (the catalogue's `label.*`); the codes never change.
LABELS: dict[str, dict[Language, str]] = {
    key.removeprefix("label."): {"sv": entry["sv"], "en": entry["en"]}
    for key, entry in CATALOGUE.items()
    if key.startswith("label.")
}

# (field filled, field holding the code) in any model that has both.
_LABELLED = (("status_label", "status"), ("colour_label", "colour"))
_TEXTS = ("title", "description", "note", "explanation", "statement", "reason")

M = TypeVar("M")

NEGOTIATED = "in the response's language (Content-Language); Swedish where no English exists"


THOUSANDS: dict[Language, str] = {"sv": "\u00a0", "en": ","}
DECIMAL: dict[Language, str] = {"sv": ",", "en": "."}


def number(
    value: Decimal | int | float,
    language: Language = DEFAULT,
    *,
    decimals: int | None = None,
    sign: bool = False,
) -> str:
    """A number as a reader of the language writes it: `1 234,5` in Swedish, `1,234.5` in
    English. `decimals` rounds (half up) and keeps trailing zeros; without it a Decimal keeps
    its own digits (an integral value shows none). `sign` writes `+` before a positive."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if decimals is not None:
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
    elif d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    text = format(abs(d), "f")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = THOUSANDS[language].join(groups) + (DECIMAL[language] + fraction if fraction else "")
    if d < 0 and d != 0:
        return "-" + out
    return ("+" + out) if sign and d > 0 else out


def with_unit(
    value: Decimal | int | float | None,
    unit: str,
    language: Language = DEFAULT,
    *,
    decimals: int | None = None,
    empty: str = "–",
) -> str:
    """A number with its unit (`85,5 %`, `1 200 tkr`); `empty` where there is no value."""
    if value is None:
        return empty
    return f"{number(value, language, decimals=decimals)} {unit}".rstrip()


# Parameters named like these are identifiers, not quantities: a year or an id keeps its digits
# as they are (`2024`, `fund 12345`), never `2 024`.
_PLAIN = re.compile(r"(^|_)(id|year|code|number|version|row)$")


class _Formatted:
    """A parameter of a message, formatted for one language by the template's format spec:
    `{x}` a number as it is, `{x:+}` signed, `{x:.1}` with one decimal, `{x:%}` a share (0–1)
    as a whole percentage with its sign, `{m}` a nested Message rendered in the language, a
    list its items so, joined by "; ".
    `plain` (a parameter named `year`, `*_id`, `code` …) keeps an integer's digits."""

    def __init__(self, value: Any, language: Language, plain: bool = False) -> None:
        self.value, self.language, self.plain = value, language, plain

    def __format__(self, spec: str) -> str:
        v = self.value
        if isinstance(v, Message):
            return v.render(self.language)
        if isinstance(v, list | tuple):
            return "; ".join(format(_Formatted(item, self.language), spec) for item in v)
        if self.plain and isinstance(v, int) and not spec:
            return str(v)
        if isinstance(v, bool) or not isinstance(v, Decimal | int | float):
            return format(v, spec)
        if spec == "%":
            return number(Decimal(str(v)) * 100, self.language, decimals=0) + "\u00a0%"
        decimals = int(spec[spec.index(".") + 1 :]) if "." in spec else None
        return number(v, self.language, decimals=decimals, sign=spec.startswith("+"))


@dataclass(frozen=True)
class Message:
    """A catalogue key with its parameters; `render` gives it in a language."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: Language = DEFAULT) -> str:
        template = CATALOGUE[self.key][language]
        return template.format(
            **{
                name: _Formatted(value, language, bool(_PLAIN.search(name)))
                for name, value in self.params.items()
            }
        )

    def stored(self) -> dict[str, Any]:
        """The message as JSON to keep in the database and render when it is shown
        (`rendered`): its key and its parameters, a nested Message likewise and a Decimal as
        `{"decimal": "1.5"}`, so the reader's language formats it."""
        return {"key": self.key, "params": {n: _store(v) for n, v in self.params.items()}}

    def both(self, field: str) -> dict[str, str]:
        """`{field}_sv`, `{field}_en` and `{field}` (Swedish, the default) for an output model."""
        sv = self.render("sv")
        return {field: sv, f"{field}_sv": sv, f"{field}_en": self.render("en")}


class Invalid(ValueError):
    """A refusal whose text comes from the catalogue. Inside a pydantic validator it gives a
    422 whose message is the text in the request's language (a plain ValueError's English text
    would be shown as it is); elsewhere `exc.text` is the Message to show."""

    def __init__(self, text: Message) -> None:
        super().__init__(text.render("en"))
        self.text = text


def message(key: str, **params: Any) -> Message:
    return Message(key, params)


def stored(key: str, **params: Any) -> dict[str, Any]:
    """`message(key, **params).stored()`: a text to keep, rendered in the reader's language."""
    return Message(key, params).stored()


def _store(value: Any) -> Any:
    if isinstance(value, Message):
        return value.stored()
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, list | tuple):
        return [_store(v) for v in value]
    return value


def is_stored(value: Any) -> bool:
    """A stored message (`Message.stored`), not a text kept as it was written."""
    return (
        isinstance(value, dict)
        and value.keys() == {"key", "params"}
        and isinstance(value["key"], str)
        and value["key"] in CATALOGUE
        and isinstance(value["params"], dict)
    )


def _load(value: Any) -> Any:
    if is_stored(value):
        return Message(value["key"], {n: _load(v) for n, v in value["params"].items()})
    if isinstance(value, dict) and value.keys() == {"decimal"}:
        return Decimal(value["decimal"])
    if isinstance(value, list):
        return [_load(v) for v in value]
    return value


def from_stored(value: Any) -> Message | Any:
    """A stored message as a Message (to render, or to nest in another); anything else (a
    text stored before texts were kept as messages) as it is."""
    return _load(value) if is_stored(value) else value


def code_of(value: Any) -> str | None:
    """The machine-readable code of a stored message: its key's last part
    (`awards.reason.suppressed` → `suppressed`); None for a text kept as written."""
    return str(value["key"]).rsplit(".", 1)[-1] if is_stored(value) else None


def rendered(tree: Any, language: Language = DEFAULT, *, codes: tuple[str, ...] = ()) -> Any:
    """A JSON tree (a stored body) with every stored message rendered in the language; texts
    stored as they were written (before they were kept as messages) stay as they are. A
    stored message under a name in `codes` also gets its code beside it (`reason` →
    `reason_code`), unless the tree holds one already. A national prize run holds 10⁵
    objects and many equal messages: the walk copies only what holds a message and renders
    each distinct one once."""
    done: dict[str, str] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if len(node) == 2 and "key" in node and "params" in node and is_stored(node):
                seen = repr(node)
                text = done.get(seen)
                if text is None:
                    text = done[seen] = _load(node).render(language)
                return text
            out: dict[str, Any] | None = None
            for name, value in node.items():
                if isinstance(value, dict | list):
                    shown = walk(value)
                    if shown is not value:
                        if out is None:
                            out = dict(node)
                        out[name] = shown
                        if name in codes and f"{name}_code" not in node:
                            code = code_of(value)
                            if code is not None:
                                out[f"{name}_code"] = code
            return node if out is None else out
        if isinstance(node, list):
            items: list[Any] | None = None
            for i, item in enumerate(node):
                if isinstance(item, dict | list):
                    shown = walk(item)
                    if shown is not item:
                        if items is None:
                            items = list(node)
                        items[i] = shown
            return node if items is None else items
        return node

    return walk(tree)


def text(key: str, language: Language = DEFAULT, **params: Any) -> str:
    """A catalogue text rendered at once."""
    return Message(key, params).render(language)


def swedish(field: str, **kwargs: Any) -> Any:
    """A `<field>_sv` output field read from a row's `<field>` (the data's own language)."""
    return Field(validation_alias=AliasChoices(f"{field}_sv", field), **kwargs)


def label(code: str, language: Language = DEFAULT) -> str:
    """The label of a status code in a language; an unknown code is its own label."""
    return LABELS.get(code, {}).get(language, code)


def negotiate(header: str | None) -> Language:
    """The supported language an Accept-Language header prefers (RFC 9110 §12.5.4).

    Ranges match on their primary subtag (`sv-SE` is Swedish, `en-GB` English); the highest
    q-value wins and the earlier range breaks a tie; `*` stands for any language not named
    (Swedish first); q=0 refuses. A header naming nothing supported, or one that cannot be
    read, gives Swedish: the representation is still sent, in the default language."""
    if not header:
        return DEFAULT
    named: dict[str, tuple[float, int]] = {}
    star: float | None = None
    for position, item in enumerate(header.split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
                if not 0.0 <= weight <= 1.0:
                    weight = 0.0
        tag = tag.lower()
        if tag == "*":
            star = weight if star is None else max(star, weight)
            continue
        primary = tag.split("-")[0]
        if primary in SUPPORTED:
            best = named.get(primary)
            if best is None or weight > best[0]:
                named[primary] = (weight, position if best is None else best[1])
    ranked: list[tuple[float, int, Language]] = []
    for order, language in enumerate(SUPPORTED):
        if language in named:
            weight, position = named[language]
            ranked.append((weight, -position, language))
        elif star is not None:
            ranked.append((star, -len(header) - order, language))
    ranked = [r for r in ranked if r[0] > 0]
    return max(ranked)[2] if ranked else DEFAULT


def vary(response: Response, header: str) -> None:
    """Add a header name to Vary, once."""
    present = [v.strip() for v in response.headers.get("vary", "").split(",") if v.strip()]
    if header.lower() not in {v.lower() for v in present}:
        response.headers["Vary"] = ", ".join([*present, header])


async def language(
    response: Response,
    accept_language: Annotated[
        str | None,
        Header(
            description="sv (default) or en, with q-values: the language of titles, labels, "
            "reasons, warnings and notes",
            examples=["en-GB,en;q=0.9,sv;q=0.8"],
        ),
    ] = None,
) -> Language:
    """The negotiated language; the response says which one it is and that it varies."""
    chosen = negotiate(accept_language)
    response.headers["Content-Language"] = chosen
    vary(response, "Accept-Language")
    return chosen


LanguageDep = Annotated[Language, Depends(language)]


def localize(body: M, language: Language) -> M:
    """Fill the language-dependent fields of every model in a body (in place; returned)."""
    _walk(body, language)
    return body


def _walk(node: Any, language: Language) -> None:
    if isinstance(node, BaseModel):
        # A model holding a Message of its own (a stored one, `Message.stored`) renders it.
        own = getattr(node, "__localize__", None)
        if callable(own):
            own(language)
        fields = type(node).model_fields
        for text in _TEXTS:
            if f"{text}_sv" in fields and text in fields:
                english = getattr(node, f"{text}_en", None) if language == "en" else None
                swedish_text = getattr(node, f"{text}_sv")
                setattr(node, text, english or swedish_text or getattr(node, text))
        for target, code in _LABELLED:
            if target in fields and code in fields:
                value = getattr(node, code)
                setattr(node, target, None if value is None else label(value, language))
        for name in fields:
            value = getattr(node, name)
            if isinstance(value, BaseModel | list | tuple | Mapping):
                _walk(value, language)
    elif isinstance(node, list | tuple):
        for item in node:
            _walk(item, language)
    elif isinstance(node, Mapping):
        for item in node.values():
            _walk(item, language)
