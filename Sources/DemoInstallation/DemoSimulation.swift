/// Plays the week forward: schedules fire, listeners react, people start jobs, the job queue
/// admits them, jobflows launch children, incidents interrupt. The result is the run history.
struct DemoSimulation {
    let seed: UInt64
    let clock: DemoClock
    let profile: DemoProfile
    let windowStart: Int64
    let now: Int64
    let firstDay: Int64
    let days: Int

    init(seed: UInt64, clock: DemoClock, profile: DemoProfile, now: Int64, days: Int) {
        self.seed = seed
        self.clock = clock
        self.profile = profile
        self.now = now
        self.days = days
        firstDay = clock.localDay(now) - Int64(days - 1)
        windowStart = clock.midnight(ofDay: firstDay)
    }

    func makeModel() -> DemoModel {
        let incidents = planIncidents()
        let schedules = scheduleList()
        var random = DemoRandom(seed: seed, stream: "run-ids")
        let firstRunId = 10_000 + random.int(0...89_999)
        var engine = Engine(simulation: self, incidents: incidents, firstRunId: firstRunId)
        for submission in plannedSubmissions(incidents: incidents, schedules: schedules) {
            engine.add(submission)
        }
        engine.run()
        var model = DemoModel(seed: seed, clock: clock, profile: profile, windowStart: windowStart, now: now, firstDay: firstDay,
                              days: days, incidents: incidents, schedules: schedules, runs: engine.runs, firstRunId: firstRunId,
                              sessions: [], loginAttempts: [], designerCalls: [], dataServiceCalls: [], userActions: [])
        DemoPeople(model: model).populate(&model)
        return model
    }

    /// Day `index` of the window (0 = oldest), if the window has it.
    private func day(_ index: Int) -> Int64? {
        index >= 0 && index < days ? firstDay + Int64(index) : nil
    }

    func planIncidents() -> DemoIncidents {
        var r = DemoRandom(seed: seed, stream: "incidents")
        var incidents = DemoIncidents()
        let safe: (Int64) -> Bool = { $0 > windowStart + 3_600_000 && $0 < now - 600_000 }

        if let d = day(days - 5) {
            let down = clock.at(day: d, hour: 15, minute: 21, second: r.int(0...40), ms: r.int(0...999))
            if safe(down) {
                incidents.coreDown = down
                incidents.coreUp = down + 76_000 + Int64(r.int(0...9000))
                incidents.coreWorkerUp = incidents.coreUp! + 13_000 + Int64(r.int(0...3000))
                incidents.fdErrorsFrom = down - 55 * 60_000
                incidents.fdLeakStart = max(windowStart + 1_800_000, down - 31 * 3_600_000)
            }
        }
        if let d = day(days - 4) {
            let start = clock.at(day: d, hour: 2, minute: 0, second: 5 + r.int(0...7), ms: r.int(0...999))
            if safe(start) {
                incidents.dbOutageStart = start
                incidents.dbOutageEnd = start + 16 * 60_000 + Int64(r.int(0...40_000))
            }
        }
        if let d = day(days - 3) {
            let crash = clock.at(day: d, hour: 11, minute: 45, second: 1 + r.int(0...2), ms: r.int(0...999))
            if safe(crash) {
                incidents.oomTime = crash
                incidents.oomCulpritSubmit = crash - 395_000 - Int64(r.int(0...30_000))
                incidents.oomWorkerKill = crash + 61_000 + Int64(r.int(0...2500))
                incidents.oomWorkerUp = incidents.oomWorkerKill! + 14_000 + Int64(r.int(0...3000))
            }
            let brute = clock.at(day: d, hour: 21, minute: 30 + r.int(0...20), second: r.int(0...59))
            if safe(brute) { incidents.bruteForceStart = brute }
        }
        if let d = day(days - 2) {
            let submit = clock.at(day: d, hour: 9, minute: 2 + r.int(0...6), second: r.int(0...59), ms: r.int(0...999))
            if safe(submit) { incidents.backfillSubmit = submit }
            let abort = clock.at(day: d, hour: 14, minute: 10 + r.int(0...30), second: r.int(0...59), ms: r.int(0...999))
            if safe(abort) { incidents.abortedDesignerRun = abort }
        }
        if let d = day(days - 1) ?? day(days - 2) {
            let sync = clock.at(day: d, hour: 6, minute: 5)
            if safe(sync + 300_000) { incidents.slowCRMSync = sync }
        }
        return incidents
    }

