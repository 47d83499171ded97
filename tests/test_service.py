"""The HTTP service, run as a real server process on 127.0.0.1 and called with a real HTTP client."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import bsu_rules
from bsu_rules.audit.chain import verify_log
from bsu_rules.audit.log import DecisionLog

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "members.jsonl"
JSON = {"content-type": "application/json"}


def _serve(*options: str, stderr: Any = subprocess.PIPE) -> Iterator[httpx.Client]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "bsu_rules", "serve", "--port", str(port), *options],
                            stdout=subprocess.DEVNULL, stderr=stderr)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, headers=JSON)
    try:
        for _ in range(300):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield client
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


serving = contextmanager(_serve)


def _said(stderr: Path) -> list[str]:
    """What a server wrote on its standard error, its start-up lines and the line saying it was
    stopped left out."""
    return [line for line in stderr.read_text("utf-8").splitlines()
            if not line.startswith("bsu-rules serve: ") and line != "bsu-rules: interrupted"]


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service") / "decisions.jsonl"


@pytest.fixture(scope="module")
def server(log_path: Path) -> Iterator[httpx.Client]:
    yield from _serve("--log", str(log_path), "--full-nik")


@pytest.fixture(scope="module")
def strict() -> Iterator[httpx.Client]:
    dated = ROOT / "tests" / "fixtures" / "lint" / "gapped-parameter.yaml"
    yield from _serve("bsu-2022", str(dated), "--max-body", "2000", "--max-records", "3", "--time-limit", "1e-9")


def cli(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "bsu_rules", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False).stdout


def logged_cli(*args: str) -> str:
    """``cli`` with a log of full NIKs, as ``server`` keeps one: its decisions carry the sha256 of each record whole."""
    with tempfile.TemporaryDirectory() as folder:
        return cli(*args, "--log", str(Path(folder) / "log.jsonl"), "--full-nik")


def assert_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert "Traceback" not in r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return dict(body["error"])


class _InProcess:
    """The service called in this process (to make its log fail), through httpx's ASGI transport."""

    def __init__(self, raising: bool = False, **options: Any) -> None:
        from bsu_rules import load_ruleset
        from bsu_rules.service import create_app

        app = create_app([load_ruleset("bsu-2022")], **options)
        self.transport = httpx.ASGITransport(app=app, raise_app_exceptions=raising)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://test", headers=JSON) as client:
                return await client.request(method, url, **kwargs)
        return asyncio.run(send())



def test_requests_decide_in_turn_and_one_kept_waiting_past_the_limit_is_told_busy() -> None:
    """Requests deciding side by side share one core and each would run to its time limit, none answered:
    they decide in turn, the limit running from a request's turn, and one that waits longer than the limit
    is answered 503 at once, to retry."""
    from bsu_rules import load_ruleset
    from bsu_rules.service import Limits, create_app

    record = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    heavy = {**record, "wages": [{"period": "x", "amount": "y"}] * 30_000}  # checking it holds the turn a while
    app = create_app([load_ruleset("bsu-2022")], limits=Limits(max_seconds=0.3))

    async def both() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            async def later() -> httpx.Response:
                await asyncio.sleep(0.05)
                return await client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=record)
            return list(await asyncio.gather(
                client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=heavy), later()))
    first, second = asyncio.run(both())
    assert_error(first, 408, "time-limit")
    busy = assert_error(second, 503, "busy")
    assert "deciding other requests" in busy["message"] and second.headers["retry-after"] == "1"
    single = _InProcess(limits=Limits(max_seconds=0.3)).post("/v1/decisions", params={"ruleset": "bsu-2022"},
                                                             json=record)
    assert single.status_code == 200  # alone, the same record is decided at once


def test_decisions_are_the_cli_bytes(server: httpx.Client) -> None:
    expected = logged_cli("evaluate", "bsu-2022", str(EXAMPLES)).splitlines()
    lines = EXAMPLES.read_text("utf-8").splitlines()
    for line, decision in zip(lines, expected, strict=True):
        r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert r.text == decision
    many = "[" + ",".join(lines) + "]"
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=many)
    assert r.text == "[" + ",".join(expected) + "]"
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=many,
                    headers={"accept": "application/x-ndjson"})
    assert r.text.splitlines() == expected



def _invalid() -> str:
    """A list of records, three of them invalid."""
    good = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    period = {**good, "wages": [{**good["wages"][0], "period": "2022-13"}, *good["wages"][1:]]}
    return json.dumps([good, period, {**good, "nicknmae": "x"}, {"nik": "123"}])


def test_ndjson_is_what_evaluate_prints_error_lines_included(server: httpx.Client) -> None:
    with tempfile.TemporaryDirectory() as folder:
        expected = subprocess.run([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", "-", "--log",
                                   f"{folder}/log.jsonl", "--full-nik"], input=_invalid(),
                                  capture_output=True, text=True, cwd=ROOT, check=False).stdout
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=_invalid(),
                    headers={"accept": "application/x-ndjson"})
    assert r.status_code == 200 and r.text == expected and expected.count('{"error": {"record": ') == 3


@pytest.mark.parametrize("bad", ['{"nik":"\\ud800"}', '{"\\udfff":1}'])
def test_a_list_with_a_lone_surrogate_record_is_refused_record_by_record_alike(server: httpx.Client, bad: str) -> None:
    """A record of a JSON list holding a lone surrogate is that record's error, the others decided: the
    service and ``evaluate`` alike (``evaluate`` refused the whole list)."""
    body = f"[{EXAMPLES.read_text('utf-8').splitlines()[0]},{bad}]"
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-m", "bsu_rules", "evaluate", "bsu-2022", "-", "--log",
                               f"{folder}/log.jsonl", "--full-nik"], input=body,
                              capture_output=True, text=True, cwd=ROOT, check=False)
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body,
                    headers={"accept": "application/x-ndjson"})
    assert done.returncode == 1 and r.status_code == 200 and r.text == done.stdout
    assert done.stdout.count('"outcome":"eligible"') == 1 and '{"error": {"record": 2' in done.stdout


def test_hints_are_asked_for(server: httpx.Client) -> None:
    expected = logged_cli("evaluate", "bsu-2022", str(EXAMPLES), "--hints").splitlines()
    many = "[" + ",".join(EXAMPLES.read_text("utf-8").splitlines()) + "]"
    hinted = server.post("/v1/decisions", params={"ruleset": "bsu-2022", "hints": "true"}, content=many,
                         headers={"accept": "application/x-ndjson"})
    assert hinted.text.splitlines() == expected
    assert any(r["hint"] is not None for line in expected for r in json.loads(line)["rules"])
    plain = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=many).json()
    assert all(r["hint"] is None for d in plain for r in d["rules"])
    for d, line in zip(plain, expected, strict=True):  # the same decisions, the hints left out
        with_hints = json.loads(line)
        assert d == {**with_hints, "rules": [{**r, "hint": None} for r in with_hints["rules"]]}
    for given in ("maybe", "yes", "on", "t", "2", ""):  # true or false, 1 or 0 only, as the error says
        error = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022", "hints": given},
                                         content=many), 400, "bad-parameter")
        assert error == {"code": "bad-parameter", "field": "hints", "message": f"hints: `{given}` is neither true "
                         "nor false (hints takes true or false, in any letter case, or 1 or 0)"}


@pytest.mark.parametrize(("given", "hinted"), [("True", True), ("TRUE", True), ("1", True), ("False", False),
                                               ("FALSE", False), ("0", False)])
def test_hints_takes_what_clients_send_for_a_boolean(given: str, hinted: bool) -> None:
    """Python's requests sends ``True``; other clients send 1 or 0."""
    record = json.loads(EXAMPLES.read_text("utf-8").splitlines()[3])  # ineligible: a failed criterion to hint
    r = _InProcess().post("/v1/decisions", params={"ruleset": "bsu-2022", "hints": given}, json=record)
    assert r.status_code == 200, r.text
    assert any(rule["hint"] is not None for rule in r.json()["rules"]) == hinted


def test_a_decision_date_is_honoured(server: httpx.Client) -> None:
    record = EXAMPLES.read_text("utf-8").splitlines()[0]
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022", "on": "2022-12-01"}, content=record)
    assert r.json()["on"] == "2022-12-01"
    assert r.text == logged_cli("evaluate", "bsu-2022", str(EXAMPLES), "--on", "2022-12-01").splitlines()[0]


def test_malformed_records_keep_their_place(server: httpx.Client) -> None:
    good = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=[good, {**good, "nik": "12"}, 7])
    assert r.status_code == 200
    first, second, third = r.json()
    assert first["outcome"] == "eligible"
    assert second["error"] == {"code": "invalid-record", "field": "nik", "record": 2,
                               "message": "nik: has 2 characters, not 16"}
    assert third["error"]["record"] == 3 and "12" not in json.dumps(third)
    error = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json={"nik": "1"}),
                         422, "invalid-record")
    assert error["record"] == 1 and error["field"] == "nik"
    for record, said in (({**good, "nik": "12"}, second["error"]), ({"nik": "1"}, error)):  # the library's code too
        with pytest.raises(bsu_rules.InputError) as caught:
            bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2022"), record)
        assert (caught.value.code, caught.value.problems[0][0]) == (said["code"], said["field"])


def test_explanations_are_the_cli_text(server: httpx.Client, tmp_path: Path) -> None:
    record = EXAMPLES.read_text("utf-8").splitlines()[3]
    (tmp_path / "one.json").write_text(record, "utf-8")
    for audience, form in itertools.product(("worker", "officer", "auditor"), ("text", "speech")):
        text = logged_cli("evaluate", "bsu-2022", str(tmp_path / "one.json"), "--format", form, "--lang", "en",
                   "--audience", audience)
        page = text.rstrip("\n").rsplit("\n", 1)[0].rstrip("\n")  # without the summary line
        r = server.post("/v1/explanations", params={"ruleset": "bsu-2022", "lang": "en", "audience": audience,
                                                    **({"format": form} if form == "speech" else {})},
                        content=record)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        shown = "3171********0001" if audience != "worker" and form == "text" else "starting 3171 and ending 0001"
        assert r.text == page + "\n" and shown in page  # a worker's page, and any read aloud, says it in words
        assert ("✗" in page) == (form == "text") and ("4,950,000 rupiah" in page) == (form == "speech")
    r = server.post("/v1/explanations", params={"ruleset": "bsu-2022"}, content=f"[{record},{record}]")
    assert r.text.count("berawalan 3171 dan berakhiran 0001") == 2



