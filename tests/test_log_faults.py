"""The decision log survives faults (disk full, a killed writer, a re-run) and can carry signed checkpoints."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import bsu_rules.audit.log as audit_log
from bsu_rules.audit.chain import verify_log
from bsu_rules.audit.checkpoints import checkpoints_path
from bsu_rules.audit.log import LogError
from bsu_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = str(ROOT / "examples" / "members.jsonl")
N = sum(1 for line in Path(EXAMPLES).read_text("utf-8").splitlines() if line.strip())


def _evaluate(log: Path, *extra: str) -> list[str]:
    return ["evaluate", "bsu-2022", EXAMPLES, "--on", "2022-09-12", "--log", str(log), "--full-nik", *extra]


def test_a_full_disk_leaves_the_log_at_its_last_complete_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    before = log.read_bytes()
    capsys.readouterr()
    real_write = os.write

    def full(fd: int, data: Any) -> int:
        real_write(fd, bytes(data)[: len(data) // 2])  # half a line reaches the disk, then it is full
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(audit_log.os, "write", full)
    other = tmp_path / "other.jsonl"
    other.write_text(Path(EXAMPLES).read_text("utf-8").replace('"name": "', '"name": "X'), "utf-8")
    assert main(["evaluate", "bsu-2022", str(other), "--log", str(log), "--full-nik"]) == 2
    printed = capsys.readouterr()
    assert f"{log}: could not append: the disk is full (no space left to write it); the log still ends at its last " \
           "complete line and these decisions were not printed" in printed.err, printed.err
    assert printed.out == ""  # nothing printed that was not logged
    assert log.read_bytes() == before and verify_log(log).ok
    monkeypatch.undo()
    assert main(["evaluate", "bsu-2022", str(other), "--log", str(log), "--full-nik"]) == 0  # the next run continues
    assert verify_log(log).decisions == 2 * N


def test_a_file_size_limit_before_the_log_has_a_line_is_told_as_such(tmp_path: Path) -> None:
    """``ulimit -f 0``: the new log could take no line. It was told "could not append (File too large); the log still
    ends at its last complete line", of a log that had none."""
    import resource
    import subprocess
    import sys

    log = tmp_path / "d.log"
    done = subprocess.run([sys.executable, "-m", "bsu_rules", *_evaluate(log)], capture_output=True, text=True,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)), check=False)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert f"{log}: could not append: the file would be larger than one file may be here (a limit on a file's size: " \
           "`ulimit -f`, or the file system's); nothing was written to the log and these decisions were not " \
           "printed" in done.stderr, done.stderr
    assert not log.exists() or log.stat().st_size == 0


def test_a_rerun_logs_nothing_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    first = capsys.readouterr().out
    assert main(_evaluate(log)) == 0
    assert capsys.readouterr().out == first  # the same decisions printed ...
    assert verify_log(log).decisions == N  # ... and logged once


@pytest.mark.parametrize(("damage", "said"), [
    (lambda lines: lines.__setitem__(4, lines[4].replace(b'"outcome":"ineligible"', b'"outcome":"eligible"')),
     "line 5: edited"),
    (lambda lines: lines.pop(6), "line 7: removed"),
    (lambda lines: lines.__setitem__(5, b'{"nik":"3204125708940003"\n'), "line 6: malformed"),
])
def test_a_tampered_log_is_not_continued(tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any,
                                         said: str) -> None:
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    lines = log.read_bytes().splitlines(keepends=True)
    assert b'"outcome":"ineligible"' in lines[4]
    damage(lines)
    log.write_bytes(b"".join(lines))
    capsys.readouterr()
    assert main(_evaluate(log)) == 2
    printed = capsys.readouterr()
    assert printed.out == "" and said in printed.err and f"bsu-rules verify {log}" in printed.err
    assert log.read_bytes() == b"".join(lines)  # nothing appended after the break


def test_a_decision_is_logged_as_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A decision counts as logged only when the log holds the JSON printed, byte for byte."""
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    capsys.readouterr()
    assert main(_evaluate(log, "--hints")) == 0
    printed = capsys.readouterr().out.splitlines()
    logged = [line.split(',"hash":"')[0].removeprefix('{"decision":') for line in log.read_text("utf-8").splitlines()]
    assert logged[N:] == [line for line in printed if line not in logged[:N]]  # those with a hint, once
    assert N < len(logged) < 2 * N and verify_log(log).ok


def test_a_killed_writer_is_resumed_as_verify_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command verify prints, pasted into a shell, cuts that log (a path with a space too) and no other."""
    (tmp_path / "BSU 2022").mkdir()
    log, other = tmp_path / "BSU 2022" / "d.log", tmp_path / "2022"
    other.write_bytes(b"an intact file")
    assert main(_evaluate(log)) == 0
    data = log.read_bytes()
    log.write_bytes(data[:-300])  # killed in the middle of the last line
    capsys.readouterr()
    with pytest.raises(LogError, match="truncated"):
        audit_log.DecisionLog(log, full_nik=True).writable()
    assert main(["verify", str(log)]) == 1
    command = capsys.readouterr().out.split("`truncate -s ")[1].split("`")[0]
    subprocess.run(f"truncate -s {command}", shell=True, check=True, cwd=tmp_path)
    size = log.stat().st_size
    assert other.read_bytes() == b"an intact file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2022", "BSU 2022"]
    assert main(_evaluate(log)) == 0
    assert verify_log(log).decisions == N and log.read_bytes()[:size] == data[:size]


