import Foundation

/// What a failed run reports: the engine's composite message, the Java stack trace, and the short
/// message the server stores and logs. Built from the failure the simulation chose, with the
/// exception chains the real libraries (engine, PostgreSQL driver, JDK) produce for it.
struct RunErrorReport {
    struct JavaException {
        let className: String
        let message: String
        let frames: [String]
        /// Frames shared with the enclosing exception ("... n more").
        let more: Int
    }

    let componentId: String
    let componentType: String
    let componentName: String
    /// `error_message` in the system database and the tail of the all.log "finished" line.
    let shortMessage: String
    let chain: [JavaException]

    private static let workerFrames = [
        "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)",
        "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:642)",
        "java.base/java.lang.Thread.run(Thread.java:1583)",
    ]

    init?(run: DemoRun, model: DemoModel, tracking: RunTracking) {
        guard let failure = run.failure, run.status == .error else { return nil }
        let spec = DemoCatalogue.jobs[run.job]
        let component = spec.components[failure.component]
        componentId = component.id
        componentType = component.type
        componentName = component.name
        let javaClass = DemoCatalogue.javaClass(ofType: component.type)
        let simpleClass = javaClass.split(separator: ".").last.map(String.init) ?? javaClass
        let records = tracking.recordsMessage(componentId: component.id)
        let top = JavaException(
            className: "org.jetel.exception.JetelRuntimeException",
            message: "Component [\(component.name):\(component.id)] finished with status ERROR.\(records)",
            frames: ["org.jetel.graph.Node.createNodeException(Node.java:651)", "org.jetel.graph.Node.run(Node.java:627)"] + RunErrorReport.workerFrames,
            more: 0)
        let preExecute = JavaException(className: "org.jetel.exception.ComponentNotReadyException",
                                       message: "Component pre-execute initialization failed.",
                                       frames: ["org.jetel.graph.Node.run(Node.java:566)"], more: 3)
        let sandboxRoot = model.contentRoot + "/sandboxes/" + spec.sandbox
        var r = DemoRandom(seed: model.seed, stream: "error", item: run.id)

        switch failure.kind {
        case .connectionRefused:
            let host = DemoCatalogue.dwhHost
            shortMessage = "Connection refused"
            chain = [top, preExecute,
                     JavaException(className: "org.jetel.exception.JetelException",
                                   message: "Cannot connect to database \"\(DemoCatalogue.dwhDatabase)\" (jdbc:postgresql://\(host)/dwh).",
                                   frames: ["org.jetel.connection.jdbc.DBConnectionImpl.connect(DBConnectionImpl.java:318)",
                                            "org.jetel.connection.jdbc.DBConnectionImpl.getConnection(DBConnectionImpl.java:265)",
                                            "\(javaClass).preExecute(\(simpleClass).java:\(r.int(380...520)))",
                                            "org.jetel.graph.Node.run(Node.java:563)"], more: 3),
                     JavaException(className: "org.postgresql.util.PSQLException",
                                   message: "Connection to \(host) refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
                                   frames: ["org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:346)",
                                            "org.postgresql.core.ConnectionFactory.openConnection(ConnectionFactory.java:54)",
                                            "org.postgresql.jdbc.PgConnection.<init>(PgConnection.java:273)",
                                            "org.postgresql.Driver.makeConnection(Driver.java:446)",
                                            "org.postgresql.Driver.connect(Driver.java:298)",
                                            "org.jetel.connection.jdbc.driver.JdbcDriverImpl.getConnection(JdbcDriverImpl.java:125)",
                                            "org.jetel.connection.jdbc.DBConnectionImpl.connect(DBConnectionImpl.java:301)"], more: 6),
                     JavaException(className: "java.net.ConnectException", message: "Connection refused",
                                   frames: ["java.base/sun.nio.ch.Net.pollConnect(Native Method)",
                                            "java.base/sun.nio.ch.Net.pollConnectNow(Net.java:682)",
                                            "java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:542)",
                                            "java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:592)",
                                            "java.base/java.net.SocksSocketImpl.connect(SocksSocketImpl.java:327)",
                                            "java.base/java.net.Socket.connect(Socket.java:751)",
                                            "org.postgresql.core.PGStream.createSocket(PGStream.java:243)",
                                            "org.postgresql.core.PGStream.<init>(PGStream.java:98)",
                                            "org.postgresql.core.v3.ConnectionFactoryImpl.tryConnect(ConnectionFactoryImpl.java:136)",
                                            "org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:262)"], more: 12)]

        case .outOfMemory:
            shortMessage = "java.lang.OutOfMemoryError: Java heap space"
            chain = [top,
                     JavaException(className: "java.lang.OutOfMemoryError", message: "Java heap space",
                                   frames: ["java.base/java.util.HashMap.resize(HashMap.java:702)",
                                            "java.base/java.util.HashMap.putVal(HashMap.java:661)",
                                            "java.base/java.util.HashMap.put(HashMap.java:610)",
                                            "org.jetel.component.aggregate.AggregateProcessor.addRecord(AggregateProcessor.java:188)",
                                            "org.jetel.component.Aggregate.execute(Aggregate.java:412)",
                                            "org.jetel.graph.Node.run(Node.java:585)"], more: 3)]

        case .fileNotFound, .tooManyOpenFiles:
            let file = RunErrorReport.resolvedFile(component: component, run: run, sandboxRoot: sandboxRoot, model: model)
            let reason = failure.kind == .fileNotFound ? "No such file or directory" : "Too many open files"
            if case .http = component.resource {
                shortMessage = "Too many open files"
                chain = [top,
                         JavaException(className: "java.net.SocketException", message: "Too many open files",
                                       frames: ["java.base/sun.nio.ch.Net.socket0(Native Method)",
                                                "java.base/sun.nio.ch.Net.socket(Net.java:524)",
                                                "java.base/sun.nio.ch.NioSocketImpl.create(NioSocketImpl.java:460)",
                                                "java.base/java.net.Socket.createImpl(Socket.java:537)",
                                                "org.apache.http.impl.conn.DefaultHttpClientConnectionOperator.connect(DefaultHttpClientConnectionOperator.java:142)",
                                                "org.jetel.component.HttpConnector.execute(HttpConnector.java:1734)",
                                                "org.jetel.graph.Node.run(Node.java:585)"], more: 3)]
            } else {
                shortMessage = "\(file) (\(reason))"
                let writing: Bool
                if case .fileWrite = component.resource { writing = true } else { writing = false }
                chain = [top, preExecute,
                         JavaException(className: "org.jetel.exception.JetelException",
                                       message: writing ? "Cannot open output file \"\(file)\"." : "Cannot open input file \"\(file)\".",
                                       frames: [writing ? "org.jetel.util.MultiFileWriter.prepareTarget(MultiFileWriter.java:298)"
                                                        : "org.jetel.util.MultiFileReader.nextSource(MultiFileReader.java:412)",
                                                "\(javaClass).preExecute(\(simpleClass).java:\(r.int(220...340)))",
                                                "org.jetel.graph.Node.run(Node.java:563)"], more: 3),
                         JavaException(className: "java.io.FileNotFoundException", message: "\(file) (\(reason))",
                                       frames: [writing ? "java.base/java.io.FileOutputStream.open0(Native Method)" : "java.base/java.io.FileInputStream.open0(Native Method)",
                                                writing ? "java.base/java.io.FileOutputStream.open(FileOutputStream.java:289)" : "java.base/java.io.FileInputStream.open(FileInputStream.java:213)",
                                                writing ? "java.base/java.io.FileOutputStream.<init>(FileOutputStream.java:230)" : "java.base/java.io.FileInputStream.<init>(FileInputStream.java:152)",
                                                "org.jetel.util.file.FileUtils.getInputStream(FileUtils.java:1187)",
                                                "org.jetel.util.file.FileUtils.getReadableChannel(FileUtils.java:902)"], more: 5)]
            }

        case .malformedRecord:
            let meta = spec.metadata.first { m in spec.edges.contains { $0.from == component.id && $0.metadata == m.id } } ?? spec.metadata[0]
            let numeric = meta.fields.enumerated().filter { ["decimal", "integer", "long"].contains($0.element.type) && $0.offset > 0 }
            let field = numeric.isEmpty ? (offset: 1, element: meta.fields[1]) : numeric[r.int(0...(numeric.count - 1))]
            let value = r.pick(["1O4.50", "12,5", "N/A", "1.234,00", "9e", "--", "#VALUE!"])
            let kind = field.element.type == "decimal" ? "decimal" : "number"
            let message = "Cannot parse \"\(value)\" as \(kind) in record \(failure.detail), field \(field.offset + 1) (\"\(field.element.name)\"), metadata \"\(meta.name)\"; value: '\(value)'"
            shortMessage = message
            chain = [top,
                     JavaException(className: "org.jetel.exception.BadDataFormatException", message: message,
                                   frames: ["org.jetel.data.parser.DataParser.parseNext(DataParser.java:612)",
                                            "org.jetel.data.parser.DataParser.getNext(DataParser.java:190)",
                                            "org.jetel.util.MultiFileReader.getNext(MultiFileReader.java:474)",
                                            "\(javaClass).execute(\(simpleClass).java:\(r.int(250...330)))",
                                            "org.jetel.graph.Node.run(Node.java:585)"], more: 3)]

        case .duplicateKey:
            let table = component.attributes.first { $0.name == "dbTable" }?.value ?? "target"
            let key = RunErrorReport.keyColumn(of: table)
            let constraint = "\(table)_pkey"
            let detail = "Key (\(key))=(\(failure.detail)) already exists."
            let psql = "ERROR: duplicate key value violates unique constraint \"\(constraint)\"\n  Detail: \(detail)"
            shortMessage = "ERROR: duplicate key value violates unique constraint \"\(constraint)\""
            let entry = r.int(0...999)
            chain = [top,
                     JavaException(className: "java.sql.BatchUpdateException",
                                   message: "Batch entry \(entry) INSERT INTO \(table) VALUES (...) was aborted: \(psql)  Call getNextException to see other errors in the batch.",
                                   frames: ["org.postgresql.jdbc.BatchResultHandler.handleError(BatchResultHandler.java:165)",
                                            "org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2413)",
                                            "org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:579)",
                                            "org.postgresql.jdbc.PgStatement.internalExecuteBatch(PgStatement.java:912)",
                                            "org.postgresql.jdbc.PgStatement.executeBatch(PgStatement.java:936)",
                                            "org.postgresql.jdbc.PgPreparedStatement.executeBatch(PgPreparedStatement.java:1733)",
                                            "org.jetel.connection.jdbc.SQLCloverStatement.executeBatch(SQLCloverStatement.java:372)",
                                            "\(javaClass).runInBatchMode(\(simpleClass).java:\(r.int(900...1100)))",
                                            "\(javaClass).execute(\(simpleClass).java:\(r.int(700...800)))",
                                            "org.jetel.graph.Node.run(Node.java:585)"], more: 3),
                     JavaException(className: "org.postgresql.util.PSQLException", message: psql,
                                   frames: ["org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)",
                                            "org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2412)"], more: 11)]

        case .httpUnavailable:
            let url: String
            if case .http(let u) = component.resource { url = u } else { url = "https://example.com/" }
            shortMessage = "HTTP status 503 Service Unavailable"
            chain = [top,
                     JavaException(className: "org.jetel.exception.JetelRuntimeException",
                                   message: "Request to \(url) failed: HTTP status 503 Service Unavailable",
                                   frames: ["org.jetel.component.HttpConnector.checkResponse(HttpConnector.java:2210)",
                                            "org.jetel.component.HttpConnector.process(HttpConnector.java:1802)",
                                            "org.jetel.component.HttpConnector.execute(HttpConnector.java:1734)",
                                            "org.jetel.graph.Node.run(Node.java:585)"], more: 3)]

        case .childFailed:
            let child = failure.childRunId.flatMap { model.run(id: $0) }
            let childSpec = child.map { DemoCatalogue.jobs[$0.job] }
            let childURL = childSpec.map { "sandbox://\($0.sandbox)/\($0.path)" } ?? "?"
            let childStatus = child?.status.rawValue ?? "ERROR"
            var message = "Job \(childURL) (runId \(failure.childRunId ?? 0)) finished with status \(childStatus)."
            if child?.status == .timeout, let step = spec.steps.first(where: { $0.componentId == component.id }), let t = step.timeoutMs {
                message = "Job \(childURL) (runId \(failure.childRunId ?? 0)) finished with status TIMEOUT: timeout \(t) ms exceeded."
            }
            shortMessage = message
            var childMessage = "Child job failed."
            if let child, let childReport = RunErrorReport(run: child, model: model, tracking: RunTracking(run: child, model: model)) {
                childMessage = childReport.shortMessage
            } else if child?.status == .aborted {
                childMessage = "Job was aborted."
            }
            chain = [top,
                     JavaException(className: "com.cloveretl.server.component.ExecuteJobException", message: message,
                                   frames: ["com.cloveretl.server.component.ExecuteJobBase.checkResult(ExecuteJobBase.java:742)",
                                            "com.cloveretl.server.component.ExecuteJobBase.execute(ExecuteJobBase.java:398)",
                                            "org.jetel.graph.Node.run(Node.java:585)"], more: 3),
                     JavaException(className: "org.jetel.exception.StackTraceWrapperException", message: childMessage, frames: [], more: 0)]

        case .aborted, .timeout:
            return nil
        }
    }

