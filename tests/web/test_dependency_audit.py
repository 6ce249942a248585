"""The dependency audit cannot pass by auditing nothing, and the offline audit matches real
advisory data (issue 19, item 7)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata

import pytest

from training_app.ops import dependency_audit as audit

# pip-audit's JSON on a machine where the advisory service cannot be reached (as here).
UNREACHABLE = {
    "dependencies": [
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "jinja2", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "training-app", "skip_reason": "Dependency not found on PyPI"},
    ],
    "fixes": [],
}
AUDITED = {
    "dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {"name": "jinja2", "version": "3.1.6", "vulns": []},
    ],
    "fixes": [],
}


@pytest.fixture
def pip_audit_says(monkeypatch):
    """Make the online audit see a given pip-audit report (the real run is `make audit`)."""

    def say(report: dict) -> None:
        def run(*args, **kwargs):
            return subprocess.CompletedProcess(args, 0, stdout=json.dumps(report), stderr="")

        monkeypatch.setattr(audit.subprocess, "run", run)

    return say


def test_an_online_audit_that_audited_nothing_is_not_a_pass(pip_audit_says, capsys):
    pip_audit_says(UNREACHABLE)
    assert audit.online(allow_unaudited=False) == audit.NOT_A_PASS
    output = capsys.readouterr().out
    assert "audited 0 of 2: NOT A PASS" in output
    # The switch CI uses records the state loudly without failing the run.
    assert audit.online(allow_unaudited=True) == 0
    assert "NOT A PASS, recorded only" in capsys.readouterr().out


def test_an_online_audit_that_audited_everything_passes_or_fails_on_findings(
    pip_audit_says, capsys
):
    pip_audit_says(AUDITED)
    assert audit.online(allow_unaudited=False) == 0
    assert "audited 2 of 2" in capsys.readouterr().out
    vulnerable = json.loads(json.dumps(AUDITED))
    vulnerable["dependencies"][1]["vulns"] = [{"id": "GHSA-x", "fix_versions": ["3.1.7"]}]
    pip_audit_says(vulnerable)
    assert audit.online(allow_unaudited=True) == 1
    assert "VULNERABLE  jinja2 3.1.6: GHSA-x" in capsys.readouterr().out


def _data_installed() -> bool:
    try:
        metadata.distribution("safety-db")
    except metadata.PackageNotFoundError:
        return False
    return True


needs_data = pytest.mark.skipif(
    not _data_installed(), reason="the advisory data is not installed (make audit-data)"
)


@needs_data
def test_the_offline_data_finds_known_vulnerable_versions():
    advisories, stamp, _ = audit.load_safety_db()
    assert len(advisories) > 1000 and stamp.year >= 2021
    # Jinja2 2.10's sandbox escape and urlize ReDoS, Flask 0.12.2's JSON encoding DoS.
    findings = audit.match({"jinja2": "2.10", "flask": "0.12.2", "pyyaml": "6.0"}, advisories)
    found = {(f.package, f.advisory) for f in findings}
    assert ("jinja2", "CVE-2020-28493") in found
    assert ("flask", "CVE-2018-1000656") in found
    assert not [f for f in findings if f.package == "pyyaml"]


@needs_data
def test_the_offline_audit_of_this_environment_checks_real_packages_and_passes():
    completed = subprocess.run(
        [sys.executable, "-m", "training_app.ops.dependency_audit", "offline"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout
    assert "checked " in completed.stdout and "NOT checked" in completed.stdout
    assert "flask" in completed.stdout  # among the packages with advisories on record
