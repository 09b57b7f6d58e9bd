"""The `mutasi` command: run the local stack and the demo round."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import httpx
import typer

from mutasi.cli import audit as audit_mod
from mutasi.cli import dlq as dlq_mod
from mutasi.cli import stack as stack_mod
from mutasi.cli.console import DEMO_PASSWORD, MAILBOX_DIR, how_to_sign_in
from mutasi.cli.demo.runner import DemoFailed, run_demo
from mutasi.cli.idp.login import sign_in
from mutasi.cli.idp.users import EMPLOYEE_NIPS

app = typer.Typer(help="Mutasi: the ASN transfer programme, on your machine.", no_args_is_help=True)
stack_app = typer.Typer(help="Tansu + SecantusDB + the four services as local processes (no Docker).")
app.add_typer(stack_app, name="stack")
dlq_app = typer.Typer(help="Dead letters: what consumers rejected, why, and a replay after the fix.")
app.add_typer(dlq_app, name="dlq")
KAFKA_OPTION = typer.Option(None, "--kafka", help="Bootstrap servers; default: the running local stack's.")
audit_app = typer.Typer(help="Audit: the placement decision log.")
app.add_typer(audit_app, name="audit")


def _run_dir() -> Path:
    return Path(os.environ.get("MUTASI_RUN_DIR", ".run")).resolve()


def _say(line: str) -> None:
    print(line, flush=True)


@stack_app.command("up")
def stack_up() -> None:
    """Start Kafka (Tansu), MongoDB (SecantusDB) and the four services; wait until each is ready."""
    run_dir = _run_dir()
    _say(f"starting the local stack in {run_dir}")
    try:
        stack_mod.up(run_dir, _say)
    except Exception as exc:
        _say(f"stack up failed: {exc}; logs in {run_dir / 'logs'}")
        stack_mod.down(run_dir)
        raise typer.Exit(1) from exc
    _say("stack is up; `mutasi stack down` stops it")


@stack_app.command("down")
def stack_down() -> None:
    """Stop everything `stack up` started."""
    stopped = stack_mod.down(_run_dir())
    _say(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")


@stack_app.command("status")
def stack_status() -> None:
    """Show each process of the local stack and whether it is ready."""
    report = stack_mod.status(_run_dir())
    if not report:
        _say("no stack is running")
        raise typer.Exit(1)
    for name, state in report.items():
        _say(f"{name:<12} {state}")


def _kafka(kafka: str | None) -> str:
    if kafka:
        return kafka
    state = stack_mod.StackState.load(_run_dir())
    if state is None:
        _say("no stack is running here: pass --kafka HOST:PORT")
        raise typer.Exit(1)
    return state.kafka


@dlq_app.command("list")
def dlq_list(topic: str, kafka: str | None = KAFKA_OPTION) -> None:
    """One line per dead letter of TOPIC: ref (partition:offset), key, reason, rejecting group, replayed?"""
    found = asyncio.run(dlq_mod.read(_kafka(kafka), topic))
    for letter in found.letters:
        s = letter.summary()
        done = "replayed" if s["replayed"] else "-"
        _say(f"{s['ref']:<8} {s['key'][:24]:<24} {s['reason']:<15} {s['group']:<45} {done:<9} {s['error'][:80]}")
    _say(f"{len(found.letters)} dead letters on {found.topic}.dlq, {sum(x.replayed for x in found.letters)} replayed")


@dlq_app.command("show")
def dlq_show(
    topic: str,
    ref: str = typer.Argument(..., help="partition:offset from `dlq list`"),
    kafka: str | None = KAFKA_OPTION,
) -> None:
    """Everything about one dead letter: its headers (error, reason, group) and its body."""
    found = asyncio.run(dlq_mod.read(_kafka(kafka), topic))
    letter = next((x for x in found.letters if x.ref == ref), None)
    if letter is None:
        _say(f"no dead letter {ref} on {found.topic}.dlq")
        raise typer.Exit(1)
    _say(
        json.dumps(
            {**letter.summary(), "error": letter.headers.get("x-mutasi-error", ""), "headers": letter.headers},
            indent=2,
            ensure_ascii=False,
        )
    )
    _say(letter.body[:20_000].decode(errors="replace"))


@dlq_app.command("replay")
def dlq_replay(
    topic: str,
    ref: list[str] = typer.Option(None, "--ref", help="Only these partition:offset entries (repeatable)."),
    reason: str | None = typer.Option(None, help="Only dead letters with this reason, e.g. unknown_agency."),
    kafka: str | None = KAFKA_OPTION,
) -> None:
    """Re-publish dead letters to TOPIC after a fix; each message once, and never twice (markers in the DLQ)."""
    replayed, skipped = asyncio.run(dlq_mod.replay(_kafka(kafka), topic, ref or None, reason))
    for letter in replayed:
        _say(f"replayed {letter.ref} key={(letter.key or b'').decode(errors='replace')}")
    _say(f"replayed {len(replayed)}, skipped {skipped} already replayed")


@audit_app.command("verify")
def audit_verify(
    agency: list[str] = typer.Option(["sawahlunto"], "--agency", help="Agency whose log to verify (repeatable)."),
    url: str | None = typer.Option(None, help="Placement's base URL (default: the running local stack's)."),
    issuer: str | None = typer.Option(None, help="The identity provider (default: the running local stack's)."),
    user: str | None = typer.Option(None, help="Sign in as this user (default: auditor.<agency>, a demo user)."),
    password: str = typer.Option(DEMO_PASSWORD, envvar="MUTASI_PASSWORD", help="That user's password."),
    token: str | None = typer.Option(None, envvar="MUTASI_TOKEN", help="An access token to use instead of signing in."),
) -> None:
    """Recompute placement's hash-chained decision log; name the first altered, deleted or inserted entry.

    Asks `GET /v1/audit/verify` as an auditor (or HR) of each agency, signed in at the identity provider."""
    state = stack_mod.StackState.load(_run_dir())
    if url is None or (issuer is None and token is None):
        if state is None:
            _say("no stack is running: pass --url and --issuer (or --token), or start one with `mutasi stack up`")
            raise typer.Exit(2)
        url = url or state.url("placement")
        issuer = issuer or state.issuer

    async def run() -> list[dict[str, object]]:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            verdicts = []
            for a in agency:
                bearer = token or (await sign_in(str(issuer), user or f"auditor.{a}", password)).access_token
                verdicts.append(await audit_mod.verify(client, a, bearer))
            return verdicts

    verdicts = asyncio.run(run())
    for v in verdicts:
        _say(audit_mod.describe(v))
    raise typer.Exit(0 if all(v["ok"] for v in verdicts) else 1)


@app.command()
def demo(
    stack: bool = typer.Option(False, "--stack", help="Start the local stack first and stop it afterwards."),
    seed: int = typer.Option(2026, help="Seed of the synthetic Kota Sawahlunto round."),
    size: int = typer.Option(2500, help="About how many ASN to generate."),
    keep: bool = typer.Option(
        False, "--keep", help="Leave the stack and the console running afterwards and print how to sign in."
    ),
) -> None:
    """Run a whole programme round (needs, assessment, placement, training, evaluation) through the services."""
    run_dir = _run_dir()
    if stack:
        stack_up()
    state = stack_mod.StackState.load(run_dir)
    if state is None:
        _say("no stack is running: use `mutasi demo --stack` or `mutasi stack up` first")
        raise typer.Exit(1)
    out = run_dir / "demo"
    out.mkdir(parents=True, exist_ok=True)
    code = 0
    try:
        urls = {s: state.url(s) for s in stack_mod.SERVICES}
        employee = EMPLOYEE_NIPS["sawahlunto"] if keep else None  # who signs in as employee.sawahlunto
        mailbox = run_dir / MAILBOX_DIR if "mailbox" in state.ports else None  # the console runs: check its mail
        asyncio.run(
            run_demo(urls, out, _say, state.issuer, seed=seed, size=size, demo_employee=employee, mailbox=mailbox)
        )
    except DemoFailed as exc:
        _say(f"demo failed: {exc}")
        code = 1
    except Exception as exc:
        _say(f"demo failed: {type(exc).__name__}: {exc}; service logs in {run_dir / 'logs'}")
        code = 1
    finally:
        if stack and not keep:
            stack_down()
    if keep and code == 0:
        _print_console(run_dir)
    raise typer.Exit(code)


def _print_console(run_dir: Path) -> None:
    state = stack_mod.StackState.load(run_dir)
    if state is None or "console" not in state.ports:
        _say("the console is not running (start the stack with `mutasi stack up`)")
        return
    for line in how_to_sign_in(state.url("console"), DEMO_PASSWORD):
        _say(line)
    _say(f"e-mail notices: {run_dir / MAILBOX_DIR}; `mutasi stack down` stops everything")


if __name__ == "__main__":
    sys.exit(app())
