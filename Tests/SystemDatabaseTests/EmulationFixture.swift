import Foundation

/// The emulation schema (docs/CLOVERDX.md, "Emulation schema") and deterministic data, as SQL that both SQLite and PostgreSQL
/// run unchanged, so the two engines hold the same rows.
enum EmulationFixture {
    static let runCount = 3000
    static let paramsPerRun = 2
    static let trackedRuns = 400  // runs with tracking rows: 1 phase, 3 nodes, 2 ports per node

    static let tableNames = [
        "cluster_node", "clover_user", "data_service_endpoint", "event_listener", "run_record", "run_record_param", "sandbox",
        "schedule", "tracking_node", "tracking_phase", "tracking_port", "user_group", "user_group_member",
    ]
    static let viewNames = ["failed_run"]

    static let runRecordColumns = [
        "id", "parent_id", "root_id", "node_id", "sandbox_code", "job_file", "job_type", "execution_type", "status", "username",
        "submit_time", "start_time", "stop_time", "duration_ms", "error_component_id", "error_component_type", "error_message",
        "exception", "log_file",
    ]

    static let schema = [
        """
        CREATE TABLE sandbox (code VARCHAR(64) PRIMARY KEY, name VARCHAR(255) NOT NULL, root_path VARCHAR(1024),
          type VARCHAR(16) NOT NULL, owner VARCHAR(64), suspended BOOLEAN NOT NULL)
        """,
        "CREATE TABLE cluster_node (node_id VARCHAR(64) PRIMARY KEY, url VARCHAR(255) NOT NULL, status VARCHAR(16) NOT NULL, last_heartbeat TIMESTAMP)",
        """
        CREATE TABLE clover_user (username VARCHAR(64) PRIMARY KEY, domain VARCHAR(16) NOT NULL, email VARCHAR(255),
          disabled BOOLEAN NOT NULL, last_login TIMESTAMP)
        """,
        "CREATE TABLE user_group (group_code VARCHAR(64) PRIMARY KEY, name VARCHAR(255) NOT NULL)",
        "CREATE TABLE user_group_member (group_code VARCHAR(64) NOT NULL, username VARCHAR(64) NOT NULL, PRIMARY KEY (group_code, username))",
        """
        CREATE TABLE run_record (id BIGINT PRIMARY KEY, parent_id BIGINT, root_id BIGINT, node_id VARCHAR(64),
          sandbox_code VARCHAR(64) NOT NULL, job_file VARCHAR(1024) NOT NULL, job_type VARCHAR(32) NOT NULL,
          execution_type VARCHAR(32) NOT NULL, status VARCHAR(32) NOT NULL, username VARCHAR(64), submit_time TIMESTAMP NOT NULL,
          start_time TIMESTAMP, stop_time TIMESTAMP, duration_ms BIGINT, error_component_id VARCHAR(255),
          error_component_type VARCHAR(255), error_message TEXT, exception TEXT, log_file VARCHAR(1024))
        """,
        "CREATE TABLE run_record_param (run_id BIGINT NOT NULL, kind VARCHAR(16) NOT NULL, name VARCHAR(255) NOT NULL, value TEXT)",
        """
        CREATE TABLE tracking_phase (run_id BIGINT NOT NULL, phase_num INTEGER NOT NULL, status VARCHAR(32) NOT NULL,
          exec_time_ms BIGINT, memory_bytes BIGINT)
        """,
        """
        CREATE TABLE tracking_node (run_id BIGINT NOT NULL, phase_num INTEGER NOT NULL, node_id VARCHAR(255) NOT NULL,
          node_name VARCHAR(255), node_type VARCHAR(64), status VARCHAR(32), exec_time_ms BIGINT, cpu_time_ms BIGINT, alloc_bytes BIGINT)
        """,
        """
        CREATE TABLE tracking_port (run_id BIGINT NOT NULL, phase_num INTEGER NOT NULL, node_id VARCHAR(255) NOT NULL,
          port_type VARCHAR(8) NOT NULL, port_index INTEGER NOT NULL, total_records BIGINT, total_bytes BIGINT)
        """,
        """
        CREATE TABLE schedule (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, sandbox_code VARCHAR(64),
          job_file VARCHAR(1024), enabled BOOLEAN NOT NULL, last_run_id BIGINT)
        """,
        """
        CREATE TABLE event_listener (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, sandbox_code VARCHAR(64),
          job_file VARCHAR(1024), enabled BOOLEAN NOT NULL, last_run_id BIGINT)
        """,
        """
        CREATE TABLE data_service_endpoint (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, sandbox_code VARCHAR(64),
          job_file VARCHAR(1024), enabled BOOLEAN NOT NULL, last_run_id BIGINT)
        """,
        "CREATE VIEW failed_run AS SELECT id, job_file, error_message FROM run_record WHERE status = 'ERROR'",
        "CREATE INDEX run_record_submit_time ON run_record (submit_time)",
    ]

