import CloverPluginSupport
import Foundation
import PluginKit

/// Gathers `server_deployment` from the host's services, one section at a time: a section that
/// fails is reported as unavailable with the reason and the others still answer.
struct DeploymentReader {
    let call: CallContext
    let includeConfiguration: Bool

    func read() -> Deployment {
        var deployment = Deployment()
        let steps: [(String, (inout Deployment) throws -> Void)] = [
            ("installation", { $0.installation = try installation() }),
            ("sidecar", { $0.sidecar = try sidecar() }),
            ("server", { try logSections(&$0) }),
            ("runtime", { $0.runtime = try runtime() }),
            ("cluster", { $0.cluster = try cluster() }),
            ("configuration", { if includeConfiguration { $0.configuration = try configuration() } }),
        ]
        // No progress of its own: the host's log searches report theirs, and two scales would fight.
        for (section, step) in steps {
            if call.isCancelled {
                deployment.unavailable.append(Unavailable(section: section, reason: "the call was cancelled"))
                continue
            }
            do {
                try step(&deployment)
            } catch {
                deployment.unavailable.append(Unavailable(section: section, reason: "\(error)"))
            }
        }
        if deployment.worker?.maxHeapMB == nil, let configured = deployment.configuration?.entries.first(where: { $0.key == "worker.maxHeapSize" }) {
            deployment.worker?.maxHeapMB = Int(configured.value)
        }
        if deployment.server?.startedAt == nil, let runtime = deployment.runtime, let uptime = runtime.coreUptimeSeconds,
           let sampled = runtime.sampleTime.flatMap({ try? ServerTime(timeZone: .current).parse($0, argument: "sampleTime") }) {
            deployment.server?.startedAt = sampled.adding(seconds: -uptime).text
            deployment.server?.startedAtSource = "the latest performance sample's Core uptime (cUptime)"
        }
        return deployment
    }

    private func installation() throws -> InstallationFacts {
        let info = try call.answer(of: HostServices.InstallationInfo.self, NoFields())
        return InstallationFacts(
            nodeId: info.nodeId, home: info.home, serverLogs: info.serverLogs, tomcatLogs: info.tomcatLogs, jobLogs: info.jobLogs,
            sandboxes: info.sandboxes, systemDatabaseEngine: info.systemDatabase?.engine, restAPI: info.restAPI,
            timeZone: info.timeZone.id, utcOffsetSeconds: info.timeZone.utcOffsetSeconds)
    }

    private func sidecar() throws -> SidecarFacts {
        let info = try call.answer(of: HostServices.HostInfo.self, NoFields())
        return SidecarFacts(
            version: info.version, pid: info.pid, startedAt: info.startedAt, uptimeSeconds: info.uptimeSeconds,
            plugins: info.plugins.map { SidecarPlugin(id: $0.id, version: $0.version, tools: $0.tools) })
    }

    /// Server, Worker and platform facts come from start-up lines in the logs.
    private func logSections(_ deployment: inout Deployment) throws {
        let logs = try LogFacts(call: call)
        do {
            deployment.worker = try StartupLines.worker(logs)
        } catch {
            deployment.unavailable.append(Unavailable(section: "worker", reason: "\(error)"))
        }
        do {
            if let server = try StartupLines.server(logs) {
                deployment.server = server
            } else if let worker = deployment.worker, let version = worker.version {
                deployment.server = ServerFacts(
                    version: version, build: worker.build ?? "", nodeId: deployment.installation?.nodeId,
                    versionSource: "the Worker's start-up line (the Core's own has rotated out of the kept logs)")
            } else {
                throw ToolError.failed("no \"CloverDX Server … starting\" or Worker start-up line in the logs: they have rotated out")
            }
        } catch {
            deployment.unavailable.append(Unavailable(section: "server", reason: "\(error)"))
        }
        do {
            deployment.platform = try StartupLines.platform(logs)
        } catch {
            deployment.unavailable.append(Unavailable(section: "platform", reason: "\(error)"))
        }
    }

    private func runtime() throws -> RuntimeFacts {
        let tail = try call.answer(of: HostServices.LogsTail.self, .init(log: "performance", entries: 1))
        guard let entry = tail.entries.last else {
            throw ToolError.failed("performance.log has no samples (is logging.logger.performance.enabled false?)")
        }
        let text = entry.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let sample = try? PluginJSON(parsing: text), sample.objectValue != nil else {
            throw ToolError.failed("the last performance.log entry is not a JSON sample: \(text.prefix(120))")
        }
        func number(_ key: String) -> Double? { sample[key]?.doubleValue }
        return RuntimeFacts(
            sampleTime: sample["time"]?.stringValue ?? entry.time, coreUptimeSeconds: number("cUptime"), workerUptimeSeconds: number("wUptime"),
            coreHeapGB: number("cHeap"), workerHeapGB: number("wHeap"), coreThreads: number("cThread"), workerThreads: number("wThread"),
            coreCPU: number("cCPU"), workerCPU: number("wCPU"), systemCPU: number("sysCPU"), runningJobs: number("jobs"),
            queuedJobs: number("jobQueue"), swapGB: number("swap"), coreOpenFiles: number("cFD"), workerOpenFiles: number("wFD"),
            heartbeatAgeSeconds: number("hbAge"))
    }

    private func cluster() throws -> ClusterFacts {
        let rows = try SQLRows.query("SELECT node_id, url, status, last_heartbeat FROM cluster_node ORDER BY node_id", maxRows: 1_000, call: call)
        return ClusterFacts(nodes: rows.rows.map {
            ClusterNode(nodeId: $0.string("node_id") ?? "", url: $0.string("url"), status: $0.string("status"), lastHeartbeat: $0.string("last_heartbeat"))
        })
    }

    private func configuration() throws -> ConfigurationFacts {
        let answer = try call.answer(of: HostServices.ConfigEffective.self, .init())
        let entries = answer.entries.map { ConfigurationEntry(key: $0.key, value: $0.value, source: $0.source) }
        let masked = answer.entries.filter { $0.masked == true }.count
        return ConfigurationFacts(entries: entries, maskedKeys: masked)
    }
}
