/// JSON Schemas of `server_deployment`.
enum DeploymentSchemas {
    static let input = #"""
        {"type":"object","properties":{
          "includeConfiguration":{"type":"boolean","description":"Include the effective configuration (secrets masked); true by default"}},
         "additionalProperties":false}
        """#

    static let output = #"""
        {"type":"object","properties":{
          "server":{"type":"object","properties":{"version":{"type":"string"},"build":{"type":"string"},"nodeId":{"type":"string"},
                    "versionSource":{"type":"string"},"startedAt":{"type":"string","description":"Server local time"},
                    "startedAtSource":{"type":"string"}},"required":["version","build","versionSource"]},
          "worker":{"type":"object","properties":{"version":{"type":"string"},"build":{"type":"string"},"startedAt":{"type":"string"},
                    "java":{"type":"string"},"maxHeapMB":{"type":"integer"},"commandLine":{"type":"string"}}},
          "runtime":{"type":"object","description":"The latest performance.log sample","properties":{
                    "sampleTime":{"type":"string"},"coreUptimeSeconds":{"type":"number"},"workerUptimeSeconds":{"type":"number"},
                    "coreHeapGB":{"type":"number"},"workerHeapGB":{"type":"number"},"coreThreads":{"type":"number"},
                    "workerThreads":{"type":"number"},"coreCPU":{"type":"number"},"workerCPU":{"type":"number"},
                    "systemCPU":{"type":"number"},"runningJobs":{"type":"number"},"queuedJobs":{"type":"number"},"swapGB":{"type":"number"},
                    "coreOpenFiles":{"type":"number"},"workerOpenFiles":{"type":"number"},"heartbeatAgeSeconds":{"type":"number"}}},
          "platform":{"type":"object","properties":{"loggedAt":{"type":"string"},"tomcat":{"type":"string"},"jvmVersion":{"type":"string"},
                    "jvmVendor":{"type":"string"},"os":{"type":"string"},"javaHome":{"type":"string"},"catalinaHome":{"type":"string"}}},
          "cluster":{"type":"object","properties":{"nodes":{"type":"array","items":{"type":"object","properties":{
                    "nodeId":{"type":"string"},"url":{"type":"string"},"status":{"type":"string"},"lastHeartbeat":{"type":"string"}},
                    "required":["nodeId"]}}},"required":["nodes"]},
          "installation":{"type":"object","properties":{"nodeId":{"type":"string"},"home":{"type":"string"},"serverLogs":{"type":"string"},
                    "tomcatLogs":{"type":"string"},"jobLogs":{"type":"string"},"sandboxes":{"type":"string"},
                    "systemDatabaseEngine":{"type":"string"},"restAPI":{"type":"string"},"timeZone":{"type":"string"},
                    "utcOffsetSeconds":{"type":"integer"}}},
          "configuration":{"type":"object","properties":{"maskedKeys":{"type":"integer"},"entries":{"type":"array","items":{"type":"object",
                    "properties":{"key":{"type":"string"},"value":{"type":"string"},"source":{"type":"string"}},"required":["key","value"]}}},
                    "required":["entries","maskedKeys"]},
          "sidecar":{"type":"object","properties":{"version":{"type":"string"},"pid":{"type":"integer"},"startedAt":{"type":"string"},
                    "uptimeSeconds":{"type":"integer"},"plugins":{"type":"array","items":{"type":"object","properties":{
                    "id":{"type":"string"},"version":{"type":"string"},"tools":{"type":"integer"}},"required":["id","version","tools"]}}},
                    "required":["version","plugins"]},
          "unavailable":{"type":"array","items":{"type":"object","properties":{"section":{"type":"string"},"reason":{"type":"string"}},
                    "required":["section","reason"]}}},
         "required":["unavailable"]}
        """#
}
