/// The jobs in the demo sandboxes. Component IDs and names here are the ones the sandbox files,
/// the run logs, the tracking tables and the error messages use, so they agree everywhere.
extension DemoCatalogue {
    static let jobs: [JobSpec] = [
        loadOrders, loadCustomers, loadProducts, buildSalesFact, refreshAggregates, purgeStaging, sendAlert,
        nightlyLoad, monthEndBackfill,
        syncContacts, dedupeAccounts, importLeads, legacyExport, customerSync,
        exportKPIs, dailySalesReport, aggregateSalesYearly,
    ]

    static func jobIndex(_ key: String) -> Int {
        guard let index = jobs.firstIndex(where: { $0.key == key }) else {
            preconditionFailure("demo catalogue has no job \(key)")
        }
        return index
    }

    private static func component(_ id: String, _ name: String, _ type: String, phase: Int = 0, _ resource: ExternalResource = .none,
                                  cpu: Double = 1, _ attributes: [XMLAttribute] = []) -> ComponentSpec {
        ComponentSpec(id: id, name: name, type: type, phase: phase, resource: resource, cpuWeight: cpu, attributes: attributes)
    }

    private static func edge(_ from: String, _ to: String, _ volume: EdgeVolume, bytes: Int, _ metadata: String) -> EdgeSpec {
        let f = from.split(separator: ":"), t = to.split(separator: ":")
        return EdgeSpec(from: String(f[0]), fromPort: Int(f[1])!, to: String(t[0]), toPort: Int(t[1])!, volume: volume,
                        bytesPerRecord: bytes, metadata: metadata)
    }

    private static func attr(_ name: String, _ value: String) -> XMLAttribute {
        XMLAttribute(name: name, value: value)
    }

    private static let orderMeta = MetadataSpec(id: "Metadata0", name: "Order", fields: [
        ("order_id", "long"), ("customer_id", "long"), ("order_date", "date"), ("region", "string"),
        ("product_sku", "string"), ("quantity", "integer"), ("amount", "decimal"), ("currency", "string"),
    ])
    private static let orderDWHMeta = MetadataSpec(id: "Metadata1", name: "OrderDWH", fields: [
        ("order_key", "long"), ("customer_key", "long"), ("date_key", "integer"), ("region_code", "string"),
        ("product_key", "long"), ("quantity", "integer"), ("amount_eur", "decimal"), ("load_run_id", "long"),
    ])
    private static let customerMeta = MetadataSpec(id: "Metadata0", name: "Customer", fields: [
        ("customer_id", "long"), ("name", "string"), ("email", "string"), ("street", "string"), ("city", "string"),
        ("country", "string"), ("segment", "string"), ("modified_at", "date"),
    ])
    private static let productMeta = MetadataSpec(id: "Metadata0", name: "Product", fields: [
        ("sku", "string"), ("name", "string"), ("category", "string"), ("list_price", "decimal"), ("active", "boolean"),
    ])
    private static let responseMeta = MetadataSpec(id: "Metadata9", name: "HttpResponse", fields: [
        ("statusCode", "integer"), ("content", "string"), ("contentType", "string"),
    ])
    private static let salesMeta = MetadataSpec(id: "Metadata2", name: "SalesFact", fields: [
        ("date_key", "integer"), ("customer_key", "long"), ("region_code", "string"), ("orders", "integer"), ("revenue_eur", "decimal"),
    ])
    private static let contactMeta = MetadataSpec(id: "Metadata0", name: "Contact", fields: [
        ("contact_id", "string"), ("account_id", "string"), ("first_name", "string"), ("last_name", "string"),
        ("email", "string"), ("phone", "string"), ("updated_at", "date"),
    ])
    private static let leadMeta = MetadataSpec(id: "Metadata0", name: "Lead", fields: [
        ("lead_id", "string"), ("company", "string"), ("contact_email", "string"), ("country", "string"),
        ("source", "string"), ("score", "integer"), ("amount", "decimal"),
    ])
    private static let kpiMeta = MetadataSpec(id: "Metadata0", name: "Kpi", fields: [
        ("kpi", "string"), ("value", "decimal"), ("unit", "string"), ("as_of", "date"),
    ])
    private static let tokenMeta = MetadataSpec(id: "Metadata8", name: "JobToken", fields: [
        ("runId", "long"), ("status", "string"), ("errMessage", "string"), ("duration", "long"),
    ])

