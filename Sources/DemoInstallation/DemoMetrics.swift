/// performance.log and job-queue.log: one JSON object per line every 3 s, computed from the same run
/// history (running and queued jobs) and incidents (heap exhaustion, descriptor leak, restarts)
/// the other logs tell. Also feeds the resource monitors into monitor.log and all.log.
struct DemoMetrics {
    let model: DemoModel

    /// The Core's open file descriptors at `t`: flat, then the leak climbing to the limit, then a
    /// fresh process after the restart.
    static func coreFD(at t: Int64, model: DemoModel) -> Int {
        let i = model.incidents
        var base = 372 + Int((t / 3000) % 23) + Int((t / 60_000) % 17)
        if let leak = i.fdLeakStart, let from = i.fdErrorsFrom, let down = i.coreDown, t >= leak && t < down {
            let span = Double(from - leak)
            let x = min(1.0, Double(t - leak) / span)
            base = 390 + Int(Double(DemoCatalogue.fdLimit - 480) * (x * x * 0.55 + x * 0.45))
            if t >= from { base = DemoCatalogue.fdLimit - 40 + Int((t / 3000) % 41) }
        }
        return min(base, DemoCatalogue.fdLimit)
    }

    /// Counts at a moment, from sorted event times (`#events <= t`), advanced monotonically.
    private struct Sweep {
        let times: [Int64]
        var index = 0
        init(_ times: [Int64]) { self.times = times.sorted() }
        mutating func count(upTo t: Int64) -> Int {
            while index < times.count && times[index] <= t { index += 1 }
            return index
        }
    }

