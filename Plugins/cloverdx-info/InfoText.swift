import CloverPluginSupport

/// The text form of `cloverdx_info`: one short block per section, tables for the lists.
enum InfoText {
    static func render(_ info: CloverDXInfo) -> String {
        var blocks: [String] = []
        if let sandboxes = info.sandboxes {
            var block = "Sandboxes (\(sandboxes.sandboxes.count), from the \(sandboxes.source == "database" ? "system database" : "folders under sandboxes.home")):\n"
            block += TextTable.render(header: ["code", "name", "type", "owner", "suspended", "folder"], rows: sandboxes.sandboxes.map {
                [$0.code, $0.name ?? "", $0.type ?? "", $0.owner ?? "", $0.suspended.map { $0 ? "yes" : "no" } ?? "",
                 $0.exists ? $0.rootPath : "\($0.rootPath) (missing)"]
            })
            if let warning = sandboxes.warning { block += "\nNote: \(warning)" }
            blocks.append(block)
        }
        for (title, jobs) in [("Schedules", info.schedules), ("Event listeners", info.eventListeners), ("Data services", info.dataServices)] {
            guard let jobs else { continue }
            blocks.append("\(title) (\(jobs.count), \(jobs.filter { $0.enabled == true }.count) enabled):\n" + TextTable.render(
                header: ["id", "name", "enabled", "trigger", "job", "last run"],
                rows: jobs.map { job in
                    [job.id.map(String.init) ?? "", job.name, job.enabled.map { $0 ? "yes" : "no" } ?? "", job.trigger ?? "",
                     [job.sandbox, job.jobFile].compactMap { $0 }.joined(separator: ":"),
                     job.lastRunId.map { "\($0) \(job.lastRunStatus ?? "")" } ?? ""]
                }))
        }
        if let users = info.users {
            blocks.append("Users (\(users.users.count), \(users.users.filter { $0.disabled == true }.count) disabled):\n" + TextTable.render(
                header: ["user", "name", "domain", "disabled", "last login", "groups"],
                rows: users.users.map {
                    [$0.username, $0.fullName ?? "", $0.domain ?? "", $0.disabled.map { $0 ? "yes" : "no" } ?? "", $0.lastLogin ?? "",
                     $0.groups.joined(separator: ", ")]
                }))
            blocks.append("Groups (\(users.groups.count)):\n" + TextTable.render(
                header: ["group", "name", "members"], rows: users.groups.map { [$0.code, $0.name ?? "", String($0.members)] }))
        }
        for missing in info.unavailable { blocks.append("\(missing.section): unavailable: \(missing.reason)") }
        for note in info.notes { blocks.append("Note: \(note)") }
        return blocks.joined(separator: "\n\n")
    }
}
