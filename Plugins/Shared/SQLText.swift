/// Values written into SQL text for the host's `sql.query` service, which takes one statement and no
/// bind parameters. Safe on SQLite and PostgreSQL alike (standard-conforming strings, the default of
/// both): a quote is doubled, and nothing else in a string literal is special.
public enum SQLText {
    /// `'it''s'`: a string literal. NUL bytes, which neither engine stores in text, are dropped.
    public static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\u{0}", with: "").replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A `LIKE` pattern literal matching `value` literally (with `ESCAPE '\'`), wrapped in `%…%` when `contains`.
    public static func likeLiteral(_ value: String, contains: Bool = false) -> String {
        var escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        if contains { escaped = "%" + escaped + "%" }
        return literal(escaped) + " ESCAPE '\\'"
    }
}