    func write(performance: RollingLog, jobQueue: RollingLog, all: EventArena, monitor: EventArena) throws {
        let i = model.incidents
        var r = DemoRandom(seed: model.seed, stream: "metrics")
        let started = model.runs.filter { $0.start >= 0 }
        let far = Int64.max / 4
        var runningStarts = Sweep(started.map(\.start))
        var runningStops = Sweep(started.map { $0.stop >= 0 ? $0.stop : far })
        var flowStarts = Sweep(started.filter { DemoCatalogue.jobs[$0.job].kind == .jobflow }.map(\.start))
        var flowStops = Sweep(started.filter { DemoCatalogue.jobs[$0.job].kind == .jobflow }.map { $0.stop >= 0 ? $0.stop : far })
        var enqueued = Sweep(model.runs.map(\.submit))
        var dequeued = Sweep(model.runs.map { $0.start >= 0 ? $0.start : ($0.stop >= 0 ? $0.stop : far) })
        var recentStarts = Sweep(started.map(\.start))
        var recentStartsLag = Sweep(started.map(\.start))
        var queueStarts = Sweep(started.filter(\.waitedInQueue).map(\.start))
        var queueStartsLag = Sweep(started.filter(\.waitedInQueue).map(\.start))
        let culprit = model.runs.first { $0.failure?.kind == .outOfMemory }

        // Process start times: the Core started days before the window; the Worker restarts with it
        // and after the heap incident.
        let coreStart = model.windowStart - Int64(8 * 86_400_000 + r.int(0...(9 * 86_400_000)))
        let coreRestart = i.coreUp.map { $0 - 41_000 }
        var workerStarts: [Int64] = [coreStart + 31_000]
        if let kill = i.oomWorkerKill { workerStarts.append(kill + 600) }
        if let up = i.coreUp { workerStarts.append(up + 1000) }
        workerStarts.sort()

        var avgCpu = 10.0
        var heapAlarm = false, fdAlarm = false, queueAlarm = false
        let maxHeap = Double(DemoCatalogue.workerMaxHeapMB) / 1024
        var t = model.windowStart + Int64(r.int(200...2800))
        let p = performance.current, q = jobQueue.current
        while t <= model.now {
            defer { t += 3000 + Int64(r.int(0...6)) - 3 }
            // No entries while Tomcat is down, nor while the Worker's heap exhaustion stalls everything.
            if let down = i.coreDown, let up = i.coreUp, t >= down && t < up + 4000 { continue }
            if let crash = i.oomTime, t >= crash && t < crash + 25_000 { continue }
            let workerHung = i.oomTime.map { t >= $0 && t < i.oomWorkerKill! } ?? false
            let workerStarting = (i.oomWorkerKill.map { t >= $0 && t < i.oomWorkerUp! } ?? false)
                || (i.coreUp.map { t >= $0 && t < i.coreWorkerUp! } ?? false)
            let workerKeys = !workerHung && !workerStarting

            let running = runningStarts.count(upTo: t) - runningStops.count(upTo: t)
            let flows = flowStarts.count(upTo: t) - flowStops.count(upTo: t)
            let queued = max(0, enqueued.count(upTo: t) - dequeued.count(upTo: t))
            let startedRecently = recentStarts.count(upTo: t) - recentStartsLag.count(upTo: t - 3000)
            let fromQueue = queueStarts.count(upTo: t) - queueStartsLag.count(upTo: t - 3000)
            // The Core keeps counting runs it believes are running, even while the Worker hangs.
            let jobs = running

            var wHeap = 0.42 + 0.11 * Double(jobs) + 0.3 * Double((t / 1000) % 67) / 67 + r.double(0...0.05)
            var wGC = 0.3 + 0.45 * Double(jobs) + r.double(0...1.2)
            var sysCPU = 3.5 + 7.2 * Double(jobs) + r.double(0...4)
            if let culprit, culprit.start >= 0, let crash = i.oomTime, t >= culprit.start && t < crash {
                let x = Double(t - culprit.start) / Double(crash - culprit.start)
                wHeap = max(wHeap, 1.1 + (maxHeap - 0.06 - 1.1) * x)
                if x > 0.55 {
                    let y = (x - 0.55) / 0.45
                    wGC = max(wGC, 12 + 86 * y * y)
                    sysCPU = max(sysCPU, 60 + 37 * y)
                }
            }
            wHeap = min(wHeap, maxHeap - 0.02)
            sysCPU = min(sysCPU, 99.6)
            let cCPU = 0.7 + r.double(0...2.2) + (workerHung ? 6 : 0)
            let wCPU = max(0.1, sysCPU - cCPU - r.double(0.5...2.5))
            let cFD = DemoMetrics.coreFD(at: t, model: model)
            let cStart = (coreRestart.map { t >= $0 } ?? false) ? coreRestart! : coreStart
            let wStart = workerStarts.last { $0 <= t } ?? workerStarts[0]

            try performance.prepare(time: t)
            p.write("{\"time\":\""); p.timestamp(t, millisSeparator: 46); p.write("\"")
            if !workerStarting {
                p.write(",\"hbAge\":"); p.int(workerHung ? Int((t - i.oomTime!) / 1000) : Int((t / 1000) % 5))
            }
            p.write(",\"cGC\":"); p.fixed(0.1 + r.double(0...0.9) + (cFD > 3800 ? 1.5 : 0), decimals: 1)
            if workerKeys { p.write(",\"wGC\":"); p.fixed(min(99.0, wGC), decimals: 1) }
            p.write(",\"cHeap\":"); p.fixed(0.38 + 0.55 * Double((t / 1000) % 131) / 131 + r.double(0...0.04), decimals: 2)
            if workerKeys { p.write(",\"wHeap\":"); p.fixed(wHeap, decimals: 2) }
            p.write(",\"sysCPU\":"); p.fixed(workerKeys ? sysCPU : cCPU + 2, decimals: 1)
            p.write(",\"cCPU\":"); p.fixed(cCPU, decimals: 1)
            if workerKeys { p.write(",\"wCPU\":"); p.fixed(wCPU, decimals: 1) }
            p.write(",\"jobs\":"); p.int(jobs)
            p.write(",\"jobQueue\":"); p.int(queued)
            p.write(",\"cThread\":"); p.int(186 + Int((t / 7000) % 29))
            if workerKeys { p.write(",\"wThread\":"); p.int(96 + 12 * jobs + Int((t / 11_000) % 9)) }
            p.write(",\"swap\":0.0")
            p.write(",\"cFD\":"); p.int(cFD)
            if workerKeys { p.write(",\"wFD\":"); p.int(238 + 9 * jobs + Int((t / 5000) % 13)) }
            p.write(",\"cUptime\":"); p.int64((t - cStart) / 1000)
            if workerKeys { p.write(",\"wUptime\":"); p.int64((t - wStart) / 1000) }
            p.write("}\n")

            let cpu = workerKeys ? sysCPU : cCPU + 2
            avgCpu = avgCpu * 0.8 + cpu * 0.2
            let lowMem = workerKeys && wHeap > maxHeap * 0.9
            let qt = t + 2
            try jobQueue.prepare(time: qt)
            q.write("{\"time\":\""); q.timestamp(qt, millisSeparator: 46); q.write("\",\"queued\":"); q.int(queued)
            q.write(",\"running\":"); q.int(running); q.write(",\"started\":"); q.int(startedRecently)
            q.write(",\"cpu\":"); q.fixed(cpu, decimals: 1); q.write(",\"loadStep\":"); q.int(model.profile.graphSlots)
            q.write(",\"queueExecutions\":"); q.int(fromQueue); q.write(",\"avgCpu\":"); q.fixed(avgCpu, decimals: 1)
            q.write(",\"coreLowMem\":false,\"workerLowMem\":"); q.write(lowMem ? "true" : "false")
            q.write(",\"nonBlockedJobs\":"); q.int(flows); q.write("}\n")

            // Operations Dashboard resource monitors.
            if workerKeys && wHeap > maxHeap * 0.88 && !heapAlarm {
                heapAlarm = true
                monitor.log(t + 700, thread: "MonitorCheck-2", logger: "Monitor", level: "WARN",
                            "monitor=\"Worker heap\" health=FAILING metric=wHeap value=\(Double(Int(wHeap * 100)) / 100) GB threshold=\(Double(Int(maxHeap * 88)) / 100) GB")
            } else if heapAlarm && workerKeys && wHeap < maxHeap * 0.7 {
                heapAlarm = false
                monitor.log(t + 700, thread: "MonitorCheck-2", logger: "Monitor", level: "INFO",
                            "monitor=\"Worker heap\" health=OK metric=wHeap value=\(Double(Int(wHeap * 100)) / 100) GB")
            }
            if cFD > 3500 && !fdAlarm {
                fdAlarm = true
                monitor.log(t + 700, thread: "MonitorCheck-2", logger: "Monitor", level: "WARN",
                            "monitor=\"Open files\" health=FAILING metric=cFD value=\(cFD) threshold=3500")
            } else if fdAlarm && cFD < 2000 {
                fdAlarm = false
                monitor.log(t + 700, thread: "MonitorCheck-2", logger: "Monitor", level: "INFO", "monitor=\"Open files\" health=OK metric=cFD value=\(cFD)")
            }
            if queued > 10 && !queueAlarm {
                queueAlarm = true
                monitor.log(t + 700, thread: "MonitorCheck-2", logger: "Monitor", level: "WARN",
                            "monitor=\"Job queue\" health=FAILING metric=queued value=\(queued) threshold=10")
                all.log(t + 5, thread: "JobQueueManager", logger: "JobQueueManager", level: "WARN",
                        "Job queue is filling up: \(queued) jobs waiting, \(running) running (limit \(model.profile.graphSlots) graphs)")
            } else if queueAlarm && queued == 0 {
                queueAlarm = false
                monitor.log(t + 700, thread: "MonitorCheck-2", logger: "Monitor", level: "INFO", "monitor=\"Job queue\" health=OK metric=queued value=0")
                all.log(t + 5, thread: "JobQueueManager", logger: "JobQueueManager", level: "INFO", "Job queue drained")
            }
        }
        try performance.finish()
        try jobQueue.finish()
    }
}
