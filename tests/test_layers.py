"""The layers hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter]):
the CLI on top, then the shells (display_server | kiosk, then printer), then the core
(motcua.core, no Flask, no Kivy, no click), then config. A wrong import fails here, and so CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    assert lint.exists(), f"{lint} is missing: ./install.sh dev installs import-linter (the dev extra)"
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
