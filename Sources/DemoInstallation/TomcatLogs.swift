/// `tomcatlogs/`: the access log (`%h %l %u %t %D %r %s %b`, one file per day) and Tomcat's own
/// `catalina.<date>.log` (JULI OneLineFormatter). Requests come from the model (logins, REST runs,
/// Designer calls, data services) plus the background traffic of load balancer, monitoring and an
/// MCP client.
struct TomcatLogs {
    let model: DemoModel
    let access: EventArena
    let catalina: EventArena
    /// Extra all.log lines for failed requests, so a 500 here has its cause there.
    let all: EventArena
    private let zone: String

    init(model: DemoModel, all: EventArena) {
        self.model = model
        access = EventArena(clock: model.clock)
        catalina = EventArena(clock: model.clock)
        self.all = all
        zone = model.clock.compactOffset
    }

    /// One access-log line for a request received at `start` taking `durationMs`; logged when it completes.
    private func request(_ start: Int64, ip: String, user: String?, durationMs: Int, method: String, path: String, status: Int, bytes: Int) {
        guard model.coreIsUp(at: start) && start >= model.windowStart else { return }
        let end = start + Int64(durationMs)
        guard end <= model.now else { return }
        let b = access.begin(end)
        b.write(ip); b.write(" - "); b.write(user ?? "-"); b.write(" ["); b.accessTime(start, zone: zone); b.write("] ")
        b.int(durationMs); b.byte(32); b.write(method); b.byte(32); b.write(path); b.write(" HTTP/1.1 "); b.int(status); b.byte(32)
        if bytes > 0 { b.int(bytes) } else { b.byte(45) }
        b.newline()
        access.end()
    }

    private func fdTrouble(_ t: Int64) -> Bool {
        guard let from = model.incidents.fdErrorsFrom, let down = model.incidents.coreDown else { return false }
        return t >= from && t < down
    }

    private func serverError(_ t: Int64, path: String, _ r: inout DemoRandom) {
        let thread = ServerLogs.httpThread(&r)
        all.log(t, thread: thread, logger: "RestApiServlet", level: "ERROR") { b in
            b.write("Request "); b.write(path); b.write(" failed\njava.net.SocketException: Too many open files\n")
            b.write("\tat java.base/sun.nio.ch.Net.socket0(Native Method)\n")
            b.write("\tat java.base/sun.nio.ch.Net.socket(Net.java:524)\n")
            b.write("\tat com.cloveretl.server.api.rest.ExecutionResource.list(ExecutionResource.java:188)")
        }
    }

