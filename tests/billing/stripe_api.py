"""The Stripe API as the pinned `stripe` SDK describes it, for checking what the fake sees.

The SDK is generated from Stripe's OpenAPI spec for one API version
(`stripe.api_version`). Three parts of it describe that version's API:

- the service modules (`stripe/_subscription_service.py`, ...): which HTTP
  method and path each operation uses, and the name of its parameter type;
- the parameter TypedDicts (`stripe/params/...`): every parameter, nested
  parameters, enums (`Literal`), required and optional keys (`NotRequired`);
- the resource classes (`stripe/_subscription.py`, ...): every field an object
  of that version has, with its type (`Optional` when it may be null).

`check_request` and `check_object` hold a request or an object against them
and return what is wrong, in words; an empty list means it conforms. Enums
are strict: the SDK types them `Literal[...] | str` so that new values do not
break old clients, but a value this version does not list is a mistake here.
"""

import ast
import functools
import importlib
import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, NotRequired, Required, Union, get_args, get_origin

import stripe
from stripe._list_object import ListObject
from stripe._object_classes import OBJECT_CLASSES
from stripe._request_options import RequestOptions
from stripe._stripe_object import StripeObject, UntypedStripeObject
from typing_extensions import is_typeddict

SDK_ROOT = Path(stripe.__file__).parent
API_VERSION = stripe.api_version
NoneType = type(None)


@dataclass(frozen=True)
class Route:
    """One API operation: `METHOD path` taking `params` and returning `returns`.

    The types are named (module, class) and imported only when a request needs them.
    """

    method: str
    template: str
    params_ref: tuple[str, str] | None
    returns_ref: tuple[str, str] | None
    returns_list: bool

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        parts = re.split(r"\{[^}]+\}", self.template)
        return re.compile("[^/]+".join(re.escape(part) for part in parts))

    @property
    def placeholders(self) -> int:
        return self.template.count("{")

    @property
    def params(self) -> type | None:
        return _import(*self.params_ref) if self.params_ref else None

    @property
    def returns(self) -> type | None:
        return _import(*self.returns_ref) if self.returns_ref else None


