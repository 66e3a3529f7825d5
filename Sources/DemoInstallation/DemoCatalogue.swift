/// What the demo server holds: sandboxes, jobs and their components, users, schedules, listeners
/// and data services. Static, the same for every seed; the seed decides what happens to them.
enum DemoCatalogue {}

/// What a component touches outside the engine; incidents strike through it.
enum ExternalResource: Sendable, Equatable {
    case none
    case fileRead(String)
    case fileWrite(String)
    case database(String)
    case http(String)
    case mail
}

struct ComponentSpec: Sendable {
    let id: String
    let name: String
    let type: String
    let phase: Int
    let resource: ExternalResource
    /// Share of the phase's CPU time.
    let cpuWeight: Double
    /// Extra XML attributes for the sandbox file.
    let attributes: [XMLAttribute]
}

struct XMLAttribute: Sendable {
    let name: String
    let value: String
}

enum EdgeVolume: Sendable {
    /// A share of the run's base record count.
    case share(Double)
    /// A fixed number of records (jobflow tokens, one HTTP response).
    case fixed(Int)
}

struct EdgeSpec: Sendable {
    let from: String
    let fromPort: Int
    let to: String
    let toPort: Int
    let volume: EdgeVolume
    let bytesPerRecord: Int
    let metadata: String
}

struct MetadataSpec: Sendable {
    let id: String
    let name: String
    let fields: [(name: String, type: String)]
}

enum JobKind: Sendable {
    case graph
    case jobflow

    var jobType: String { self == .graph ? "ETL_GRAPH" : "JOBFLOW" }
    var executionType: String { self == .graph ? "STANDALONE" : "JOBFLOW" }
}

/// One EXECUTE_GRAPH step of a jobflow.
struct JobflowStep: Sendable {
    let componentId: String
    let child: String
    /// Children launched by this step (more than one: a parallel fan-out over a list).
    let fanOut: Int
    /// Seconds between the launches of a fan-out.
    let launchSpacingMs: Int
    let timeoutMs: Int?
}

/// A random failure a job suffers now and then.
struct FailureRule: Sendable {
    let kind: FailureKind
    let component: String
    let probability: Double
}

enum FailureKind: Sendable, Equatable {
    case malformedRecord
    case fileNotFound
    case duplicateKey
    case httpUnavailable
    case connectionRefused
    case outOfMemory
    case tooManyOpenFiles
    case childFailed
    case aborted
    case timeout
}

struct JobSpec: Sendable {
    let sandbox: String
    let path: String
    let kind: JobKind
    let author: String
    let description: String
    let components: [ComponentSpec]
    let edges: [EdgeSpec]
    let metadata: [MetadataSpec]
    let phaseWeights: [Double]
    let records: ClosedRange<Int>
    let durationMs: ClosedRange<Int>
    let memoryMB: ClosedRange<Int>
    /// Graph parameters the job declares (name, default value).
    let parameters: [(name: String, value: String)]
    let failures: [FailureRule]
    let steps: [JobflowStep]

    var key: String { sandbox + "/" + path }
    var name: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.split(separator: ".").first.map(String.init) ?? file
    }
    var phaseCount: Int { phaseWeights.count }
    var usesDatabase: [String] {
        components.compactMap { if case .database(let name) = $0.resource { return name } else { return nil } }
    }
}

struct DemoUser: Sendable {
    let username: String
    let fullName: String
    let domain: String
    let email: String
    let groups: [String]
    let consoleIP: String?
    let designerIP: String?
    let disabled: Bool
    /// Logs in to the console on working days.
    let worksDaily: Bool
}

struct DemoSandbox: Sendable {
    let code: String
    let name: String
    let type: String
    let owner: String
}

struct DemoSchedule: Sendable {
    let id: Int
    let name: String
    let job: String
    let cron: String
    let owner: String
    let enabled: Bool
    let timing: ScheduleTiming
    let parameters: [(name: String, value: String)]
}

enum ScheduleTiming: Sendable {
    /// Every `minutes` from `offsetMinutes` past midnight, between `fromHour` and `toHour` (inclusive).
    case every(minutes: Int, offsetMinutes: Int, fromHour: Int, toHour: Int, weekdaysOnly: Bool)
    /// Once a day at a time.
    case daily(hour: Int, minute: Int)
    /// Once a week (0 = Sunday).
    case weekly(weekday: Int, hour: Int, minute: Int)
}

struct DemoEventListener: Sendable {
    let id: Int
    let name: String
    let eventType: String
    let source: String
    let job: String
    let enabled: Bool
    /// For job events: the job and status that fire the listener.
    let watchedJob: String?
    let watchedStatus: String?
}

struct DemoDataService: Sendable {
    let id: Int
    let name: String
    let job: String
    let urlPath: String
    let method: String
    let enabled: Bool
}

extension DemoCatalogue {
    static let version = "7.4.1"
    static let build = "7.4.1.12"
    static let nodeId = "node01"
    static let workerName = "worker0@node01:10500"
    static let workerMaxHeapMB = 4096
    static let coreMaxHeapMB = 2048
    static let fdLimit = 4096
    static let dwhDatabase = "DWH"
    static let crmDatabase = "CRM"
    static let dwhHost = "dwh-db.internal:5432"
    static let crmHost = "crm-db.internal:5432"

