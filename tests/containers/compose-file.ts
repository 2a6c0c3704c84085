import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

type Service = Record<string, unknown>;
type ComposeFile = { services: Record<string, Service> } & Record<string, unknown>;

/**
 * The real docker-compose.yml with the test override laid over it, as `docker-compose -f a -f b`
 * would, but for one thing that merge cannot do: drop `ports` where the override moves a service
 * onto the host network (docker-compose 1.29 refuses the two together, and on the host network
 * every port is the host's anyway). Settings (`environment`) merge key by key; anything else the
 * override names replaces the real file's. Returns the merged file's path (a temporary folder);
 * run it with `--project-directory` at the repository, where its relative paths point.
 */
export async function writeTestComposeFile(root: string, override: string): Promise<string> {
  const read = async (file: string) =>
    parse(await readFile(path.join(root, file), 'utf8'), { merge: true }) as ComposeFile;
  const real = await read('docker-compose.yml');
  const test = await read(override);
  for (const [name, changes] of Object.entries(test.services)) {
    const service = { ...real.services[name] };
    for (const [key, value] of Object.entries(changes)) {
      service[key] = key === 'environment' ? { ...(service[key] as object), ...(value as object) } : value;
    }
    if (service.network_mode === 'host') delete service.ports;
    real.services[name] = service;
  }
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'fq-compose-')), 'docker-compose.yml');
  // YAML 1.1, as docker-compose reads it: `yes` and `on` stay strings (quoted), not booleans.
  await writeFile(file, stringify(real, { version: '1.1' }));
  return file;
}
