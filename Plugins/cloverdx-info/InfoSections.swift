import CloverPluginSupport
import PluginKit

/// The parts of `cloverdx_info`, each read on its own so one that fails leaves the others standing.
enum InfoSection: String, CaseIterable, Sendable {
    case license, sandboxes, schedules, eventListeners, dataServices, users

    /// Rows one section lists at most; more is unusual for a CloverDX server and is flagged.
    static let rowLimit = 1_000

    func read(into info: inout CloverDXInfo, call: CallContext) {
        do {
            switch self {
            case .license:
                info.unavailable.append(Unavailable(section: rawValue, reason: Self.licenseReason))
            case .sandboxes:
                info.sandboxes = try Self.sandboxes(call)
            case .schedules:
                info.schedules = try Self.triggeredJobs(table: "schedule", trigger: "t.cron_expression", owner: "t.owner",
                                                        notes: &info.notes, call: call)
            case .eventListeners:
                info.eventListeners = try Self.triggeredJobs(table: "event_listener", trigger: "t.event_type || ' ' || t.event_source",
                                                             owner: "NULL", notes: &info.notes, call: call)
            case .dataServices:
                info.dataServices = try Self.triggeredJobs(table: "data_service_endpoint", trigger: "t.http_method || ' ' || t.url_path",
                                                           owner: "NULL", notes: &info.notes, call: call)
            case .users:
                info.users = try Self.users(notes: &info.notes, call: call)
            }
        } catch {
            info.unavailable.append(Unavailable(section: rawValue, reason: "\(error)"))
        }
    }

    static let licenseReason = "the sidecar has no source for license data: CloverDX keeps its license in the server "
        + "(Server Console > Configuration > License), and no host service reads it; check the license there"

    private static func sandboxes(_ call: CallContext) throws -> SandboxesInfo {
        let answer = try call.answer(of: HostServices.SandboxesList.self, NoFields())
        let sandboxes = answer.sandboxes.map { item in
            SandboxSummary(code: item.code, name: item.name, type: item.type, owner: item.owner, suspended: item.suspended,
                           rootPath: item.rootPath, exists: item.exists)
        }
        return SandboxesInfo(source: answer.source, sandboxes: sandboxes, warning: answer.warning)
    }

    /// Schedules, event listeners and data service endpoints share their columns; `trigger` and
    /// `owner` are SQL expressions for the columns that differ.
    private static func triggeredJobs(table: String, trigger: String, owner: String, notes: inout [String],
                                      call: CallContext) throws -> [TriggeredJob] {
        let sql = """
            SELECT t.id, t.name, t.sandbox_code, t.job_file, t.enabled, \(trigger) AS trigger_text, \(owner) AS owner,
                   t.last_run_id, r.status AS last_status, r.stop_time AS last_stop
            FROM \(table) t LEFT JOIN run_record r ON r.id = t.last_run_id
            ORDER BY t.id
            """
        let result = try SQLRows.query(sql, maxRows: rowLimit, call: call)
        if result.truncated { notes.append("\(table): only the first \(result.rows.count) rows; query \(table) with the system-db tools for the rest") }
        return result.rows.map { row in
            TriggeredJob(id: row.int("id"), name: row.string("name") ?? "", sandbox: row.string("sandbox_code"), jobFile: row.string("job_file"),
                         enabled: flag(row, "enabled"), trigger: row.string("trigger_text"), owner: row.string("owner"),
                         lastRunId: row.int("last_run_id"), lastRunStatus: row.string("last_status"), lastRunStopTime: row.string("last_stop"))
        }
    }

    /// Users and groups: names, domains, state and memberships. E-mail addresses and anything
    /// secret are never selected.
    private static func users(notes: inout [String], call: CallContext) throws -> UsersInfo {
        let users = try SQLRows.query("SELECT username, full_name, domain, disabled, last_login FROM clover_user ORDER BY username",
                                      maxRows: rowLimit, call: call)
        let groups = try SQLRows.query("SELECT group_code, name, description FROM user_group ORDER BY group_code", maxRows: rowLimit, call: call)
        let members = try SQLRows.query("SELECT username, group_code FROM user_group_member ORDER BY username, group_code",
                                        maxRows: 10_000, call: call)
        var groupsOf: [String: [String]] = [:]
        var counts: [String: Int] = [:]
        for row in members.rows {
            guard let user = row.string("username"), let group = row.string("group_code") else { continue }
            groupsOf[user, default: []].append(group)
            counts[group, default: 0] += 1
        }
        if users.truncated || groups.truncated || members.truncated {
            notes.append("users: the lists stop at \(rowLimit) users or groups; query clover_user with the system-db tools for the rest")
        }
        return UsersInfo(
            users: users.rows.map { row in
                let name = row.string("username") ?? ""
                return UserSummary(username: name, fullName: row.string("full_name"), domain: row.string("domain"),
                                   disabled: flag(row, "disabled"), lastLogin: row.string("last_login"), groups: groupsOf[name] ?? [])
            },
            groups: groups.rows.map { row in
                let code = row.string("group_code") ?? ""
                return GroupSummary(code: code, name: row.string("name"), description: row.string("description"), members: counts[code] ?? 0)
            })
    }

    /// A boolean column: SQLite stores 0/1, PostgreSQL may answer true/false.
    private static func flag(_ row: SQLRow, _ column: String) -> Bool? {
        row[column].boolValue ?? row.int(column).map { $0 != 0 }
    }
}