    func scheduleList() -> [DemoSchedule] {
        var list = DemoCatalogue.schedules
        for (i, region) in profile.regions.enumerated() {
            list.append(DemoSchedule(
                id: 101 + i, name: "Orders \(region) every \(profile.regionIntervalMinutes) minutes", job: "dwh/graph/LoadOrders.grf",
                cron: "0 \(i % profile.regionIntervalMinutes)/\(profile.regionIntervalMinutes) * * * ?", owner: "scheduler", enabled: true,
                timing: .every(minutes: profile.regionIntervalMinutes, offsetMinutes: i % profile.regionIntervalMinutes, fromHour: 0, toHour: 23,
                               weekdaysOnly: false),
                parameters: [("REGION", region)]))
        }
        return list
    }

    struct Submission {
        var time: Int64
        let job: Int
        let user: String
        let origin: RunOrigin
        let ip: String?
        let parameters: [(name: String, value: String)]
        var forcedOOM = false
        var forcedAbort = false
    }

    private func plannedSubmissions(incidents: DemoIncidents, schedules: [DemoSchedule]) -> [Submission] {
        var list: [Submission] = []
        var r = DemoRandom(seed: seed, stream: "submissions")
        for schedule in schedules where schedule.enabled {
            let job = DemoCatalogue.jobIndex(schedule.job)
            for dayIndex in 0..<days {
                let d = firstDay + Int64(dayIndex)
                var times: [Int64] = []
                switch schedule.timing {
                case .every(let minutes, let offset, let fromHour, let toHour, let weekdaysOnly):
                    if weekdaysOnly && DemoClock.isWeekend(day: d) { break }
                    var m = offset
                    while m < 24 * 60 {
                        if m / 60 >= fromHour && m / 60 <= toHour { times.append(clock.at(day: d, hour: m / 60, minute: m % 60)) }
                        m += minutes
                    }
                case .daily(let hour, let minute):
                    times.append(clock.at(day: d, hour: hour, minute: minute))
                case .weekly(let weekday, let hour, let minute):
                    if DemoClock.weekday(ofDay: d) == weekday { times.append(clock.at(day: d, hour: hour, minute: minute)) }
                }
                for t in times {
                    let fire = t + Int64(r.int(4...180))
                    guard fire >= windowStart && fire <= now else { continue }
                    list.append(Submission(time: fire, job: job, user: schedule.owner, origin: .schedule(schedule.id), ip: nil,
                                           parameters: schedule.parameters))
                }
            }
        }

        let leads = DemoCatalogue.jobIndex("crm/graph/ImportLeads.grf")
        let designerJobs = ["dwh/graph/LoadOrders.grf", "dwh/graph/LoadProducts.grf", "crm/graph/SyncContacts.grf", "crm/graph/ImportLeads.grf",
                            "crm/graph/DedupeAccounts.grf", "reporting/graph/ExportKPIs.grf", "dwh/graph/LoadCustomers.grf"]
            .map(DemoCatalogue.jobIndex)
        let consoleJobs = ["reporting/graph/DailySalesReport.grf", "dwh/graph/LoadProducts.grf", "reporting/graph/ExportKPIs.grf"]
            .map(DemoCatalogue.jobIndex)
        for dayIndex in 0..<days {
            let d = firstDay + Int64(dayIndex)
            let weekend = DemoClock.isWeekend(day: d)
            // Lead files dropped by the marketing tools.
            for _ in 0..<(weekend ? r.int(2...4) : r.int(10...22)) * profile.activity {
                let t = clock.at(day: d, hour: 6, minute: 0) + Int64(r.int(0...(16 * 3_600_000)))
                let stamp = stampForFile(t)
                list.append(Submission(time: t, job: leads, user: "scheduler", origin: .listener(1), ip: nil,
                                       parameters: [("INPUT_FILE", "${DATAIN_DIR}/leads/leads_\(stamp).csv")]))
            }
            if weekend { continue }
            // The order portal pushes lead batches through the REST API.
            for _ in 0..<r.int(5...9) * profile.activity {
                let t = clock.at(day: d, hour: 8, minute: 0) + Int64(r.int(0...(10 * 3_600_000)))
                list.append(Submission(time: t, job: leads, user: "api", origin: .api, ip: DemoCatalogue.user("api").consoleIP,
                                       parameters: [("INPUT_FILE", "${DATAIN_DIR}/leads/portal_\(stampForFile(t)).csv")]))
            }
            // Developers try their changes from Designer.
            for developer in ["jdoe", "asmith"] {
                for _ in 0..<r.int(3...8) * profile.activity {
                    let t = clock.at(day: d, hour: 9, minute: 0) + Int64(r.int(0...(8 * 3_600_000)))
                    list.append(Submission(time: t, job: r.pick(designerJobs), user: developer, origin: .designer,
                                           ip: DemoCatalogue.user(developer).designerIP, parameters: []))
                }
            }
            // Operators re-run reports from the console.
            for _ in 0..<r.int(1...3) * profile.activity {
                let user = r.pick(["admin", "tbrown"])
                let t = clock.at(day: d, hour: 8, minute: 30) + Int64(r.int(0...(8 * 3_600_000)))
                list.append(Submission(time: t, job: r.pick(consoleJobs), user: user, origin: .console,
                                       ip: DemoCatalogue.user(user).consoleIP, parameters: []))
            }
        }
        if let submit = incidents.oomCulpritSubmit {
            var s = Submission(time: submit, job: DemoCatalogue.jobIndex("reporting/graph/AggregateSalesYearly.grf"), user: "mnovak",
                               origin: .console, ip: DemoCatalogue.user("mnovak").consoleIP, parameters: [("YEAR", "2024")])
            s.forcedOOM = true
            list.append(s)
        }
        // A developer's test run is in flight when the Worker dies and when Tomcat restarts.
        for moment in [incidents.oomTime, incidents.coreDown].compactMap({ $0 }) {
            list.append(Submission(time: moment - 14_000 - Int64(r.int(0...6000)), job: DemoCatalogue.jobIndex("dwh/graph/LoadCustomers.grf"),
                                   user: "jdoe", origin: .designer, ip: DemoCatalogue.user("jdoe").designerIP, parameters: []))
        }
        if let submit = incidents.abortedDesignerRun {
            var s = Submission(time: submit, job: DemoCatalogue.jobIndex("crm/graph/DedupeAccounts.grf"), user: "asmith", origin: .designer,
                               ip: DemoCatalogue.user("asmith").designerIP, parameters: [])
            s.forcedAbort = true
            list.append(s)
        }
        if let submit = incidents.backfillSubmit {
            let day = clock.localDay(submit)
            let from = DemoClock.dateString(day: day - 70), to = DemoClock.dateString(day: day - 11)
            list.append(Submission(time: submit, job: DemoCatalogue.jobIndex("dwh/jobflow/MonthEndBackfill.jbf"), user: "jdoe",
                                   origin: .console, ip: DemoCatalogue.user("jdoe").consoleIP,
                                   parameters: [("FROM_DATE", from), ("TO_DATE", to)]))
        }
        return list.filter { $0.time <= now }
    }

