import Foundation
@_exported import CloverMCPPluginABI
@_exported import CloverServiceContract

/// Log levels a plugin writes at (MCP's, RFC 5424 names).
public enum PluginLogLevel: Int32, Sendable, Comparable {
    case debug = 0, info, notice, warning, error, critical, alert, emergency

    public static func < (lhs: PluginLogLevel, rhs: PluginLogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The host as a plugin sees it outside any call: its log and the configuration. (Host services,
/// `CallContext.service`, are reached only inside a call.)
public struct PluginEnvironment: @unchecked Sendable {
    // The table and handle are owned by the host and live as long as the process; reading is thread-safe.
    let table: UnsafePointer<cdxmcp_host_api>
    let handle: OpaquePointer?

    /// Writes to the host's log.
    public func log(_ level: PluginLogLevel, _ message: String) {
        PluginEnvironment.log(table, handle, nil, level, message)
    }

    /// A configuration value (clover.properties, environment, flags); nil when unset or secret.
    public func config(_ key: String) -> String? {
        guard let lookup = table.pointee.config_get else { return nil }
        var capacity = 256
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let length = CBuffers.withBytes(key) { lookup(handle, $0, $1, &buffer, capacity) }
            if length < 0 { return nil }
            if Int(length) <= capacity {
                return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(length)
        }
    }

    /// Says why the entry fails: set_load_error where the host has it (ABI 1.1), an error line otherwise.
    func failLoad(_ reason: String) {
        guard let setLoadError = HostTableFields.function(table, \.set_load_error) else { return log(.error, reason) }
        CBuffers.withBytes(reason) { setLoadError(handle, $0, $1) }
    }

    static func log(_ table: UnsafePointer<cdxmcp_host_api>, _ handle: OpaquePointer?, _ call: OpaquePointer?,
                    _ level: PluginLogLevel, _ message: String) {
        guard let log = table.pointee.log else { return }
        CBuffers.withBytes(message) { log(handle, call, level.rawValue, $0, $1) }
    }
}

/// One call in progress: report progress, log to the client, notice cancellation.
public struct CallContext: @unchecked Sendable {
    // Valid only while the plugin's entry point runs; the host owns both pointers.
    let host: PluginEnvironment
    let call: OpaquePointer?

    /// Settings and configuration, as outside a call.
    public var environment: PluginEnvironment { host }

    /// True once the client cancelled or the host's timeout passed: stop and return.
    public var isCancelled: Bool {
        guard let check = host.table.pointee.is_cancelled else { return false }
        return check(call) != 0
    }

    /// Reports progress; `total` nil when unknown. Only growing values reach the client.
    public func progress(_ done: Double, total: Double? = nil, message: String? = nil) {
        guard let report = host.table.pointee.report_progress else { return }
        CBuffers.withBytes(message ?? "") { report(call, done, total ?? 0, message == nil ? nil : $0, $1) }
    }

    /// Calls a host service by name with a JSON request and returns its JSON answer: for services this
    /// SDK has no contract type for. Prefer the typed calls (`logs.search(...)`, `sql.query(...)`, …).
    /// Throws `ServiceRefused` when the host says no: no grant, no such service, bad request.
    public func service(_ name: String, _ request: PluginJSON = .object([:])) throws -> PluginJSON {
        let text = try serviceText(name, request.text)
        return (try? PluginJSON(parsing: text)) ?? .object([:])
    }

    /// Calls a host service through its contract type (docs/SERVICES.md): the request encoded from
    /// `S.Request`, the answer decoded into `S.Answer`. Throws `ServiceRefused` when the host says no.
    public func call<S: HostServiceContract>(_ service: S.Type, _ request: S.Request) throws -> S.Answer {
        let requestText = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        let answer = try serviceText(S.name, requestText)
        do {
            return try JSONDecoder().decode(S.Answer.self, from: Data(answer.utf8))
        } catch {
            throw ServiceRefused(status: cdxmcp_status(CDXMCP_FAILED),
                                 message: "\(S.name) answered in a form this plugin does not read (\(ArgumentDecoding.explain(error, tool: S.name))): is the host older than the SDK?")
        }
    }

    /// The answer's text, copied out of the host's buffer (valid only until the call ends).
    private func serviceText(_ name: String, _ request: String) throws -> String {
        guard let callService = HostTableFields.function(host.table, \.call_service) else {
            throw ServiceRefused(status: cdxmcp_status(CDXMCP_UNSUPPORTED), message: "this host offers no services (an older cloverdx-mcp)")
        }
        var response: UnsafePointer<CChar>?
        var responseLength = 0
        let status = CBuffers.withBytes(name) { namePointer, nameLength in
            CBuffers.withBytes(request) { callService(call, namePointer, nameLength, $0, $1, &response, &responseLength) }
        }
        let text = response == nil ? "{}" : CBuffers.string(response, responseLength)
        guard status == CDXMCP_OK else {
            let message = (try? PluginJSON(parsing: text))?["error"]?.stringValue
            throw ServiceRefused(status: status, message: message ?? "\(name) failed with status \(status)")
        }
        return text
    }

    /// Logs to the host, and to the client if its log level lets the line through.
    public func log(_ level: PluginLogLevel, _ message: String) {
        PluginEnvironment.log(host.table, host.handle, call, level, message)
    }
}

/// A host service said no; `message` says why (for example the missing grant).
public struct ServiceRefused: Error, CustomStringConvertible {
    public let status: Int32
    public let message: String
    public var description: String { message }

    /// A refusal with a status of the header (CDXMCP_DENIED, CDXMCP_INVALID_ARGUMENTS, …); test hosts throw these.
    public init(status: Int32, message: String) {
        self.status = status
        self.message = message
    }

    /// The tool error a model acts on, the one translation of a refusal: an argument error when the
    /// request was wrong or named something that does not exist, a failure otherwise (no grant,
    /// unreadable data, a database that fails). `subject` (a log, "system database") prefixes the message.
    public func toolError(about subject: String? = nil) -> ToolError {
        let text = subject.map { "\($0): \(message)" } ?? message
        switch status {
        case cdxmcp_status(CDXMCP_INVALID_ARGUMENTS), cdxmcp_status(CDXMCP_NOT_FOUND): return .invalidArguments(text)
        default: return .failed(text)
        }
    }
}
