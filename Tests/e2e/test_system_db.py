"""The system-db plugin on the demo installation, on SQLite and on PostgreSQL: the schema, read-only
queries, and every way of writing or escaping through SQL refused before it reaches the database."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from mcp import Client

from support import ServerFactory, ServerProcess, repo_entries
from system_db_support import call_error, call_ok, sqlite_copy, sqlite_twin_config, without

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]

DEMO_TABLES = {"run_record", "run_record_param", "tracking_phase", "tracking_node", "tracking_port", "sandbox",
               "clover_user", "user_group", "user_group_member", "schedule", "event_listener", "data_service_endpoint",
               "cluster_node"}


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_any: Path) -> ServerProcess:
    return module_servers.demo(demo_any, "system-db")


@pytest.fixture(scope="module")
def db(demo_any: Path) -> sqlite3.Connection:
    return sqlite_copy(demo_any)


def sqlite_columns(db: sqlite3.Connection, table: str) -> list[tuple[str, bool]]:
    return [(row["name"], not row["notnull"] and not row["pk"]) for row in db.execute(f"PRAGMA table_info({table})")]


async def test_schema_lists_tables_and_columns(server: ServerProcess, demo_any: Path, db: sqlite3.Connection) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        schema, text = await call_ok(client, "server_db_get_schema", {})
        narrowed, narrowed_text = await call_ok(client, "server_db_get_schema", {"tablePattern": "run_record"})
        like, _ = await call_ok(client, "server_db_get_schema", {"tablePattern": "tracking_%"})
        glob, _ = await call_ok(client, "server_db_get_schema", {"tablePattern": "*USER*"})
        nothing, nothing_text = await call_ok(client, "server_db_get_schema", {"tablePattern": "no_such_table"})
        resource = await client.read_resource("cloverdx://database/schema")

    on_postgres = "jdbc.url=jdbc:postgresql:" in (demo_any / "conf" / "clover.properties").read_text()
    assert schema["engine"] == ("postgreSQL" if on_postgres else "sqlite")
    tables = {table["name"]: table for table in schema["tables"]}
    assert set(tables) == DEMO_TABLES
    for name in DEMO_TABLES:
        ours = [(column["name"], column["nullable"]) for column in tables[name]["columns"]]
        assert ours == sqlite_columns(db, name), name
        assert f"\n{name}: " in text
    assert "start_time text?" in text.lower() and "id integer," in text.lower().replace("bigint", "integer")
    assert [t["name"] for t in narrowed["tables"]] == ["run_record", "run_record_param"]
    assert narrowed_text.count("\n") == 2
    assert {t["name"] for t in like["tables"]} == {"tracking_phase", "tracking_node", "tracking_port"}
    assert {t["name"] for t in glob["tables"]} == {"clover_user", "user_group", "user_group_member"}
    assert nothing["tables"] == [] and "without tablePattern" in nothing_text
    assert resource.contents[0].text == text


async def test_query_returns_rows_like_sqlite(server: ServerProcess, db: sqlite3.Connection) -> None:
    sql = "SELECT status, COUNT(*) AS runs, MAX(duration_ms) AS longest FROM run_record GROUP BY status ORDER BY status"
    async with Client(server.url, mode="2026-07-28") as client:
        result, text = await call_ok(client, "server_db_execute_query", {"sql": sql})
        harmless, _ = await call_ok(client, "server_db_execute_query", {"sql": "SELECT ';' AS semicolon, 'DROP TABLE x' AS words -- ; DELETE"})
        many, many_text = await call_ok(client, "server_db_execute_query", {"sql": "SELECT id FROM run_record ORDER BY id", "maxRows": 120})
        failing = await call_error(client, "server_db_execute_query", {"sql": "SELECT no_such_column FROM run_record"})
    assert [c["name"] for c in result["columns"]] == ["status", "runs", "longest"]
    assert result["rows"] == [list(row) for row in db.execute(sql)]
    assert result["truncated"] is False and result["rowCount"] == len(result["rows"])
    assert "FINISHED_OK" in text and "status" in text.splitlines()[1]
    assert harmless["rows"] == [[";", "DROP TABLE x"]]
    assert many["rowCount"] == 120 and many["truncated"] is True and many["truncationReason"] == "rowLimit"
    assert "70 more row(s)" in many_text and "maxRows" in many_text
    assert "no_such_column" in failing


async def test_a_million_rows_are_capped_in_bounded_time(server: ServerProcess, db: sqlite3.Connection) -> None:
    runs = db.execute("SELECT COUNT(*) FROM run_record").fetchone()[0]
    assert runs * runs > 1_000_000
    async with Client(server.url, mode="2026-07-28") as client:
        started = time.monotonic()
        result, text = await call_ok(client, "server_db_execute_query", {
            "sql": "SELECT a.id, b.id AS other, a.job_file FROM run_record a CROSS JOIN run_record b", "maxRows": 50_000})
        elapsed = time.monotonic() - started
    assert result["rowCount"] == 10_000 and result["truncated"] is True
    assert result["truncationReason"] in ("rowLimit", "byteLimit", "timeLimit")
    assert any("lowered to 10000" in note for note in result["notes"])
    assert elapsed < 30
    assert "more row(s) in structuredContent" in text


@pytest.mark.parametrize("sql, says", [
    ("INSERT INTO sandbox VALUES ('x', 'x', '/x', 'local', 'x', 0)", "INSERT"),
    ("UPDATE run_record SET status = 'FINISHED_OK'", "UPDATE"),
    ("DELETE FROM run_record", "DELETE"),
    ("DROP TABLE run_record", "DROP"),
    ("WITH gone AS (DELETE FROM run_record RETURNING id) SELECT * FROM gone", "DELETE"),
    ("SELECT 1; DROP TABLE run_record", "one statement"),
    ("SELECT 1 /* harmless? */ ; DROP TABLE run_record", "one statement"),
    ("SELECT 1 -- a comment\n; DROP TABLE run_record", "one statement"),
    ("SELECT '--' AS x; DELETE FROM run_record", "one statement"),
    ("/* comment first */ DROP TABLE run_record", "DROP"),
    ("SELECT pg_read_file('/etc/passwd')", "pg_read_file"),
    ("SELECT lo_export(12345, '/tmp/stolen')", "lo_export"),
    ("SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(x int)", "dblink"),
    ("COPY run_record TO '/tmp/runs.csv'", "COPY"),
    ("SELECT * INTO stolen FROM run_record", "INTO"),
    ("SELECT * FROM run_record FOR UPDATE", "FOR UPDATE"),
    ("", "empty"),
])
async def test_sql_that_could_write_or_escape_is_refused(server: ServerProcess, db: sqlite3.Connection, sql: str, says: str) -> None:
    before = db.execute("SELECT COUNT(*) FROM run_record").fetchone()[0]
    async with Client(server.url, mode="2026-07-28") as client:
        message = await call_error(client, "server_db_execute_query", {"sql": sql})
        after, _ = await call_ok(client, "server_db_execute_query", {"sql": "SELECT COUNT(*) AS n FROM run_record"})
    assert says.lower() in message.lower()
    assert "refused" in message or "empty" in message
    assert after["rows"] == [[before]]


async def test_bad_limits_are_refused(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        rows = await call_error(client, "server_db_execute_query", {"sql": "SELECT 1", "maxRows": 0})
        assert "maxRows" in rows
        timeout = await call_error(client, "server_db_execute_query", {"sql": "SELECT 1", "timeoutMs": -1})
        assert "timeoutMs" in timeout
        capped, _ = await call_ok(client, "server_db_execute_query", {"sql": "SELECT 1 AS one", "timeoutMs": 3_600_000})
        assert capped["rows"] == [[1]] and any("60000" in note for note in capped["notes"])
        missing = await call_error(client, "server_db_execute_query", {})
        assert '"sql"' in missing
        misspelt = await call_error(client, "server_db_execute_query", {"sql": "SELECT 1", "max_rows": 5})
        assert '"max_rows"' in misspelt and "maxRows" in misspelt
        pattern = await call_error(client, "server_db_get_schema", {"table": "run_record"})
        assert '"table"' in pattern and "tablePattern" in pattern


async def test_both_engines_answer_alike(servers: ServerFactory, demo_postgres: Path, tmp_path: Path) -> None:
    postgres = servers.demo(demo_postgres, "system-db")
    sqlite = servers.http(repo_entries("system-db"), extra_args=["--config", str(sqlite_twin_config(demo_postgres, tmp_path))])
    queries = [
        "SELECT id, parent_id, status, submit_time, duration_ms, error_message FROM run_record ORDER BY id",
        "SELECT sandbox_code, job_file, COUNT(*) AS runs, SUM(duration_ms) AS total_ms FROM run_record "
        "GROUP BY sandbox_code, job_file ORDER BY sandbox_code, job_file",
        "SELECT run_id, node_id, peak_cpu, alloc_bytes FROM tracking_node ORDER BY run_id, node_id LIMIT 500",
        "SELECT * FROM sandbox ORDER BY code",
    ]
    async with Client(postgres.url, mode="2026-07-28") as on_postgres, Client(sqlite.url, mode="2026-07-28") as on_sqlite:
        for sql in queries:
            a, _ = await call_ok(on_postgres, "server_db_execute_query", {"sql": sql, "maxRows": 5000})
            b, _ = await call_ok(on_sqlite, "server_db_execute_query", {"sql": sql, "maxRows": 5000})
            # Type names are the engines' own (bigint / INTEGER); names and values must agree.
            assert without(without(a, "elapsedMs"), "type") == without(without(b, "elapsedMs"), "type"), sql
        schema_a, _ = await call_ok(on_postgres, "server_db_get_schema", {})
        schema_b, _ = await call_ok(on_sqlite, "server_db_get_schema", {})
    shape = lambda s: [(t["name"], [(c["name"], c["nullable"]) for c in t["columns"]]) for t in s["tables"]]  # noqa: E731
    assert shape(schema_a) == shape(schema_b)
    assert (schema_a["engine"], schema_b["engine"]) == ("postgreSQL", "sqlite")