    func stampForFile(_ t: Int64) -> String {
        DemoSimulation.fileStamp(t, clock: clock)
    }

    /// `yyyyMMdd_HHmmss`, as the file-producing systems name their drops.
    static func fileStamp(_ t: Int64, clock: DemoClock) -> String {
        let c = DemoClock.civil(day: clock.localDay(t))
        let s = Int(clock.msOfDay(t) / 1000)
        return "\(DemoClock.pad4(c.year))\(DemoClock.pad2(c.month))\(DemoClock.pad2(c.day))_\(DemoClock.pad2(s / 3600))\(DemoClock.pad2(s / 60 % 60))\(DemoClock.pad2(s % 60))"
    }
}

extension DemoSimulation {
    /// The discrete-event engine behind `makeModel`.
    struct Engine {
        let simulation: DemoSimulation
        let incidents: DemoIncidents
        let firstRunId: Int
        var runs: [DemoRun] = []
        private var heap = EventHeap()
        private var submissions: [Submission] = []
        private var queue: [Int] = []
        private var runningGraphs = 0
        private var workerUp = true
        private var coreUp = true
        private var jobflows: [Int: JobflowState] = [:]
        private var oomCulprit: Int?
        private var forcedAborts: Set<Int> = []

        struct JobflowState {
            var step = 0
            var launched = 0
            var outstanding = 0
            var failedChild: Int?
            var finished = false
        }

