"""The real stack as local processes for end-to-end tests: action server, Rasa, gateway.

Each stack gets its own SQLite file, free ports and a frozen business date; Rasa loads the
model that ``make train`` built (``models/``).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import socketio
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
PYTHON = Path(sys.executable)
FROZEN_TODAY = "2025-01-10"
TELEGRAM_TOKEN = "123456:TEST-TOKEN"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, seconds: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {seconds} s")


@dataclass
class Stack:
    workdir: Path
    env: dict[str, str]
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    gateway_port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def cli(self, *args: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run(
            [str(PYTHON), "-m", "bot.cli", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()

    def start_actions(self) -> None:
        proc = self._spawn(
            "actions",
            [
                str(PYTHON),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
            ],
        )
        wait_http(f"http://127.0.0.1:{self.action_port}/health", 60, proc)

    def start_rasa(self) -> None:
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
        )
        proc = self._spawn(
            "rasa",
            [
                str(RASA),
                "run",
                "--model",
                str(ROOT / "models"),
                "--port",
                str(self.rasa_port),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--enable-api",
                "--auth-token",
                self.env["ECOUTE_RASA_TOKEN"],
            ],
        )
        wait_http(f"{self.rasa_url}/", 240, proc)

    def start_gateway(self, **env: str) -> None:
        """Start (or restart) the gateway, with extra ``ECOUTE_*`` settings if given."""
        self.env.update(env)
        proc = self._spawn("gateway", [str(PYTHON), "-m", "bot.cli", "serve"])
        wait_http(f"{self.gateway_url}/health", 60, proc)

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash: no shutdown hook runs."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def agent(self, creditor: str = "lumen") -> tuple[str, str, str]:
        """A fresh console agent of ``creditor``: (e-mail, name, password)."""
        suffix = uuid.uuid4().hex[:8]
        email, name, password = (
            f"agent-{suffix}@example.test",
            f"Camille {suffix[:4]}",
            "pw-" + suffix * 2,
        )
        self.cli(
            "create-user",
            "--email",
            email,
            "--name",
            name,
            "--role",
            "agent",
            "--creditor",
            creditor,
            env={"ECOUTE_NEW_USER_PASSWORD": password},
        )
        return email, name, password

    def rows(self, sql: str, **params: Any) -> list[Any]:
        """Read the stack's database, to check what a conversation recorded."""
        engine = sa.create_engine(self.env["ECOUTE_DATABASE_URL"])
        with engine.connect() as conn:
            result = list(conn.execute(sa.text(sql), params))
        engine.dispose()
        return result

    def link(self, invoice: str, creditor: str = "lumen") -> str:
        url = self.cli("link", "--creditor", creditor, "--invoice", invoice)
        return url.splitlines()[0].split("?t=", 1)[1]