    static let sandboxes: [DemoSandbox] = [
        DemoSandbox(code: "dwh", name: "Data warehouse loads", type: "shared", owner: "jdoe"),
        DemoSandbox(code: "crm", name: "CRM integration", type: "shared", owner: "asmith"),
        DemoSandbox(code: "reporting", name: "Reporting", type: "shared", owner: "mnovak"),
    ]

    static let users: [DemoUser] = [
        DemoUser(username: "clover", fullName: "Built-in administrator", domain: "clover", email: "clover@example.com",
                 groups: ["admins"], consoleIP: nil, designerIP: nil, disabled: false, worksDaily: false),
        DemoUser(username: "admin", fullName: "Petra Dvorakova", domain: "clover", email: "petra.dvorakova@example.com",
                 groups: ["admins", "operators"], consoleIP: "10.1.2.10", designerIP: nil, disabled: false, worksDaily: true),
        DemoUser(username: "jdoe", fullName: "John Doe", domain: "clover", email: "john.doe@example.com",
                 groups: ["developers", "operators"], consoleIP: "10.1.2.3", designerIP: "10.1.2.50", disabled: false, worksDaily: true),
        DemoUser(username: "asmith", fullName: "Alice Smith", domain: "LDAP", email: "alice.smith@example.com",
                 groups: ["developers"], consoleIP: "10.1.2.7", designerIP: "10.1.2.51", disabled: false, worksDaily: true),
        DemoUser(username: "mnovak", fullName: "Martin Novak", domain: "LDAP", email: "martin.novak@example.com",
                 groups: ["analysts"], consoleIP: "10.1.3.15", designerIP: nil, disabled: false, worksDaily: true),
        DemoUser(username: "lhorak", fullName: "Lucie Horakova", domain: "LDAP", email: "lucie.horakova@example.com",
                 groups: ["analysts"], consoleIP: "10.1.3.22", designerIP: nil, disabled: false, worksDaily: true),
        DemoUser(username: "tbrown", fullName: "Tom Brown", domain: "SAML", email: "tom.brown@example.com",
                 groups: ["operators"], consoleIP: "10.1.2.40", designerIP: nil, disabled: false, worksDaily: true),
        DemoUser(username: "rkovac", fullName: "Radek Kovac", domain: "LDAP", email: "radek.kovac@example.com",
                 groups: ["developers"], consoleIP: nil, designerIP: nil, disabled: true, worksDaily: false),
        DemoUser(username: "scheduler", fullName: "Scheduled jobs", domain: "clover", email: "etl-ops@example.com",
                 groups: ["operators"], consoleIP: nil, designerIP: nil, disabled: false, worksDaily: false),
        DemoUser(username: "api", fullName: "Order portal integration", domain: "clover", email: "portal-team@example.com",
                 groups: ["api-clients"], consoleIP: "10.1.4.20", designerIP: nil, disabled: false, worksDaily: false),
        DemoUser(username: "monitoring", fullName: "Zabbix monitoring", domain: "clover", email: "ops@example.com",
                 groups: ["api-clients"], consoleIP: "10.1.5.8", designerIP: nil, disabled: false, worksDaily: false),
    ]

    static let groups: [(code: String, name: String, description: String)] = [
        ("admins", "Administrators", "Full access to the server"),
        ("developers", "Developers", "Edit and run jobs in development sandboxes"),
        ("operators", "Operators", "Run, abort and monitor jobs"),
        ("analysts", "Analysts", "Read reports, run reporting jobs"),
        ("api-clients", "API clients", "Technical accounts for REST and data services"),
    ]

    static func user(_ name: String) -> DemoUser {
        users.first { $0.username == name }!
    }

    static let loadBalancerIP = "10.1.0.5"
    static let attackerIP = "185.220.101.47"
    static let mcpClientIP = "10.1.2.3"
    static let dataServiceClients = ["10.1.6.11", "10.1.6.12"]

