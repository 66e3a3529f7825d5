import ArgumentParser
import CurlHTTP
import Foundation
import HostConfiguration
import Logging
import MCPProxy
import RemoteMCP
import MCPProtocol

/// CloverDX's proxy mode (`clover.mcp.remote.*`): the tools of a remote MCP server next to the
/// local plugins'.
enum RemoteProxy {

    /// The remote catalog when proxy mode is on, else nil. The password goes only into the
    /// Authorization header; messages name the user. `timeout` bounds each forwarded request, as
    /// the plugin timeout bounds a local call: past it the caller gets a tool error.
    static func catalog(_ configuration: HostConfiguration, timeout: Duration, changes: ChangeHub, logger: Logger) throws -> RemoteCatalog? {
        let enabled: Bool
        do {
            enabled = try configuration.bool(ConfigKey.remoteEnabled, default: false)
        } catch {
            throw ValidationError("\(error)")
        }
        guard enabled else { return nil }
        guard let base = configuration[ConfigKey.remoteURL], let url = endpointURL(base) else {
            throw ValidationError("\(ConfigKey.remoteEnabled)=true needs \(ConfigKey.remoteURL), the remote CloverDX Server's URL such as https://cdx.example.com/clover")
        }
        let credentials = configuration[ConfigKey.remoteUser].map { BasicCredentials(user: $0, password: configuration[ConfigKey.remotePassword] ?? "") }
        let endpoint: RemoteMCPEndpoint
        do {
            endpoint = try RemoteMCPEndpoint(url: url, credentials: credentials, timeout: timeout, version: CloverDXMCP.version)
        } catch {
            throw ValidationError("\(ConfigKey.remoteURL): \(error)")
        }
        logger.notice("proxy mode: merging the tools of \(url.absoluteString)\(credentials.map { " (as \($0.user))" } ?? "") with the local plugins'")
        return RemoteCatalog(endpoint: endpoint, changes: changes) { logger.notice("\($0)") }
    }

    /// CloverDX's rule: the MCP path is appended to the server's base URL (`…/clover` → `…/clover/mcp/mcp`);
    /// a URL that already ends in an MCP path (`/mcp`, `/mcp/mcp`, `/all/v1`, …) is used as given.
    static func endpointURL(_ base: String) -> URL? {
        var text = base
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), url.host != nil else { return nil }
        let path = url.path
        if path.hasSuffix("/mcp") || path.hasSuffix("/v1") { return url }
        return URL(string: text + "/mcp/mcp")
    }
}