        init(simulation: DemoSimulation, incidents: DemoIncidents, firstRunId: Int) {
            self.simulation = simulation
            self.incidents = incidents
            self.firstRunId = firstRunId
            if let t = incidents.oomTime {
                heap.push(t, .workerCrash)
                heap.push(incidents.oomWorkerKill!, .workerKilled)
                heap.push(incidents.oomWorkerUp!, .workerUp)
            }
            if let t = incidents.coreDown {
                heap.push(t, .coreDown)
                heap.push(incidents.coreUp!, .coreUp)
                heap.push(incidents.coreWorkerUp!, .workerUp)
            }
        }

        mutating func add(_ submission: Submission) {
            submissions.append(submission)
            heap.push(submission.time, .submit(submissions.count - 1))
        }

        mutating func run() {
            let now = simulation.now
            while let event = heap.pop() {
                if event.time > now { break }
                switch event.kind {
                case .submit(let index): submit(submissions[index], at: event.time)
                case .start(let index): start(index, at: event.time)
                case .finish(let index, let token): finish(index, at: event.time, token: token)
                case .launch(let index, let step, let ordinal): launch(jobflow: index, step: step, ordinal: ordinal, at: event.time)
                case .jobflowEnd(let index): endJobflow(index, at: event.time)
                case .workerCrash: workerCrash(at: event.time)
                case .workerKilled: workerKilled(at: event.time)
                case .workerUp:
                    workerUp = true
                    admit(at: event.time)
                case .coreDown: coreDown(at: event.time)
                case .coreUp: coreUp = true
                }
            }
            // What `now` finds: queued runs stay ENQUEUED, started ones still RUNNING.
            for i in runs.indices where runs[i].stop < 0 || runs[i].stop > now {
                if runs[i].start >= 0 && runs[i].start <= now {
                    runs[i].status = .running
                    runs[i].stop = -1
                    runs[i].logEnd = now
                } else {
                    runs[i].status = .enqueued
                    runs[i].start = -1
                    runs[i].stop = -1
                    runs[i].phaseStarts = []
                    runs[i].phaseEnds = []
                }
                if let f = runs[i].failure, f.time > now { runs[i].failure = nil }
            }
        }

        // MARK: submissions and the queue

        @discardableResult
        private mutating func submit(_ s: Submission, at time: Int64, parent: Int? = nil, step: Int = -1) -> Int? {
            guard coreUp else { return nil }
            let id = firstRunId + runs.count
            var run = DemoRun(id: id, parentId: id, rootId: id, job: s.job, username: s.user, origin: s.origin, clientIP: s.ip,
                              submit: time, parameters: s.parameters)
            if let p = parent {
                run.parentId = runs[p].id
                run.rootId = runs[p].rootId
                run.parentStep = step
            }
            runs.append(run)
            let index = runs.count - 1
            if s.forcedOOM { oomCulprit = index }
            if s.forcedAbort { forcedAborts.insert(index) }
            queue.append(index)
            admit(at: time)
            return index
        }

        private mutating func admit(at time: Int64) {
            guard workerUp && coreUp else { return }
            var remaining: [Int] = []
            var r = DemoRandom(seed: simulation.seed, stream: "admit", item: Int(time % 1_000_000_007))
            for index in queue {
                let isGraph = DemoCatalogue.jobs[runs[index].job].kind == .graph
                if isGraph && runningGraphs >= simulation.profile.graphSlots {
                    remaining.append(index)
                    continue
                }
                if isGraph { runningGraphs += 1 }
                runs[index].start = -2  // admitted, starting
                heap.push(time + Int64(r.int(14...70)), .start(index))
            }
            queue = remaining
        }