def test_an_invalid_record_reads_as_evaluate_prints_it(server: httpx.Client, tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text(_invalid(), "utf-8")
    for lang in ("en", "id"):
        text = logged_cli("evaluate", "bsu-2022", str(tmp_path / "m.json"), "--format", "text", "--lang", lang)
        pages = text.rstrip("\n").rsplit("\n", 1)[0].rstrip("\n")  # without the summary line
        assert f"({tmp_path / 'm.json'}, " in pages  # the command names the file; a request has none
        pages = re.sub(r" \(\S+m\.json, (item|butir|line|baris) \d+\)", "", pages)
        r = server.post("/v1/explanations", params={"ruleset": "bsu-2022", "lang": lang}, content=_invalid())
        assert r.status_code == 200 and r.text == pages + "\n"
        assert '"error"' not in r.text and pages.count("2022-13") == 1


def test_an_invalid_record_read_aloud_is_what_evaluate_says(server: httpx.Client, tmp_path: Path) -> None:
    """``format=speech``: a record that cannot be decided is read as ``evaluate --format speech`` reads it, without
    the text page's list dashes, an English amount in English and a run of digits left out in words."""
    good = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    body = json.dumps([{**good, "wages": [{**good["wages"][0], "amount": int(good["nik"])}, *good["wages"][1:]]},
                       {**good, "kpj": good["nik"] + "x"}, json.loads(_invalid())[1]])
    (tmp_path / "m.json").write_text(body, "utf-8")
    for lang in ("en", "id"):
        text = logged_cli("evaluate", "bsu-2022", str(tmp_path / "m.json"), "--format", "speech", "--lang", lang)
        pages = re.sub(r" \(\S+m\.json, (item|butir) \d+\)", "", text.rstrip("\n").rsplit("\n", 1)[0].rstrip("\n"))
        r = server.post("/v1/explanations", params={"ruleset": "bsu-2022", "lang": lang, "format": "speech"},
                        content=body)
        assert r.status_code == 200 and r.text == pages + "\n"
        assert "  - " not in r.text and "<16" not in r.text and "2022-13" in r.text
        assert ("9,999,999,999 rupiah" in r.text) == (lang == "en")


def test_editions(server: httpx.Client, strict: httpx.Client) -> None:
    listed = server.get("/v1/editions").json()
    assert [e["id"] for e in listed] == ["bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"]
    one = server.get("/v1/editions/bsu-2022").json()
    assert one["sha256"] == next(e["sha256"] for e in listed if e["id"] == "bsu-2022")
    assert one["parameters"]["wage_ceiling"]["values"] == [{"from": None, "value": 3500000}]
    assert "pm-10-2022" in one["articles"]
    ceiling = next(c for c in one["criteria"] if c["id"] == "wage-ceiling")
    assert ceiling["kind"] == "require" and ceiling["source"].startswith("pm-10-2022")
    assert ceiling["shows"] == ["fact.wage_month", "fact.regional_minimum", "member.work_regency_code"]  # in full
    dated = strict.get("/v1/editions/lint-gapped-parameter").json()["parameters"]["wage_ceiling"]
    assert dated["values"] == [{"from": "2022-09-05", "value": 3500000}, {"from": "2022-11-01", "value": None}]
    error = assert_error(server.get("/v1/editions/bsu-2023"), 404, "unknown-edition")
    assert "bsu-2025" in error["message"] and error["field"] == "edition_id"  # the path's parameter


def test_schemas_and_openapi(server: httpx.Client) -> None:
    from openapi_spec_validator import validate

    from bsu_rules.schemas import schema

    for name in ("member", "decision", "ruleset"):
        assert server.get(f"/v1/schemas/{name}").json() == schema(name)
    doc = server.get("/openapi.json").json()
    validate(doc)
    paths = {"/v1/decisions", "/v1/explanations", "/v1/needed", "/v1/editions", "/v1/editions/{edition_id}", "/healthz"}
    assert paths <= set(doc["paths"])
    assert {"Member", "Decision", "Error", "Questions", "Need"} <= set(doc["components"]["schemas"])
    hints = next(p for p in doc["paths"]["/v1/decisions"]["post"]["parameters"] if p["name"] == "hints")
    assert hints["in"] == "query" and not hints["required"]
    assert hints["schema"]["type"] == "boolean" and hints["schema"]["default"] is False



def test_openapi_describes_every_answer(server: httpx.Client) -> None:
    from jsonschema import Draft202012Validator

    doc = server.get("/openapi.json").json()

    def check(method: str, path: str, r: httpx.Response, media: str = "application/json") -> None:
        declared = doc["paths"][path][method]["responses"][str(r.status_code)]["content"]
        assert r.headers["content-type"].startswith(media) and media in declared
        if media == "application/json":  # its references resolved against the document's components
            schema = {**declared[media]["schema"], "components": doc["components"]}
            Draft202012Validator(schema).validate(r.json())
        elif media == "application/x-ndjson":  # each line against the line's schema
            schema = {**declared[media]["x-item-schema"], "components": doc["components"]}
            lines = [json.loads(line) for line in r.text.splitlines()]
            assert any("error" in line for line in lines) and any("outcome" in line for line in lines)
            for line in lines:
                Draft202012Validator(schema).validate(line)

    lines = EXAMPLES.read_text("utf-8").splitlines()
    for path in ("/v1/decisions", "/v1/needed"):
        check("post", path, server.post(path, params={"ruleset": "bsu-2022"}, content=_invalid()))
        check("post", path, server.post(path, params={"ruleset": "bsu-2022"}, content=lines[0]))
        check("post", path, server.post(path, params={"ruleset": "bsu-2022"}, content='{"nik": "1"}'))
    check("post", "/v1/decisions", server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=_invalid(),
                                               headers={"accept": "application/x-ndjson"}), "application/x-ndjson")
    check("post", "/v1/explanations", server.post("/v1/explanations", params={"ruleset": "bsu-2022"},
                                                  content=_invalid()), "text/plain")
    check("post", "/v1/explanations", server.post("/v1/explanations", params={"ruleset": "bsu-2022"},
                                                  content='{"nik": "1"}'))
    check("post", "/v1/decisions", server.get("/v1/decisions"))
    check("get", "/v1/editions", server.get("/v1/editions", params={"On": "x"}))
    check("get", "/v1/schemas/{name}", server.get("/v1/schemas/members"))
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert {"400", "405", "408", "500", "503"} <= set(operation["responses"]), (method, path)
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_errors_have_one_shape(server: httpx.Client) -> None:
    record = EXAMPLES.read_text("utf-8").splitlines()[0]
    decide = "/v1/decisions"
    assert_error(server.post(decide, params={"ruleset": "bsu-2022"}, content="{nope"), 400, "bad-json")
    assert_error(server.post(decide, params={"ruleset": "bsu-2022"}, content="[" * 100_000), 400, "bad-json")
    for on, said in (("5/9/2022", "`5/9/2022` is not a date: write the date as YYYY-MM-DD (2022-09-05, reading it as "
                                  "day/month/year)"),
                     ("2022-02-30", "`2022-02-30` is not a date in the calendar: February 2022 has 28 days (did "
                                    "you mean 2022-02-28?)"),
                     ("2022-13-01", "`2022-13-01` is not a date in the calendar: a month is 01 to 12 (YYYY-MM-DD: "
                                    "the month before the day) (did you mean 2022-01-13?)")):  # as the command line
        error = assert_error(server.post(decide, params={"ruleset": "bsu-2022", "on": on}, content=record),
                             400, "bad-parameter")
        assert error["message"] == f"on: {said}" and error["field"] == "on"
        with pytest.raises(bsu_rules.ParameterError, match=f"on: {re.escape(said)}") as caught:  # and the Python API,
            bsu_rules.evaluate(bsu_rules.load_ruleset("bsu-2022"), json.loads(record), on=on)  # with the same code
        assert (caught.value.code, caught.value.problems[0][0]) == (error["code"], error["field"])
    needs = assert_error(server.post("/v1/needed", params={"ruleset": "bsu-2022", "on": "12/09/2022"}, content=record),
                         400, "bad-parameter")  # not a record's code, whichever path decides
    assert needs["field"] == "on"
    missing = assert_error(server.post(decide, content=record), 400, "bad-parameter")
    assert missing["message"].startswith("ruleset: missing: give an edition (served: bsu-2020, ")
    assert_error(server.post(decide, params={"ruleset": "bsu-2022", "on": "2020-01-01"}, content=record),
                 422, "out-of-force")
    assert_error(server.get(decide), 405, "method-not-allowed")
    assert_error(server.get("/v2/decisions"), 404, "not-found")
    error = assert_error(server.get("/v1/schemas/nope"), 400, "bad-parameter")
    assert error["message"] == "name: `nope` is not a value here: write `member` or `decision` or `ruleset`"
    explain = "/v1/explanations"
    error = assert_error(server.post(explain, params={"ruleset": "bsu-2022", "lang": "fr"}, content=record), 400,
                         "bad-parameter")  # in the service's words, not pydantic's "Input should be"
    assert (error["field"], error["message"]) == ("lang", "lang: `fr` is not a value here: write `id` or `en`")


def test_a_date_out_of_force_names_only_an_edition_served_here(server: httpx.Client, strict: httpx.Client) -> None:
    """The edition to use instead is one the client can ask this service for, as it serves it: a service without
    bsu-2025 does not send a request dated in 2025 there (it would answer 404), nor names a bundled file."""
    record = EXAMPLES.read_text("utf-8").splitlines()[0]
    dated = {"ruleset": "bsu-2022", "on": "2025-07-01"}
    every = assert_error(server.post("/v1/decisions", params=dated, content=record), 422, "out-of-force")["message"]
    assert every.endswith("on that date use bsu-2025 (in force from 2025-06-02, with no end date)")
    alone = assert_error(strict.post("/v1/decisions", params=dated, content=record), 422, "out-of-force")["message"]
    assert alone.endswith("on that date use lint-gapped-parameter (in force from 2022-09-05, with no end date)")
    early = {"ruleset": "bsu-2022", "on": "2021-01-01"}
    none = assert_error(strict.post("/v1/decisions", params=early, content=record), 422, "out-of-force")["message"]
    assert none.endswith("cannot use it: no edition served here is in force on that date")


def test_a_body_that_is_no_request_says_what_to_send(server: httpx.Client, strict: httpx.Client) -> None:
    lines = EXAMPLES.read_text("utf-8").splitlines()
    decide, bsu = "/v1/decisions", {"ruleset": "bsu-2022"}
    jsonl = assert_error(server.post(decide, params=bsu, content="\n".join(lines[:2])), 400, "bad-json")["message"]
    assert jsonl.endswith("send one record (a JSON object) or a JSON list of records, not one record per line")
    for empty in ("", " \n"):
        assert assert_error(server.post(decide, params=bsu, content=empty), 400, "bad-json")["message"].startswith(
            "the body is empty")
    big = json.dumps(json.loads(lines[0]) | {"name": "x" * 3000})

    def streamed(text: str) -> Iterator[bytes]:  # no Content-Length: the body is read up to the limit
        return (text[i:i + 500].encode() for i in range(0, len(text), 500))
    one = assert_error(strict.post(decide, params=bsu, content=streamed(big)), 413, "body-too-large")["message"]
    assert one.startswith("the record is over 2000 bytes") and one.endswith("this one record is too large")
    many = "the body is over 2000 bytes: send fewer records per request"
    for body, expected in ((f"   [{big}]", one), (f"[{lines[0]}, {big}]", many)):  # a list of one too big, of two
        error = assert_error(strict.post(decide, params=bsu, content=streamed(body)), 413, "body-too-large")
        assert error["message"] == expected


@pytest.mark.parametrize("item", ["null", "true", "-12.5e3", '"\\u00e9"'])
def test_one_record_over_the_limit_is_too_large_wherever_the_limit_cuts_it(strict: httpx.Client, item: str) -> None:
    from bsu_rules.members.decode import first_record_ends

    for pad in range(len(item) + 2):  # the limit falls at each place in an item, or between two
        record = '{"nik": "3204125708940003", "name": "' + "x" * pad + '", "wages": [' + ", ".join([item] * 700) + "]}"
        assert not first_record_ends(record[:2000]), record[1990:2000]
        assert first_record_ends(f"[{{}}, {record}"[:2000])
        body = (record[i:i + 500].encode() for i in range(0, len(record), 500))
        error = assert_error(strict.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body), 413,
                             "body-too-large")
        assert error["message"].endswith("this one record is too large"), (record[1990:2000], error)


