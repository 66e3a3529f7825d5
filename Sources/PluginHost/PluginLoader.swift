import CloverMCPPluginABI
import Crypto
import Foundation
import Logging
import MCPProtocol

/// Why a plugin was not loaded; the message says what to do about it.
public struct PluginLoadError: Error, CustomStringConvertible, Sendable {
    public let pluginID: String
    public let reason: String
    public var description: String { "plugin \"\(pluginID)\" not loaded: \(reason)" }
}

/// A plugin whose entry accepted the host: what it offers, and how to reach it (its descriptor in this
/// process, or the worker process that holds it).
public final class LoadedPlugin: Sendable {
    public let id: String
    public let libraryPath: String
    public let offer: PluginOffer
    public let isolation: PluginIsolation
    /// The host's copy of the descriptor the plugin returned (`PluginLoader.copyDescriptor`), for a
    /// plugin in this process; never freed, like the library.
    nonisolated(unsafe) let descriptor: UnsafePointer<cdxmcp_plugin>?
    /// The worker process serving the plugin, when it is isolated.
    let worker: PluginWorkerClient?
    let handle: PluginBinding
    let serialLock = NSLock()

    init(id: String, libraryPath: String, offer: PluginOffer, descriptor: UnsafePointer<cdxmcp_plugin>?,
         worker: PluginWorkerClient?, handle: PluginBinding) {
        self.id = id
        self.libraryPath = libraryPath
        self.offer = offer
        self.isolation = worker == nil ? .inProcess : .process
        self.descriptor = descriptor
        self.worker = worker
        self.handle = handle
    }

    public var version: String { offer.version }
    /// The descriptor's one-line description (ABI 1.1), when the plugin gives one.
    public var summary: String? { offer.summary }
    public var tools: [JSONValue] { offer.tools }
    public var resources: [JSONValue] { offer.resources }
    public var resourceTemplates: [JSONValue] { offer.resourceTemplates }
    public var prompts: [JSONValue] { offer.prompts }
    public var isSerial: Bool { offer.isSerial }
    /// The struct_size the plugin's descriptor declared: which version of the header it was built against.
    public var descriptorSize: Int { offer.descriptorSize }
    public var toolNames: [String] { tools.compactMap { $0["name"]?.stringValue } }
    /// Ends the plugin's worker process for good, if it has one; calls still running fail with `reason`.
    public func stopWorker(because reason: String) {
        worker?.stop(because: reason)
    }

    /// How the plugin's worker has fared; nil for a plugin in this process.
    public var workerStatus: PluginWorkerStatus? { worker?.status }
}

/// Finds, checks and opens plugin libraries. Libraries stay loaded for the life of the process:
/// unloading Swift code crashes later, so "disable" only unregisters (docs/ARCHITECTURE.md, "Plugins").
public struct PluginLoader: Sendable {
    /// Folders searched for `library` names, in order (plugins.json's folder is tried first).
    public var searchDirectories: [URL]
    public var logger: Logger
    /// Configuration lookups plugins make through `config_get`.
    public var configuration: @Sendable (String) -> String?
    /// Services plugins may call, each behind a grant.
    public var services: HostServiceDirectory
    /// The `cloverdx-mcp` binary that runs isolated plugins (`plugin-worker`).
    public var workerExecutable: URL = PluginLoader.defaultWorkerExecutable
    /// Told when an isolated plugin's worker starts, crashes or restarts.
    public var onWorkerStatusChange: (@Sendable (String, PluginWorkerStatus) -> Void)?

    public init(searchDirectories: [URL], logger: Logger, configuration: @escaping @Sendable (String) -> String? = { _ in nil },
                services: HostServiceDirectory = HostServiceDirectory()) {
        self.searchDirectories = searchDirectories
        self.logger = logger
        self.configuration = configuration
        self.services = services
    }

    /// The ABI major version this host speaks (CDXMCP_ABI_VERSION).
    public static let abiVersion = Int(CDXMCP_ABI_VERSION)

