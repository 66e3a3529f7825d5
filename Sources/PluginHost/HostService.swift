import MCPProtocol
import Synchronization

/// A service the host offers plugins through `call_service` (the header lists them). Plugins reach
/// CloverDX data only this way, and only with the grant in plugins.json that the service names.
public protocol HostService: Sendable {
    /// The name plugins call it by, e.g. "logs.search".
    var name: String { get }
    /// The plugins.json grant a plugin needs, e.g. "logs.read".
    var grant: String { get }
    /// Serves one request. Runs on the plugin-call thread that asked (its task prefers that thread as
    /// executor), so it may block and take long (poll `context.isCancelled`).
    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue
    /// Whether a call may take much memory or CPU (SQL, log scans): such calls pass the
    /// directory's ``HeavyCallGate``. False unless a service says so.
    var isHeavy: Bool { get }
}

extension HostService {
    public var isHeavy: Bool { false }
}

/// What a service knows about the call it serves.
public struct ServiceContext: Sendable {
    public let pluginID: String
    /// The MCP request behind the plugin call, for progress; nil for calls outside MCP (tests, CLI).
    public let request: MCPRequestContext?
    public var isCancelled: Bool { request?.cancellation.isCancelled ?? false }

    public init(pluginID: String, request: MCPRequestContext?) {
        self.pluginID = pluginID
        self.request = request
    }
}

/// A service refusing a request; the plugin gets the status and the message as `{"error": ...}`.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case invalidArguments, notFound, failed
    }

    public let kind: Kind
    public let message: String
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// The services this host offers, by name.
public struct HostServiceDirectory: Sendable {
    private let services: [String: any HostService]
    /// Bounds the heavy calls of every plugin together.
    public let heavyCalls: HeavyCallGate

    public init(_ services: [any HostService] = [], heavyCalls: HeavyCallGate = HeavyCallGate()) {
        self.services = Dictionary(services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.heavyCalls = heavyCalls
    }

    public subscript(name: String) -> (any HostService)? { services[name] }
    public var names: [String] { services.keys.sorted() }
}
