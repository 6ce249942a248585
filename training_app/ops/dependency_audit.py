"""Known vulnerabilities in the installed packages: `make audit` and `make audit-offline`.

    python -m training_app.ops.dependency_audit online    # pip-audit, PyPI's advisory service
    python -m training_app.ops.dependency_audit offline   # the installed advisory data set

Online, pip-audit looks every package up in PyPI's advisory service. Where that service
cannot be reached it reports each package as "could not be audited" and exits 0, which
reads as a pass; here a run that audited nothing, or left any package unaudited, says
"NOT A PASS" and exits 3 (unless AUDIT_ALLOW_UNAUDITED=1, which CI sets to record it).

Offline, installed versions are matched against the affected-version ranges of PyUp's
safety-db advisory data, installed from PyPI as the `safety-db` package (`make audit-data`
installs or refreshes it). Its newest release is from July 2021: the report says how old
its data is, and advisories published since are not checked. Exit 1 on any finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

NOT_A_PASS = 3
OWN_PROJECT = "training-app"  # installed editable, never on PyPI


@dataclass(frozen=True)
class Finding:
    """An installed version inside an advisory's affected range."""

    package: str
    version: str
    advisory: str
    affected: str
    summary: str


def installed_packages() -> dict[str, str]:
    """Every distribution in this environment (name -> version), the project itself aside."""
    found = {
        str(canonicalize_name(d.metadata["Name"])): d.version for d in metadata.distributions()
    }
    found.pop(OWN_PROJECT, None)
    return dict(sorted(found.items()))


def load_safety_db() -> tuple[dict[str, list[dict[str, Any]]], datetime, str]:
    """The safety-db advisories by package, the data's date and the package's version."""
    # Read as a file: the package's own __init__ opens a path relative to the working
    # directory and fails on import.
    distribution = metadata.distribution("safety-db")
    data = json.loads(
        Path(str(distribution.locate_file("safety_db/insecure_full.json"))).read_text()
    )
    stamp = datetime.fromtimestamp(data.pop("$meta")["timestamp"], UTC)
    advisories = {str(canonicalize_name(name)): entries for name, entries in data.items()}
    return advisories, stamp, distribution.version


def match(
    packages: Mapping[str, str], advisories: Mapping[str, list[dict[str, Any]]]
) -> list[Finding]:
    """The advisories whose affected ranges contain an installed version."""
    findings = []
    for name, raw_version in packages.items():
        try:
            version = Version(raw_version)
        except InvalidVersion:
            continue
        for advisory in advisories.get(name, []):
            for spec in advisory.get("specs") or [advisory.get("v", "")]:
                try:
                    affected = SpecifierSet(spec, prereleases=True)
                except InvalidSpecifier:
                    continue
                if spec and version in affected:
                    summary = " ".join(str(advisory.get("advisory", "")).split())[:160]
                    ident = advisory.get("cve") or advisory.get("id", "?")
                    findings.append(Finding(name, raw_version, ident, spec, summary))
    return findings


def offline() -> int:
    """Check the environment against the installed advisory data; 1 on a finding."""
    try:
        advisories, stamp, data_version = load_safety_db()
    except metadata.PackageNotFoundError:
        print("audit-offline: the advisory data is not installed (run `make audit-data`).")
        return 2
    packages = installed_packages()
    covered = [name for name in packages if name in advisories]
    findings = match(packages, advisories)
    age = (datetime.now(UTC) - stamp).days
    print(
        f"audit-offline: checked {len(packages)} installed packages against the advisories "
        f"of {len(advisories)} packages (safety-db {data_version}, data of "
        f"{stamp.date().isoformat()}, {age} days old); {len(covered)} of the installed "
        f"packages have advisories on record: {', '.join(covered) or 'none'}."
    )
    print(
        f"audit-offline: advisories published after {stamp.date().isoformat()} are NOT "
        "checked by this data; `make audit` against PyPI's service is the complete check."
    )
    for finding in findings:
        print(
            f"VULNERABLE  {finding.package} {finding.version} ({finding.advisory}, affected "
            f"{finding.affected}): {finding.summary}"
        )
    if findings:
        print(f"audit-offline: FAILED, {len(findings)} known vulnerabilities installed.")
        return 1
    print("audit-offline: no installed version is in a known affected range.")
    return 0


def summarise_pip_audit(report: Mapping[str, Any]) -> tuple[int, list[str], list[str], int]:
    """From pip-audit's JSON: (packages, unaudited lines, findings lines, audited count)."""
    dependencies = [d for d in report.get("dependencies", []) if d["name"] != OWN_PROJECT]
    unaudited = [f"{d['name']}: {d['skip_reason']}" for d in dependencies if "skip_reason" in d]
    findings = [
        f"{d['name']} {d.get('version', '')}: {v['id']} (fixed in {', '.join(v['fix_versions'])})"
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    return len(dependencies), unaudited, findings, len(dependencies) - len(unaudited)


def online(allow_unaudited: bool) -> int:
    """Run pip-audit on this environment; a run that audited nothing is not a pass."""
    completed = subprocess.run(  # noqa: S603 - fixed command, this environment's pip-audit
        [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        print(completed.stdout + completed.stderr)
        print("audit: pip-audit gave no report: NOT A PASS.")
        return NOT_A_PASS
    total, unaudited, findings, audited = summarise_pip_audit(report)
    for line in findings:
        print(f"VULNERABLE  {line}")
    print(f"audit: pip-audit audited {audited} of {total} installed packages.")
    if findings:
        print(f"audit: FAILED, {len(findings)} known vulnerabilities installed.")
        return 1
    if not unaudited:
        print("audit: no known vulnerabilities.")
        return 0
    _print_unaudited(unaudited, audited)
    if allow_unaudited:
        print("audit: NOT A PASS, recorded only (AUDIT_ALLOW_UNAUDITED=1).")
        return 0
    return NOT_A_PASS


def _print_unaudited(unaudited: Iterable[str], audited: int) -> None:
    lines = list(unaudited)
    print(f"audit: {len(lines)} packages could NOT be audited, e.g. {lines[0]}")
    print(
        f"audit: audited {audited} of {audited + len(lines)}: NOT A PASS. The advisory "
        "service could not be reached; `make audit-offline` checks the installed data set."
    )


def main(argv: list[str]) -> int:
    """Command line: `online` or `offline`."""
    if argv[1:] == ["offline"]:
        return offline()
    if argv[1:] == ["online"]:
        return online(os.environ.get("AUDIT_ALLOW_UNAUDITED") == "1")
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