@pytest.mark.parametrize("expect", [b"", b"Expect: 100-continue\r\n"])
def test_a_body_over_the_limit_by_its_content_length_is_refused_at_once(strict: httpx.Client, expect: bytes) -> None:
    with socket.create_connection((strict.base_url.host, strict.base_url.port), timeout=10) as s:
        s.sendall(b"POST /v1/decisions?ruleset=bsu-2022 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/json\r\n"
                  + expect + b"Content-Length: 2000000\r\n\r\n")  # and no body: the answer does not wait for it
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ") and b"connection: close" in head.lower(), answer
    error = json.loads(body)["error"]
    assert error["code"] == "body-too-large" and error["message"].startswith("the body is over 2000 bytes by its "
                                                                            "Content-Length")
    big = json.dumps(json.loads(EXAMPLES.read_text("utf-8").splitlines()[0]) | {"name": "x" * 3000})
    assert_error(strict.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=big), 413, "body-too-large")


@pytest.mark.parametrize(("accept", "ndjson"), [
    ("application/x-ndjson", True), ("application/x-ndjson;q=0, application/json", False),
    ("application/json, application/x-ndjson;q=0.5", False), ("application/x-ndjson;q=0.9, */*;q=0.1", True),
    ("*/*", False), ("application/json;q=0", True), ("application/json;q=0, */*;q=0.5", True),
    ("application/json;q=0, application/x-ndjson;q=0", False),
    ("application/x-ndjson;q=nan", False), ("application/x-ndjson;q=1e9", False), ("application/x-ndjson;q=2", False),
    ("application/json;q=x", False), ("application/x-ndjson;q=0.5, application/json;q=.9", True),
])
def test_accept_is_read_with_its_q_values(server: httpx.Client, accept: str, ndjson: bool) -> None:
    lines = EXAMPLES.read_text("utf-8").splitlines()[:2]
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=f"[{','.join(lines)}]",
                    headers={"accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson" if ndjson else "application/json")


def test_a_value_or_key_cut_short_is_quoted_whole(server: httpx.Client) -> None:
    """Cut before it is quoted or escaped: the closing quote kept, never half an escape, no NIK."""
    good = EXAMPLES.read_text("utf-8").splitlines()[0]
    member = json.loads(good)
    for changes in ({"citizenship": "ＷＮＩ" * 15}, {"wages": [{"period": "2022-07", "amount": "Ｒｐ" * 30}]},
                    {"wages": [{"period": "2022-07", "amount": "３２０４１２５７０８９４０００３"}]}):
        message = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=member | changes),
                               422, "invalid-record")["message"]
        quoted = re.search(r"""(['"]).*\1""", message)
        assert quoted and not re.search(r"\\u[0-9a-f]{0,3}(?![0-9a-f])", message), message
        assert "\\uff13\\uff12\\uff10\\uff14" not in message  # the NIK in full-width digits, escaped
    key = "ＷＮＩ" * 20
    twice = good[:-1] + f', "{key}": 1, "{key}": 2}}'
    message = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=twice), 422,
                           "invalid-record")["message"]
    assert f"the key `{key[:40]}…` appears" in message, message  # as every key a message names
    odd = '"' * 60
    page = server.post("/v1/explanations", params={"ruleset": "bsu-2022", "lang": "en"},
                       content=f"[{good}, {json.dumps(member | {odd: 1})}]").text
    assert json.dumps(odd[:40] + "…", ensure_ascii=False) + " is not a known field" in page


def test_a_wrong_method_or_path_says_what_there_is(server: httpx.Client) -> None:
    wrong = server.get("/v1/decisions")
    assert assert_error(wrong, 405, "method-not-allowed")["message"] == "/v1/decisions does not take GET; it takes POST"
    assert wrong.headers["allow"] == "POST"
    wrong = server.post("/healthz", content="{}")
    assert assert_error(wrong, 405, "method-not-allowed")["message"].endswith("it takes GET or HEAD")
    assert wrong.headers["allow"] == "GET, HEAD"
    assert server.head("/v1/decisions").headers["allow"] == "POST"
    missing = assert_error(server.get("/v2/decisions"), 404, "not-found")["message"]
    assert missing.startswith("no path /v2/decisions here; did you mean /v1/decisions? (the paths: GET /healthz, ")
    assert "POST /v1/needed, GET /v1/schemas/{name})" in missing
    nik = assert_error(server.get("/v1/3204-1257-0894-0003"), 404, "not-found")["message"]
    assert nik.startswith("no path /v1/<16 digits> here")  # the version's digit is not counted in


@pytest.mark.parametrize(("path", "meant"), [
    ("/v1/editions/bsu-2022/", "/v1/editions/bsu-2022"), ("/v1/editions//", "/v1/editions"),
    ("/healthz/", "/healthz"), ("/v1/schemas/member/", "/v1/schemas/member"),
    ("/v1/editions/3204125708940003/", "/v1/editions/{edition_id}")])
def test_a_path_with_a_trailing_slash_suggests_the_path_without_it(server: httpx.Client, path: str,
                                                                   meant: str) -> None:
    """A route's path with a slash after it suggests that path, its parameter kept (not the nearest
    route by spelling, ``/v1/editions``); the route as declared when the parameter would be hidden."""
    message = assert_error(server.get(path), 404, "not-found")["message"]
    assert f"; did you mean {meant}? (the paths: " in message and "08940003" not in message


@pytest.mark.parametrize(("path", "shown"), [
    ("/32041257/08940003", "/<16 digits>"), ("/3204125/708940003/x", "/<16 digits>/x"),
    ("/32041257%0008940003", "/<16 digits>"), ("/v1/32041257%0008940003", "/v1/<16 digits>")])
def test_a_path_not_found_hides_a_nik_split_across_its_segments(server: httpx.Client, path: str, shown: str) -> None:
    """A NIK parted by the first slash of the path, or by a control character, is left out of the
    404 message as one parted after the version is (the first segment was hidden apart from the rest)."""
    message = assert_error(server.get(path), 404, "not-found")["message"]
    assert message.startswith(f"no path {shown} here")
    assert "08940003" not in message


ALPHABET = "abcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize(("value", "shown"), [
    (ALPHABET + "abcdefghi3204125708940003", ALPHABET + "abcdefghi…"),  # <16 digits> would be cut: left out
    (ALPHABET + "3204125708940003", ALPHABET + "<16 digits>"),  # 37 characters: whole
    (ALPHABET + "abcdefghijk123456789" + "3204125708940003", ALPHABET + "abcdefghijk…"),  # 9 digits + 16: one run
    (ALPHABET + "a" * 24, ALPHABET + "a" * 14 + "…"),
    ("x" * 38 + "\u202e" + "y", "x" * 38 + "…"),  # its escape would be cut: left out
])
def test_a_long_query_value_is_cut_with_a_mark_never_through_a_run_of_digits(server: httpx.Client, value: str,
                                                                            shown: str) -> None:
    """A query value repeated in a message is cut to 40 characters, ``…`` where it was cut, never
    through a ``<16 digits>`` (or an escape), and no ten digits of it are left together."""
    from bsu_rules.members.redact import hide_identifiers

    for params, status, code, said in (({"ruleset": value}, 404, "unknown-edition", f"no edition `{shown}` here"),
                                       ({"ruleset": "bsu-2022", "on": value}, 400, "bad-parameter",
                                        f"on: `{shown}` is not a date")):
        message = assert_error(server.post("/v1/decisions", params=params, content="{}"), status, code)["message"]
        assert said in message, message
        assert not re.search(r"<[0-9]+ d(?!igits>)|<[0-9]*…", message) and hide_identifiers(message) == message


def test_a_long_path_is_cut_with_a_mark_never_through_a_run_of_digits(server: httpx.Client) -> None:
    message = assert_error(server.get("/v1/" + "a" * 50 + "3204125708940003"), 404, "not-found")["message"]
    assert message.startswith("no path /v1/" + "a" * 50 + "… here"), message
    message = assert_error(server.get("/v1/b/" + "a" * 50 + "/3204125708940003"), 404, "not-found")["message"]
    assert message.startswith("no path /v1/b/" + "a" * 50 + "/… here"), message  # cut before <16 digits>


@pytest.mark.parametrize("path", ["/healthz", "/v1/editions", "/v1/editions/bsu-2022", "/openapi.json"])
def test_head_is_answered_on_a_get_path(server: httpx.Client, path: str) -> None:
    """A load balancer probes with HEAD: GET's status and headers, no body."""
    head, get = server.head(path), server.get(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"] == "application/json"
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))


@pytest.mark.parametrize(("headers", "said"), [
    ({"content-type": "text/plain"}, "not `text/plain`"),
    ({"content-type": "application/x-www-form-urlencoded"}, "curl's -d and --data-binary send that type"),
    ({"content-type": "multipart/form-data; boundary=x"}, "not `multipart/form-data; boundary=x`"),
    ({"content-type": ""}, "not none"),
    ({"content-type": "application/json; charset=latin-1"}, "(UTF-8)"),
    ({"content-type": "application/x-ndjson"}, "not `application/x-ndjson`"),
    ({"content-encoding": "gzip"}, "Content-Encoding `gzip`: send it uncompressed"),
])
def test_a_body_not_sent_as_json_is_refused(server: httpx.Client, headers: dict[str, str], said: str) -> None:
    """A web page can send these to another site without the browser asking first (and would push
    decisions into the decision log); a compressed body was read as text that is not UTF-8."""
    record = EXAMPLES.read_text("utf-8").splitlines()[0]
    for path in ("/v1/decisions", "/v1/explanations", "/v1/needed"):
        refused = assert_error(server.post(path, params={"ruleset": "bsu-2022"}, content=record, headers=headers),
                               415, "unsupported-media-type")
        assert said in refused["message"]
    for kind in ("application/json", "Application/JSON; charset=UTF-8", 'application/json;charset="utf-8"'):
        r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=record, headers={"content-type": kind})
        assert r.status_code == 200, r.text
    assert server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=record,
                       headers={"content-encoding": "identity"}).status_code == 200
    paths = server.get("/openapi.json").json()["paths"]
    assert all("415" in paths[p]["post"]["responses"] for p in ("/v1/decisions", "/v1/explanations", "/v1/needed"))


def test_limits(strict: httpx.Client) -> None:
    record = EXAMPLES.read_text("utf-8").splitlines()[0]
    decide = "/v1/decisions"
    assert_error(strict.post(decide, params={"ruleset": "bsu-2022"}, content=f"[{record},{record},{record}]"),
                 413, "body-too-large")
    assert_error(strict.post(decide, params={"ruleset": "bsu-2022"}, content="[{},{},{},{}]"),
                 413, "too-many-records")
    assert_error(strict.post(decide, params={"ruleset": "bsu-2022"}, content=record), 408, "time-limit")
    late = assert_error(strict.post(decide, params={"ruleset": "bsu-2022"}, content='{"x": 1}'), 408, "time-limit")
    assert "too many problems to check" in late["message"] and "histories" not in late["message"]
    chunks = (record.encode() for _ in range(10))  # no Content-Length: the stream itself is counted
    assert_error(strict.post(decide, params={"ruleset": "bsu-2022"}, content=chunks), 413, "body-too-large")
    assert_error(strict.post(decide, params={"ruleset": "bsu-2021"}, content=record), 404, "unknown-edition")


