import { loadConfig, parseDurationMs } from '@fluxquery/config';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

// deploy/kubernetes rendered as `kubectl kustomize` renders it (no cluster needed), every object
// validated against its schema, and read for what docs/kubernetes.md promises.
const ROOT = path.join(__dirname, '../..');
const OVERLAY = path.join(ROOT, 'deploy/kubernetes/overlays/production');

/** kubectl from PATH, or from the Google Cloud SDK, which these machines carry but not on PATH. */
function findKubectl(): string {
  const onPath = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  if (onPath) return 'kubectl';
  const sdk = '/usr/lib/google-cloud-sdk/bin/kubectl';
  if (existsSync(sdk)) return sdk;
  throw new Error('kubectl is needed to render deploy/kubernetes (kubectl kustomize): install it or put it on PATH');
}

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

const rendered = execFileSync(findKubectl(), ['kustomize', OVERLAY], { encoding: 'utf8' });
const objects = parseAllDocuments(rendered).map((document) => document.toJS() as K8sObject);
const find = (kind: string, name: string): K8sObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered overlay`);
  return found;
};
const config = find('ConfigMap', 'fluxquery-config').data!;

describe('deploy/kubernetes, production overlay', () => {
  it('renders objects that each pass their schema (kubernetes-models, KEDA, Prometheus Operator)', () => {
    const run = spawnSync(process.execPath, [path.join(__dirname, 'validate-kubernetes.mjs')], {
      input: rendered,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const results = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; name: string; error?: string });
    expect(results.filter((result) => result.error)).toEqual([]);
    expect(results.map((result) => result.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Namespace',
        'PodDisruptionBudget',
        'PodDisruptionBudget',
        'ScaledObject',
        'Service',
        'Service',
        'ServiceMonitor',
        'ServiceMonitor',
      ].sort(),
    );
  });

  it('configures a service that loadConfig accepts, once the Secret supplies the secrets', () => {
    const secrets = {
      API_SECRET: 'a'.repeat(32),
      JOB_SEAL_SECRET: 'b'.repeat(32),
      DOWNLOAD_LINK_SECRET: 'c'.repeat(32),
      MYSQL_DSN: 'reader:pw@tcp(mysql.internal:3306)/app',
      DASHBOARD_PASSWORD: '',
    };
    const loaded = loadConfig({ ...config, ...secrets });
    expect(loaded.redis.kind).toBe('sentinel');
    expect(loaded.storage.kind).toBe('s3');
  });

  it('runs both programs non-root on a read-only root, with no capabilities, from a pinned image', () => {
    for (const name of ['fluxquery-api', 'fluxquery-worker']) {
      const pod = find('Deployment', name).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.image).toBe('registry.example.com/fluxquery-export:1.0.0');
        expect(container.envFrom).toEqual([
          { configMapRef: { name: 'fluxquery-config' } },
          { secretRef: { name: 'fluxquery-secrets' } },
        ]);
        for (const kind of ['cpu', 'memory']) {
          expect(container.resources.requests[kind]).toBeDefined();
          expect(container.resources.limits[kind]).toBeDefined();
        }
        // The only writable path is a size-limited /tmp.
        expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      }
    }
  });

  it('probes the api on its port and each worker on METRICS_PORT', () => {
    const api = find('Deployment', 'fluxquery-api').spec.template.spec.containers[0];
    expect(api.ports).toEqual([{ name: 'http', containerPort: Number(config.SERVER_PORT) }]);
    expect(api.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(api.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const worker = find('Deployment', 'fluxquery-worker').spec.template.spec.containers[0];
    expect(worker.command).toEqual(['node', 'apps/worker/dist/main.js']);
    expect(worker.ports).toEqual([{ name: 'metrics', containerPort: Number(config.METRICS_PORT) }]);
    expect(config.METRICS_HOST).toBe('0.0.0.0');
    expect(worker.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(worker.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
  });

  it('gives a stopping worker more time than WORKER_SHUTDOWN_GRACE', () => {
    const grace = find('Deployment', 'fluxquery-worker').spec.template.spec.terminationGracePeriodSeconds as number;
    expect(grace * 1000).toBeGreaterThan(parseDurationMs(config.WORKER_SHUTDOWN_GRACE!)! + 10_000);
  });

  it('scales workers on the exports in flight, no further than the global limit can use', () => {
    const scaled = find('ScaledObject', 'fluxquery-worker').spec;
    expect(scaled.scaleTargetRef.name).toBe('fluxquery-worker');
    expect(scaled.minReplicaCount).toBe(1);
    expect(scaled.maxReplicaCount * Number(config.WORKER_COUNT)).toBeLessThanOrEqual(Number(config.MAX_DB_CONCURRENCY));
    const [trigger] = scaled.triggers;
    expect(trigger.type).toBe('prometheus');
    // Exports wait in BullMQ's prioritized set: a rule on `waiting` alone would never scale.
    expect(trigger.metadata.query).toContain('prioritized');
    expect(Number(trigger.metadata.threshold)).toBe(Number(config.WORKER_COUNT));
    const hpa = find('HorizontalPodAutoscaler', 'fluxquery-api').spec;
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'fluxquery-api' });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it('points each disruption budget and monitor at pods and ports that exist', () => {
    for (const name of ['fluxquery-api', 'fluxquery-worker']) {
      const labels = find('Deployment', name).spec.template.metadata.labels as Record<string, string>;
      const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
      expect(matches(find('PodDisruptionBudget', name).spec.selector.matchLabels)).toBe(true);
      const monitor = find('ServiceMonitor', name).spec;
      const service = objects.find(
        (object) =>
          object.kind === 'Service' &&
          Object.entries(monitor.selector.matchLabels).every(([k, v]) => object.metadata.labels?.[k] === v),
      )!;
      expect(matches(service.spec.selector)).toBe(true);
      expect(service.spec.ports.map((port: { name: string }) => port.name)).toContain(monitor.endpoints[0].port);
      expect(monitor.endpoints[0].path).toBe('/metrics');
    }
  });
});
