"""What the API docs promise: rule sets and plans may be shared by threads; processes each load their own."""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import bsu_rules

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")


def _records() -> list[dict[str, Any]]:
    """The examples, and each with other wages, areas and arrears: failures, hints and unknowns alike."""
    base = [json.loads(line) for line in (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()]
    out = list(base)
    for i, record in enumerate(base):
        out.append({**record, "wages": [{"period": p, "amount": 3_000_000 + 250_000 * i}
                                        for p in ("2020-06", "2021-06", "2022-07", "2025-04")]})
        out.append({**record, "work_regency_code": ["3215", "3171", None, "3329"][i % 4]})
        out.append({k: v for k, v in record.items() if k not in ("contributions", "employment_type")})
    return out


def _decide_all(records: list[dict[str, Any]]) -> list[str]:
    """Every record under every edition, in one process (its own loaded rule sets)."""
    rulesets = [bsu_rules.load_ruleset(e) for e in EDITIONS]
    return [bsu_rules.evaluate(rs, r).to_json() for rs in rulesets for r in records]


def test_threads_sharing_rule_sets_decide_as_one_thread_does() -> None:
    records = _records()
    expected = _decide_all(records)
    rulesets = [bsu_rules.load_ruleset(e) for e in EDITIONS]  # fresh: the threads also race to build plans
    work = [(rs, r) for rs in rulesets for r in records]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            got = list(pool.map(lambda job: bsu_rules.evaluate(*job).to_json(), work))
            assert got == expected
    assert {json.loads(d)["outcome"] for d in expected} == {"eligible", "ineligible", "undetermined"}


def test_processes_decide_as_one_process_does() -> None:
    records = _records()
    expected = _decide_all(records)
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert list(pool.map(_decide_all, [records, records])) == [expected, expected]


def test_one_decision_read_by_threads_at_once_is_the_same_decision() -> None:
    """A decision builds its outcomes when first read; threads reading it at that moment all find them
    (a lookup that missed just before another thread built them raised AttributeError)."""
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    records = _records()[:16]
    errors: list[str] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often: the moment the outcomes are built is met
    try:
        for rep in range(600):
            decision = bsu_rules.evaluate(ruleset, records[rep % 16], hints=True)

            def read(d: bsu_rules.Decision = decision) -> None:
                try:
                    hints = [r.hint for r in d.rules]  # outcomes first, as a caller may read them
                    assert d.to_json() and d.model_dump_json() and len(hints) == len(ruleset.model.rules) == 15
                except (AttributeError, AssertionError) as exc:
                    errors.append(repr(exc))
            threads = [threading.Thread(target=read) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
