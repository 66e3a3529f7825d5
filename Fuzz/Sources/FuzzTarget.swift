import Foundation
import GRDBSQLite
import HostConfiguration
import JSON
@testable import LogCatalogue
@testable import LogTables
import MCPProtocol
@testable import PluginHost
@testable import RemoteMCP
import SystemDatabase

/// The parsers that read what others send us, each a fuzz target: its input is any bytes, and it
/// fails (a trap, which the fuzzer reports with the input) when a parser crashes or breaks a rule
/// stated here. `scripts/fuzz NAME SECONDS` runs one under libFuzzer; the corpora are in Fuzz/corpus/NAME.
enum FuzzTarget: String, CaseIterable {
    /// JSON text: parsing never crashes, and what parses serializes to text that parses to the same value.
    case json
    /// JSON-RPC messages: whatever parses as JSON decodes to a message or a JSON-RPC error.
    case jsonrpc
    /// The read-only SQL guard: every statement it admits for SQLite is one statement that SQLite
    /// itself calls read-only (`sqlite3_stmt_readonly`), or one SQLite refuses to prepare.
    case sqlguard
    /// The log entry scanner over every log layout, and the timestamp parsers under it.
    case logscan
    /// One Tomcat access-log line.
    case accessline
    /// `clover.properties`: Java properties text.
    case properties
    /// A `text/event-stream` body from a remote MCP server, in any chunks.
    case sse
    /// The plugin worker's frames, in any chunks.
    case frames

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .json: Self.json(bytes)
        case .jsonrpc: Self.jsonRPC(bytes)
        case .sqlguard: Self.sqlGuard(bytes)
        case .logscan: Self.logScan(bytes)
        case .accessline: _ = AccessLogLine(Substring(String(decoding: bytes, as: UTF8.self)))
        case .properties: _ = JavaProperties.parse(String(decoding: bytes, as: UTF8.self))
        case .sse: Self.serverSentEvents(bytes)
        case .frames: Self.frames(bytes)
        }
    }

    private static func json(_ bytes: UnsafeRawBufferPointer) {
        guard let value = try? JSONValue.parse(bytes) else { return }
        let text = value.serialized()
        guard let again = try? JSONValue.parse(text) else { fatalError("serialized JSON does not parse: \(String(decoding: text, as: UTF8.self))") }
        // NaN cannot appear (JSON has none), so equality is exact.
        precondition(again == value, "a JSON value changed through serialize and parse")
    }

    private static func jsonRPC(_ bytes: UnsafeRawBufferPointer) {
        guard let value = try? JSONValue.parse(bytes) else { return }
        for item in value.arrayValue ?? [value] {
            do {
                _ = try JSONRPCMessage.decode(item)
            } catch {
                precondition((-32768 ... -32000).contains(error.code), "a decoding error outside JSON-RPC's reserved codes: \(error.code)")
            }
        }
    }

    /// One connection for the process: a fuzz target runs on one thread.
    nonisolated(unsafe) private static let sqlite: OpaquePointer = {
        var database: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let database else {
            fatalError("cannot open an in-memory SQLite database")
        }
        // A few tables of the system database's shape, so admitted statements can be prepared.
        let schema = "CREATE TABLE run_record(id INTEGER PRIMARY KEY, job_file TEXT, status TEXT, start_time TEXT, sandbox TEXT);"
            + "CREATE TABLE sandbox(id INTEGER PRIMARY KEY, code TEXT, name TEXT); CREATE VIEW v AS SELECT * FROM run_record;"
        precondition(sqlite3_exec(database, schema, nil, nil, nil) == SQLITE_OK)
        return database
    }()

    private static func sqlGuard(_ bytes: UnsafeRawBufferPointer) {
        let sql = String(decoding: bytes, as: UTF8.self)
        _ = try? ReadOnlySQLGuard(dialect: .postgreSQL).admit(sql)
        guard let admitted = try? ReadOnlySQLGuard(dialect: .sqlite).admit(sql) else { return }
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let status = admitted.text.withCString { sqlite3_prepare_v2(sqlite, $0, -1, &statement, &tail) }
        defer { sqlite3_finalize(statement) }
        guard status == SQLITE_OK, let statement else { return }
        precondition(sqlite3_stmt_readonly(statement) != 0, "the guard admitted a statement SQLite calls writing: \(admitted.text)")
        let rest = tail.map { String(cString: $0) } ?? ""
        precondition(rest.allSatisfy(\.isWhitespace), "the guard admitted more than one statement: \(admitted.text)")
    }

    private static func logScan(_ bytes: UnsafeRawBufferPointer) {
        for format in [LogFormat.cloverServer, .jobRun, .serverIntegration, .jsonLines, .tomcatAccess, .catalina] {
            guard let scanner = try? EntryScanner(reader: BytesReader(bytes), format: format, clock: nil) else { continue }
            var entries = 0
            while (try? scanner.next()) == true {
                entries += 1
                precondition(scanner.current.textLength >= scanner.current.bytes.count)
            }
            precondition(entries <= bytes.count + 1, "more entries than bytes")
        }
        for start in 0..<min(bytes.count, 4) {
            _ = LogTimestamp.parseISO(bytes, at: start, fractionRequired: false)
            _ = LogTimestamp.parseJULI(bytes, at: start)
            _ = LogTimestamp.parseAccess(bytes, at: start)
        }
    }

    private static func serverSentEvents(_ bytes: UnsafeRawBufferPointer) {
        var decoder = ServerSentEventsDecoder()
        inChunks(bytes) { _ = decoder.feed(Array($0)); return true }
        _ = decoder.finish()
    }

    private static func frames(_ bytes: UnsafeRawBufferPointer) {
        var decoder = WorkerFrameDecoder()
        inChunks(bytes) { chunk in
            decoder.append(chunk)
            do {
                while let message = try decoder.next() {
                    precondition(message["t"]?.stringValue != nil)
                    _ = PluginRequest(frame: message)
                }
                return true
            } catch {
                return false  // a broken frame ends the stream, as it ends the worker
            }
        }
    }

    /// Hands `bytes` after the first to `body` in chunks of the first byte's size, so where a stream
    /// is cut is fuzzed too; stops when `body` returns false.
    private static func inChunks(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Bool) {
        let step = max(1, Int(bytes.first ?? 1))
        var offset = min(1, bytes.count)
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            guard body(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) else { return }
            offset = end
        }
    }
}

/// Log text held in memory, read like a file.
private final class BytesReader: ChunkReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = Array(bytes)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - position)
        bytes.withUnsafeBytes { source in
            buffer.baseAddress?.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }

    func seek(to offset: Int64) throws -> Bool {
        position = Int(min(Int64(bytes.count), offset))
        return true
    }

    var filePosition: Int64 { Int64(position) }
    var bytesRead: Int64 { Int64(position) }
    var damage: String? { nil }
}