def test_every_decision_is_in_the_verified_log(server: httpx.Client, log_path: Path) -> None:
    before = len(log_path.read_text().splitlines()) if log_path.exists() else 0
    records = [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines()]
    fresh = [{**r, "name": f"Logged once {i}"} for i, r in enumerate(records[:5])]  # logged once only
    answered = [server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=r).text for r in fresh]
    lines = log_path.read_text().splitlines()[before:]
    assert [json.dumps(json.loads(line)["decision"], separators=(",", ":"), ensure_ascii=False) for line in lines] \
        == answered
    assert verify_log(log_path).ok


def test_a_short_load_run_has_no_errors(server: httpx.Client) -> None:
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "service.py"), "--requests", "300",
                          "--concurrency", "8", "--url", str(server.base_url)], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0 and " 0 errors" in run.stdout, run.stdout + run.stderr


def test_what_to_ask_next(server: httpx.Client) -> None:
    record = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    partial = {k: v for k, v in record.items() if k not in ("wages", "registered_on")}
    r = server.post("/v1/needed", params={"ruleset": "bsu-2022"}, json=partial)
    assert r.status_code == 200
    body = r.json()
    assert body["outcome"] == "undetermined"
    assert [n["input"] for n in body["needed"]] == ["member.registered_on", "member.wages"]
    assert body["needed"][1]["why"] == [{"criterion": "wage-ceiling", "basis": "regulation",
                                         "source": "pm-10-2022, Pasal 3 ayat (2) huruf c; Pasal 4"}]
    settled = server.post("/v1/needed", params={"ruleset": "bsu-2022"}, json=[{**partial, "citizenship": "WNA"}, 1])
    first, second = settled.json()
    assert first == {"outcome": "ineligible", "needed": []} and second["error"]["code"] == "invalid-record"


def test_a_body_that_is_not_utf8_is_refused_whole(server: httpx.Client) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    for body in (line.encode("utf-16"), line.encode("utf-32")):
        error = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body),
                             400, "bad-json")
        assert "not UTF-8" in error["message"]
    assert server.post("/v1/decisions", params={"ruleset": "bsu-2022"},
                       content=b"\xef\xbb\xbf" + line.encode()).status_code == 200  # a UTF-8 BOM is UTF-8


def test_a_query_parameter_is_given_once_and_a_date_as_a_date(server: httpx.Client) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    for query, field in (("ruleset=bsu-2022&ruleset=bsu-2021", "ruleset"), ("ruleset=bsu-2022&on=1662336000", "on"),
                         ("ruleset=bsu-2022&on=2022-09-05T00:00:00%2B07:00", "on")):
        error = assert_error(server.post(f"/v1/decisions?{query}", content=line), 400, "bad-parameter")
        assert error["field"] == field


def test_a_connection_must_send_its_head_in_time_and_connections_are_capped(tmp_path: Path) -> None:
    """A client holding connections without sending a request (or sending its head a line at a time)
    cannot take the service: such a connection is closed (answered 408 if part of a head came), and those
    above the cap are answered 503."""
    with (tmp_path / "stderr").open("w") as stderr, \
            serving("bsu-2022", "--head-time-limit", "1", "--max-connections", "3", stderr=stderr) as client:
        port = int(str(client.base_url).rsplit(":", 1)[1].rstrip("/"))
        idle, slow = socket.create_connection(("127.0.0.1", port)), socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /healthz HTTP/1.1\r\n")
        extra = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
        for held in (idle, slow, *extra):
            held.settimeout(10)
        busy = extra[-1].recv(300)  # the fourth connection, told when to try again as a busy app tells it
        assert busy.startswith(b"HTTP/1.1 503") and b"\r\nretry-after: 1\r\n" in busy
        assert b"\r\nx-content-type-options: nosniff\r\n" in busy
        answer = slow.recv(1000)
        assert answer.startswith(b"HTTP/1.1 408") and b'{"error":{"code":"time-limit","message":' in answer
        assert b"\r\nx-content-type-options: nosniff\r\n" in answer
        assert slow.recv(10) == b"" and idle.recv(10) == b""  # closed
        for held in (idle, slow, *extra):
            held.close()
        assert client.get("/healthz").status_code == 200
        # a declared body the answer did not read, then a byte now and then; answers never read
        unread = socket.create_connection(("127.0.0.1", port))
        unread.sendall(b"POST /v1/decisions?ruleset=bsu-2022 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
        unread.settimeout(10)
        assert unread.recv(200).startswith(b"HTTP/1.1 415")
        deaf = socket.socket()
        deaf.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        deaf.connect(("127.0.0.1", port))
        deaf.setblocking(False)
        try:
            for _ in range(300):
                deaf.send(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        except BlockingIOError:
            pass
        with contextlib.suppress(OSError):  # closed a second after its answer: no request was coming
            for _ in range(4):
                time.sleep(0.4)
                unread.sendall(b"x")
        unread.settimeout(3)
        with contextlib.suppress(ConnectionResetError):
            while unread.recv(65536):  # the rest of its answer, then its end
                pass
        time.sleep(1.5)  # the deaf one dropped a second after its answers stopped being read
        deaf.setblocking(True)
        deaf.settimeout(5)
        with contextlib.suppress(ConnectionResetError):  # its end comes (a held one would time out)
            while deaf.recv(65536):
                pass
        for held in (unread, deaf):
            held.close()
    assert _said(tmp_path / "stderr") == []


def test_a_request_framed_two_ways_is_refused_and_its_connection_closed(server: httpx.Client) -> None:
    """Content-Length and Transfer-Encoding both given: a front end framing by the first would pass the
    chunked end and a second request as one body; the service answers once and closes (no smuggling)."""
    port = int(str(server.base_url).rsplit(":", 1)[1].rstrip("/"))
    tail = b"0\r\n\r\nGET /v1/editions/bsu-2022 HTTP/1.1\r\nHost: x\r\n\r\n"
    request = (b"POST /v1/decisions?ruleset=bsu-2022 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(tail)) + tail
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(10)
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):  # the end comes: the connection is closed
            answer += chunk
    assert answer.count(b"HTTP/1.1 ") == 1 and answer.startswith(b"HTTP/1.1 400"), answer
    assert b"both Content-Length and Transfer-Encoding" in answer


def test_an_edition_for_a_year_with_none_names_the_one_in_force_then(server: httpx.Client) -> None:
    error = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2024"}, content="{}"), 404,
                         "unknown-edition")
    assert "none is for 2024: bsu-2022 is in force then" in error["message"]
    assert error["message"].endswith("did you mean `bsu-2022`?")
    for name in ("bsu-0000", "foo-2024"):
        r = server.get(f"/v1/editions/{name}")
        assert "none is for" not in assert_error(r, 404, "unknown-edition")["message"]


def test_a_method_is_repeated_as_any_value_a_client_sent_is(server: httpx.Client) -> None:
    error = assert_error(server.request("3204125708940003", "/healthz"), 405, "method-not-allowed")
    assert "3204125708940003" not in error["message"] and "<16 digits>" in error["message"]
    assert len(assert_error(server.request("A" * 3000, "/healthz"), 405, "method-not-allowed")["message"]) < 200


def test_a_flood_of_garbage_requests_is_said_once_a_second(tmp_path: Path) -> None:
    """Any client can send bytes that are not HTTP as often as it likes: the server's warning is not
    written once for each (it would fill the operator's log), and the service keeps answering."""
    with (tmp_path / "stderr").open("w") as stderr, serving("bsu-2022", stderr=stderr) as client:
        port = int(str(client.base_url).rsplit(":", 1)[1].rstrip("/"))
        for _ in range(40):
            with socket.create_connection(("127.0.0.1", port)) as garbage:
                garbage.settimeout(10)
                garbage.sendall(b"\x00\x01 not http\r\n\r\n")
                with contextlib.suppress(OSError):
                    while garbage.recv(1000):
                        pass
        assert client.get("/healthz").status_code == 200
        upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
        assert client.get("/healthz", headers=upgrade).status_code == 200  # answered as the request it also is
    said = _said(tmp_path / "stderr")
    assert not [line for line in said if "upgrade" in line.lower() or "WebSocket" in line], said  # no advice
    assert 1 <= sum("Invalid HTTP request received." in line for line in said) <= 3, said
    assert all("Traceback" not in line for line in said)


@pytest.mark.parametrize(("options", "said"), [
    (["bsu-2022", "bsu-2022"], "would be served twice"),
    (["bsu-2022", "--port", "99999"], "is not a port"),
    (["bsu-2022", "--time-limit", "nan"], "is not a time limit (a number of seconds above 0, 3600 at most)"),
    (["bsu-2022", "--time-limit", "0"], "is not a time limit"),
    (["bsu-2022", "--time-limit", "-1"], "is not a time limit"),
    (["bsu-2022", "--key-file", "k"], "needs --log"),
    (["bsu-2022", "--head-time-limit", "0"], "is not a time limit"),
    (["bsu-2022", "--head-time-limit", "1e308"], "is not a time limit (a number of seconds above 0, 3600 at most)"),
    (["bsu-2022", "--body-time-limit", "3600.5"], "is not a time limit"),
    (["bsu-2022", "--max-body", "3204125708940003"], "'<16 digits>' is more than 1 GiB"),
    (["bsu-2022", "--max-records", "1000001"], "is more than a million records"),
    (["bsu-2022", "--log", ""], "--log is empty"),  # `--log "$LOG"`, LOG unset: no audit trail, silently
    (["bsu-2022", "--max-connections", "0"], "0"),
])
def test_serve_refuses_to_start_on_a_bad_option(options: list[str], said: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bsu_rules", "serve", *options], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr


_SECRET = "kunci-rahasia"  # a key given where it does not pass: never repeated


@pytest.mark.parametrize(("env", "key_file", "said"), [
    ("", None, "$BSU_RULES_PSEUDONYM_KEY: the key is empty or only spaces"),  # a secret that did not arrive
    ("  \n", None, "$BSU_RULES_PSEUDONYM_KEY: the key is empty or only spaces"),
    (_SECRET, None, "$BSU_RULES_PSEUDONYM_KEY: the key is 13 bytes, shorter than 16"),
    (None, "missing.key", "missing.key: no such file or folder"),
    (None, "empty.key", "empty.key: the key file is empty"),
    (None, "spaces.key", "spaces.key: the key (the file's first line) is empty or only spaces"),
    (None, "short.key", "short.key: the key is 13 bytes, shorter than 16"),
    (None, "dangling.key", "dangling.key: no such file or folder"),
    (None, "folder.key", "folder.key: is a folder, not a file"),
    (None, "/dev/zero", "/dev/zero: a device, not a regular file"),
    (None, "/proc/self/mem", "/proc/self/mem: input/output error"),  # opened, then an error reading it
])
def test_serve_refuses_a_log_key_that_is_none_before_it_listens(tmp_path: Path, env: str | None,
                                                                 key_file: str | None, said: str) -> None:
    """`serve --log` with the key's variable set but empty, or a key file missing, empty, a folder, a device or
    unreadable, stops at start-up (exit 2) naming the variable or the file: never a traceback, a log of full NIKs
    or of no key, a message about another thing (an empty variable was "give a pseudonymisation key"; an error
    reading the file, "the output could not be written"), and never the key."""
    if key_file == "/proc/self/mem" and not Path(key_file).exists():
        pytest.skip("no /proc")
    (tmp_path / "empty.key").touch()
    (tmp_path / "spaces.key").write_text(" \t\nsecond line\n")
    (tmp_path / "short.key").write_text(_SECRET + "\n")
    (tmp_path / "dangling.key").symlink_to(tmp_path / "nowhere")
    (tmp_path / "folder.key").mkdir()
    for key in (k for k in tmp_path.glob("*.key") if not k.is_symlink()):
        key.chmod(0o700 if key.is_dir() else 0o600)
    environ = {k: v for k, v in os.environ.items() if k != "BSU_RULES_PSEUDONYM_KEY"}
    if env is not None:
        environ["BSU_RULES_PSEUDONYM_KEY"] = env
    log = tmp_path / "d.jsonl"
    with socket.socket() as taken:  # were the key taken, serve would stop here instead, saying so
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = subprocess.run([sys.executable, "-m", "bsu_rules", "serve", "bsu-2022", "--log", str(log),
                               *(["--key-file", key_file] if key_file else []), "--port", str(taken.getsockname()[1])],
                              capture_output=True, text=True, timeout=60, check=False, env=environ, cwd=tmp_path)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "listening" not in done.stderr and "cannot listen" not in done.stderr
    assert _SECRET not in done.stderr and (not log.exists() or log.read_bytes() == b"")
    if key_file and key_file.endswith("mem"):
        assert "could not be written" not in done.stderr


def test_serve_refuses_a_damaged_log_before_it_listens(tmp_path: Path) -> None:
    log = tmp_path / "damaged.jsonl"
    log.write_text('{"decision": {}, "seq": 1')  # a cut line
    done = subprocess.run([sys.executable, "-m", "bsu_rules", "serve", "bsu-2022", "--log", str(log), "--full-nik"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "line 1: truncated" in done.stderr and "listening" not in done.stderr


def test_serve_warns_that_it_extends_a_signed_log_unsigned(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    log.touch()
    log.with_name("s.jsonl.checkpoints").touch()
    with socket.socket() as taken:  # the port is taken: serve stops after it opened the log
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = subprocess.run([sys.executable, "-m", "bsu_rules", "serve", "bsu-2022", "--log", str(log),
                               "--full-nik", "--port", str(taken.getsockname()[1])],
                              capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "cannot listen" in done.stderr
    assert done.stderr.count("not covered by a signed checkpoint") == 1


def test_a_record_with_a_number_too_long_is_refused_alone(server: httpx.Client) -> None:
    good = EXAMPLES.read_text("utf-8").splitlines()[0]
    body = f'[{good}, {{"nik": "3204125708940003", "wages": [{{"period": "2022-07", "amount": {"9" * 5000}}}]}}]'
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body)
    assert r.status_code == 200
    first, second = r.json()
    assert first["outcome"] == "eligible"
    assert second["error"]["record"] == 2 and "more than 30 digits" in second["error"]["message"]
    assert second["error"]["field"] == "wages[0].amount" and "9" * 31 not in r.text  # as evaluate and batch name it
    twice = good.replace('{"nik"', '{"nik": "3374050311890007", "nik"', 1)
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=f"[{good}, {twice}]")
    first, second = r.json()
    assert first["outcome"] == "eligible" and second["error"]["record"] == 2
    assert "the key `nik` appears more than once" in second["error"]["message"] and "3374050311890007" not in r.text
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"},
                    content=f'[{good}, {{"nik": {"[" * 1200 + "]" * 1200}}}, {good}]')
    first, second, third = r.json()
    assert first["outcome"] == third["outcome"] == "eligible"
    assert second["error"] == {"code": "invalid-record", "field": "nik", "record": 2,  # named past json's limit too
                               "message": "nik: nested too deeply (more than 64 levels of objects and lists)"}
    deep = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content="[" * 100_000),
                        400, "bad-json")
    assert deep["message"] == "the body is nested too deeply (more than 64 levels of objects and lists)"


@pytest.mark.parametrize("depth", [65, 600, 950, 1200])
def test_a_record_nested_too_deeply_is_refused_alone_at_any_depth(server: httpx.Client, depth: int) -> None:
    good = EXAMPLES.read_text("utf-8").splitlines()[0]
    deep = good[:-1] + ', "note": ' + "[" * depth + "]" * depth + "}"
    r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=f"[{good}, {deep}, {good}]")
    first, second, third = r.json()
    assert r.status_code == 200 and first["outcome"] == third["outcome"] == "eligible"
    assert second["error"]["code"] == "invalid-record"
    assert "nested too deeply (more than 64" in second["error"]["message"]
    alone = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=deep), 422,
                         "invalid-record")
    assert "nested too deeply (more than 64" in alone["message"]