# --- reading the SDK -------------------------------------------------------------------
def _import(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


@functools.cache
def _type_checking_imports(module_name: str) -> dict[str, tuple[str, str]]:
    """Names a module imports only for the type checker: name -> (module, attribute)."""
    module = importlib.import_module(module_name)
    return _stripe_imports(ast.parse(Path(module.__file__).read_text()))


def _stripe_imports(tree: ast.AST) -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("stripe"):
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


class _Namespace(dict):
    """A module's globals plus its TYPE_CHECKING imports, imported on first use."""

    def __init__(self, module_name: str, extra: dict | None = None):
        super().__init__(vars(importlib.import_module(module_name)))
        self.update(extra or {})
        self._lazy = _type_checking_imports(module_name)

    def __missing__(self, key):
        if key not in self._lazy:
            raise KeyError(key)
        value = self[key] = _import(*self._lazy[key])
        return value


@functools.cache
def hints(cls: type) -> dict[str, Any]:
    """The fields a resource class (or TypedDict) declares itself, with resolved types."""
    own = {
        name: value
        for klass in reversed(cls.__mro__)
        if klass not in (object, dict, StripeObject) and not klass.__module__.startswith("typing")
        for name, value in vars(klass).get("__annotations__", {}).items()
        if not name.startswith("_")
        # Some parameter types extend RequestOptions (api_key, idempotency_key, ...): those
        # travel as headers, never as parameters.
        and not (is_typeddict(cls) and name in RequestOptions.__annotations__)
    }
    holder = types.SimpleNamespace(__annotations__=own)
    # eval() consults __missing__ only on the locals mapping, so the lazy names go there.
    resolved = typing.get_type_hints(
        holder,
        globalns=vars(importlib.import_module(cls.__module__)),
        localns=_Namespace(cls.__module__, dict(vars(cls))),
        include_extras=True,
    )
    return {name: tp for name, tp in resolved.items() if get_origin(tp) is not typing.ClassVar}


def _route_from(function: ast.FunctionDef, names: dict[str, tuple[str, str]]) -> Route | None:
    call = next(
        (
            node
            for node in ast.walk(function)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "_request"
        ),
        None,
    )
    if call is None or len(call.args) < 2:
        return None
    method, path = call.args[0], call.args[1]
    if isinstance(path, ast.Call) and isinstance(path.func, ast.Attribute):
        path = path.func.value  # "/v1/x/{id}".format(...)
    if not (isinstance(method, ast.Constant) and isinstance(path, ast.Constant)):
        return None
    base = next((k.value for k in call.keywords if k.arg == "base_address"), None)
    if isinstance(base, ast.Constant) and base.value != "api":
        return None
    params = None
    for arg in function.args.args + function.args.kwonlyargs:
        if arg.arg == "params" and arg.annotation is not None:
            found = re.search(r"['\"](\w+)['\"]", ast.unparse(arg.annotation))
            if found and found.group(1) in names:
                params = names[found.group(1)]
    returns, returns_list = None, False
    if function.returns is not None:
        text = ast.unparse(function.returns).strip("'\"")
        returns_list = text.startswith("ListObject[")
        inner = re.sub(r"^ListObject\[(?:['\"])?(\w+)(?:['\"])?\]$", r"\1", text)
        returns = names.get(inner)
    return Route(method.value.upper(), path.value, params, returns, returns_list)


@functools.cache
def routes() -> tuple[Route, ...]:
    """Every v1 operation of the pinned SDK, literal paths before parametrised ones."""
    found: dict[tuple[str, str], Route] = {}
    for file in sorted(SDK_ROOT.rglob("_*_service.py")):
        relative = file.relative_to(SDK_ROOT.parent).with_suffix("")
        module_name = ".".join(relative.parts)
        if ".v2." in module_name:
            continue
        tree = ast.parse(file.read_text())
        names = _stripe_imports(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                route = _route_from(node, names)
                if route is not None and route.template.startswith("/v1/"):
                    found.setdefault((route.method, route.template), route)
    return tuple(sorted(found.values(), key=lambda r: (r.placeholders, r.template)))


def route_for(method: str, path: str) -> Route | None:
    """The operation a request is for, or None when the pinned API has no such operation."""
    for route in routes():
        if route.method == method.upper() and route.pattern.fullmatch(path):
            return route
    return None


def resource_class(object_name: str) -> type | None:
    """The resource class for an object's `object` value ("subscription" -> Subscription)."""
    if object_name == "list":
        return ListObject
    entry = OBJECT_CLASSES.get(object_name)
    return _import(*entry) if entry else None


# --- types -----------------------------------------------------------------------------
def _unwrap(tp):
    while get_origin(tp) in (NotRequired, Required):
        tp = get_args(tp)[0]
    return tp


def _options(tp) -> list:
    """The alternatives of a union, with the SDK's forward-compatible `| str` dropped from enums."""
    options = list(get_args(tp))
    literals = [v for o in options if get_origin(o) is Literal for v in get_args(o)]
    if str in options and any(v != "" for v in literals):
        options.remove(str)
    return options


def _is_union(tp) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def is_optional(tp) -> bool:
    tp = _unwrap(tp)
    return _is_union(tp) and NoneType in get_args(tp)


def _is_resource(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, StripeObject) and tp is not UntypedStripeObject


def _describe(tp) -> str:
    text = getattr(tp, "__name__", None) or repr(tp)
    return text.replace("typing.", "").replace("typing_extensions.", "")


class _Checker:
    """Walks a value against a type; `form=True` for form-encoded requests (every leaf a string)."""

    def __init__(self, form: bool):
        self.form = form

    def value(self, value, tp, where: str) -> list[str]:
        tp = _unwrap(tp)
        origin = get_origin(tp)
        if tp is Any or isinstance(tp, typing.TypeVar):
            return []
        if _is_union(tp):
            return self._union(value, tp, where)
        if origin is Literal:
            allowed = get_args(tp)
            if self._literal_matches(value, allowed):
                return []
            shown = ", ".join(repr(a) for a in allowed[:12])
            more = ", ..." if len(allowed) > 12 else ""
            return [
                f"{where}: {value!r} is not one of the values the pinned API accepts"
                f" ({shown}{more})"
            ]
        if tp is NoneType:
            return [] if value is None else [f"{where}: expected null, got {value!r}"]
        if tp in (str, int, float, bool, Decimal):
            return self._scalar(value, tp, where)
        if origin in (list, typing.List) or tp is list:  # noqa: UP006
            if not isinstance(value, list):
                return [f"{where}: expected a list, got {value!r}"]
            (item,) = get_args(tp) or (Any,)
            return [e for i, v in enumerate(value) for e in self.value(v, item, f"{where}[{i}]")]
        if origin in (dict, typing.Dict, UntypedStripeObject) or tp is dict:  # noqa: UP006
            if not isinstance(value, dict):
                return [f"{where}: expected an object (hash), got {value!r}"]
            args = get_args(tp)
            item = args[-1] if args else Any
            return [e for k, v in value.items() for e in self.value(v, item, f"{where}.{k}")]
        if is_typeddict(tp):
            return self.params(value, tp, where)
        if origin is ListObject or tp is ListObject:
            return self.list_object(value, (get_args(tp) or (Any,))[0], where)
        if _is_resource(tp):
            return self.object(value, tp, where)
        return [f"{where}: cannot check against {_describe(tp)}"]

    def _literal_matches(self, value, allowed) -> bool:
        if self.form:
            return any(str(a).lower() if isinstance(a, bool) else str(a) == value for a in allowed)
        return any(value == a and type(value) is type(a) for a in allowed)

    def _union(self, value, tp, where) -> list[str]:
        options = _options(tp)
        if value is None and NoneType in options:
            return []
        attempts = [
            self.value(value, option, where) for option in options if option is not NoneType
        ]
        if any(not errors for errors in attempts):
            return []
        # Report the alternative that came closest (an enum's message is the useful one).
        return min(attempts, key=len) if attempts else [f"{where}: nothing allowed here"]

    def _scalar(self, value, tp, where) -> list[str]:
        if self.form:
            ok = isinstance(value, str) and {
                str: lambda v: True,
                int: lambda v: re.fullmatch(r"-?\d+", v) is not None,
                float: lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
                Decimal: lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
                bool: lambda v: v in ("true", "false"),
            }[tp](value)
        elif tp is bool:
            ok = isinstance(value, bool)
        elif tp is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif tp is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif tp is Decimal:  # sent as a decimal string, e.g. unit_amount_decimal "2900"
            ok = isinstance(value, str) and _decimal(value)
        else:
            ok = isinstance(value, str)
        return [] if ok else [f"{where}: expected {tp.__name__}, got {value!r}"]

    def params(self, value, td, where) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected parameters (a hash), got {value!r}"]
        fields = hints(td)
        errors = []
        for key, item in value.items():
            if key not in fields:
                errors.append(f"{where}.{key}: unknown parameter for {td.__name__}")
            else:
                errors += self.value(item, fields[key], f"{where}.{key}")
        for key in sorted(td.__required_keys__ & set(fields)):
            if key not in value:
                errors.append(f"{where}.{key}: required parameter missing ({td.__name__})")
        return errors

    def list_object(self, value, item, where) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected a list object, got {value!r}"]
        errors = []
        if value.get("object") != "list":
            errors.append(f"{where}.object: expected 'list', got {value.get('object')!r}")
        for key in ("data", "has_more", "url"):
            if key not in value:
                errors.append(f"{where}.{key}: missing field of a list object")
        unknown = set(value) - {"object", "data", "has_more", "url"}
        errors += [f"{where}.{key}: not a field of a list object" for key in sorted(unknown)]
        if not isinstance(value.get("has_more", False), bool):
            errors.append(f"{where}.has_more: expected bool")
        data = value.get("data", [])
        if not isinstance(data, list):
            return [*errors, f"{where}.data: expected a list"]
        for i, element in enumerate(data):
            errors += self.value(element, item, f"{where}.data[{i}]")
        return errors

    def object(self, value, cls, where) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected a {cls.__name__} object, got {value!r}"]
        fields = hints(cls)
        if value.get("deleted") is True:  # a deleted object is a stub: id, object, deleted
            allowed = {"id", "object", "deleted"}
            return [
                f"{where}.{k}: a deleted object has only id, object and deleted"
                for k in sorted(set(value) - allowed)
            ]
        errors = []
        for key, item in value.items():
            if key not in fields:
                errors.append(
                    f"{where}.{key}: the pinned API ({API_VERSION}) does not return this field "
                    f"on {cls.__name__}"
                )
            else:
                errors += self.value(item, fields[key], f"{where}.{key}")
        for key, tp in fields.items():
            if key not in value and not is_optional(tp):
                errors.append(f"{where}.{key}: missing field ({cls.__name__} always has it)")
        # An event's payload is typed loosely by the SDK; check it as the object it says it is.
        if cls is resource_class("event") and isinstance(value.get("data"), dict):
            inner = value["data"].get("object")
            if isinstance(inner, dict):
                errors += check_object(inner, where=f"{where}.data.object")
        return errors


def _decimal(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


# --- the public checks -------------------------------------------------------------------
def check_request(method: str, path: str, params: dict) -> list[str]:
    """What is wrong with a (decoded, form-encoded) request for the pinned API."""
    route = route_for(method, path)
    if route is None:
        return [f"{method} {path}: no such operation in the pinned API ({API_VERSION})"]
    if route.params is None:
        return [f"{method} {path}: unexpected parameters {params!r}"] if params else []
    return _Checker(form=True).params(params, route.params, f"{method} {path}")


def check_object(data: dict, cls: type | None = None, where: str | None = None) -> list[str]:
    """What is wrong with an object (as JSON) for the pinned API's resource class."""
    if cls is None:
        name = data.get("object") if isinstance(data, dict) else None
        cls = resource_class(name) if isinstance(name, str) else None
        if cls is None:
            return [f"{where or '?'}: unknown object type {name!r}"]
    return _Checker(form=False).value(data, cls, where or str(data.get("object", cls.__name__)))


def check_response(method: str, path: str, status: int, body: dict) -> list[str]:
    """What is wrong with a response body served for a request to `method path`."""
    where = f"{method} {path} -> {status}"
    if status >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            return [f"{where}: an error response needs error.message"]
        return []
    route = route_for(method, path)
    if route is None or route.returns is None:
        return [f"{where}: no resource class for this operation"]
    name = getattr(route.returns, "OBJECT_NAME", route.returns.__name__)
    if route.returns_list:
        return _Checker(form=False).list_object(body, route.returns, f"{where}: list of {name}")
    return check_object(body, route.returns, f"{where}: {name}")


def field_type(object_name: str, path: str):
    """The pinned type of `path` ("items.data[].price.id") on an object, or None if it has none."""
    tp: Any = resource_class(object_name)
    if tp is None:
        return None
    for part in re.findall(r"[^.\[\]]+|\[\]", path):
        tp = _resolve_for_walk(tp)
        if part == "[]":
            if get_origin(tp) in (list, typing.List):  # noqa: UP006
                tp = get_args(tp)[0]
            else:
                return None
            continue
        if get_origin(tp) is ListObject or tp is ListObject:
            inner = (get_args(tp) or (Any,))[0]
            tp = {"data": list[inner], "has_more": bool, "url": str, "object": str}.get(part)
        elif get_origin(tp) in (dict, typing.Dict, UntypedStripeObject):  # noqa: UP006
            tp = get_args(tp)[-1]
        elif _is_resource(tp):
            tp = hints(tp).get(part)
        elif tp is Any:
            return Any
        else:
            return None
        if tp is None:
            return None
    return tp


def _resolve_for_walk(tp):
    """Strip NotRequired/Optional/ExpandableField down to the object side of the type."""
    tp = _unwrap(tp)
    while _is_union(tp):
        options = [o for o in _options(tp) if o is not NoneType and o is not str]
        if len(options) != 1:
            return tp
        tp = _unwrap(options[0])
    return tp


# --- building objects in the pinned shape --------------------------------------------------
def _neutral(tp):
    """A value of type `tp` that says nothing: null when allowed, else zero, empty or first."""
    tp = _unwrap(tp)
    if tp is Any:
        return None
    if _is_union(tp):
        options = _options(tp)
        if NoneType in options:
            return None
        literal = next((o for o in options if get_origin(o) is Literal), None)
        return _neutral(literal if literal is not None else options[0])
    origin = get_origin(tp)
    if origin is Literal:
        return get_args(tp)[0]
    if tp is bool:
        return False
    if tp in (int, float):
        return 0
    if tp is Decimal:
        return "0"
    if tp is str:
        return ""
    if origin in (list, typing.List) or tp is list:  # noqa: UP006
        return []
    if origin in (dict, typing.Dict, UntypedStripeObject) or tp is dict:  # noqa: UP006
        return {}
    if origin is ListObject or tp is ListObject:
        return {"object": "list", "data": [], "has_more": False, "url": ""}
    if _is_resource(tp):
        return skeleton(tp)
    return None


def skeleton(cls: type) -> dict:
    """Every field `cls` has in the pinned API, each at a neutral value."""
    return {name: _neutral(tp) for name, tp in hints(cls).items() if name != "deleted"}


def build(object_name: str, **fields) -> dict:
    """A full object of this type in the pinned shape, with `fields` laid over the neutral one.

    Nested hashes merge into the neutral ones (`automatic_tax={"enabled": True}`); an unknown
    field raises at once, so a fixture cannot drift from the pinned API.
    """
    cls = resource_class(object_name)
    if cls is None:
        raise ValueError(f"the pinned API has no object {object_name!r}")
    data = skeleton(cls)
    _merge(data, fields, cls, object_name)
    return data


def _merge(base: dict, overrides: dict, cls: type, where: str) -> None:
    fields = hints(cls)
    for key, value in overrides.items():
        if key not in fields:
            raise ValueError(f"{where}.{key}: the pinned API ({API_VERSION}) has no such field")
        nested = _resolve_for_walk(fields[key])
        if isinstance(value, dict) and _is_resource(nested) and isinstance(base.get(key), dict):
            _merge(base[key], value, nested, f"{where}.{key}")
        elif isinstance(value, dict) and _is_resource(nested) and base.get(key) is None:
            base[key] = skeleton(nested)
            _merge(base[key], value, nested, f"{where}.{key}")
        else:
            base[key] = value
