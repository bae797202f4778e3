"""Golden files: bytes a test renders compared with fixtures/golden/<name>.

`EVENTHUB_REGENERATE_GOLDEN=1` rewrites the files instead (review the diff before
committing). A mismatch fails with a unified diff of the two texts.
"""

from __future__ import annotations

import difflib
import os

import pytest

from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden"


def assert_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("EVENTHUB_REGENERATE_GOLDEN") == "1":
        path.write_bytes(data)
        return
    assert path.is_file(), f"{path} is missing: run once with EVENTHUB_REGENERATE_GOLDEN=1"
    expected = path.read_bytes()
    if data != expected:
        diff = difflib.unified_diff(
            expected.decode().splitlines(), data.decode().splitlines(), "golden", "rendered", lineterm=""
        )
        pytest.fail(f"{name} differs from its golden file (EVENTHUB_REGENERATE_GOLDEN=1 to accept):\n"
                    + "\n".join(diff))
