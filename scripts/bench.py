"""`make bench`: a full turn through the gateway against bare Rasa REST, same model, same run.

Starts the real stack (action server, Rasa, gateway) on free ports with its own SQLite file,
opens and verifies N conversations, then measures:
  1. sequential turns: p50/p95 through the gateway (socket.io, stored before and after) and
     straight to Rasa's REST channel for the same conversations (the floor we cannot beat);
  2. throughput: turns per second with 20 conversations talking at once, both paths;
  3. Telegram: a turn through the fake Bot API server (webhook in, sendMessage out);
  4. handoff: from a debtor's message to the agent console's live feed (socket.io).
Figures are printed, never asserted: speed targets live here, not in tests.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

import re  # noqa: E402

import socketio  # noqa: E402
from fake_telegram import FakeTelegram  # noqa: E402
from stack import CSV_HEADER, TELEGRAM_TOKEN, Chat, Stack, running_stack  # noqa: E402

TELEGRAM_TURNS = 50
HANDOFF_MESSAGES = 30

CONVERSATIONS = 20
SEQUENTIAL_TURNS = 100
CONCURRENT_TURNS_EACH = 10
QUESTION = {"fr": "combien je dois exactement ?", "en": "how much do I owe exactly?"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def import_debtors(stack: Stack, count: int) -> list[tuple[str, str]]:
    rows = []
    for i in range(count):
        lang = "fr" if i % 2 == 0 else "en"
        rows.append(
            f"B{i},consumer,Mme,Alice,Martin{i},,{lang},,,Europe/Paris,postcode,75011,BENCH-{i},"
            f"Bench,2024-11-05,2024-12-05,{500 + i}.00,{500 + i}.00,EUR\n"
        )
    path = stack.workdir / "bench.csv"
    path.write_text(CSV_HEADER + "".join(rows), encoding="utf-8")
    stack.cli("import", "--creditor", "lumen", str(path))
    return [(f"BENCH-{i}", "fr" if i % 2 == 0 else "en") for i in range(count)]


async def gateway_turn(chat: Chat, text: str) -> float:
    """Time from emitting the message to the first reply, then drain the rest of the turn."""
    started = time.perf_counter()
    await chat.client.emit(
        "user_uttered",
        {"message": text, "session_id": chat.session_id, "customData": {}},
    )
    await asyncio.wait_for(chat.inbox.get(), 30)
    elapsed = time.perf_counter() - started
    while not chat.inbox.empty():
        chat.inbox.get_nowait()
    return elapsed


async def rasa_turn(
    client: httpx.AsyncClient, url: str, sender: str, text: str, lang: str
) -> float:
    started = time.perf_counter()
    response = await client.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text, "metadata": {"language": lang}},
    )
    response.raise_for_status()
    return time.perf_counter() - started


async def measure(stack: Stack) -> None:
    debtors = import_debtors(stack, CONVERSATIONS)
    chats: list[tuple[Chat, str]] = []
    print(f"opening and verifying {CONVERSATIONS} conversations…", flush=True)
    for invoice, lang in debtors:
        chat = Chat(stack.gateway_url, stack.link(invoice))
        await chat.connect()
        await chat.say("75011", quiet=0.3)
        chats.append((chat, lang))
    engine = sa.create_engine(stack.env["ECOUTE_DATABASE_URL"])
    with engine.connect() as conn:
        senders = dict(
            conn.execute(
                sa.text(
                    "SELECT t.invoice_number, c.id FROM conversation c"
                    " JOIN debt t ON t.id = c.debt_id WHERE t.invoice_number LIKE 'BENCH-%'"
                )
            ).all()
        )
    engine.dispose()
    ids = [(senders[invoice], lang) for invoice, lang in debtors]

    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(5):  # warm both paths
            await rasa_turn(client, stack.rasa_url, ids[0][0], QUESTION[ids[0][1]], ids[0][1])
            await gateway_turn(chats[0][0], QUESTION[chats[0][1]])

        print(f"\n1. sequential turns ({SEQUENTIAL_TURNS} each path, one at a time)", flush=True)
        bare = [
            await rasa_turn(client, stack.rasa_url, *_args(ids[i % len(ids)]))
            for i in range(SEQUENTIAL_TURNS)
        ]
        through = [
            await gateway_turn(chats[i % len(chats)][0], QUESTION[chats[i % len(chats)][1]])
            for i in range(SEQUENTIAL_TURNS)
        ]
        report("bare Rasa REST", bare)
        report("through gateway", through)
        ratio = percentile(through, 0.95) / percentile(bare, 0.95)
        print(f"   gateway p95 / bare p95 = {ratio:.2f}  (goal ≤ 2.0)")

        print(
            f"\n2. throughput: {CONVERSATIONS} conversations at once, "
            f"{CONCURRENT_TURNS_EACH} turns each",
            flush=True,
        )

        async def rasa_conversation(sender: str, lang: str) -> None:
            for _ in range(CONCURRENT_TURNS_EACH):
                await rasa_turn(client, stack.rasa_url, sender, QUESTION[lang], lang)

        async def gateway_conversation(chat: Chat, lang: str) -> None:
            for _ in range(CONCURRENT_TURNS_EACH):
                await gateway_turn(chat, QUESTION[lang])

        total = CONVERSATIONS * CONCURRENT_TURNS_EACH
        started = time.perf_counter()
        await asyncio.gather(*(rasa_conversation(s, lang) for s, lang in ids))
        bare_rate = total / (time.perf_counter() - started)
        started = time.perf_counter()
        await asyncio.gather(*(gateway_conversation(c, lang) for c, lang in chats))
        gateway_rate = total / (time.perf_counter() - started)
        print(f"   bare Rasa REST : {bare_rate:6.1f} turns/s")
        print(f"   through gateway: {gateway_rate:6.1f} turns/s")
    for chat, _ in chats:
        await chat.close()


def measure_telegram(stack: Stack, telegram: FakeTelegram) -> None:
    print(f"\n3. Telegram: {TELEGRAM_TURNS} turns through the fake Bot API server", flush=True)
    chat_id = 424_242_000
    token = stack.link("BENCH-0")
    before = len(telegram.messages_to(chat_id))
    telegram.user_sends(chat_id, f"/start {token}", "fr")
    telegram.wait_for(chat_id, before, quiet=0.5)
    before = len(telegram.messages_to(chat_id))
    telegram.user_sends(chat_id, "75011", "fr")
    telegram.wait_for(chat_id, before, quiet=0.5)
    turns = []
    for _ in range(TELEGRAM_TURNS):
        before = len(telegram.messages_to(chat_id))
        started = time.perf_counter()
        telegram.user_sends(chat_id, QUESTION["fr"], "fr")
        telegram.wait_for(chat_id, before, quiet=0.0)
        turns.append(time.perf_counter() - started)
        telegram.wait_for(chat_id, before, quiet=0.3)  # drain the rest of the turn
    report("Telegram turn", turns)


async def measure_handoff(stack: Stack) -> None:
    print(f"\n4. handoff: {HANDOFF_MESSAGES} debtor messages to the agent's screen", flush=True)
    email, _, password = stack.agent()
    chat = Chat(stack.gateway_url, stack.link("BENCH-1"))
    await chat.connect()
    await chat.say("HUMAN", quiet=0.5)
    async with httpx.AsyncClient(base_url=stack.gateway_url, follow_redirects=True) as web:
        login = await web.get("/console/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
        queue = await web.post(
            "/console/login", data={"csrf": csrf, "email": email, "password": password}
        )
        conversation = re.search(r'href="/console/c/([0-9a-f]+)"', queue.text).group(1)  # type: ignore[union-attr]
        page = await web.get(f"/console/c/{conversation}")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        await web.post(f"/console/c/{conversation}/claim", data={"csrf": csrf})
        live_token = re.search(r'data-live-token="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    console = socketio.AsyncClient(reconnection=False)
    seen: asyncio.Queue[str] = asyncio.Queue()

    async def on_message(data: dict[str, str]) -> None:
        await seen.put(data["text"])

    console.on("message", on_message, namespace="/console")
    await console.connect(
        stack.gateway_url,
        namespaces=["/console"],
        auth={"token": live_token},
        transports=["websocket"],
        socketio_path="socket.io",
    )
    await console.call("watch", {"conversation_id": conversation}, namespace="/console")
    delays = []
    for i in range(HANDOFF_MESSAGES):
        text = f"message {i} for the agent"
        started = time.perf_counter()
        await chat.client.emit(
            "user_uttered", {"message": text, "session_id": chat.session_id, "customData": {}}
        )
        while await asyncio.wait_for(seen.get(), 10) != text:
            pass
        delays.append(time.perf_counter() - started)
    report("to agent screen", delays)
    await console.disconnect()
    await chat.close()


def _args(entry: tuple[str, str]) -> tuple[str, str, str]:
    sender, lang = entry
    return sender, QUESTION[lang], lang


def report(name: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(
        f"   {name:<16} p50 {statistics.median(ms):6.1f} ms   p95 {percentile(ms, 0.95):6.1f} ms"
        f"   max {max(ms):6.1f} ms"
    )


def main() -> int:
    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    try:
        with tempfile.TemporaryDirectory(prefix="ecoute-bench-") as tmp:
            print("starting action server, Rasa and gateway (about 40 s)…", flush=True)
            with running_stack(Path(tmp), telegram_api=telegram.base_url) as stack:
                asyncio.run(measure(stack))
                measure_telegram(stack, telegram)
                asyncio.run(measure_handoff(stack))
    finally:
        telegram.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
