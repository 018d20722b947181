"""The layers hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter]):
the CLI on top, then the shells (display_server | kiosk, then printer), then the core
(motcua.core, no Flask, no Kivy, no click), then config. A wrong import fails here, and so CI."""

from __future__ import annotations

import ast
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


# Every module, imported first in a fresh interpreter: an import cycle that only works when some
# other module happens to be imported first fails here. The kiosk's Kivy screens are left out
# (they need a window; tests/kiosk runs them), and so are Alembic revisions (they need Alembic's
# context). Each module is imported in a forked child of one warm interpreter, so the third-party
# libraries load once.
_EACH_ALONE = r"""
import importlib, os, pkgutil, sys
import flask, flask_wtf, sqlalchemy, alembic, msgspec, click, PIL  # warm, not ours
packages = ["config", "motcua", "display_server", "printer", "kiosk"]
skip = ("kiosk.app", "kiosk.screens", "kiosk.kivy_env", ".migrations.versions", "motcua.__main__")
names = list(packages)
for pkg in packages:
    mod = importlib.import_module(pkg)
    names += [m.name for m in pkgutil.walk_packages(mod.__path__, pkg + ".")]
for name in list(sys.modules):
    if name.split(".")[0] in packages:
        del sys.modules[name]
failed = []
for name in names:
    if any(s in name for s in skip):
        continue
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException as exc:
            print(f"{name}: {exc!r}", file=sys.stderr)
            os._exit(1)
        os._exit(0)
    if os.waitpid(pid, 0)[1]:
        failed.append(name)
print(len(names), "modules;", "failed:", failed)
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_on_its_own() -> None:
    done = subprocess.run([sys.executable, "-c", _EACH_ALONE], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "failed: []" in done.stdout


_SERVER_MODULES = """
import sys
from gevent import monkey
monkey.patch_all()
import motcua.cli.main, display_server.serve, display_server.app
from config import load_config
from config.loader import DEMO_CONFIG
app = display_server.app.create_app(load_config(DEMO_CONFIG, env={"MOTCUA_DATA_DIR": sys.argv[1]}))
assert app.test_client().get("/api/v1/openapi.json").status_code == 200  # the bodies' schemas
print(sorted({m.split(".")[0] if not m.startswith("motcua.cli.") else m for m in sys.modules}))
"""
NOT_IN_AN_IDLE_SERVER = ("pydantic", "pydantic_core", "argon2", "tomlkit", "kiosk",
                         "flask_babel", "pytz", "motcua.cli.backup", "motcua.cli.kiosk",
                         "motcua.cli.rating_station")
"""What ``motcua server`` does not load until a request (or another command) needs it: pydantic
is gone (msgspec replaced it; its import alone cost the server about 7.5 MB); argon2 comes with
the first login, tomlkit with the first save of the admin page, the device and backup commands
only with their command (together about 1.3 MB of an idle server's memory, docs/serving.md).
The pages translate with the standard library's gettext: Flask-Babel, Babel and pytz cost an
idle server 1.2 MB. (Babel itself is a development tool, for the catalogues; where it is
installed, Flask-WTF imports it, so it is not checked here: tests/roles checks the server role.)"""


def test_an_idle_server_does_not_load_what_only_some_requests_need(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _SERVER_MODULES, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    loaded = set(ast.literal_eval(done.stdout.strip().splitlines()[-1]))
    assert "flask" in loaded and "msgspec" in loaded  # the probe sees what the server loads
    assert loaded.isdisjoint(NOT_IN_AN_IDLE_SERVER), loaded & set(NOT_IN_AN_IDLE_SERVER)


def engine_privates(root: Path) -> list[str]:
    """Where code outside the queue engine (motcua/core/queue) reads a private name of an engine
    (``engine._x``, ``self.engine._x``): it should use the engine's public interface."""
    found = []
    for top in ("motcua", "display_server", "kiosk", "printer", "config", "bench"):
        for path in sorted((root / top).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel.startswith("motcua/core/queue/"):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                        and not node.attr.startswith("__")
                        and ((isinstance(node.value, ast.Name) and node.value.id == "engine")
                             or (isinstance(node.value, ast.Attribute)
                                 and node.value.attr == "engine"))):
                    found.append(f"{rel}:{node.lineno}: {node.attr}")
    return found


def test_only_the_queue_uses_the_engines_private_names() -> None:
    assert engine_privates(ROOT) == []
