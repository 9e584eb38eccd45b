// The version reported by GetPluginInfo; kept in step with package.json by hand at release time.
export const PLUGIN_VERSION = '0.1.0';
