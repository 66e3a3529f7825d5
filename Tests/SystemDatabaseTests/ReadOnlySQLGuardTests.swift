import Testing

@testable import SystemDatabase

/// One statement and what the guard must do with it, in the dialects it applies to.
struct GuardCase: Sendable, CustomTestStringConvertible {
    let sql: String
    /// nil: admitted.
    let refusal: SQLRejected.Reason?
    let dialects: [SQLDialect]

    static func accepts(_ sql: String, _ dialects: [SQLDialect] = [.postgreSQL, .sqlite]) -> GuardCase {
        GuardCase(sql: sql, refusal: nil, dialects: dialects)
    }

    static func refuses(_ sql: String, _ reason: SQLRejected.Reason, _ dialects: [SQLDialect] = [.postgreSQL, .sqlite]) -> GuardCase {
        GuardCase(sql: sql, refusal: reason, dialects: dialects)
    }

    var testDescription: String {
        let what = refusal.map { "refuses (\($0))" } ?? "accepts"
        let flat = sql.replacingOccurrences(of: "\n", with: "⏎")
        return "\(what) [\(dialects.map(\.rawValue).joined(separator: ","))]: \(flat)"
    }
}

private let pg: [SQLDialect] = [.postgreSQL]
private let lite: [SQLDialect] = [.sqlite]

let admittedStatements: [GuardCase] = [
    .accepts("SELECT 1"),
    .accepts("select 1;"),
    .accepts("SELECT 1;   \n\t"),
    .accepts("SELECT 1; -- trailing comment"),
    .accepts("SELECT 1; /* trailing block comment */"),
    .accepts("SELECT 1 /* ; DROP TABLE x */"),
    .accepts("-- leading comment\nSELECT 1"),
    .accepts("/* a */ /* b */ SELECT 1 -- c"),
    .accepts("SELECT ';' AS semi, 'DROP TABLE x' AS s FROM run_record"),
    .accepts("SELECT 'it''s; DROP TABLE x; --' AS s"),
    .accepts("SELECT \"weird;name\", \"DELETE\" FROM t"),
    .accepts("SELECT \"update\", \"into\", \"for\" FROM t"),
    .accepts("SELECT updated_at, deleted, inserted_by, merged, intoxicated FROM t"),
    .accepts("SELECT * FROM run_record WHERE job_file LIKE '%delete%' OR status = 'UPDATE'"),
    .accepts("SELECT substring(job_file FROM 1 FOR 10) FROM run_record"),
    .accepts("WITH recent AS (SELECT * FROM run_record WHERE id > 10) SELECT count(*) FROM recent"),
    .accepts("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT x FROM c"),
    .accepts("with a as (select 1), b as (select 2) select * from a, b"),
    .accepts("VALUES (1, 'a'), (2, 'b')"),
    .accepts("TABLE run_record"),
    .accepts("(SELECT 1) UNION ALL (SELECT 2)"),
    .accepts("((SELECT 1))"),
    .accepts("SELECT count(*) FROM sandbox WHERE name = 'x'\n"),
    .accepts("SELECT replace(job_file, 'a', 'b'), lower(status), coalesce(error_message, '') FROM run_record"),
    .accepts("SELECT 1into_column FROM t"),  // a number, then the word `into_column`
    .accepts("SELECT sqlite_version(), 1.5e3, .5, 0x1F"),
    .accepts("SELECT pg_sleep(1)", pg),
    .accepts("SELECT $$; DROP TABLE x; $$ AS body", pg),
    .accepts("SELECT $tag$ it's $$ nested; DELETE FROM t $tag$", pg),
    .accepts("SELECT $1a$ x $1a$ FROM t", pg),  // not a tag (starts with a digit): parameter $1 then the word a$
    .accepts("SELECT E'\\'; DROP TABLE x; --' AS escaped", pg),
    .accepts("SELECT e'a\\\\b' AS backslash", pg),
    .accepts("SELECT 1 /* outer /* inner ; */ still a comment; DROP TABLE x */", pg),
    .accepts("SELECT a$b, \"x\"\"y\" FROM t", pg),
    .accepts("SELECT current_setting('statement_timeout'), version()", pg),
    .accepts("SELECT * FROM pg_catalog.pg_tables WHERE schemaname = 'public'", pg),
    .accepts("SELECT id::text, '{}'::jsonb ? 'a', arr[1] FROM t", pg),
    .accepts("SELECT U&'d\\0061t\\+000061' AS unicode", pg),
    .accepts("SELECT pg_size_pretty(pg_database_size(current_database()))", pg),
    .accepts("SELECT [weird;name], `other;name` FROM t", lite),
    .accepts("SELECT * FROM pragma_table_info('run_record')", lite),
    .accepts("SELECT 'a\\' AS backslash_is_a_character"),
    .accepts("SELECT :name, @p, $v, ?1, ?", lite),
]