    static let loadOrders = JobSpec(
        sandbox: "dwh", path: "graph/LoadOrders.grf", kind: .graph, author: "jdoe",
        description: "Loads order files from the web shop into the warehouse staging table.",
        components: [
            component("FLAT_FILE_READER0", "Read orders", "FLAT_FILE_READER", .fileRead("${DATAIN_DIR}/orders/orders_${REGION}_*.csv"), cpu: 2,
                      [attr("fileURL", "${INPUT_FILE}"), attr("charset", "UTF-8"), attr("skipFirstLine", "true")]),
            component("REFORMAT0", "Map to DWH", "REFORMAT", cpu: 1.5),
            component("FLAT_FILE_WRITER0", "Write rejects", "FLAT_FILE_WRITER", .fileWrite("${DATAOUT_DIR}/rejects/orders_rejects_${RUN_ID}.csv"),
                      cpu: 0.2, [attr("fileURL", "${DATAOUT_DIR}/rejects/orders_rejects_${RUN_ID}.csv")]),
            component("DB_OUTPUT_TABLE0", "Write orders", "DB_OUTPUT_TABLE", phase: 1, .database(dwhDatabase), cpu: 1.2,
                      [attr("dbConnection", "JDBC0"), attr("dbTable", "stg_orders"), attr("batchMode", "true")]),
        ],
        edges: [
            edge("FLAT_FILE_READER0:0", "REFORMAT0:0", .share(1.0), bytes: 96, "Metadata0"),
            edge("REFORMAT0:0", "DB_OUTPUT_TABLE0:0", .share(0.996), bytes: 104, "Metadata1"),
            edge("REFORMAT0:1", "FLAT_FILE_WRITER0:0", .share(0.004), bytes: 96, "Metadata0"),
        ],
        metadata: [orderMeta, orderDWHMeta],
        phaseWeights: [0.55, 0.45], records: 1500...24000, durationMs: 4000...21000, memoryMB: 40...180,
        parameters: [("INPUT_FILE", "${DATAIN_DIR}/orders/orders_${REGION}_*.csv"), ("REGION", "ALL"), ("BATCH_DATE", "")],
        failures: [
            FailureRule(kind: .malformedRecord, component: "FLAT_FILE_READER0", probability: 0.004),
            FailureRule(kind: .fileNotFound, component: "FLAT_FILE_READER0", probability: 0.002),
            FailureRule(kind: .duplicateKey, component: "DB_OUTPUT_TABLE0", probability: 0.002),
        ],
        steps: [])

    static let loadCustomers = JobSpec(
        sandbox: "dwh", path: "graph/LoadCustomers.grf", kind: .graph, author: "jdoe",
        description: "Copies changed customers from the CRM database into the customer dimension.",
        components: [
            component("DB_INPUT_TABLE0", "Read CRM customers", "DB_INPUT_TABLE", .database(crmDatabase), cpu: 1,
                      [attr("dbConnection", "JDBC1"), attr("sqlQuery", "select * from customers where modified_at > ${LAST_LOAD}")]),
            component("DEDUP0", "Deduplicate by e-mail", "DEDUP", cpu: 0.8, [attr("dedupKey", "email")]),
            component("REFORMAT0", "Normalize addresses", "REFORMAT", cpu: 1.6),
            component("TRASH0", "Discard duplicates", "TRASH", cpu: 0.05),
            component("DB_OUTPUT_TABLE0", "Upsert customers", "DB_OUTPUT_TABLE", phase: 1, .database(dwhDatabase), cpu: 1.3,
                      [attr("dbConnection", "JDBC0"), attr("dbTable", "dim_customer")]),
        ],
        edges: [
            edge("DB_INPUT_TABLE0:0", "DEDUP0:0", .share(1.0), bytes: 180, "Metadata0"),
            edge("DEDUP0:0", "REFORMAT0:0", .share(0.97), bytes: 180, "Metadata0"),
            edge("DEDUP0:1", "TRASH0:0", .share(0.03), bytes: 180, "Metadata0"),
            edge("REFORMAT0:0", "DB_OUTPUT_TABLE0:0", .share(0.97), bytes: 188, "Metadata0"),
        ],
        metadata: [customerMeta],
        phaseWeights: [0.6, 0.4], records: 40000...120_000, durationMs: 25000...80000, memoryMB: 120...420,
        parameters: [("LAST_LOAD", "current_date - 1")],
        failures: [FailureRule(kind: .duplicateKey, component: "DB_OUTPUT_TABLE0", probability: 0.01)],
        steps: [])

