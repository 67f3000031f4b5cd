from tests.scheduling.conftest import book, counsellors, doctors, session  # noqa: F401 - shared fixtures