let refusedStatements: [GuardCase] = [
    // empty
    .refuses("", .empty),
    .refuses("   \n", .empty),
    .refuses("-- only a comment", .empty),
    .refuses(";", .empty),
    // other statements
    .refuses("INSERT INTO t VALUES (1)", .notAQuery),
    .refuses("UPDATE t SET a = 1", .notAQuery),
    .refuses("DELETE FROM t", .notAQuery),
    .refuses("DROP TABLE run_record", .notAQuery),
    .refuses("CREATE TABLE t (a int)", .notAQuery),
    .refuses("ALTER TABLE t ADD COLUMN b int", .notAQuery),
    .refuses("TRUNCATE run_record", .notAQuery),
    .refuses("GRANT SELECT ON t TO someone", .notAQuery),
    .refuses("REVOKE ALL ON t FROM someone", .notAQuery),
    .refuses("COPY run_record TO '/tmp/out'", .notAQuery),
    .refuses("COPY (SELECT 1) TO PROGRAM 'id'", .notAQuery),
    .refuses("CALL do_something()", .notAQuery),
    .refuses("DO $$ BEGIN PERFORM 1; END $$", .notAQuery),
    .refuses("SET statement_timeout = 0", .notAQuery),
    .refuses("RESET ALL", .notAQuery),
    .refuses("SHOW ALL", .notAQuery),
    .refuses("BEGIN", .notAQuery),
    .refuses("START TRANSACTION READ WRITE", .notAQuery),
    .refuses("COMMIT", .notAQuery),
    .refuses("ROLLBACK", .notAQuery),
    .refuses("VACUUM", .notAQuery),
    .refuses("ANALYZE run_record", .notAQuery),
    .refuses("PRAGMA writable_schema = ON", .notAQuery),
    .refuses("ATTACH DATABASE '/tmp/x.db' AS x", .notAQuery),
    .refuses("DETACH DATABASE x", .notAQuery),
    .refuses("REINDEX TABLE run_record", .notAQuery),
    .refuses("LISTEN channel", .notAQuery),
    .refuses("NOTIFY channel", .notAQuery),
    .refuses("LOCK TABLE run_record", .notAQuery),
    .refuses("EXPLAIN ANALYZE SELECT 1", .notAQuery),
    .refuses("EXPLAIN SELECT 1", .notAQuery),
    .refuses("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", .notAQuery),
    .refuses("REPLACE INTO t VALUES (1)", .notAQuery),
    .refuses("PREPARE p AS SELECT 1", .notAQuery),
    .refuses("DECLARE c CURSOR FOR SELECT 1", .notAQuery),
    .refuses("(DELETE FROM t)", .notAQuery),
    .refuses("((", .notAQuery),
    .refuses("1 + 1", .notAQuery),
    .refuses("'SELECT 1'", .notAQuery),
    // more than one statement
    .refuses("SELECT 1; SELECT 2", .multipleStatements),
    .refuses("SELECT 1;DROP TABLE x", .multipleStatements),
    .refuses("SELECT 1; -- \n DROP TABLE x", .multipleStatements),
    .refuses("SELECT 1; /* c */ DELETE FROM t", .multipleStatements),
    .refuses("SELECT 1;;", .multipleStatements),
    .refuses("; SELECT 1", .multipleStatements),
    .refuses("SELECT 'a;b'; DROP TABLE x", .multipleStatements),
    .refuses("SELECT 'a\\'; DROP TABLE x; --'", .multipleStatements),  // no E: the backslash is just a character
    .refuses("SELECT E'\\\\'; DROP TABLE x", .multipleStatements, pg),  // E'\\' is one backslash; the string ends there
    .refuses("SELECT $$a$$; DROP TABLE x", .multipleStatements, pg),
    .refuses("SELECT 1 /* /* */ ; DROP TABLE x */", .multipleStatements, lite),  // SQLite comments do not nest
    .refuses("SELECT [a]; DROP TABLE x", .multipleStatements, lite),
    // data-modifying WITH and friends
    .refuses("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", .dataModifying),
    .refuses("WITH u AS (UPDATE t SET a = 1 RETURNING a) SELECT a FROM u", .dataModifying),
    .refuses("WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM i", .dataModifying),
    .refuses("WITH m AS MATERIALIZED (INSERT INTO t VALUES (1) RETURNING *) SELECT 1", .dataModifying),
    .refuses("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", .dataModifying),
    .refuses("WITH x AS (SELECT 1) DELETE FROM t", .dataModifying),
    .refuses("WITH x AS (SELECT 1) MERGE INTO t USING x ON true WHEN MATCHED THEN DO NOTHING", .dataModifying),
    .refuses("SELECT * FROM (WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d) AS s", .dataModifying),
    .refuses("(WITH d AS (delete from t returning *) SELECT * FROM d)", .dataModifying),
    // SELECT … INTO
    .refuses("SELECT * INTO new_table FROM run_record", .selectInto),
    .refuses("SELECT id INTO TEMP t FROM run_record", .selectInto),
    .refuses("select id into unlogged t from run_record", .selectInto),
    // row locks
    .refuses("SELECT * FROM t FOR UPDATE", .lockingClause),
    .refuses("SELECT * FROM t FOR SHARE", .lockingClause),
    .refuses("SELECT * FROM t FOR NO KEY UPDATE", .lockingClause),
    .refuses("SELECT * FROM t FOR KEY SHARE", .lockingClause),
    .refuses("SELECT * FROM t for update nowait", .lockingClause),
    .refuses("SELECT * FROM t FOR UPDATE OF t SKIP LOCKED", .lockingClause),
    .refuses("SELECT * FROM t /* lock it */ FOR -- please\n SHARE", .lockingClause),
    // dangerous functions, in every spelling
    .refuses("SELECT pg_read_file('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT PG_READ_FILE('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT pg_catalog.pg_read_file('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT \"pg_catalog\".\"pg_read_file\"('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT pg_read_file /* sneaky */ ('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT U&\"pg\\005fread\\005ffile\"('/etc/passwd')", .forbiddenFunction, pg),
    .refuses("SELECT pg_read_binary_file('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT * FROM pg_ls_dir('.')", .forbiddenFunction),
    .refuses("SELECT * FROM pg_ls_logdir()", .forbiddenFunction),
    .refuses("SELECT pg_stat_file('postgresql.conf')", .forbiddenFunction),
    .refuses("SELECT lo_import('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT lo_export(1, '/tmp/x')", .forbiddenFunction),
    .refuses("SELECT lo_get(1)", .forbiddenFunction),
    .refuses("SELECT lo_put(1, 0, 'x')", .forbiddenFunction),
    .refuses("SELECT lo_from_bytea(0, 'x')", .forbiddenFunction),
    .refuses("SELECT * FROM dblink('host=evil', 'SELECT 1') AS t(a int)", .forbiddenFunction),
    .refuses("SELECT dblink_exec('DROP TABLE x')", .forbiddenFunction),
    .refuses("SELECT set_config('statement_timeout', '0', false)", .forbiddenFunction),
    .refuses("SELECT nextval('seq')", .forbiddenFunction),
    .refuses("SELECT setval('seq', 1)", .forbiddenFunction),
    .refuses("SELECT pg_terminate_backend(1234)", .forbiddenFunction),
    .refuses("SELECT pg_cancel_backend(1234)", .forbiddenFunction),
    .refuses("SELECT pg_reload_conf()", .forbiddenFunction),
    .refuses("SELECT pg_rotate_logfile()", .forbiddenFunction),
    .refuses("SELECT pg_switch_wal()", .forbiddenFunction),
    .refuses("SELECT txid_current()", .forbiddenFunction),
    .refuses("SELECT query_to_xml('DELETE FROM t RETURNING 1', true, true, '')", .forbiddenFunction),
    .refuses("SELECT query_to_xml_and_xmlschema('SELECT 1', true, true, '')", .forbiddenFunction),
    .refuses("SELECT pg_advisory_lock(1)", .forbiddenFunction),
    .refuses("SELECT copy('x')", .forbiddenFunction),
    .refuses("SELECT id FROM run_record WHERE id IN (SELECT nextval('seq'))", .forbiddenFunction),
    .refuses("SELECT load_extension('/tmp/evil.so')", .forbiddenFunction),
    .refuses("SELECT readfile('/etc/passwd')", .forbiddenFunction),
    .refuses("SELECT writefile('/tmp/x', 'y')", .forbiddenFunction),
    .refuses("SELECT edit('text')", .forbiddenFunction),
    .refuses("SELECT fts3_tokenizer('simple')", .forbiddenFunction),
    .refuses("SELECT [load_extension]('/tmp/evil.so')", .forbiddenFunction, lite),
    .refuses("SELECT `readfile`('/etc/passwd')", .forbiddenFunction, lite),
    .refuses("SELECT \"READFILE\"('/etc/passwd')", .forbiddenFunction, lite),
    // malformed
    .refuses("SELECT 'unterminated", .malformed),
    .refuses("SELECT \"unterminated", .malformed),
    .refuses("SELECT 1 /* unterminated", .malformed),
    .refuses("SELECT 1 /* outer /* inner */", .malformed, pg),
    .refuses("SELECT $$unterminated", .malformed, pg),
    .refuses("SELECT $a$ mismatched $b$", .malformed, pg),
    .refuses("SELECT E'\\'", .malformed, pg),
    .refuses("SELECT U&\"x\" UESCAPE '!'", .malformed, pg),
    .refuses("SELECT [unterminated", .malformed, lite),
    .refuses("SELECT 1\u{0}; DROP TABLE x", .malformed),
]

