"""Hatch build hook: compiles the gettext catalogs (.po -> .mo) into the package.

Runs for wheels, editable installs included (`pip install -e .`), so a clean clone gets
its .mo files from `make demo`, `make test` or `.ci/run` without committed binaries.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        # eventhub is not importable yet: load the one module that compiles, which needs only Babel.
        path = Path(self.root) / "src" / "eventhub" / "i18n" / "build.py"
        spec = importlib.util.spec_from_file_location("eventhub_i18n_build", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.compile_catalogs(path.parent / "locale")
        # .mo files are ignored by git; ship them in the wheel all the same.
        build_data.setdefault("artifacts", []).append("src/eventhub/i18n/locale/*/LC_MESSAGES/*.mo")
