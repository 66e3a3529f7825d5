import ArgumentParser
import Foundation
import MCPProtocol
import PluginHost

/// `cloverdx-mcp plugins`: inspect and switch the plugin set.
struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, enable, disable, verify and create plugins.",
        subcommands: [List.self, Enable.self, Disable.self, Verify.self, New.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show plugins.json's plugins, whether each loads, and its tools.")
        @OptionGroup var host: HostOptions

        func run() throws {
            let configuration = try host.configuration()
            let logger = host.makeLogger(configuration)
            let url = try host.manifestURL(configuration)
            let manifest = try PluginManifest.load(from: url)
            let loader = host.loader(configuration, logger: logger)
            let server = WorkerStatusFile.read(WorkerStatusFile.url(forManifest: url))
            let serverRuns = server.map { kill($0.serverPID, 0) == 0 } ?? false
            print("plugins from \(url.path)")
            for entry in manifest.plugins {
                let state = entry.enabled ? "enabled " : "disabled"
                let mode = entry.isolation == .process
                    ? "isolated in a worker process" + (entry.memoryLimitMB.map { ", memory limit \($0) MB" } ?? "")
                    : "in the server's process"
                do {
                    // An isolated plugin is checked here in a worker too, so a crash in its entry is shown, not suffered.
                    let plugin = try loader.load(entry, manifestDirectory: url.deletingLastPathComponent())
                    plugin.stopWorker(because: "it was started only to be listed")
                    print("  \(entry.id) \(state) v\(plugin.version)  \(plugin.libraryPath)")
                    if let summary = plugin.summary { print("      \(summary)") }
                    print("      runs: \(mode)")
                    print("      tools: \(plugin.toolNames.joined(separator: ", "))")
                } catch {
                    print("  \(entry.id) \(state) FAILS: \(error.reason)")
                    print("      runs: \(mode)")
                }
                if entry.isolation == .process, let server, let status = server.plugins[entry.id] {
                    let at = status.lastCrashAt.map { " at \(ISO8601DateFormatter().string(from: $0))" } ?? ""
                    let crash = status.lastCrash.map { "; last crash\(at): \($0)" } ?? "; no crash"
                    let who = serverRuns ? "server \(server.serverPID)" : "server \(server.serverPID), no longer running"
                    print("      worker (\(who)): pid \(status.pid.map(String.init) ?? "restarting"), restarts \(status.restarts)\(crash)")
                }
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a plugin; a running server picks it up within a second.")
        @OptionGroup var host: HostOptions
        @Argument(help: "The plugin's id in plugins.json.") var id: String

        func run() throws {
            try Plugins.setEnabled(true, id: id, host: host)
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a plugin; a running server drops its tools within a second and notifies clients.")
        @OptionGroup var host: HostOptions
        @Argument(help: "The plugin's id in plugins.json.") var id: String

        func run() throws {
            try Plugins.setEnabled(false, id: id, host: host)
        }
    }

    /// Switches one plugin in plugins.json; a running server notices the file change.
    static func setEnabled(_ enabled: Bool, id: String, host: HostOptions) throws {
        let url = try host.manifestURL(try host.configuration())
        do {
            try PluginManifest.setEnabled(enabled, pluginID: id, in: url)
        } catch let error as PluginManifest.Invalid {
            throw CommandFailure(error.description)
        }
        print("\(enabled ? "enabled" : "disabled") \(id) in \(url.path)")
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a plugin library and check it against the ABI, without serving it.")
        @OptionGroup var host: HostOptions
        @Argument(help: "Path of the plugin's shared library (.so).") var path: String

        func run() throws {
            let configuration = try host.configuration()
            let logger = host.makeLogger(configuration)
            let url = URL(fileURLWithPath: path).standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.path) else { throw ValidationError("no file at \(url.path)") }
            do throws(PluginLoadError) {
                let plugin = try host.loader(configuration, logger: logger).open(url, pluginID: url.deletingPathExtension().lastPathComponent)
                print("ok: \(url.lastPathComponent) speaks ABI \(PluginLoader.abiVersion) (descriptor of \(plugin.descriptorSize) bytes), plugin version \(plugin.version)")
                if let summary = plugin.summary { print("about: \(summary)") }
                print("sha256: \(try PluginLoader.sha256(of: url, pluginID: plugin.id))")
                print("tools: \(plugin.toolNames.joined(separator: ", "))")
                print("resources: \(plugin.resources.count), resource templates: \(plugin.resourceTemplates.count), prompts: \(plugin.prompts.count)")
            } catch {
                throw CommandFailure(error.reason)
            }
        }
    }
}
