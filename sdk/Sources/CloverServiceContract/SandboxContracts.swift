extension HostServices {
    /// "sandboxes.list": the sandboxes, from the system database or the sandboxes folder.
    public enum SandboxesList: HostServiceContract {
        public static let name = "sandboxes.list"
        public static let grant = "sandboxes.read"
        public static let summary = "The installation's sandboxes: from the system database when there is one, else the folders under the sandboxes root."

        public struct Answer: Codable, Sendable, Equatable {
            public struct Sandbox: Codable, Sendable, Equatable {
                public let code: String
                public let name: String?
                public let rootPath: String
                public let type: String?
                public let owner: String?
                public let suspended: Bool?
                public let exists: Bool
            }
            public let source: String
            public let sandboxes: [Sandbox]
            public let warning: String?
        }

        public static let exampleRequest = NoFields()
        public static let exampleAnswer = Answer(source: "database", sandboxes: [
            .init(code: "dwh", name: "Data warehouse", rootPath: "/opt/cloverdx/sandboxes/dwh", type: "shared", owner: "clover", suspended: false, exists: true),
        ], warning: "the system database has no sandbox table; listed the folders instead")
        public static let requestNotes: [(field: String, note: String)] = []
        public static let answerNotes: [(field: String, note: String)] = [
            ("source", "database or folders"), ("sandboxes", "the sandboxes"), ("sandboxes[].code", "the code other services take as sandbox"),
            ("sandboxes[].name", "its display name; null from folders"), ("sandboxes[].rootPath", "its folder"),
            ("sandboxes[].type", "shared, local or partitioned; null from folders"), ("sandboxes[].owner", "its owner; null from folders"),
            ("sandboxes[].suspended", "whether it is suspended; null from folders"), ("sandboxes[].exists", "whether its folder exists"),
            ("warning", "why the list may be incomplete; absent when it is not"),
        ]
    }
}

extension HostServices {
    /// "sandbox.files": the files in a sandbox, paged.
    public enum SandboxFiles: HostServiceContract {
        public static let name = "sandbox.files"
        public static let grant = "sandboxes.read"
        public static let summary = "Files of one sandbox under a folder, optionally by wildcard, paged by offset. Paths are relative, never leave the sandbox (symlinks followed), and files hidden by clover.mcp.sandbox.allowedFiles/deniedFiles are not listed."

        public struct Request: Codable, Sendable, Equatable {
            public var sandbox: String
            public var path: String?
            public var pattern: String?
            public var limit: Int?
            public var offset: Int?
            public init(sandbox: String, path: String? = nil, pattern: String? = nil, limit: Int? = nil, offset: Int? = nil) {
                (self.sandbox, self.path, self.pattern, self.limit, self.offset) = (sandbox, path, pattern, limit, offset)
            }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public struct File: Codable, Sendable, Equatable {
                public let path: String
                public let bytes: Int
                public let modified: String
            }
            public let sandbox: String
            public let path: String
            public let files: [File]
            public let total: Int
            public let offset: Int
            public let truncated: Bool
            public let nextOffset: Int?
            public let scanLimited: Bool
        }

        public static let exampleRequest = Request(sandbox: "dwh", path: "graph", pattern: "*.grf", limit: 100, offset: 0)
        public static let exampleAnswer = Answer(sandbox: "dwh", path: "graph", files: [.init(path: "graph/LoadOrders.grf", bytes: 18_211, modified: "2026-12-01T10:15:00Z")],
                                                 total: 140, offset: 0, truncated: true, nextOffset: 100, scanLimited: false)
        public static let requestNotes: [(field: String, note: String)] = [
            ("sandbox", "a sandbox code from sandboxes.list"), ("path", "a folder inside it (relative; no .., not absolute); the root when absent"),
            ("pattern", "a wildcard on the file's path, e.g. *.grf"), ("limit", "files per page (500, at most 5000)"), ("offset", "files to skip"),
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("sandbox", "the sandbox code"), ("path", "the folder listed"), ("files", "the page's files, by path"),
            ("files[].path", "relative to the sandbox"), ("files[].bytes", "its size"), ("files[].modified", "its modification time, ISO 8601 UTC"),
            ("total", "files matching in all"), ("offset", "this page's offset"), ("truncated", "more files follow"),
            ("nextOffset", "the next page's offset; absent on the last page"), ("scanLimited", "the scan stopped at its file cap: narrow path or pattern"),
        ]
    }
}

extension HostServices {
    /// "sandbox.read": one file of a sandbox, secrets masked.
    public enum SandboxRead: HostServiceContract {
        public static let name = "sandbox.read"
        public static let grant = "sandboxes.read"
        public static let summary = "The text of one sandbox file, in chunks. Secret values (properties keys and XML attributes such as password=, by the private.properties rule) come back as *****."

        public struct Request: Codable, Sendable, Equatable {
            public var sandbox: String
            public var path: String
            public var maxBytes: Int?
            public var offset: Int?
            public init(sandbox: String, path: String, maxBytes: Int? = nil, offset: Int? = nil) {
                (self.sandbox, self.path, self.maxBytes, self.offset) = (sandbox, path, maxBytes, offset)
            }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public let sandbox: String
            public let path: String
            public let bytes: Int
            public let offset: Int
            public let binary: Bool
            public let text: String
            public let maskedSecrets: Int
            public let truncated: Bool
            public let nextOffset: Int?
        }

        public static let exampleRequest = Request(sandbox: "dwh", path: "workspace.prm", maxBytes: 65_536, offset: 0)
        public static let exampleAnswer = Answer(sandbox: "dwh", path: "workspace.prm", bytes: 90_000, offset: 0, binary: false,
                                                 text: "DB_USER=etl\nDB_PASSWORD=*****\n", maskedSecrets: 1, truncated: true, nextOffset: 65_536)
        public static let requestNotes: [(field: String, note: String)] = [
            ("sandbox", "a sandbox code"), ("path", "the file, relative to the sandbox"),
            ("maxBytes", "bytes per chunk (1 MiB, at most 16 MiB)"), ("offset", "where the chunk starts"),
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("sandbox", "the sandbox code"), ("path", "the file"), ("bytes", "the file's size"), ("offset", "where this chunk starts"),
            ("binary", "the file is not text; text is empty"), ("text", "the chunk, cut at a UTF-8 boundary, secrets masked"),
            ("maskedSecrets", "how many values were masked"), ("truncated", "more of the file follows"),
            ("nextOffset", "the next chunk's offset; absent at the end"),
        ]
    }
}
