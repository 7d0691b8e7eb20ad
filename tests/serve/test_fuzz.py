"""A fuzz of the HTTP API: arbitrary JSON bodies (wrong types, huge k, unicode ids, nesting),
raw bytes, odd path ids and missing or wrong tokens never get a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pretrec.serve.app import create_app
from pretrec.serve.bundle import load_bundle
from pretrec.serve.engine import Engine
from pretrec.serve.store import SqliteStore

ids = st.one_of(st.sampled_from(["u3", "i1", "i5", ""]), st.text(max_size=40))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True, allow_infinity=True), ids)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(ids, inner, max_size=5)), max_leaves=20)
fields = st.sampled_from(["user_id", "history", "k", "exclude_seen", "exclude", "item_id",
                          "timestamp", "text"])
bodies = st.one_of(json_values, st.dictionaries(fields, json_values, max_size=6))
endpoints = st.sampled_from(["/recommend", "/events", "/items", "/explain"])
headers = st.sampled_from([{}, {"Authorization": "Bearer tok"}, {"Authorization": "Bearer x"},
                           {"Authorization": "tok"}, {"Authorization": "Bearer " + "é" * 3}])
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def client(bundle: Path) -> Iterator[TestClient]:
    app = create_app(Engine(load_bundle(bundle), SqliteStore()), token="tok",
                     max_body_bytes=8192)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@FUZZ
@given(endpoint=endpoints, body=bodies, header=headers)
def test_json_bodies_never_get_a_5xx(client, endpoint, body, header) -> None:
    try:
        # Python's encoder writes NaN / Infinity, which strict JSON parsers refuse: fuzz too
        answer = client.post(endpoint, content=json.dumps(body),
                             headers={**header, "content-type": "application/json"})
    except UnicodeEncodeError:  # a header the HTTP client itself cannot send
        return
    assert answer.status_code < 500, (endpoint, body, answer.text)


@FUZZ
@given(endpoint=endpoints, raw=st.binary(max_size=300))
def test_raw_bytes_never_get_a_5xx(client, endpoint, raw) -> None:
    answer = client.post(endpoint, content=raw, headers={"content-type": "application/json"})
    assert answer.status_code < 500, (endpoint, raw, answer.text)


@FUZZ
@given(identifier=st.text(min_size=1, max_size=60), k=st.one_of(
    st.integers(-10**12, 10**12), st.text(max_size=5)))
def test_path_ids_and_query_k_never_get_a_5xx(client, identifier, k) -> None:
    for path in (f"/users/{identifier}", f"/items/{identifier}/similar"):
        try:
            answer = client.get(path, params={"k": k})
        except Exception as error:  # an id the client cannot put into a URL at all
            assert "URL" in type(error).__name__ or isinstance(error, ValueError)
            continue
        assert answer.status_code < 500, (path, k, answer.text)