    static let schedules: [DemoSchedule] = [
        DemoSchedule(id: 1, name: "Orders every 15 minutes", job: "dwh/graph/LoadOrders.grf", cron: "0 0/15 * * * ?", owner: "scheduler",
                     enabled: true, timing: .every(minutes: 15, offsetMinutes: 0, fromHour: 0, toHour: 23, weekdaysOnly: false),
                     parameters: [("REGION", "ALL")]),
        DemoSchedule(id: 2, name: "CRM customer sync", job: "crm/jobflow/CustomerSync.jbf", cron: "0 5 * * * ?", owner: "scheduler",
                     enabled: true, timing: .every(minutes: 60, offsetMinutes: 5, fromHour: 0, toHour: 23, weekdaysOnly: false), parameters: []),
        DemoSchedule(id: 3, name: "KPI export every 5 minutes", job: "reporting/graph/ExportKPIs.grf", cron: "0 0/5 * * * ?", owner: "scheduler",
                     enabled: true, timing: .every(minutes: 5, offsetMinutes: 0, fromHour: 0, toHour: 23, weekdaysOnly: false), parameters: []),
        DemoSchedule(id: 4, name: "Nightly DWH load", job: "dwh/jobflow/NightlyLoad.jbf", cron: "0 0 2 * * ?", owner: "scheduler",
                     enabled: true, timing: .daily(hour: 2, minute: 0), parameters: []),
        DemoSchedule(id: 5, name: "Daily sales report", job: "reporting/graph/DailySalesReport.grf", cron: "0 30 6 * * ?", owner: "scheduler",
                     enabled: true, timing: .daily(hour: 6, minute: 30), parameters: []),
        DemoSchedule(id: 6, name: "Product feed (business hours)", job: "dwh/graph/LoadProducts.grf", cron: "0 0/30 7-19 ? * MON-FRI",
                     owner: "scheduler", enabled: true,
                     timing: .every(minutes: 30, offsetMinutes: 0, fromHour: 7, toHour: 19, weekdaysOnly: true), parameters: []),
        DemoSchedule(id: 7, name: "Weekly staging purge", job: "dwh/graph/PurgeStaging.grf", cron: "0 0 3 ? * SUN", owner: "scheduler",
                     enabled: true, timing: .weekly(weekday: 0, hour: 3, minute: 0), parameters: []),
        DemoSchedule(id: 8, name: "Legacy CRM export", job: "crm/graph/LegacyExport.grf", cron: "0 0 4 * * ?", owner: "scheduler",
                     enabled: false, timing: .daily(hour: 4, minute: 0), parameters: []),
    ]

    /// The `.large` installation loads orders per region, each every five minutes.
    static let largeRegions = ["EU-WEST", "EU-CENTRAL", "EU-NORTH", "UK", "US-EAST", "US-WEST", "US-CENTRAL", "CANADA",
                               "LATAM", "APAC-JP", "APAC-AU", "APAC-SG"]

    static let eventListeners: [DemoEventListener] = [
        DemoEventListener(id: 1, name: "New lead files", eventType: "FILE", source: "crm/data-in/leads/leads_*.csv",
                          job: "crm/graph/ImportLeads.grf", enabled: true, watchedJob: nil, watchedStatus: nil),
        DemoEventListener(id: 2, name: "Alert when the nightly load fails", eventType: "JOB", source: "dwh/jobflow/NightlyLoad.jbf",
                          job: "dwh/graph/SendAlert.grf", enabled: true, watchedJob: "dwh/jobflow/NightlyLoad.jbf", watchedStatus: "ERROR"),
        DemoEventListener(id: 3, name: "Report after month-end backfill", eventType: "JOB", source: "dwh/jobflow/MonthEndBackfill.jbf",
                          job: "reporting/graph/DailySalesReport.grf", enabled: true, watchedJob: "dwh/jobflow/MonthEndBackfill.jbf",
                          watchedStatus: "FINISHED_OK"),
    ]

    static let dataServices: [DemoDataService] = [
        DemoDataService(id: 1, name: "Orders by date", job: "reporting/data-service/Orders.rjob", urlPath: "/clover/data-service/orders/v1",
                        method: "GET", enabled: true),
        DemoDataService(id: 2, name: "Customer lookup", job: "crm/data-service/CustomerLookup.rjob",
                        urlPath: "/clover/data-service/customers/v1", method: "GET", enabled: true),
        DemoDataService(id: 3, name: "Lead intake (deprecated)", job: "crm/data-service/LeadIntake.rjob", urlPath: "/clover/data-service/leads/v1",
                        method: "POST", enabled: false),
    ]

    /// The engine's class behind a component type, for stack traces.
    static func javaClass(ofType type: String) -> String {
        switch type {
        case "FLAT_FILE_READER": return "org.jetel.component.DataReader"
        case "FLAT_FILE_WRITER": return "org.jetel.component.DataWriter"
        case "DB_INPUT_TABLE": return "org.jetel.component.DBInputTable"
        case "DB_OUTPUT_TABLE": return "org.jetel.component.DBOutputTable"
        case "DB_EXECUTE": return "org.jetel.component.DBExecute"
        case "HTTP_CONNECTOR": return "org.jetel.component.HttpConnector"
        case "JSON_EXTRACT": return "org.jetel.component.JsonExtract"
        case "JSON_WRITER": return "org.jetel.component.JsonWriter"
        case "SPREADSHEET_WRITER": return "org.jetel.component.SpreadsheetWriter"
        case "AGGREGATE": return "org.jetel.component.Aggregate"
        case "EXT_SORT": return "org.jetel.component.ExtSort"
        case "EXT_HASH_JOIN": return "org.jetel.component.HashJoin"
        case "DEDUP": return "org.jetel.component.Dedup"
        case "VALIDATOR": return "com.cloveretl.component.validator.Validator"
        case "EMAIL_SENDER": return "org.jetel.component.EmailSender"
        case "EXECUTE_GRAPH": return "com.cloveretl.server.component.ExecuteGraph"
        default: return "org.jetel.component.Reformat"
        }
    }
}