def test_a_lone_surrogate_is_refused_alone(server: httpx.Client) -> None:
    good = EXAMPLES.read_text("utf-8").splitlines()[0]
    for bad in ('{"nik":"3204125708940003","citizenship":"\\ud800","participant_category":"PU"}',
                '{"nik":"3204125708940003","\\ud800":"WNI","participant_category":"PU"}'):
        r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=f"[{good},{bad},{good}]")
        assert r.status_code == 200, r.text
        first, second, third = r.json()
        assert first["outcome"] == third["outcome"] == "eligible"
        assert second["error"]["record"] == 2 and "surrogate" in second["error"]["message"]
        error = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=bad),
                             422, "invalid-record")
        assert "surrogate" in error["message"]


@pytest.mark.parametrize("bad", [{"[0]": 1}, {".": 1}, {"][": 1}, {"employer": {"sector": "\udfff"}},
                                 {"kpj": "\udfff"}, {"work_regency_code": "\udfff"}],
                         ids=["index-key", "dot-key", "brackets-key", "sector-surrogate", "kpj-surrogate",
                              "regency-surrogate"])
def test_a_record_no_page_could_quote_is_rejected_alone(server: httpx.Client, bad: dict[str, Any]) -> None:
    """A key holding a path's "." or "[0]", or a lone surrogate in any field, is its record's paragraph (or
    error object); the records around it are decided."""
    good = EXAMPLES.read_text("utf-8").splitlines()[0]
    record = json.dumps({"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU", **bad})
    body = f"[{good},{record},{good}]"
    r = server.post("/v1/explanations", params={"ruleset": "bsu-2022", "lang": "en"}, content=body)
    assert r.status_code == 200, r.text
    assert r.text.count("\nELIGIBLE to receive BSU\n") == 2
    said = "holds text with a lone UTF-16 surrogate" if "\\udfff" in record else \
        f"{json.dumps(next(iter(bad)))} is not a known field"
    page = r.text.split("\n\nRecord 2 cannot be decided because its data is not valid:\n  - ")[1]
    assert said in page.splitlines()[0]
    decided = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body)
    assert decided.status_code == 200 and "outcome" in decided.json()[0] and "error" in decided.json()[1]


def test_a_pseudonymising_log_s_decisions_are_answered_as_logged_with_the_keyed_input_hash(tmp_path: Path) -> None:
    """A sparse record's plain input hash would confirm a guess of its NIK's hidden digits: with a key, the
    answer and the log carry the keyed hash, and the answer is the decision the log holds."""
    from bsu_rules.audit import input_hash
    from bsu_rules.members import parse_record, record_hash

    path = tmp_path / "d.jsonl"
    client = _InProcess(log=DecisionLog(path, key="kunci-layanan-uji-16"))
    record = {"nik": "3204073012830004", "citizenship": "WNI", "participant_category": "PU"}
    r = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=[record])
    assert r.status_code == 200, r.text
    member = parse_record(record).record
    assert r.json()[0]["member"]["input_sha256"] == input_hash(member, "kunci-layanan-uji-16") != record_hash(member)
    assert [json.loads(line)["decision"] for line in path.read_text("utf-8").splitlines()] == r.json()


def test_a_request_whose_pages_fail_logs_none_of_its_decisions(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A decision is logged only with the answer that carries it: a page that cannot be written fails the
    request before anything is logged."""
    import bsu_rules.service.app as service

    path = tmp_path / "d.jsonl"
    client = _InProcess(log=DecisionLog(path, full_nik=True))

    def failing(*args: Any) -> str:
        raise ValueError("no page")
    monkeypatch.setattr(service, "render_text", failing)
    lines = EXAMPLES.read_text("utf-8").splitlines()[:2]
    r = client.post("/v1/explanations", params={"ruleset": "bsu-2022"}, content="[" + ",".join(lines) + "]")
    assert_error(r, 500, "internal")
    assert not path.exists() or path.read_bytes() == b""


def test_a_failure_is_logged_as_one_line_without_the_record(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The server gets no exception to log as it is (its traceback would quote pydantic's error, the
    record's NIK and account number included): one bounded line, the type and where, and a 500."""
    import bsu_rules.members.parse as parse

    def failing(*args: Any) -> str:
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(parse, "_message", failing)
    record = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0]) | {"wages": [{"period": "2022-07", "amount": "x"}]}
    client = _InProcess(raising=True)  # an exception out of the app would be raised here
    assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=record), 500, "internal")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 300, err
    assert "ZeroDivisionError at test_service.py:" in err and "called from bsu_rules/members/parse.py:" in err
    assert record["nik"] not in err and record["bank_account"]["number"] not in err and "a bug" not in err
    with pytest.raises(ZeroDivisionError) as raised:
        parse.parse_member(record)
    assert raised.value.__context__ is None  # pydantic's error, quoting the record's values, is not chained