def test_verify_as_json_gives_the_size_to_resume_at(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    log.write_bytes(log.read_bytes()[:-100])
    capsys.readouterr()
    assert main(["verify", str(log)]) == 1
    size = int(capsys.readouterr().out.split("truncate -s ")[1].split()[0])
    assert main(["verify", str(log), "--format", "json"]) == 1
    problem = json.loads(capsys.readouterr().out)["problem"]
    assert problem["kind"] == "truncated" and problem["resume_at"] == size
    assert log.read_bytes()[size - 1:size] == b"\n" and log.read_bytes().count(b"\n", 0, size) == N - 1


def _keys(tmp_path: Path) -> tuple[Path, Path]:
    private = Ed25519PrivateKey.generate()
    signing, public = tmp_path / "signing.pem", tmp_path / "public.pem"
    signing.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    signing.chmod(0o600)  # as the guide keeps it: an open key is warned of
    public.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo))
    return signing, public


@pytest.mark.skipif(os.name != "posix", reason="a file's mode says who can read it on POSIX only")
def test_a_signing_key_others_can_read_is_warned_of_and_used(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A --signing-key file group or others can read lets them sign a rewritten log: said once, with the fix."""
    signing, public = _keys(tmp_path)
    signing.chmod(0o640)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    err = capsys.readouterr().err
    assert err.count(f"bsu-rules: warning: {signing}: the key file's permissions 0640 let other users read it: "
                     f"whoever reads it can sign checkpoints of a rewritten log in your name; make it readable by "
                     f"you alone: chmod 600 {signing}\n") == 1
    assert main(["verify", str(log), "--public-key", str(public)]) == 0  # signed all the same
    signing.chmod(0o600)
    assert main(_evaluate(tmp_path / "e.log", "--signing-key", str(signing))) == 0
    assert "permissions" not in capsys.readouterr().err


def test_signed_checkpoints_catch_a_rechained_forgery(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    assert main(["verify", str(log), "--public-key", str(public)]) == 0
    capsys.readouterr()
    sys.path.insert(0, str(ROOT / "tests"))
    from test_audit_log import rechain

    entries = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    entries[2]["decision"]["outcome"] = "ineligible"  # a forger who knows the format, not the key
    log.write_text("".join(rechain(entries)), "utf-8")
    assert main(["verify", str(log)]) == 0  # the chain alone is fooled
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    assert "rewritten" in capsys.readouterr().out
    checkpoints_path(log).unlink()
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    assert "no signed checkpoints" in capsys.readouterr().out


def test_a_signing_writer_never_signs_over_a_rewritten_log(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A checkpoint vouches for every line before it: a writer with the key refuses a log whose
    earlier checkpoints no longer match (or that lost them), so a forger who re-chains the log and
    waits for the next signed append gains nothing; lines appended without the key are warned."""
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    sys.path.insert(0, str(ROOT / "tests"))
    from test_audit_log import rechain

    entries = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    entries[4]["decision"]["outcome"] = "eligible"
    log.write_text("".join(rechain(entries)), "utf-8")
    forged = log.read_bytes()
    capsys.readouterr()
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-13")) == 2
    assert "is not the one signed: the log was rewritten" in capsys.readouterr().err and log.read_bytes() == forged
    checkpoints_path(log).write_bytes(b"{")  # or left as one cut line: dropped, and nothing is left signed
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-13")) == 2
    assert "no checkpoint signed with this public key" in capsys.readouterr().err and log.read_bytes() == forged
    checkpoints_path(log).unlink()  # and with the checkpoints gone
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-13")) == 2
    assert "no signed checkpoints" in capsys.readouterr().err and log.read_bytes() == forged

    honest = tmp_path / "e.log"
    assert main(_evaluate(honest, "--signing-key", str(signing))) == 0
    assert main(_evaluate(honest, "--on", "2022-09-13")) == 0  # appended without the key
    capsys.readouterr()
    before = honest.read_bytes()
    assert main(_evaluate(honest, "--signing-key", str(signing), "--on", "2022-09-14")) == 2  # not unless asked
    err = capsys.readouterr().err
    assert f"decisions after seq {N} are not covered" in err and "--sign-unsigned" in err
    assert honest.read_bytes() == before
    assert main(_evaluate(honest, "--signing-key", str(signing), "--on", "2022-09-14", "--sign-unsigned")) == 0
    assert f"decisions after seq {N} are not covered" in capsys.readouterr().err
    assert main(["verify", str(honest), "--public-key", str(public)]) == 0
    assert main(_evaluate(honest, "--sign-unsigned")) == 2  # it means nothing without the key


def _signed_twice(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A log of two signed runs (checkpoints at seq N and 2N): the signing key, the public key, the log."""
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-13")) == 0
    return signing, public, log


def _forge(log: Path, index: int) -> None:
    """Flip the outcome of the line at ``index`` (from 0) and re-hash the chain, as a forger who knows the
    format but not the key would."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_audit_log import rechain

    entries = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    decision = entries[index]["decision"]
    decision["outcome"] = "eligible" if decision["outcome"] != "eligible" else "ineligible"
    log.write_text("".join(rechain(entries)), "utf-8")


@pytest.mark.parametrize("how", ["removed", "cut"])
def test_a_rewritten_tail_whose_checkpoints_are_gone_is_not_signed_over(tmp_path: Path, how: str,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A forger who rewrites the decisions after an earlier checkpoint and removes (or cuts) the later
    checkpoints leaves a tail no checkpoint covers: the next signing writer refuses it, as it refuses
    an unsigned tail, rather than vouch for it."""
    signing, public, log = _signed_twice(tmp_path)
    _forge(log, N + 2)
    checkpoints = checkpoints_path(log).read_bytes().splitlines(keepends=True)
    assert len(checkpoints) == 2  # one for each run: it signs the head once the run's decisions are in
    checkpoints_path(log).write_bytes(checkpoints[0] + (b"" if how == "removed" else checkpoints[1][:-20]))
    forged = log.read_bytes()
    capsys.readouterr()
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-14")) == 2
    assert f"decisions after seq {N} are not covered by a signed checkpoint" in capsys.readouterr().err
    assert log.read_bytes() == forged
    assert main(["verify", str(log), "--public-key", str(public)]) == 1


def test_a_forged_signature_or_another_key_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    (tmp_path / "k2").mkdir()
    _, stranger = _keys(tmp_path / "k2")
    assert main(["verify", str(log), "--public-key", str(stranger)]) == 1
    lines = checkpoints_path(log).read_text("utf-8").splitlines()
    last = json.loads(lines[-1])
    last["signature"] = last["signature"][:-4] + ("AAA=" if not last["signature"].endswith("AAA=") else "BBB=")
    checkpoints_path(log).write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n", "utf-8")
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    assert "not valid" in capsys.readouterr().out
    assert main(["verify", str(log), "--public-key", str(log)]) == 2  # not a key: could not proceed


def test_an_empty_log_is_unsigned_without_a_line_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing signed vouches for an empty log (its decisions may all have been removed): verify says so,
    without pointing at a line the log does not hold."""
    _, public = _keys(tmp_path)
    log = tmp_path / "empty.jsonl"
    log.write_bytes(b"")
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    said = capsys.readouterr().out
    assert said.startswith(f"{log}: unsigned: no signed checkpoints") and "line 0" not in said


def test_a_line_nested_beyond_any_parser_is_a_malformed_line(tmp_path: Path) -> None:
    from bsu_rules.audit import verify_log

    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "\n")
    problem = verify_log(path).problem
    assert problem is not None and (problem.line, problem.kind) == (1, "malformed")


def test_decisions_a_failed_write_dropped_are_logged_when_recorded_again(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import bsu_rules

    ruleset = bsu_rules.load_ruleset("bsu-2022")
    records = [json.loads(line) for line in Path(EXAMPLES).read_text("utf-8").splitlines()[:3]]
    log = tmp_path / "d.log"
    writer = audit_log.DecisionLog(log, batch=10, full_nik=True)
    decisions = [ruleset.plan().decide(r, input_sha256=writer.input_hash(r)) for r in records]

    def broken(fd: int, data: Any) -> int:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(audit_log.os, "write", broken)
    for decision, record in zip(decisions, records, strict=True):
        writer.record(decision, record, ruleset)
    with pytest.raises(LogError, match="could not append: input/output error"):
        writer.flush()
    monkeypatch.undo()
    writer.close()  # nothing is left to write later
    assert not log.exists() or log.read_bytes() == b""
    writer.record(decisions[1], records[1], ruleset)
    writer.close()
    assert [json.loads(line)["decision"]["member"] for line in log.read_text("utf-8").splitlines()] == \
        [json.loads(decisions[1].to_json())["member"]]


def test_a_signed_log_cut_short_is_said_to_be_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    log.write_text("".join(log.read_text("utf-8").splitlines(keepends=True)[:12]), "utf-8")
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    out = capsys.readouterr().out
    assert f"seq {N} was signed, but the log ends at seq 12: lines were cut off its end" in out
    assert "rewritten" not in out


def test_a_cut_checkpoint_line_is_dropped_by_the_next_writer_that_signs_the_tail(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    assert main(_evaluate(log, "--signing-key", str(signing), "--hints")) == 0
    checkpoints = checkpoints_path(log)
    whole = checkpoints.read_bytes()
    os.truncate(checkpoints, len(whole) - 40)
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    said = capsys.readouterr().out
    first = whole.index(b"\n") + 1
    assert "line 2: incomplete" in said and "signs over them only when given --sign-unsigned" in said
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-10-01")) == 2  # the tail: checked first
    assert checkpoints.read_bytes() == whole[:-40]
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-10-01", "--sign-unsigned")) == 0
    assert checkpoints.read_bytes().startswith(whole[:first]) and checkpoints.read_bytes().count(b"\n") == 2
    assert main(["verify", str(log), "--public-key", str(public)]) == 0


def test_replay_of_a_signed_log_says_its_signatures_are_checked_by_verify(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A log rewritten and re-chained by whoever can write it replays "chain intact": only the
    signatures tell, and replay says where they are checked."""
    signing, _ = _keys(tmp_path)
    log, archive = tmp_path / "s.jsonl", tmp_path / "archive"
    assert main(_evaluate(log, "--signing-key", str(signing), "--archive", str(archive))) == 0
    capsys.readouterr()
    assert main(["replay", str(log), "--archive", str(archive)]) == 0
    assert f"replay checks its chain, not its signatures; check them with `bsu-rules verify {log} --public-key" \
        in capsys.readouterr().err
    plain = tmp_path / "plain.jsonl"
    assert main(_evaluate(plain, "--archive", str(archive))) == 0
    capsys.readouterr()
    assert main(["replay", str(plain), "--archive", str(archive)]) == 0
    assert "signatures" not in capsys.readouterr().err


def test_a_writer_without_the_signing_key_warns_once_that_it_extends_a_signed_log(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signing, public = _keys(tmp_path)
    log = tmp_path / "s.jsonl"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(_evaluate(log, "--on", "2022-10-01")) == 0
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and "not covered by a signed checkpoint" in err and "--signing-key" in err
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    plain = tmp_path / "plain.jsonl"  # a log never signed: nothing to say
    assert main(_evaluate(plain)) == 0 and main(_evaluate(plain, "--on", "2022-10-01")) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(("line", "said"), [
    (b'{"nik":"3204125708940003" "bank":"418201004566507"}\n', "expecting ',' delimiter at column 27"),
    (b'{"nik":"3204125708940003","bank":"418201004566507"\n', "it ends before its record does: cut short?"),
    (b'{"nik":"3204125708940003","recorded_at":"2022-09\n', "it ends before its record does: cut short?"),
])
def test_a_json_error_is_placed_in_its_line(tmp_path: Path, line: bytes, said: str) -> None:
    """An error inside a line gives its column; one at the line's end (a line cut in the middle of
    the log, followed by the rest) says the line was cut short, not which character the parser met."""
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    lines = log.read_bytes().splitlines(keepends=True)
    lines[5] = line
    log.write_bytes(b"".join(lines))
    problem = verify_log(log).problem
    assert problem is not None and problem.message == f"not JSON ({said})"


@pytest.mark.parametrize("control", [b"\t", b"\x00"])  # NUL is UTF-8 too: no encoding problem
def test_a_control_character_in_a_line_is_placed_once(tmp_path: Path, control: bytes) -> None:
    log = tmp_path / "ctl.jsonl"
    log.write_bytes(b'{"seq":"a' + control + b'b"}\n')
    problem = verify_log(log).problem
    assert problem is not None and problem.message == "not JSON (invalid control character at column 10)"


@pytest.mark.parametrize(("line", "said"), [
    (b"\x00" * 10, "only NUL bytes, which a file system leaves where a write was lost (a crash or a power cut)"),
    (b"\x00\x00{}", "invalid control character at column 1"),  # leading NULs: the parser guesses UTF-16
    (b"\x00caf\xe9", "not UTF-8 text")])
def test_a_line_with_nul_bytes_at_its_start_is_told_as_such_not_as_another_encoding(tmp_path: Path, line: bytes,
                                                                                  said: str) -> None:
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join([*lines[:2], line + b"\n", *lines[3:]]))
    problem = verify_log(log).problem
    assert problem is not None and problem.message == f"not JSON ({said})"


def test_a_log_that_is_no_file_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--log", os.devnull, "--full-nik"]) == 2
    printed = capsys.readouterr()
    assert printed.out == "" and f"bsu-rules: {os.devnull}: not a regular file" in printed.err


def test_a_log_is_verified_and_replayed_from_a_pipe(tmp_path: Path) -> None:
    """verify and replay read a log given as a pipe (``<(…)``, /dev/stdin) once, as they read a file; with a
    member snapshot, which reads the log twice, replay asks for a file."""
    import subprocess

    log, archive = tmp_path / "d.jsonl", tmp_path / "a"
    assert main(["evaluate", "bsu-2022", EXAMPLES, "--log", str(log), "--full-nik", "--archive", str(archive)]) == 0
    run = [sys.executable, "-m", "bsu_rules"]
    for command in (["verify", "/dev/stdin"], ["replay", "/dev/stdin", "--archive", str(archive)]):
        done = subprocess.run([*run, *command], input=log.read_text("utf-8"), capture_output=True, text=True, cwd=ROOT,
                              check=False)
        assert done.returncode == 0 and "16 decisions, chain intact" in done.stdout + done.stderr, done.stderr
    done = subprocess.run([*run, "replay", "/dev/stdin", "--archive", str(archive), "--members", EXAMPLES],
                          input=log.read_text("utf-8"), capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2 and "give it as a file, not a pipe" in done.stderr


def _signing_log(tmp_path: Path, log: Path, unsigned: bool = False,
                 warned: list[str] | None = None) -> tuple[Any, Any, Any]:
    """A DecisionLog that signs each decision as it is recorded, the rule set and the records."""
    from bsu_rules import load_ruleset
    from bsu_rules.audit.checkpoints import load_signing_key, signer
    from bsu_rules.audit.log import DecisionLog

    signing, _ = _keys(tmp_path) if not (tmp_path / "signing.pem").exists() else (tmp_path / "signing.pem", None)
    warn = warned.append if warned is not None else None
    sign = signer(log, load_signing_key(signing), warn=warn, unsigned=unsigned)
    writer = DecisionLog(log, full_nik=True, signer=sign, warn=warn)
    records = [json.loads(line) for line in Path(EXAMPLES).read_text("utf-8").splitlines() if line.strip()]
    return writer, load_ruleset("bsu-2022"), records


def _record(writer: Any, ruleset: Any, record: dict[str, Any]) -> None:
    from datetime import date

    from bsu_rules.members import parse_member

    member = parse_member(record)
    decision = ruleset.plan(date(2022, 9, 12)).decide(member, input_sha256=writer.input_hash(member))
    writer.record(decision, member, ruleset)


@pytest.mark.parametrize("how", ["rewritten", "appended without the key"])
def test_a_running_signing_writer_checks_again_what_changed_under_it(tmp_path: Path, how: str) -> None:
    """A writer checks the checkpoints when it opens the log; a log rewritten (its checkpoints emptied)
    while it runs is refused before anything is appended, and one appended to by another writer is
    checked again before its next signature, the decisions it was writing taken back rather than
    signed over."""
    log = tmp_path / "d.log"
    writer, ruleset, records = _signing_log(tmp_path, log)
    for record in records[:3]:
        _record(writer, ruleset, record)
    if how == "rewritten":
        sys.path.insert(0, str(ROOT / "tests"))
        from test_audit_log import rechain

        entries = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
        entries[1]["decision"]["outcome"] = "eligible" if entries[1]["decision"]["outcome"] != "eligible" \
            else "ineligible"
        log.write_text("".join(rechain(entries)), "utf-8")
        checkpoints_path(log).write_bytes(b"")
    else:
        from bsu_rules.audit.log import DecisionLog

        other = DecisionLog(log, full_nik=True)
        _record(other, ruleset, records[3])
    before = log.read_bytes()
    said = r"the log was rewritten while this writer ran \(its line with seq 3, the last this writer left, is not " \
        r"there as it was\); nothing more is appended to it" if how == "rewritten" else \
        r"decisions after seq 3 are not covered .* give --sign-unsigned.*the decisions of this write were taken back " \
        "and not printed"
    with pytest.raises(LogError, match=said):
        _record(writer, ruleset, records[4])
    assert log.read_bytes() == before and verify_log(log).ok


def test_a_running_writer_told_to_sign_unsigned_lines_signs_another_writers_but_never_a_rewrite(
        tmp_path: Path) -> None:
    from bsu_rules.audit.log import DecisionLog

    log, warned = tmp_path / "d.log", list[str]()
    writer, ruleset, records = _signing_log(tmp_path, log, unsigned=True, warned=warned)
    _record(writer, ruleset, records[0])
    _record(DecisionLog(log, full_nik=True), ruleset, records[1])
    _record(writer, ruleset, records[2])  # the other writer's line is signed over, as asked
    assert any("decisions after seq 1 are not covered" in w for w in warned)
    assert main(["verify", str(log), "--public-key", str(tmp_path / "public.pem")]) == 0
    sys.path.insert(0, str(ROOT / "tests"))
    from test_audit_log import rechain

    entries = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    entries[0]["decision"]["outcome"] = "eligible" if entries[0]["decision"]["outcome"] != "eligible" else "ineligible"
    log.write_text("".join(rechain(entries)), "utf-8")  # its checkpoints kept: they no longer match
    with pytest.raises(LogError, match=r"the log was rewritten while this writer ran \(its line with seq 3"):
        _record(writer, ruleset, records[3])


def test_a_checkpoints_file_that_is_a_pipe_is_refused_without_waiting(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    checkpoints_path(log).unlink()
    os.mkfifo(checkpoints_path(log))
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    assert "d.log.checkpoints is a named pipe (FIFO), not a regular file" in capsys.readouterr().out
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-13")) == 2
    assert "d.log.checkpoints is a named pipe (FIFO), not a regular file" in capsys.readouterr().err


def test_a_carriage_return_does_not_end_a_checkpoint_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lines end at a newline, as the writer counts them: a bare carriage return between two checkpoints
    makes one line that is no checkpoint, never an incomplete line or two good ones."""
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-13")) == 0
    first, second = checkpoints_path(log).read_bytes().splitlines()
    checkpoints_path(log).write_bytes(first + b"\r" + second + b"\n")
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(public)]) == 1
    assert "d.log.checkpoints line 1: not a checkpoint" in capsys.readouterr().out
    assert main(_evaluate(log, "--signing-key", str(signing), "--on", "2022-09-14", "--sign-unsigned")) == 2
    assert "line 1: not a checkpoint" in capsys.readouterr().err


def test_two_writers_signing_with_one_key_continue_each_others_log(tmp_path: Path) -> None:
    """Lines another writer appended and signed with the same key are covered: a writer signs after them
    without being told to, and without a warning."""
    log, warned = tmp_path / "d.log", list[str]()
    first, ruleset, records = _signing_log(tmp_path, log, warned=warned)
    second, _, _ = _signing_log(tmp_path, log, warned=warned)
    for i, writer in enumerate([first, second, second, first, second, first]):
        _record(writer, ruleset, records[i])
    assert not warned and verify_log(log).ok and verify_log(log).decisions == 6
    assert main(["verify", str(log), "--public-key", str(tmp_path / "public.pem")]) == 0


def test_a_checkpoint_that_cannot_be_written_takes_the_decisions_back(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import bsu_rules.audit.checkpoints as checkpoints

    log = tmp_path / "d.log"
    writer, ruleset, records = _signing_log(tmp_path, log)
    _record(writer, ruleset, records[0])
    before = log.read_bytes()

    def full(fd: int, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(checkpoints, "_drop_cut_line", full)
    with pytest.raises(LogError, match=r"d\.log\.checkpoints: could not append the checkpoint: the disk is full \(no "
                                       r"space left to write it\); the decisions of this write were taken back and "
                                       r"not printed"):
        _record(writer, ruleset, records[1])
    assert log.read_bytes() == before


def test_a_writer_opening_a_log_reads_it_and_its_checkpoints_as_one(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Another signing writer that appends and signs between the reading of the log and of its
    checkpoints would make a checkpoint past the end read as lines cut off: it waits for the reading."""
    import threading

    import bsu_rules.audit.chain as chain

    log = tmp_path / "d.log"
    other, ruleset, records = _signing_log(tmp_path, log)
    _record(other, ruleset, records[0])
    read, done = chain.verify_log, threading.Event()

    def then_another_writer(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        worker = threading.Thread(target=lambda: (_record(other, ruleset, records[1]), done.set()), daemon=True)
        worker.start()
        worker.join(0.5)  # it waits on the lock while the checkpoints are read
        return found
    monkeypatch.setattr(chain, "verify_log", then_another_writer)
    writer, _, _ = _signing_log(tmp_path, log)  # no "lines were cut off its end"
    monkeypatch.setattr(chain, "verify_log", read)
    assert done.wait(10)
    _record(writer, ruleset, records[2])
    assert main(["verify", str(log), "--public-key", str(tmp_path / "public.pem")]) == 0


def test_a_running_writer_never_signs_over_a_broken_chain(tmp_path: Path) -> None:
    from bsu_rules.audit.log import DecisionLog

    log = tmp_path / "d.log"
    writer, ruleset, records = _signing_log(tmp_path, log, unsigned=True)
    _record(writer, ruleset, records[0])
    _record(DecisionLog(log, full_nik=True), ruleset, records[1])
    lines = log.read_text("utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace('"outcome":"', '"outcome":"x', 1)  # edited, the chain left as it was
    log.write_text("".join(lines), "utf-8")
    signed = checkpoints_path(log).read_bytes()
    with pytest.raises(LogError, match=r"the log was rewritten while this writer ran \(its line with seq 1"):
        _record(writer, ruleset, records[2])
    assert checkpoints_path(log).read_bytes() == signed


def test_a_log_cut_back_under_a_running_writer_is_said_to_be(tmp_path: Path) -> None:
    log = tmp_path / "d.log"
    writer, ruleset, records = _signing_log(tmp_path, log)
    for record in records[:3]:
        _record(writer, ruleset, record)
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:1]))
    with pytest.raises(LogError, match=r"the log was cut back while this writer ran \(it holds [0-9,]+ bytes; this "
                                       r"writer left [0-9,]+, ending at seq 3\)"):
        _record(writer, ruleset, records[3])


@pytest.mark.parametrize(("how", "said"), [
    ("cut back", r"the log was cut back while this writer ran \(it holds [0-9,]+ bytes; this writer left [0-9,]+, "
                 r"ending at seq 3\)"),
    ("emptied", r"the log was cut back while this writer ran \(it holds 0 bytes"),
    ("removed", "the log is gone: it was removed or renamed while this writer ran"),
    ("renamed", "the log is gone: it was removed or renamed while this writer ran"),
    ("replaced", r"the log was replaced while this writer ran \(another file is at its path now\)"),
    ("rewritten", r"the log was rewritten while this writer ran \(its line with seq 3, the last this writer left"),
])
def test_a_log_changed_under_a_running_writer_is_not_continued(tmp_path: Path, how: str, said: str) -> None:
    """A writer went on from whatever it found: a log cut back (same file) got a new seq 2, a log removed
    or replaced a new chain at seq 1, and `verify` called either intact. It now refuses, on every use,
    and appends nothing (nor makes a new file); a new writer continues the log as it then stands."""
    from datetime import date

    from bsu_rules import load_ruleset
    from bsu_rules.audit.log import DecisionLog, LogChanged
    from bsu_rules.members import parse_member

    log = tmp_path / "d.log"
    writer, ruleset = DecisionLog(log, full_nik=True), load_ruleset("bsu-2022")
    records = [json.loads(line) for line in Path(EXAMPLES).read_text("utf-8").splitlines() if line.strip()]
    for record in records[:3]:  # appends in a row: each continues the last
        _record(writer, ruleset, record)
    assert verify_log(log).decisions == 3
    kept = log.read_bytes()
    if how in ("cut back", "emptied"):  # `head -1 d.log > t && cat t > d.log`
        with log.open("r+b") as f:
            f.truncate(len(kept.splitlines(keepends=True)[0]) if how == "cut back" else 0)
    elif how == "removed":
        log.unlink()
    elif how == "renamed":
        log.rename(tmp_path / "old.log")
    elif how == "replaced":  # the same lines, in another file
        (tmp_path / "t").write_bytes(kept)
        os.replace(tmp_path / "t", log)
    else:  # the same file and size, its last line changed
        with log.open("r+b") as f:
            f.seek(len(kept) - 3)
            f.write(b"0")
    after = log.read_bytes() if log.exists() else None
    decision = ruleset.plan(date(2022, 9, 12)).decide(parse_member(records[0]))
    for use in (lambda: _record(writer, ruleset, records[3]), writer.writable, lambda: writer.logged(decision)):
        with pytest.raises(LogChanged, match=said) as refused:
            use()
        assert "nothing more is appended to it" in str(refused.value)
        assert not any(record["nik"] in str(refused.value) for record in records[:4])
    assert (log.read_bytes() if log.exists() else None) == after
    if how != "rewritten":
        _record(DecisionLog(log, full_nik=True), ruleset, records[3])  # a new writer: it remembers nothing
        assert verify_log(log).ok


def test_a_log_repaired_below_where_a_running_writer_left_it_is_not_continued(tmp_path: Path) -> None:
    """A broken chain left the writer to read the whole log again: a "repair" that also cut its own lines
    away was continued. Only the log as the writer left it is continued now."""
    from bsu_rules import load_ruleset
    from bsu_rules.audit.log import DecisionLog, LogChanged

    log = tmp_path / "d.log"
    writer, ruleset = DecisionLog(log, full_nik=True), load_ruleset("bsu-2022")
    records = [json.loads(line) for line in Path(EXAMPLES).read_text("utf-8").splitlines() if line.strip()]
    for record in records[:3]:
        _record(writer, ruleset, record)
    kept = log.read_bytes()
    with log.open("ab") as f:
        f.write(b'{"partial')
    with pytest.raises(LogError, match="line 4: truncated"):
        _record(writer, ruleset, records[3])
    os.truncate(log, len(kept.splitlines(keepends=True)[0]))
    with pytest.raises(LogChanged, match="the log was cut back while this writer ran"):
        _record(writer, ruleset, records[3])
    with log.open("r+b") as f:
        f.write(kept)  # as the writer left it
    _record(writer, ruleset, records[3])
    assert verify_log(log).decisions == 4


def test_evaluate_stops_when_its_log_is_cut_back_while_it_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`evaluate --log` writes every BATCH decisions; a log cut back between two writes was continued
    from its first line. The run now stops (exit 2) with what changed and how far it got; the decisions
    printed are those logged before, nothing is printed after."""
    import bsu_rules.cli.archive as archive

    monkeypatch.setattr(archive, "BATCH", 4)
    log, flush = tmp_path / "d.log", audit_log.DecisionLog.flush

    def flush_then_cut(self: audit_log.DecisionLog) -> int:
        written = flush(self)
        if written and log.read_bytes().count(b"\n") == 4:  # after the first write, another hand cuts
            with log.open("r+b") as f:
                f.truncate(len(f.readline()))
        return written
    monkeypatch.setattr(audit_log.DecisionLog, "flush", flush_then_cut)
    assert main(_evaluate(log)) == 2
    printed = capsys.readouterr()
    assert len(printed.out.splitlines()) == 4
    said = printed.err.splitlines()
    assert said[-2].startswith(f"bsu-rules: {log}: the log was cut back while this writer ran (it holds ")
    assert said[-1] == "bsu-rules: stopped after 4 records: 4 read = 4 decided + 0 rejected so far; the output is " \
        "incomplete"
    assert log.read_bytes().count(b"\n") == 1 and log.exists()
    assert not any(json.loads(line)["nik"] in printed.err for line in Path(EXAMPLES).read_text("utf-8").splitlines())


def test_verify_reads_again_while_a_writer_is_between_its_lines_and_their_checkpoint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``verify --public-key`` holds no lock while it reads (an auditor never holds the writers back): a
    checkpoint not yet written for lines it read is waited for, not reported."""
    import bsu_rules.cli.verify as verify

    signing, public = _keys(tmp_path)
    log = tmp_path / "d.log"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    signed = checkpoints_path(log).read_bytes()
    checkpoints_path(log).write_bytes(b"")  # as a writer leaves it between its lines and their checkpoint
    found = verify.verify_checkpoints

    def then_signed(*args: Any, **kwargs: Any) -> Any:
        said = found(*args, **kwargs)
        checkpoints_path(log).write_bytes(signed)  # ... which it then writes
        return said
    monkeypatch.setattr(verify, "verify_checkpoints", then_signed)
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(public)]) == 0
    checkpoints_path(log).write_bytes(signed[:signed.index(b"\n") + 1] if signed.count(b"\n") > 1 else b"")
    monkeypatch.setattr(verify, "verify_checkpoints", found)
    assert main(["verify", str(log), "--public-key", str(public)]) == 1  # a real gap stays one


def test_a_log_an_editor_saved_is_told_what_the_editor_changed(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A BOM or Windows line ends make a line non-canonical, and verify says that is what they are."""
    log = tmp_path / "d.log"
    assert main(_evaluate(log)) == 0
    data = log.read_bytes()
    for changed, said in ((b"\xef\xbb\xbf" + data, "a byte order mark (BOM) before it"),
                          (data.replace(b"\n", b"\r\n"), "a Windows line end (CRLF)")):
        log.write_bytes(changed)
        capsys.readouterr()
        assert main(["verify", str(log)]) == 1
        assert (f"line 1: reformatted: its content matches its hash but the line is not in canonical form: {said}, "
                "as an editor saving the file adds") in capsys.readouterr().out


def test_the_private_key_given_as_the_public_one_is_told_so(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    signing, _ = _keys(tmp_path)
    log = tmp_path / "s.jsonl"
    assert main(_evaluate(log, "--signing-key", str(signing))) == 0
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(signing)]) != 0
    said = capsys.readouterr()
    assert "not a PEM public key: it is the private key (keep it secret)" in said.out + said.err


@pytest.mark.parametrize("kind", ["device", "huge"])
def test_a_key_file_that_is_a_device_or_huge_is_refused_without_reading_it(tmp_path: Path, kind: str,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """/dev/zero as a key was read until memory ran out."""
    key = Path("/dev/zero") if kind == "device" else tmp_path / "big.pem"
    if kind == "huge":
        with key.open("wb") as f:
            f.truncate(1 << 30)  # sparse: a gigabyte of nothing on disk
    log = tmp_path / "d.jsonl"
    assert main(_evaluate(log)) == 0
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(key)]) == 2
    assert main(_evaluate(tmp_path / "s.jsonl", "--signing-key", str(key))) == 2
    said = capsys.readouterr().err
    told = "a device, not a regular file" if kind == "device" else "larger than 65,536 bytes"
    assert said.count(told) == 2 and "internal error" not in said, said


def test_a_rechained_forgery_is_told_at_the_signed_line_it_changed(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Checkpoints at seq 16 and 32, line 5 forged and the chain re-hashed: told at line 16, the first signed
    line that no longer matches (the change is at or before it), not at the log's end."""
    _, public, log = _signed_twice(tmp_path)
    assert len(log.read_text("utf-8").splitlines()) == 32
    _forge(log, 4)
    capsys.readouterr()
    assert main(["verify", str(log), "--public-key", str(public), "--format", "json"]) == 1
    problem = json.loads(capsys.readouterr().out)["problem"]
    assert problem["line"] == 16 and "seq 16 is not the one signed" in problem["message"], problem


def test_signed_checkpoints_without_the_audit_extra_say_how_to_install_it(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Without the cryptography package (README's extras line leaves `audit` out), `evaluate --signing-key` and
    `verify --public-key` were an internal error: the key types were imported before the check that names the
    extra."""
    signing, public = _keys(tmp_path)
    log = tmp_path / "d.jsonl"
    assert main(_evaluate(log)) == 0
    for name in [name for name in sys.modules if name == "cryptography" or name.startswith("cryptography.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed: every import of it fails
    capsys.readouterr()
    assert main(_evaluate(tmp_path / "s.jsonl", "--signing-key", str(signing))) == 2
    assert main(["verify", str(log), "--public-key", str(public)]) == 2
    said = capsys.readouterr().err
    assert said.count("signed checkpoints need the cryptography package: pip install '.[audit]'") == 2, said
    assert "internal error" not in said
