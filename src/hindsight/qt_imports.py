"""PySide6, loaded with its import hook made cheap: `import hindsight.qt_imports` first.

When PySide6.QtCore loads, it replaces Python's `__import__` so that its opt-in `__feature__`
switches (snake_case, true_property) can be honoured per module. For that it asks, once for
every module imported afterwards, whether the module's source mentions "PySide6", and it
asks through `inspect.getsource`: every source file is read, split into lines and kept in
`linecache` for the life of the process. For the app (its own modules, SQLAlchemy,
matplotlib: about 430 files) that measured 50-100 ms of CPU and 20 MiB of memory that nothing
ever uses again; Hindsight turns no `__feature__` on.

`lighten_feature_hook` gives PySide6 the same answer without keeping the text: the module's
source file is read as bytes and searched, and nothing is cached. Modules whose source is not
a plain file (built-in and extension modules, zip imports) are still asked PySide6's own
way. Should a PySide6 release no longer have the hook, nothing is changed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (installs PySide6's import hook, which is then lightened)

_FEATURE_MODULES = ("shibokensupport.feature", "PySide6.support.feature")


def _feature_module() -> ModuleType | None:
    for name in _FEATURE_MODULES:
        module = sys.modules.get(name)
        if module is not None and callable(getattr(module, "_mod_uses_pyside", None)):
            return module
    return None


def mentions_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """Whether `module`'s source mentions PySide6, read without keeping the source."""
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass  # in an archive, say: PySide6's own way finds it through the module's loader
    return fallback(module)


def lighten_feature_hook() -> bool:
    """Make PySide6's per-import check cheap; True when the hook was found (idempotent)."""
    feature = _feature_module()
    if feature is None:
        return False
    original = feature._mod_uses_pyside
    if getattr(original, "hindsight_light", False):
        return True

    def uses_pyside(module: ModuleType) -> bool:
        return mentions_pyside(module, original)

    uses_pyside.hindsight_light = True  # type: ignore[attr-defined]
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010  (PySide6's own name)
    return True


lighten_feature_hook()
