"""Decoding untrusted JSON into schema types, reporting every problem rather than the first.

msgspec stops at the first mismatch. A person fixing a definition file wants the whole list, so on
failure the decoder walks the document alongside the type: it descends into objects, arrays and
tagged unions, and reports each leaf that does not fit, each unknown field and each missing one,
with its JSON path.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

import msgspec

from schemas.problems import Problem

T = TypeVar("T")

SYNTAX: typing.Final = "json.syntax"
TOO_DEEP: typing.Final = "json.too_deep"
MAX_DEPTH: typing.Final = 32
"""Nesting no document Tally takes comes near (a definition file nests about 8 deep)."""
TYPE: typing.Final = "schema.type"
UNKNOWN_FIELD: typing.Final = "schema.unknown_field"
MISSING_FIELD: typing.Final = "schema.missing_field"
UNKNOWN_KIND: typing.Final = "schema.unknown_kind"


class DecodeError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def decode_json(data: bytes, type_: type[T]) -> T:
    """Decode ``data`` as ``type_``; raise ``DecodeError`` listing every problem found."""
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        raise DecodeError([Problem(path="$", rule=SYNTAX, message=str(error))]) from None
    except RecursionError:
        raise DecodeError([_too_deep()]) from None
    return convert(document, type_)


def convert(document: object, type_: type[T]) -> T:
    try:
        return msgspec.convert(document, type_)
    except msgspec.ValidationError:
        if _deeper_than(document, MAX_DEPTH):
            raise DecodeError([_too_deep()]) from None
        problems: list[Problem] = []
        _walk(document, type_, "$", problems)
        if not problems:  # the walk is coarser than msgspec; never lose its verdict
            try:
                msgspec.convert(document, type_)
            except msgspec.ValidationError as error:
                problems.append(_leaf_problem(error, "$"))
        raise DecodeError(sorted(problems)) from None


def _too_deep() -> Problem:
    return Problem(path="$", rule=TOO_DEEP, message=f"nested more than {MAX_DEPTH} levels deep")


def _deeper_than(document: object, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` deep (checked without recursion)."""
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in value)
    return False


def _walk(value: object, annotation: Any, path: str, problems: list[Problem]) -> None:
    """Report the problems of ``value`` under ``annotation`` (called only where msgspec failed)."""
    bare = _strip_annotated(annotation)
    origin = typing.get_origin(bare)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(bare) if m is not type(None)]
        if value is None and len(members) < len(typing.get_args(bare)):
            return
        structs = [m for m in members if _is_struct(m)]
        if structs and all(_tag(m) is not None for m in structs) and isinstance(value, dict):
            _walk_tagged(value, structs, path, problems)
            return
        if len(members) == 1:
            _walk(value, members[0], path, problems)
            return
    elif (origin in (tuple, list) and isinstance(value, list)) or (
        origin is dict and isinstance(value, dict)
    ):
        _walk_collection(value, annotation, path, problems)
        return
    elif _is_struct(bare) and isinstance(value, dict):
        _walk_struct(value, bare, path, problems)
        return
    _fits(value, annotation, path, problems)


def _walk_collection(
    value: list[Any] | dict[Any, Any], annotation: Any, path: str, problems: list[Problem]
) -> None:
    """Each element of an array (``path[i]``) or each entry of an object (``path.key``)."""
    args = typing.get_args(_strip_annotated(annotation))
    if isinstance(value, dict):
        key_type, item = args or (Any, Any)
        for key, element in value.items():
            _walk_if_wrong(key, key_type, f"{path}.{key}", problems)
            _walk_if_wrong(element, item, f"{path}.{key}", problems)
    elif _length_fits(value, annotation, path, problems):
        item = args[0] if args else Any
        for index, element in enumerate(value):
            _walk_if_wrong(element, item, f"{path}[{index}]", problems)


def _walk_tagged(
    value: dict[str, Any], structs: list[Any], path: str, problems: list[Problem]
) -> None:
    tag_field = structs[0].__struct_config__.tag_field
    by_tag = {_tag(member): member for member in structs}
    tag = value.get(tag_field)
    if not isinstance(tag, str | int) or tag not in by_tag:
        known = ", ".join(repr(t) for t in by_tag)
        problems.append(
            Problem(
                path=f"{path}.{tag_field}",
                rule=UNKNOWN_KIND,
                message=f"{tag_field} {tag!r} is not one of {known}",
            )
        )
        return
    _walk_struct(value, by_tag[tag], path, problems, skip=tag_field)


def _walk_struct(
    value: dict[str, Any], struct: Any, path: str, problems: list[Problem], skip: str = ""
) -> None:
    fields = {field.encode_name: field for field in msgspec.structs.fields(struct)}
    tag_field = struct.__struct_config__.tag_field
    problems.extend(
        Problem(
            path=f"{path}.{name}",
            rule=UNKNOWN_FIELD,
            message=f"unknown field {name!r}; expected one of {', '.join(fields)}",
        )
        for name in value
        if name not in fields and name not in (skip, tag_field)
    )
    for name, field in fields.items():
        if name not in value:
            if field.required:
                problems.append(
                    Problem(
                        path=f"{path}.{name}",
                        rule=MISSING_FIELD,
                        message=f"required field {name!r} is missing",
                    )
                )
            continue
        _walk_if_wrong(value[name], field.type, f"{path}.{name}", problems)


def _walk_if_wrong(value: object, annotation: Any, path: str, problems: list[Problem]) -> None:
    try:
        msgspec.convert(value, annotation)
    except msgspec.ValidationError:
        _walk(value, annotation, path, problems)


def _fits(value: object, annotation: Any, path: str, problems: list[Problem]) -> None:
    try:
        msgspec.convert(value, annotation)
    except msgspec.ValidationError as error:
        problems.append(_leaf_problem(error, path))


def _length_fits(value: list[Any], annotation: Any, path: str, problems: list[Problem]) -> bool:
    metas = [a for a in typing.get_args(annotation)[1:] if isinstance(a, msgspec.Meta)]
    for meta in metas:
        if meta.min_length is not None and len(value) < meta.min_length:
            message = f"expected at least {meta.min_length} item(s), got {len(value)}"
        elif meta.max_length is not None and len(value) > meta.max_length:
            message = f"expected at most {meta.max_length} item(s), got {len(value)}"
        else:
            continue
        problems.append(Problem(path=path, rule=TYPE, message=message))
        return False
    return True


def _leaf_problem(error: msgspec.ValidationError, path: str) -> Problem:
    message, _, where = str(error).partition(" - at `")
    relative = where.rstrip("`").removeprefix("$")
    return Problem(path=path + relative, rule=TYPE, message=message)


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_struct(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)


def _tag(struct: Any) -> object:
    return struct.__struct_config__.tag