    /// The folder of the running executable: where `swift build` puts the plugin libraries.
    public static var executableDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// This binary when it is `cloverdx-mcp`; otherwise (a test runner) the `cloverdx-mcp` built next to it.
    public static var defaultWorkerExecutable: URL {
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return running.lastPathComponent == "cloverdx-mcp" ? running : executableDirectory.appendingPathComponent("cloverdx-mcp")
    }

    static let libraryPrefix = "lib"
    #if os(macOS)
    static let librarySuffix = ".dylib"
    #else
    static let librarySuffix = ".so"
    #endif

    /// The library file an entry names.
    public func resolve(_ entry: PluginEntry, manifestDirectory: URL?) throws(PluginLoadError) -> URL {
        if let path = entry.path {
            let url = path.hasPrefix("/")
                ? URL(fileURLWithPath: path)
                : (manifestDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PluginLoadError(pluginID: entry.id, reason: "no file at \(url.path)")
            }
            return url.standardizedFileURL
        }
        let fileName = Self.libraryPrefix + (entry.library ?? "") + Self.librarySuffix
        let folders = (manifestDirectory.map { [$0] } ?? []) + searchDirectories
        for folder in folders {
            let candidate = folder.appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.standardizedFileURL }
        }
        throw PluginLoadError(
            pluginID: entry.id,
            reason: "\(fileName) not found in \(folders.map(\.path).joined(separator: ", ")); build it (swift build) or give \"path\"")
    }

    /// Loads the library of `entry` and runs its entry point.
    public func load(_ entry: PluginEntry, manifestDirectory: URL?) throws(PluginLoadError) -> LoadedPlugin {
        let url = try resolve(entry, manifestDirectory: manifestDirectory)
        if let expected = entry.sha256 {
            let actual = try Self.sha256(of: url, pluginID: entry.id)
            guard actual == expected else {
                throw PluginLoadError(pluginID: entry.id, reason: "\(url.path) has SHA-256 \(actual), plugins.json expects \(expected); refusing to load a library that changed")
            }
        }
        guard entry.isolation == .process else { return try open(url, pluginID: entry.id, settings: entry.settings) }
        let handle = PluginBinding(pluginID: entry.id, logger: logger, configuration: configuration, services: services)
        let spec = PluginWorkerClient.Spec(pluginID: entry.id, library: url, settings: entry.settings, memoryLimitMB: entry.memoryLimitMB,
                                           executable: workerExecutable, logLevel: logger.logLevel,
                                           onStatusChange: onWorkerStatusChange)
        do {
            let (worker, offer) = try PluginWorkerClient.start(spec, binding: handle, logger: logger)
            return LoadedPlugin(id: entry.id, libraryPath: url.path, offer: offer, descriptor: nil, worker: worker, handle: handle)
        } catch {
            throw PluginLoadError(pluginID: entry.id, reason: "isolated in a worker process: \(error.description)")
        }
    }

    /// Opens a library and checks it against the ABI, without a plugins.json entry (`plugins verify`).
    public func open(_ url: URL, pluginID: String, settings: JSONValue = .emptyObject) throws(PluginLoadError) -> LoadedPlugin {
        func fail(_ reason: String) -> PluginLoadError { PluginLoadError(pluginID: pluginID, reason: reason) }

        guard let library = dlopen(url.path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw fail("dlopen failed: \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(library, CDXMCP_ENTRY_SYMBOL) else {
            if let other = (2...9).first(where: { dlsym(library, "cdxmcp_plugin_entry_v\($0)") != nil }) {
                throw fail("built for ABI \(other) (exports cdxmcp_plugin_entry_v\(other)), this host speaks ABI \(CDXMCP_ABI_VERSION): rebuild it against CloverMCPPluginABI \(CDXMCP_ABI_VERSION)")
            }
            throw fail("\(url.lastPathComponent) is not a cloverdx-mcp plugin: it exports no \(CDXMCP_ENTRY_SYMBOL)")
        }
        let entryPoint = unsafeBitCast(symbol, to: cdxmcp_plugin_entry_fn.self)
        let handle = PluginBinding(pluginID: pluginID, logger: logger, configuration: configuration, services: services)
        let settingsBytes = settings.serialized()
        var descriptorPointer: UnsafePointer<cdxmcp_plugin>?
        let status = settingsBytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                entryPoint(HostAPI.table, handle.retainedPointer(), chars.baseAddress, chars.count, &descriptorPointer)
            }
        }
        guard status == CDXMCP_OK else {
            let reason = handle.loadError.withLock { $0 } ?? handle.lastError.withLock { $0 } ?? "it gave no reason (set_load_error) and logged no error"
            throw fail("its entry point failed with status \(status): \(reason)")
        }
        guard let returned = descriptorPointer else { throw fail("its entry point returned no descriptor") }
        let descriptor = try Self.copyDescriptor(returned, fail: fail)
        let offer: PluginOffer
        do {
            offer = try PluginOffer(descriptor.pointee)
        } catch {
            throw fail(error.description)
        }
        if offer.declaredID != pluginID {
            logger.notice("plugin \"\(pluginID)\" calls itself \"\(offer.declaredID)\"; plugins.json's id is used")
        }
        return LoadedPlugin(id: pluginID, libraryPath: url.path, offer: offer, descriptor: descriptor, worker: nil, handle: handle)
    }

    /// Version 1's descriptor size: the least the host accepts (CDXMCP_PLUGIN_V1_SIZE).
    static let descriptorVersion1Size = MemoryLayout<cdxmcp_plugin>.offset(of: \.complete)! + MemoryLayout<UnsafeRawPointer?>.size

    /// The host's own copy of a plugin's descriptor: the `struct_size` bytes the plugin wrote, the rest
    /// zero (absent). Reading the plugin's struct as the current, larger type would read past the end of
    /// an older plugin's; fields beyond what this host knows are simply not copied.
    static func copyDescriptor(_ returned: UnsafePointer<cdxmcp_plugin>,
                               fail: (String) -> PluginLoadError) throws(PluginLoadError) -> UnsafePointer<cdxmcp_plugin> {
        let declaredSize = Int(UnsafeRawPointer(returned).load(as: UInt32.self))
        guard declaredSize >= descriptorVersion1Size else {
            throw fail("its descriptor is \(declaredSize) bytes, smaller than ABI \(CDXMCP_ABI_VERSION)'s \(descriptorVersion1Size): set struct_size = sizeof(cdxmcp_plugin) and rebuild against the header")
        }
        // Zeroed byte by byte: a zero-initialized Swift value of the struct need not clear every byte.
        let size = MemoryLayout<cdxmcp_plugin>.size
        let copy = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<cdxmcp_plugin>.alignment)
        copy.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        copy.copyMemory(from: returned, byteCount: min(declaredSize, size))
        return UnsafePointer(copy.assumingMemoryBound(to: cdxmcp_plugin.self))
    }

    /// SHA-256 of a file, lowercase hex.
    public static func sha256(of url: URL, pluginID: String) throws(PluginLoadError) -> String {
        guard let data = try? Data(contentsOf: url) else {
            throw PluginLoadError(pluginID: pluginID, reason: "cannot read \(url.path)")
        }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Checks a plugin's tool list against the MCP rules before any client sees it.
enum ToolDefinitionCheck {
    /// What is wrong with the list, or nil when it is fine.
    static func problem(tools: [JSONValue], callable: Bool) -> String? {
        if !tools.isEmpty && !callable { return "it lists tools but has no call_tool entry point" }
        var names = Set<String>()
        for tool in tools {
            guard let name = tool["name"]?.stringValue else { return "a tool has no \"name\"" }
            guard isValidToolName(name) else {
                return "tool name \"\(name)\" breaks MCP's rule: 1-128 characters of A-Z a-z 0-9 _ - ."
            }
            guard names.insert(name).inserted else { return "it lists tool \"\(name)\" twice" }
            guard tool["inputSchema"]?["type"]?.stringValue == "object" else {
                return "tool \"\(name)\" needs an \"inputSchema\" whose type is \"object\""
            }
        }
        return nil
    }

    static func isValidToolName(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
    }
}
