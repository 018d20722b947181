"""A throw-away PostgreSQL cluster on 127.0.0.1 for tests and benchmarks (Debian's postgresql)."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@dataclass
class PgCluster:
    bin_dir: Path
    root: Path
    port: int
    as_postgres: list[str]
    _names: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def start(cls, port: int, *, max_connections: int = 300, fsync: bool = False,
              settings: dict[str, str] | None = None) -> PgCluster:
        bin_dir = pg_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        root = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
        sock = root / "sock"
        sock.mkdir()
        as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(root, "postgres")
            shutil.chown(sock, "postgres")
            as_postgres = ["runuser", "-u", "postgres", "--"]
        subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(root / "data"), "-U",
                        "motcua", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True,
                       capture_output=True)
        options = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 "
                   f"-c fsync={'on' if fsync else 'off'} -c max_connections={max_connections}")
        options += "".join(f" -c {k}={v}" for k, v in (settings or {}).items())
        subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-w",
                        "-l", str(root / "log"), "-o", options, "start"],
                       check=True, capture_output=True)
        return cls(bin_dir, root, port, as_postgres)

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"t{next(self._names)}"
        subprocess.run([str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "motcua", name], check=True, capture_output=True)
        return f"postgresql+psycopg://motcua@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, str(self.bin_dir / "pg_ctl"), "-D",
                        str(self.root / "data"), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