    func collect() {
        var r = DemoRandom(seed: model.seed, stream: "tomcat")
        let m = model
        // Load balancer health checks.
        var t = m.windowStart + Int64(r.int(0...29_999))
        while t <= m.now {
            request(t, ip: DemoCatalogue.loadBalancerIP, user: nil, durationMs: r.int(1...4), method: "GET", path: "/clover/accessibilityTest.jsp",
                    status: 200, bytes: 18)
            t += 30_000
        }
        // The monitoring system polls failed executions.
        for client in 0..<m.profile.monitoringClients {
            let ip = client == 0 ? DemoCatalogue.user("monitoring").consoleIP! : "10.1.5.\(20 + client)"
            t = m.windowStart + Int64(r.int(0...(m.profile.monitoringPollSeconds * 1000)))
            while t <= m.now {
                let failing = fdTrouble(t) && r.chance(0.3)
                let path = "/clover/api/rest/v1/executions?status=ERROR&pageSize=50&startIndex=0"
                request(t, ip: ip, user: "monitoring", durationMs: failing ? r.int(2...15) : r.int(18...240), method: "GET", path: path,
                        status: failing ? 500 : 200, bytes: failing ? 164 : r.int(1_200...31_000))
                if failing && m.coreIsUp(at: t) { serverError(t + 3, path: path, &r) }
                t += Int64(m.profile.monitoringPollSeconds) * 1000 + Int64(r.int(0...400))
            }
        }
        // Console logins, the console's own polling, logouts.
        for a in m.loginAttempts {
            if a.channel == "console" {
                request(a.time, ip: a.ip, user: nil, durationMs: r.int(40...180), method: "POST", path: a.path, status: a.success ? 302 : 401,
                        bytes: a.success ? 0 : 1125)
            }
        }
        for s in m.sessions {
            var p = s.login + 400
            request(p, ip: s.ip, user: nil, durationMs: r.int(3...30), method: "GET", path: "/clover/gui/", status: 200, bytes: 2741)
            let end = min(s.logout - (s.explicitLogout ? 0 : 30 * 60_000), m.now)
            while p < end {
                request(p + 700, ip: s.ip, user: nil, durationMs: r.int(8...120), method: "GET",
                        path: r.chance(0.5) ? "/clover/gui/api/executions?page=0&size=25" : "/clover/gui/api/monitoring/status", status: 200,
                        bytes: r.int(900...14_000))
                p += Int64(r.int(45_000...120_000))
            }
            if s.explicitLogout {
                request(s.logout, ip: s.ip, user: nil, durationMs: r.int(3...20), method: "POST", path: "/clover/gui/logout", status: 302, bytes: 0)
            }
        }
        for a in m.userActions where a.action == "EXECUTE_JOB" {
            if a.result == "FAILURE" {
                request(a.time - 30, ip: a.ip, user: a.user, durationMs: r.int(6...30), method: "POST", path: "/clover/api/rest/v1/executions",
                        status: 403, bytes: 98)
            } else {
                request(a.time - 25, ip: a.ip, user: nil, durationMs: r.int(30...140), method: "POST", path: "/clover/gui/api/executions",
                        status: 200, bytes: 87)
            }
        }
        // REST clients start jobs and wait for them.
        for run in m.runs where run.origin == .api {
            request(run.submit - 20, ip: run.clientIP ?? "-", user: run.username, durationMs: r.int(30...90), method: "POST",
                    path: "/clover/api/rest/v1/executions", status: 201, bytes: 64)
            guard run.start >= 0 else { continue }
            var poll = run.submit + 5000
            let until = run.stop >= 0 ? run.stop + 5000 : m.now
            var polls = 0
            while poll <= until && polls < 30 {
                request(poll, ip: run.clientIP ?? "-", user: run.username, durationMs: r.int(6...40), method: "GET",
                        path: "/clover/api/rest/v1/executions/\(run.id)", status: 200, bytes: r.int(610...780))
                poll += 5000
                polls += 1
            }
        }
        for call in m.designerCalls {
            request(call.time, ip: call.ip, user: call.user, durationMs: call.durationMs, method: "POST",
                    path: "/clover/designer-api/\(call.operation)", status: call.success ? 200 : 500,
                    bytes: call.success ? r.int(200...48_000) : 212)
        }
        for call in m.dataServiceCalls {
            request(call.time, ip: call.ip, user: call.user, durationMs: call.durationMs, method: "GET", path: call.uri, status: call.status,
                    bytes: call.bytes)
        }
        // An AI assistant on a developer laptop uses the MCP endpoint (anonymous access).
        for dayIndex in 0..<m.days {
            let d = m.firstDay + Int64(dayIndex)
            if DemoClock.isWeekend(day: d) { continue }
            for _ in 0..<r.int(2...5) * m.profile.activity {
                var t = m.clock.at(day: d, hour: 9, minute: 0) + Int64(r.int(0...(8 * 3_600_000)))
                let mcp = "/clover/mcp/mcp"
                request(t, ip: DemoCatalogue.mcpClientIP, user: nil, durationMs: r.int(12...60), method: "POST", path: mcp, status: 200, bytes: 912)
                t += 150
                request(t, ip: DemoCatalogue.mcpClientIP, user: nil, durationMs: r.int(2...8), method: "POST", path: mcp, status: 202, bytes: 0)
                t += 300
                request(t, ip: DemoCatalogue.mcpClientIP, user: nil, durationMs: r.int(20...80), method: "POST", path: mcp, status: 200, bytes: 12_488)
                for _ in 0..<r.int(3...10) {
                    t += Int64(r.int(2_000...40_000))
                    request(t, ip: DemoCatalogue.mcpClientIP, user: nil, durationMs: r.int(25...2_800), method: "POST", path: mcp, status: 200,
                            bytes: r.int(300...40_000))
                }
            }
        }
        catalinaEvents(&r)
    }

    private func catalinaLine(_ time: Int64, _ level: StaticString, _ thread: String, _ source: String, _ message: String) {
        let b = catalina.begin(time)
        b.catalinaTime(time); b.byte(32); b.write(level); b.write(" ["); b.write(thread); b.write("] "); b.write(source); b.byte(32); b.write(message)
        b.newline()
        catalina.end()
    }

