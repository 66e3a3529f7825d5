import GRDB
import LogCatalogue

/// Turns log entries into rows of one log table, and keeps count of what it could not read, so the
/// answer can say so instead of dropping lines silently.
struct LogRecordDecoder {
    let kind: LogTableKind
    private let columnIndex: [String: Int]
    /// Lines that were not loaded, with a few examples for the warning.
    private(set) var unreadLines = 0
    private(set) var examples: [String] = []
    /// Sample keys the table has no column for.
    private(set) var unknownKeys: Set<String> = []

    static let exampleCount = 3
    private static let userActionKeys: Set<String> = ["user", "domain", "ip", "action", "result"]

    init(kind: LogTableKind) {
        self.kind = kind
        columnIndex = Dictionary(uniqueKeysWithValues: kind.columns.enumerated().map { ($1.name, $0) })
    }

    /// The row for `entry`, or nil when it is not a record of this log (then counted). Lines after
    /// the first (an entry's continuation lines) are not part of any record in these logs and are
    /// counted too.
    mutating func row(for entry: LogEntry) -> [DatabaseValue]? {
        let lines = entry.rawText.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            unread(line, entry: entry, lineOffset: offset)
        }
        guard let first = lines.first else { return nil }
        guard let time = entry.timestamp else {
            unread(first, entry: entry, lineOffset: 0)
            return nil
        }
        var values = [DatabaseValue](repeating: .null, count: columnIndex.count)
        values[0] = time.description.databaseValue
        let complete: Bool
        switch kind {
        case .performance, .jobQueue: complete = fillSample(first, into: &values)
        case .access: complete = fillRequest(first, into: &values)
        case .userAction: complete = fillUserAction(entry, into: &values)
        }
        guard complete else {
            unread(first, entry: entry, lineOffset: 0)
            return nil
        }
        return values
    }

    private mutating func fillSample(_ line: Substring, into values: inout [DatabaseValue]) -> Bool {
        guard let object = FlatJSONObject(line) else { return false }
        for (key, value) in object.members where key != "time" {
            guard let index = columnIndex[key] else {
                unknownKeys.insert(key)
                continue
            }
            switch value {
            case .integer(let number): values[index] = number.databaseValue
            case .real(let number): values[index] = number.databaseValue
            case .bool(let flag): values[index] = (flag ? 1 : 0).databaseValue
            case .string(let text): values[index] = text.databaseValue
            case .null: values[index] = .null
            }
        }
        return true
    }

    private func fillRequest(_ line: Substring, into values: inout [DatabaseValue]) -> Bool {
        guard let request = AccessLogLine(line) else { return false }
        values[1] = request.client.databaseValue
        values[2] = request.user.databaseValue
        values[3] = request.method.databaseValue
        values[4] = request.path.databaseValue
        values[5] = request.query.databaseValue
        values[6] = request.protocolName.databaseValue
        values[7] = request.status.databaseValue
        values[8] = request.bytes.databaseValue
        values[9] = request.durationMs.databaseValue
        return true
    }

    private func fillUserAction(_ entry: LogEntry, into values: inout [DatabaseValue]) -> Bool {
        let firstLine = entry.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let body = KeyValueBody(String(firstLine))
        guard let action = body.value("action") else { return false }
        values[1] = body.value("user").databaseValue
        values[2] = body.value("domain").databaseValue
        values[3] = body.value("ip").databaseValue
        values[4] = action.databaseValue
        values[5] = body.value("result").databaseValue
        let rest = body.text(removing: Self.userActionKeys)
        values[6] = rest.isEmpty ? .null : rest.databaseValue
        return true
    }

    private mutating func unread(_ line: Substring, entry: LogEntry, lineOffset: Int) {
        unreadLines += 1
        guard examples.count < Self.exampleCount else { return }
        let place = entry.line.map { "\(entry.file) line \($0 + lineOffset)" } ?? entry.file
        let shown = line.count > 160 ? String(line.prefix(159)) + "…" : String(line)
        examples.append("\(place): \(shown)")
    }

    /// What was not loaded, for the answer's warnings.
    var warnings: [String] {
        var warnings: [String] = []
        if unreadLines > 0 {
            warnings.append("\(unreadLines) line\(unreadLines == 1 ? "" : "s") could not be read as \(kind.recordName)s and \(unreadLines == 1 ? "was" : "were") not loaded, e.g. "
                + examples.joined(separator: " | "))
        }
        if !unknownKeys.isEmpty {
            warnings.append("keys without a column in \(kind.tableName) were ignored: \(unknownKeys.sorted().joined(separator: ", "))")
        }
        return warnings
    }
}
