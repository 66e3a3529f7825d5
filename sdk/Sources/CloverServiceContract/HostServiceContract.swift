/// One host service as plugins and the host both see it: its name, the plugins.json grant it needs,
/// and the types of its request and answer. Both sides code against these types, and docs/SERVICES.md
/// is generated from them (`ServiceReference`), so there is one description of each service.
public protocol HostServiceContract {
    associatedtype Request: Codable & Sendable
    associatedtype Answer: Codable & Sendable
    /// The name a plugin calls it by, e.g. "logs.search".
    static var name: String { get }
    /// The plugins.json grant a plugin needs, e.g. "logs.read".
    static var grant: String { get }
    /// What the service does, for the reference.
    static var summary: String { get }
    /// A request and an answer with every field set, for the reference.
    static var exampleRequest: Request { get }
    static var exampleAnswer: Answer { get }
    /// What a field means, by its JSON path ("entries[].time"), for every field of the example request
    /// and of the example answer (a test checks that none is missing and none is left over).
    static var requestNotes: [(field: String, note: String)] { get }
    static var answerNotes: [(field: String, note: String)] { get }
}

/// A request without fields.
public struct NoFields: Codable, Sendable, Equatable {
    public init() {}
}

/// The host services' contracts (`HostServices.LogsSearch`, …), and all of them in the order the
/// reference lists them. One namespace, so that a module can import it without the message types.
public enum HostServices {
    public static let all: [any HostServiceContract.Type] = [
        InstallationInfo.self, HostInfo.self, ConfigEffective.self,
        LogsList.self, LogsSearch.self, LogsTail.self, LogsWindow.self, LogsTable.self,
        SQLQuery.self, SQLSchema.self, HTTPRequest.self,
        SandboxesList.self, SandboxFiles.self, SandboxRead.self,
        SupportReport.self, SupportStatus.self, SupportPackage.self,
    ]
}