def test_health_says_the_decision_log_cannot_be_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A balancer polling /healthz stops sending requests while every decision would fail."""
    path = tmp_path / "d.jsonl"
    client = _InProcess(log=DecisionLog(path, full_nik=True))
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    assert client.get("/healthz").status_code == 200
    with path.open("ab") as f:
        f.write(b'{"partial')
    for _ in range(3):
        assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line), 500, "internal")
    for _ in range(2):
        error = assert_error(client.get("/healthz"), 503, "log-unavailable")
        assert str(path) not in error["message"]
    assert capsys.readouterr().err.count("truncated") == 1  # said once, until the fault changes
    os.truncate(path, path.stat().st_size - len(b'{"partial'))
    assert client.get("/healthz").status_code == 200
    assert client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line).status_code == 200


def test_an_unknown_query_parameter_is_named_with_the_nearest_known_one(server: httpx.Client) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    for path, query, hint in (("/v1/decisions", "ruleset=bsu-2022&On=1900-01-01", "on"),
                              ("/v1/decisions", "ruleset=bsu-2022&hint=true", "hints"),
                              ("/v1/decisions", "ruleset=bsu-2022&date=2022-10-01", None),
                              ("/v1/explanations", "ruleset=bsu-2022&audiance=officer", "audience")):
        error = assert_error(server.post(f"{path}?{query}", content=line), 400, "bad-parameter")
        unknown = query.split("&")[1].split("=")[0]
        assert error["field"] == unknown and f"`{unknown}` is not a parameter here" in error["message"]
        assert (f"did you mean `{hint}`?" in error["message"]) if hint else "did you mean" not in error["message"]
    for path in ("/v1/editions?ruleset=bsu-2022", "/openapi.json?x=1", "/healthz?x=1"):
        error = assert_error(server.get(path), 400, "bad-parameter")
        assert "this path takes: no parameters" in error["message"]
    assert server.post("/v1/decisions?ruleset=bsu-2022&on=2022-10-01&hints=false", content=line).status_code == 200


def test_a_request_whose_log_write_fails_leaves_nothing_to_be_logged_later(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import bsu_rules.audit.log as audit_log

    path = tmp_path / "d.jsonl"
    client = _InProcess(log=audit_log.DecisionLog(path, batch=1000, full_nik=True))
    lines = EXAMPLES.read_text("utf-8").splitlines()
    first = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=lines[0])
    assert first.status_code == 200

    def failing(fd: int, data: Any) -> int:
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(audit_log.os, "write", failing)
    failed = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=f"[{lines[1]},{lines[2]}]")
    assert_error(failed, 500, "internal")
    monkeypatch.undo()
    with path.open("ab") as f:  # a tail damaged by another hand: the next write fails too
        f.write(b'{"decision":')
    assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=lines[3]), 500, "internal")
    os.truncate(path, path.stat().st_size - len(b'{"decision":'))
    again = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=f"[{lines[1]},{lines[4]}]")
    assert again.status_code == 200
    logged = [json.dumps(json.loads(line)["decision"], separators=(",", ":"), ensure_ascii=False)
              for line in path.read_text("utf-8").splitlines()]
    assert logged == [first.text, *(json.dumps(d, separators=(",", ":"), ensure_ascii=False) for d in again.json())]
    assert verify_log(path).ok


def test_no_query_value_is_echoed_with_a_nik(server: httpx.Client) -> None:
    nik = "3204125708940003"
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    for query, status, code in ((f"ruleset={nik}", 404, "unknown-edition"),
                                (f"ruleset=bsu-{nik}", 404, "unknown-edition"),
                                (f"ruleset=bsu-2022&on={nik}", 400, "bad-parameter"),
                                (f"ruleset=bsu-2022&on=2022-{nik}", 400, "bad-parameter"),
                                (f"ruleset=bsu-2022&{nik}=1", 400, "bad-parameter")):
        r = server.post(f"/v1/decisions?{query}", content=line)
        error = assert_error(r, status, code)
        assert nik not in r.text and nik[4:12] not in r.text and " digits>" in error["message"], r.text
    r = server.get(f"/v1/editions/{nik}")
    assert_error(r, 404, "unknown-edition")
    assert nik not in r.text and "<16 digits>" in r.text
    for path in (f"/v1/{nik[:8]}/{nik[8:]}", f"/v1/editions/{nik[:8]}/{nik[8:]}", f"/v1/{nik[:8]}:{nik[8:]}",
                 f"/v1/{nik[:5]}/{nik[5:10]}/{nik[10:]}"):  # split where the path splits, or by a colon
        r = server.get(path)
        assert_error(r, 404, "not-found")
        assert nik[:8] not in r.text and nik[8:] not in r.text and nik[5:10] not in r.text, r.text
    r = server.post("/v1/decisions", params={"ruleset": f"{nik[:8]}/{nik[8:]}"}, content=line)
    assert r.status_code == 404 and nik[:8] not in r.text and nik[8:] not in r.text, r.text


def test_a_parameter_with_no_name_is_refused(server: httpx.Client) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    for query in ("ruleset=bsu-2022&=x", "=&ruleset=bsu-2022"):
        error = assert_error(server.post(f"/v1/decisions?{query}", content=line), 400, "bad-parameter")
        assert error["field"] == "" and "no name" in error["message"] and "this path takes: hints" in error["message"]
    assert_error(server.get("/healthz?=x"), 400, "bad-parameter")


def test_a_control_character_or_direction_mark_from_the_client_is_escaped(server: httpx.Client) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    for query, shown in (("ruleset=%E2%80%AEbsu", "\\u202ebsu"), ("ruleset=%00", "\\x00"),
                         ("ruleset=bsu-2022&on=%1B%5B31m", "\\x1b[31m"),
                         ("ruleset=bsu-2022&hints=%E2%80%8F", "\\u200f"),
                         ("ruleset=bsu-2022&%E2%80%AEon=1", "\\u202eon")):
        r = server.post(f"/v1/decisions?{query}", content=line)
        assert r.status_code in (400, 404) and shown in r.json()["error"]["message"], r.text
        assert not any(c in r.json()["error"]["message"] + r.json()["error"].get("field", "")
                       for c in "\u202e\x00\x1b\u200f"), r.text
    r = server.get("/v1/%E2%80%AEx")
    assert_error(r, 404, "not-found")
    assert "/v1/\\u202ex" in r.json()["error"]["message"] and "\u202e" not in r.json()["error"]["message"]


def test_parameters_parted_by_a_semicolon_are_told_so(server: httpx.Client) -> None:
    """``;`` between parameters (an old form some clients send) makes one value of them: its digits are
    hidden (ten in all), and the message still names the edition meant and the separator."""
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    error = assert_error(server.post("/v1/decisions?ruleset=bsu-2022;on=2022-10-01", content=line), 404,
                         "unknown-edition")
    assert "`<12 digits>`" in error["message"] and "did you mean `bsu-2022`?" in error["message"]
    assert error["message"].endswith("query parameters are separated by `&`, not `;`")
    error = assert_error(server.post("/v1/decisions?ruleset=bsu-2022?on=2022-10-01", content=line), 404,
                         "unknown-edition")  # a second `?`: a client that appended a query to one
    assert "did you mean `bsu-2022`?" in error["message"] and error["message"].endswith(
        "query parameters are separated by `&`: a second `?` is read as part of the value")


@pytest.mark.parametrize("query", ["ruleset=", "ruleset", "ruleset=%20"])
def test_an_empty_ruleset_is_a_bad_parameter(server: httpx.Client, query: str) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    error = assert_error(server.post(f"/v1/decisions?{query}", content=line), 400, "bad-parameter")
    assert error["field"] == "ruleset" and "served: bsu-2020" in error["message"]


def test_a_trailing_slash_is_not_found_never_redirected(server: httpx.Client) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    r = server.post("/v1/decisions/", params={"ruleset": "bsu-2022"}, content=line,
                    headers={"host": "localhost:1"})  # a host it answers to, not where it listens
    assert_error(r, 404, "not-found")
    assert "location" not in r.headers
    assert_error(server.get("/v1/editions/"), 404, "not-found")


def test_a_client_gone_mid_body_is_routine(tmp_path: Path) -> None:
    stderr = tmp_path / "stderr.txt"
    with stderr.open("wb") as err, serving("bsu-2022", stderr=err) as client:
        with socket.create_connection((client.base_url.host, client.base_url.port)) as s:
            s.sendall(b"POST /v1/decisions?ruleset=bsu-2022 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"nik\": ")
            time.sleep(0.5)  # the service is reading the body when the client goes
        time.sleep(0.5)
        assert client.get("/healthz").status_code == 200
    assert _said(stderr) == []


def test_a_log_damaged_while_serving_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BSU_RULES_PSEUDONYM_KEY", "demo-key-long-enough-not-to-be-warned-of")
    log, stderr = tmp_path / "d.jsonl", tmp_path / "stderr.txt"
    first, second = EXAMPLES.read_text("utf-8").splitlines()[:2]
    with stderr.open("wb") as err, serving("bsu-2022", "--log", str(log), stderr=err) as client:
        assert client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=first).status_code == 200
        with log.open("ab") as f:
            f.write(b'{"garbage": tru\n')
        assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=second), 500, "internal")
    said = _said(stderr)
    assert len(said) == 1 and "line 2: malformed: not JSON" in said[0], said


def test_bytes_that_are_not_http_are_refused_as_documented(server: httpx.Client) -> None:
    for request in (b"POST /v1/decisions?ruleset=bsu-2022 HTTP/1.1\r\nHost: test\r\nContent-Length: -1\r\n\r\n",
                    b"GET /healthz HTTP/1.1\r\nHost: test\r\nBad Header: 1\r\n\r\n"):
        with socket.create_connection((server.base_url.host, server.base_url.port)) as s:
            s.sendall(request)
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400 ") and b"text/plain" in head
        assert body == b"Invalid HTTP request received."


def test_a_request_target_in_absolute_form_is_read_as_its_path(server: httpx.Client) -> None:
    """``GET http://host/path`` (as a proxy sends it) is the path's answer, its query read too."""
    def status(target: bytes) -> tuple[bytes, bytes]:
        with socket.create_connection((server.base_url.host, server.base_url.port)) as s:
            s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        return head.split(b" ")[1], body

    assert status(b"http://test/healthz") == status(b"/healthz") and status(b"/healthz")[0] == b"200"
    assert status(b"HTTPS://test:8000/v1/editions/bsu-2022") == status(b"/v1/editions/bsu-2022")
    assert status(b"http://test/v1/editions?x=1")[0] == b"400"  # the query is the request's
    assert status(b"http://test")[0] == b"404" and b"no path / here" in status(b"http://test")[1]
    for path in (b"/http://test/healthz", b"/http%3A//test/v1/editions"):  # a path, not a target to rewrite
        assert status(path)[0] == b"404", path


def _changed(path: Path, how: str) -> bytes | None:
    """The log at ``path`` changed by another hand as ``how`` says; what is at its path then (None: nothing)."""
    kept = path.read_bytes()
    if how == "cut back":  # `head -1 d.jsonl > t && cat t > d.jsonl`: the same file, its first line left
        (path.parent / "t").write_bytes(kept.splitlines(keepends=True)[0])
        with path.open("r+b") as f:
            f.write((path.parent / "t").read_bytes())
            f.truncate()
    elif how == "removed":
        path.unlink()
    elif how == "renamed":
        path.rename(path.parent / "old.jsonl")
    elif how == "replaced":  # its very lines, in another file
        (path.parent / "t").write_bytes(kept)
        os.replace(path.parent / "t", path)
    else:  # rewritten: the same file and size, its last line not as it was
        with path.open("r+b") as f:
            f.seek(len(kept) - 3)
            f.write(b"0")
    return path.read_bytes() if path.exists() else None


_SAID = {"cut back": "the log was cut back while this writer ran (it holds ",
         "removed": "the log is gone: it was removed or renamed while this writer ran",
         "renamed": "the log is gone: it was removed or renamed while this writer ran",
         "replaced": "the log was replaced while this writer ran (another file is at its path now)",
         "rewritten": "the log was rewritten while this writer ran (its line with seq 3, the last this writer left"}


@pytest.mark.parametrize("how", list(_SAID))
def test_a_log_changed_under_the_service_is_not_continued(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          how: str) -> None:
    """A log cut back, removed, renamed, replaced or rewritten by another hand while the service ran was
    continued from what was left (a new seq 2, or a new chain at seq 1), `verify` saying intact, /healthz
    ok and nothing said. Every request with a decision to log is now 503 log-unavailable, /healthz too,
    nothing is appended (nor a new log made), and one line on stderr says what changed, without a NIK."""
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path, full_nik=True)
    log.writable()  # as serve does before it listens
    client = _InProcess(log=log)
    lines = EXAMPLES.read_text("utf-8").splitlines()
    for line in lines[:3]:  # appends in a row: each continues the last
        assert client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line).status_code == 200
    assert verify_log(path).decisions == 3
    after = _changed(path, how)
    capsys.readouterr()
    for _ in range(2):
        error = assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=lines[3]), 503,
                             "log-unavailable")
        assert "changed by another hand" in error["message"] and str(path) not in error["message"]
        assert_error(client.post("/v1/needed", params={"ruleset": "bsu-2022"}, content=lines[4]), 503,
                     "log-unavailable")
        assert_error(client.get("/healthz"), 503, "log-unavailable")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bsu-rules: the decision log cannot be written: ")  # said once
    assert _SAID[how] in err and "nothing more is appended to it" in err
    assert not any(json.loads(line)["nik"] in err for line in lines[:5])
    assert (path.read_bytes() if path.exists() else None) == after
    assert client.get("/v1/editions").status_code == 200  # what logs nothing is answered


