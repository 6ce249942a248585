"""Backups hold every record and password hash: only their owner may read them."""

from __future__ import annotations

import os
import sqlite3
import stat

from training_app.ops.backup import backup


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backups_are_written_owner_only(app, runner, world, tmp_path):
    old = os.umask(0o022)
    try:
        output = tmp_path / "backups" / "night.bin"
        result = runner.invoke(args=["backup", "--output", str(output)])
        assert result.exit_code == 0, result.output
        assert _mode(output) == 0o600
        assert _mode(output.parent) == 0o700
        # An existing, readable file is narrowed before it is overwritten.
        output.chmod(0o644)
        assert runner.invoke(args=["backup", "--output", str(output)]).exit_code == 0
        assert _mode(output) == 0o600 and output.stat().st_size > 0
    finally:
        os.umask(old)


def test_the_sqlite_backup_is_owner_only(tmp_path):
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as conn:
        conn.execute("CREATE TABLE t (x)")
    old = os.umask(0o022)
    try:
        copy = backup(f"sqlite:///{live}", tmp_path / "copy.sqlite3")
    finally:
        os.umask(old)
    assert _mode(copy) == 0o600
