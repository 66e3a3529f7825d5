/// The Core's and Worker's text logs in `cloverlogs/`: all.log, worker.log, node.log,
/// user-action.log, server-integration.log, data-service.log and monitor.log. Every event comes
/// from the model, so a run's start and end, a login or an incident shows up with the same time in
/// each log that would record it.
struct ServerLogs {
    let model: DemoModel
    let all: EventArena
    let worker: EventArena
    let node: EventArena
    let userAction: EventArena
    let integration: EventArena
    let dataService: EventArena
    let monitor: EventArena

    init(model: DemoModel) {
        self.model = model
        let c = model.clock
        all = EventArena(clock: c)
        worker = EventArena(clock: c)
        node = EventArena(clock: c)
        userAction = EventArena(clock: c)
        integration = EventArena(clock: c)
        dataService = EventArena(clock: c)
        monitor = EventArena(clock: c)
    }

    static func httpThread(_ r: inout DemoRandom) -> String {
        "http-nio-8080-exec-\(r.int(1...40))"
    }

    func collect(reports: [Int: RunErrorReport]) {
        var r = DemoRandom(seed: model.seed, stream: "server-logs")
        runEvents(reports: reports, &r)
        peopleEvents(&r)
        incidentEvents(&r)
        housekeeping(&r)
    }

    // MARK: runs