        private mutating func start(_ index: Int, at time: Int64) {
            guard runs[index].start == -2 else { return }
            guard workerUp && coreUp else {
                // The Worker went away between admission and start: back to the queue.
                release(index)
                runs[index].start = -1
                queue.insert(index, at: 0)
                return
            }
            runs[index].start = time
            runs[index].status = .running
            let spec = DemoCatalogue.jobs[runs[index].job]
            if spec.kind == .jobflow {
                startJobflow(index, at: time)
            } else {
                plan(graph: index, at: time)
                heap.push(runs[index].stop, .finish(index, runs[index].stop))
            }
        }

        private mutating func release(_ index: Int) {
            if DemoCatalogue.jobs[runs[index].job].kind == .graph { runningGraphs = max(0, runningGraphs - 1) }
        }

        // MARK: graphs

        /// Decides how a graph run goes: duration, phases, and whether and where it fails.
        private mutating func plan(graph index: Int, at start: Int64) {
            let spec = DemoCatalogue.jobs[runs[index].job]
            var r = DemoRandom(seed: simulation.seed, stream: "run", item: runs[index].id)
            let records = r.int(spec.records)
            let span = max(1, spec.records.upperBound - spec.records.lowerBound)
            let u = Double(records - spec.records.lowerBound) / Double(span)
            var duration = Double(spec.durationMs.lowerBound)
                + Double(spec.durationMs.upperBound - spec.durationMs.lowerBound) * (0.65 * u + 0.35 * r.unit())
            duration *= simulation.profile.durationScale
            // A backfill child reloads a whole day's archive: far more records, minutes of work.
            let backfill = runs[index].parameters.contains { $0.name == "BATCH_DATE" }
            if backfill { duration = r.double(90_000...240_000) }
            if runs[index].parentStep >= 0,
               let timeout = DemoCatalogue.jobs[runs[runs[index].parentId - firstRunId].job].steps[runs[index].parentStep].timeoutMs {
                duration = min(duration, Double(timeout) * 0.8)
            }
            if index == oomCulprit { duration = Double(incidents.oomTime! - start) + 240_000 }
            let slowHour = incidents.slowCRMSync.map { start >= $0 && start < $0 + 120_000 } ?? false
            let slowSync = runs[index].parentStep >= 0 && spec.path == "graph/SyncContacts.grf" && (r.chance(0.02) || slowHour)
            if slowSync { duration = 150_000 + r.double(0...60_000) }
            runs[index].records = backfill ? min(records * 20, 480_000) : records
            runs[index].memoryMB = r.int(spec.memoryMB)

            let initMs = Int64(r.int(45...160))
            let tailMs = Int64(r.int(14...45))
            let body = max(Int64(spec.phaseCount) * 40, Int64(duration) - initMs - tailMs)
            var starts: [Int64] = [], ends: [Int64] = []
            var t = start + initMs
            for (p, weight) in spec.phaseWeights.enumerated() {
                starts.append(t)
                let length = p == spec.phaseCount - 1 ? (start + initMs + body - t) : Int64(Double(body) * weight * r.double(0.85...1.15))
                t += max(25, length)
                ends.append(t)
                if p < spec.phaseCount - 1 { t += Int64(r.int(2...9)) }
            }
            runs[index].phaseStarts = starts
            runs[index].phaseEnds = ends
            runs[index].stop = t + tailMs
            runs[index].status = .finishedOK

            func fail(_ kind: FailureKind, component: Int, at time: Int64, detail: Int, status: RunStatus = .error, by: String? = nil) {
                let phase = spec.components[component].phase
                let errorTime = min(max(time, starts[phase] + 3), ends[phase])
                runs[index].failure = RunFailure(kind: kind, component: component, time: errorTime, detail: detail, abortedBy: by)
                runs[index].status = status
                runs[index].phaseEnds = Array(ends[0...phase])
                runs[index].phaseEnds[phase] = errorTime + Int64(r.int(2...12))
                runs[index].phaseStarts = Array(starts[0...phase])
                runs[index].stop = runs[index].phaseEnds[phase] + Int64(r.int(18...70))
            }

            if index == oomCulprit {
                let c = spec.components.firstIndex { $0.type == "AGGREGATE" }!
                fail(.outOfMemory, component: c, at: incidents.oomTime!, detail: 0)
                return
            }
            // The warehouse database is down: connecting fails at the start of the phase that needs it.
            for (c, component) in spec.components.enumerated() {
                if case .database(let db) = component.resource, db == DemoCatalogue.dwhDatabase,
                   incidents.inDatabaseOutage(starts[component.phase]) {
                    fail(.connectionRefused, component: c, at: starts[component.phase] + Int64(r.int(6...60)), detail: 0)
                    return
                }
            }
            // Leaked descriptors: opening files and sockets starts to fail before the restart.
            if let from = incidents.fdErrorsFrom, let down = incidents.coreDown, start >= from && start < down {
                let progress = Double(start - from) / Double(down - from)
                if r.chance(0.2 + 0.6 * progress) {
                    if let c = spec.components.firstIndex(where: {
                        switch $0.resource { case .fileRead, .fileWrite, .http: return true; default: return false }
                    }) {
                        fail(.tooManyOpenFiles, component: c, at: starts[spec.components[c].phase] + Int64(r.int(4...40)), detail: 0)
                        return
                    }
                }
            }
            for rule in spec.failures where !forcedAborts.contains(index) && r.chance(rule.probability) {
                let c = spec.components.firstIndex { $0.id == rule.component }!
                let p = spec.components[c].phase
                let length = Double(ends[p] - starts[p])
                switch rule.kind {
                case .fileNotFound:
                    fail(.fileNotFound, component: c, at: starts[p] + Int64(r.int(3...30)), detail: 0)
                case .httpUnavailable:
                    fail(.httpUnavailable, component: c, at: starts[p] + Int64(r.int(150...900)), detail: 503)
                case .malformedRecord:
                    let at = r.double(0.05...0.9)
                    fail(.malformedRecord, component: c, at: starts[p] + Int64(length * at), detail: max(2, Int(Double(records) * at)))
                default:
                    let at = r.double(0.2...0.95)
                    fail(rule.kind, component: c, at: starts[p] + Int64(length * at), detail: 10_000 + r.int(0...89_999))
                }
                return
            }
            if slowSync, let timeout = DemoCatalogue.jobs[runs[runs[index].parentId - firstRunId].job].steps[runs[index].parentStep].timeoutMs {
                fail(.timeout, component: 0, at: start + Int64(timeout), detail: timeout, status: .timeout)
                return
            }
            if runs[index].origin == .designer && (r.chance(0.06) || forcedAborts.contains(index)) {
                let c = r.int(0...(spec.components.count - 1))
                let p = spec.components[c].phase
                fail(.aborted, component: c, at: starts[p] + Int64(Double(ends[p] - starts[p]) * r.double(0.2...0.8)), detail: 0,
                     status: .aborted, by: runs[index].username)
                return
            }
            if duration > 60_000 && r.chance(0.004) {
                let c = r.int(0...(spec.components.count - 1))
                let p = spec.components[c].phase
                fail(.aborted, component: c, at: starts[p] + Int64(Double(ends[p] - starts[p]) * r.double(0.2...0.8)), detail: 0,
                     status: .aborted, by: "admin")
            }
        }

