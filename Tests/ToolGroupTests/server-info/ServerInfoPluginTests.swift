import Foundation
import PluginKit
import PluginKitTesting
import ServerInfoPlugin
import Testing

@Suite struct ServerInfoPluginTests {
    @Test func theDeploymentComesFromStartupLinesPerformanceClusterAndConfiguration() throws {
        let host = try PluginTestHost(services: FakeInstallation.complete.services(), make: serverInfoPlugin)
        let run = host.runTool("server_deployment")

        #expect(!run.isError, "\(run.text)")
        let d = try #require(run.structured)
        #expect(d["unavailable"] == .array([]))
        // The Core's line is two weeks old: the search widens (a day, a week, a month) until it finds it.
        #expect(d["server"]?["version"] == .string("7.4.1"))
        #expect(d["server"]?["build"] == .string("7.4.1.12"))
        #expect(d["server"]?["nodeId"] == .string("node01"))
        #expect(d["server"]?["startedAt"] == .string("2025-02-20 06:00:01.114"))
        let coreSearches = host.serviceRequests.filter {
            $0.service == "logs.search" && $0.request["regex"]?.stringValue?.contains("CloverDX Server") == true
        }
        #expect(coreSearches.map { $0.request["from"]?.stringValue } == ["2025-03-04 10:15:02.000", "2025-02-26 10:15:02.000", "2025-02-02 10:15:02.000"])
        // -Xmx on the command line wins over the Worker's own report; secrets on it are masked.
        #expect(d["worker"]?["maxHeapMB"] == .number(6_144))
        #expect(d["worker"]?["java"] == .string("21.0.5+11-LTS (Eclipse Adoptium)"))
        let command = try #require(d["worker"]?["commandLine"]?.stringValue)
        #expect(command.contains("-Djdbc.password=*****"))
        #expect(command.hasPrefix("/opt/java/openjdk/bin/java -Xmx6g"))
        #expect(d["platform"]?["tomcat"] == .string("Apache Tomcat/10.1.34"))
        #expect(d["platform"]?["os"] == .string("Linux 5.15.0-105-generic amd64"))
        #expect(d["platform"]?["catalinaHome"] == .string("/opt/tomcat"))
        #expect(d["runtime"]?["workerHeapGB"] == .number(2.87))
        #expect(d["cluster"]?["nodes"]?.arrayValue?.count == 2)
        #expect(d["configuration"]?["maskedKeys"] == .number(1))
        #expect(!run.text.contains("s3cret") && !run.text.contains("changeit") && !d.text.contains("s3cret") && !d.text.contains("changeit"))

        #expect(run.text.hasPrefix("CloverDX Server 7.4.1 (build 7.4.1.12), node node01, started 2025-02-20 06:00:01.114 (server time)"))
        #expect(run.text.contains("Worker 7.4.1 (build 7.4.1.12), started 2025-03-05 03:12:52.100, Java 21.0.5+11-LTS (Eclipse Adoptium), max heap 6144 MB"))
        #expect(run.text.contains("Platform: Apache Tomcat/10.1.34, JVM 21.0.5+11-LTS (Eclipse Adoptium), Linux 5.15.0-105-generic amd64"))
        #expect(run.text.contains("Core heap 0.61 GB, 212 threads, up 1d 0h 0m; Worker heap 2.87 GB, 301 threads, up 7h 2m"))
        #expect(run.text.contains("System database: postgresql; server time zone UTC+01:00"))
        #expect(run.text.contains("Cluster nodes (2):"))
        #expect(run.text.contains("node02  SUSPENDED"))
        #expect(run.text.contains("Configuration (4 keys, 1 secret values masked):"))
        #expect(run.text.contains("cloverdx-mcp 0.9.0, pid 4242, up 1d 2h 3m, plugins:"))
        #expect(!run.text.contains("Unavailable"))
    }

    @Test func includeConfigurationFalseDoesNotReadTheConfiguration() throws {
        let host = try PluginTestHost(services: FakeInstallation.complete.services(), make: serverInfoPlugin)
        let run = host.runTool("server_deployment", arguments: .object(["includeConfiguration": .bool(false)]))
        #expect(!run.isError, "\(run.text)")
        #expect(run.structured?["configuration"] == nil)
        #expect(!host.serviceRequests.contains { $0.service == "config.effective" })
        #expect(!run.text.contains("Configuration ("))

        let wrongType = host.runTool("server_deployment", arguments: .object(["includeConfiguration": .string("no")]))
        #expect(wrongType.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(wrongType.text.contains("\"includeConfiguration\" must be true or false"))
    }

    @Test func sectionsWithoutTheirGrantAreListedAsUnavailableAndTheRestAnswers() throws {
        let host = try PluginTestHost(
            services: FakeInstallation.complete.services(refused: [
                "logs.list": "logs.read", "logs.tail": "logs.read", "sql.query": "sql.read", "config.effective": "config.read",
            ]), make: serverInfoPlugin)
        let run = host.runTool("server_deployment")

        #expect(!run.isError, "\(run.text)")
        let unavailable = run.structured?["unavailable"]?.arrayValue ?? []
        let reasons = Dictionary(uniqueKeysWithValues: unavailable.compactMap { item in
            item["section"]?.stringValue.map { ($0, item["reason"]?.stringValue ?? "") }
        })
        #expect(reasons.keys.sorted() == ["cluster", "configuration", "runtime", "server"])
        #expect(reasons["server"]?.contains("has no grant \"logs.read\" for logs.list") == true)
        #expect(reasons["cluster"]?.hasPrefix("system database: plugin \"server-info\" has no grant \"sql.read\"") == true)
        #expect(reasons["configuration"]?.contains("no grant \"config.read\"") == true)
        #expect(run.structured?["installation"]?["nodeId"] == .string("node01"))
        #expect(run.structured?["sidecar"]?["version"] == .string("0.9.0"))
        #expect(run.text.contains("\nUnavailable:\n- server: plugin \"server-info\" has no grant \"logs.read\""))
        #expect(run.text.contains("- cluster: system database: "))
    }

