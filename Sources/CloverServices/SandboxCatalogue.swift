import CloverInstallation
import Foundation
import MCPProtocol
import PluginHost
import SystemDatabase

/// A sandbox as the server knows it.
struct Sandbox: Sendable, Equatable {
    let code: String
    var name: String?
    /// The folder, absolute, with `${sandboxes.home}` and `${clover.home}` resolved.
    let rootPath: String
    var type: String?
    var owner: String?
    var suspended: Bool?
}

/// Where the installation's sandboxes are: the system database's `sandbox` table when there is a
/// database, else one sandbox per folder under `sandboxes.home`.
struct SandboxCatalogue: Sendable {
    let database: (any SystemDatabase)?
    let installation: CloverInstallation

    struct Listing: Sendable {
        /// "database" or "folders".
        let source: String
        let sandboxes: [Sandbox]
        /// Why the listing comes from folders although a database is configured.
        var warning: String?
    }

    /// Letters, digits, `_`, `-` and `.`, not starting with a dot: what a sandbox code can be, and
    /// never a path.
    static func isValidCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 255 && !code.hasPrefix(".")
            && code.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
    }

    func list() async throws -> Listing {
        var warning: String?
        if let database {
            do {
                return Listing(source: "database", sandboxes: try await fromDatabase(database))
            } catch {
                warning = "the system database's sandbox table could not be read (\(error)); listed the folders under sandboxes.home instead"
            }
        }
        var listing = try fromFolders()
        listing.warning = warning
        return listing
    }

    /// The sandbox `code`, checked: an invalid code is the caller's mistake, an unknown one not found.
    func sandbox(_ code: String) async throws -> Sandbox {
        guard Self.isValidCode(code) else {
            throw ServiceError(.invalidArguments, "\"\(code)\" is not a sandbox code (codes are letters, digits, _ - and .)")
        }
        let listing = try await list()
        guard let sandbox = listing.sandboxes.first(where: { $0.code == code }) else {
            let known = listing.sandboxes.map(\.code).joined(separator: ", ")
            throw ServiceError(.notFound, "no sandbox \"\(code)\"; the sandboxes are: \(known.isEmpty ? "none" : known)")
        }
        return sandbox
    }

    private func fromDatabase(_ database: any SystemDatabase) async throws -> [Sandbox] {
        let result = try await database.query("SELECT code, name, root_path, type, owner, suspended FROM sandbox ORDER BY code",
                                              limits: QueryLimits(maxRows: 10_000))
        return result.rows.compactMap { row in
            guard row.count == 6, let code = row[0].stringValue, let root = row[2].stringValue else { return nil }
            let suspended = row[5].boolValue ?? row[5].intValue.map { $0 != 0 }
            return Sandbox(code: code, name: row[1].stringValue, rootPath: resolve(root), type: row[3].stringValue,
                           owner: row[4].stringValue, suspended: suspended)
        }
    }

    private func fromFolders() throws -> Listing {
        guard let home = installation.sandboxes else {
            throw ServiceError(.failed, "no system database and no sandboxes.home in the configuration: the sandboxes cannot be found")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: home.path)) ?? []
        let sandboxes = names.sorted().compactMap { name -> Sandbox? in
            var isFolder: ObjCBool = false
            let path = home.appendingPathComponent(name).path
            guard Self.isValidCode(name), FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
            return Sandbox(code: name, rootPath: path)
        }
        return Listing(source: "folders", sandboxes: sandboxes)
    }

    /// CloverDX writes roots as `${sandboxes.home}/dwh`; a relative root lies under `sandboxes.home`.
    private func resolve(_ root: String) -> String {
        var path = root
        for (placeholder, value) in [("${sandboxes.home}", installation.sandboxes), ("${clover.home}", installation.home)] {
            if let value { path = path.replacingOccurrences(of: placeholder, with: value.path) }
        }
        if !path.hasPrefix("/"), let home = installation.sandboxes { path = home.appendingPathComponent(path).path }
        return path
    }
}
