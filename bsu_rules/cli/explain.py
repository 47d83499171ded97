"""``bsu-rules explain``: the full explanation of one member's batch decision.

A batch writes compact decision rows; this finds the row(s) of a NIK (through its ``nik_key``) or
of a row number, reads that member's record from the batch input, decides it again with the
scalar evaluator under the same rule file and date, and renders every criterion.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bsu_rules.audit.snapshot import KEY_ENV, input_hash, key_id, pseudonym
from bsu_rules.cli.batch import missing_extra
from bsu_rules.cli.options import add_key_options, add_reform_options, load_reform, nik, positive_int, pseudonym_key
from bsu_rules.decisions import mask_kpj, mask_nik
from bsu_rules.errors import InputError
from bsu_rules.explain import AUDIENCES, Unpaid, render_speech, render_text
from bsu_rules.explain.speech import said as spoken
from bsu_rules.members import parse_member
from bsu_rules.members.redact import holds_nik

_OUTCOME = {"id": {"eligible": "memenuhi syarat", "ineligible": "tidak memenuhi syarat",
                   "undetermined": "belum dapat ditentukan"},
            "en": {"eligible": "eligible", "ineligible": "not eligible", "undetermined": "not yet determined"}}
_HEAD = {"id": ("Baris {row} pada {input} · KPJ {kpj} · hasil batch: {outcome}", ", tidak dibayar"),
         "en": ("Row {row} of {input} · KPJ {kpj} · batch outcome: {outcome}", ", not paid")}


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "explain", help="explain a member's decision from a batch output",
        description="Find a member in a batch's decisions (by NIK or row) and explain the decision in full.")
    p.add_argument("ruleset", help="the rule file the batch used (path or bundled id)")
    p.add_argument("decisions", help="the batch output (.parquet, .jsonl or .csv)")
    p.add_argument("--input", required=True, help="the member file the batch read")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--nik", type=nik, help="the member's 16-digit NIK")
    which.add_argument("--row", type=positive_int, help="the row number in the input")
    p.add_argument("--lang", choices=("id", "en", "both"), default="both",
                   help="Bahasa Indonesia, English or both (default both)")
    p.add_argument("--audience", choices=AUDIENCES, default="worker", help="who reads the explanation")
    p.add_argument("--format", choices=("text", "speech"), default="text",
                   help="text (default), or speech: the page as it is read aloud (no marks or footnote numbers, "
                        "each outcome in words, the legal basis said in place, English amounts as "
                        "\"600,000 rupiah\")")
    add_key_options(p)
    add_reform_options(p)  # a batch run with overrides is explained with the same ones
    p.set_defaults(run=run)


def find_decisions(path: str, nik_key: str | None = None, rows: list[int] | None = None) -> list[dict[str, Any]]:
    """Decision rows of a batch output with this ``nik_key``, or at these input ``rows``."""
    import polars as pl

    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        frame = pl.scan_parquet(path)
    elif suffix == ".jsonl":
        from bsu_rules.batch.run import DECISION_SCHEMA  # lazy: the batch extra

        schema = pl.from_arrow(DECISION_SCHEMA.empty_table()).schema  # type: ignore[union-attr]
        frame = pl.scan_ndjson(path, schema=schema)
    elif suffix == ".csv":
        frame = pl.scan_csv(path, infer_schema=False)
    else:
        raise ValueError(f"{path}: decisions must be .parquet, .jsonl or .csv")
    names = set(frame.collect_schema().names())
    if suffix == ".jsonl":  # the schema is imposed: read the names the first line has
        with open(path, "rb") as f:
            first = f.readline(1 << 20)
        try:
            names = set(json.loads(first)) if first.strip() else names
        except (ValueError, TypeError, RecursionError):
            names = set()
    lacking = {"row", "on", "outcome", "ruleset_sha256", "nik_key"} - names
    if lacking:
        raise ValueError(f"{path} is not a decisions file written by `bsu-rules batch` (it has no "
                         f"{', '.join(sorted(lacking))} column); give the batch's output, then --input its members")
    frame = frame.with_columns(pl.col("row").cast(pl.Int64), pl.col("on").cast(pl.String))
    wanted = pl.col("nik_key") == nik_key if nik_key else pl.col("row").is_in(rows or [])
    return frame.filter(wanted).collect().sort("row").to_dicts()


def _record(row: Any) -> dict[str, Any]:
    """A Parquet row (a one-row Arrow table) as a record; text whose bytes are not UTF-8, which the batch
    leaves unread in a free-text field the rules do not read (a name), with each bad byte as U+FFFD."""
    import pyarrow as pa  # lazy: the batch extra

    try:
        record: dict[str, Any] = row.to_pylist()[0]
        return record
    except UnicodeDecodeError:
        def raw(t: pa.DataType) -> pa.DataType:  # each text type as bytes, however deep
            if pa.types.is_struct(t):
                return pa.struct([f.with_type(raw(f.type)) for f in t])
            if pa.types.is_list(t) or pa.types.is_large_list(t):
                of = t.value_field.with_type(raw(t.value_type))
                return pa.large_list(of) if pa.types.is_large_list(t) else pa.list_(of)
            return pa.large_binary() if pa.types.is_large_string(t) else pa.binary() if pa.types.is_string(t) else t

        def text(value: Any) -> Any:
            if isinstance(value, bytes):
                return value.decode("utf-8", "replace")
            if isinstance(value, dict):
                return {k: text(v) for k, v in value.items()}
            return [text(v) for v in value] if isinstance(value, list) else value

        decoded: dict[str, Any] = text(row.cast(pa.schema([f.with_type(raw(f.type)) for f in row.schema]))
                                       .to_pylist()[0])
        return decoded


def records_at(path: str, rows: set[int]) -> dict[int, dict[str, Any]]:
    """The input records at these row numbers (numbered as ``batch`` numbers them)."""
    suffix = Path(path).suffix.lower()
    found: dict[int, dict[str, Any]] = {}
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        parquet, first = pq.ParquetFile(path), 1
        for group in range(parquet.metadata.num_row_groups):
            size = parquet.metadata.row_group(group).num_rows
            inside = sorted(r for r in rows if first <= r < first + size)
            if inside:
                table = parquet.read_row_group(group)
                found |= {r: {k: v for k, v in _record(table.slice(r - first, 1)).items() if v is not None}
                          for r in inside}
            first += size
    elif suffix == ".jsonl":
        with open(path, "rb") as f:
            found = {n: json.loads(line) for n, line in enumerate(f, 1) if n in rows}
    elif rows:
        import numpy as np  # lazy: needed only here

        from bsu_rules.batch.read import Reader  # lazy: the batch extra (pyarrow)
        from bsu_rules.batch.validate import REJECT_FIELD, REJECT_MESSAGE, ROW  # lazy: idem

        for table in Reader(path, CSV_CHUNK, ignore_unknown=True).picked(np.array(sorted(rows), np.int64)):
            for record in table.drop_columns([REJECT_FIELD, REJECT_MESSAGE]).to_pylist():
                found[record.pop(ROW)] = {k: v for k, v in record.items() if v is not None}
    return found


CSV_CHUNK = 10_000
"""CSV records read at once while looking for a row (batch's own reading of the file, so that a row
reads as batch read it: a byte-order mark, a long cell, a cell not UTF-8 in another row)."""


def _manifest(decisions: str) -> dict[str, Any]:
    """The manifest beside a decisions file (empty when there is none, or it is not one)."""
    from bsu_rules.batch.paths import manifest_path  # lazy: needed only here

    try:
        found = json.loads(manifest_path(decisions).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def other_input(decisions: str, source: str) -> str | None:
    """Why ``source`` is not the file the batch read, or the manifest beside ``decisions`` not its own,
    by the sha256s the manifest records (None: the same bytes, or a file not readable, which the
    reading says). Without a manifest nothing can be told: a warning says so."""
    from bsu_rules.batch.paths import file_sha256, manifest_path  # lazy: idem

    made = _manifest(decisions)
    read, wrote = made.get("input"), made.get("output")
    recorded = read.get("sha256") if isinstance(read, dict) else None
    if not isinstance(read, dict) or not isinstance(recorded, str):
        said = f"the manifest beside {decisions} is damaged" if manifest_path(decisions).exists() else \
            f"no manifest beside {decisions} records the input the batch read"
        print(f"bsu-rules: warning: {said}: that {source} is that file, unchanged, is not checked", file=sys.stderr)
        return None
    try:
        given, own = file_sha256(source), file_sha256(decisions)
    except OSError:
        return None
    kept = wrote.get("sha256") if isinstance(wrote, dict) else None
    if isinstance(kept, str) and own != kept:
        return (f"{decisions} is not the output its manifest records (changed since the run, or the manifest is "
                f"another run's): the manifest's decisions have a sha256 beginning {kept[:12]}, {decisions}'s "
                f"{own[:12]}; keep a batch's output unchanged, with its own manifest")
    if given == recorded:
        return None
    return (f"{source} is not the file the batch read for {decisions}: its sha256 begins {given[:12]}, the "
            f"manifest's input ({read.get('path')}) {recorded[:12]}; give that file, unchanged")


def other_key(decisions: str, secret: bytes | None) -> str | None:
    """Why the key given cannot tell the batch's members: another key made the file's ``nik_key``
    (its manifest says which); None for the same key, no key, or no manifest to tell."""
    made = _manifest(decisions).get("pseudonym_key") or ""  # no manifest: which key is not known
    given = key_id(secret) if secret else None
    if made and given and made != given:
        return (f"the key given is not the one the batch used for {decisions}: its fingerprint is {given}, "
                f"the batch's {made}")
    return None


def undecided(decisions: str, source: str, row: int) -> str:
    """Why row ``row`` of the batch input ``source`` has no decision: a blank line (skipped), past
    the end of the file, or rejected (with the reason, when the reject file at its default place
    has the row)."""
    from bsu_rules.batch.paths import default_rejects  # lazy: idem
    from bsu_rules.batch.read import Reader  # lazy: the batch extra (pyarrow), needed only here
    from bsu_rules.batch.read_csv import blank_row  # lazy: idem

    suffix, n, blank = Path(source).suffix.lower(), 0, False
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        n = pq.ParquetFile(source).metadata.num_rows
    elif suffix == ".csv":
        for _, first, records, _ in Reader(source, CSV_CHUNK, ignore_unknown=True).csv_records():
            n = first + len(records) - 1
            blank = blank or (first <= row <= n and blank_row(records[row - first]))
    else:
        with open(source, "rb") as f:
            for n, line in enumerate(f, 1):
                blank = blank or (n == row and not line.strip())
    if blank:
        return f"row {row} of {source} is a blank line: batch skips blank lines (counting them), " \
               "neither deciding nor rejecting them"
    if row > n:
        return f"{source} has {n:,} rows: there is no row {_row(row)}"
    rejects = default_rejects(decisions)
    for line in rejects.open("rb") if rejects.is_file() else ():
        reject = json.loads(line)
        if reject.get("row") == row:
            return f"row {row} of {source} was rejected, not decided: {reject.get('message')} ({rejects})"
    return f"no decision for row {row} in {decisions}: the batch rejected it (the reject file says why), or " \
           f"it read another file than {source}"


def _row(row: int) -> str:
    """A row number given to ``--row`` as a message says it: as given, its first 20 digits when longer; by its
    count of digits when a NIK stands in it (typed into the wrong option), as every message says one."""
    given = str(row)
    if holds_nik(given):
        return f"<{len(given)} digits>"
    return given if len(given) <= 20 else f"{given[:20]}… ({len(given)} digits)"


def rows_of(source: str, nik: str) -> list[int]:
    """The rows of the batch input ``source`` that hold ``nik`` as written, numbered as batch numbers them."""
    suffix = Path(source).suffix.lower()
    if suffix == ".parquet":
        import polars as pl  # lazy: the batch extra

        found = pl.scan_parquet(source).with_row_index("row", offset=1).filter(pl.col("nik") == nik)
        return [int(r) for r in found.select("row").collect()["row"]]
    if suffix == ".csv":
        from bsu_rules.batch.read import Reader  # lazy: the batch extra

        rows = []
        for header, first, records, _ in Reader(source, CSV_CHUNK, ignore_unknown=True).csv_records():
            at = header.index("nik") if "nik" in header else None
            rows += [first + i for i, r in enumerate(records) if at is not None and at < len(r) and r[at] == nik]
        return rows
    rows = []
    with open(source, "rb") as f:
        for n, line in enumerate(f, 1):
            if nik.encode() in line:
                with contextlib.suppress(ValueError, RecursionError):
                    record = json.loads(line)
                    rows += [n] if isinstance(record, dict) and record.get("nik") == nik else []
    return rows


def _nowhere(source: str) -> str:
    """Where a NIK was looked for in ``source`` and not found, and where else it may be: the reject file."""
    suffix = Path(source).suffix.lower()
    if suffix == ".parquet":
        return "has no row with this NIK in its nik column"
    written = "as its nik cell" if suffix == ".csv" else "written as 16 digits in quotes"
    return (f"has no row with this NIK {written}; if a row holds it written otherwise (a number, a space around "
            "it), that row was rejected: see the reject file")


def run(args: argparse.Namespace) -> int:
    try:
        import polars

        from bsu_rules.batch.read import not_regular  # lazy: the batch extra (numpy, pyarrow)
    except ImportError as exc:
        return missing_extra("explain", exc)

    for given, option in ((args.decisions, "DECISIONS"), (args.input, "--input")):
        if kind := not_regular(given) or (None if os.path.isfile(given) else
                                          "a folder" if os.path.isdir(given) else "no such file or folder"):
            print(f"bsu-rules: {given}: {kind} ({option}): explain reads files the batch wrote and read; give "
                  "those files", file=sys.stderr)
            return 2
    made = _manifest(args.decisions)
    unkeyed = "pseudonym_key" in made and made["pseudonym_key"] is None  # the batch kept no nik_key to find
    secret = None if unkeyed else pseudonym_key(args, reading=True)  # a NIK is then found in the input, by its row
    if args.nik is not None and secret is None and not unkeyed:
        print(f"bsu-rules: --nik needs the key the batch was run with (--key-file or ${KEY_ENV}); "
              "or use --row", file=sys.stderr)
        return 2
    key = pseudonym(args.nik, secret) if args.nik and secret else None
    ruleset = load_reform(args.ruleset, args)
    other = other_key(args.decisions, secret) or other_input(args.decisions, args.input)
    if other:  # nothing can be found or checked with it: a usage error
        print(f"bsu-rules: {other}", file=sys.stderr)
        return 2
    try:
        wanted = [args.row] if args.row else None if key else rows_of(args.input, args.nik)
    except (ValueError, OSError, RecursionError, polars.exceptions.PolarsError):  # Arrow's errors too
        print(f"bsu-rules: {args.input}: not a readable file of that kind; give the member file the batch read",
              file=sys.stderr)
        return 2
    try:
        rows = find_decisions(args.decisions, key, wanted)
    except ValueError as exc:
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return 2
    except (OSError, polars.exceptions.PolarsError):
        print(f"bsu-rules: {args.decisions}: not a readable decisions file", file=sys.stderr)
        return 2
    if not rows:
        try:
            row = args.row or next(iter(rows_of(args.input, args.nik)), None)
            why = undecided(args.decisions, args.input, row) if row else \
                f"no decision for this NIK in {args.decisions}: {args.input} {_nowhere(args.input)}"
        except (ValueError, OSError, RecursionError, polars.exceptions.PolarsError):  # Arrow's errors too
            what = f"row {_row(args.row)}" if args.row else "this NIK"
            why = f"no decision for {what} in {args.decisions}, and {args.input} is not readable"
        print(f"bsu-rules: {why}", file=sys.stderr)
        return 1
    try:
        records = records_at(args.input, {int(r["row"]) for r in rows})
    except (ValueError, OSError, OverflowError, RecursionError, polars.exceptions.PolarsError) as exc:  # Arrow's too
        why = str(exc) if isinstance(exc, InputError) else f"{args.input}: not UTF-8 text" \
            if isinstance(exc, UnicodeDecodeError) else f"{args.input}: a date outside the years 0001-9999" \
            if isinstance(exc, OverflowError) else f"{args.input}: a line that is not JSON" \
            if isinstance(exc, json.JSONDecodeError) else f"{args.input}: not a readable file of that kind"
        print(f"bsu-rules: {why}; give the member file the batch read", file=sys.stderr)
        return 2
    langs = ("id", "en") if args.lang == "both" else (args.lang,)
    status = 0
    for found in rows:
        if found["ruleset_sha256"] != ruleset.sha256:
            recorded = made.get("ruleset")
            used = recorded.get("overrides") if isinstance(recorded, dict) and \
                recorded.get("sha256") == found["ruleset_sha256"] else None
            said = f"the same overrides the batch used: {used}" if isinstance(used, str) and used else \
                "the same --set/--table overrides, if the batch had any"
            said += "; a table it replaced is named by the sha256 of its file: give the file whose `sha256sum` " \
                "begins so" if isinstance(used, str) and "--table " in used else ""
            print(f"bsu-rules: the decisions were made under rule set {found['ruleset_sha256'][:12]}…, "
                  f"{args.ruleset} is {ruleset.sha256[:12]}…: explain needs the same rule file (and {said})",
                  file=sys.stderr)
            return 2
        record = records.get(int(found["row"]))
        nik = str(record.get("nik")) if record is not None else ""
        same = pseudonym(nik, secret) == found["nik_key"] if secret and found.get("nik_key") else \
            mask_nik(nik) == found["nik"]
        if record is None or not same:
            print(f"bsu-rules: row {found['row']} of {args.input} is not this member: "
                  "is it the file the batch read?", file=sys.stderr)
            return 1
        member = parse_member(record, ignore_unknown=True)
        decision = ruleset.plan(date.fromisoformat(found["on"])).decide(  # keyed as the batch's NIKs: see auditing
            member, hints=True, input_sha256=input_hash(member, secret) if secret else None)
        kpj = _kpj_read(found.get("kpj"), None if member.bank_account is None else member.bank_account.number)
        unpaid = Unpaid(kpj, paid) if (paid := _kpj_read(found.get("duplicate_of"))) else None
        for lang in langs:
            head, not_paid = _HEAD[lang]
            outcome = _OUTCOME[lang].get(found["outcome"], found["outcome"]) + (not_paid if unpaid else "")
            if args.format == "speech":  # each part a sentence, opened in capitals as the page's are
                head = " · ".join(part[:1].upper() + part[1:] for part in head.split(" · "))
            said = head.format(row=found["row"], input=args.input, kpj=kpj or "-", outcome=outcome)
            print(spoken(said, lang) + "." if args.format == "speech" else said)  # a masked KPJ in words
            render = render_speech if args.format == "speech" else render_text
            print(render(decision, ruleset, lang, args.audience, unpaid) + "\n")
        if decision.outcome.value != found["outcome"]:
            print(f"bsu-rules: row {found['row']}: the batch decided {found['outcome']}, the scalar evaluator "
                  f"{decision.outcome.value}", file=sys.stderr)
            status = 1
    return status


def _kpj_read(value: Any, account: str | None = None) -> str | None:
    """A KPJ (or ``duplicate_of``'s ``row:N``) as read from a decisions file, shown as a decision shows it
    (``mask_kpj``, with the row's ``account`` number): the file may come from an engine that masked less, or have
    been edited."""
    if not value:
        return None
    text = str(value)
    return text if text.startswith("row:") and text[4:].isascii() and text[4:].isdigit() else mask_kpj(text, account)