@contextmanager
def running_stack(
    workdir: Path, *, rasa_url: str | None = None, telegram_api: str | None = None
) -> Iterator[Stack]:
    if not (ROOT / "models").exists() or not list((ROOT / "models").glob("*.tar.gz")):
        raise RuntimeError("no trained model in models/: run `make train` first")
    env = dict(os.environ)
    stack = Stack(workdir, env)
    env.update(
        {
            "ECOUTE_DATABASE_URL": f"sqlite:///{workdir / 'ecoute.db'}",
            "ECOUTE_VAR_DIR": str(workdir),
            "ECOUTE_LINK_SECRET": "e2e-secret-" + "x" * 32,
            "ECOUTE_RASA_TOKEN": "e2e-rasa-token-" + uuid.uuid4().hex,
            "ECOUTE_FROZEN_TODAY": FROZEN_TODAY,
            "ECOUTE_PORT": str(stack.gateway_port),
            "ECOUTE_PUBLIC_URL": f"http://127.0.0.1:{stack.gateway_port}",
            "ECOUTE_RASA_URL": rasa_url or f"http://127.0.0.1:{stack.rasa_port}",
            "ECOUTE_PENDING_RETRY_SECONDS": "1",
            "ECOUTE_DEMO_PAGE": "true",
            "ECOUTE_ENVIRONMENT": "test",
            # Follow-up tests switch it on; elsewhere a reminder would interleave with replies.
            "ECOUTE_SCHEDULER_ENABLED": "false",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
    )
    if telegram_api is not None:
        env.update(
            {
                "ECOUTE_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
                "ECOUTE_TELEGRAM_API_BASE_URL": telegram_api,
                "ECOUTE_TELEGRAM_MODE": "webhook",
            }
        )
    stack.cli("migrate")
    stack.cli("load-demo")
    try:
        stack.start_actions()
        stack.start_rasa()
        stack.start_gateway()
        yield stack
    finally:
        stack.stop_all()


class Chat:
    """A debtor in the web channel, speaking the Rasa socket.io protocol to the gateway."""

    def __init__(self, gateway_url: str, token: str | None) -> None:
        self.url = gateway_url
        self.token = token
        self.client = socketio.AsyncClient(reconnection=False)
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.session_id: str | None = None
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("session_confirm", self._on_confirm)
        self._sent = 0

    async def _on_bot(self, data: dict[str, Any]) -> None:
        await self.inbox.put(data)

    async def _on_confirm(self, data: Any) -> None:
        self.session_id = data if isinstance(data, str) else data.get("session_id")

    async def connect(self, session_id: str | None = None) -> list[dict[str, Any]]:
        query = f"?token={self.token}" if self.token else ""
        await self.client.connect(
            self.url + query, socketio_path="socket.io", transports=["websocket"]
        )
        await self.client.emit("session_request", {"session_id": session_id})
        return await self.replies()

    async def say(
        self, text: str | None, client_msg_id: str | None = None, quiet: float = 0.8
    ) -> list[dict[str, Any]]:
        self._sent += 1
        custom = {"client_msg_id": client_msg_id or f"m{self._sent}-{time.monotonic_ns()}"}
        await self.client.emit(
            "user_uttered", {"message": text, "session_id": self.session_id, "customData": custom}
        )
        return await self.replies(quiet=quiet)

    async def replies(self, first_timeout: float = 30, quiet: float = 0.8) -> list[dict[str, Any]]:
        """Wait for the first reply, then collect until the bot has been quiet for a moment."""
        messages: list[dict[str, Any]] = []
        try:
            messages.append(await asyncio.wait_for(self.inbox.get(), first_timeout))
            while True:
                messages.append(await asyncio.wait_for(self.inbox.get(), quiet))
        except asyncio.TimeoutError:
            return messages

    async def close(self) -> None:
        await self.client.disconnect()


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


def buttons(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("quick_replies", [])]


CSV_HEADER = (
    "external_ref,kind,salutation,first_name,last_name,company_name,language,email,"
    "phone,timezone,identity_kind,identity_answer,invoice_number,description,issued_on,"
    "due_on,amount_original,amount_due,currency\n"
)


def add_debtor(
    stack: Stack,
    *,
    language: str,
    amount: str = "1480.00",
    postcode: str = "75011",
    creditor: str = "lumen",
) -> tuple[str, str]:
    """A fresh debtor and invoice for one test; returns (invoice number, link token)."""
    suffix = f"{time.monotonic_ns() % 10**9:09d}"
    invoice = f"T-{suffix}"
    name = "Mme,Claire,Durand" if language == "fr" else "Ms,Jane,Smith"
    row = (
        f"T{suffix},consumer,{name},,{language},,,Europe/Paris,postcode,{postcode},{invoice},"
        f"Test invoice,2024-11-05,2024-12-05,{amount},{amount},EUR\n"
    )
    path = stack.workdir / f"{invoice}.csv"
    path.write_text(CSV_HEADER + row, encoding="utf-8")
    stack.cli("import", "--creditor", creditor, str(path))
    return invoice, stack.link(invoice, creditor)
