/// JSON Schemas of the cloverdx-info tools.
enum InfoSchemas {
    static let infoInput = #"""
        {"type":"object","properties":{
          "section":{"type":"string","enum":["all","license","sandboxes","schedules","eventListeners","dataServices","users"],
                     "description":"One part of the overview; all by default"}},
         "additionalProperties":false}
        """#

    private static let triggeredJobs = #"""
        {"type":"array","items":{"type":"object","properties":{
          "id":{"type":"integer"},"name":{"type":"string"},"sandbox":{"type":"string"},"jobFile":{"type":"string"},
          "enabled":{"type":"boolean"},"trigger":{"type":"string"},"owner":{"type":"string"},"lastRunId":{"type":"integer"},
          "lastRunStatus":{"type":"string"},"lastRunStopTime":{"type":"string"}},"required":["name"]}}
        """#

    static let infoOutput = #"""
        {"type":"object","properties":{
          "sandboxes":{"type":"object","properties":{
            "source":{"type":"string","enum":["database","folders"]},"warning":{"type":"string"},
            "sandboxes":{"type":"array","items":{"type":"object","properties":{
              "code":{"type":"string"},"name":{"type":"string"},"type":{"type":"string"},"owner":{"type":"string"},
              "suspended":{"type":"boolean"},"rootPath":{"type":"string"},"exists":{"type":"boolean"}},"required":["code","rootPath","exists"]}}},
            "required":["source","sandboxes"]},
          "schedules":
        """# + triggeredJobs + #"""
        ,
          "eventListeners":
        """# + triggeredJobs + #"""
        ,
          "dataServices":
        """# + triggeredJobs + #"""
        ,
          "users":{"type":"object","properties":{
            "users":{"type":"array","items":{"type":"object","properties":{
              "username":{"type":"string"},"fullName":{"type":"string"},"domain":{"type":"string"},"disabled":{"type":"boolean"},
              "lastLogin":{"type":"string"},"groups":{"type":"array","items":{"type":"string"}}},"required":["username","groups"]}},
            "groups":{"type":"array","items":{"type":"object","properties":{
              "code":{"type":"string"},"name":{"type":"string"},"description":{"type":"string"},"members":{"type":"integer"}},
              "required":["code","members"]}}},
            "required":["users","groups"]},
          "unavailable":{"type":"array","items":{"type":"object","properties":{"section":{"type":"string"},"reason":{"type":"string"}},
                         "required":["section","reason"]}},
          "notes":{"type":"array","items":{"type":"string"}}},
         "required":["unavailable","notes"]}
        """#

    static let listInput = #"""
        {"type":"object","properties":{
          "sandbox":{"type":"string","description":"Sandbox code, e.g. dwh"},
          "path":{"type":"string","description":"A folder inside the sandbox, relative, e.g. graph; the whole sandbox by default"},
          "pattern":{"type":"string","description":"Wildcard on the sandbox-relative path: * (crosses folders) and ?, case-insensitive, e.g. *.grf"},
          "limit":{"type":"integer","minimum":1,"description":"Files per page, 200 by default, at most 5000"},
          "cursor":{"type":"string","description":"nextCursor of the previous page"}},
         "required":["sandbox"],"additionalProperties":false}
        """#

    static let listOutput = #"""
        {"type":"object","properties":{
          "sandbox":{"type":"string"},"path":{"type":"string"},"total":{"type":"integer"},"nextCursor":{"type":"string"},
          "files":{"type":"array","items":{"type":"object","properties":{
            "path":{"type":"string"},"bytes":{"type":"integer"},"modified":{"type":"string","description":"UTC, ISO 8601"}},
            "required":["path","bytes","modified"]}},
          "notes":{"type":"array","items":{"type":"string"}}},
         "required":["sandbox","path","files","total","notes"]}
        """#

    static let readInput = #"""
        {"type":"object","properties":{
          "sandbox":{"type":"string","description":"Sandbox code, e.g. dwh"},
          "path":{"type":"string","description":"The file's path relative to the sandbox, e.g. graph/LoadOrders.grf"},
          "maxBytes":{"type":"integer","minimum":1,"maximum":16777216,"description":"Bytes to return at most, 1 MiB by default"},
          "offset":{"type":"integer","minimum":0,"description":"Byte to start at, for the rest of a long file"}},
         "required":["sandbox","path"],"additionalProperties":false}
        """#

    static let readOutput = #"""
        {"type":"object","properties":{
          "sandbox":{"type":"string"},"path":{"type":"string"},"bytes":{"type":"integer","description":"The file's size"},
          "offset":{"type":"integer"},"text":{"type":"string"},"binary":{"type":"boolean"},"maskedSecrets":{"type":"integer"},"truncated":{"type":"boolean"},
          "nextOffset":{"type":"integer"}},
         "required":["sandbox","path","bytes","offset","text","binary","maskedSecrets","truncated"]}
        """#
}
