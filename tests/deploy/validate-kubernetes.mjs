// Validates Kubernetes objects (a YAML stream on stdin, as `kubectl kustomize` prints it) against
// their schemas with kubernetes-models and its KEDA and Prometheus Operator companions. Prints one
// JSON line per object ({kind, name, error?}). An ES module: those packages are ES modules only.
import * as keda from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as monitoring from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

const MODELS = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'policy/v1': policy,
  'keda.sh/v1alpha1': keda,
  'monitoring.coreos.com/v1': monitoring,
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
for (const document of parseAllDocuments(input)) {
  const object = document.toJS();
  if (!object) continue;
  const line = { kind: object.kind, name: object.metadata?.name };
  try {
    const Model = MODELS[object.apiVersion]?.[object.kind];
    if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    new Model(object).validate();
  } catch (error) {
    line.error = error instanceof Error ? error.message : String(error);
  }
  console.log(JSON.stringify(line));
}
