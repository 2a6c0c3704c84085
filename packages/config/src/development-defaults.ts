import type { Config } from './config';

/**
 * The secrets that development runs with when nothing is set (and that .env.example and the compose
 * file write down): anyone who has read this repository knows them.
 */
export const DEVELOPMENT_SECRETS = {
  API_SECRET: 'devsecret',
  DOWNLOAD_LINK_SECRET: 'dev-download-link-secret-not-for-production',
  JOB_SEAL_SECRET: 'dev-job-seal-secret-not-for-production',
  DASHBOARD_PASSWORD: 'admin',
} as const;

/** The settings that hold a development default secret, by name. */
export function findDevelopmentSecrets(
  config: Pick<Config, 'clients' | 'downloadLinks' | 'jobSealSecret' | 'dashboard'>,
): string[] {
  const found: string[] = [];
  if (config.clients.some((client) => client.secrets.includes(DEVELOPMENT_SECRETS.API_SECRET))) {
    found.push('API_SECRET (or a client key secret)');
  }
  if (config.downloadLinks.secret === DEVELOPMENT_SECRETS.DOWNLOAD_LINK_SECRET) found.push('DOWNLOAD_LINK_SECRET');
  if (config.jobSealSecret === DEVELOPMENT_SECRETS.JOB_SEAL_SECRET) found.push('JOB_SEAL_SECRET');
  if (config.dashboard.password === DEVELOPMENT_SECRETS.DASHBOARD_PASSWORD) found.push('DASHBOARD_PASSWORD');
  return found;
}

/** True for an address only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(bare)
  );
}

export interface ExposedDevelopmentSecrets {
  /** The settings holding a development default (not `secrets`: the logger redacts that field). */
  settings: string[];
  /** The addresses that are not loopback, where the process listens or what it talks to. */
  addresses: string[];
}

/**
 * A development default secret on a machine that others can reach: what the api and the worker
 * warn about at start (production refuses to start with one at all). Undefined when there is
 * nothing to say.
 */
export function findExposedDevelopmentSecrets(
  config: Parameters<typeof findDevelopmentSecrets>[0],
  addresses: readonly string[],
): ExposedDevelopmentSecrets | undefined {
  const secrets = findDevelopmentSecrets(config);
  // An empty listen address is every interface.
  const exposed = addresses.map((address) => address || '0.0.0.0').filter((address) => !isLoopbackAddress(address));
  return secrets.length > 0 && exposed.length > 0 ? { settings: secrets, addresses: [...new Set(exposed)] } : undefined;
}