    static let loadProducts = JobSpec(
        sandbox: "dwh", path: "graph/LoadProducts.grf", kind: .graph, author: "asmith",
        description: "Downloads the product feed from the PIM and refreshes the product dimension.",
        components: [
            component("HTTP_CONNECTOR0", "Fetch product feed", "HTTP_CONNECTOR", .http("https://pim.example.internal/api/v2/products/export"),
                      cpu: 0.4, [attr("url", "https://pim.example.internal/api/v2/products/export"), attr("requestMethod", "GET")]),
            component("JSON_EXTRACT0", "Parse products", "JSON_EXTRACT", cpu: 1.4),
            component("DB_OUTPUT_TABLE0", "Write products", "DB_OUTPUT_TABLE", .database(dwhDatabase), cpu: 1,
                      [attr("dbConnection", "JDBC0"), attr("dbTable", "dim_product")]),
        ],
        edges: [
            edge("HTTP_CONNECTOR0:0", "JSON_EXTRACT0:0", .fixed(1), bytes: 2_400_000, "Metadata9"),
            edge("JSON_EXTRACT0:0", "DB_OUTPUT_TABLE0:0", .share(1.0), bytes: 140, "Metadata0"),
        ],
        metadata: [productMeta, responseMeta],
        phaseWeights: [1.0], records: 3000...9000, durationMs: 3000...12000, memoryMB: 60...200,
        parameters: [],
        failures: [FailureRule(kind: .httpUnavailable, component: "HTTP_CONNECTOR0", probability: 0.01)],
        steps: [])

