import GRDB

/// Writes `data/clover-system.db`: the system-database emulation schema (lower-case tables,
/// identical in SQLite and PostgreSQL) filled from the model. Times are ISO 8601 text with the
/// server's offset, e.g. `2025-03-05T02:10:00.020+01:00`.
struct SystemDatabaseWriter {
    let model: DemoModel
    let path: String

    static let schema = """
        CREATE TABLE run_record (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER NOT NULL,
            root_id INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            sandbox_code TEXT NOT NULL,
            job_file TEXT NOT NULL,
            job_type TEXT NOT NULL,
            execution_type TEXT NOT NULL,
            status TEXT NOT NULL,
            username TEXT NOT NULL,
            submit_time TEXT NOT NULL,
            start_time TEXT,
            stop_time TEXT,
            duration_ms INTEGER,
            error_component_id TEXT,
            error_component_type TEXT,
            error_message TEXT,
            exception TEXT,
            log_file TEXT
        );
        CREATE INDEX run_record_status ON run_record(status);
        CREATE INDEX run_record_submit_time ON run_record(submit_time);
        CREATE INDEX run_record_job ON run_record(sandbox_code, job_file);
        CREATE INDEX run_record_parent ON run_record(parent_id);
        CREATE INDEX run_record_root ON run_record(root_id);
        CREATE TABLE run_record_param (
            run_id INTEGER NOT NULL REFERENCES run_record(id),
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT
        );
        CREATE INDEX run_record_param_run ON run_record_param(run_id);
        CREATE TABLE tracking_phase (
            run_id INTEGER NOT NULL REFERENCES run_record(id),
            phase_num INTEGER NOT NULL,
            status TEXT NOT NULL,
            exec_time_ms INTEGER NOT NULL,
            memory_bytes INTEGER NOT NULL,
            PRIMARY KEY (run_id, phase_num)
        );
        CREATE TABLE tracking_node (
            run_id INTEGER NOT NULL REFERENCES run_record(id),
            phase_num INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            node_name TEXT NOT NULL,
            node_type TEXT NOT NULL,
            status TEXT NOT NULL,
            cpu_time_ms INTEGER NOT NULL,
            peak_cpu REAL NOT NULL,
            alloc_bytes INTEGER NOT NULL,
            PRIMARY KEY (run_id, node_id)
        );
        CREATE TABLE tracking_port (
            run_id INTEGER NOT NULL REFERENCES run_record(id),
            phase_num INTEGER NOT NULL,
            node_id TEXT NOT NULL,
            port_type TEXT NOT NULL,
            port_index INTEGER NOT NULL,
            total_records INTEGER NOT NULL,
            total_bytes INTEGER NOT NULL,
            record_peak INTEGER NOT NULL,
            byte_peak INTEGER NOT NULL,
            PRIMARY KEY (run_id, node_id, port_type, port_index)
        );
        CREATE TABLE sandbox (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            root_path TEXT NOT NULL,
            type TEXT NOT NULL,
            owner TEXT NOT NULL,
            suspended INTEGER NOT NULL
        );
        CREATE TABLE clover_user (
            username TEXT PRIMARY KEY,
            full_name TEXT,
            domain TEXT NOT NULL,
            email TEXT,
            disabled INTEGER NOT NULL,
            last_login TEXT
        );
        CREATE TABLE user_group (
            group_code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT
        );
        CREATE TABLE user_group_member (
            username TEXT NOT NULL REFERENCES clover_user(username),
            group_code TEXT NOT NULL REFERENCES user_group(group_code),
            PRIMARY KEY (username, group_code)
        );
        CREATE TABLE schedule (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            sandbox_code TEXT NOT NULL,
            job_file TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            last_run_id INTEGER,
            cron_expression TEXT NOT NULL,
            owner TEXT NOT NULL
        );
        CREATE TABLE event_listener (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            sandbox_code TEXT NOT NULL,
            job_file TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            last_run_id INTEGER,
            event_type TEXT NOT NULL,
            event_source TEXT NOT NULL
        );
        CREATE TABLE data_service_endpoint (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            sandbox_code TEXT NOT NULL,
            job_file TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            last_run_id INTEGER,
            url_path TEXT NOT NULL,
            http_method TEXT NOT NULL
        );
        CREATE TABLE cluster_node (
            node_id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            status TEXT NOT NULL,
            last_heartbeat TEXT NOT NULL
        );
        """

