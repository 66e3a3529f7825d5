import Foundation
import PluginKit

/// A stand-in for the cloverdx-mcp host, for a plugin's unit tests: it loads a Swift plugin through
/// the same C entry and descriptor the real host uses, in-process, and answers the plugin's host-service
/// calls from canned handlers. What it does not do is the host's side of a call: no schema check of the
/// arguments, no grants, no timeout (those are the host's, tested there).
///
/// ```swift
/// let host = try PluginTestHost(
///     configuration: ["clover.mcp.acme.greeting": "Hi"],
///     services: ["installation.info": { _ in .object(["nodeId": .string("node01")]) }],
///     make: acmePlugin)
/// let run = host.runTool("acme_hello", arguments: .object(["name": .string("Ada")]))
/// #expect(run.text == "Hi, Ada, from node01")
/// ```
public final class PluginTestHost: @unchecked Sendable {
    /// Answers one service request, or throws `ServiceRefused` to refuse it as the host would.
    public typealias ServiceHandler = @Sendable (PluginJSON) throws -> PluginJSON

    /// The plugin's descriptor lists, as the host would read them.
    public let id: String
    public let version: String
    public let summary: String?
    public let tools: [PluginJSON]
    public let resources: [PluginJSON]
    public let resourceTemplates: [PluginJSON]
    public let prompts: [PluginJSON]

    let state: HostState
    private let table: UnsafeMutablePointer<cdxmcp_host_api>
    private let handle: OpaquePointer
    private let descriptor: UnsafePointer<cdxmcp_plugin>

