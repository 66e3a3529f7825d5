import Foundation
import MCPProtocol

/// One entry of plugins.json: which library, whether it is active, its settings.
public struct PluginEntry: Sendable, Equatable {
    public var id: String
    /// A library name (`ServerLogsPlugin` → `libServerLogsPlugin.so`), searched next to plugins.json and the binary.
    public var library: String?
    /// An explicit path, relative to plugins.json's folder when not absolute.
    public var path: String?
    public var enabled: Bool
    /// Handed to the plugin's entry as JSON.
    public var settings: JSONValue
    /// If set, the library file must have this SHA-256 (hex) or it is not loaded.
    public var sha256: String?
    /// Host services this plugin may use (checked by the host services of later ABI additions).
    public var grants: [String]
    /// Overrides the host's per-call timeout for this plugin.
    public var timeoutMilliseconds: Int?
    /// OAuth scopes a caller must hold to see and call this plugin's tools, resources and prompts.
    public var scopes: [String]
    /// Where the plugin's code runs: in the host's process (the default) or in a worker process of its own.
    public var isolation: PluginIsolation
    /// With process isolation: the most memory the worker may use, in MiB (setrlimit and the host's watch).
    public var memoryLimitMB: Int?

    public init(id: String, library: String? = nil, path: String? = nil, enabled: Bool = true, settings: JSONValue = .emptyObject,
                sha256: String? = nil, grants: [String] = [], timeoutMilliseconds: Int? = nil, scopes: [String] = [],
                isolation: PluginIsolation = .inProcess, memoryLimitMB: Int? = nil) {
        self.id = id
        self.library = library
        self.path = path
        self.enabled = enabled
        self.settings = settings
        self.sha256 = sha256
        self.grants = grants
        self.timeoutMilliseconds = timeoutMilliseconds
        self.scopes = scopes
        self.isolation = isolation
        self.memoryLimitMB = memoryLimitMB
    }
}

/// plugins.json's `"isolation"`: whether a plugin's native code shares the host's process.
public enum PluginIsolation: String, Sendable, Equatable {
    /// Loaded into the host: the fastest calls, but a crash in the plugin ends the host.
    case inProcess = "inprocess"
    /// Loaded by a `cloverdx-mcp plugin-worker` child: a crash, hang or runaway allocation ends only
    /// the worker, which the host restarts; each call costs a round trip over a socket.
    case process
}

/// plugins.json: the active plugin set.
public struct PluginManifest: Sendable, Equatable {
    public var plugins: [PluginEntry]
    /// The file it came from; relative library paths are resolved against its folder.
    public var fileURL: URL?

    public init(plugins: [PluginEntry], fileURL: URL? = nil) {
        self.plugins = plugins
        self.fileURL = fileURL
    }