    /// Writes the database; `record` is called for each run with its tracking and error report,
    /// so the caller can write the run log from the same values.
    func write(each record: (DemoRun, RunTracking, RunErrorReport?) throws -> String?) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let clock = model.clock
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 8192")
            try db.inTransaction {
                try db.execute(sql: SystemDatabaseWriter.schema)
                let runInsert = try db.makeStatement(sql: """
                    INSERT INTO run_record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let paramInsert = try db.makeStatement(sql: "INSERT INTO run_record_param VALUES (?, ?, ?, ?)")
                let phaseInsert = try db.makeStatement(sql: "INSERT INTO tracking_phase VALUES (?, ?, ?, ?, ?)")
                let nodeInsert = try db.makeStatement(sql: "INSERT INTO tracking_node VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                let portInsert = try db.makeStatement(sql: "INSERT INTO tracking_port VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for run in model.runs {
                    let spec = DemoCatalogue.jobs[run.job]
                    let tracking = RunTracking(run: run, model: model)
                    let report = RunErrorReport(run: run, model: model, tracking: tracking)
                    let logFile = try record(run, tracking, report)
                    var errorComponent: String?, errorType: String?, errorMessage: String?, exception: String?
                    switch run.status {
                    case .error:
                        errorComponent = report?.componentId
                        errorType = report?.componentType
                        errorMessage = report?.shortMessage
                        exception = report?.stackTrace
                    case .aborted:
                        errorMessage = "Job aborted by user \(run.failure?.abortedBy ?? "admin")"
                    case .timeout:
                        errorMessage = "Job execution timed out (timeout \(run.failure?.detail ?? 0) ms)"
                    case .unknown:
                        errorMessage = "Execution interrupted, final state unknown"
                    default:
                        break
                    }
                    try runInsert.execute(arguments: [
                        run.id, run.parentId, run.rootId, DemoCatalogue.nodeId, spec.sandbox, spec.path, spec.kind.jobType,
                        spec.kind.executionType, run.status.rawValue, run.username, clock.iso(run.submit),
                        run.start >= 0 ? clock.iso(run.start) : nil, run.stop >= 0 ? clock.iso(run.stop) : nil,
                        run.durationMs, errorComponent, errorType, errorMessage, exception, logFile,
                    ])
                    for p in run.parameters {
                        try paramInsert.execute(arguments: [run.id, "INPUT_PARAM", p.name, p.value])
                    }
                    for phase in tracking.phases {
                        try phaseInsert.execute(arguments: [run.id, phase.number, phase.status, phase.durationMs, phase.memoryBytes])
                        for node in phase.nodes {
                            try nodeInsert.execute(arguments: [run.id, phase.number, node.component.id, node.component.name, node.component.type,
                                                               node.status, node.cpuTimeMs, (node.peakCpu * 1000).rounded() / 1000, node.allocBytes])
                            for port in node.inputs + node.outputs {
                                try portInsert.execute(arguments: [run.id, phase.number, node.component.id, port.isInput ? "Input" : "Output",
                                                                   port.index, port.records, port.bytes, port.recordPeak, port.bytePeak])
                            }
                        }
                    }
                }
                try writeConfiguration(db)
                return .commit
            }
        }
        try queue.close()
    }

    private func writeConfiguration(_ db: Database) throws {
        let clock = model.clock
        for s in DemoCatalogue.sandboxes {
            try db.execute(sql: "INSERT INTO sandbox VALUES (?, ?, ?, ?, ?, 0)",
                           arguments: [s.code, s.name, model.contentRoot + "/sandboxes/" + s.code, s.type, s.owner])
        }
        for g in DemoCatalogue.groups {
            try db.execute(sql: "INSERT INTO user_group VALUES (?, ?, ?)", arguments: [g.code, g.name, g.description])
        }
        for u in DemoCatalogue.users {
            let last = model.loginAttempts.last { $0.user == u.username && $0.success }.map { clock.iso($0.time) }
            try db.execute(sql: "INSERT INTO clover_user VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [u.username, u.fullName, u.domain, u.email, u.disabled ? 1 : 0, last])
            for g in u.groups {
                try db.execute(sql: "INSERT INTO user_group_member VALUES (?, ?)", arguments: [u.username, g])
            }
        }
        func split(_ key: String) -> (String, String) {
            let parts = key.split(separator: "/", maxSplits: 1)
            return (String(parts[0]), String(parts[1]))
        }
        for s in model.schedules {
            let (sandbox, file) = split(s.job)
            let last = model.runs.last { $0.origin == .schedule(s.id) }?.id
            try db.execute(sql: "INSERT INTO schedule VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [s.id, s.name, sandbox, file, s.enabled ? 1 : 0, last, s.cron, s.owner])
        }
        for l in DemoCatalogue.eventListeners {
            let (sandbox, file) = split(l.job)
            let last = model.runs.last { $0.origin == .listener(l.id) }?.id
            try db.execute(sql: "INSERT INTO event_listener VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [l.id, l.name, sandbox, file, l.enabled ? 1 : 0, last, l.eventType, l.source])
        }
        for d in DemoCatalogue.dataServices {
            let (sandbox, file) = split(d.job)
            try db.execute(sql: "INSERT INTO data_service_endpoint VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
                           arguments: [d.id, d.name, sandbox, file, d.enabled ? 1 : 0, d.urlPath, d.method])
        }
        try db.execute(sql: "INSERT INTO cluster_node VALUES (?, ?, ?, ?)",
                       arguments: [DemoCatalogue.nodeId, "http://localhost:8080/clover", "READY", clock.iso(model.now - 1800)])
    }
}
