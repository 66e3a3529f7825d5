import CloverPluginSupport
import Foundation

/// The text form of `server_deployment`: a few summary lines, then tables for nodes, configuration
/// and plugins.
enum DeploymentText {
    static func render(_ d: Deployment) -> String {
        var lines: [String] = []
        if let s = d.server {
            lines.append("CloverDX Server \(s.version) (build \(s.build))" + (s.nodeId.map { ", node \($0)" } ?? "")
                + (s.startedAt.map { ", started \($0) (server time)" } ?? ""))
        }
        if let w = d.worker {
            var parts = ["Worker " + (w.version.map { "\($0)" + (w.build.map { " (build \($0))" } ?? "") } ?? "(version not logged)")]
            if let started = w.startedAt { parts.append("started \(started)") }
            if let java = w.java { parts.append("Java \(java)") }
            if let heap = w.maxHeapMB { parts.append("max heap \(heap) MB") }
            lines.append(parts.joined(separator: ", "))
        }
        if let p = d.platform {
            lines.append("Platform: " + [p.tomcat, p.jvmVersion.map { "JVM \($0)" + (p.jvmVendor.map { " (\($0))" } ?? "") }, p.os]
                .compactMap { $0 }.joined(separator: ", "))
        }
        if let r = d.runtime {
            lines.append("Latest performance sample (\(r.sampleTime ?? "time unknown")): "
                + "Core heap \(number(r.coreHeapGB)) GB, \(number(r.coreThreads)) threads, up \(duration(r.coreUptimeSeconds)); "
                + "Worker heap \(number(r.workerHeapGB)) GB, \(number(r.workerThreads)) threads, up \(duration(r.workerUptimeSeconds)); "
                + "CPU system \(number(r.systemCPU)) %, jobs \(number(r.runningJobs)) running, \(number(r.queuedJobs)) queued")
        }
        if let i = d.installation {
            let zone = i.utcOffsetSeconds.map { "UTC" + ($0 < 0 ? "-" : "+") + String(format: "%02d:%02d", abs($0) / 3_600, abs($0) / 60 % 60) }
            lines.append("System database: \(i.systemDatabaseEngine ?? "not configured"); server time zone \(zone ?? i.timeZone ?? "?"); "
                + "server logs \(i.serverLogs ?? "?"); Tomcat logs \(i.tomcatLogs ?? "?"); sandboxes \(i.sandboxes ?? "?")")
        }
        if let c = d.cluster {
            lines.append("\nCluster nodes (\(c.nodes.count)):\n" + TextTable.render(
                header: ["node", "status", "url", "last heartbeat"],
                rows: c.nodes.map { [$0.nodeId, $0.status ?? "", $0.url ?? "", $0.lastHeartbeat ?? ""] }))
        }
        if let c = d.configuration {
            lines.append("\nConfiguration (\(c.entries.count) keys, \(c.maskedKeys) secret values masked):\n" + TextTable.render(
                header: ["key", "value", "source"], rows: c.entries.map { [$0.key, $0.value, $0.source ?? ""] }, maxCellWidth: 80))
        }
        if let s = d.sidecar {
            lines.append("\ncloverdx-mcp \(s.version)" + (s.pid.map { ", pid \($0)" } ?? "")
                + (s.uptimeSeconds.map { ", up \(duration(Double($0)))" } ?? "") + ", plugins:\n"
                + TextTable.render(header: ["plugin", "version", "tools"], rows: s.plugins.map { [$0.id, $0.version, String($0.tools)] }))
        }
        if !d.unavailable.isEmpty {
            lines.append("\nUnavailable:\n" + d.unavailable.map { "- \($0.section): \($0.reason)" }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "?" }
        return value.rounded() == value ? String(Int64(value)) : String(value)
    }

    /// `93784` → `1d 2h 3m`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "?" }
        let total = Int(seconds)
        let (days, hours, minutes) = (total / 86_400, total / 3_600 % 24, total / 60 % 60)
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        return minutes > 0 ? "\(minutes)m \(total % 60)s" : "\(total)s"
    }
}