    private func catalinaEvents(_ r: inout DemoRandom) {
        let m = model
        for dayIndex in 0..<m.days {
            let d = m.firstDay + Int64(dayIndex)
            for _ in 0..<r.int(0...2) {
                let t = m.clock.midnight(ofDay: d) + r.int64(0...(DemoClock.msPerDay - 1))
                guard t <= m.now && m.coreIsUp(at: t) else { continue }
                catalinaLine(t, "INFO", "http-nio-8080-exec-\(r.int(1...40))", "org.apache.tomcat.util.http.parser.Cookie.logInvalidHeader",
                             "A cookie header was received [\(r.int(1...9))] that contained an invalid cookie. That cookie will be ignored.")
            }
        }
        guard let down = m.incidents.coreDown, let up = m.incidents.coreUp else { return }
        if let from = m.incidents.fdErrorsFrom {
            var t = from + Int64(r.int(10_000...90_000))
            while t < down {
                let b = catalina.begin(t)
                b.catalinaTime(t)
                b.write(" SEVERE [http-nio-8080-Acceptor] org.apache.tomcat.util.net.Acceptor.run Socket accept failed\n")
                b.write("\tjava.io.IOException: Too many open files\n")
                b.write("\t\tat java.base/sun.nio.ch.Net.accept(Native Method)\n")
                b.write("\t\tat java.base/sun.nio.ch.ServerSocketChannelImpl.implAccept(ServerSocketChannelImpl.java:433)\n")
                b.write("\t\tat java.base/sun.nio.ch.ServerSocketChannelImpl.accept(ServerSocketChannelImpl.java:399)\n")
                b.write("\t\tat org.apache.tomcat.util.net.NioEndpoint.serverSocketAccept(NioEndpoint.java:521)\n")
                b.write("\t\tat org.apache.tomcat.util.net.Acceptor.run(Acceptor.java:129)\n")
                b.write("\t\tat java.base/java.lang.Thread.run(Thread.java:1583)\n")
                catalina.end()
                t += Int64(r.int(40_000...200_000))
            }
        }
        let stop: [(Int64, StaticString, String, String)] = [
            (0, "INFO", "org.apache.catalina.core.StandardServer.await",
             "A valid shutdown command was received via the shutdown port. Stopping the Server instance."),
            (30, "INFO", "org.apache.coyote.AbstractProtocol.pause", "Pausing ProtocolHandler [\"http-nio-8080\"]"),
            (60, "INFO", "org.apache.catalina.core.StandardService.stopInternal", "Stopping service [Catalina]"),
            (5200, "WARNING", "org.apache.catalina.loader.WebappClassLoaderBase.clearReferencesThreads",
             "The web application [clover] appears to have started a thread named [WorkerProcessMonitor] but has failed to stop it. This is very likely to create a memory leak. Stack trace of thread:"),
            (5600, "INFO", "org.apache.coyote.AbstractProtocol.stop", "Stopping ProtocolHandler [\"http-nio-8080\"]"),
            (5700, "INFO", "org.apache.coyote.AbstractProtocol.destroy", "Destroying ProtocolHandler [\"http-nio-8080\"]"),
        ]
        for (offset, level, source, message) in stop { catalinaLine(down + offset, level, "main", source, message) }
        let boot = up - 41_000
        let start: [(Int64, StaticString, String, String)] = [
            (0, "INFO", "org.apache.catalina.startup.VersionLoggerListener.log", "Server version name:   Apache Tomcat/10.1.34"),
            (2, "INFO", "org.apache.catalina.startup.VersionLoggerListener.log", "Server built:          Dec 5 2024 22:01:19 UTC"),
            (3, "INFO", "org.apache.catalina.startup.VersionLoggerListener.log", "OS Name:               Linux"),
            (4, "INFO", "org.apache.catalina.startup.VersionLoggerListener.log", "JVM Version:           21.0.5+11-LTS"),
            (5, "INFO", "org.apache.catalina.startup.VersionLoggerListener.log", "CATALINA_HOME:         /opt/tomcat"),
            (6, "INFO", "org.apache.catalina.startup.VersionLoggerListener.log", "Command line argument: -Dclover.clover.home=\(m.contentRoot)"),
            (810, "INFO", "org.apache.coyote.AbstractProtocol.init", "Initializing ProtocolHandler [\"http-nio-8080\"]"),
            (830, "INFO", "org.apache.catalina.startup.Catalina.load", "Server initialization in [812] milliseconds"),
            (900, "INFO", "org.apache.catalina.core.StandardService.startInternal", "Starting service [Catalina]"),
            (901, "INFO", "org.apache.catalina.core.StandardEngine.startInternal", "Starting Servlet engine: [Apache Tomcat/10.1.34]"),
            (950, "INFO", "org.apache.catalina.startup.HostConfig.deployWAR", "Deploying web application archive [/opt/tomcat/webapps/clover.war]"),
            (40_100, "INFO", "org.apache.catalina.startup.HostConfig.deployWAR",
             "Deployment of web application archive [/opt/tomcat/webapps/clover.war] has finished in [39,150] ms"),
            (40_150, "INFO", "org.apache.coyote.AbstractProtocol.start", "Starting ProtocolHandler [\"http-nio-8080\"]"),
            (40_190, "INFO", "org.apache.catalina.startup.Catalina.start", "Server startup in [40190] milliseconds"),
        ]
        for (offset, level, source, message) in start { catalinaLine(boot + offset, level, "main", source, message) }
    }

    /// Writes one access log and one catalina log per day with content.
    func write(directory: String) throws -> (files: [String], bytes: Int64) {
        var files: [String] = []
        var total: Int64 = 0
        for (prefix, suffix, arena) in [("localhost_access_log.", ".txt", access), ("catalina.", ".log", catalina)] {
            let out = TextBuffer(clock: model.clock, capacity: 1 << 20)
            var day: Int64 = .min
            var lastTime: Int64 = 0
            func flush() throws {
                guard day != .min else { return }
                let path = directory + "/" + prefix + DemoClock.dateString(day: day) + suffix
                try FileOutput.write(out.bytes, to: path)
                FileOutput.setModificationTime(path, ms: lastTime)
                files.append(path)
                total += Int64(out.count)
                out.removeAll()
            }
            for entry in arena.sorted() {
                let d = model.clock.localDay(entry.time)
                if d != day {
                    try flush()
                    day = d
                }
                out.write(arena.bytes(of: entry))
                lastTime = entry.time
            }
            try flush()
        }
        return (files, total)
    }
}
