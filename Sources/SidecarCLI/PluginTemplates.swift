import Foundation

/// The projects `cloverdx-mcp plugins new` writes: a Swift package that depends only on the SDK, or a
/// C folder with a Makefile that needs only `cc` and the header. Each has one tool that reads a
/// configuration key and calls a host service, a test, and a plugins.json that loads it.
enum PluginTemplate {
    /// A plugin name as the templates use it: the plugins.json id and the parts derived from it.
    struct Names {
        /// The plugins.json id and folder name, e.g. "acme-jobs".
        let id: String
        /// The tool-name prefix, e.g. "acme_jobs".
        let snake: String
        /// The Swift module, e.g. "AcmeJobsPlugin".
        let module: String

        /// Nil when `id` is not lower-case letters, digits and single dashes, starting with a letter.
        init?(_ id: String) {
            let allowed = id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            guard allowed, (1...40).contains(id.count), id.first!.isLetter, !id.hasSuffix("-"), !id.contains("--") else { return nil }
            self.id = id
            snake = id.replacingOccurrences(of: "-", with: "_")
            module = id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Plugin"
        }

        /// The configuration key the example tool reads.
        var greetingKey: String { "clover.mcp.\(id).greeting" }
    }

    /// Files of the Swift project, by path relative to its folder.
    static func swift(_ names: Names, sdkPath: String) -> [(path: String, text: String)] {
        [
            ("Package.swift", """
                // swift-tools-version:6.1
                // The \(names.id) plugin for cloverdx-mcp. It depends on the plugin SDK alone.
                import PackageDescription

                let package = Package(
                    name: "\(names.id)",
                    products: [
                        // The shared library cloverdx-mcp loads (plugins.json names it).
                        .library(name: "\(names.module)", type: .dynamic, targets: ["\(names.module)"]),
                    ],
                    dependencies: [
                        .package(path: "\(sdkPath)"),
                    ],
                    targets: [
                        .target(name: "\(names.module)", dependencies: [.product(name: "PluginKit", package: "sdk")]),
                        .testTarget(
                            name: "\(names.module)Tests",
                            dependencies: ["\(names.module)", .product(name: "PluginKitTesting", package: "sdk")]
                        ),
                    ]
                )

                """),
            ("Sources/\(names.module)/\(names.module).swift", """
                import PluginKit

                /// The \(names.id) plugin: one tool that reads a configuration key and asks the host where it runs.
                struct \(names.module): Plugin {
                    let id = "\(names.id)"
                    let version = "0.1.0"
                    let summary: String? = "\(names.id): says hello from the CloverDX node"
                    let environment: PluginEnvironment

                    /// The configuration key (clover.properties, CLOVER_MCP_* environment) with the greeting word.
                    static let greetingKey = "\(names.greetingKey)"

                    struct Greeting: Encodable {
                        let greeting: String
                        let nodeId: String
                    }

                    var tools: [ToolDefinition] {
                        [
                            ToolDefinition(
                                name: "\(names.snake)_hello", title: "Hello from the node",
                                description: "Greets from the CloverDX node this server runs next to. Use it to check that the \(names.id) plugin works.",
                                inputSchema: #"{"type":"object","properties":{},"additionalProperties":false}"#,
                                outputSchema: #"{"type":"object","properties":{"greeting":{"type":"string"},"nodeId":{"type":"string"}},"required":["greeting","nodeId"]}"#,
                                arguments: NoArguments.self
                            ) { [environment] _, call in
                                let word = environment.config(Self.greetingKey) ?? "Hello"
                                let installation: HostServices.InstallationInfo.Answer
                                do {
                                    installation = try call.installation.info()  // needs the grant installation.read
                                } catch let refused as ServiceRefused {
                                    throw refused.toolError(about: "\(names.snake)_hello")
                                }
                                let text = "\\(word) from \\(installation.nodeId)!"
                                return try .structured(Greeting(greeting: text, nodeId: installation.nodeId), text: text)
                            },
                        ]
                    }
                }

                /// Makes the plugin; the entry below and the tests use it.
                public func make\(names.module)(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
                    \(names.module)(environment: environment)
                }

                /// The one symbol cloverdx-mcp looks for in the library.
                @_cdecl("cdxmcp_plugin_entry_v1")
                public func \(names.snake)PluginEntry(host: HostTable, plugin: PluginHandle, settings: SettingsBytes, settingsLength: Int,
                                                descriptor: DescriptorSlot) -> Int32 {
                    PluginExport.start(host, plugin, settings, settingsLength, descriptor, make: make\(names.module))
                }

                """),
            ("Tests/\(names.module)Tests/\(names.module)Tests.swift", """
                import PluginKit
                import PluginKitTesting
                import Testing
                @testable import \(names.module)

                @Suite struct \(names.module)Tests {
                    let node: PluginTestHost.ServiceHandler = { _ in
                        .object(["nodeId": .string("node01"), "timeZone": .object(["id": .string("Europe/Prague"), "utcOffsetSeconds": .number(3600)]),
                                 "supportPortal": .object(["configured": .bool(false), "rateLimitMs": .number(60000)])])
                    }

                    @Test func greetsFromTheNodeWithTheConfiguredWord() throws {
                        let host = try PluginTestHost(configuration: [\(names.module).greetingKey: "Ahoj"],
                                                      services: ["installation.info": node], make: make\(names.module))
                        let run = host.runTool("\(names.snake)_hello")
                        #expect(!run.isError)
                        #expect(run.text == "Ahoj from node01!")
                        #expect(run.structured?["nodeId"]?.stringValue == "node01")
                        #expect(host.serviceRequests.map(\\.service) == ["installation.info"])
                    }

                    @Test func saysWhyWhenTheHostRefuses() throws {
                        let host = try PluginTestHost(services: ["installation.info": { _ in
                            throw ServiceRefused(status: Int32(CDXMCP_DENIED), message: "no grant \\"installation.read\\"")
                        }], make: make\(names.module))
                        let run = host.runTool("\(names.snake)_hello")
                        #expect(run.isError)
                        #expect(run.text.contains("no grant"))
                    }
                }

                """),
            ("plugins.json", pluginsJSON(names, path: ".build/debug/lib\(names.module).so")),
            (".gitignore", ".build/\nPackage.resolved\n"),
            ("README.md", readme(names, build: "swift build", test: "swift test", library: ".build/debug/lib\(names.module).so")),
        ]
    }