def test_a_log_put_back_as_the_service_left_it_is_continued(tmp_path: Path) -> None:
    """A log whose last line another hand cut was read again, and once cut back to its whole lines (as
    `verify` says to resume after a writer killed mid-line) continued: the decisions it lost were logged
    again, at seqs already used. Now only the file as the service left it is continued; a new service
    continues the log as it then stands."""
    path = tmp_path / "d.jsonl"
    client = _InProcess(log=DecisionLog(path, batch=1000, full_nik=True))
    body = "[" + ",".join(EXAMPLES.read_text("utf-8").splitlines()[:3]) + "]"
    assert client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body).status_code == 200
    kept = path.read_bytes()
    os.truncate(path, len(kept) - 30)
    assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body), 503, "log-unavailable")
    os.truncate(path, len(b"".join(kept.splitlines(keepends=True)[:2])))  # as `bsu-rules verify` says to resume
    assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body), 503, "log-unavailable")
    with path.open("r+b") as f:  # put back as it was, in the same file
        f.write(kept)
    assert client.get("/healthz").status_code == 200
    more = EXAMPLES.read_text("utf-8").splitlines()[3]
    assert client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=more).status_code == 200
    assert verify_log(path).decisions == 4
    path.unlink()
    assert_error(client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body), 503, "log-unavailable")
    assert not path.exists()  # no new chain in its place
    anew = _InProcess(log=DecisionLog(path, full_nik=True))  # a new server starts a new log
    assert anew.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=body).status_code == 200
    assert verify_log(path).decisions == 3


@pytest.mark.parametrize(("changes", "said"), [
    ({f"k{i}": 1 for i in range(60_000)}, "k49: unknown field; and 59950 more problems"),
    ({"wages": [{"period": f"x{i}", "amount": "y"} for i in range(15_000)]}, "; and 29950 more problems"),
])
def test_a_record_with_many_problems_is_refused_quickly_and_briefly(server: httpx.Client, changes: dict[str, Any],
                                                                     said: str) -> None:
    """Its problems were de-duplicated in a list (60 000 unknown keys: 40 s, then a 408) and all
    listed (15 000 bad wages: a 1.4 MB answer)."""
    member = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0]) | changes
    started = time.monotonic()
    refused = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=member), 422,
                           "invalid-record")
    assert time.monotonic() - started < 8 and refused["message"].endswith(said) and len(refused["message"]) < 5000


def test_a_page_lists_fifty_problems_and_counts_the_rest(server: httpx.Client) -> None:
    good = EXAMPLES.read_text("utf-8").splitlines()[0]
    member = json.loads(good) | {f"k{i}": 1 for i in range(60)}
    r = server.post("/v1/explanations", params={"ruleset": "bsu-2022", "lang": "en"},
                    content=f"[{good}, {json.dumps(member)}]")
    assert r.status_code == 200 and r.text.count("is not a known field") == 50
    assert r.text.rstrip().endswith('"k49" is not a known field; remove it or correct its spelling.\n'
                                    "  - And 10 more problems.")


def test_one_record_over_the_time_limit_is_refused() -> None:
    """The limit used to be checked only between records: a lone record with 6 000-month histories
    answered 200 after many times the limit."""
    member = json.loads(EXAMPLES.read_text("utf-8").splitlines()[0])
    months = [f"{1500 + i // 12:04d}-{i % 12 + 1:02d}" for i in range(6000)]
    member["wages"] = [{"period": m, "amount": 3400000} for m in months]
    member["contributions"] = [{"period": m, "amount": 100, "paid_on": "1900-01-01"} for m in months]
    with serving("bsu-2022", "--time-limit", "0.001", "--max-body", str(4 << 20)) as client:
        answer = client.post("/v1/decisions", params={"ruleset": "bsu-2022", "hints": "true"},
                             content=json.dumps(member))
        refused = assert_error(answer, 408, "time-limit")
        assert "histories" in refused["message"] and answer.headers["connection"] == "close"  # as every 408


def test_a_body_that_never_arrives_is_answered_408_within_the_time_limit() -> None:
    """A client that declares a body and sends a few bytes of it held its connection forever."""
    from bsu_rules.service.request import Limits

    service = _InProcess(limits=Limits(body_seconds=0.3))

    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"nik"'
        await asyncio.sleep(30)
        yield b"}"

    started = time.perf_counter()
    r = service.post("/v1/decisions?ruleset=bsu-2022", content=trickle())
    body = assert_error(r, 408, "time-limit")
    assert time.perf_counter() - started < 5 and "the body did not arrive within 0.3 s (6 bytes arrived)" in \
        body["message"]


def test_two_content_types_are_refused_whichever_comes_first(server: httpx.Client) -> None:
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    for types in (["text/plain", "application/json"], ["application/json", "text/plain"]):
        r = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line,
                        headers=[("content-type", t) for t in types])
        assert "2 Content-Type headers" in assert_error(r, 415, "unsupported-media-type")["message"]


def test_the_guide_s_answer_for_an_unknown_edition_is_the_service_s(server: httpx.Client) -> None:
    """docs/service.md shows a client the body it will be given (a client's handling is built from it)."""
    guide = (ROOT / "docs" / "service.md").read_text("utf-8")
    shown = next(line for line in guide.splitlines() if line.startswith('{"error":{"code":"unknown-edition"'))
    answer = server.post("/v1/decisions", params={"ruleset": "bsu-2023"}, content=b"{}",
                         headers={"content-type": "application/json"})
    assert answer.status_code == 404 and answer.text == shown


def _as_served(*allowed: str, listen: str = "127.0.0.1", **options: Any) -> _InProcess:
    """The app as ``serve --host LISTEN --allowed-host …`` builds it."""
    from bsu_rules.service.http import served_hosts

    return _InProcess(allowed_hosts=served_hosts(listen, allowed), **options)


@pytest.mark.parametrize("host", ["rebind.attacker.example:8731", "rebind.attacker.example", "testserver",
                                  "localhost.attacker.example", "127.0.0.1.nip.io:8731", "[::1",
                                  "bsu.internal.attacker.example", "", "local host", "3204125708940003.example"])
def test_a_request_to_a_host_not_served_is_refused(tmp_path: Path, host: str) -> None:
    """A page on rebind.attacker.example whose name was pointed at 127.0.0.1 (DNS rebinding) is same-origin
    to the browser: it could POST JSON, and its decisions were answered and logged. Its Host is refused."""
    path = tmp_path / "d.jsonl"
    client = _as_served("bsu.internal", log=DecisionLog(path, full_nik=True))
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    r = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line, headers={"host": host})
    error = assert_error(r, 421, "host-not-allowed")
    assert error["field"] == "Host" and "--allowed-host" in error["message"] and r.headers["connection"] == "close"
    assert "3204125708940003" not in error["message"]
    for method, url in (("GET", "/healthz"), ("HEAD", "/healthz"), ("GET", "/v1/editions"), ("GET", "/nowhere")):
        assert client.request(method, url, headers={"host": host}).status_code == 421, (method, url)
    assert not path.exists() or path.read_bytes() == b""  # nothing logged


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8000", "localhost.", "127.0.0.1", "127.0.0.1:8731",
                                  "[::1]:8731", "[::1]", "::1", "[0:0:0:0:0:0:0:1]:80", "bsu.internal:443",
                                  "BSU.Internal", "10.0.0.5:8000",
                                  # an address, never a name an attacker points here: an orchestrator's probe
                                  "[::2]:8731", "::2", "127.0.0.2", "10.1.2.3:8000", "[fd00::6]:8000"])
def test_a_request_to_a_host_served_is_answered(host: str) -> None:
    client = _as_served("bsu.internal", "10.0.0.5")
    assert client.get("/healthz", headers={"host": host}).status_code == 200
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    assert client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line,
                       headers={"host": host}).status_code == 200


@pytest.mark.parametrize(("origin", "answered"), [
    ("http://rebind.attacker.example:8731", False), ("https://localhost.attacker.example", False),
    ("null", False), ("http://[::2]:8731", False), ("http://127.0.0.1.nip.io", False), ("http://[::1", False),
    ("http://localhost:8731/path", False), ("http://user@localhost", False), ("ftp://localhost", False),
    ("http://localhost:3000", True), ("http://127.0.0.1:8731", True), ("http://[::1]:8731", True),
    ("https://bsu.internal", True), ("http://localhost:3000 http://evil.example", False),
])
def test_a_request_from_a_page_of_a_host_not_served_is_refused(tmp_path: Path, origin: str, answered: bool) -> None:
    """A browser sends Origin with every POST: a page of another host, whatever its Host header says, is refused."""
    path = tmp_path / "d.jsonl"
    client = _as_served("bsu.internal", log=DecisionLog(path, full_nik=True))
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    headers = {"host": "localhost:8731", "origin": origin}
    r = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line, headers=headers)
    health = client.get("/healthz", headers=headers)
    if answered:
        assert r.status_code == health.status_code == 200, r.text
    else:
        assert assert_error(r, 403, "host-not-allowed")["field"] == "Origin"
        assert_error(health, 403, "host-not-allowed")
        assert not path.exists() or path.read_bytes() == b""


@pytest.mark.parametrize(("listen", "answered", "refused"), [
    ("::1", "[::1]:8000", "ip6-localhost.attacker.example:8000"),
    ("fd00::5", "[fd00:0::5]:8000", "fd00-5.attacker.example:8000"),
    ("0.0.0.0", "0.0.0.0:8000", "zero.attacker.example:8000"),
    ("bsu-host", "BSU-HOST:8000", "bsu-host.attacker.example:8000"),
])
def test_the_address_listened_on_is_a_host_served(listen: str, answered: str, refused: str) -> None:
    client = _as_served(listen=listen)
    assert client.get("/healthz", headers={"host": answered}).status_code == 200
    assert client.get("/healthz", headers={"host": "localhost"}).status_code == 200
    assert_error(client.get("/healthz", headers={"host": refused}), 421, "host-not-allowed")


def test_two_host_headers_are_refused_and_none_is_taken_without_a_host() -> None:
    """A request without Host (an HTTP/1.0 health check) comes from no browser; two are ambiguous."""
    from bsu_rules.service.http import AllowedHosts, served_hosts

    check = AllowedHosts(None, served_hosts("127.0.0.1"), lambda *args: None)  # type: ignore[arg-type,return-value]
    assert check.refusal([(b"host", b"localhost"), (b"Host", b"evil.example")]) == (421, "Host",
                                                                                    "2 Host headers: send one")
    assert check.refusal([(b"host", b"localhost"), (b"host", b"localhost")]) is not None
    assert check.refusal([]) is None and check.refusal([(b"host", b"localhost")]) is None