@Suite("ReadOnlySQLGuard")
struct ReadOnlySQLGuardTests {
    @Test(arguments: admittedStatements)
    func admits(_ testCase: GuardCase) throws {
        for dialect in testCase.dialects {
            do {
                _ = try ReadOnlySQLGuard(dialect: dialect).admit(testCase.sql)
            } catch {
                Issue.record("\(dialect) refused it (\(error.reason)): \(error.message)")
            }
        }
    }

    @Test(arguments: refusedStatements)
    func refuses(_ testCase: GuardCase) throws {
        for dialect in testCase.dialects {
            do {
                let admitted = try ReadOnlySQLGuard(dialect: dialect).admit(testCase.sql)
                Issue.record("\(dialect) admitted it as: \(admitted.text)")
            } catch {
                #expect(error.reason == testCase.refusal, "\(dialect): \(error.message)")
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func admittedTextDropsSurroundingCommentsAndSemicolon() throws {
        let admitted = try ReadOnlySQLGuard(dialect: .postgreSQL).admit("  -- why\n /* what */ SELECT 1 -- one\n , 2 ;  -- done\n")
        #expect(admitted.text == "SELECT 1 -- one\n , 2")
        #expect(admitted.dialect == .postgreSQL)
    }

    @Test func admittedTextKeepsNonASCIIIntact() throws {
        let admitted = try ReadOnlySQLGuard(dialect: .sqlite).admit("SELECT 'žluťoučký kůň' AS ü;")
        #expect(admitted.text == "SELECT 'žluťoučký kůň' AS ü")
    }

    @Test func messagesSayWhatIsRefusedAndWhatToDo() throws {
        func message(_ sql: String, _ dialect: SQLDialect = .postgreSQL) -> String {
            do {
                _ = try ReadOnlySQLGuard(dialect: dialect).admit(sql)
                return ""
            } catch {
                return error.message
            }
        }
        let delete = message("DELETE FROM run_record")
        #expect(delete.contains("DELETE") && delete.contains("read-only") && delete.contains("SELECT"))
        let two = message("SELECT 1; SELECT 2")
        #expect(two.contains("one statement") && two.contains("each SELECT in its own call"))
        let file = message("SELECT pg_catalog.pg_read_file('/etc/passwd')")
        #expect(file.contains("pg_read_file()") && file.contains("files"))
        let quoting = message("SELECT update FROM t")
        #expect(quoting.contains("\"update\""), "suggests quoting a column named like a keyword")
        let explain = message("EXPLAIN ANALYZE SELECT 1")
        #expect(explain.contains("EXPLAIN") && explain.contains("LIMIT"))
        let set = message("PRAGMA table_info(run_record)", .sqlite)
        #expect(set.contains("pragma_table_info"))
        let lock = message("SELECT * FROM t FOR NO KEY UPDATE")
        #expect(lock.contains("FOR NO KEY UPDATE"))
        let unterminated = message("SELECT 'abc")
        #expect(unterminated.contains("byte 7"))
    }

    @Test func pgSleepIsAllowedButForbiddenPrefixesAreNot() {
        #expect(ReadOnlySQLGuard.forbiddenFunctionReason("pg_sleep") == nil)
        #expect(ReadOnlySQLGuard.forbiddenFunctionReason("pg_sleep_for") == nil)
        #expect(ReadOnlySQLGuard.forbiddenFunctionReason("dblink_connect_u") != nil)
        #expect(ReadOnlySQLGuard.forbiddenFunctionReason("pg_ls_waldir") != nil)
        #expect(ReadOnlySQLGuard.forbiddenFunctionReason("lower") == nil)
    }

    /// A long statement is still read in linear time: no backtracking on quotes or comments.
    @Test func longStatementsAreFast() throws {
        let sql = "SELECT " + (1...3_100).map { "'v\($0);''x' /* c; */ AS c\($0)" }.joined(separator: ", ") + " FROM t"
        #expect(sql.utf8.count > ReadOnlySQLGuard.maxStatementBytes * 9 / 10)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try ReadOnlySQLGuard(dialect: .postgreSQL).admit(sql)
        #expect(clock.now - start < .seconds(2))
    }
}

@Suite("SQL tokenizer")
struct SQLTokenizerTests {
    @Test func tokenKindsAndBoundaries() throws {
        let tokens = try SQLTokenizer.tokenize("SELECT \"A\"\"b\", 'x''y', $t$ ; $t$, 1.5e-3 FROM t; -- c", dialect: .postgreSQL)
        #expect(tokens.map(\.kind) == [.word, .quotedIdentifier, .punctuation, .string, .punctuation, .string, .punctuation, .number, .word, .word, .semicolon])
        #expect(tokens[1].text == "a\"b")
        #expect(tokens[7].text == "1.5e-3")
    }

    @Test func unicodeEscapesInIdentifiersAreDecoded() {
        #expect(SQLTokenizer.decodeUnicodeEscapes("pg\\005fread") == "pg_read")
        #expect(SQLTokenizer.decodeUnicodeEscapes("\\+000061b") == "ab")
        #expect(SQLTokenizer.decodeUnicodeEscapes("a\\\\b") == "a\\b")
        #expect(SQLTokenizer.decodeUnicodeEscapes("bad\\zz") == nil)
    }
}