    /// Files of the C project. `header` is the SDK's cloverdx_mcp_plugin.h, copied into include/.
    static func c(_ names: Names, header: String) -> [(path: String, text: String)] {
        [
            ("include/cloverdx_mcp_plugin.h", header),
            ("\(names.snake)_plugin.c", """
                /* The \(names.id) plugin for cloverdx-mcp, in C: built from cloverdx_mcp_plugin.h alone. */
                #include "cloverdx_mcp_plugin.h"

                #include <stdio.h>
                #include <string.h>

                static const cdxmcp_host_api *host;
                static cdxmcp_plugin_handle *self_handle;

                static const char TOOLS[] =
                    "[{\\"name\\":\\"\(names.snake)_hello\\",\\"title\\":\\"Hello from the node\\","
                    "\\"description\\":\\"Greets from the CloverDX node this server runs next to. Use it to check that the \(names.id) plugin works.\\","
                    "\\"inputSchema\\":{\\"type\\":\\"object\\",\\"properties\\":{},\\"additionalProperties\\":false},"
                    "\\"annotations\\":{\\"readOnlyHint\\":true,\\"destructiveHint\\":false,\\"idempotentHint\\":true,\\"openWorldHint\\":false}}]";

                static cdxmcp_status fail(cdxmcp_call *call, cdxmcp_status status, const char *message) {
                    host->set_error(call, message, strlen(message));
                    return status;
                }

                static cdxmcp_status call_tool(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                                               const char *arguments, size_t arguments_len) {
                    (void)context; (void)arguments; (void)arguments_len;
                    if (name_len != strlen("\(names.snake)_hello") || memcmp(name, "\(names.snake)_hello", name_len) != 0) {
                        return fail(call, CDXMCP_NOT_FOUND, "\(names.id) has only the tool \(names.snake)_hello");
                    }
                    /* A configuration key (clover.properties, CLOVER_MCP_* environment); -1 when unset. */
                    char word[64] = "Hello";
                    static const char key[] = "\(names.greetingKey)";
                    int64_t word_len = host->config_get(self_handle, key, sizeof key - 1, word, sizeof word - 1);
                    if (word_len < 0 || word_len >= (int64_t)sizeof word) strcpy(word, "Hello");
                    else word[word_len] = 0;

                    /* A host service: needs the grant installation.read in plugins.json. The answer is the host's until the call ends. */
                    const char *answer = NULL;
                    size_t answer_len = 0;
                    static const char service[] = "installation.info";
                    cdxmcp_status status = host->call_service(call, service, sizeof service - 1, "{}", 2, &answer, &answer_len);
                    if (status != CDXMCP_OK) {
                        char message[512];
                        snprintf(message, sizeof message, "\(names.snake)_hello: installation.info refused: %.*s", (int)answer_len, answer);
                        return fail(call, CDXMCP_FAILED, message);
                    }
                    /* Node ids are plain names; a real plugin would use a JSON parser. */
                    static const char field[] = "\\"nodeId\\":\\"";
                    const char *node = NULL;
                    for (size_t i = 0; i + sizeof field - 1 <= answer_len; i++) {
                        if (memcmp(answer + i, field, sizeof field - 1) == 0) { node = answer + i + sizeof field - 1; break; }
                    }
                    const char *node_end = node ? memchr(node, '"', answer_len - (size_t)(node - answer)) : NULL;
                    if (node_end == NULL) return fail(call, CDXMCP_FAILED, "\(names.snake)_hello: installation.info has no nodeId");

                    char result[512];
                    int written = snprintf(result, sizeof result,
                                           "{\\"content\\":[{\\"type\\":\\"text\\",\\"text\\":\\"%s from %.*s!\\"}],"
                                           "\\"structuredContent\\":{\\"nodeId\\":\\"%.*s\\"},\\"isError\\":false}",
                                           word, (int)(node_end - node), node, (int)(node_end - node), node);
                    if (written < 0 || written >= (int)sizeof result) return fail(call, CDXMCP_FAILED, "answer too long");
                    return host->set_result(call, result, (size_t)written);
                }

                static const cdxmcp_plugin descriptor = {
                    .struct_size = sizeof(cdxmcp_plugin),
                    .abi_version = CDXMCP_ABI_VERSION,
                    .id = "\(names.id)",
                    .version = "0.1.0",
                    .tools_json = TOOLS,
                    .call_tool = call_tool,
                    .description = "\(names.id): says hello from the CloverDX node",
                };

                cdxmcp_status cdxmcp_plugin_entry_v1(const cdxmcp_host_api *api, cdxmcp_plugin_handle *plugin,
                                                     const char *settings_json, size_t settings_len,
                                                     const cdxmcp_plugin **out_plugin) {
                    (void)settings_json; (void)settings_len;
                    /* Version 1's table is all this plugin uses; newer hosts hand a larger one. */
                    if (api == NULL || api->abi_version != CDXMCP_ABI_VERSION || api->struct_size < CDXMCP_HOST_API_V1_SIZE) {
                        return CDXMCP_UNSUPPORTED;
                    }
                    host = api;
                    self_handle = plugin;
                    *out_plugin = &descriptor;
                    return CDXMCP_OK;
                }

                """),
            ("Makefile", """
                # Builds the \(names.id) plugin with nothing but a C compiler and the header in include/.
                CC ?= cc
                CFLAGS ?= -O2 -g -Wall -Wextra -std=c11
                # The cloverdx-mcp binary, for `make check`.
                CLOVERDX_MCP ?= cloverdx-mcp

                lib\(names.id).so: \(names.snake)_plugin.c include/cloverdx_mcp_plugin.h
                \t$(CC) $(CFLAGS) -fPIC -shared -Iinclude -o $@ \(names.snake)_plugin.c

                # Loads the library against the ABI, then calls its tool on the demo installation.
                check: lib\(names.id).so
                \t$(CLOVERDX_MCP) plugins verify ./lib\(names.id).so
                \t$(CLOVERDX_MCP) call \(names.snake)_hello --plugins plugins.json --demo

                clean:
                \trm -f lib\(names.id).so

                .PHONY: check clean

                """),
            ("plugins.json", pluginsJSON(names, path: "lib\(names.id).so")),
            (".gitignore", "*.so\n"),
            ("README.md", readme(names, build: "make", test: "make check CLOVERDX_MCP=/path/to/cloverdx-mcp", library: "lib\(names.id).so")),
        ]
    }

    static func pluginsJSON(_ names: Names, path: String) -> String {
        """
        {
          "plugins": [
            {
              "id": "\(names.id)",
              "path": "\(path)",
              "enabled": true,
              "grants": ["installation.read"]
            }
          ]
        }

        """
    }

    static func readme(_ names: Names, build: String, test: String, library: String) -> String {
        """
        # \(names.id)

        A cloverdx-mcp plugin with one tool, `\(names.snake)_hello`, which reads the configuration key
        `\(names.greetingKey)` and calls the host service `installation.info`.

            \(build)                                   # builds \(library)
            \(test)
            cloverdx-mcp plugins verify \(library)
            cloverdx-mcp serve --demo --plugins plugins.json

        To ship it, copy the library next to the server's plugins.json, add the entry from this folder's
        plugins.json there, and pin it with `"sha256"` (the value `plugins verify` prints). The guide is
        docs/PLUGINS.md in the cloverdx-mcp repository; the host services are in docs/SERVICES.md.

        """
    }
}
