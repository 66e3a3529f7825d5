import Foundation
import PluginKit

/// A plugin that misbehaves on request, for the host's tests: it throws, hangs, ignores
/// cancellation, reads configuration, and fails its entry when its settings say so. Three tools
/// are meant only for an isolated faulty (they take down whatever process runs them): one aborts,
/// one allocates until it is stopped, one never returns.
struct FaultyPlugin: Plugin {
    let id = "faulty"
    let version = "0.0.1"
    let environment: PluginEnvironment

    struct SleepArguments: Decodable, Sendable {
        let seconds: Double
        /// When true the tool polls cancellation and returns early.
        let honourCancellation: Bool?
    }

    struct ConfigArguments: Decodable, Sendable {
        let key: String
    }

    struct ServiceArguments: Decodable, Sendable {
        let service: String
        let request: PluginJSON?
    }

    var tools: [ToolDefinition] {
        [
            ToolDefinition(
                name: "faulty_throw", title: "Always fails", description: "Throws an error.",
                inputSchema: #"{"type":"object"}"#, arguments: NoArguments.self
            ) { _, _ in
                throw ToolError.failed("faulty_throw failed on purpose")
            },
            ToolDefinition(
                name: "faulty_sleep", title: "Sleeps", description: "Sleeps, optionally watching for cancellation.",
                inputSchema: #"{"type":"object","properties":{"seconds":{"type":"number"},"honourCancellation":{"type":"boolean"}},"required":["seconds"]}"#,
                arguments: SleepArguments.self
            ) { arguments, call in
                let deadline = Date().addingTimeInterval(arguments.seconds)
                var step = 0.0
                while Date() < deadline {
                    if arguments.honourCancellation == true && call.isCancelled { return .text("cancelled") }
                    usleep(20_000)
                    step += 1
                    call.progress(step)
                }
                return .text("slept \(arguments.seconds) s")
            },
            ToolDefinition(
                name: "faulty_config", title: "Reads configuration", description: "Returns a configuration value.",
                inputSchema: #"{"type":"object","properties":{"key":{"type":"string"}},"required":["key"]}"#,
                arguments: ConfigArguments.self
            ) { [environment] arguments, _ in
                .text(environment.config(arguments.key) ?? "<unset>")
            },
            ToolDefinition(
                name: "faulty_service", title: "Calls a host service", description: "Returns a host service's answer.",
                inputSchema: #"{"type":"object","properties":{"service":{"type":"string"},"request":{"type":"object"}},"required":["service"]}"#,
                arguments: ServiceArguments.self
            ) { arguments, call in
                let answer = try call.service(arguments.service, arguments.request ?? .object([:]))
                return ToolResult(content: [.object(["type": .string("text"), "text": .string(answer.text)])], structuredContent: answer)
            },
            ToolDefinition(
                name: "faulty_crash", title: "Crashes", description: "Calls abort(): only for an isolated plugin.",
                inputSchema: #"{"type":"object"}"#, arguments: NoArguments.self
            ) { _, _ in
                abort()
            },
            ToolDefinition(
                name: "faulty_hog", title: "Allocates without end", description: "Allocates and touches memory until stopped: only for an isolated plugin.",
                inputSchema: #"{"type":"object"}"#, arguments: NoArguments.self
            ) { _, _ in
                while true {
                    // Touched, so the pages are resident: what a real leak looks like to the host.
                    let block = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
                    block.initializeMemory(as: UInt8.self, repeating: 0xA5, count: 1 << 20)
                    Hoard.keep(block)
                    usleep(1_000)
                }
            },
            ToolDefinition(
                name: "faulty_hang", title: "Never returns", description: "Sleeps forever, ignoring cancellation: only for an isolated plugin.",
                inputSchema: #"{"type":"object"}"#, arguments: NoArguments.self
            ) { _, _ in
                while true { sleep(1) }
            },
        ]
    }
}

/// Where faulty_hog leaves its blocks, so no optimizer can prove them unused.
enum Hoard {
    nonisolated(unsafe) static var blocks: [UnsafeMutableRawPointer] = []
    static let lock = NSLock()
    static func keep(_ block: UnsafeMutableRawPointer) {
        lock.lock()
        blocks.append(block)
        lock.unlock()
    }
}

struct EntryRefused: Error, CustomStringConvertible {
    var description: String { "settings asked the entry to fail (failEntry: true)" }
}

@_cdecl("cdxmcp_plugin_entry_v1")
public func faultyPluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                              descriptor: DescriptorSlot) -> Int32 {
    PluginExport.start(host, plugin, settings, settingsLength, descriptor) { environment, settings in
        if settings["failEntry"] == .bool(true) { throw EntryRefused() }
        return FaultyPlugin(environment: environment)
    }
}