    /// The engine's message for the whole chain (`ExceptionUtils.getMessage`): one line per
    /// exception, each indented one space deeper, skipping messages the previous one already contains.
    var compositeMessage: String {
        var lines: [String] = []
        var last: String?
        var depth = 0
        for (i, e) in chain.enumerated() {
            var message: String? = e.message.isEmpty ? nil : e.message
            if message == nil && i == chain.count - 1 { message = e.className }
            if let m = message, let l = last, l.contains(m) { message = nil }
            if let m = message, i + 1 < chain.count {
                let cause = chain[i + 1]
                if m == cause.className || m == cause.className + ": " + cause.message { message = nil }
            }
            guard let m = message else { continue }
            for line in m.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(String(repeating: " ", count: depth) + line)
            }
            depth += 1
            last = m
        }
        return lines.joined(separator: "\n")
    }

    /// `Throwable.printStackTrace()` of the chain.
    var stackTrace: String {
        var out = ""
        for (i, e) in chain.enumerated() {
            if i > 0 { out += "\nCaused by: " }
            out += e.message.isEmpty ? e.className : e.className + ": " + e.message
            for frame in e.frames { out += "\n\tat " + frame }
            if e.more > 0 { out += "\n\t... \(e.more) more" }
        }
        return out
    }

    static func keyColumn(of table: String) -> String {
        switch table {
        case "stg_orders": return "order_id"
        case "dim_customer": return "customer_id"
        case "fact_sales": return "date_key, customer_key"
        case "contacts": return "contact_id"
        case "accounts": return "account_id"
        case "leads": return "lead_id"
        case "dim_product": return "sku"
        default: return "id"
        }
    }

    /// The absolute file a file component opened, with the run's parameters filled in.
    static func resolvedFile(component: ComponentSpec, run: DemoRun, sandboxRoot: String, model: DemoModel) -> String {
        var pattern: String
        switch component.resource {
        case .fileRead(let p), .fileWrite(let p): pattern = p
        default: pattern = "${DATAIN_DIR}/input.csv"
        }
        if let input = run.parameters.first(where: { $0.name == "INPUT_FILE" })?.value, case .fileRead = component.resource {
            pattern = input
        }
        if pattern.contains("*") || pattern.hasSuffix("/") {
            let stamp = DemoSimulation.fileStamp(run.start >= 0 ? run.start : run.submit, clock: model.clock)
            let region = run.parameters.first { $0.name == "REGION" }?.value ?? "ALL"
            if pattern.hasSuffix("/") {
                pattern += (pattern.contains("leads") ? "leads_" : "file_") + stamp + ".csv"
            } else {
                pattern = pattern.replacingOccurrences(of: "${REGION}", with: region).replacingOccurrences(of: "*", with: stamp)
            }
        }
        return pattern
            .replacingOccurrences(of: "${DATAIN_DIR}", with: sandboxRoot + "/data-in")
            .replacingOccurrences(of: "${DATAOUT_DIR}", with: sandboxRoot + "/data-out")
            .replacingOccurrences(of: "${RUN_ID}", with: String(run.id))
    }
}
