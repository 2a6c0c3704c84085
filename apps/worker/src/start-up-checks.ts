import { findExposedDevelopmentSecrets, type Config } from '@fluxquery/config';
import { redisHosts } from '@fluxquery/coordination';
import type { Logger } from '@fluxquery/logger';
import { findAccountGrants, keyRoleName } from '@fluxquery/mysql-source';

// What a worker checks of its configuration and its database account at start: nothing here stops
// it (production refuses development secrets in loadConfig), but each finding is logged loudly.

/**
 * A worker holds the seal and link secrets and every key's: with a development default, and any of
 * its metrics address, Redis or MySQL beyond this machine, it is not a development machine any more.
 */
export function warnAboutDevelopmentSecrets(config: Readonly<Config>, logger: Logger): void {
  const addresses = [config.mysql.host, ...redisHosts(config.redis)];
  if (config.metricsPort !== 0) addresses.push(config.metricsHost);
  const exposed = findExposedDevelopmentSecrets(config, addresses);
  if (!exposed) return;
  logger.error('config.development_secrets_exposed', {
    ...exposed,
    advice:
      'anyone who has read the FluxQuery repository knows these secrets: set your own (APP_ENV=production refuses them)',
  });
}

/**
 * The worker should read through a SELECT-only account that holds each key's role (pnpm
 * db:reader); say so loudly when it does not. A missing role is no risk (that key's exports fail
 * at the server), but every export of that key would fail until the operator runs db reader.
 */
export async function checkAccountGrants(config: Readonly<Config>, logger: Logger): Promise<void> {
  // The database may be down at start: each job then reports that itself.
  const grants = await findAccountGrants(config.mysql).catch(() => undefined);
  if (!grants) return;
  if (grants.excess.length > 0) {
    logger.warn('mysql.account_can_write', {
      user: config.mysql.user,
      grants: grants.excess,
      advice: 'use a SELECT-only account for MYSQL_DSN: pnpm db:reader (docs/security.md)',
    });
  }
  if (!config.mysqlKeyRoles) return;
  const missing = config.clients.filter(
    (client) => !grants.roles.includes(keyRoleName(config.mysql.user, client.keyId)),
  );
  if (missing.length > 0) {
    logger.error('mysql.key_roles_missing', {
      user: config.mysql.user,
      keys: missing.map((client) => client.keyId),
      advice: "these keys' exports fail until their roles exist: run `fluxquery db reader` (docs/operations.md)",
    });
  }
}
