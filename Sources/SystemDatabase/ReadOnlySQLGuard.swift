/// The SQL dialect a statement is written in; it decides how strings, identifiers and comments lex.
public enum SQLDialect: String, Sendable, Hashable {
    case postgreSQL
    case sqlite
}

/// A statement `ReadOnlySQLGuard` admitted: one query, without the trailing `;` and comments, so it
/// can be wrapped (`DECLARE … CURSOR FOR <text>`) without a trailing `--` comment swallowing the rest.
public struct AdmittedStatement: Sendable, Hashable {
    /// The statement from its first to its last token.
    public let text: String
    public let dialect: SQLDialect
}

/// Admits exactly one read-only query — `SELECT`, `WITH … SELECT`, `VALUES` or `TABLE name`, possibly
/// in parentheses — and refuses everything else before it reaches the database.
///
/// It works on tokens from a lexer that follows the engine's own rules for literals and comments, so
/// a `;` or `DROP` inside a string or comment is harmless and one outside it is seen. It is the first
/// of three walls: the databases are also opened read-only (`BEGIN READ ONLY` on PostgreSQL,
/// `SQLITE_OPEN_READONLY` and `query_only` on SQLite).
public struct ReadOnlySQLGuard: Sendable {
    public let dialect: SQLDialect
    /// What the SQL runs against, as refusals name it: "the CloverDX system database".
    public let subject: String

    /// - Parameter subject: what the SQL runs against, for refusals ("the performance log table").
    public init(dialect: SQLDialect, subject: String = "the CloverDX system database") {
        self.dialect = dialect
        self.subject = subject
    }

    /// The longest statement admitted, in UTF-8 bytes: a troubleshooting query fits many times over,
    /// a million-item `IN` list does not.
    public static let maxStatementBytes = 100_000

    /// The statement, ready to run, or why it is refused.
    public func admit(_ sql: String) throws(SQLRejected) -> AdmittedStatement {
        guard sql.utf8.count <= Self.maxStatementBytes else {
            throw SQLRejected(
                .tooLong,
                "The SQL is \(sql.utf8.count) bytes long; at most \(Self.maxStatementBytes) are allowed. Shorten it: a long IN list is better a join or a range (BETWEEN).")
        }
        let allTokens = try SQLTokenizer.tokenize(sql, dialect: dialect)
        let semicolon = allTokens.firstIndex(where: { $0.kind == .semicolon })
        let tokens = allTokens[..<(semicolon ?? allTokens.endIndex)]
        let trailing = semicolon.map { allTokens[($0 + 1)...] } ?? []

        guard let first = tokens.first, let last = tokens.last else {
            if let rest = trailing.first {
                throw SQLRejected(
                    .multipleStatements,
                    "The SQL starts with ';' (more SQL follows at byte \(rest.range.lowerBound)). Send exactly one SELECT statement, without a leading semicolon."
                )
            }
            throw SQLRejected(.empty, "The SQL is empty (only whitespace, comments or ';'). Send one SELECT statement.")
        }
        // The first statement's kind first: "DO is not allowed" says more than "two statements".
        try checkLeadingKeyword(tokens)
        if let rest = trailing.first {
            throw SQLRejected(
                .multipleStatements,
                "Only one statement per call is allowed, and there is more SQL after the ';' (at byte \(rest.range.lowerBound)). Send each SELECT in its own call."
            )
        }
        try checkBody(tokens)

        let utf8 = Array(sql.utf8)
        let text = String(decoding: utf8[first.range.lowerBound..<last.range.upperBound], as: UTF8.self)
        return AdmittedStatement(text: text, dialect: dialect)
    }

    private static let queryKeywords: Set<String> = ["select", "with", "values", "table"]

    private func checkLeadingKeyword(_ tokens: ArraySlice<SQLToken>) throws(SQLRejected) {
        guard let lead = tokens.first(where: { !$0.isPunctuation("(") }) else {
            throw SQLRejected(.notAQuery, "The SQL has only parentheses. Send one SELECT statement.")
        }
        if lead.kind == .word, Self.queryKeywords.contains(lead.text) { return }

        let allowed = "Only one read-only query is allowed: SELECT, WITH … SELECT, VALUES or TABLE name."
        guard lead.kind == .word else {
            throw SQLRejected(.notAQuery, "\(allowed) This SQL does not start with a keyword. Start it with SELECT.")
        }
        let keyword = lead.text.uppercased()
        switch lead.text {
        case "explain":
            throw SQLRejected(
                .notAQuery,
                "EXPLAIN is not allowed (EXPLAIN ANALYZE would run the statement). \(allowed) Run the SELECT itself with a small LIMIT instead.")
        case "set", "reset", "show", "pragma":
            throw SQLRejected(
                .notAQuery,
                "\(keyword) is not allowed: settings cannot be read or changed with it here. \(allowed) Read a setting with SELECT current_setting('name') on PostgreSQL, or a pragma with its table-valued function on SQLite, e.g. SELECT * FROM pragma_table_info('run_record')."
            )
        case "insert", "update", "delete", "merge", "upsert", "replace", "drop", "create", "alter", "truncate", "grant", "revoke",
            "copy", "call", "do", "comment", "refresh", "cluster", "vacuum", "analyze", "analyse", "reindex", "attach", "detach",
            "import", "load", "security", "lock", "listen", "notify", "unlisten", "discard", "prepare", "execute", "deallocate",
            "declare", "fetch", "move", "close", "checkpoint", "savepoint", "release":
            throw SQLRejected(
                .notAQuery,
                "\(keyword) statements are not allowed: \(subject) is read-only here. \(allowed) Write a SELECT that reads the rows you want to inspect."
            )
        case "begin", "start", "commit", "end", "rollback", "abort":
            throw SQLRejected(
                .notAQuery,
                "\(keyword) is not allowed: every query already runs in its own read-only transaction. \(allowed) Send the SELECT alone.")
        default:
            throw SQLRejected(.notAQuery, "\(keyword) statements are not allowed. \(allowed)")
        }
    }

