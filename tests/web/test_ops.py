"""Backups that restore exactly, and the production-settings check."""

from __future__ import annotations

from sqlalchemy import func, select

from training_app.auth.models import User
from training_app.config import ProductionConfig, TestConfig
from training_app.extensions import db
from training_app.ops.backup import table_checksums
from training_app.ops.security_check import weak_settings


def test_backup_and_restore_round_trip(app, runner, world, make_user, tmp_path):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        before = table_checksums(db.engine)
    assert before["users"][0] > 10
    output = tmp_path / "backup.bin"
    result = runner.invoke(args=["backup", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output and output.stat().st_size > 0
    make_user("staff", world.a1, email="after.backup@a1.example")
    with app.app_context():
        assert table_checksums(db.engine) != before
    result = runner.invoke(args=["restore", str(output), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert table_checksums(db.engine) == before
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(User)
                .where(User.email == "after.backup@a1.example")
            )
            == 0
        )


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nope.bin"), "--yes"])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_security_check_flags_weak_settings(runner):
    result = runner.invoke(args=["security", "check"])
    assert result.exit_code == 1
    for setting in (
        "SECRET_KEY",
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "REDIS_URL",
        "MAIL_BACKEND",
        "EXTERNAL_URL",
    ):
        assert setting in result.output


def test_security_check_passes_a_good_production_config():
    config = {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}
    config.update(
        SECRET_KEY="k" * 64,
        EXTERNAL_URL="https://training.example.org",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@h/db",
    )
    assert weak_settings(config) == []
    assert [
        f.setting for f in weak_settings({**config, "SQLALCHEMY_DATABASE_URI": "sqlite:///x"})
    ] == ["DATABASE_URL"]
    config["SECRET_KEY"] = "short"
    assert [f.setting for f in weak_settings(config)] == ["SECRET_KEY"]
    assert "SECRET_KEY" in [
        f.setting
        for f in weak_settings({k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()})
    ]


def test_security_check_lists_admins_without_two_factor(runner, world, make_user):
    assert "TWO_FACTOR" not in runner.invoke(args=["security", "check"]).output
    make_user("trust_admin", world.a1, email="lead@a.example", two_factor=False)
    make_user("staff", world.a1, email="teacher@a.example", two_factor=False)
    output = runner.invoke(args=["security", "check"]).output
    assert "TWO_FACTOR: 1 DSL or admin account(s)" in output and "lead@a.example" in output
    assert "teacher@a.example" not in output