def test_serve_refuses_a_rebound_host_and_takes_the_hosts_it_is_given(tmp_path: Path) -> None:
    """The repro: a POST whose Host and Origin are rebind.attacker.example was answered 200 and logged."""
    log = tmp_path / "svc.log"
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    with serving("bsu-2022", "--log", str(log), "--full-nik", "--allowed-host", "bsu.internal",
                 "--allowed-host", "[fd00::1]") as client:
        port = client.base_url.port
        rebound = {"host": f"rebind.attacker.example:{port}", "origin": f"http://rebind.attacker.example:{port}"}
        r = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line, headers=rebound)
        assert assert_error(r, 421, "host-not-allowed")["field"] == "Host"
        r = client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line,
                        headers={"origin": rebound["origin"]})
        assert assert_error(r, 403, "host-not-allowed")["field"] == "Origin"
        assert_error(client.get("/healthz", headers={"host": "rebind.attacker.example"}), 421, "host-not-allowed")
        assert not log.exists() or log.read_bytes() == b""
        for host in (f"bsu.internal:{port}", "[fd00::1]", f"localhost:{port}"):
            assert client.get("/healthz", headers={"host": host}).status_code == 200, host
        assert client.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content=line,
                           headers={"host": "bsu.internal", "origin": "https://bsu.internal"}).status_code == 200
    assert verify_log(log).decisions == 1


@pytest.mark.parametrize("name", ["http://bsu.internal/", "bsu internal", "", "bsu.internal:http"])
def test_serve_refuses_an_allowed_host_that_is_no_host(name: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bsu_rules", "serve", "bsu-2022", "--allowed-host", name],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "is not a host name or address" in done.stderr and "Traceback" not in done.stderr


def test_what_to_ask_next_about_an_eligible_record_is_what_its_payment_waits_for(server: httpx.Client) -> None:
    """The decision lists the bank account under ``missing`` and the explanation says to get it: so does
    /v1/needed, with the channel rule as the reason (the repro: eligible, and nothing to ask)."""
    record = {k: v for k, v in json.loads(EXAMPLES.read_text("utf-8").splitlines()[0]).items() if k != "bank_account"}
    decided = server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=record).json()
    assert decided["outcome"] == "eligible" and decided["channel"] is None
    asked = server.post("/v1/needed", params={"ruleset": "bsu-2022"}, json=record).json()
    why = [{"criterion": "channel", "basis": "regulation",
            "source": "pm-10-2022 (Bank Himbara; BSI di Aceh; selain itu PT Pos Indonesia)"}]
    assert asked == {"outcome": "eligible", "needed": [{"input": path, "why": why} for path in decided["missing"]]}
    assert decided["missing"] == ["member.bank_account.number", "member.bank_account.bank"]
    first = EXAMPLES.read_text("utf-8").splitlines()[0]
    paid = server.post("/v1/needed", params={"ruleset": "bsu-2022"}, content=first)
    assert paid.json() == {"outcome": "eligible", "needed": []}  # paid at its bank: nothing to ask


def _answers(client: httpx.Client | _InProcess) -> list[httpx.Response]:
    """An answer of every kind: decided, refused, not found, a method not taken, validated."""
    line = EXAMPLES.read_text("utf-8").splitlines()[0]
    return [client.post(path, params={"ruleset": "bsu-2022"}, content=body)
            for path in ("/v1/decisions", "/v1/explanations", "/v1/needed") for body in (line, '{"nik": "1"}', "{x")] \
        + [client.post("/v1/decisions", params={"ruleset": "bsu-2099"}, content=line),
           client.get("/v1/decisions"), client.get("/v2/decisions"), client.get("/healthz"),
           client.get("/v1/editions"), client.get("/v1/editions/bsu-2099"), client.get("/openapi.json")]


def test_answers_with_member_data_are_never_stored_and_no_answer_is_sniffed(server: httpx.Client,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A decision carries member data (a masked NIK, the record's hash, the bank named): no cache between
    client and service may keep it; and no browser may read an answer, which may quote the record, as
    another type than it says."""
    answers = _answers(server)
    assert {r.status_code for r in answers} >= {200, 400, 404, 405, 422}
    for r in answers:
        assert r.headers["x-content-type-options"] == "nosniff", (r.request.url, r.status_code)
        assert (r.headers.get("cache-control") == "no-store") == (r.request.method == "POST"), r.request.url
    refused = _as_served("bsu.internal").get("/healthz", headers={"host": "rebind.attacker.example"})
    assert refused.status_code == 421 and refused.headers["x-content-type-options"] == "nosniff"
    import bsu_rules.members.parse as parse

    def failing(*args: Any) -> str:
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(parse, "_message", failing)
    failed = _InProcess().post("/v1/decisions", params={"ruleset": "bsu-2022"}, json={"nik": 1})
    assert failed.status_code == 500 and failed.headers["x-content-type-options"] == "nosniff"
    assert failed.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/v1/editions", "/v1/editions/bsu-2022", "/v1/schemas/member", "/openapi.json"])
def test_an_answer_that_changes_only_on_restart_has_an_etag_and_a_match_is_not_modified(server: httpx.Client,
                                                                                      path: str) -> None:
    import hashlib

    first, again = server.get(path), server.get(path)
    tag = f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert first.status_code == 200 and first.headers["etag"] == again.headers["etag"] == tag
    assert first.headers["cache-control"] == "no-cache" and first.content == again.content
    for matching in (tag, "*", f"W/{tag}", f'"nope", {tag}', f'W/"a,b", W/{tag}', f'"nope" ,{tag}'):
        r = server.get(path, headers={"if-none-match": matching})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == tag, matching
        assert "content-type" not in r.headers and r.headers["x-content-type-options"] == "nosniff"
        head = server.head(path, headers={"if-none-match": matching})
        assert head.status_code == 304 and head.headers["etag"] == tag
    for other in ('"nope"', tag[:-2] + '"', tag.strip('"'), f'"{tag}"', "W/*", ""):  # not that tag
        r = server.get(path, headers={"if-none-match": other})
        assert r.status_code == 200 and r.content == first.content and r.headers["etag"] == tag, other
    assert server.head(path).headers["etag"] == tag
    assert "etag" not in server.get("/healthz").headers  # its answer changes with the log's state
    assert "etag" not in server.get("/v1/editions/bsu-2099", headers={"if-none-match": "*"}).headers  # no edition


def test_openapi_declares_the_headers_the_limits_and_the_names_clients_use(strict: httpx.Client) -> None:
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate

    doc = strict.get("/openapi.json").json()
    validate(doc)
    assert "servers" not in doc  # served at the root
    names = {method + " " + path: operation["operationId"] for path, operations in doc["paths"].items()
             for method, operation in operations.items()}
    assert names == {"post /v1/decisions": "decide", "post /v1/explanations": "explain", "post /v1/needed": "needed",
                     "get /v1/editions": "listEditions", "get /v1/editions/{edition_id}": "getEdition",
                     "get /v1/schemas/{name}": "getSchema", "get /healthz": "getHealth"}
    for path in ("/v1/decisions", "/v1/explanations", "/v1/needed"):  # as this server's --max-records 3
        body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert [s["maxItems"] for s in body["oneOf"] if s.get("type") == "array"] == [3]
    for operations in doc["paths"].values():
        for operation in operations.values():
            assert operation["responses"]["405"]["headers"]["Allow"]["required"] is True
            assert "Retry-After" in operation["responses"]["503"]["headers"]
    for path in ("/v1/editions", "/v1/editions/{edition_id}", "/v1/schemas/{name}"):
        responses = doc["paths"][path]["get"]["responses"]
        assert "ETag" in responses["200"]["headers"] and "ETag" in responses["304"]["headers"]
    health = doc["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = {**health, "components": doc["components"]}
    Draft202012Validator(schema).validate(strict.get("/healthz").json())
    assert doc["components"]["schemas"]["Health"]["required"] == ["status", "version", "editions"]
    assert not Draft202012Validator(schema).is_valid({"status": "ok"})
    busy = strict.post("/v1/decisions", params={"ruleset": "bsu-2022"}, content="[{},{},{},{}]")
    assert busy.status_code == 413  # the maxItems the document gives is the limit the server holds


def test_a_service_mounted_under_a_prefix_names_it_in_servers() -> None:
    from fastapi import FastAPI

    from bsu_rules import load_ruleset
    from bsu_rules.service import create_app

    main = FastAPI()
    main.mount("/bsu", create_app([load_ruleset("bsu-2022")]))

    async def get(url: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=main), base_url="http://test") as client:
            return await client.get(url)
    doc = asyncio.run(get("/bsu/openapi.json")).json()
    assert doc["servers"] == [{"url": "/bsu"}] and list(doc)[:3] == ["openapi", "info", "servers"]
    assert asyncio.run(get("/bsu/healthz")).json()["status"] == "ok"
    assert "servers" not in _InProcess().get("/openapi.json").json()


def test_a_service_mounted_under_a_prefix_names_its_paths_with_the_prefix_in_a_404() -> None:
    """The paths a 404 lists and suggests are those a client of the mounted app sends: under the prefix."""
    from fastapi import FastAPI

    from bsu_rules import load_ruleset
    from bsu_rules.service import create_app

    main = FastAPI()
    main.mount("/bsu", create_app([load_ruleset("bsu-2022")]))

    async def send(method: str, url: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=main), base_url="http://test") as client:
            return await client.request(method, url)
    alone = _InProcess()
    for path, meant in (("/v1/editon", "/v1/editions"), ("/v1/editions/bsu-2022/", "/v1/editions/bsu-2022"),
                        ("/v1/nothing-near", None)):
        mounted = assert_error(asyncio.run(send("GET", "/bsu" + path)), 404, "not-found")["message"]
        assert mounted.startswith(f"no path /bsu{path} here" + (f"; did you mean /bsu{meant}?" if meant else " ("))
        assert "(the paths: GET /bsu/healthz, GET /bsu/openapi.json, POST /bsu/v1/decisions, " in mounted
        assert mounted == assert_error(alone.get(path), 404, "not-found")["message"].replace(" /", " /bsu/")
    hidden = assert_error(asyncio.run(send("GET", "/bsu/v1/32041257/08940003")), 404, "not-found")["message"]
    assert hidden.startswith("no path /bsu/v1/<16 digits> here"), hidden  # the version kept, as unmounted
    refused = assert_error(asyncio.run(send("GET", "/bsu/v1/decisions")), 405, "method-not-allowed")
    assert refused["message"] == "/bsu/v1/decisions does not take GET; it takes POST"


def test_a_required_field_sent_as_null_is_told_null_and_a_line_break_by_its_name(server: httpx.Client) -> None:
    base = {"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU"}
    for record, said in (({**base, "nik": None}, "nik: is null: give a value"),
                         ({k: v for k, v in base.items() if k != "nik"}, "nik: required field is missing"),
                         ({**base, "nik": base["nik"] + "\n"}, "nik: has a line break after it: remove it"),
                         ({**base, "nik": "\t" + base["nik"]}, "nik: has a tab before it: remove it")):
        error = assert_error(server.post("/v1/decisions", params={"ruleset": "bsu-2022"}, json=record),
                             422, "invalid-record")
        assert error["message"] == said and error["field"] == "nik"
    page = server.post("/v1/explanations", params={"ruleset": "bsu-2022", "lang": "en"},
                       json=[{**base, "nik": None}, {**base, "nik": base["nik"] + "\n"}]).text
    assert "NIK (national identity number) is null (given with no value): give a value." in page
    assert "NIK (national identity number) has a line break after it: remove it." in page


def test_an_empty_list_is_answered_with_no_record(server: httpx.Client) -> None:
    for path, accept, body in (("/v1/decisions", "application/json", b"[]"), ("/v1/needed", "application/json", b"[]"),
                               ("/v1/decisions", "application/x-ndjson", b""), ("/v1/explanations", "*/*", b"")):
        r = server.post(path, params={"ruleset": "bsu-2022"}, content="[]", headers={"accept": accept})
        assert r.status_code == 200 and r.content == body, (path, accept, r.content)
