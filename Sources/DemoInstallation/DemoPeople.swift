/// The people around the server: console sessions and logins, Designer traffic, data-service
/// clients and the user-action trail. Derived from the run history where they touch it (a console
/// run needs a session, an aborted run an abort call).
struct DemoPeople {
    let model: DemoModel

    func populate(_ target: inout DemoModel) {
        let model = self.model
        var r = DemoRandom(seed: model.seed, stream: "people")
        let clock = model.clock
        var sessions: [ConsoleSession] = []
        var attempts: [LoginAttempt] = []
        var actions: [UserActionEvent] = []
        var designer: [DesignerCall] = []
        var services: [DataServiceCall] = []
        let inWindow: (Int64) -> Bool = { $0 >= model.windowStart && $0 <= model.now && model.coreIsUp(at: $0) }
        let createdTbrown = clock.at(day: model.firstDay, hour: 10, minute: 12 + r.int(0...20), second: r.int(0...59), ms: r.int(0...999))

        // Console sessions on working days.
        for dayIndex in 0..<model.days {
            let d = model.firstDay + Int64(dayIndex)
            let weekend = DemoClock.isWeekend(day: d)
            for user in DemoCatalogue.users where user.worksDaily {
                guard let ip = user.consoleIP else { continue }
                let chance = weekend ? (user.username == "admin" ? 0.5 : 0.08) : 0.88
                var count = r.chance(chance) ? 1 : 0
                if count == 1 && r.chance(0.3) { count = 2 }
                var earliest = clock.at(day: d, hour: 7, minute: 40)
                for _ in 0..<count {
                    let login = earliest + Int64(r.int(0...(2 * 3_600_000)))
                    let length = Int64(r.int(25...(7 * 60))) * 60_000
                    let explicit = r.chance(0.55)
                    let logout = login + length + (explicit ? 0 : 30 * 60_000)
                    earliest = logout + 600_000
                    if user.username == "tbrown" && login < createdTbrown + 600_000 { continue }
                    sessions.append(ConsoleSession(user: user.username, ip: ip, login: login, logout: logout, explicitLogout: explicit))
                }
            }
        }
        // Every console run happened inside a session of its user.
        for run in model.runs where run.origin == .console {
            if let i = sessions.firstIndex(where: { $0.user == run.username && $0.login <= run.submit && $0.logout >= run.submit }) {
                _ = i
                continue
            }
            if let i = sessions.firstIndex(where: { $0.user == run.username && abs($0.login - run.submit) < 3 * 3_600_000 }) {
                let s = sessions[i]
                sessions[i] = ConsoleSession(user: s.user, ip: s.ip, login: min(s.login, run.submit - 120_000),
                                             logout: max(s.logout, run.submit + 1_800_000), explicitLogout: s.explicitLogout)
            } else {
                let login = run.submit - Int64(r.int(3...25)) * 60_000
                sessions.append(ConsoleSession(user: run.username, ip: run.clientIP ?? "10.1.2.99", login: login,
                                               logout: run.submit + Int64(r.int(30...150)) * 60_000, explicitLogout: r.chance(0.5)))
            }
        }
        sessions = sessions.filter { inWindow($0.login) }.sorted { $0.login != $1.login ? $0.login < $1.login : $0.user < $1.user }

        for s in sessions {
            let user = DemoCatalogue.user(s.user)
            if r.chance(0.12) {
                let t = s.login - Int64(r.int(8_000...40_000))
                if inWindow(t) {
                    attempts.append(LoginAttempt(time: t, user: s.user, ip: s.ip, success: false, channel: "console", path: "/clover/gui/login"))
                }
            }
            attempts.append(LoginAttempt(time: s.login, user: s.user, ip: s.ip, success: true, channel: "console", path: "/clover/gui/login"))
            if s.logout <= model.now && model.coreIsUp(at: s.logout) {
                actions.append(UserActionEvent(time: s.logout + Int64(r.int(2...60)), user: s.user, domain: user.domain, ip: s.ip, action: "LOGOUT",
                                               result: "SUCCESS", extra: s.explicitLogout ? "" : "reason=SESSION_TIMEOUT"))
            }
        }
        // Someone outside tries to guess the admin password.
        if let start = model.incidents.bruteForceStart {
            var t = start
            for _ in 0..<14 {
                attempts.append(LoginAttempt(time: t, user: r.chance(0.8) ? "admin" : "administrator", ip: DemoCatalogue.attackerIP,
                                             success: false, channel: "console", path: "/clover/gui/login"))
                t += Int64(r.int(2_500...9_000))
            }
        }
        // An analyst without run permission tries the REST API.
        for dayIndex in 0..<model.days where r.chance(0.5) {
            let d = model.firstDay + Int64(dayIndex)
            if DemoClock.isWeekend(day: d) { continue }
            let t = clock.at(day: d, hour: 10, minute: r.int(0...59), second: r.int(0...59), ms: r.int(0...999)) + Int64(r.int(0...4)) * 3_600_000
            if inWindow(t) {
                actions.append(UserActionEvent(time: t, user: "lhorak", domain: "LDAP", ip: "10.1.3.22", action: "EXECUTE_JOB", result: "FAILURE",
                                               extra: "sandbox=dwh job=graph/LoadOrders.grf reason=ACCESS_DENIED"))
            }
        }
        for a in attempts where inWindow(a.time) {
            let domain = DemoCatalogue.users.first { $0.username == a.user }?.domain ?? "clover"
            actions.append(UserActionEvent(time: a.time + Int64(r.int(25...140)), user: a.user, domain: domain, ip: a.ip, action: "LOGIN",
                                           result: a.success ? "SUCCESS" : "FAILURE", extra: a.success ? "" : "reason=BAD_CREDENTIALS"))
        }
        if inWindow(createdTbrown) {
            actions.append(UserActionEvent(time: createdTbrown, user: "admin", domain: "clover", ip: "10.1.2.10", action: "CREATE_USER",
                                           result: "SUCCESS", extra: "target=tbrown domain=SAML groups=operators"))
        }
        for run in model.runs where run.origin == .console {
            let spec = DemoCatalogue.jobs[run.job]
            actions.append(UserActionEvent(time: run.submit, user: run.username, domain: DemoCatalogue.user(run.username).domain,
                                           ip: run.clientIP ?? "-", action: "EXECUTE_JOB", result: "SUCCESS",
                                           extra: "runId=\(run.id) sandbox=\(spec.sandbox) job=\(spec.path)"))
        }
        for run in model.runs where run.status == .aborted {
            guard let f = run.failure, let by = f.abortedBy else { continue }
            let user = DemoCatalogue.user(by)
            let ip = run.origin == .designer ? (user.designerIP ?? "-") : (user.consoleIP ?? "-")
            actions.append(UserActionEvent(time: f.time - 40, user: by, domain: user.domain, ip: ip, action: "ABORT_EXECUTION", result: "SUCCESS",
                                           extra: "runId=\(run.id)"))
            if run.origin == .designer {
                designer.append(DesignerCall(time: f.time - 60, user: by, ip: ip, operation: "abortJob", success: true,
                                             durationMs: r.int(20...90), detail: "runId=\(run.id)"))
            }
        }

        // Designer: the developers' working day, plus the calls around their runs.
        let files = ["graph/LoadOrders.grf", "graph/LoadProducts.grf", "graph/LoadCustomers.grf", "jobflow/NightlyLoad.jbf", "workspace.prm",
                     "graph/SyncContacts.grf", "graph/ImportLeads.grf", "meta/Order.fmt", "trans/MapOrder.ctl"]
        for dayIndex in 0..<model.days {
            let d = model.firstDay + Int64(dayIndex)
            if DemoClock.isWeekend(day: d) { continue }
            for developer in ["jdoe", "asmith"] {
                let user = DemoCatalogue.user(developer)
                let ip = user.designerIP!
                let begin = clock.at(day: d, hour: 8, minute: 30) + Int64(r.int(0...3_600_000))
                designer.append(DesignerCall(time: begin, user: developer, ip: ip, operation: "getServerInfo", success: true,
                                             durationMs: r.int(8...40), detail: ""))
                designer.append(DesignerCall(time: begin + 900, user: developer, ip: ip, operation: "listSandboxes", success: true,
                                             durationMs: r.int(15...70), detail: ""))
                for _ in 0..<r.int(20...60) * model.profile.activity {
                    let t = begin + Int64(r.int(0...(8 * 3_600_000)))
                    let sandbox = r.pick(["dwh", "crm", "reporting"])
                    let file = r.pick(files)
                    let op = r.pick(["listFiles", "listFiles", "downloadFile", "downloadFile", "uploadFile", "getFileInfo"])
                    var ok = true
                    if let from = model.incidents.fdErrorsFrom, let down = model.incidents.coreDown, t >= from && t < down, op == "uploadFile" {
                        ok = r.chance(0.4)
                    }
                    designer.append(DesignerCall(time: t, user: developer, ip: ip, operation: op, success: ok,
                                                 durationMs: op == "uploadFile" ? r.int(60...900) : r.int(10...180), detail: "sandbox=\(sandbox) file=\(file)"))
                    if op == "uploadFile" && ok {
                        actions.append(UserActionEvent(time: t + 30, user: developer, domain: user.domain, ip: ip, action: "SANDBOX_FILE_UPLOAD",
                                                       result: "SUCCESS", extra: "sandbox=\(sandbox) file=\(file)"))
                    }
                }
            }
        }
        for run in model.runs where run.origin == .designer {
            let spec = DemoCatalogue.jobs[run.job]
            let ip = run.clientIP ?? "-"
            designer.append(DesignerCall(time: run.submit - Int64(r.int(20...200)), user: run.username, ip: ip, operation: "executeGraph",
                                         success: true, durationMs: r.int(40...400), detail: "sandbox=\(spec.sandbox) job=\(spec.path) runId=\(run.id)"))
            if run.stop > 0 {
                var t = run.submit + 2000
                var polls = 0
                while t < run.stop && polls < 12 {
                    designer.append(DesignerCall(time: t, user: run.username, ip: ip, operation: "getJobStatus", success: true,
                                                 durationMs: r.int(4...30), detail: "runId=\(run.id)"))
                    t += 5000
                    polls += 1
                }
                designer.append(DesignerCall(time: run.stop + Int64(r.int(300...2500)), user: run.username, ip: ip, operation: "getJobLog",
                                             success: true, durationMs: r.int(15...120), detail: "runId=\(run.id)"))
            }
        }
        designer = designer.filter { inWindow($0.time) }

        // Data services: the order portal and two internal apps.
        for dayIndex in 0..<model.days {
            let d = model.firstDay + Int64(dayIndex)
            let weekend = DemoClock.isWeekend(day: d)
            for _ in 0..<(weekend ? r.int(10...30) : r.int(80...140)) * model.profile.activity {
                let t = clock.at(day: d, hour: 7, minute: 0) + Int64(r.int(0...(12 * 3_600_000)))
                let date = DemoClock.dateString(day: d - Int64(r.int(0...30)))
                services.append(serviceCall(t, user: "api", ip: DemoCatalogue.user("api").consoleIP!,
                                            uri: "/clover/data-service/orders/v1?date=\(date)", readsWarehouse: true, &r))
            }
            for _ in 0..<r.int(150...260) * model.profile.activity {
                let t = clock.midnight(ofDay: d) + r.int64(0...(DemoClock.msPerDay - 1))
                services.append(serviceCall(t, user: "api", ip: r.pick(DemoCatalogue.dataServiceClients),
                                            uri: "/clover/data-service/customers/v1/\(r.int(10_000...99_999))", readsWarehouse: false, &r))
            }
        }
        services = services.filter { inWindow($0.time) }.sorted { $0.time < $1.time }

        target.sessions = sessions
        target.loginAttempts = attempts.filter { inWindow($0.time) }.sorted { $0.time < $1.time }
        target.designerCalls = designer.sorted { $0.time < $1.time }
        target.dataServiceCalls = services
        target.userActions = actions.filter { inWindow($0.time) }.sorted { $0.time < $1.time }
    }

    private func serviceCall(_ t: Int64, user: String, ip: String, uri: String, readsWarehouse: Bool, _ r: inout DemoRandom) -> DataServiceCall {
        var status = 200
        var duration = readsWarehouse ? r.int(60...420) : r.int(8...90)
        var bytes = readsWarehouse ? r.int(2_000...60_000) : r.int(300...1_400)
        if readsWarehouse && model.incidents.inDatabaseOutage(t) {
            status = 500
            duration = r.int(5...40)
            bytes = 182
        } else if let from = model.incidents.fdErrorsFrom, let down = model.incidents.coreDown, t >= from && t < down, r.chance(0.3) {
            status = 500
            bytes = 164
        } else if !readsWarehouse && r.chance(0.04) {
            status = 404
            bytes = 71
        } else if !model.workerIsUp(at: t) {
            status = 503
            duration = r.int(2...10)
            bytes = 120
        }
        return DataServiceCall(time: t, user: user, ip: ip, uri: uri, status: status, durationMs: duration, bytes: bytes)
    }
}
