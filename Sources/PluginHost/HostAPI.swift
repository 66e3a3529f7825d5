import CloverMCPPluginABI
import Foundation
import Logging
import MCPProtocol
import Synchronization

extension PluginCall {
    static func from(_ pointer: OpaquePointer?) -> PluginCall? {
        guard let pointer else { return nil }
        return Unmanaged<PluginCall>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

/// The function table every plugin receives. One instance for the process, never freed.
enum HostAPI {
    /// Written once before any plugin sees it, read-only afterwards.
    nonisolated(unsafe) static let table: UnsafePointer<cdxmcp_host_api> = {
        let table = UnsafeMutablePointer<cdxmcp_host_api>.allocate(capacity: 1)
        table.initialize(to: cdxmcp_host_api())
        table.pointee.struct_size = UInt32(MemoryLayout<cdxmcp_host_api>.size)
        table.pointee.abi_version = UInt32(CDXMCP_ABI_VERSION)
        table.pointee.log = { handlePointer, callPointer, level, message, length in
            let handle = PluginBinding.from(handlePointer)
            let mcpLevel = MCPLogLevel(rawValue: Int(level)) ?? .info
            let context = PluginCall.from(callPointer)?.context
            // Plugins log freely (the C example on every call): when neither the host's log, the error
            // memory nor the client takes the line, it costs no string and no logger copy.
            let hostTakes = handle.map { mcpLevel.swiftLogLevel >= $0.logger.logLevel || mcpLevel >= .error } ?? false
            guard hostTakes || context?.wants(mcpLevel) == true else { return }
            let text = HostAPI.string(message, length)
            if let handle, hostTakes {
                var logger = handle.logger
                logger[metadataKey: "plugin"] = .string(handle.pluginID)
                logger.log(level: mcpLevel.swiftLogLevel, "\(text)")
                if mcpLevel >= .error { handle.lastError.withLock { $0 = text } }
            }
            context?.log(mcpLevel, logger: handle?.pluginID, .string(text))
        }
        table.pointee.config_get = { handlePointer, key, keyLength, buffer, capacity in
            guard let handle = PluginBinding.from(handlePointer) else { return -1 }
            // Private keys are refused outright; other values lose any credentials a URL carries.
            guard let value = handle.visibleConfiguration(HostAPI.string(key, keyLength)) else { return -1 }
            let bytes = Array(value.utf8)
            if let buffer, capacity > 0, !bytes.isEmpty {
                bytes.withUnsafeBufferPointer { source in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress!, byteCount: min(capacity, bytes.count))
                }
            }
            return Int64(bytes.count)
        }
        table.pointee.report_progress = { callPointer, progress, total, message, length in
            let text = message == nil ? nil : HostAPI.string(message, length)
            PluginCall.from(callPointer)?.context?.reportProgress(progress, total: total > 0 ? total : nil, message: text)
        }
        table.pointee.is_cancelled = { callPointer in
            (PluginCall.from(callPointer)?.isCancelled ?? true) ? 1 : 0
        }
        table.pointee.set_result = { callPointer, json, length in
            guard let call = PluginCall.from(callPointer), let json else { return cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) }
            let accepted = json.withMemoryRebound(to: UInt8.self, capacity: length) {
                call.setResult(UnsafeBufferPointer(start: $0, count: length))
            }
            return cdxmcp_status(accepted ? CDXMCP_OK : CDXMCP_INVALID_ARGUMENTS)
        }
        table.pointee.set_error = { callPointer, message, length in
            PluginCall.from(callPointer)?.setError(HostAPI.string(message, length))
        }
        table.pointee.call_service = { callPointer, service, serviceLength, request, requestLength, response, responseLength in
            guard let call = PluginCall.from(callPointer) else { return cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) }
            let requestBytes = request.map { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: requestLength) { Array(UnsafeBufferPointer(start: $0, count: requestLength)) }
            } ?? []
            let (status, reply) = call.callService(HostAPI.string(service, serviceLength), requestBytes)
            let stored = call.keep(reply.serialized())
            response?.pointee = stored.pointer
            responseLength?.pointee = stored.count
            return status
        }
        table.pointee.set_load_error = { handlePointer, message, length in
            PluginBinding.from(handlePointer)?.loadError.withLock { $0 = HostAPI.string(message, length) }
        }
        return UnsafePointer(table)
    }()

    /// A Swift string from a (pointer, length) buffer; invalid UTF-8 is repaired, never trusted.
    static func string(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}

extension MCPLogLevel {
    var swiftLogLevel: Logger.Level {
        switch self {
        case .debug: return .debug
        case .info: return .info
        case .notice: return .notice
        case .warning: return .warning
        case .error: return .error
        case .critical, .alert, .emergency: return .critical
        }
    }
}
