"""Starts the production topology on 127.0.0.1: four `kvn serve` processes behind nginx
rendered from deploy/gateway/templates/default.conf.template. Stops all of it on exit."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from shared.settings import REPO_ROOT, SERVICES

TEMPLATE = REPO_ROOT / "deploy" / "gateway" / "templates" / "default.conf.template"
KVN = Path(sys.executable).with_name("kvn")
_NAME = re.compile(r"\$\{(GATEWAY_[A-Z_]+)\}")


def find_nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def render(template: str, values: Mapping[str, str]) -> str:
    """envsubst as the nginx image runs it: ${NAME} for the names given, nothing else."""
    missing = sorted(set(_NAME.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return _NAME.sub(lambda m: values[m[1]], template)


def gateway_values(ports: Mapping[str, int], listen: int, log: Path) -> dict[str, str]:
    return {
        "GATEWAY_LISTEN": f"127.0.0.1:{listen}",
        **{f"GATEWAY_{s.upper()}_UPSTREAM": f"127.0.0.1:{ports[s]}" for s in SERVICES},
        "GATEWAY_RATE": "20r/s",
        "GATEWAY_BURST": "30",
        "GATEWAY_AUTH_RATE": "100r/s",
        "GATEWAY_AUTH_BURST": "200",
        "GATEWAY_MAX_BODY": "64k",
        "GATEWAY_MAX_UPLOAD": "1m",
        "GATEWAY_ACCESS_LOG": str(log),
        "GATEWAY_UPSTREAM_KEEPALIVE": "64",
    }


def main_config(workdir: Path, include: Path) -> str:
    temp = {n: workdir / n for n in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # As root, nginx's workers would run as nobody and could not use a private temp dir.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""daemon off;
{user}worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {include};
}}
"""


@dataclass
class Stack:
    workdir: Path
    database_url: str
    service_key: str
    nginx: str
    ports: dict[str, int] = field(default_factory=dict)
    gateway_port: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    user_key: str = ""
    # GATEWAY_* values replacing the test defaults (bench/load.py raises the rate limit).
    gateway_overrides: dict[str, str] = field(default_factory=dict)
    # Settings for every service process beyond the defaults (the day test's Kolada stand-in).
    extra_env: dict[str, str] = field(default_factory=dict)
    _files: list[IO[bytes]] = field(default_factory=list)

    def _log_file(self, name: str) -> IO[bytes]:
        handle = (self.workdir / name).open("wb")
        self._files.append(handle)
        return handle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    def service_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
        env.update(
            {
                "ENVIRONMENT": "production",
                "DATABASE_URL": self.database_url,
                "SERVICE_API_KEY": self.service_key,
                "SCHEDULER_ENABLED": "false",
                "LOG_JSON": "true",
                "LOG_LEVEL": "INFO",
                **{f"{s.upper()}_URL": f"http://127.0.0.1:{self.ports[s]}" for s in SERVICES},
                **self.extra_env,
            }
        )
        return env

    def start(self) -> None:
        self.ports = {s: free_port() for s in SERVICES}
        self.gateway_port = free_port()
        env = self.service_env()
        for service in SERVICES:
            self._spawn(service, env)
        conf = self.workdir / "default.conf"
        conf.write_text(
            render(
                TEMPLATE.read_text(),
                {
                    **gateway_values(self.ports, self.gateway_port, self.access_log),
                    **self.gateway_overrides,
                },
            )
        )
        main = self.workdir / "nginx.conf"
        main.write_text(main_config(self.workdir, conf))
        check = subprocess.run(
            [self.nginx, "-t", *self._nginx_args(main)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.processes["gateway"] = subprocess.Popen(
            [self.nginx, *self._nginx_args(main)],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=self._log_file("nginx.stderr"),
            start_new_session=True,
        )
        for service in SERVICES:
            self.wait_ready(f"http://127.0.0.1:{self.ports[service]}/readyz", service)
        self.wait_ready(f"{self.base_url}/healthz", "gateway")

    def _spawn(self, service: str, env: dict[str, str]) -> None:
        log = self._log_file(f"{service}.log")
        port = str(self.ports[service])
        self.processes[service] = subprocess.Popen(
            [str(KVN), "serve", service, "--host", "127.0.0.1", "--port", port],
            env=env,
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def spawn(self, name: str, *args: str, env: Mapping[str, str] | None = None) -> None:
        """Another `kvn` process (`kvn scheduler`) with the services' settings, stopped with
        the rest; its output is in `<name>.log`."""
        self.processes[name] = subprocess.Popen(
            [str(KVN), *args],
            env={**self.service_env(), **(env or {})},
            cwd=self.workdir,
            stdout=self._log_file(f"{name}.log"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def restart(self, services: list[str]) -> None:
        """Start services again on their ports (after a crash test killed them)."""
        env = self.service_env()
        for service in services:
            self.stop_one(service)
            self._spawn(service, env)
        for service in services:
            self.wait_ready(f"http://127.0.0.1:{self.ports[service]}/readyz", service)

    def _nginx_args(self, main: Path) -> list[str]:
        # -e: the startup error log too, so no path outside the work dir is needed.
        error_log = str(self.workdir / "error.log")
        return ["-p", str(self.workdir), "-e", error_log, "-c", str(main)]

    def wait_ready(self, url: str, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.logs(name)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{name} was not ready within {timeout} s:\n{self.logs(name)}")

    def logs(self, name: str) -> str:
        path = self.workdir / ("error.log" if name == "gateway" else f"{name}.log")
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop_one(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        # SIGQUIT is nginx's graceful stop; uvicorn stops on SIGTERM.
        process.send_signal(signal.SIGQUIT if name == "gateway" else signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def stop(self) -> None:
        try:
            for name in ["gateway", *[n for n in self.processes if n != "gateway"]]:
                self.stop_one(name)
        finally:
            for handle in self._files:
                handle.close()


@contextlib.contextmanager
def running_stack(
    workdir: Path,
    database_url: str,
    service_key: str,
    nginx: str,
    gateway_overrides: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Stack]:
    stack = Stack(
        workdir,
        database_url,
        service_key,
        nginx,
        gateway_overrides=dict(gateway_overrides or {}),
        extra_env=dict(extra_env or {}),
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