    static let sandboxes = ["DataQuality", "Finance", "Marketing", "Warehouse", "Shared"]
    static let statuses = ["FINISHED_OK", "FINISHED_OK", "FINISHED_OK", "FINISHED_OK", "FINISHED_OK", "FINISHED_OK", "ERROR", "ABORTED", "RUNNING", "FINISHED_OK"]

    /// The status of run `id`, as the data below assigns it.
    static func status(ofRun id: Int) -> String { statuses[id % statuses.count] }

    static func jobFile(ofRun id: Int) -> String { "graph/load_\(id % 37).grf" }

    /// INSERT statements, a few hundred rows each.
    static var data: [String] {
        var statements: [String] = []
        statements.append(insert("sandbox", sandboxes.enumerated().map { index, code in
            [q(code), q("\(code) sandbox"), q("/data/sandboxes/\(code)"), q(index == 4 ? "shared" : "local"), q("clover"), index == 3 ? "TRUE" : "FALSE"]
        }))
        statements.append(insert("cluster_node", [
            [q("node01"), q("http://node01:8083/clover"), q("READY"), q("2024-05-06 07:08:09")],
            [q("node02"), q("http://node02:8083/clover"), q("SUSPENDED"), "NULL"],
        ]))
        let users = (1...12).map { "user\($0)" }
        statements.append(insert("clover_user", users.enumerated().map { index, name in
            [q(name), q(index % 4 == 0 ? "LDAP" : "clover"), q("\(name)@example.com"), index == 5 ? "TRUE" : "FALSE",
             index % 3 == 0 ? "NULL" : q("2024-05-0\(index % 9 + 1) 12:00:00")]
        }))
        statements.append(insert("user_group", [[q("admins"), q("Administrators")], [q("developers"), q("Developers")]]))
        statements.append(insert("user_group_member", users.enumerated().map { index, name in
            [q(index < 2 ? "admins" : "developers"), q(name)]
        }))

        for chunk in stride(from: 1, through: runCount, by: 300) {
            statements.append(insert("run_record", (chunk..<min(chunk + 300, runCount + 1)).map(runRow)))
        }
        var params: [[String]] = []
        for id in 1...runCount {
            params.append([String(id), q("INPUT_PARAM"), q("BATCH_SIZE"), q(String(id % 1000))])
            params.append([String(id), q("OUTPUT_DICT"), q("records"), q(String(id * 3))])
        }
        for chunk in stride(from: 0, to: params.count, by: 500) {
            statements.append(insert("run_record_param", Array(params[chunk..<min(chunk + 500, params.count)])))
        }

        var phases: [[String]] = []
        var nodes: [[String]] = []
        var ports: [[String]] = []
        for id in 1...trackedRuns {
            phases.append([String(id), "0", q(status(ofRun: id)), String(id * 11 % 5000), String(id * 1_048_576)])
            for (index, type) in ["DATA_READER", "REFORMAT", "DATA_WRITER"].enumerated() {
                let node = "\(type)\(index)"
                nodes.append([String(id), "0", q(node), q("\(type.lowercased()) \(index)"), q(type), q(status(ofRun: id)),
                              String(id * (index + 1) % 4000), String(id * 7 % 3000), String(id * 4096)])
                ports.append([String(id), "0", q(node), q("IN"), "0", String(id * 100), String(id * 6400)])
                ports.append([String(id), "0", q(node), q("OUT"), "0", String(id * 100 - index), String(id * 6400 - index)])
            }
        }
        statements.append(insert("tracking_phase", phases))
        for (table, rows) in [("tracking_node", nodes), ("tracking_port", ports)] {
            for chunk in stride(from: 0, to: rows.count, by: 500) {
                statements.append(insert(table, Array(rows[chunk..<min(chunk + 500, rows.count)])))
            }
        }

        for table in ["schedule", "event_listener", "data_service_endpoint"] {
            statements.append(insert(table, (1...6).map { id in
                [String(id), q("\(table) \(id)"), q(sandboxes[id % sandboxes.count]), q(jobFile(ofRun: id)), id % 2 == 0 ? "TRUE" : "FALSE",
                 id == 6 ? "NULL" : String(id * 100)]
            }))
        }
        return statements
    }