        private mutating func finish(_ index: Int, at time: Int64, token: Int64) {
            guard runs[index].stop == token, runs[index].status != .unknown else { return }
            // A hung Worker finishes nothing; the Core writes these runs off when it kills the Worker.
            guard workerUp else { return }
            release(index)
            afterFinish(index, at: time)
            admit(at: time)
        }

        /// Tells the parent jobflow and the job-event listeners that a run ended.
        private mutating func afterFinish(_ index: Int, at time: Int64) {
            let run = runs[index]
            if run.parentId != run.id {
                childFinished(parent: run.parentId - firstRunId, child: index, at: time)
            }
            let key = DemoCatalogue.jobs[run.job].key
            for listener in DemoCatalogue.eventListeners where listener.enabled && listener.watchedJob == key
                && listener.watchedStatus == run.status.rawValue {
                var r = DemoRandom(seed: simulation.seed, stream: "listener", item: run.id)
                let s = Submission(time: time, job: DemoCatalogue.jobIndex(listener.job), user: "scheduler", origin: .listener(listener.id),
                                   ip: nil, parameters: [("EVENT_RUN_ID", String(run.id))])
                add(Submission(time: time + Int64(r.int(120...900)), job: s.job, user: s.user, origin: s.origin, ip: nil,
                               parameters: s.parameters))
            }
        }

