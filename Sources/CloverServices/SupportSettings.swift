import CloverInstallation
import CurlHTTP
import Foundation
import HostConfiguration
import Logging

/// Where support reports go and how: the portal from CloverDX's keys, the outbox and pacing from ours.
struct SupportSettings {

    let portal: CloverInstallation.SupportPortalSettings
    let outbox: URL
    let token: String?
    let retryBaseMs: Int
    let timeoutMs: Int
    let packageCapBytes: Int
    let installation: CloverInstallation
    let configuration: HostConfiguration

    init(installation: CloverInstallation, configuration: HostConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        portal = installation.supportPortal
        self.installation = installation
        self.configuration = configuration
        if let folder = configuration[ConfigKey.supportOutboxDir], !folder.isEmpty {
            outbox = URL(fileURLWithPath: folder)
        } else if let home = installation.home {
            outbox = home.appendingPathComponent("mcp-outbox")
        } else {
            let state = environment["XDG_STATE_HOME"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/state")
            outbox = state.appendingPathComponent("cloverdx-mcp/outbox")
        }
        token = configuration[ConfigKey.portalToken].flatMap { $0.isEmpty ? nil : $0 }
        retryBaseMs = try configuration.int(ConfigKey.supportRetryMs, default: 30_000, range: 10...3_600_000)
        timeoutMs = try configuration.int(ConfigKey.supportTimeoutMs, default: 30_000, range: 100...600_000)
        packageCapBytes = try configuration.int(ConfigKey.supportPackageMaxBytes, default: 50 << 20, range: 4096...(1 << 30))
        // The installation reads the rate limit leniently; a value that is not a number is refused here, by name.
        _ = try configuration.int(ConfigKey.portalRateLimitMs, default: 60_000, range: 0...86_400_000)
    }

    /// The support package builder: server and Tomcat logs, kept in the outbox's `packages` folder.
    var package: SupportPackage {
        let folders = [("cloverlogs", installation.serverLogs), ("tomcatlogs", installation.tomcatLogs)]
            .compactMap { name, url in url.map { (name: name, url: $0) } }
        return SupportPackage(folders: folders, configuration: configuration, directory: outbox.appendingPathComponent("packages"),
                              capBytes: packageCapBytes)
    }

    /// The desk delivering by e-mail when `clover.mcp.support.email` is set, else to the configured portal;
    /// nil when neither is (reporting is optional, as in CloverDX, so that is no problem), nil and why
    /// when the outbox or the mail server settings cannot be used.
    func desk(version: String, logger: Logger) -> (SupportDesk?, String?) {
        do {
            let delivery: any SupportChannel
            if let email = portal.email {
                delivery = try mail(to: email)
            } else if let url = portal.apiURL {
                delivery = try PortalDelivery(url: url, token: token, timeout: .milliseconds(timeoutMs), version: version)
            } else {
                return (nil, nil)
            }
            let desk = SupportDesk(outbox: try SupportOutbox(directory: outbox), delivery: delivery,
                                   rateLimitMs: portal.rateLimitMilliseconds, retryBaseMs: retryBaseMs, logger: logger)
            return (desk, nil)
        } catch {
            return (nil, "support reports: \(error)")
        }
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// E-mail through CloverDX's SMTP settings (`email.smtp.host`, `.port`, `.username`, `.password`;
    /// port 465 means implicit TLS, others STARTTLS when offered).
    private func mail(to recipient: String) throws -> MailDelivery {
        guard let host = configuration[ConfigKey.smtpHost], !host.isEmpty else {
            throw Invalid(description: "clover.mcp.support.email is set but CloverDX's email.smtp.host is not")
        }
        let port = try configuration.int(ConfigKey.smtpPort, default: 25, range: 1...65_535)
        let user = configuration[ConfigKey.smtpUser].flatMap { $0.isEmpty ? nil : $0 }
        let sender = configuration[ConfigKey.supportEmailFrom] ?? user.map { $0.contains("@") ? $0 : "\($0)@\(host)" } ?? "cloverdx-mcp@\(host)"
        let mailer = SMTPMailer(url: "\(port == 465 ? "smtps" : "smtp")://\(host):\(port)", username: user,
                                password: configuration[ConfigKey.smtpPassword], from: sender, timeout: .milliseconds(timeoutMs))
        return MailDelivery(recipient: recipient, mailer: mailer)
    }
}
