"""Helpers shared by several test modules, by feature (learning, lessons, rehearsal, mail,
compliance, xAPI). A test module imports what it shares from here, never from another test
module; fixtures shared across modules live in tests/conftest.py and tests/factories.py."""