        // MARK: jobflows

        private mutating func startJobflow(_ index: Int, at time: Int64) {
            var r = DemoRandom(seed: simulation.seed, stream: "run", item: runs[index].id)
            let spec = DemoCatalogue.jobs[runs[index].job]
            runs[index].records = 1
            runs[index].memoryMB = r.int(spec.memoryMB)
            runs[index].children = Array(repeating: [], count: spec.steps.count)
            let phaseStart = time + Int64(r.int(120...380))
            runs[index].phaseStarts = [phaseStart]
            runs[index].phaseEnds = [phaseStart]
            jobflows[index] = JobflowState()
            heap.push(phaseStart + Int64(r.int(8...40)), .launch(index, 0, 0))
        }

        private mutating func launch(jobflow index: Int, step: Int, ordinal: Int, at time: Int64) {
            guard workerUp, var state = jobflows[index], !state.finished, runs[index].status == .running else { return }
            let spec = DemoCatalogue.jobs[runs[index].job]
            let stepSpec = spec.steps[step]
            var parameters: [(name: String, value: String)] = []
            if stepSpec.fanOut > 1 {
                let day = simulation.clock.localDay(runs[index].submit) - 70 + Int64(ordinal * 60 / stepSpec.fanOut)
                parameters = [("BATCH_DATE", DemoClock.dateString(day: day)),
                              ("INPUT_FILE", "${DATAIN_DIR}/orders/archive/orders_ALL_\(DemoClock.dateString(day: day)).csv")]
            }
            let s = Submission(time: time, job: DemoCatalogue.jobIndex(stepSpec.child), user: runs[index].username, origin: .jobflow,
                               ip: nil, parameters: parameters)
            state.step = step
            state.launched += 1
            state.outstanding += 1
            jobflows[index] = state
            if let child = submit(s, at: time, parent: index, step: step) {
                runs[index].children[step].append(runs[child].id)
            } else {
                state.outstanding -= 1
                jobflows[index] = state
            }
            if ordinal + 1 < stepSpec.fanOut {
                var r = DemoRandom(seed: simulation.seed, stream: "fanout", item: runs[index].id * 1000 + ordinal)
                heap.push(time + Int64(stepSpec.launchSpacingMs) + Int64(r.int(0...4000)), .launch(index, step, ordinal + 1))
            }
        }

        private mutating func childFinished(parent: Int, child: Int, at time: Int64) {
            guard var state = jobflows[parent], !state.finished else { return }
            state.outstanding -= 1
            if runs[child].status != .finishedOK && state.failedChild == nil { state.failedChild = child }
            jobflows[parent] = state
            let spec = DemoCatalogue.jobs[runs[parent].job]
            let stepSpec = spec.steps[state.step]
            guard state.outstanding == 0 && runs[parent].children[state.step].count >= stepSpec.fanOut else { return }
            var r = DemoRandom(seed: simulation.seed, stream: "jobflow-step", item: runs[child].id)
            if state.failedChild != nil || state.step + 1 >= spec.steps.count {
                heap.push(time + Int64(r.int(30...140)), .jobflowEnd(parent))
            } else {
                heap.push(time + Int64(r.int(35...160)), .launch(parent, state.step + 1, 0))
            }
        }