    /// Loads the plugin `make` builds, as plugins.json would with `settings`.
    /// - Parameters:
    ///   - configuration: what `config_get` finds (no private-key filtering: put in only what a plugin may see).
    ///   - services: canned answers by service name; any other service is refused as unknown.
    ///   - hostTableBytes: the size of the host table handed to the plugin, to test against an older host
    ///     (for example the ABI 1.0 size); nil for this SDK's full table.
    /// - Throws: `PluginLoadFailure` when the entry refuses, with the reason the plugin gave.
    public init(settings: PluginJSON = .object([:]), configuration: [String: String] = [:],
                services: [String: ServiceHandler] = [:], hostTableBytes: Int? = nil,
                make: (PluginEnvironment, PluginJSON) throws -> any Plugin) throws {
        let state = HostState(configuration: configuration, services: services)
        let table = UnsafeMutablePointer<cdxmcp_host_api>.allocate(capacity: 1)
        table.initialize(to: TestHostTable.make())
        if let hostTableBytes { table.pointee.struct_size = UInt32(hostTableBytes) }
        let handle = OpaquePointer(Unmanaged.passRetained(state).toOpaque())
        (self.state, self.table, self.handle) = (state, table, handle)

        var slot: UnsafePointer<cdxmcp_plugin>?
        let settingsBytes = Array(settings.text.utf8)
        let status = settingsBytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                PluginExport.start(UnsafePointer(table), handle, chars.baseAddress, chars.count, &slot, make: make)
            }
        }
        guard status == CDXMCP_OK, let slot else {
            let reason = state.locked { $0.loadError ?? $0.logs.last(where: { $0.level >= .error })?.message } ?? "no reason given"
            throw PluginLoadFailure(status: status, reason: reason)
        }
        descriptor = slot
        func list(_ pointer: UnsafePointer<CChar>?) -> [PluginJSON] {
            pointer.flatMap { try? PluginJSON(parsing: String(cString: $0)) }?.arrayValue ?? []
        }
        id = String(cString: slot.pointee.id)
        version = String(cString: slot.pointee.version)
        summary = slot.pointee.description.map { String(cString: $0) }
        tools = list(slot.pointee.tools_json)
        resources = list(slot.pointee.resources_json)
        resourceTemplates = list(slot.pointee.resource_templates_json)
        prompts = list(slot.pointee.prompts_json)
    }

    deinit {
        // The plugin keeps its environment (this table) for the life of the process, as it may with the
        // real host; a test host outlives every call made through it, so the table can go with it.
        table.deallocate()
        Unmanaged<HostState>.fromOpaque(UnsafeRawPointer(handle)).release()
    }

    /// The tool named `name` in the descriptor, for schema assertions.
    public func tool(named name: String) -> PluginJSON? {
        tools.first { $0["name"]?.stringValue == name }
    }

    /// Runs a tool with `arguments`, as `tools/call` would after the host's checks.
    /// - Parameter cancelled: makes `isCancelled` true from the start, to test that the tool stops.
    public func runTool(_ name: String, arguments: PluginJSON = .object([:]), cancelled: Bool = false) -> CallRun {
        perform(cancelled: cancelled) { call in
            CBuffers.withBytes(name) { namePointer, nameLength in
                CBuffers.withBytes(arguments.text) { argumentsPointer, argumentsLength in
                    descriptor.pointee.call_tool?(descriptor.pointee.context, call, namePointer, nameLength, argumentsPointer, argumentsLength)
                }
            }
        }
    }

    /// Reads a resource by URI (one of `resources`, or matching one of `resourceTemplates`).
    public func readResource(_ uri: String) -> CallRun {
        perform(cancelled: false) { call in
            CBuffers.withBytes(uri) { descriptor.pointee.read_resource?(descriptor.pointee.context, call, $0, $1) }
        }
    }

    /// Renders a prompt with its (string) arguments.
    public func getPrompt(_ name: String, arguments: [String: String] = [:]) -> CallRun {
        let json = PluginJSON.object(arguments.mapValues(PluginJSON.string))
        return perform(cancelled: false) { call in
            CBuffers.withBytes(name) { namePointer, nameLength in
                CBuffers.withBytes(json.text) { descriptor.pointee.get_prompt?(descriptor.pointee.context, call, namePointer, nameLength, $0, $1) }
            }
        }
    }

    /// The completions the plugin offers for `argument` while `value` is typed.
    public func complete(argument: String, value: String) -> [String] {
        let request = PluginJSON.object(["argument": .object(["name": .string(argument), "value": .string(value)])])
        let run = perform(cancelled: false) { call in
            CBuffers.withBytes(request.text) { descriptor.pointee.complete?(descriptor.pointee.context, call, $0, $1) }
        }
        return run.result?["completion"]?["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Every service request the plugin made so far, in order.
    public var serviceRequests: [ServiceRequest] { state.locked { $0.serviceRequests } }

    /// Every line the plugin logged so far (outside and inside calls).
    public var logs: [LogLine] { state.locked { $0.logs } }

    private func perform(cancelled: Bool, _ body: (OpaquePointer) -> cdxmcp_status?) -> CallRun {
        let call = CallState(host: state, cancelled: cancelled)
        let pointer = Unmanaged.passRetained(call)
        defer { pointer.release() }
        let status = body(OpaquePointer(pointer.toOpaque())) ?? cdxmcp_status(CDXMCP_UNSUPPORTED)
        return CallRun(status: status, result: call.result, error: call.error, progress: call.progress)
    }
}

/// The entry refused to load; `reason` is what the plugin said (set_load_error, else its last error line).
public struct PluginLoadFailure: Error, CustomStringConvertible {
    public let status: Int32
    public let reason: String
    public var description: String { "the plugin's entry failed with status \(status): \(reason)" }
}

/// One service request a plugin made.
public struct ServiceRequest: Sendable {
    public let service: String
    public let request: PluginJSON
}

/// One line a plugin logged.
public struct LogLine: Sendable {
    public let level: PluginLogLevel
    public let message: String
    /// True when logged inside a call (the real host also sends it to that call's client).
    public let duringCall: Bool
}

/// What one call handed back, as the host received it.
public struct CallRun: Sendable {
    /// The status the plugin's entry point returned (CDXMCP_OK, CDXMCP_INVALID_ARGUMENTS, …).
    public let status: Int32
    /// The JSON given to set_result, if any.
    public let result: PluginJSON?
    /// The message given to set_error, if any.
    public let error: String?
    /// The progress reported, in order: (progress, total or nil).
    public let progress: [(Double, Double?)]

    /// True when a client would see an error: a non-OK status, or a tool result with isError.
    public var isError: Bool { status != CDXMCP_OK || result?["isError"]?.boolValue == true }

    /// What a model reads: the text items of a tool result (joined by a newline), a resource's text, or
    /// the error message of a failed call.
    public var text: String {
        guard status == CDXMCP_OK else { return error ?? "" }
        if let contents = result?["contents"]?.arrayValue { return contents.compactMap { $0["text"]?.stringValue }.joined(separator: "\n") }
        if let messages = result?["messages"]?.arrayValue {
            return messages.compactMap { $0["content"]?["text"]?.stringValue }.joined(separator: "\n")
        }
        return (result?["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    /// A tool result's structuredContent.
    public var structured: PluginJSON? { result?["structuredContent"] }
}

/// What the test host keeps between calls.
final class HostState: @unchecked Sendable {
    struct Values {
        let configuration: [String: String]
        let services: [String: PluginTestHost.ServiceHandler]
        var serviceRequests: [ServiceRequest] = []
        var logs: [LogLine] = []
        var loadError: String?
    }

    private let lock = NSLock()
    private var values: Values

    init(configuration: [String: String], services: [String: PluginTestHost.ServiceHandler]) {
        values = Values(configuration: configuration, services: services)
    }

    func locked<T>(_ body: (inout Values) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&values)
    }

    static func from(_ pointer: OpaquePointer?) -> HostState? {
        pointer.map { Unmanaged<HostState>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// One call in progress: what the plugin hands back, and the service answers it may still point into.
final class CallState: @unchecked Sendable {
    let host: HostState
    let cancelled: Bool
    var result: PluginJSON?
    var error: String?
    var progress: [(Double, Double?)] = []
    /// Service answers stay valid until the call ends, as the header promises.
    var answers: [UnsafeMutableBufferPointer<CChar>] = []

    init(host: HostState, cancelled: Bool) {
        self.host = host
        self.cancelled = cancelled
    }

    deinit {
        answers.forEach { $0.deallocate() }
    }

    static func from(_ pointer: OpaquePointer?) -> CallState? {
        pointer.map { Unmanaged<CallState>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }

    func keep(_ text: String) -> (UnsafePointer<CChar>, Int) {
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { _ = buffer.initialize(from: $0) }
        }
        answers.append(buffer)
        return (UnsafePointer(buffer.baseAddress!), bytes.count)
    }
}

/// The host functions, as the real host's behave towards a plugin.
enum TestHostTable {
    static func make() -> cdxmcp_host_api {
        var table = cdxmcp_host_api()
        table.struct_size = UInt32(MemoryLayout<cdxmcp_host_api>.size)
        table.abi_version = UInt32(CDXMCP_ABI_VERSION)
        table.log = { handle, call, level, message, length in
            let line = LogLine(level: PluginLogLevel(rawValue: level) ?? .info, message: CBuffers.string(message, length), duringCall: call != nil)
            HostState.from(handle)?.locked { $0.logs.append(line) }
        }
        table.config_get = { handle, key, keyLength, buffer, capacity in
            guard let value = HostState.from(handle)?.locked({ $0.configuration[CBuffers.string(key, keyLength)] }) else { return -1 }
            let bytes = Array(value.utf8)
            if let buffer, capacity > 0, !bytes.isEmpty {
                bytes.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress!, byteCount: min(capacity, bytes.count)) }
            }
            return Int64(bytes.count)
        }
        table.report_progress = { call, progress, total, _, _ in
            CallState.from(call)?.progress.append((progress, total > 0 ? total : nil))
        }
        table.is_cancelled = { call in (CallState.from(call)?.cancelled ?? true) ? 1 : 0 }
        table.set_result = { call, json, length in
            guard let state = CallState.from(call), let value = try? PluginJSON(parsing: CBuffers.string(json, length)),
                  value.objectValue != nil else { return cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) }
            state.result = value
            return cdxmcp_status(CDXMCP_OK)
        }
        table.set_error = { call, message, length in CallState.from(call)?.error = CBuffers.string(message, length) }
        table.call_service = { call, service, serviceLength, request, requestLength, response, responseLength in
            guard let state = CallState.from(call) else { return cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) }
            let name = CBuffers.string(service, serviceLength)
            let (status, answer): (cdxmcp_status, PluginJSON)
            if let json = try? PluginJSON(parsing: requestLength == 0 ? "{}" : CBuffers.string(request, requestLength)), json.objectValue != nil {
                state.host.locked { $0.serviceRequests.append(ServiceRequest(service: name, request: json)) }
                if let handler = state.host.locked({ $0.services[name] }) {
                    do {
                        (status, answer) = (cdxmcp_status(CDXMCP_OK), try handler(json))
                    } catch let refused as ServiceRefused {
                        (status, answer) = (refused.status, .object(["error": .string(refused.message)]))
                    } catch {
                        (status, answer) = (cdxmcp_status(CDXMCP_FAILED), .object(["error": .string("\(error)")]))
                    }
                } else {
                    (status, answer) = (cdxmcp_status(CDXMCP_UNSUPPORTED), .object(["error": .string("no host service \"\(name)\"")]))
                }
            } else {
                (status, answer) = (cdxmcp_status(CDXMCP_INVALID_ARGUMENTS), .object(["error": .string("the request is not a JSON object")]))
            }
            let (pointer, count) = state.keep(answer.text)
            response?.pointee = pointer
            responseLength?.pointee = count
            return status
        }
        table.set_load_error = { handle, message, length in
            HostState.from(handle)?.locked { $0.loadError = CBuffers.string(message, length) }
        }
        return table
    }
}
