// The configuration: every environment variable read once with joi (config-schema.ts), every bad
// one reported together, a frozen Config (config.ts); client keys, MySQL DSNs, durations, the
// development defaults and the settings document. Imports the option types of the packages it
// configures (signing's DownloadLinkSettings, storage's StorageConfig, mysql-source's
// MysqlConnectionOptions), as types only.
export { loadConfig, longestTimeoutMs, ConfigError } from './load-config';
export type { Config, SubscriptionSettings } from './config';
export { parseMysqlDsn, describeMysql } from './mysql-dsn';
export { parseDurationMs } from './duration';
export { DEFAULT_KEY_ID, parseClientKeys, type ClientKey, type ClientLimits } from './client-keys';
export type { SmtpSettings, EmailSettings } from './delivery-config';
export { renderSettingsDoc } from './settings-doc';
export {
  DEVELOPMENT_SECRETS,
  findDevelopmentSecrets,
  findExposedDevelopmentSecrets,
  isLoopbackAddress,
} from './development-defaults';