    private func runEvents(reports: [Int: RunErrorReport], _ r: inout DemoRandom) {
        for run in model.runs {
            let spec = DemoCatalogue.jobs[run.job]
            let executor = "ExecutorThread-\(run.executorThread)"
            switch run.origin {
            case .schedule(let id):
                if let schedule = model.schedules.first(where: { $0.id == id }) {
                    all.log(run.submit - 1, thread: "QuartzScheduler_Worker-\(1 + id % 10)", logger: "ScheduleTrigger", level: "INFO") { b in
                        b.write("Schedule id="); b.int(id); b.write(" \""); b.write(schedule.name); b.write("\" fired: sandbox=")
                        b.write(spec.sandbox); b.write(" job="); b.write(spec.path); b.write(" runId="); b.int(run.id)
                    }
                }
            case .listener(let id):
                if let listener = DemoCatalogue.eventListeners.first(where: { $0.id == id }) {
                    let thread = listener.eventType == "FILE" ? "FileEventListener-\(id)" : "JobEventListener-\(id)"
                    let cause = run.parameters.first { $0.name == "INPUT_FILE" || $0.name == "EVENT_RUN_ID" }
                    all.log(run.submit - 1, thread: thread, logger: "EventListener", level: "INFO") { b in
                        b.write("Listener id="); b.int(id); b.write(" \""); b.write(listener.name); b.write("\" fired")
                        if let cause { b.write(" ("); b.write(cause.name); b.byte(61); b.write(cause.value); b.write(")") }
                        b.write(": runId="); b.int(run.id)
                    }
                }
            default:
                break
            }
            if run.waitedInQueue || (run.start < 0 && run.status == .enqueued) {
                all.log(run.submit + 1, thread: executor, logger: "JobQueueManager", level: "INFO") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" sandbox="); b.write(spec.sandbox); b.write(" job="); b.write(spec.path)
                    b.write(" enqueued: no free execution slot")
                }
            }
            guard run.start >= 0 else {
                if run.status == .unknown && run.stop >= 0 {
                    all.log(run.stop, thread: "localhost-startStop-1", logger: "ExecutionManager", level: "WARN") { b in
                        b.write("Job runId="); b.int(run.id); b.write(" finished status=UNKNOWN: lost from the job queue by server restart")
                    }
                }
                continue
            }
            all.log(run.start, thread: executor, logger: "ExecutionManager", level: "INFO") { b in
                b.write("Starting job runId="); b.int(run.id); b.write(" sandbox="); b.write(spec.sandbox); b.write(" job="); b.write(spec.path)
                b.write(" user="); b.write(run.username)
            }
            node.log(run.start + 1, thread: executor, logger: "ClusterNode", level: "INFO") { b in
                b.write("runId="); b.int(run.id); b.write(" delegated to "); b.write(DemoCatalogue.nodeId); b.write(" (")
                b.write(DemoCatalogue.workerName); b.write(")")
            }
            let watchdog = "WatchDog_\(run.id)"
            let workerStart = run.start + 3
            if workerStart <= run.logEnd {
                worker.log(workerStart, thread: watchdog, logger: "WorkerJobManager", level: "INFO") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" started: sandbox="); b.write(spec.sandbox); b.write(" job="); b.write(spec.path)
                    b.write(" type="); b.write(spec.kind.jobType)
                }
            }
            guard run.stop >= 0 else { continue }
            if run.status != .unknown {
                worker.log(run.stop - 2, thread: watchdog, logger: "WorkerJobManager", level: "INFO") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" finished: "); b.write(run.status.rawValue); b.write(", "); b.int64(run.stop - run.start)
                    b.write(" ms")
                }
            }
            switch run.status {
            case .finishedOK:
                all.log(run.stop, thread: executor, logger: "ExecutionManager", level: "INFO") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" finished status=FINISHED_OK duration="); b.int64(run.stop - run.start); b.write(" ms")
                }
            case .error:
                let report = reports[run.id]
                all.log(run.stop, thread: executor, logger: "ExecutionManager", level: "ERROR") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" finished status=ERROR component="); b.write(report?.componentId ?? "?")
                    b.write(": "); b.write(report?.shortMessage ?? "unknown error")
                }
            case .aborted:
                all.log(run.stop, thread: executor, logger: "ExecutionManager", level: "WARN") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" finished status=ABORTED aborted by user="); b.write(run.failure?.abortedBy ?? "admin")
                }
            case .timeout:
                all.log(run.stop, thread: executor, logger: "ExecutionManager", level: "WARN") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" finished status=TIMEOUT: timeout "); b.int(run.failure?.detail ?? 0); b.write(" ms exceeded")
                }
            case .unknown:
                let byRestart = model.incidents.coreUp.map { run.stop >= $0 && run.stop < $0 + 60_000 } ?? false
                all.log(run.stop, thread: byRestart ? "localhost-startStop-1" : "WorkerWatchdog", logger: "ExecutionManager", level: "WARN") { b in
                    b.write("Job runId="); b.int(run.id); b.write(" finished status=UNKNOWN: ")
                    b.write(byRestart ? "interrupted by server restart" : "Worker was restarted, execution state is unknown")
                }
            default:
                break
            }
        }
        monitorEvents()
    }

    /// Operations Dashboard monitors per sandbox, evaluated as runs end.
    private func monitorEvents() {
        var failing: [String: [String: Int]] = [:]
        let ended = model.runs.filter { $0.stop >= 0 && ($0.status == .finishedOK || $0.status == .error || $0.status == .timeout) }
            .sorted { $0.stop != $1.stop ? $0.stop < $1.stop : $0.id < $1.id }
        for run in ended {
            let spec = DemoCatalogue.jobs[run.job]
            let monitorName = spec.sandbox == "dwh" ? "DWH loads" : (spec.sandbox == "crm" ? "CRM sync" : "Reporting")
            let item = spec.path
            var items = failing[monitorName] ?? [:]
            let t = run.stop + 750
            if run.status == .error || run.status == .timeout {
                if items[item] == nil {
                    items[item] = run.id
                    monitor.log(t, thread: "MonitorCheck-1", logger: "Monitor", level: "WARN") { b in
                        b.write("monitor=\""); b.write(monitorName); b.write("\" health=FAILING failing="); b.int(items.count); b.write(" item="); b.write(item)
                        b.write(" runId="); b.int(run.id)
                    }
                }
            } else if items[item] != nil {
                items[item] = nil
                monitor.log(t, thread: "MonitorCheck-1", logger: "Monitor", level: "INFO") { b in
                    b.write("monitor=\""); b.write(monitorName); b.write("\" health=")
                    b.write(items.isEmpty ? "OK" : "FAILING failing=\(items.count)"); b.write(" recovered="); b.write(item); b.write(" runId="); b.int(run.id)
                }
            }
            failing[monitorName] = items
        }
    }

    // MARK: people

    private func peopleEvents(_ r: inout DemoRandom) {
        for a in model.userActions {
            let thread = ServerLogs.httpThread(&r)
            userAction.log(a.time, thread: thread, logger: "UserAction", level: "INFO") { b in
                b.write("user="); b.write(a.user); b.write(" domain="); b.write(a.domain); b.write(" ip="); b.write(a.ip)
                b.write(" action="); b.write(a.action); b.write(" result="); b.write(a.result)
                if !a.extra.isEmpty { b.byte(32); b.write(a.extra) }
            }
            switch (a.action, a.result) {
            case ("LOGIN", "SUCCESS"):
                all.log(a.time, thread: thread, logger: "SecurityFacade", level: "INFO") { b in
                    b.write("User "); b.write(a.user); b.write(" (domain="); b.write(a.domain); b.write(") logged in from "); b.write(a.ip)
                }
            case ("LOGIN", "FAILURE"):
                all.log(a.time, thread: thread, logger: "SecurityFacade", level: "WARN") { b in
                    b.write("Login failed for user="); b.write(a.user); b.write(" from "); b.write(a.ip); b.write(": Bad credentials")
                }
            case ("EXECUTE_JOB", "FAILURE"):
                all.log(a.time, thread: thread, logger: "SecurityFacade", level: "WARN") { b in
                    b.write("Access denied: user="); b.write(a.user); b.write(" operation=executeJob "); b.write(a.extra)
                }
            case ("CREATE_USER", _):
                all.log(a.time, thread: thread, logger: "UserManager", level: "INFO") { b in
                    b.write("User created by "); b.write(a.user); b.write(": "); b.write(a.extra)
                }
            default:
                break
            }
        }
        for call in model.designerCalls {
            let end = call.time + Int64(call.durationMs)
            let b = integration.begin(end)
            b.timestamp(end); b.byte(32); b.write(call.ip); b.write(" user="); b.write(call.user); b.write(", operation="); b.write(call.operation)
            b.write(call.success ? " SUCCESS" : " FAILURE"); b.write(" duration="); b.int(call.durationMs); b.write(" ms")
            b.newline()
            integration.end()
        }
        for call in model.dataServiceCalls {
            let end = call.time + Int64(call.durationMs)
            dataService.log(end, thread: ServerLogs.httpThread(&r), logger: "DataService", level: call.status >= 500 ? "ERROR" : "INFO") { b in
                b.write("user="); b.write(call.user); b.write(" ip="); b.write(call.ip); b.write(" uri="); b.write(call.uri); b.write(" status=")
                b.int(call.status); b.write(" duration="); b.int(call.durationMs); b.write(" ms")
            }
        }
    }

    // MARK: incidents

    private static let workerCommand = "/opt/java/openjdk/bin/java -Xmx4096m -Xms512m -XX:+UseG1GC -XX:MaxMetaspaceSize=512m -XX:+HeapDumpOnOutOfMemoryError -Dfile.encoding=UTF-8 -Dclover.worker.port=10500 -Dclover.worker.nodeId=node01 -cp /opt/tomcat/webapps/clover/WEB-INF/lib/cloveretl.server.worker.jar:/opt/tomcat/webapps/clover/WEB-INF/lib/* com.cloveretl.server.worker.WorkerMain"

    private func workerStartup(at start: Int64, ready: Int64) {
        let w = DemoCatalogue.workerName
        all.log(start, thread: "WorkerManager", logger: "WorkerManager", level: "INFO", "Starting Worker \(w): \(ServerLogs.workerCommand)")
        let stdout: [(Int64, String)] = [
            (start + 2100, "CloverDX Worker \(DemoCatalogue.version) (build \(DemoCatalogue.build)) starting on \(DemoCatalogue.nodeId)"),
            (start + 2400, "Java: 21.0.5+11-LTS (Eclipse Adoptium), max heap 4096 MB"),
            (ready - 900, "Engine initialized, 212 plugins loaded"),
            (ready - 20, "Worker ready, listening on port 10500"),
        ]
        for (t, text) in stdout {
            all.log(t, thread: "Worker's StdOut reader", logger: "WorkerProcess", level: "INFO", "[\(w)]: \(text)")
        }
        worker.log(start + 2000, thread: "main", logger: "WorkerMain", level: "INFO",
                   "Starting CloverDX Worker \(DemoCatalogue.version) (build \(DemoCatalogue.build)) on \(DemoCatalogue.nodeId), port 10500")
        worker.log(start + 2300, thread: "main", logger: "WorkerMain", level: "INFO", "Max heap: 4096 MB, available processors: 8")
        worker.log(start + 4100, thread: "main", logger: "JndiConfig", level: "INFO",
                   "JNDI: bound java:comp/env/jdbc/dwh (jdbc:postgresql://\(DemoCatalogue.dwhHost)/dwh)")
        worker.log(start + 4120, thread: "main", logger: "JndiConfig", level: "INFO",
                   "JNDI: bound java:comp/env/jdbc/crm (jdbc:postgresql://\(DemoCatalogue.crmHost)/crm)")
        worker.log(ready - 30, thread: "main", logger: "WorkerMain", level: "INFO",
                   "Worker started in \(Double((ready - start) / 100) / 10) s")
        all.log(ready, thread: "WorkerManager", logger: "WorkerManager", level: "INFO", "Worker \(w) is ready")
        node.log(ready, thread: "WorkerManager", logger: "ClusterNode", level: "INFO", "Node \(DemoCatalogue.nodeId) Worker status STARTING -> RUNNING")
    }

    private func incidentEvents(_ r: inout DemoRandom) {
        let i = model.incidents
        let w = DemoCatalogue.workerName
        if let crash = i.oomTime, let kill = i.oomWorkerKill, let up = i.oomWorkerUp {
            var t = crash - 150_000
            while t < crash {
                let percent = 86 + Int((crash - t) < 60_000 ? 11 : 8 - (crash - t) / 60_000)
                worker.log(t, thread: "MemoryMonitor", logger: "MemoryMonitor", level: "WARN",
                           "Heap usage \(percent) % of 4096 MB after full GC")
                all.log(t + 40, thread: "WorkerManager", logger: "WorkerManager", level: "WARN",
                        "Worker \(w) heap usage \(percent) % (\(percent * 4096 / 100) MB of 4096 MB)")
                t += 30_000
            }
            let culprit = model.runs.first { $0.failure?.kind == .outOfMemory }
            let thread = culprit.map { "AGGREGATE0_\($0.id)" } ?? "AGGREGATE0"
            worker.log(crash, thread: thread, logger: "Node", level: "FATAL") { b in
                b.write("java.lang.OutOfMemoryError: Java heap space\n")
                b.write("\tat java.base/java.util.HashMap.resize(HashMap.java:702)\n")
                b.write("\tat java.base/java.util.HashMap.putVal(HashMap.java:661)\n")
                b.write("\tat java.base/java.util.HashMap.put(HashMap.java:610)\n")
                b.write("\tat org.jetel.component.aggregate.AggregateProcessor.addRecord(AggregateProcessor.java:188)\n")
                b.write("\tat org.jetel.component.Aggregate.execute(Aggregate.java:412)\n")
                b.write("\tat org.jetel.graph.Node.run(Node.java:585)\n")
                b.write("\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)\n")
                b.write("\tat java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:642)\n")
                b.write("\tat java.base/java.lang.Thread.run(Thread.java:1583)")
            }
            worker.log(crash + 1800, thread: "Thread-0", logger: "WorkerMain", level: "ERROR",
                       "java.lang.OutOfMemoryError: Java heap space (heap dump written to /var/clover/tmp/java_pid48211.hprof)")
            for (k, line) in ["java.lang.OutOfMemoryError: Java heap space", "Dumping heap to /var/clover/tmp/java_pid48211.hprof ...",
                              "Heap dump file created [4218853012 bytes in 17.204 secs]"].enumerated() {
                all.log(crash + Int64(k) * (k == 2 ? 9000 : 120), thread: "Worker's StdOut reader", logger: "WorkerProcess", level: "INFO", "[\(w)]: \(line)")
            }
            for age in [30, 45] {
                all.log(crash + Int64(age) * 1000, thread: "WorkerManager", logger: "WorkerManager", level: "WARN",
                        "Worker \(w) heartbeat age \(age) s")
            }
            node.log(crash + 30_000, thread: "WorkerManager", logger: "ClusterNode", level: "WARN",
                     "Node \(DemoCatalogue.nodeId) Worker status RUNNING -> NOT_RESPONDING")
            all.log(kill, thread: "WorkerManager", logger: "WorkerManager", level: "ERROR",
                    "Worker \(w) is not responding (no heartbeat for \((kill - crash) / 1000) s), killing it")
            node.log(kill, thread: "WorkerManager", logger: "ClusterNode", level: "INFO",
                     "Node \(DemoCatalogue.nodeId) Worker status NOT_RESPONDING -> STARTING")
            workerStartup(at: kill + 600, ready: up)
        }
        if let down = i.coreDown, let up = i.coreUp, let workerUp = i.coreWorkerUp {
            if let from = i.fdErrorsFrom, let leak = i.fdLeakStart {
                var t = leak + 3_600_000
                while t < down {
                    let fd = DemoMetrics.coreFD(at: t, model: model)
                    if fd > 3000 {
                        all.log(t, thread: "ResourceMonitor", logger: "ResourceMonitor", level: "WARN",
                                "Open file descriptors: \(fd) of \(DemoCatalogue.fdLimit) (\(fd * 100 / DemoCatalogue.fdLimit) %)")
                    }
                    t += 600_000
                }
                t = from + Int64(r.int(5_000...40_000))
                let leads = model.contentRoot + "/sandboxes/crm/data-in/leads"
                while t < down {
                    all.log(t, thread: "FileEventListener-1", logger: "EventListener", level: "ERROR") { b in
                        b.write("Listener id=1 \"New lead files\" cannot list "); b.write(leads); b.write("\n")
                        b.write("java.io.IOException: Too many open files\n")
                        b.write("\tat java.base/sun.nio.fs.UnixNativeDispatcher.opendir0(Native Method)\n")
                        b.write("\tat java.base/sun.nio.fs.UnixNativeDispatcher.opendir(UnixNativeDispatcher.java:502)\n")
                        b.write("\tat java.base/sun.nio.fs.UnixFileSystemProvider.newDirectoryStream(UnixFileSystemProvider.java:440)\n")
                        b.write("\tat java.base/java.nio.file.Files.newDirectoryStream(Files.java:482)\n")
                        b.write("\tat com.cloveretl.server.events.file.FileEventListenerChecker.listFiles(FileEventListenerChecker.java:211)")
                    }
                    t += Int64(r.int(50_000...95_000))
                }
            }
            all.log(down, thread: "main", logger: "ServerLifecycle", level: "INFO", "CloverDX Server is shutting down (node \(DemoCatalogue.nodeId))")
            all.log(down + 400, thread: "main", logger: "WorkerManager", level: "INFO", "Stopping Worker \(w)")
            node.log(down + 10, thread: "main", logger: "ClusterNode", level: "INFO", "Node \(DemoCatalogue.nodeId) status READY -> STOPPING")
            worker.log(down + 900, thread: "Thread-1", logger: "WorkerMain", level: "INFO", "Worker shutdown requested by the Core, stopping")
            let boot = up - 38_000
            all.log(boot, thread: "main", logger: "ServerLifecycle", level: "INFO",
                    "CloverDX Server \(DemoCatalogue.version) (build \(DemoCatalogue.build)) starting, node \(DemoCatalogue.nodeId)")
            all.log(boot + 5200, thread: "main", logger: "ServerLifecycle", level: "INFO",
                    "System database: jdbc:sqlite:\(model.contentRoot)/data/clover-system.db")
            all.log(up - 1500, thread: "main", logger: "ServerLifecycle", level: "INFO", "CloverDX Server started in \((up - 1500 - boot) / 1000) s")
            node.log(up - 1400, thread: "main", logger: "ClusterNode", level: "INFO", "Node \(DemoCatalogue.nodeId) status STARTING -> READY")
            let interrupted = model.runs.filter { $0.status == .unknown && $0.stop >= up && $0.stop < up + 60_000 }.count
            all.log(up + 6000, thread: "localhost-startStop-1", logger: "ExecutionManager", level: "WARN",
                    "Found \(interrupted) executions interrupted by the server restart, setting their status to UNKNOWN")
            workerStartup(at: up + 1000, ready: workerUp)
        }
    }

    // MARK: housekeeping

    private func housekeeping(_ r: inout DemoRandom) {
        for dayIndex in 0..<model.days {
            let d = model.firstDay + Int64(dayIndex)
            let cleanup = model.clock.at(day: d, hour: 3, minute: 30, second: 0, ms: r.int(0...999))
            if cleanup <= model.now && model.coreIsUp(at: cleanup) {
                all.log(cleanup, thread: "HistoryCleaner", logger: "HistoryCleaner", level: "INFO",
                        "Execution history cleanup: deleted \(r.int(450...900)) runs older than 7 days")
            }
            for hour in 0..<24 {
                let t = model.clock.at(day: d, hour: hour, minute: 17, second: r.int(0...59), ms: r.int(0...999))
                guard t <= model.now && model.coreIsUp(at: t) else { continue }
                all.log(t, thread: "TempSpaceCleaner", logger: "TempSpaceManager", level: "INFO",
                        "Temp space cleanup: removed \(r.int(0...40)) files (\(r.int(0...600)) MB) from /var/cloverdata/tempspaces")
                if hour % 4 == 0 {
                    node.log(t + 500, thread: "NodeStatusChecker", logger: "ClusterNode", level: "INFO",
                             "Node \(DemoCatalogue.nodeId) READY (standalone), load \(Double(r.int(5...180)) / 100)")
                }
            }
        }
    }

    /// Writes all seven logs into `cloverlogs/`.
    func write(directory: String, profile: DemoProfile, clock: DemoClock) throws -> [RollingLog] {
        var logs: [RollingLog] = []
        for (name, arena) in [("all", all), ("worker", worker), ("node", node), ("user-action", userAction), ("server-integration", integration),
                              ("data-service", dataService), ("monitor", monitor)] {
            let log = RollingLog(directory: directory, base: name, clock: clock, sizeLimit: profile.rollSizeLimit,
                                 compressionLevel: profile.compressionLevel)
            try arena.drain(into: log)
            logs.append(log)
        }
        return logs
    }
}
