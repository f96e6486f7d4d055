"""The graders' flaky payment gateway (zendo.judge.gateway): each step, over a real socket.

Every test talks to a real FlakyGateway over its Unix socket with httpx, as the learner's
code does; the last one does it from inside a real sandbox, through the shared folder,
with the socket created after the sandbox started.
"""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from zendo.judge import Learner
from zendo.judge.gateway import SENTINEL, FlakyGateway
from zendo.judge.sandbox import Sandbox, choose_isolation


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[FlakyGateway, httpx.Client]]:
    with FlakyGateway(tmp_path / "gateway.sock", delay=1.5) as gateway:
        transport = httpx.HTTPTransport(uds=str(gateway.socket_path))
        with httpx.Client(base_url="http://gateway", transport=transport, timeout=5) as client:
            yield gateway, client


def post(client: httpx.Client, key: str | None = "k1", amount: int = 1999) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/v1/charges", json={"amount_cents": amount}, headers=headers)


def test_ok_charges_once_per_key_and_records_every_request(
    served: tuple[FlakyGateway, httpx.Client],
) -> None:
    gateway, client = served
    gateway.play()
    first, again, other, keyless = (
        post(client),
        post(client),
        post(client, "k2"),
        post(client, None),
    )
    assert first.json() == again.json() == {"charge_id": "ch_1", "amount_cents": 1999}
    assert other.json()["charge_id"] == "ch_2"
    assert keyless.json()["charge_id"] == "ch_3"
    assert gateway.charges == ["ch_1", "ch_2", "ch_3"]
    assert [(r.key, r.body, r.path) for r in gateway.requests] == [
        ("k1", {"amount_cents": 1999}, "/v1/charges"),
        ("k1", {"amount_cents": 1999}, "/v1/charges"),
        ("k2", {"amount_cents": 1999}, "/v1/charges"),
        (None, {"amount_cents": 1999}, "/v1/charges"),
    ]


def test_steps_play_in_order_then_the_last_forever(
    served: tuple[FlakyGateway, httpx.Client],
) -> None:
    gateway, client = served
    gateway.play("503", "429:7", "503:", "500leak", "402leak", "400", then="402")
    answers = [post(client) for _ in range(8)]
    assert [a.status_code for a in answers] == [503, 429, 503, 500, 402, 400, 402, 402]
    assert [a.headers.get("Retry-After") for a in answers[:3]] == ["2", "7", None]
    assert SENTINEL in answers[3].text
    assert "Traceback" in answers[3].text
    assert SENTINEL in answers[4].text
    assert gateway.steps() == ["503", "429:7", "503:", "500leak", "402leak", "400", "402", "402"]
    assert gateway.charges == []


def test_drop_closes_without_an_answer(served: tuple[FlakyGateway, httpx.Client]) -> None:
    gateway, client = served
    gateway.play("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        post(client)
    assert post(client).status_code == 200  # the script is done: "ok" from now on


def test_slow_charges_at_once_and_answers_late_enough_to_time_out(
    served: tuple[FlakyGateway, httpx.Client],
) -> None:
    gateway, client = served
    gateway.play("slow")
    with pytest.raises(httpx.ReadTimeout):
        client.post("/v1/charges", json={"amount_cents": 5}, headers={"Idempotency-Key": "k"},
                    timeout=0.2)  # fmt: skip
    assert gateway.charges == ["ch_1"]  # charged, though the client never heard
    assert post(client, "k").json()["charge_id"] == "ch_1"  # the retry gets the same charge


def test_play_forgets_the_past_and_refuses_unknown_steps(
    served: tuple[FlakyGateway, httpx.Client],
) -> None:
    gateway, client = served
    gateway.play()
    post(client)
    gateway.play()
    assert gateway.requests == []
    assert gateway.charges == []
    assert post(client).json()["charge_id"] == "ch_1"  # a new script, new charges
    with pytest.raises(ValueError, match="Unknown gateway step 'sloow'"):
        gateway.play("sloow")


def test_the_socket_is_open_to_another_user_and_removed_on_close(tmp_path: Path) -> None:
    path = tmp_path / "gateway.sock"
    gateway = FlakyGateway(path)
    assert stat.S_ISSOCK(os.stat(path).st_mode)
    assert os.stat(path).st_mode & 0o777 == 0o777
    gateway.close()
    assert not path.exists()


RIG = """
import asyncio
import httpx

def charge(socket):
    async def run():
        transport = httpx.AsyncHTTPTransport(uds=socket)
        async with httpx.AsyncClient(base_url="http://gateway", transport=transport) as client:
            response = await client.post(
                "/v1/charges", json={"amount_cents": 7}, headers={"Idempotency-Key": "in"}
            )
            return response.json()
    return asyncio.run(run())
"""


def test_a_sandbox_reaches_a_gateway_started_in_its_shared_folder_after_it() -> None:
    sandbox = Sandbox(module="learner_code", source="x = 1\n", isolation=choose_isolation())
    learner = Learner(sandbox=sandbox, budget_seconds=20.0)
    learner.start()
    try:
        with FlakyGateway(learner.sandbox.shared / "gateway.sock") as gateway:
            gateway.play()
            rig = learner.define("gateway_rig", RIG)
            got = rig.call("charge", learner.inside("gateway.sock")).value
            assert got == {"charge_id": "ch_1", "amount_cents": 7}
            assert [(r.key, r.body) for r in gateway.requests] == [("in", {"amount_cents": 7})]
    finally:
        learner.close()


def test_async_clients_see_the_same_steps(tmp_path: Path) -> None:
    async def run(socket: str) -> list[int]:
        transport = httpx.AsyncHTTPTransport(uds=socket)
        async with httpx.AsyncClient(base_url="http://g", transport=transport) as client:
            return [(await client.post("/v1/charges", json={})).status_code for _ in range(2)]

    with FlakyGateway(tmp_path / "g.sock") as gateway:
        gateway.play("503")
        assert asyncio.run(run(str(gateway.socket_path))) == [503, 200]
        assert gateway.requests[0].body == {}