    private static func runRow(_ id: Int) -> [String] {
        let status = status(ofRun: id)
        let submit = timestamp(minutes: id * 7)
        let failed = status == "ERROR"
        let running = status == "RUNNING"
        let duration = running ? nil : (id * 7919) % 600_000
        let exception =
            failed
            ? "org.jetel.exception.JetelRuntimeException: Component [Reformat:REFORMAT1] finished with status ERROR. (run \(id))\n"
                + (1...30).map { "\tat org.jetel.graph.Node.run(Node.java:\($0 * 17)) -- frame \($0) of run \(id)" }.joined(separator: "\n")
            : nil
        return [
            String(id),
            id % 10 == 5 ? String(id - 1) : "NULL",
            id % 10 == 5 ? String(id - 1) : String(id),
            q(id % 2 == 0 ? "node01" : "node02"),
            q(sandboxes[id % sandboxes.count]),
            q(jobFile(ofRun: id)),
            q(id % 3 == 0 ? "JOBFLOW" : "GRAPH"),
            q(id % 4 == 0 ? "SCHEDULE" : "MANUAL"),
            q(status),
            q("user\(id % 12 + 1)"),
            q(submit),
            running ? "NULL" : q(timestamp(minutes: id * 7, seconds: 2)),
            running ? "NULL" : q(timestamp(minutes: id * 7, seconds: 2 + (duration ?? 0) / 1000)),
            duration.map(String.init) ?? "NULL",
            failed ? q("REFORMAT1") : "NULL",
            failed ? q("REFORMAT") : "NULL",
            failed ? q("Transformation failed on record \(id % 977): can't parse 'x;y' as a number") : "NULL",
            exception.map(q) ?? "NULL",
            q("/var/clover/cloverlogs/jobs/run_\(id).log"),
        ]
    }

    /// `2024-01-01 00:00:00` plus an offset, as text both engines store as a timestamp.
    static func timestamp(minutes: Int, seconds: Int = 0) -> String {
        let total = minutes * 60 + seconds
        let day = total / 86_400
        let (month, dayOfMonth) = monthAndDay(dayOfYear: day)
        let rest = total % 86_400
        return String(format: "2024-%02d-%02d %02d:%02d:%02d", month, dayOfMonth, rest / 3600, rest / 60 % 60, rest % 60)
    }

    private static func monthAndDay(dayOfYear: Int) -> (Int, Int) {
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  // 2024 is a leap year
        var day = dayOfYear
        for (index, length) in lengths.enumerated() {
            if day < length { return (index + 1, day + 1) }
            day -= length
        }
        return (12, 31)
    }

    private static func insert(_ table: String, _ rows: [[String]]) -> String {
        "INSERT INTO \(table) VALUES " + rows.map { "(" + $0.joined(separator: ", ") + ")" }.joined(separator: ",\n")
    }

    private static func q(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