    @Test func aRotatedOutCoreLineFallsBackToTheWorkerAndThePerformanceUptime() throws {
        var installation = FakeInstallation.complete
        installation.logs = ["all": [FakeInstallation.workerStart, FakeInstallation.jobEnd]]
        let host = try PluginTestHost(services: installation.services(), make: serverInfoPlugin)
        let run = host.runTool("server_deployment")

        #expect(!run.isError, "\(run.text)")
        let server = try #require(run.structured?["server"])
        #expect(server["version"] == .string("7.4.1"))
        #expect(server["versionSource"]?.stringValue?.contains("the Worker's start-up line") == true)
        #expect(server["nodeId"] == .string("node01"))
        // The latest sample (10:15:00) minus its Core uptime (86400 s).
        #expect(server["startedAt"] == .string("2025-03-04 10:15:00.000"))
        #expect(server["startedAtSource"] == .string("the latest performance sample's Core uptime (cUptime)"))
        // No -Xmx and no Java line: worker.maxHeapSize of the configuration.
        #expect(run.structured?["worker"]?["maxHeapMB"] == .number(4_096))
        #expect(run.structured?["worker"]?["commandLine"] == nil)
        let unavailable = run.structured?["unavailable"]?.arrayValue ?? []
        #expect(unavailable.count == 1)
        #expect(unavailable.first?["section"] == .string("platform"))
        #expect(unavailable.first?["reason"] == .string("there is no Tomcat catalina log among the Tomcat logs"))
    }

    @Test func aMissingOrUnreadablePerformanceSampleIsNamed() throws {
        var silent = FakeInstallation.complete
        silent.performance = nil
        let none = try PluginTestHost(services: silent.services(), make: serverInfoPlugin).runTool("server_deployment")
        #expect(none.structured?["runtime"] == nil)
        #expect(none.text.contains("- runtime: performance.log has no samples (is logging.logger.performance.enabled false?)"))

        var garbled = FakeInstallation.complete
        garbled.performance = "2025-03-05 10:15:00,000 cHeap=0.61 wHeap=2.87"
        let bad = try PluginTestHost(services: garbled.services(), make: serverInfoPlugin).runTool("server_deployment")
        #expect(bad.text.contains("- runtime: the last performance.log entry is not a JSON sample: 2025-03-05 10:15:00,000 cHeap=0.61"))
        // The Core's start still comes from its start-up line.
        #expect(bad.structured?["server"]?["startedAt"] == .string("2025-02-20 06:00:01.114"))
    }

    @Test func theHealthCheckPromptRendersItsWindow() throws {
        let host = try PluginTestHost(services: FakeInstallation.complete.services(), make: serverInfoPlugin)

        let standard = host.getPrompt("server_health_check")
        #expect(standard.status == Int32(CDXMCP_OK), "\(standard.text)")
        #expect(standard.result?["description"] == .string("Health check of the CloverDX Server for the last 24 hours"))
        #expect(standard.text.contains(#"passing from="-24h" where they take a time range"#))
        #expect(standard.text.contains("server_deployment (includeConfiguration false)"))

        let short = host.getPrompt("server_health_check", arguments: ["hours": "2.5"])
        #expect(short.text.contains(#"for the last 2.5 hours. Use these tools, passing from="-2.5h""#))

        let window = host.getPrompt("server_health_check", arguments: ["from": "2025-03-05 00:00", "to": "2025-03-05 06:00", "hours": "3"])
        #expect(window.text.contains(#"from 2025-03-05 00:00 to 2025-03-05 06:00. Use these tools, passing from="2025-03-05 00:00" to="2025-03-05 06:00""#))

        let open = host.getPrompt("server_health_check", arguments: ["from": "-6h"])
        #expect(open.text.contains("from -6h to now"))

        for (arguments, message) in [
            (["hours": "0"], #""hours" must be a number of hours above 0 and at most 2160 (got "0")"#),
            (["hours": "a day"], #"(got "a day")"#),
            (["from": "2025-03-05 06:00", "to": "2025-03-05 00:00"], #""from" (2025-03-05 06:00:00.000) is after "to""#),
            (["to": "tomorrow"], #""to": cannot read "tomorrow" as a time"#),
        ] {
            let refused = host.getPrompt("server_health_check", arguments: arguments)
            #expect(refused.isError, "\(arguments)")
            #expect(refused.text.contains(message), "\(refused.text)")
        }
        #expect(host.getPrompt("server_status").status == Int32(CDXMCP_NOT_FOUND))
    }

    @Test func theDeploymentResourceIsTheSummaryText() throws {
        let host = try PluginTestHost(services: FakeInstallation.complete.services(), make: serverInfoPlugin)
        let resource = host.readResource("cloverdx://server/deployment")
        #expect(resource.status == Int32(CDXMCP_OK), "\(resource.text)")
        #expect(resource.result?["contents"]?[0]?["uri"] == .string("cloverdx://server/deployment"))
        #expect(resource.text.hasPrefix("CloverDX Server 7.4.1 (build 7.4.1.12)"))
        #expect(resource.text.contains("Configuration (4 keys, 1 secret values masked)"))
        #expect(host.readResource("cloverdx://server/config").status == Int32(CDXMCP_NOT_FOUND))
    }
}
