"""The HTTP service in process (FastAPI's test client): every endpoint answers as the engine
does, events change the next answer, and every bad input gets its 4xx with a message naming
the field, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pretrec.pipeline.recommend import Recommender
from pretrec.serve.app import create_app
from pretrec.serve.bundle import load_bundle
from pretrec.serve.engine import MAX_K, Engine
from pretrec.serve.store import SqliteStore

TOKEN = "s3cret"
WRITE = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(bundle: Path, tmp_path: Path) -> Iterator[TestClient]:
    engine = Engine(load_bundle(bundle), SqliteStore(tmp_path / "state.sqlite"))
    app = create_app(engine, token=TOKEN, max_body_bytes=4096)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_recommend_answers_as_the_run_does_for_a_user_and_a_history(client, run) -> None:
    source = Recommender.load(run)
    answer = client.post("/recommend", json={"user_id": "u3", "k": 5})
    assert answer.status_code == 200
    items = [(i["item_id"], i["score"]) for i in answer.json()["items"]]
    expected = source.recommend(users=["u3"], k=5)[0]
    assert [i for i, _ in items] == [i for i, _ in expected]
    assert [s for _, s in items] == pytest.approx([s for _, s in expected], abs=1e-5)
    given = client.post("/recommend", json={"history": ["i1", "i5"], "k": 4}).json()["items"]
    assert [i["item_id"] for i in given] == [i for i, _ in source.recommend(
        histories=[["i1", "i5"]], k=4)[0]]


def test_exclusions_hold_and_seen_items_return_when_asked(client) -> None:
    history = client.get("/users/u3").json()["history"]
    top = [i["item_id"] for i in client.post("/recommend", json={
        "user_id": "u3", "k": 20, "exclude": ["i78"]}).json()["items"]]
    assert len(top) == 20 and "i78" not in top and not set(top) & set(history)
    with_seen = client.post("/recommend", json={"user_id": "u3", "k": MAX_K,
                                                "exclude_seen": False}).json()["items"]
    assert set(history) <= {i["item_id"] for i in with_seen}


def test_an_event_is_stored_in_order_and_changes_the_next_answer(client) -> None:
    before = client.get("/users/u3").json()["history"]
    first = client.post("/recommend", json={"user_id": "u3", "k": 10}).json()["items"]
    chosen = first[0]["item_id"]
    only_excluded = client.post("/recommend", json={"user_id": "u3", "k": 10,
                                                    "exclude": [chosen]}).json()["items"]
    ack = client.post("/events", json={"user_id": "u3", "item_id": chosen, "timestamp": 1.0},
                      headers=WRITE)
    assert ack.status_code == 200 and ack.json()["history_length"] == len(before) + 1
    assert client.get("/users/u3").json()["history"] == before + [chosen]
    after = client.post("/recommend", json={"user_id": "u3", "k": 10}).json()["items"]
    assert chosen not in [i["item_id"] for i in after]  # now seen
    # and the sequence model read it: not the old answer with the item merely left out
    assert [i["score"] for i in after] != pytest.approx([i["score"] for i in only_excluded])


def test_a_new_user_is_created_by_its_first_event(client) -> None:
    assert client.get("/users/newcomer").status_code == 404
    assert client.post("/events", json={"user_id": "newcomer", "item_id": "i7"},
                       headers=WRITE).status_code == 200
    assert client.get("/users/newcomer").json()["history"] == ["i7"]
    top = client.post("/recommend", json={"user_id": "newcomer", "k": 3}).json()["items"]
    expected = client.post("/recommend", json={"history": ["i7"], "k": 3}).json()["items"]
    assert top == expected


def test_similar_items_exclude_the_item_and_are_ordered(client) -> None:
    answer = client.get("/items/i1/similar", params={"k": 5})
    items = answer.json()["items"]
    assert answer.status_code == 200 and len(items) == 5
    assert "i1" not in [i["item_id"] for i in items]
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)


def test_explain_gives_one_occlusion_weight_per_history_item(client) -> None:
    history = client.get("/users/u3").json()["history"]
    answer = client.post("/explain", json={"user_id": "u3", "item_id": "i5"}).json()
    assert answer["method"] == "occlusion"
    assert [c["item_id"] for c in answer["contributions"]] == history[-50:]
    scored = client.post("/recommend", json={"user_id": "u3", "k": MAX_K,
                                             "exclude_seen": False}).json()["items"]
    assert answer["score"] == pytest.approx(
        next(i["score"] for i in scored if i["item_id"] == "i5"), abs=1e-5)


def test_health_metrics_page_and_openapi(client) -> None:
    assert client.get("/health").json()["model"] == "sasrec"
    client.post("/recommend", json={"user_id": "u3"})
    metrics = client.get("/metrics").text
    assert 'pretrec_requests_total{endpoint="/recommend",status="200"}' in metrics
    assert "pretrec_request_seconds_bucket" in metrics and "pretrec_index_items 1000.0" in metrics
    assert "/recommend" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "fetch(" in page.text


@pytest.mark.parametrize("method, path, body, status, names", [
    ("post", "/recommend", {"user_id": "nobody"}, 404, "nobody"),
    ("post", "/recommend", {"history": ["i1", "nope"]}, 404, "nope"),
    ("post", "/recommend", {"user_id": "u3", "k": 0}, 422, "k"),
    ("post", "/recommend", {"user_id": "u3", "k": MAX_K + 1}, 422, "k"),
    ("post", "/recommend", {"user_id": "u3", "k": "ten"}, 422, "k"),
    ("post", "/recommend", {"user": "u3"}, 422, "user"),
    ("post", "/recommend", {}, 422, "user_id"),
    ("post", "/recommend", {"user_id": "u3", "history": ["i1"]}, 422, "user_id"),
    ("post", "/recommend", {"user_id": ""}, 422, "user_id"),
    ("post", "/recommend", [1, 2], 422, "body"),
    ("post", "/explain", {"user_id": "u3", "item_id": "nope"}, 404, "nope"),
    ("get", "/users/nobody", None, 404, "nobody"),
    ("get", "/items/nope/similar", None, 404, "nope"),
    ("get", "/items/i1/similar?k=0", None, 422, "k"),
    ("post", "/events", {"user_id": "u3", "item_id": "nope"}, 404, "nope"),
    ("post", "/events", {"user_id": "u3"}, 422, "item_id"),
    ("post", "/items", {"item_id": "brand-new", "text": {"title": "x"}}, 422, "text"),
    ("post", "/items", {"item_id": "x", "text": "not a dict"}, 422, "text"),
])
def test_bad_input_gets_its_4xx_naming_the_field(client, method, path, body, status,
                                                 names) -> None:
    send = getattr(client, method)
    answer = send(path, json=body, headers=WRITE) if body is not None else send(path)
    assert answer.status_code == status, answer.text
    assert names in answer.json()["detail"]


def test_malformed_json_oversized_bodies_and_missing_tokens(client) -> None:
    broken = client.post("/recommend", content=b'{"user_id": ',
                         headers={"content-type": "application/json"})
    assert broken.status_code == 422 and "malformed JSON" in broken.json()["detail"]
    huge = client.post("/recommend", json={"history": ["i1"] * 2000})
    assert huge.status_code == 413 and "4096" in huge.json()["detail"]
    event = {"user_id": "u3", "item_id": "i1"}
    assert client.post("/events", json=event).status_code == 401
    assert client.post("/events", json=event,
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/items", json={"item_id": "x", "text": {}}).status_code == 401
    assert client.post("/events", json=event, headers=WRITE).status_code == 200


def test_unicode_and_slash_ids_round_trip(client) -> None:
    for user in ("ユーザー🙂", "a/b", "with space"):
        assert client.post("/events", json={"user_id": user, "item_id": "i2"},
                           headers=WRITE).status_code == 200
        answer = client.get(f"/users/{user}")
        assert answer.status_code == 200 and answer.json() == {"user_id": user,
                                                               "history": ["i2"]}


def test_a_full_scoring_model_serves_too(itemknn_bundle: Path, tmp_path: Path) -> None:
    engine = Engine(load_bundle(itemknn_bundle), SqliteStore())
    assert engine.index is None
    with TestClient(create_app(engine)) as client:
        assert client.get("/health").json()["index"] == "full scoring"
        items = client.post("/recommend", json={"history": ["i1", "i2"], "k": 5}).json()["items"]
        assert len(items) == 5 and {"i1", "i2"}.isdisjoint(i["item_id"] for i in items)
        similar = client.get("/items/i1/similar?k=3").json()["items"]
        assert len(similar) == 3 and "i1" not in [i["item_id"] for i in similar]
        explained = client.post("/explain", json={"history": ["i1", "i2"],
                                                  "item_id": items[0]["item_id"]}).json()
        assert [c["item_id"] for c in explained["contributions"]] == ["i1", "i2"]
        assert client.post("/events", json={"user_id": "u1", "item_id": "i3"}).status_code == 200
