#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place files are opened. Every path is resolved with `realpath` and must lie inside its
/// log root (itself resolved), so a symlink leading out of the log directory is refused, at listing
/// and again at opening, when the resolved path is opened with `O_NOFOLLOW`.
enum Confinement {
    /// `path` with every symlink, `.` and `..` resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard !path.utf8.contains(0), let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether the resolved `path` is `root` or lies below it.
    static func isInside(_ path: String, root: String) -> Bool {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix)
    }

    /// Resolves `path` and checks it lies inside `root`.
    static func resolve(_ path: String, name: String, root: String) throws -> String {
        guard let resolved = realPath(path) else {
            throw LogCatalogueError(.unreadable, "\(name) in \(root) no longer exists (rotated away?); list the log again")
        }
        guard isInside(resolved, root: root) else {
            throw LogCatalogueError(.outsideRoot, "\(name) in \(root) resolves to \(resolved), outside that directory; "
                + "log files that are symlinks leading out of their log directory are not read")
        }
        return resolved
    }

    /// Opens a log file for reading after checking it is a regular file inside `root`.
    static func openForReading(_ file: LogFile, root: String) throws -> Int32 {
        let resolved = try resolve(file.path, name: file.name, root: root)
        let descriptor = resolved.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw LogCatalogueError(.unreadable, "cannot open \(file.name) in \(root): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw LogCatalogueError(.unreadable, "\(file.name) in \(root) is not a regular file")
        }
        return descriptor
    }
}