    private static let dataModifyingKeywords: Set<String> = ["insert", "update", "delete", "merge"]

    private func checkBody(_ tokens: ArraySlice<SQLToken>) throws(SQLRejected) {
        let list = Array(tokens)
        for (index, token) in list.enumerated() {
            let next = index + 1 < list.count ? list[index + 1] : nil
            if token.kind == .word {
                if token.text == "for", let lock = lockingClause(list, after: index) {
                    throw SQLRejected(
                        .lockingClause,
                        "FOR \(lock) locks rows and is not allowed in a read-only query. Remove the FOR \(lock) clause; the query reads a consistent snapshot without it."
                    )
                }
                if Self.dataModifyingKeywords.contains(token.text) {
                    let keyword = token.text.uppercased()
                    throw SQLRejected(
                        .dataModifying,
                        "\(keyword) is not allowed anywhere in the query, including inside WITH: \(subject) is read-only here. Write a plain SELECT. If \(token.text) is a column or table name, put it in double quotes: \"\(token.text)\"."
                    )
                }
                if token.text == "into" {
                    throw SQLRejected(
                        .selectInto,
                        "SELECT … INTO creates a table and is not allowed. Remove the INTO clause; the rows are returned to you directly."
                    )
                }
            }
            if token.kind == .word || token.kind == .quotedIdentifier, let next, next.isPunctuation("("),
                let why = Self.forbiddenFunctionReason(token.text)
            {
                throw SQLRejected(
                    .forbiddenFunction,
                    "\(token.text)() is not allowed: \(why). Query the tables of \(subject) instead.")
            }
        }
    }

    /// `UPDATE`, `SHARE`, `NO KEY UPDATE` or `KEY SHARE` after the `FOR` at `index`.
    private func lockingClause(_ tokens: [SQLToken], after index: Int) -> String? {
        func word(_ offset: Int) -> String? {
            let i = index + offset
            return i < tokens.count && tokens[i].kind == .word ? tokens[i].text : nil
        }
        switch (word(1), word(2), word(3)) {
        case ("update", _, _): return "UPDATE"
        case ("share", _, _): return "SHARE"
        case ("no", "key", "update"): return "NO KEY UPDATE"
        case ("key", "share", _): return "KEY SHARE"
        default: return nil
        }
    }

    private static let forbiddenFunctions: [String: String] = {
        var table: [String: String] = [:]
        let files = "it reads or writes files on the database server"
        for name in [
            "pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_file_write", "pg_file_rename", "pg_file_unlink",
            "pg_file_sync", "pg_logdir_ls", "readfile", "writefile", "edit", "fsdir", "zipfile",
        ] { table[name] = files }
        let largeObjects = "large objects reach files and storage outside the tables"
        for name in ["lowrite", "loread"] { table[name] = largeObjects }
        let state = "it changes server or session state"
        for name in [
            "set_config", "nextval", "setval", "txid_current", "pg_current_xact_id", "pg_notify", "pg_terminate_backend",
            "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal", "pg_switch_xlog", "pg_promote",
            "pg_create_restore_point", "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup",
            "pg_logical_emit_message",
        ] { table[name] = state }
        let nested = "it runs SQL given as a string, which the guard cannot check"
        for name in ["cursor_to_xml", "cursor_to_xmlschema"] { table[name] = nested }
        table["copy"] = "COPY reads and writes files and programs"
        table["load_extension"] = "it loads native code into the database"
        table["fts3_tokenizer"] = "it can register native code with SQLite"
        return table
    }()

    private static let forbiddenPrefixes: [(prefix: String, why: String)] = [
        ("pg_ls_", "it lists directories on the database server"),
        ("lo_", "large objects reach files and storage outside the tables"),
        ("dblink", "it connects to other databases"),
        ("query_to_xml", "it runs SQL given as a string, which the guard cannot check"),
        ("pg_advisory", "advisory locks outlive the query"),
        ("pg_try_advisory", "advisory locks outlive the query"),
        ("pg_stat_reset", "it changes server or session state"),
    ]

    /// Why calling `name` (lower-cased, without schema) is refused, or nil when it is allowed.
    static func forbiddenFunctionReason(_ name: String) -> String? {
        if let why = forbiddenFunctions[name] { return why }
        return forbiddenPrefixes.first(where: { name.hasPrefix($0.prefix) })?.why
    }
}
