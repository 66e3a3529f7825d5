import enum CloverServiceContract.HostServices
import Foundation
import CloverInstallation
import MCPProtocol
import PluginHost

/// "installation.info": where the installation keeps things, without secrets.
struct InstallationInfoService: HostService {
    let name = HostServices.InstallationInfo.name
    let grant = HostServices.InstallationInfo.grant
    let installation: CloverInstallation

    func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
        func path(_ url: URL?) -> JSONValue { url.map { .string($0.path) } ?? .null }
        var info: JSONValue = [
            "nodeId": .string(installation.nodeID),
            "home": path(installation.home),
            "serverLogs": path(installation.serverLogs),
            "tomcatLogs": path(installation.tomcatLogs),
            "jobLogs": path(installation.jobLogs),
            "sandboxes": path(installation.sandboxes),
            "systemDatabase": installation.systemDatabase.map { ["engine": .string($0.engine)] } ?? .null,
            "restAPI": installation.restAPI.map { .string($0.baseURL.absoluteString) } ?? .null,
            "timeZone": [
                "id": .string(installation.timeZone.identifier),
                "utcOffsetSeconds": .int(Int64(installation.timeZone.secondsFromGMT())),
            ],
        ]
        info["supportPortal"] = [
            "configured": .bool(installation.supportPortal.apiURL != nil || installation.supportPortal.email != nil),
            "rateLimitMs": .int(Int64(installation.supportPortal.rateLimitMilliseconds)),
        ]
        return info
    }
}
