import ArgumentParser
import Foundation
import PluginHost

extension Plugins {
    /// `cloverdx-mcp plugins new NAME --swift|--c DIR`: a buildable plugin project to start from.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new plugin project (Swift package or C with a Makefile) with one tool and its test.",
            discussion: "The Swift project depends on the plugin SDK alone (the sdk folder of the cloverdx-mcp repository); the C one needs only cc and the header it gets a copy of.")

        enum Language: String, EnumerableFlag {
            case swift, c
            static func help(for value: Language) -> ArgumentHelp? {
                value == .swift ? "A Swift package using PluginKit (default)." : "A C file and a Makefile."
            }
        }

        @Argument(help: "The plugin's id: lower-case letters, digits and dashes, e.g. acme-jobs.") var name: String
        @Flag var language: Language = .swift
        @Argument(help: "Where to write it (default ./NAME); must not exist or be empty.") var directory: String?
        @Option(name: .long, help: ArgumentHelp("The plugin SDK folder (default: $CLOVERDX_MCP_SDK, else the sdk folder of the checkout this binary was built in).", valueName: "dir"))
        var sdk: String?

        func run() throws {
            guard let names = PluginTemplate.Names(name) else {
                throw ValidationError("\"\(name)\" is not a plugin id: use lower-case letters, digits and single dashes, starting with a letter (at most 40)")
            }
            let folder = URL(fileURLWithPath: directory ?? names.id).standardizedFileURL
            let files = FileManager.default
            if let existing = try? files.contentsOfDirectory(atPath: folder.path), !existing.isEmpty {
                throw CommandFailure("\(folder.path) is not empty; choose another folder")
            }
            let sdkFolder = try Self.locateSDK(explicit: sdk)
            let project: [(path: String, text: String)]
            switch language {
            case .swift:
                project = PluginTemplate.swift(names, sdkPath: sdkFolder.path)
            case .c:
                let header = sdkFolder.appendingPathComponent("Sources/CloverMCPPluginABI/include/cloverdx_mcp_plugin.h")
                guard let text = try? String(contentsOf: header, encoding: .utf8) else { throw CommandFailure("cannot read \(header.path)") }
                project = PluginTemplate.c(names, header: text)
            }
            for file in project {
                let url = folder.appendingPathComponent(file.path)
                try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.text.write(to: url, atomically: true, encoding: .utf8)
            }
            print("wrote the \(language.rawValue) plugin \(names.id) to \(folder.path):")
            for file in project { print("  \(file.path)") }
            print(language == .swift ? "next: cd \(folder.path) && swift build && swift test" : "next: cd \(folder.path) && make && make check")
        }

        /// The SDK: the flag, CLOVERDX_MCP_SDK, then an `sdk/Package.swift` in a folder above the binary (a checkout's build).
        static func locateSDK(explicit: String?) throws -> URL {
            let isSDK = { (url: URL) in FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
                && FileManager.default.fileExists(atPath: url.appendingPathComponent("Sources/PluginKit").path) }
            if let given = explicit ?? ProcessInfo.processInfo.environment["CLOVERDX_MCP_SDK"] {
                let url = URL(fileURLWithPath: given).standardizedFileURL
                guard isSDK(url) else { throw CommandFailure("\(url.path) is not the plugin SDK (no Package.swift with Sources/PluginKit)") }
                return url
            }
            var folder = PluginLoader.executableDirectory
            while folder.path != "/" {
                let candidate = folder.appendingPathComponent("sdk")
                if isSDK(candidate) { return candidate.standardizedFileURL }
                folder.deleteLastPathComponent()
            }
            throw CommandFailure("cannot find the plugin SDK; pass --sdk DIR (the sdk folder of the cloverdx-mcp repository) or set CLOVERDX_MCP_SDK")
        }
    }
}
