import ArgumentParser
import DemoInstallation
import Foundation

/// `cloverdx-mcp demo init`: generate a realistic CloverDX installation to serve without a real server.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a realistic CloverDX installation (logs, system database, job logs) for demos and tests.",
        subcommands: [Init.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a demo installation into a folder; serve it with `serve --config DIR/conf/clover.properties`.")

        @Argument(help: "The folder to create (must not exist or be empty).") var directory: String
        @Option(help: "Days of history.") var days: Int = 7
        @Option(help: "Random seed; the same seed gives the same installation.") var seed: UInt64 = DemoInstallation.defaultSeed
        @Option(help: "small (tens of MB) or large (1 GB or more of logs, for benchmarks).") var size: String = "small"
        @Option(help: ArgumentHelp("Also load the system database into this PostgreSQL database (its demo tables are replaced) and point clover.properties at it.", valueName: "postgres://user@host:port/db"))
        var postgres: String?

        func run() async throws {
            guard let demoSize = DemoSize(rawValue: size) else { throw ValidationError("--size is small or large") }
            guard (1...90).contains(days) else { throw ValidationError("--days is 1 to 90") }
            let url = URL(fileURLWithPath: directory).standardizedFileURL
            let started = Date()
            let summary = try DemoGenerator(seed: seed, days: days, size: demoSize, now: Date()).generate(into: url)
            print("demo installation in \(url.path): \(summary.runs) runs (\(summary.failedRuns) failed), \(summary.files) files, \(summary.bytes / 1_000_000) MB, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            if let postgres {
                let rows = try await DemoPostgresLoader.load(demo: url, postgresURL: postgres)
                print("loaded \(rows) rows into PostgreSQL; clover.properties now points at it")
            }
            print("serve it: cloverdx-mcp serve --config \(url.path)/conf/clover.properties")
        }
    }
}
