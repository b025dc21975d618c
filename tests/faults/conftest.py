"""The fault suite: the store's fixtures (a database on SQLite and PostgreSQL, an emulator
organisation connected to a `XeroSync`) for the in-process tests; the multi-process tests build
their own cluster (`tests.faults.cluster`)."""

from tests.sync import conftest as sync_fixtures

pg_database = sync_fixtures.pg_database
db_url = sync_fixtures.db_url
db = sync_fixtures.db
harness = sync_fixtures.harness
