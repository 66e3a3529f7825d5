/// The host services by family, typed: `call.logs.search(HostServices.LogsSearch.Request(log: "all", levels: ["ERROR"]))`.
/// Each method is `CallContext.call(_:_:)` with the service's contract type; docs/SERVICES.md has the fields.
extension CallContext {
    public var installation: InstallationServiceClient { InstallationServiceClient(call: self) }
    public var logs: LogServiceClient { LogServiceClient(call: self) }
    public var sql: SQLServiceClient { SQLServiceClient(call: self) }
    public var http: HTTPServiceClient { HTTPServiceClient(call: self) }
    public var sandboxes: SandboxServiceClient { SandboxServiceClient(call: self) }
    public var support: SupportServiceClient { SupportServiceClient(call: self) }
}

/// installation.info, host.info, config.effective.
public struct InstallationServiceClient: Sendable {
    let call: CallContext
    public func info() throws -> HostServices.InstallationInfo.Answer { try call.call(HostServices.InstallationInfo.self, NoFields()) }
    public func hostInfo() throws -> HostServices.HostInfo.Answer { try call.call(HostServices.HostInfo.self, NoFields()) }
    public func configuration(prefix: String? = nil) throws -> HostServices.ConfigEffective.Answer {
        try call.call(HostServices.ConfigEffective.self, .init(prefix: prefix))
    }
}

/// logs.list, logs.search, logs.tail, logs.window, logs.table.
public struct LogServiceClient: Sendable {
    let call: CallContext
    public func list() throws -> HostServices.LogsList.Answer { try call.call(HostServices.LogsList.self, NoFields()) }
    public func search(_ request: HostServices.LogsSearch.Request) throws -> LogPage { try call.call(HostServices.LogsSearch.self, request) }
    public func tail(_ request: HostServices.LogsTail.Request) throws -> LogPage { try call.call(HostServices.LogsTail.self, request) }
    public func window(_ request: HostServices.LogsWindow.Request) throws -> LogPage { try call.call(HostServices.LogsWindow.self, request) }
    public func table(_ request: HostServices.LogsTable.Request) throws -> HostServices.LogsTable.Answer { try call.call(HostServices.LogsTable.self, request) }
}

/// sql.query, sql.schema.
public struct SQLServiceClient: Sendable {
    let call: CallContext
    public func query(_ request: HostServices.SQLQuery.Request) throws -> HostServices.SQLQuery.Answer { try call.call(HostServices.SQLQuery.self, request) }
    public func schema(tablePattern: String? = nil) throws -> HostServices.SQLSchema.Answer { try call.call(HostServices.SQLSchema.self, .init(tablePattern: tablePattern)) }
}

/// http.request.
public struct HTTPServiceClient: Sendable {
    let call: CallContext
    public func request(_ request: HostServices.HTTPRequest.Request) throws -> HostServices.HTTPRequest.Answer { try call.call(HostServices.HTTPRequest.self, request) }
}

/// sandboxes.list, sandbox.files, sandbox.read.
public struct SandboxServiceClient: Sendable {
    let call: CallContext
    public func list() throws -> HostServices.SandboxesList.Answer { try call.call(HostServices.SandboxesList.self, NoFields()) }
    public func files(_ request: HostServices.SandboxFiles.Request) throws -> HostServices.SandboxFiles.Answer { try call.call(HostServices.SandboxFiles.self, request) }
    public func read(_ request: HostServices.SandboxRead.Request) throws -> HostServices.SandboxRead.Answer { try call.call(HostServices.SandboxRead.self, request) }
}

/// support.report, support.status, support.package.
public struct SupportServiceClient: Sendable {
    let call: CallContext
    public func report(_ request: HostServices.SupportReport.Request) throws -> HostServices.SupportReport.Answer { try call.call(HostServices.SupportReport.self, request) }
    public func status(_ request: HostServices.SupportStatus.Request) throws -> HostServices.SupportStatus.Answer { try call.call(HostServices.SupportStatus.self, request) }
    public func package(_ request: HostServices.SupportPackage.Request) throws -> HostServices.SupportPackage.Answer { try call.call(HostServices.SupportPackage.self, request) }
}
