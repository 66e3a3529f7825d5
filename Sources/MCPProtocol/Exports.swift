// MCP messages are JSON: every user of the protocol layer also gets the JSON values it speaks in.
@_exported import JSON
