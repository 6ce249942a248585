"""``python -m training_app.rules decide|actions|explain``: the engine's stable command line.

Exit status 0 on success; 2 on bad input (facts or protocol), with one ``error: <field>: ...``
line on stderr and nothing on stdout, so a caller never sees a partial decision.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from .actions import action_rules
from .decision import decide
from .editions import EDITION_IDS
from .explain import explain_text
from .facts import FactsError, load_facts_json
from .protocol import DEFAULT_PROTOCOL, LocalProtocol, ProtocolError, parse_protocol

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _BadInput(Exception):
    """Raised inside the CLI to stop with one error line and exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training_app.rules",
        description="The decision engine for incidents of sharing nudes and semi-nudes.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("decide", "facts JSON (FILE or stdin) -> decision JSON"),
        ("explain", "facts JSON (FILE or stdin) -> the decision as readable text with citations"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("file", nargs="?", default="-", help="facts JSON file ('-': stdin)")
        command.add_argument("--protocol", metavar="FILE", help="this school's protocol (JSON)")
        command.add_argument(
            "--edition",
            metavar="EDITION",
            help=f"guidance edition: {' or '.join(EDITION_IDS)} (default: the protocol's)",
        )
    actions = commands.add_parser("actions", help="every first-responder action rule as JSON")
    actions.add_argument(
        "--protocol", metavar="FILE", help="resolve local_policy verdicts under this protocol"
    )
    return parser


def _read(path: str, stdin: TextIO, what: str) -> str:
    try:
        if path == "-":
            raw = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
        else:
            with open(path, "rb") as handle:
                raw = handle.read()
    except OSError as error:
        raise _BadInput(f"{what}: cannot read {path} ({error.strerror or error})") from None
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _BadInput(f"{what}: not valid UTF-8 text") from None


def _load_protocol(path: str | None) -> LocalProtocol | None:
    if path is None:
        return None
    try:
        data = json.loads(_read(path, sys.stdin, "protocol"))
    except ValueError as error:
        raise _BadInput(f"protocol: not valid JSON ({error})") from None
    return parse_protocol(data)


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _run(args: argparse.Namespace, stdin: TextIO) -> str:
    protocol = _load_protocol(args.protocol)
    if args.command == "actions":
        return _json([rule.to_dict() for rule in action_rules(protocol)])
    edition = args.edition
    if edition is not None and edition not in EDITION_IDS:
        # Checked here, not by argparse choices, so a bad value is one "error:" line and exit 2.
        allowed = ", ".join(f'"{e}"' for e in EDITION_IDS)
        raise _BadInput(f"edition: must be one of {allowed} (got {json.dumps(edition)[:40]})")
    facts = load_facts_json(_read(args.file, stdin, "facts"))
    decision = decide(facts, protocol or DEFAULT_PROTOCOL, edition)
    if args.command == "decide":
        return _json(decision.to_dict())
    return explain_text(decision, facts, protocol)


def main(
    argv: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        # Build the whole output before writing any of it: bad input must leave stdout empty.
        output = _run(args, stdin)
    except (FactsError, ProtocolError, _BadInput) as error:
        stderr.write(f"error: {error}\n")
        return EXIT_BAD_INPUT
    stdout.write(output)
    stdout.flush()
    return EXIT_OK


def run() -> None:
    """Entry point for ``python -m training_app.rules``: UTF-8 output, then exit with the status."""
    for stream in (sys.stdout, sys.stderr):
        # Quotes and citations contain "§" and curly quotes; never fail on a narrow locale.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
    sys.exit(main())
