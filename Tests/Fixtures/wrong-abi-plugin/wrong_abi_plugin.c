/* A plugin built for a future ABI 2: it exports only cdxmcp_plugin_entry_v2, which this host must refuse. */
#include "cloverdx_mcp_plugin.h"

cdxmcp_status cdxmcp_plugin_entry_v2(const cdxmcp_host_api *api, cdxmcp_plugin_handle *plugin,
                                     const char *settings_json, size_t settings_len,
                                     const cdxmcp_plugin **out_plugin) {
    (void)api; (void)plugin; (void)settings_json; (void)settings_len;
    *out_plugin = 0;
    return CDXMCP_UNSUPPORTED;
}
