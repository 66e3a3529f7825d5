import ArgumentParser
import CloverInstallation
import Foundation
import HostConfiguration
import PluginHost

/// `cloverdx-mcp doctor`: what the sidecar found of the CloverDX installation, and how to fix what is missing.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the CloverDX installation and plugins the server would use, and say how to fix what is missing.",
        discussion: "Exit status 0 when nothing is missing, 1 otherwise (warnings do not count)."
    )

    @OptionGroup var host: HostOptions

    func run() async throws {
        let configuration = try host.configuration()
        let logger = host.makeLogger(configuration)
        let (installation, services) = try host.installation(configuration, logger: logger)
        print("configuration: \(try host.configurationFile()?.path ?? "none (pass --config with the server's clover.properties, or --demo)")")
        var missing = 0
        for finding in installation.check() {
            let mark = switch finding.status {
            case .ok: "ok  "
            case .warning: "warn"
            case .missing: "MISS"
            }
            if finding.status == .missing { missing += 1 }
            print("[\(mark)] \(finding.subject): \(finding.detail)")
            if !finding.fix.isEmpty { print("       fix: \(finding.fix)") }
        }
        if let database = services.database {
            let pool = Task { await database.run() }
            defer { pool.cancel() }
            do {
                let tables = try await database.schema()
                print("[ok  ] system database answers: \(tables.count) tables")
            } catch {
                missing += 1
                print("[MISS] system database does not answer: \(error)")
                print("       fix: check jdbc.url, jdbc.username and jdbc.password, and that the sidecar can reach the database")
            }
        }
        do {
            let url = try host.manifestURL(configuration)
            let manifest = try PluginManifest.load(from: url)
            let loader = host.loader(configuration, logger: logger)
            for entry in manifest.plugins where entry.enabled {
                do {
                    _ = try loader.load(entry, manifestDirectory: url.deletingLastPathComponent())
                    print("[ok  ] plugin \(entry.id)")
                } catch {
                    missing += 1
                    print("[MISS] plugin \(entry.id): \(error.reason)")
                }
            }
        } catch {
            missing += 1
            print("[MISS] plugins.json: \(error)")
        }
        if missing > 0 { throw ExitCode(1) }
    }
}
