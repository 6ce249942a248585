"""ops/haproxy.cfg is valid HAProxy configuration with the environment it documents, and
keeps the settings docs/deployment.md (section 11) relies on."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from bench.haproxy import CONFIG

pytestmark = pytest.mark.skipif(
    shutil.which("haproxy") is None,
    reason="haproxy is not installed (make test and make bench install Debian's)",
)


def _check(tmp_path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LB_BIND": "127.0.0.1:8080",  # checked, never bound
        "LB_STATS_SOCKET": str(tmp_path / "haproxy.sock"),
        "APP_MAXCONN": "2",
        "APP1_ADDR": "127.0.0.1:1",
        "APP2_ADDR": "127.0.0.1:2",
        **extra,
    }
    return subprocess.run(
        ["haproxy", "-c", "-f", str(CONFIG)], env=env, capture_output=True, text=True, timeout=30
    )


def test_config_is_valid_without_warnings(tmp_path):
    done = _check(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr
    assert _check(tmp_path, LB_LOG="stdout", LB_TRACE_SERVER="1").returncode == 0


def test_config_without_a_server_address_is_refused(tmp_path):
    assert _check(tmp_path, APP2_ADDR="").returncode != 0


def test_config_keeps_the_documented_settings():
    """The health check, failover and proxy-header settings docs/deployment.md describes,
    and no sticky sessions."""
    text = CONFIG.read_text()
    for setting in (
        "http-check send meth GET uri /healthz",
        "inter 1s fastinter 250ms downinter 1s fall 2 rise 2",
        "observe layer4 error-limit 2 on-error mark-down",
        "option forwardfor",
        "option redispatch",
        "balance roundrobin",
        "http-request set-header X-Forwarded-Proto",
    ):
        assert setting in text, setting
    settings = [line.split() for line in text.splitlines() if not line.strip().startswith("#")]
    assert not [words for words in settings if words and words[0] in ("cookie", "stick")]