        private mutating func endJobflow(_ index: Int, at time: Int64) {
            guard workerUp, var state = jobflows[index], !state.finished, runs[index].status == .running else { return }
            state.finished = true
            jobflows[index] = state
            let spec = DemoCatalogue.jobs[runs[index].job]
            runs[index].phaseEnds = [time]
            var r = DemoRandom(seed: simulation.seed, stream: "jobflow-end", item: runs[index].id)
            runs[index].stop = time + Int64(r.int(20...80))
            if let failed = state.failedChild {
                let component = spec.components.firstIndex { $0.id == spec.steps[state.step].componentId }!
                runs[index].status = .error
                runs[index].failure = RunFailure(kind: .childFailed, component: component, time: time - 5, detail: 0, childRunId: runs[failed].id)
            } else {
                runs[index].status = .finishedOK
            }
            if runs[index].stop <= simulation.now {
                afterFinish(index, at: runs[index].stop)
            }
            admit(at: time)
        }

        // MARK: incidents

        private mutating func workerCrash(at time: Int64) {
            // The culprit fails with the OutOfMemoryError; the Worker then hangs until the Core kills it.
            workerUp = false
        }

        private mutating func workerKilled(at time: Int64) {
            interruptActiveRuns(at: incidents.oomTime!, recordedAt: time + 1200)
        }

        private mutating func coreDown(at time: Int64) {
            coreUp = false
            workerUp = false
            interruptActiveRuns(at: time, recordedAt: incidents.coreUp! + 6500)
            // Runs still waiting in the queue are lost with the Core.
            for index in queue {
                runs[index].status = .unknown
                runs[index].stop = incidents.coreUp! + 6500
                runs[index].logEnd = time
                runs[index].start = -1
            }
            queue.removeAll()
        }

        /// Every run in flight when the Worker or the Core went away ends UNKNOWN.
        private mutating func interruptActiveRuns(at crash: Int64, recordedAt: Int64) {
            for i in runs.indices where runs[i].start >= 0 && runs[i].start <= crash && (runs[i].stop < 0 || runs[i].stop > crash) {
                if i == oomCulprit && runs[i].status == .error { continue }
                if runs[i].status == .unknown { continue }
                runs[i].status = .unknown
                runs[i].failure = nil
                runs[i].stop = recordedAt + Int64(i % 7) * 3
                runs[i].logEnd = crash - Int64(5 + i % 40)
                jobflows[i]?.finished = true
            }
            for i in runs.indices where runs[i].start == -2 {
                runs[i].start = -1
                queue.append(i)
            }
            // Children still queued for a jobflow that died go with it.
            queue = queue.filter { i in
                let parent = runs[i].parentId - firstRunId
                guard parent != i, runs[parent].status == .unknown else { return true }
                runs[i].status = .unknown
                runs[i].stop = recordedAt + 17
                runs[i].logEnd = crash
                return false
            }
            runningGraphs = 0
            // The culprit's own ERROR stands; it still holds no slot.
            if let culprit = oomCulprit, runs[culprit].status == .error, runs[culprit].stop > crash {
                runs[culprit].stop = min(runs[culprit].stop, recordedAt)
            }
        }
    }

    enum EventKind {
        case submit(Int)
        case start(Int)
        case finish(Int, Int64)
        case launch(Int, Int, Int)
        case jobflowEnd(Int)
        case workerCrash
        case workerKilled
        case workerUp
        case coreDown
        case coreUp
    }

    /// A binary min-heap on (time, insertion order): ties resolve the same way every run.
    struct EventHeap {
        struct Event {
            let time: Int64
            let sequence: Int
            let kind: EventKind
        }

        private var items: [Event] = []
        private var counter = 0

        private static func less(_ a: Event, _ b: Event) -> Bool {
            a.time != b.time ? a.time < b.time : a.sequence < b.sequence
        }

        mutating func push(_ time: Int64, _ kind: EventKind) {
            items.append(Event(time: time, sequence: counter, kind: kind))
            counter += 1
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if EventHeap.less(items[i], items[parent]) {
                    items.swapAt(i, parent)
                    i = parent
                } else {
                    break
                }
            }
        }

        mutating func pop() -> Event? {
            guard !items.isEmpty else { return nil }
            let top = items[0]
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < items.count && EventHeap.less(items[l], items[m]) { m = l }
                    if r < items.count && EventHeap.less(items[r], items[m]) { m = r }
                    if m == i { break }
                    items.swapAt(i, m)
                    i = m
                }
            }
            return top
        }
    }
}