    /// Why a plugins.json cannot be used; the message names the entry and the field.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Reads and checks plugins.json.
    public static func load(from url: URL) throws -> PluginManifest {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw Invalid(description: "cannot read \(url.path): \(error.localizedDescription)")
        }
        var manifest = try parse(data, source: url.path)
        manifest.fileURL = url
        return manifest
    }

    public static func parse(_ data: Data, source: String = "plugins.json") throws -> PluginManifest {
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw Invalid(description: "\(source) is not valid JSON: \(error)")
        }
        guard let list = json["plugins"]?.arrayValue else {
            throw Invalid(description: "\(source) must be an object with a \"plugins\" array")
        }
        var entries: [PluginEntry] = []
        var seen = Set<String>()
        for (index, item) in list.enumerated() {
            let entry = try parseEntry(item, index: index, source: source)
            guard seen.insert(entry.id).inserted else {
                throw Invalid(description: "\(source): plugin id \"\(entry.id)\" appears twice")
            }
            entries.append(entry)
        }
        return PluginManifest(plugins: entries)
    }

    private static func parseEntry(_ item: JSONValue, index: Int, source: String) throws -> PluginEntry {
        let at = "\(source): plugins[\(index)]"
        guard let members = item.objectValue else { throw Invalid(description: "\(at) must be an object") }
        let known: Set<String> = ["id", "library", "path", "enabled", "settings", "sha256", "grants", "timeoutMs", "description", "scopes", "isolation", "memoryLimitMB"]
        if let unknown = members.keys.first(where: { !known.contains($0) }) {
            throw Invalid(description: "\(at): unknown field \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let id = members["id"]?.stringValue, isValidID(id) else {
            throw Invalid(description: "\(at): \"id\" must be 1-64 characters of a-z, 0-9, '.', '_' or '-'")
        }
        let at2 = "\(source): plugin \"\(id)\""
        let library = members["library"]?.stringValue
        let path = members["path"]?.stringValue
        guard (library == nil) != (path == nil) else {
            throw Invalid(description: "\(at2): give exactly one of \"library\" (a name such as ServerLogsPlugin) or \"path\" (a .so file)")
        }
        if let library, library.contains("/") || library.isEmpty {
            throw Invalid(description: "\(at2): \"library\" is a name without '/'; use \"path\" for a file")
        }
        var enabled = true
        if let value = members["enabled"] {
            guard let flag = value.boolValue else { throw Invalid(description: "\(at2): \"enabled\" must be true or false") }
            enabled = flag
        }
        let settings = members["settings"] ?? .emptyObject
        guard settings.objectValue != nil else { throw Invalid(description: "\(at2): \"settings\" must be an object") }
        var sha256: String?
        if let value = members["sha256"] {
            guard let hex = value.stringValue?.lowercased(), hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                throw Invalid(description: "\(at2): \"sha256\" must be 64 hex digits")
            }
            sha256 = hex
        }
        var grants: [String] = []
        if let value = members["grants"] {
            guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count else {
                throw Invalid(description: "\(at2): \"grants\" must be an array of strings")
            }
            grants = list
        }
        var scopes: [String] = []
        if let value = members["scopes"] {
            // RFC 6749 scope tokens: printable ASCII without space, quote or backslash.
            guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count,
                  list.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" } }) else {
                throw Invalid(description: "\(at2): \"scopes\" must be an array of OAuth scope names such as \"cloverdx.logs\"")
            }
            scopes = list
        }
        var timeout: Int?
        if let value = members["timeoutMs"] {
            guard let ms = value.intValue, ms > 0 else { throw Invalid(description: "\(at2): \"timeoutMs\" must be a positive integer") }
            timeout = Int(ms)
        }
        var isolation = PluginIsolation.inProcess
        if let value = members["isolation"] {
            guard let name = value.stringValue, let mode = PluginIsolation(rawValue: name) else {
                throw Invalid(description: "\(at2): \"isolation\" must be \"inprocess\" or \"process\"")
            }
            isolation = mode
        }
        var memoryLimit: Int?
        if let value = members["memoryLimitMB"] {
            guard let mb = value.intValue, (16...1_048_576).contains(mb) else {
                throw Invalid(description: "\(at2): \"memoryLimitMB\" must be a whole number of MiB from 16 to 1048576")
            }
            guard isolation == .process else {
                throw Invalid(description: "\(at2): \"memoryLimitMB\" limits a worker process; it needs \"isolation\": \"process\"")
            }
            memoryLimit = Int(mb)
        }
        return PluginEntry(id: id, library: library, path: path, enabled: enabled, settings: settings,
                           sha256: sha256, grants: grants, timeoutMilliseconds: timeout, scopes: scopes,
                           isolation: isolation, memoryLimitMB: memoryLimit)
    }

    static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.count) && id.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || "._-".contains($0) }
    }

    /// Sets `enabled` of one plugin in the file at `url`, keeping everything else as written.
    /// The file is replaced atomically, so a watching server never reads half of it.
    public static func setEnabled(_ enabled: Bool, pluginID: String, in url: URL) throws {
        let data = try Data(contentsOf: url)
        _ = try parse(data, source: url.path)
        guard case .object(var root) = try JSONValue.parse(data), var list = root["plugins"]?.arrayValue else {
            throw Invalid(description: "\(url.path) must be an object with a \"plugins\" array")
        }
        guard let index = list.firstIndex(where: { $0["id"]?.stringValue == pluginID }) else {
            let ids = list.compactMap { $0["id"]?.stringValue }.joined(separator: ", ")
            throw Invalid(description: "no plugin \"\(pluginID)\" in \(url.path) (plugins: \(ids))")
        }
        list[index]["enabled"] = .bool(enabled)
        root["plugins"] = .array(list)
        let text = PrettyJSON.render(.object(root)) + "\n"
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}

/// Indented JSON for files people edit.
enum PrettyJSON {
    static func render(_ value: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .array(let items) where !items.isEmpty:
            if items.allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }) {
                return "[" + items.map(\.jsonText).joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + render($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members) where !members.isEmpty:
            let lines = members.map { key, member in inner + JSONValue.string(key).jsonText + ": " + render(member, indent: inner) }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        default:
            return value.jsonText
        }
    }
}
