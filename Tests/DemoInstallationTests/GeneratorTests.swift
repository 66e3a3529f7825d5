import Foundation
import GRDB
import Testing
@testable import DemoInstallation

/// Determinism, size, archives and the cached demo.
@Suite struct GeneratorTests {
    /// Every file's bytes (the database as rows instead), keyed by path relative to the root.
    static func snapshot(_ root: URL) throws -> (files: [String: Data], rows: [String: [Row]]) {
        var files: [String: Data] = [:]
        let base = root.standardizedFileURL.path
        let walker = FileManager.default.enumerator(atPath: base)!
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue && !relative.hasSuffix(".db") { files[relative] = try Data(contentsOf: URL(fileURLWithPath: base + "/" + relative)) }
        }
        var rows: [String: [Row]] = [:]
        let db = try DatabaseQueue(path: base + "/data/clover-system.db")
        try db.read { db in
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                rows[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid")
            }
        }
        try db.close()
        return (files, rows)
    }

    @Test func sameSeedGivesIdenticalInstallationAndAnotherSeedDoesNot() throws {
        let root = URL(fileURLWithPath: DemoFixture.scratch).appendingPathComponent("determinism")
        let generator = DemoGenerator(seed: 99, days: 2, now: DemoFixture.now)
        let first = try generator.generate(into: root)
        let a = try GeneratorTests.snapshot(root)
        let second = try generator.generate(into: root)
        let b = try GeneratorTests.snapshot(root)
        #expect(first == second)
        #expect(a.files.count > 100 && a.files.keys.sorted() == b.files.keys.sorted())
        for (path, data) in a.files where b.files[path] != data { Issue.record("\(path) differs between two runs with one seed") }
        #expect(a.rows.count == 13)
        for (table, rows) in a.rows { #expect(b.rows[table] == rows, "table \(table) differs between two runs with one seed") }

        _ = try DemoGenerator(seed: 100, days: 2, now: DemoFixture.now).generate(into: root)
        let c = try GeneratorTests.snapshot(root)
        #expect(c.rows["run_record"] != a.rows["run_record"])
        #expect(c.rows["tracking_port"] != a.rows["tracking_port"])
        #expect(c.files["cloverlogs/performance.log"] != a.files["cloverlogs/performance.log"])
        #expect(c.files["cloverlogs/all.log"] != a.files["cloverlogs/all.log"])
    }

    @Test func smallWeekStaysWithinItsSizeBounds() throws {
        let fixture = try DemoFixture.get()
        let s = fixture.summary
        // performance.log and job-queue.log alone write a line every 3 s: about 11 MB a day.
        #expect(s.uncompressedLogBytes > 20_000_000 && s.uncompressedLogBytes < 120_000_000, "\(s.uncompressedLogBytes) bytes of logs")
        #expect(s.bytes < 60_000_000, "\(s.bytes) bytes on disk")
        #expect(s.runs > 2500 && s.runs < 6000)
        #expect(s.failedRuns > 10 && s.failedRuns < s.runs / 10)
        #expect(s.files > s.runs)
        let rows = try fixture.database().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run_record")! }
        #expect(rows == s.runs)
    }

    @Test func rotatedArchivesAreGzipOfTheirDay() throws {
        let fixture = try DemoFixture.get()
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.cloverlogs.path)
        let archives = names.filter { $0.hasSuffix(".log.gz") }
        #expect(archives.count >= 9 * 5)
        let gzip = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let today = "2025-03-12"
        for name in archives {
            let parsed = try #require(DemoFixture.parseArchiveName(name), "\(name) is not <base>.<yyyy-MM-dd>.<n>.log.gz")
            #expect(parsed.date < today)
            let url = fixture.cloverlogs.appendingPathComponent(name)
            if let gzip {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: gzip)
                process.arguments = ["-t", url.path]
                try process.run()
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "gzip -t \(name)")
            }
            let text = try DemoFixture.text(of: url)
            #expect(!text.isEmpty)
            for line in text.split(separator: "\n") where line.hasPrefix("20") || line.hasPrefix("{\"time\":\"") {
                let date = line.hasPrefix("{") ? line.dropFirst(9).prefix(10) : line.prefix(10)
                #expect(date == Substring(parsed.date), "\(name): line of \(date)")
            }
        }
        // The live files hold today only.
        for base in ["all", "performance", "job-queue", "worker"] {
            let live = try DemoFixture.text(of: fixture.cloverlogs.appendingPathComponent(base + ".log"))
            #expect(live.hasPrefix(today) || live.hasPrefix("{\"time\":\"" + today), "\(base).log does not start today")
        }
    }

    @Test func rollingLogSplitsAtTheSizeLimitWithinADay() throws {
        let dir = URL(fileURLWithPath: DemoFixture.scratch).appendingPathComponent("rolling")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let clock = DemoClock(utcOffsetSeconds: 3600)
        let log = RollingLog(directory: dir.path, base: "all", clock: clock, sizeLimit: 1000, compressionLevel: 6)
        let day = clock.localDay(1_741_772_477_000) - 1
        for i in 0..<100 {
            try log.prepare(time: clock.at(day: day, hour: 10, minute: i / 60, second: i % 60))
            log.current.write("line \(i) of a log that rolls by size\n")
        }
        try log.prepare(time: clock.at(day: day + 1, hour: 0, minute: 0, second: 1))
        log.current.write("after midnight\n")
        try log.finish()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let date = DemoClock.dateString(day: day)
        #expect(names.contains("all.\(date).1.log.gz") && names.contains("all.\(date).4.log.gz") && names.contains("all.log"))
        var joined = ""
        for n in 1...names.filter({ $0.hasSuffix(".gz") }).count {
            joined += try DemoFixture.text(of: dir.appendingPathComponent("all.\(date).\(n).log.gz"))
        }
        #expect(joined.split(separator: "\n").count == 100)
        #expect(try DemoFixture.text(of: dir.appendingPathComponent("all.log")) == "after midnight\n")
    }

    @Test func defaultLocationFollowsXDGCacheHome() {
        #expect(DemoInstallation.defaultLocation(environment: ["XDG_CACHE_HOME": "/var/cache/me", "HOME": "/home/me"]).path
            == "/var/cache/me/cloverdx-mcp/demo")
        #expect(DemoInstallation.defaultLocation(environment: ["HOME": "/home/me"]).path == "/home/me/.cache/cloverdx-mcp/demo")
        #expect(DemoInstallation.defaultLocation(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/me"]).path
            == "/home/me/.cache/cloverdx-mcp/demo")
    }

    @Test func ensureGeneratedReusesTheDemoUntilTheGeneratorVersionChanges() throws {
        let cache = URL(fileURLWithPath: DemoFixture.scratch).appendingPathComponent("cache/cloverdx-mcp/demo")
        let url = try DemoInstallation.ensureGenerated(at: cache, seed: 5, size: .small, now: DemoFixture.now, days: 1)
        #expect(url.path == cache.standardizedFileURL.path)
        let properties = try String(contentsOf: url.appendingPathComponent("conf/clover.properties"), encoding: .utf8)
        #expect(properties.contains("clover.home=\(url.path)\n"), "paths name the final folder, not the staging one")
        let sentinel = url.appendingPathComponent("sentinel")
        try Data("kept".utf8).write(to: sentinel)
        _ = try DemoInstallation.ensureGenerated(at: cache, seed: 5, size: .small, now: DemoFixture.now, days: 1)
        #expect(FileManager.default.fileExists(atPath: sentinel.path), "a current demo was regenerated")

        let marker = url.appendingPathComponent(DemoGenerator.markerName)
        let old = try String(contentsOf: marker, encoding: .utf8).replacingOccurrences(of: "\"generatorVersion\":\(DemoGenerator.version)",
                                                                                      with: "\"generatorVersion\":0")
        try old.write(to: marker, atomically: true, encoding: .utf8)
        _ = try DemoInstallation.ensureGenerated(at: cache, seed: 5, size: .small, now: DemoFixture.now, days: 1)
        #expect(!FileManager.default.fileExists(atPath: sentinel.path), "an outdated demo was kept")
        #expect(try String(contentsOf: marker, encoding: .utf8).contains("\"generatorVersion\":\(DemoGenerator.version)"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.deletingLastPathComponent().path).filter { $0 != "demo" }
        #expect(leftovers.isEmpty, "staging folders left behind: \(leftovers)")
    }

    @Test func refusesToOverwriteAFolderThatIsNotADemo() throws {
        let dir = URL(fileURLWithPath: DemoFixture.scratch).appendingPathComponent("not-a-demo")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        #expect(throws: DemoGenerationError.self) { try DemoGenerator(seed: 1, days: 1, now: DemoFixture.now).generate(into: dir) }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("notes.txt").path))
    }
}