    static let buildSalesFact = JobSpec(
        sandbox: "dwh", path: "graph/BuildSalesFact.grf", kind: .graph, author: "jdoe",
        description: "Joins staged orders with customers, aggregates daily sales and rebuilds the sales fact.",
        components: [
            component("DB_INPUT_TABLE0", "Read staged orders", "DB_INPUT_TABLE", .database(dwhDatabase), cpu: 1,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "select * from stg_orders where load_date = current_date")]),
            component("DB_INPUT_TABLE1", "Read customers", "DB_INPUT_TABLE", .database(dwhDatabase), cpu: 0.6,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "select * from dim_customer")]),
            component("EXT_HASH_JOIN0", "Join customers", "EXT_HASH_JOIN", cpu: 2.2, [attr("joinKey", "$customer_id=$customer_id")]),
            component("EXT_SORT0", "Sort by date and customer", "EXT_SORT", phase: 1, cpu: 2.5, [attr("sortKey", "date_key(a);customer_key(a)")]),
            component("AGGREGATE0", "Aggregate daily sales", "AGGREGATE", phase: 1, cpu: 1.8, [attr("sorted", "true")]),
            component("DB_OUTPUT_TABLE0", "Write sales fact", "DB_OUTPUT_TABLE", phase: 2, .database(dwhDatabase), cpu: 1.2,
                      [attr("dbConnection", "JDBC0"), attr("dbTable", "fact_sales")]),
        ],
        edges: [
            edge("DB_INPUT_TABLE0:0", "EXT_HASH_JOIN0:0", .share(1.0), bytes: 104, "Metadata1"),
            edge("DB_INPUT_TABLE1:0", "EXT_HASH_JOIN0:1", .share(0.35), bytes: 188, "Metadata0"),
            edge("EXT_HASH_JOIN0:0", "EXT_SORT0:0", .share(0.99), bytes: 120, "Metadata1"),
            edge("EXT_SORT0:0", "AGGREGATE0:0", .share(0.99), bytes: 120, "Metadata1"),
            edge("AGGREGATE0:0", "DB_OUTPUT_TABLE0:0", .share(0.06), bytes: 64, "Metadata2"),
        ],
        metadata: [customerMeta, orderDWHMeta, salesMeta],
        phaseWeights: [0.4, 0.45, 0.15], records: 150_000...500_000, durationMs: 60000...200_000, memoryMB: 300...900,
        parameters: [],
        failures: [FailureRule(kind: .duplicateKey, component: "DB_OUTPUT_TABLE0", probability: 0.01)],
        steps: [])

    static let refreshAggregates = JobSpec(
        sandbox: "dwh", path: "graph/RefreshAggregates.grf", kind: .graph, author: "jdoe",
        description: "Refreshes the materialized views the reports read.",
        components: [
            component("DB_EXECUTE0", "Refresh materialized views", "DB_EXECUTE", .database(dwhDatabase), cpu: 0.1,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "refresh materialized view concurrently mv_sales_daily")]),
        ],
        edges: [], metadata: [],
        phaseWeights: [1.0], records: 0...0, durationMs: 15000...50000, memoryMB: 20...40,
        parameters: [], failures: [], steps: [])

    static let purgeStaging = JobSpec(
        sandbox: "dwh", path: "graph/PurgeStaging.grf", kind: .graph, author: "jdoe",
        description: "Deletes staging rows older than 30 days.",
        components: [
            component("DB_EXECUTE0", "Delete old staging rows", "DB_EXECUTE", .database(dwhDatabase), cpu: 0.1,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "delete from stg_orders where load_date < current_date - 30")]),
        ],
        edges: [], metadata: [],
        phaseWeights: [1.0], records: 0...0, durationMs: 30000...90000, memoryMB: 20...40,
        parameters: [], failures: [], steps: [])

    static let sendAlert = JobSpec(
        sandbox: "dwh", path: "graph/SendAlert.grf", kind: .graph, author: "admin",
        description: "Mails the on-call team when the nightly load fails.",
        components: [
            component("DATA_GENERATOR0", "Compose alert", "DATA_GENERATOR", cpu: 0.1),
            component("EMAIL_SENDER0", "Mail on-call team", "EMAIL_SENDER", .mail, cpu: 0.2,
                      [attr("to", "etl-oncall@example.com"), attr("subject", "Nightly DWH load failed")]),
        ],
        edges: [edge("DATA_GENERATOR0:0", "EMAIL_SENDER0:0", .fixed(1), bytes: 512, "Metadata8")],
        metadata: [tokenMeta],
        phaseWeights: [1.0], records: 1...1, durationMs: 900...2500, memoryMB: 10...30,
        parameters: [("EVENT_RUN_ID", "")], failures: [], steps: [])

    static let nightlyLoad = JobSpec(
        sandbox: "dwh", path: "jobflow/NightlyLoad.jbf", kind: .jobflow, author: "jdoe",
        description: "Nightly warehouse load: customers, products, sales fact, aggregates, then the daily report.",
        components: [
            component("EXECUTE_GRAPH0", "Load customers", "EXECUTE_GRAPH", cpu: 0.05, [attr("jobURL", "${GRAPH_DIR}/LoadCustomers.grf")]),
            component("EXECUTE_GRAPH1", "Load products", "EXECUTE_GRAPH", cpu: 0.05, [attr("jobURL", "${GRAPH_DIR}/LoadProducts.grf")]),
            component("EXECUTE_GRAPH2", "Build sales fact", "EXECUTE_GRAPH", cpu: 0.05, [attr("jobURL", "${GRAPH_DIR}/BuildSalesFact.grf")]),
            component("EXECUTE_GRAPH3", "Refresh aggregates", "EXECUTE_GRAPH", cpu: 0.05, [attr("jobURL", "${GRAPH_DIR}/RefreshAggregates.grf")]),
            component("EXECUTE_GRAPH4", "Daily sales report", "EXECUTE_GRAPH", cpu: 0.05,
                      [attr("jobURL", "sandbox://reporting/graph/DailySalesReport.grf")]),
            component("SUCCESS0", "Done", "SUCCESS", cpu: 0.01),
        ],
        edges: [
            edge("EXECUTE_GRAPH0:0", "EXECUTE_GRAPH1:0", .fixed(1), bytes: 96, "Metadata8"),
            edge("EXECUTE_GRAPH1:0", "EXECUTE_GRAPH2:0", .fixed(1), bytes: 96, "Metadata8"),
            edge("EXECUTE_GRAPH2:0", "EXECUTE_GRAPH3:0", .fixed(1), bytes: 96, "Metadata8"),
            edge("EXECUTE_GRAPH3:0", "EXECUTE_GRAPH4:0", .fixed(1), bytes: 96, "Metadata8"),
            edge("EXECUTE_GRAPH4:0", "SUCCESS0:0", .fixed(1), bytes: 96, "Metadata8"),
        ],
        metadata: [tokenMeta],
        phaseWeights: [1.0], records: 1...1, durationMs: 0...0, memoryMB: 20...60,
        parameters: [],
        failures: [],
        steps: [
            JobflowStep(componentId: "EXECUTE_GRAPH0", child: "dwh/graph/LoadCustomers.grf", fanOut: 1, launchSpacingMs: 0, timeoutMs: nil),
            JobflowStep(componentId: "EXECUTE_GRAPH1", child: "dwh/graph/LoadProducts.grf", fanOut: 1, launchSpacingMs: 0, timeoutMs: nil),
            JobflowStep(componentId: "EXECUTE_GRAPH2", child: "dwh/graph/BuildSalesFact.grf", fanOut: 1, launchSpacingMs: 0, timeoutMs: nil),
            JobflowStep(componentId: "EXECUTE_GRAPH3", child: "dwh/graph/RefreshAggregates.grf", fanOut: 1, launchSpacingMs: 0, timeoutMs: nil),
            JobflowStep(componentId: "EXECUTE_GRAPH4", child: "reporting/graph/DailySalesReport.grf", fanOut: 1, launchSpacingMs: 0, timeoutMs: nil),
        ])

    static let monthEndBackfill = JobSpec(
        sandbox: "dwh", path: "jobflow/MonthEndBackfill.jbf", kind: .jobflow, author: "jdoe",
        description: "Reloads every order file of the previous two months, one child run per business date.",
        components: [
            component("DATA_GENERATOR0", "List business dates", "DATA_GENERATOR", cpu: 0.02),
            component("EXECUTE_GRAPH0", "Reload orders for date", "EXECUTE_GRAPH", cpu: 0.1,
                      [attr("jobURL", "${GRAPH_DIR}/LoadOrders.grf"), attr("executorsNumber", "0")]),
            component("SUCCESS0", "Done", "SUCCESS", cpu: 0.01),
        ],
        edges: [
            edge("DATA_GENERATOR0:0", "EXECUTE_GRAPH0:0", .fixed(0), bytes: 32, "Metadata8"),
            edge("EXECUTE_GRAPH0:0", "SUCCESS0:0", .fixed(0), bytes: 96, "Metadata8"),
        ],
        metadata: [tokenMeta],
        phaseWeights: [1.0], records: 1...1, durationMs: 0...0, memoryMB: 40...90,
        parameters: [("FROM_DATE", ""), ("TO_DATE", "")],
        failures: [],
        steps: [JobflowStep(componentId: "EXECUTE_GRAPH0", child: "dwh/graph/LoadOrders.grf", fanOut: 60, launchSpacingMs: 1500, timeoutMs: nil)])

    static let syncContacts = JobSpec(
        sandbox: "crm", path: "graph/SyncContacts.grf", kind: .graph, author: "asmith",
        description: "Pulls changed contacts from the CRM REST API into the CRM database.",
        components: [
            component("HTTP_CONNECTOR0", "Fetch contacts (CRM API)", "HTTP_CONNECTOR",
                      .http("https://crm.example.com/api/v3/contacts?modifiedSince=${LAST_SYNC}"), cpu: 0.4,
                      [attr("url", "https://crm.example.com/api/v3/contacts?modifiedSince=${LAST_SYNC}"), attr("requestMethod", "GET")]),
            component("JSON_EXTRACT0", "Parse contacts", "JSON_EXTRACT", cpu: 1.2),
            component("REFORMAT0", "Map contact", "REFORMAT", cpu: 0.8),
            component("DB_OUTPUT_TABLE0", "Upsert contacts", "DB_OUTPUT_TABLE", .database(crmDatabase), cpu: 0.9,
                      [attr("dbConnection", "JDBC0"), attr("dbTable", "contacts")]),
        ],
        edges: [
            edge("HTTP_CONNECTOR0:0", "JSON_EXTRACT0:0", .fixed(1), bytes: 900_000, "Metadata9"),
            edge("JSON_EXTRACT0:0", "REFORMAT0:0", .share(1.0), bytes: 210, "Metadata0"),
            edge("REFORMAT0:0", "DB_OUTPUT_TABLE0:0", .share(1.0), bytes: 210, "Metadata0"),
        ],
        metadata: [contactMeta, responseMeta],
        phaseWeights: [1.0], records: 200...4000, durationMs: 4000...25000, memoryMB: 40...120,
        parameters: [("LAST_SYNC", "${CURRENT_TIME-1h}")],
        failures: [FailureRule(kind: .httpUnavailable, component: "HTTP_CONNECTOR0", probability: 0.008)],
        steps: [])

    static let dedupeAccounts = JobSpec(
        sandbox: "crm", path: "graph/DedupeAccounts.grf", kind: .graph, author: "asmith",
        description: "Merges duplicate CRM accounts.",
        components: [
            component("DB_INPUT_TABLE0", "Read accounts", "DB_INPUT_TABLE", .database(crmDatabase), cpu: 0.7,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "select * from accounts order by normalized_name")]),
            component("DEDUP0", "Find duplicates", "DEDUP", cpu: 1.1, [attr("dedupKey", "normalized_name;country")]),
            component("DB_OUTPUT_TABLE0", "Merge accounts", "DB_OUTPUT_TABLE", .database(crmDatabase), cpu: 0.6,
                      [attr("dbConnection", "JDBC0"), attr("dbTable", "accounts")]),
            component("TRASH0", "Keep survivors", "TRASH", cpu: 0.05),
        ],
        edges: [
            edge("DB_INPUT_TABLE0:0", "DEDUP0:0", .share(1.0), bytes: 160, "Metadata0"),
            edge("DEDUP0:1", "DB_OUTPUT_TABLE0:0", .share(0.02), bytes: 160, "Metadata0"),
            edge("DEDUP0:0", "TRASH0:0", .share(0.98), bytes: 160, "Metadata0"),
        ],
        metadata: [contactMeta],
        phaseWeights: [1.0], records: 20000...60000, durationMs: 8000...30000, memoryMB: 60...200,
        parameters: [],
        failures: [FailureRule(kind: .duplicateKey, component: "DB_OUTPUT_TABLE0", probability: 0.01)],
        steps: [])

    static let importLeads = JobSpec(
        sandbox: "crm", path: "graph/ImportLeads.grf", kind: .graph, author: "asmith",
        description: "Validates a lead file dropped by the marketing tools and inserts the leads.",
        components: [
            component("FLAT_FILE_READER0", "Read leads file", "FLAT_FILE_READER", .fileRead("${DATAIN_DIR}/leads/"), cpu: 0.8,
                      [attr("fileURL", "${INPUT_FILE}"), attr("charset", "UTF-8"), attr("skipFirstLine", "true")]),
            component("VALIDATOR0", "Validate leads", "VALIDATOR", cpu: 1.2),
            component("DB_OUTPUT_TABLE0", "Insert leads", "DB_OUTPUT_TABLE", .database(crmDatabase), cpu: 0.7,
                      [attr("dbConnection", "JDBC0"), attr("dbTable", "leads")]),
            component("FLAT_FILE_WRITER0", "Write invalid leads", "FLAT_FILE_WRITER", .fileWrite("${DATAOUT_DIR}/invalid/"), cpu: 0.1,
                      [attr("fileURL", "${DATAOUT_DIR}/invalid/leads_invalid_${RUN_ID}.csv")]),
        ],
        edges: [
            edge("FLAT_FILE_READER0:0", "VALIDATOR0:0", .share(1.0), bytes: 150, "Metadata0"),
            edge("VALIDATOR0:0", "DB_OUTPUT_TABLE0:0", .share(0.94), bytes: 150, "Metadata0"),
            edge("VALIDATOR0:1", "FLAT_FILE_WRITER0:0", .share(0.06), bytes: 190, "Metadata0"),
        ],
        metadata: [leadMeta],
        phaseWeights: [1.0], records: 50...3000, durationMs: 2000...9000, memoryMB: 30...90,
        parameters: [("INPUT_FILE", "${DATAIN_DIR}/leads/leads.csv")],
        failures: [
            FailureRule(kind: .malformedRecord, component: "FLAT_FILE_READER0", probability: 0.03),
            FailureRule(kind: .fileNotFound, component: "FLAT_FILE_READER0", probability: 0.015),
            FailureRule(kind: .duplicateKey, component: "DB_OUTPUT_TABLE0", probability: 0.01),
        ],
        steps: [])

    static let legacyExport = JobSpec(
        sandbox: "crm", path: "graph/LegacyExport.grf", kind: .graph, author: "rkovac",
        description: "Nightly CSV export for the retired billing system (schedule disabled).",
        components: [
            component("DB_INPUT_TABLE0", "Read accounts", "DB_INPUT_TABLE", .database(crmDatabase), cpu: 0.7,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "select * from accounts")]),
            component("FLAT_FILE_WRITER0", "Write billing export", "FLAT_FILE_WRITER", .fileWrite("${DATAOUT_DIR}/billing/"), cpu: 0.5,
                      [attr("fileURL", "${DATAOUT_DIR}/billing/accounts.csv")]),
        ],
        edges: [edge("DB_INPUT_TABLE0:0", "FLAT_FILE_WRITER0:0", .share(1.0), bytes: 160, "Metadata0")],
        metadata: [contactMeta],
        phaseWeights: [1.0], records: 20000...40000, durationMs: 5000...9000, memoryMB: 30...60,
        parameters: [], failures: [], steps: [])

    static let customerSync = JobSpec(
        sandbox: "crm", path: "jobflow/CustomerSync.jbf", kind: .jobflow, author: "asmith",
        description: "Hourly CRM sync: contacts from the CRM API, then account de-duplication.",
        components: [
            component("EXECUTE_GRAPH0", "Sync contacts", "EXECUTE_GRAPH", cpu: 0.05,
                      [attr("jobURL", "${GRAPH_DIR}/SyncContacts.grf"), attr("timeout", "120000")]),
            component("EXECUTE_GRAPH1", "Dedupe accounts", "EXECUTE_GRAPH", cpu: 0.05, [attr("jobURL", "${GRAPH_DIR}/DedupeAccounts.grf")]),
            component("SUCCESS0", "Done", "SUCCESS", cpu: 0.01),
        ],
        edges: [
            edge("EXECUTE_GRAPH0:0", "EXECUTE_GRAPH1:0", .fixed(1), bytes: 96, "Metadata8"),
            edge("EXECUTE_GRAPH1:0", "SUCCESS0:0", .fixed(1), bytes: 96, "Metadata8"),
        ],
        metadata: [tokenMeta],
        phaseWeights: [1.0], records: 1...1, durationMs: 0...0, memoryMB: 20...50,
        parameters: [],
        failures: [],
        steps: [
            JobflowStep(componentId: "EXECUTE_GRAPH0", child: "crm/graph/SyncContacts.grf", fanOut: 1, launchSpacingMs: 0, timeoutMs: 120_000),
            JobflowStep(componentId: "EXECUTE_GRAPH1", child: "crm/graph/DedupeAccounts.grf", fanOut: 1, launchSpacingMs: 0, timeoutMs: nil),
        ])

    static let exportKPIs = JobSpec(
        sandbox: "reporting", path: "graph/ExportKPIs.grf", kind: .graph, author: "mnovak",
        description: "Writes the current KPIs as JSON for the operations wallboard.",
        components: [
            component("DB_INPUT_TABLE0", "Read KPI view", "DB_INPUT_TABLE", .database(dwhDatabase), cpu: 0.5,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "select * from mv_kpi_current")]),
            component("REFORMAT0", "Format KPIs", "REFORMAT", cpu: 0.4),
            component("JSON_WRITER0", "Write kpis.json", "JSON_WRITER", .fileWrite("${DATAOUT_DIR}/wallboard/kpis.json"), cpu: 0.3,
                      [attr("fileURL", "${DATAOUT_DIR}/wallboard/kpis.json")]),
        ],
        edges: [
            edge("DB_INPUT_TABLE0:0", "REFORMAT0:0", .share(1.0), bytes: 64, "Metadata0"),
            edge("REFORMAT0:0", "JSON_WRITER0:0", .share(1.0), bytes: 72, "Metadata0"),
        ],
        metadata: [kpiMeta],
        phaseWeights: [1.0], records: 40...400, durationMs: 900...3000, memoryMB: 12...40,
        parameters: [], failures: [], steps: [])

    static let dailySalesReport = JobSpec(
        sandbox: "reporting", path: "graph/DailySalesReport.grf", kind: .graph, author: "mnovak",
        description: "Builds the daily sales workbook per region and mails it to sales management.",
        components: [
            component("DB_INPUT_TABLE0", "Read sales fact", "DB_INPUT_TABLE", .database(dwhDatabase), cpu: 0.8,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "select * from fact_sales where date_key = ${REPORT_DATE_KEY}")]),
            component("EXT_SORT0", "Sort by region", "EXT_SORT", cpu: 1.5, [attr("sortKey", "region_code(a);revenue_eur(d)")]),
            component("SPREADSHEET_WRITER0", "Write report.xlsx", "SPREADSHEET_WRITER",
                      .fileWrite("${DATAOUT_DIR}/reports/daily_sales.xlsx"), cpu: 1.1,
                      [attr("fileURL", "${DATAOUT_DIR}/reports/daily_sales_${REPORT_DATE_KEY}.xlsx")]),
            component("DATA_GENERATOR0", "Compose notice", "DATA_GENERATOR", phase: 1, cpu: 0.05),
            component("EMAIL_SENDER0", "Mail report", "EMAIL_SENDER", phase: 1, .mail, cpu: 0.1,
                      [attr("to", "sales-management@example.com"), attr("subject", "Daily sales report")]),
        ],
        edges: [
            edge("DB_INPUT_TABLE0:0", "EXT_SORT0:0", .share(1.0), bytes: 64, "Metadata2"),
            edge("EXT_SORT0:0", "SPREADSHEET_WRITER0:0", .share(1.0), bytes: 64, "Metadata2"),
            edge("DATA_GENERATOR0:0", "EMAIL_SENDER0:0", .fixed(1), bytes: 2048, "Metadata8"),
        ],
        metadata: [salesMeta, tokenMeta],
        phaseWeights: [0.9, 0.1], records: 20000...80000, durationMs: 15000...60000, memoryMB: 80...260,
        parameters: [("REPORT_DATE_KEY", "${CURRENT_DATE_KEY}")], failures: [], steps: [])

    static let aggregateSalesYearly = JobSpec(
        sandbox: "reporting", path: "graph/AggregateSalesYearly.grf", kind: .graph, author: "mnovak",
        description: "Ad-hoc yearly sales per customer: aggregates unsorted input in memory (needs a lot of heap).",
        components: [
            component("DB_INPUT_TABLE0", "Read all sales", "DB_INPUT_TABLE", .database(dwhDatabase), cpu: 0.9,
                      [attr("dbConnection", "JDBC0"), attr("sqlQuery", "select * from fact_sales")]),
            component("AGGREGATE0", "Aggregate by customer and year", "AGGREGATE", cpu: 2.6,
                      [attr("aggregateKey", "customer_key;year"), attr("sorted", "false")]),
            component("SPREADSHEET_WRITER0", "Write yearly.xlsx", "SPREADSHEET_WRITER", .fileWrite("${DATAOUT_DIR}/reports/yearly.xlsx"), cpu: 0.6,
                      [attr("fileURL", "${DATAOUT_DIR}/reports/yearly_sales.xlsx")]),
        ],
        edges: [
            edge("DB_INPUT_TABLE0:0", "AGGREGATE0:0", .share(1.0), bytes: 64, "Metadata2"),
            edge("AGGREGATE0:0", "SPREADSHEET_WRITER0:0", .share(0.08), bytes: 48, "Metadata2"),
        ],
        metadata: [salesMeta],
        phaseWeights: [1.0], records: 3_000_000...6_000_000, durationMs: 360_000...600_000, memoryMB: 2500...3900,
        parameters: [("YEAR", "2024")], failures: [], steps: [])
}
