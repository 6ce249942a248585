"""Operations: backups and the production-settings check (`flask backup|restore|security`)."""

from training_app.ops.security_check import DATABASE_CHECKS, Finding

# What other features may use (tests/test_architecture.py): a feature adds its own
# database checks to `flask security check` (DATABASE_CHECKS) as Findings.
__all__ = ["DATABASE_CHECKS", "Finding"]
