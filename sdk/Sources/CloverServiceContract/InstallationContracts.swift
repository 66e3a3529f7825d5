extension HostServices {
    /// "installation.info": where the installation keeps things, without secrets.
    public enum InstallationInfo: HostServiceContract {
        public static let name = "installation.info"
        public static let grant = "installation.read"
        public static let summary = "Where the CloverDX installation keeps its logs, sandboxes and database, and the zone of its local times."

        public struct Answer: Codable, Sendable, Equatable {
            public struct SystemDatabase: Codable, Sendable, Equatable { public let engine: String }
            public struct TimeZone: Codable, Sendable, Equatable {
                public let id: String
                public let utcOffsetSeconds: Int
            }
            public struct SupportPortal: Codable, Sendable, Equatable {
                public let configured: Bool
                public let rateLimitMs: Int
            }
            public let nodeId: String
            public let home: String?
            public let serverLogs: String?
            public let tomcatLogs: String?
            public let jobLogs: String?
            public let sandboxes: String?
            public let systemDatabase: SystemDatabase?
            public let restAPI: String?
            public let timeZone: TimeZone
            /// Nil from a host that predates support reports.
            public let supportPortal: SupportPortal?
        }

        public static let exampleRequest = NoFields()
        public static let exampleAnswer = Answer(
            nodeId: "node01", home: "/opt/cloverdx", serverLogs: "/opt/cloverdx/cloverlogs", tomcatLogs: "/opt/cloverdx/tomcat/logs",
            jobLogs: "/opt/cloverdx/cloverdata/joblogs", sandboxes: "/opt/cloverdx/sandboxes", systemDatabase: .init(engine: "postgresql"),
            restAPI: "http://localhost:8080/clover/", timeZone: .init(id: "Europe/Prague", utcOffsetSeconds: 3600),
            supportPortal: .init(configured: true, rateLimitMs: 60000))
        public static let requestNotes: [(field: String, note: String)] = []
        public static let answerNotes: [(field: String, note: String)] = [
            ("nodeId", "the cluster node the sidecar runs next to (cluster.node.id), node01 on a stand-alone server"),
            ("home", "the installation folder; null when unknown"),
            ("serverLogs", "the folder of all.log, worker.log and the other cloverlogs; null when absent"),
            ("tomcatLogs", "the folder of catalina.out and the access logs; null when absent"),
            ("jobLogs", "the folder of the job run logs; null when absent"),
            ("sandboxes", "the sandboxes' root folder; null when absent"),
            ("systemDatabase", "the system database, null when none is configured"),
            ("systemDatabase.engine", "sqlite or postgresql"),
            ("restAPI", "the base URL of CloverDX's REST API (http.request paths are relative to it); null when not configured"),
            ("timeZone", "the zone of the server's local times, in logs and in the database"),
            ("timeZone.id", "an IANA zone name"),
            ("timeZone.utcOffsetSeconds", "its offset from UTC now"),
            ("supportPortal", "whether support.report can deliver anywhere"),
            ("supportPortal.configured", "true when a portal URL or a mail address is set"),
            ("supportPortal.rateLimitMs", "the least time between two deliveries"),
        ]
    }
}

extension HostServices {
    /// "host.info": the sidecar itself.
    public enum HostInfo: HostServiceContract {
        public static let name = "host.info"
        public static let grant = "installation.read"
        public static let summary = "The cloverdx-mcp sidecar itself: version, process, uptime and the plugins it serves."

        public struct Answer: Codable, Sendable, Equatable {
            public struct Plugin: Codable, Sendable, Equatable {
                public let id: String
                public let version: String
                public let tools: Int
                public let resources: Int
                public let prompts: Int
            }
            public let name: String
            public let version: String
            public let pid: Int
            public let startedAt: String
            public let uptimeSeconds: Int
            public let plugins: [Plugin]
        }

        public static let exampleRequest = NoFields()
        public static let exampleAnswer = Answer(
            name: "cloverdx-mcp", version: "1.4.0", pid: 4242, startedAt: "2026-12-07T08:00:00Z", uptimeSeconds: 3600,
            plugins: [.init(id: "server-logs", version: "1.0.0", tools: 2, resources: 1, prompts: 1)])
        public static let requestNotes: [(field: String, note: String)] = []
        public static let answerNotes: [(field: String, note: String)] = [
            ("name", "always cloverdx-mcp"), ("version", "the sidecar's version"), ("pid", "its process id"),
            ("startedAt", "when it started, ISO 8601 UTC"), ("uptimeSeconds", "seconds since then"),
            ("plugins", "the plugins serving now"), ("plugins[].id", "the plugin's id in plugins.json"),
            ("plugins[].version", "the plugin's own version"), ("plugins[].tools", "how many tools it offers"),
            ("plugins[].resources", "how many resources and resource templates"), ("plugins[].prompts", "how many prompts"),
        ]
    }
}

extension HostServices {
    /// "config.effective": the configuration as the host resolved it, secrets masked.
    public enum ConfigEffective: HostServiceContract {
        public static let name = "config.effective"
        public static let grant = "config.read"
        public static let summary = "The configuration as the host resolved it (clover.properties, environment, flags), each key with where it came from; private keys' values are *****."

        public struct Request: Codable, Sendable, Equatable {
            public var prefix: String?
            public init(prefix: String? = nil) { self.prefix = prefix }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public struct Entry: Codable, Sendable, Equatable {
                public let key: String
                public let value: String
                public let source: String?
                public let masked: Bool?
            }
            public let entries: [Entry]
            public let privatePatterns: [String]
        }

        public static let exampleRequest = Request(prefix: "jdbc.")
        public static let exampleAnswer = Answer(
            entries: [.init(key: "jdbc.password", value: "*****", source: "clover.properties", masked: true)],
            privatePatterns: ["*password*", "*secret*"])
        public static let requestNotes: [(field: String, note: String)] = [
            ("prefix", "only keys that start with it; all keys when absent")
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("entries", "sorted by key"), ("entries[].key", "the property name"),
            ("entries[].value", "its value; ***** for private keys, URL credentials masked"),
            ("entries[].source", "where it came from: clover.properties, the environment, a flag"),
            ("entries[].masked", "true when the value is hidden (absent otherwise)"),
            ("privatePatterns", "the private.properties wildcards that decide which keys are private"),
        ]
    }
}
