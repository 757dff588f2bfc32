"""Rules are pure: running checks changes no module-level state of any rules module."""

from __future__ import annotations

import types
from typing import Any

from restore_contracts.generators.mutations import MUTATIONS, mutate
from restore_contracts.validators.rules import FAMILY_MODULES, _registry

from .conftest import findings, scenario

MODULES = (*FAMILY_MODULES, _registry)


def state(value: Any, depth: int = 0) -> Any:
    """A comparable picture of a value: containers and plain objects by content, with the
    identity of every mutable object (a memo that keeps the last row's map changes it)."""
    if depth > 6:
        return repr(type(value))
    if isinstance(value, str | bytes | int | float | bool | type(None) | frozenset):
        return value
    if isinstance(value, types.FunctionType | types.BuiltinFunctionType | type | types.ModuleType):
        return ("callable", getattr(value, "__qualname__", repr(value)))
    if isinstance(value, dict):
        return ("dict", id(value), [(state(k), state(v, depth + 1)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        kind = "list" if isinstance(value, list) else "tuple"
        return (kind, id(value) if kind == "list" else 0, [state(v, depth + 1) for v in value])
    if isinstance(value, set | bytearray):
        return (type(value).__name__, id(value), sorted(map(repr, value)))
    slots = getattr(type(value), "__slots__", ())
    attributes = dict(getattr(value, "__dict__", {}))
    for name in (slots,) if isinstance(slots, str) else slots:
        if hasattr(value, name):
            attributes[name] = getattr(value, name)
    if not attributes:
        return ("object", type(value).__qualname__)
    return (
        "object",
        type(value).__qualname__,
        sorted((k, state(v, depth + 1)) for k, v in attributes.items()),
    )


def module_state(module: types.ModuleType) -> dict[str, Any]:
    """Every module-level name of ``module`` and the state of its value."""
    return {name: state(value) for name, value in vars(module).items() if not name.startswith("__")}


class TestPurity:
    def test_running_every_check_changes_no_module_state(self) -> None:
        """Module-level values of every rules module are the same before and after the checks."""
        before = {module.__name__: module_state(module) for module in MODULES}
        for code in sorted(MUTATIONS):
            findings(mutate(scenario(MUTATIONS[code].base_scenario), code).tables)
        after = {module.__name__: module_state(module) for module in MODULES}
        changed = sorted(
            f"{module}.{name}"
            for module in before
            for name in before[module].keys() | after[module].keys()
            if before[module].get(name) != after[module].get(name)
        )
        expected: list[str] = []
        assert expected == changed

    def test_a_memo_of_the_last_row_is_detected(self) -> None:
        """The picture of a module changes when a check keeps the last row in a global memo."""

        class Memo:
            __slots__ = ("items",)

            def __init__(self) -> None:
                self.items: Any = None

        module = types.ModuleType("fake_rules")
        module.memo = Memo()  # type: ignore[attr-defined]
        before = module_state(module)
        module.memo.items = {"1": {"status": "succeeded"}}  # type: ignore[attr-defined]
        assert before != module_state(module)
