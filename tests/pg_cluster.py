"""A throwaway PostgreSQL cluster for the tests, from Debian's `postgresql` package.

`initdb` in a fresh temporary folder, the server on a free loopback port with its socket in
that folder, trust authentication (only this machine's loopback reaches it), fsync off
(the tests kill clients, never the server). As root the server runs as the `postgres`
user, which PostgreSQL requires. `start()` says why when it cannot start, so the tests can
skip with that reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from api_process import free_port


class ClusterUnavailable(Exception):
    pass


@dataclass
class Cluster:
    folder: Path
    port: int
    _as_user: list[str]
    _bin: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self._as_user, str(self._bin / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise ClusterUnavailable("PostgreSQL is not installed (Debian package postgresql; "
                                 "`scripts/dev setup` installs it)")
    return Path(found[-1]).parent


def start(*, durable: bool = False) -> Cluster:
    """`durable`: fsync and synchronous commit on, as a real server runs (for benchmarks);
    the tests leave them off."""
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterUnavailable("running as root and there is no postgres user to run "
                                     "the server as") from None
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    init = subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(data), "-U",
                           "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
                          capture_output=True, text=True, timeout=120)
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise ClusterUnavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
    port = free_port()
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories="
               f"{folder} -c max_connections=200")
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    started = subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-o",
                              options, "-l", str(folder / "server.log"), "-w", "-t", "60",
                              "start"], capture_output=True, text=True, timeout=90)
    cluster = Cluster(folder, port, as_user, binaries)
    if started.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace")[-300:] \
            if (folder / "server.log").exists() else started.stderr
        cluster.stop()
        raise ClusterUnavailable(f"the PostgreSQL server did not start: {log.strip()}")
    deadline = time.monotonic() + 30
    while True:  # "ready" from pg_ctl can come before the TCP socket accepts
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return cluster
        except OSError:
            if time.monotonic() > deadline:
                cluster.stop()
                raise ClusterUnavailable("the PostgreSQL server does not accept connections"
                                         ) from None
            time.sleep(0.1)
