@_exported import CloverMCPPluginABI

/// Log levels a plugin writes at (MCP's, RFC 5424 names).
public enum PluginLogLevel: Int32, Sendable {
    case debug = 0, info, notice, warning, error, critical, alert, emergency
}

/// The host, as a plugin sees it outside any call: log and configuration.
public struct HostServices: @unchecked Sendable {
    // The table and handle are owned by the host and live as long as the process; reading is thread-safe.
    let table: UnsafePointer<cdxmcp_host_api>
    let handle: OpaquePointer?

    /// Writes to the host's log.
    public func log(_ level: PluginLogLevel, _ message: String) {
        HostServices.log(table, handle, nil, level, message)
    }

    /// A configuration value (clover.properties, environment, flags); nil when unset or secret.
    public func config(_ key: String) -> String? {
        guard let lookup = table.pointee.config_get else { return nil }
        let keyBytes = Array(key.utf8)
        var capacity = 256
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let length = keyBytes.withUnsafeBufferPointer { keyBuffer in
                keyBuffer.withMemoryRebound(to: CChar.self) { lookup(handle, $0.baseAddress, $0.count, &buffer, capacity) }
            }
            if length < 0 { return nil }
            if Int(length) <= capacity {
                return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(length)
        }
    }

    static func log(_ table: UnsafePointer<cdxmcp_host_api>, _ handle: OpaquePointer?, _ call: OpaquePointer?,
                    _ level: PluginLogLevel, _ message: String) {
        guard let log = table.pointee.log else { return }
        var bytes = Array(message.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { log(handle, call, level.rawValue, $0.baseAddress, $0.count) }
        }
    }
}

/// One call in progress: report progress, log to the client, notice cancellation.
public struct CallContext: @unchecked Sendable {
    // Valid only while the plugin's entry point runs; the host owns both pointers.
    let host: HostServices
    let call: OpaquePointer?

    /// Settings and configuration, as outside a call.
    public var services: HostServices { host }

    /// True once the client cancelled or the host's timeout passed: stop and return.
    public var isCancelled: Bool {
        guard let check = host.table.pointee.is_cancelled else { return false }
        return check(call) != 0
    }

    /// Reports progress; `total` nil when unknown. Only growing values reach the client.
    public func progress(_ done: Double, total: Double? = nil, message: String? = nil) {
        guard let report = host.table.pointee.report_progress else { return }
        var bytes = Array((message ?? "").utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                report(call, done, total ?? 0, message == nil ? nil : $0.baseAddress, $0.count)
            }
        }
    }

    /// Logs to the host, and to the client if its log level lets the line through.
    public func log(_ level: PluginLogLevel, _ message: String) {
        HostServices.log(host.table, host.handle, call, level, message)
    }
}
