import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { SUBGRAPH_NAMES, defaultSubgraphPort, envPrefix, isKnownEnvironmentVariable, type SubgraphName } from '@finsam/kit/config';
import { agencyOfSubgraph } from '@finsam/kit/agencies';
import { EMBEDDED_MUNICIPALITIES, controllerStoreName, controllersOf, regionOfMunicipality } from '@finsam/kit/controllers';
import { signingKeyFile } from '@finsam/kit/signing-key';
import { parseList } from '@finsam/kit/trusted-forbund';

/**
 * deploy/kubernetes/ (docs/operations.md) cannot be applied here: no cluster, no kubectl, no
 * kustomize binary, no network. So each overlay is rendered as kustomize would render what it
 * uses, and every object is validated offline against the Kubernetes API schemas that the npm
 * package kubernetes-models ships (its per-kind `validate`: types, enums, required fields and
 * formats of the Kubernetes 1.33 OpenAPI), plus a strict check that no field is unknown to the
 * schema (which the API server, like kubernetes-models, would otherwise drop in silence). Then
 * the properties an operator relies on are held to the code: ports, probes, commands,
 * environment names, TLS wiring, keys, NetworkPolicies.
 *
 * The renderer implements only what the kustomizations use, and refuses anything else:
 * `resources` (files, several documents each, and folders with their own kustomization.yaml),
 * `patches` with `path` (a strategic merge onto the object of the same kind and name: maps merge,
 * lists of containers, initContainers, env and volumes merge by `name`, volumeMounts by
 * `mountPath`, any other list is replaced, `null` deletes) and `namespace` (set on every
 * namespaced object).
 */

const root = path.join(import.meta.dirname, '../..');
const k8s = path.join(root, 'deploy/kubernetes');
const require = createRequire(import.meta.url);

interface Meta { name: string; namespace?: string; labels?: Record<string, string> }
interface Manifest { apiVersion: string; kind: string; metadata: Meta; [field: string]: unknown }
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---------------------------------------------------------------------------------------------
// Rendering

function readDocuments(file: string): Manifest[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path.relative(root, file)}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace']);
const MERGE_KEYS: Record<string, string> = { containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath' };

function strategicMerge(target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(target) && Array.isArray(patch) && MERGE_KEYS[field]) {
    const key = MERGE_KEYS[field]!;
    const merged = [...target] as Json[];
    for (const item of patch as Json[]) {
      const at = merged.findIndex((existing) => existing[key] === item[key]);
      if (at === -1) merged.push(item);
      else merged[at] = strategicMerge(merged[at], item) as Json;
    }
    return merged;
  }
  if (isObject(target) && isObject(patch)) {
    const merged: Json = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in merged ? strategicMerge(merged[key], value, key) : value;
    }
    return merged;
  }
  return patch;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The files a render read, so that no manifest in deploy/kubernetes escapes validation. */
const read = new Set<string>();

function render(dir: string): Manifest[] {
  const file = path.join(dir, 'kustomization.yaml');
  read.add(file);
  const kustomization = parse(fs.readFileSync(file, 'utf8')) as Json;
  for (const field of Object.keys(kustomization)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) throw new Error(`${path.relative(root, file)} uses \`${field}\`, which this test's renderer does not implement`);
  }
  const objects: Manifest[] = [];
  for (const resource of (kustomization.resources ?? []) as string[]) {
    const full = path.resolve(dir, resource);
    if (fs.statSync(full).isDirectory()) objects.push(...render(full));
    else {
      read.add(full);
      objects.push(...readDocuments(full));
    }
  }
  for (const entry of (kustomization.patches ?? []) as Json[]) {
    if (Object.keys(entry).join() !== 'path') throw new Error(`${path.relative(root, file)}: only patches with \`path\` are rendered here`);
    const patchFile = path.resolve(dir, entry.path as string);
    read.add(patchFile);
    for (const patch of readDocuments(patchFile)) {
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at === -1) throw new Error(`${path.relative(root, patchFile)}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[at] = strategicMerge(objects[at], patch) as Manifest;
    }
  }
  const rendered = kustomization.namespace
    ? objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: kustomization.namespace as string } }))
    : objects;
  const ids = rendered.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0) throw new Error(`${path.relative(root, dir)}: ${twice.join(', ')} twice (kustomize refuses that)`);
  return rendered;
}

// ---------------------------------------------------------------------------------------------
// Validation against the schemas

const MODELS: Record<string, { validate(): void } & (new (data: never) => { validate(): void })> = {
  'v1/ConfigMap': ConfigMap, 'v1/Namespace': Namespace, 'v1/Secret': Secret, 'v1/Service': Service,
  'apps/v1/Deployment': Deployment, 'apps/v1/StatefulSet': StatefulSet, 'batch/v1/CronJob': CronJob,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget, 'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
} as never;

/** The .d.ts file of each kind: its interface lists every field the schema has. */
const modelsDir = path.dirname(require.resolve('kubernetes-models/package.json'));
const typingsOf = (apiVersion: string, kind: string) => path.join(modelsDir, apiVersion === 'v1' ? 'v1' : apiVersion, `${kind}.d.ts`);

interface Shape { name: string; fields: Map<string, string>; imports: Map<string, string> }
const shapes = new Map<string, Shape | null>();

/** The fields of the interface a kubernetes-models .d.ts file declares, with their types; null for a type alias (a leaf). */
function shapeOf(file: string): Shape | null {
  if (shapes.has(file)) return shapes.get(file)!;
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
  const body = /export interface (\w+)(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}/.exec(text);
  const imports = new Map<string, string>();
  for (const [, name, from] of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) {
    const target = from!.startsWith('.')
      ? path.resolve(path.dirname(file), `${from}.d.ts`)
      : path.join(path.dirname(require.resolve(`${from!.split('/').slice(0, 2).join('/')}/package.json`, { paths: [modelsDir] })), `${from!.split('/').slice(2).join('/')}.d.ts`);
    imports.set(name!, target);
  }
  let shape: Shape | null = null;
  if (body) {
    const fields = new Map<string, string>();
    let pending: { name: string; type: string } | null = null;
    for (const line of body[2]!.split('\n')) {
      if (pending) {
        pending.type += `\n${line}`;
        if (/^ {4}\};?$/.test(line)) { fields.set(pending.name, pending.type.replace(/;$/, '')); pending = null; }
        continue;
      }
      const field = /^ {4}"([^"]+)"\??: (.*?);?$/.exec(line);
      if (!field) continue;
      if (field[2] === '{') pending = { name: field[1]!, type: '{' };
      else fields.set(field[1]!, field[2]!);
    }
    shape = { name: body[1]!, fields, imports };
  }
  shapes.set(file, shape);
  return shape;
}

function unknownFields(value: unknown, type: string, shape: Shape, at: string, problems: string[]): void {
  const t = type.trim();
  const array = /^Array<(.+)>$/s.exec(t);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, array[1]!, shape, `${at}[${i}]`, problems));
    return;
  }
  const map = /^\{\s*\[key: string\]: (.+?);?\s*\}$/s.exec(t);
  if (map) {
    if (isObject(value)) for (const [key, item] of Object.entries(value)) unknownFields(item, map[1]!, shape, `${at}.${key}`, problems);
    return;
  }
  const target = shape.imports.get(t);
  const inner = target ? shapeOf(target) : null;
  if (inner && isObject(value)) checkObject(value, inner, at, problems);
}

function checkObject(value: Json, shape: Shape, at: string, problems: string[]): void {
  for (const [key, item] of Object.entries(value)) {
    const type = shape.fields.get(key);
    if (type === undefined) problems.push(`${at}.${key}: no such field in ${shape.name.replace(/^I/, '')}`);
    else unknownFields(item, type, shape, `${at}.${key}`, problems);
  }
}

/** Every problem the schemas find in one object; empty when it is valid. */
function validate(object: Manifest): string[] {
  const id = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${id}: ${object.apiVersion} ${object.kind} is not a kind this test validates`];
  const problems: string[] = [];
  try {
    new Model(object as never).validate();
  } catch (error) {
    problems.push(`${id}: ${(error as Error).message}`);
  }
  checkObject(object, shapeOf(typingsOf(object.apiVersion, object.kind))!, id, problems);
  const name = object.metadata?.name ?? '';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) problems.push(`${id}: the name is not a DNS label`);
  for (const [key, value] of Object.entries(object.metadata?.labels ?? {})) {
    if (!/^(([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key)) problems.push(`${id}: label key ${key}`);
    if (typeof value !== 'string' || !/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(value)) problems.push(`${id}: label ${key}=${String(value)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The overlays, rendered once

const overlayNames = fs.readdirSync(path.join(k8s, 'overlays')).sort();
const overlays = new Map(overlayNames.map((name) => [name, render(path.join(k8s, 'overlays', name))]));
const secretTemplates = new Map(overlayNames.map((name) => {
  const file = path.join(k8s, 'overlays', name, 'secrets/secrets.template.yaml');
  read.add(file);
  return [name, readDocuments(file)];
}));
const all = [...overlays.values()].flat();

const ofKind = <T = Json>(objects: Manifest[], kind: string) => objects.filter((o) => o.kind === kind) as unknown as (Manifest & T)[];
const named = (objects: Manifest[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as (Manifest & Json) | undefined;
const GRAPH_PARTS = ['gateway', ...SUBGRAPH_NAMES] as const;
const portOf = (part: string) => (part === 'gateway' ? 4000 : defaultSubgraphPort(part as SubgraphName));
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);

/** Pod templates of an overlay: Deployments, StatefulSets and CronJobs, with their labels. */
function podsOf(objects: Manifest[]): { owner: string; labels: Record<string, string>; spec: Json }[] {
  return objects.flatMap((o) => {
    const spec = o as Json;
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet') return [{ owner: `${o.kind} ${o.metadata.name}`, labels: spec.spec.template.metadata.labels, spec: spec.spec.template.spec }];
    if (o.kind === 'CronJob') return [{ owner: `CronJob ${o.metadata.name}`, labels: spec.spec.jobTemplate.spec.template.metadata.labels, spec: spec.spec.jobTemplate.spec.template.spec }];
    return [];
  });
}

/** Every environment variable a container gets, with where from (a ConfigMap's value, or a Secret). */
function environmentOf(objects: Manifest[], container: Json): Map<string, { value?: string; secret?: { name: string; key: string } | { name: string } }> {
  const env = new Map<string, { value?: string; secret?: { name: string; key: string } | { name: string } }>();
  for (const source of (container.envFrom ?? []) as Json[]) {
    if (source.configMapRef) {
      const map = named(objects, 'ConfigMap', source.configMapRef.name);
      if (!map) throw new Error(`container ${container.name}: no ConfigMap ${source.configMapRef.name}`);
      for (const [key, value] of Object.entries(map.data ?? {})) env.set(key, { value: value as string });
    } else env.set(`<all of Secret ${source.secretRef.name}>`, { secret: { name: source.secretRef.name } });
  }
  for (const variable of (container.env ?? []) as Json[]) {
    if (variable.valueFrom?.secretKeyRef) env.set(variable.name, { secret: { name: variable.valueFrom.secretKeyRef.name, key: variable.valueFrom.secretKeyRef.key } });
    else env.set(variable.name, { value: variable.value });
  }
  return env;
}

/** The peers a pod may receive from (ingress) or send to (egress) by an overlay's NetworkPolicies, as `namespace-label name:port`. */
function peersOf(objects: Manifest[], labels: Record<string, string>, direction: 'ingress' | 'egress'): string[] {
  return ofKind<Json>(objects, 'NetworkPolicy')
    .filter((p) => matches(p.spec.podSelector.matchLabels, labels) && p.spec[direction])
    .flatMap((p) => (p.spec[direction] as Json[]).flatMap((rule) => {
      const ports = (rule.ports ?? [{ port: 'any' }]).map((x: Json) => x.port).join(',');
      const sides = rule[direction === 'ingress' ? 'from' : 'to'] as Json[] | undefined;
      if (!sides) return [`anyone:${ports}`];
      return sides.map((side) => {
        if (side.ipBlock) return `${side.ipBlock.cidr}:${ports}`;
        const namespace = side.namespaceSelector ? `${Object.entries(side.namespaceSelector.matchLabels).map(([k, v]) => `${k}=${v}`).join()} ` : '';
        return `${namespace}${side.podSelector?.matchLabels['app.kubernetes.io/name'] ?? side.podSelector?.matchLabels['k8s-app'] ?? 'all pods'}:${ports}`;
      });
    }));
}

/** The values a container is given in clear (ConfigMaps and `value`), as the process would see them. */
const clearEnvironmentOf = (objects: Manifest[], container: Json): NodeJS.ProcessEnv =>
  Object.fromEntries([...environmentOf(objects, container)].flatMap(([name, from]) => (from.value === undefined ? [] : [[name, from.value]])));

/** The stores a part's process opens: its own, and for an agency of many controllers one per controller it is configured with (controllers.ts). */
function storesOf(part: string, env: NodeJS.ProcessEnv): string[] {
  const agency = agencyOfSubgraph(part);
  return [part, ...(agency ? controllersOf(agency, env) : []).map((c) => controllerStoreName(part, c.code))];
}

/** Variables a graph process's runtime reads besides the graph's own (ENVIRONMENT in the kit's config.ts). */
const RUNTIME_VARIABLES = new Set(['NODE_ENV', 'npm_config_cache', 'npm_config_update_notifier']);
const SECRET_LIKE = /DATABASE_URL|METRICS_TOKEN|PASSWORD|_KEY$|SECRET/;

/** The file each process keeps its key in (signing-key.ts): what its Secret <part>-keys must hold. */
const keyFileOf = (part: string) => (part === 'gateway' || part === 'coordination' ? path.basename(signingKeyFile('/data', part)) : `${part}-encryption-key.json`);

// ---------------------------------------------------------------------------------------------

describe('deploy/kubernetes', () => {
  it('has a förbund overlay and one per national agency', () => {
    expect(overlayNames).toContain('national-sickness-insurance');
    expect(overlayNames).toContain('national-employment');
    expect(overlayNames.filter((n) => n.startsWith('forbund-')).length).toBeGreaterThan(0);
    for (const [name, objects] of overlays) {
      const namespace = ofKind(objects, 'Namespace');
      expect(namespace.map((n) => n.metadata.name), name).toEqual([name]);
      for (const o of objects) if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${name}: ${o.kind} ${o.metadata.name}`).toBe(name);
    }
  });

  it('every rendered object and every Secret template is valid against the Kubernetes schemas, with no unknown field', () => {
    const problems = [...all, ...[...secretTemplates.values()].flat()].flatMap(validate);
    expect(problems).toEqual([]);
    expect(all.length).toBeGreaterThan(40);
  });

  it('validates every manifest in deploy/kubernetes: no file is left out of an overlay', () => {
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    expect(files(k8s).filter((f) => !read.has(f)).map((f) => path.relative(root, f))).toEqual([]);
  });

  it('the validator refuses what the API server would: a wrong type, a wrong value, a misspelt field', () => {
    const gateway = structuredClone(named(overlays.get('national-employment')!, 'Deployment', 'employment')!);
    const container = gateway.spec.template.spec.containers[0];
    container.ports[0].containerPort = 'https';
    container.readinesProbe = container.readinessProbe;
    gateway.spec.strategy.type = 'Rolling';
    const problems = validate(gateway).join('\n');
    expect(problems).toContain('containerPort must be integer');
    expect(problems).toContain('strategy/type must be equal to one of the allowed values');
    expect(problems).toContain('containers[0].readinesProbe: no such field in Container');
  });

  it('every Deployment runs one of the graph\'s processes with the command, port, probes and resources the code has', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const deployments = all.filter((o) => o.kind === 'Deployment') as (Manifest & Json)[];
    expect(new Set(deployments.map((d) => d.metadata.name))).toEqual(new Set(GRAPH_PARTS));
    for (const deployment of deployments) {
      const part = deployment.metadata.name;
      const objects = overlays.get(deployment.metadata.namespace!)!;
      const pod = deployment.spec.template.spec;
      expect(pod.containers.length, part).toBe(1);
      const container = pod.containers[0];
      const port = portOf(part);
      expect(container.image, part).toBe('finsam/graph:VERSION');
      expect(container.command, part).toEqual(part === 'gateway' ? ['npm', 'run', 'start:gateway'] : ['npm', 'run', 'start:subgraph', '--', part]);
      expect(scripts[container.command[2]]).toBeDefined();
      expect(container.ports, part).toEqual([{ name: 'https', containerPort: port, protocol: 'TCP' }]);
      const env = environmentOf(objects, container);
      expect(env.get('PORT')?.value, part).toBe(String(port));
      for (const [probe, route] of [['livenessProbe', '/health'], ['readinessProbe', '/ready']] as const) {
        expect(container[probe]?.httpGet, `${part} ${probe}`).toEqual({ path: route, port: 'https', scheme: 'HTTPS' });
      }
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) expect(c.resources?.[kind]?.[resource], `${part} ${c.name} ${kind}.${resource}`).toBeDefined();
      }
      expect(deployment.spec.replicas, part).toBeGreaterThanOrEqual(2);
      const budgets = ofKind<Json>(objects, 'PodDisruptionBudget').filter((b) => matches(b.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
      expect(budgets.length, `${part}: a PodDisruptionBudget selects it`).toBe(1);
      expect(budgets[0]!.spec.minAvailable, part).toBeLessThan(deployment.spec.replicas);
      const service = named(objects, 'Service', part);
      expect(service?.spec.ports, part).toEqual([{ name: 'https', port, targetPort: 'https', protocol: 'TCP' }]);
      expect(matches(service!.spec.selector, deployment.spec.template.metadata.labels), part).toBe(true);
    }
  });

  it('every container runs as non-root with a read-only root file system and has resources; DATA_DIR is a writable volume holding the key from the part\'s Secret', () => {
    for (const [overlay, objects] of overlays) {
      for (const { owner, spec } of podsOf(objects)) {
        expect(spec.securityContext?.runAsNonRoot, owner).toBe(true);
        expect(spec.automountServiceAccountToken, owner).toBe(false);
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])] as Json[]) {
          expect(c.securityContext, `${overlay} ${owner} ${c.name}`).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) expect(c.resources?.[kind]?.[resource], `${owner} ${c.name} ${kind}.${resource}`).toBeDefined();
          // Every graph container writes only to its volumes: DATA_DIR and /tmp.
          if (c.image === 'finsam/graph:VERSION' && c.name !== 'install-keys') {
            const mounts = new Map((c.volumeMounts as Json[]).map((m) => [m.mountPath, spec.volumes.find((v: Json) => v.name === m.name)]));
            const env = environmentOf(objects, c);
            expect(mounts.get(env.get('DATA_DIR')?.value)?.emptyDir, `${owner}: DATA_DIR`).toBeDefined();
            expect(mounts.get('/tmp')?.emptyDir, `${owner}: /tmp`).toBeDefined();
          }
        }
      }
      for (const deployment of ofKind<Json>(objects, 'Deployment')) {
        const part = deployment.metadata.name;
        const pod = deployment.spec.template.spec;
        const keys = pod.volumes.find((v: Json) => v.name === 'keys');
        expect(keys?.secret?.secretName, part).toBe(`${part}-keys`);
        const init = pod.initContainers.find((c: Json) => c.name === 'install-keys');
        expect(init.volumeMounts.map((m: Json) => m.name).sort(), part).toEqual(['data', 'keys']);
        const secret = secretTemplates.get(overlay)!.find((s) => s.metadata.name === `${part}-keys`) as Json | undefined;
        expect(Object.keys(secret?.stringData ?? {}), `${overlay}: Secret ${part}-keys`).toEqual([keyFileOf(part)]);
      }
    }
  });

  it('gives the processes only environment variables the code reads, no secret inline, every Secret and ConfigMap they name', () => {
    for (const [overlay, objects] of overlays) {
      const secrets = secretTemplates.get(overlay)!;
      const secretHas = (name: string, key?: string) => {
        const secret = secrets.find((s) => s.metadata.name === name) as Json | undefined;
        return !!secret && (key === undefined || key in (secret.stringData ?? {}));
      };
      for (const { owner, spec } of podsOf(objects)) {
        for (const c of spec.containers as Json[]) {
          if (c.image !== 'finsam/graph:VERSION') continue;
          for (const [name, from] of environmentOf(objects, c)) {
            if (from.secret) {
              expect(secretHas(from.secret.name, 'key' in from.secret ? from.secret.key : undefined), `${overlay} ${owner}: ${name} from Secret ${JSON.stringify(from.secret)}`).toBe(true);
              continue;
            }
            expect(isKnownEnvironmentVariable(name) || RUNTIME_VARIABLES.has(name), `${owner}: ${name} is not read by the code`).toBe(true);
            expect(SECRET_LIKE.test(name), `${owner}: ${name} is given in clear; it belongs in a Secret`).toBe(false);
          }
        }
        for (const volume of spec.volumes ?? []) {
          if (volume.secret) expect(secretHas(volume.secret.secretName), `${overlay} ${owner}: Secret ${volume.secret.secretName}`).toBe(true);
          if (volume.configMap) expect(named(objects, 'ConfigMap', volume.configMap.name), `${overlay} ${owner}: ConfigMap ${volume.configMap.name}`).toBeDefined();
        }
      }
      // Secrets stay out of the rendered overlay: applying it never overwrites a real one.
      expect(ofKind(objects, 'Secret'), overlay).toEqual([]);
    }
  });

  it('wires TLS as docs/tls.md says: each part its own certificate and key, the graph CA trusted, every URL between the parts https to where the part listens', () => {
    for (const [overlay, objects] of overlays) {
      for (const deployment of ofKind<Json>(objects, 'Deployment')) {
        const part = deployment.metadata.name;
        const pod = deployment.spec.template.spec;
        const container = pod.containers[0];
        const env = environmentOf(objects, container);
        const volumeAt = (file: string | undefined) => {
          const mount = (container.volumeMounts as Json[]).find((m) => file?.startsWith(`${m.mountPath}/`));
          return pod.volumes.find((v: Json) => v.name === mount?.name);
        };
        expect(volumeAt(env.get('TLS_CERT_FILE')?.value)?.secret?.secretName, part).toBe(`${part}-tls`);
        expect(volumeAt(env.get('TLS_KEY_FILE')?.value)?.secret?.secretName, part).toBe(`${part}-tls`);
        expect(volumeAt(env.get('TLS_CA_FILE')?.value)?.secret?.secretName, part).toBe('graph-ca');
      }
      // Every URL that names a part of the graph: https, its port, and a Service of that name and
      // port in the namespace (an ExternalName leads to a Service that another overlay renders).
      for (const map of ofKind<Json>(objects, 'ConfigMap')) {
        for (const [key, value] of Object.entries(map.data ?? {}) as [string, string][]) {
          if (!/^[a-z]+:\/\//.test(value)) continue;
          const url = new URL(value);
          const part = GRAPH_PARTS.find((p) => p === url.hostname);
          expect(part, `${overlay} ${map.metadata.name}.${key}: ${value} names no part of the graph`).toBeDefined();
          expect(url.protocol, `${key}`).toBe('https:');
          expect(Number(url.port), `${key}`).toBe(portOf(part!));
          if (key.endsWith('_JWKS_URL')) expect(url.pathname).toBe('/.well-known/jwks.json');
          else expect(url.pathname).toBe('/graphql');
          const service = named(objects, 'Service', part!);
          expect(service?.spec.ports.map((p: Json) => p.port), `${overlay}: Service ${part}`).toContain(portOf(part!));
          if (service!.spec.type === 'ExternalName') {
            const [name, namespace] = (service!.spec.externalName as string).split('.');
            expect(service!.spec.externalName, part).toBe(`${name}.${namespace}.svc.cluster.local`);
            const target = named(overlays.get(namespace!) ?? [], 'Service', name!);
            expect(target?.spec.ports.map((p: Json) => p.port), `${service!.spec.externalName}`).toContain(portOf(part!));
          }
        }
      }
    }
  });

  it('denies all traffic by default and lets only gateways (and coordination\'s release job) reach a subgraph, and each subgraph reach only its own database', () => {
    const policies = (objects: Manifest[]) => ofKind<Json>(objects, 'NetworkPolicy');
    const namespaceLabels = new Map([...overlays].map(([name, objects]) => [name, ofKind(objects, 'Namespace')[0]!.metadata.labels ?? {}]));
    for (const [overlay, objects] of overlays) {
      const deny = named(objects, 'NetworkPolicy', 'default-deny');
      expect(deny?.spec, overlay).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const pods = podsOf(objects);
      for (const policy of policies(objects)) {
        expect(pods.some((p) => matches(policy.spec.podSelector.matchLabels, p.labels)), `${overlay}: NetworkPolicy ${policy.metadata.name} selects a pod`).toBe(true);
      }
      const peers = (labels: Record<string, string>, direction: 'ingress' | 'egress') => peersOf(objects, labels, direction);
      for (const deployment of ofKind<Json>(objects, 'Deployment')) {
        const part = deployment.metadata.name as string;
        const labels = deployment.spec.template.metadata.labels;
        const port = portOf(part);
        const ingress = peers(labels, 'ingress');
        const egress = peers(labels, 'egress');
        const stores = storesOf(part, clearEnvironmentOf(objects, deployment.spec.template.spec.containers[0]));
        for (const store of stores) expect(egress, part).toContain(`${store}-db:5432`);
        expect(egress.filter((p) => p.includes('-db:') && !stores.some((store) => p.startsWith(`${store}-db:`))), `${part} reaches another store's database`).toEqual([]);
        expect(egress.filter((p) => p.includes(':53')), part).toEqual(['kubernetes.io/metadata.name=kube-system kube-dns:53,53']);
        if (part === 'gateway') continue;
        const national = part === 'sickness-insurance' || part === 'employment';
        // Coordination pushes each consent withdrawal to the agency's subgraph (docs/release-basis.md).
        const allowed = national
          ? ['finsam-graph/forbund=true gateway', 'finsam-graph/forbund=true statistics-release', 'finsam-graph/forbund=true coordination']
          : part === 'coordination'
            // The förbund's agencies fetch its key set (COORDINATION_JWKS_URL) and withdrawal feed on the same port, the national agencies the feed.
            ? ['gateway', 'social-services', 'care', 'finsam-graph/national-agency=sickness-insurance sickness-insurance', 'finsam-graph/national-agency=employment employment']
            : ['gateway', 'statistics-release', 'coordination'];
        expect(new Set(ingress), `${overlay}: who reaches ${part}`).toEqual(new Set(allowed.map((a) => `${a}:${port}`)));
        if (part === 'coordination') {
          // It pushes a withdrawal to each agency, before revokeConsent answers.
          for (const agency of ['social-services:4004', 'care:4005', 'finsam-graph/national-agency=sickness-insurance sickness-insurance:4002', 'finsam-graph/national-agency=employment employment:4003']) {
            expect(egress, `${overlay}: coordination pushes to ${agency}`).toContain(agency);
          }
        }
        if (national) {
          // Its own database (and DNS), and each förbund's coordination for its withdrawal feed: the förbund's key sets are in its list's ConfigMap.
          expect(egress.filter((p) => !p.includes(':53')), part).toEqual([`${part}-db:5432`, 'finsam-graph/forbund=true coordination:4001']);
          // Every förbund namespace is one those rules admit.
          for (const [other, otherLabels] of namespaceLabels) if (other.startsWith('forbund-')) expect(otherLabels['finsam-graph/forbund'], other).toBe('true');
          expect(namespaceLabels.get(overlay)?.['finsam-graph/national-agency'], overlay).toBe(part);
        }
      }
      // A database is reached only by its own part and the jobs that read it; a controller's
      // (social-services-1480-db) by its subgraph's process while that serves it (the next test).
      for (const set of ofKind<Json>(objects, 'StatefulSet')) {
        const store = (set.metadata.name as string).replace(/-db$/, '');
        const controller = /^(.+)-(?:\d{2}|\d{4})$/.exec(store);
        const part = controller?.[1] ?? store;
        const from = peers(set.spec.template.metadata.labels, 'ingress').map((p) => p.replace(/:5432$/, ''));
        if (!controller) expect(from, set.metadata.name).toContain(part);
        expect(from.filter((p) => ![part, 'statistics-release', 'audit-verify'].includes(p)), set.metadata.name).toEqual([]);
      }
    }
  });

  // The social services' municipalities (kommunkod) and care's region (länskod): each controller its own store.
  const MANY_CONTROLLERS = [
    { agency: 'SOCIAL_SERVICES', part: 'social-services', code: /^social-services-(\d{4})-db$/, embedded: EMBEDDED_MUNICIPALITIES.map((m) => m.code) },
    { agency: 'CARE', part: 'care', code: /^care-(\d{2})-db$/, embedded: [...new Set(EMBEDDED_MUNICIPALITIES.map((m) => regionOfMunicipality(m.code)))] },
  ] as const;

  it.each(MANY_CONTROLLERS)('gives each controller of $part in a förbund its own store: <PREFIX>_CONTROLLERS, its own PostgreSQL and volume, its URL from a Secret, reached only by $part and the audit check', ({ agency, part, code: storeCode, embedded }) => {
    const prefix = envPrefix(part);
    const listVariable = `${prefix}_CONTROLLERS`;
    for (const [overlay, objects] of overlays) {
      if (!overlay.startsWith('forbund-')) continue;
      const secrets = secretTemplates.get(overlay)!;
      const secretValue = (ref: { name: string; key?: string } | undefined): string | undefined =>
        ref?.key === undefined ? undefined : (secrets.find((s) => s.metadata.name === ref.name) as Json | undefined)?.stringData?.[ref.key];
      const deployment = named(objects, 'Deployment', part)!;
      const env = environmentOf(objects, deployment.spec.template.spec.containers[0]);
      const list = env.get(listVariable)?.value;
      // Set, never left to the embedded default: a förbund's members (and its region) are its own.
      expect(list, `${overlay}: ${listVariable}`).toBeDefined();
      const controllers = controllersOf(agency, { [listVariable]: list });
      if (overlay === 'forbund-goteborg') expect(controllers.map((m) => m.code), overlay).toEqual(embedded);
      // The subgraph's own store (the kit's tables) is DATABASE_URL: with it set, a controller
      // configured without its own URL is refused at start instead of opened in a SQLite file.
      const own = secretValue({ name: `${part}-env`, key: 'DATABASE_URL' });
      expect(own && new URL(own).hostname, `${overlay}: ${part}-env.DATABASE_URL`).toBe(`${part}-db`);
      const databases = new Map<string, string>([[new URL(own!).host, part]]);

      // What the audit check covers: every member, and any controller that left, whose store is kept.
      const verify = named(objects, 'CronJob', 'audit-verify')!;
      const verifyEnv = environmentOf(objects, verify.spec.jobTemplate.spec.template.spec.containers[0]);
      const verifyList = verifyEnv.get(listVariable)?.value;
      expect(verifyList, `${overlay}: audit-verify's ${listVariable}`).toBeDefined();
      const checked = controllersOf(agency, { [listVariable]: verifyList }).map((m) => m.code);
      expect(checked, `${overlay}: audit-verify checks every member's store`).toEqual(expect.arrayContaining(controllers.map((m) => m.code)));
      const kept = ofKind<Json>(objects, 'StatefulSet').map((s) => storeCode.exec(s.metadata.name)?.[1]).filter((c): c is string => !!c);
      expect(new Set(kept), `${overlay}: a controller's database for each store audit-verify checks, and no other`).toEqual(new Set(checked));

      for (const code of checked) {
        const store = controllerStoreName(part, code);
        const variable = `${prefix}_${code}_DATABASE_URL`;
        const member = controllers.some((m) => m.code === code);
        const from = env.get(variable)?.secret as { name: string; key?: string } | undefined;
        const verifyFrom = verifyEnv.get(variable)?.secret as { name: string; key?: string } | undefined;
        expect(verifyFrom?.key, `${overlay} audit-verify: ${variable} from a Secret's key`).toBeDefined();
        if (member) {
          expect(from?.key, `${overlay} ${part}: ${variable} from a Secret's key`).toBeDefined();
          expect(verifyFrom, `${overlay}: audit-verify reads ${store} where ${part} writes it`).toEqual(from);
        } else {
          // A controller that left: its store is kept for its audit duty, and the subgraph no longer opens it.
          expect(from, `${overlay}: ${part} is given ${variable} of a controller it does not serve`).toBeUndefined();
        }
        const url = secretValue(verifyFrom);
        expect(url && new URL(url).hostname, `${overlay}: ${variable}`).toBe(`${store}-db`);
        expect(databases.get(new URL(url!).host), `${overlay}: ${store} shares a database`).toBeUndefined();
        databases.set(new URL(url!).host, store);

        // Its own PostgreSQL: its volume, kept when the StatefulSet goes, and its own password.
        const set = named(objects, 'StatefulSet', `${store}-db`)!;
        expect(set, `${overlay}: StatefulSet ${store}-db`).toBeDefined();
        const postgres = set.spec.template.spec.containers[0];
        expect(set.spec.volumeClaimTemplates.map((c: Json) => c.metadata.name), store).toEqual(['data']);
        expect((postgres.volumeMounts as Json[]).find((m) => m.name === 'data')?.mountPath, store).toBe('/var/lib/postgresql/data');
        expect(set.spec.persistentVolumeClaimRetentionPolicy, store).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
        const password = environmentOf(objects, postgres).get('POSTGRES_PASSWORD')?.secret;
        expect(password, store).toEqual({ name: `${store}-db`, key: 'POSTGRES_PASSWORD' });
        expect(secretValue(password), `${overlay}: Secret ${store}-db`).toBeDefined();
        const service = named(objects, 'Service', `${store}-db`);
        expect(service?.spec.selector, `${overlay}: Service ${store}-db`).toEqual(set.spec.selector.matchLabels);

        // Reached by the subgraph (while a member) and the audit check, by nothing else, and reaching nothing.
        const labels = set.spec.template.metadata.labels;
        const readers = member ? [part, 'audit-verify'] : ['audit-verify'];
        expect(new Set(peersOf(objects, labels, 'ingress')), `${overlay}: who reaches ${store}-db`).toEqual(new Set(readers.map((r) => `${r}:5432`)));
        expect(peersOf(objects, labels, 'egress').filter((p) => !p.includes(':53')), `${overlay}: ${store}-db reaches`).toEqual([]);
        for (const pod of podsOf(objects)) {
          const reaches = peersOf(objects, pod.labels, 'egress').includes(`${store}-db:5432`);
          expect(reaches, `${overlay}: ${pod.owner} reaches ${store}-db`).toBe(readers.includes(pod.labels['app.kubernetes.io/name']!));
        }
      }
    }
  });

  it('holds no real secret: every Secret value is a placeholder marked CHANGE-ME, and no key material is in any manifest', () => {
    for (const [overlay, secrets] of secretTemplates) {
      expect(secrets.length, overlay).toBeGreaterThan(0);
      for (const secret of secrets as Json[]) {
        expect(secret.data, `${secret.metadata.name}: stringData only, readable placeholders`).toBeUndefined();
        for (const [key, value] of Object.entries(secret.stringData ?? {}) as [string, string][]) {
          expect(value, `${overlay} Secret ${secret.metadata.name}.${key}`).toContain('CHANGE-ME');
        }
      }
    }
    for (const file of read) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text, path.relative(root, file)).not.toMatch(/-----BEGIN|"d"\s*:|"k"\s*:|\bsk_live|AKIA[0-9A-Z]{16}/);
    }
  });

  it('mounts in each national agency the list of förbund it answers (TRUSTED_FORBUND_FILE), with the key sets it names, for förbund that exist', () => {
    const forbundIds = new Map([...overlays].filter(([name]) => name.startsWith('forbund-'))
      .map(([name, objects]) => [named(objects, 'ConfigMap', 'forbund')?.data.FORBUND_ID as string, name]));
    expect(forbundIds.size).toBeGreaterThan(0);
    for (const agency of ['sickness-insurance', 'employment']) {
      const objects = overlays.get(`national-${agency}`)!;
      expect(ofKind<Json>(objects, 'Deployment').map((d) => d.metadata.name), agency).toEqual([agency]);
      const deployment = named(objects, 'Deployment', agency)!;
      const pod = deployment.spec.template.spec;
      const file = environmentOf(objects, pod.containers[0]).get('TRUSTED_FORBUND_FILE')?.value;
      expect(file, agency).toBeDefined();
      const mount = (pod.containers[0].volumeMounts as Json[]).find((m) => m.mountPath === path.posix.dirname(file!));
      // The folder, not one file by subPath: a change of the ConfigMap then reaches the process without a restart.
      expect(mount?.subPath, agency).toBeUndefined();
      const configMap = named(objects, 'ConfigMap', pod.volumes.find((v: Json) => v.name === mount?.name)?.configMap?.name)!;
      const list = parseList(configMap.data[path.posix.basename(file!)]);
      expect(typeof list, `${agency}: ${String(list)}`).not.toBe('string');
      for (const entry of list as Exclude<typeof list, string>) {
        expect(forbundIds.has(entry.id), `${agency} lists ${entry.id}, which no förbund overlay is`).toBe(true);
        for (const keySet of [entry.gatewayJwks, entry.coordinationJwks]) {
          expect(JSON.parse(configMap.data[keySet]).keys, `${agency}: ${keySet}`).toBeInstanceOf(Array);
        }
      }
    }
  });

  it('runs coordination\'s statistics release daily in each förbund, one run at a time, with coordination\'s key and store', () => {
    for (const [overlay, objects] of overlays) {
      if (!overlay.startsWith('forbund-')) continue;
      const job = named(objects, 'CronJob', 'statistics-release')!;
      expect(job, overlay).toBeDefined();
      expect(job.spec.concurrencyPolicy).toBe('Forbid');
      const pod = job.spec.jobTemplate.spec.template.spec;
      expect(pod.containers[0].command).toEqual(['npm', 'run', '-s', 'statistics-release']);
      expect(pod.volumes.find((v: Json) => v.name === 'keys')?.secret?.secretName).toBe('coordination-keys');
      const env = environmentOf(objects, pod.containers[0]);
      expect(env.get('COORDINATION_DATABASE_URL')?.secret).toEqual({ name: 'coordination-env', key: 'DATABASE_URL' });
      for (const agency of SUBGRAPH_NAMES.filter((n) => n !== 'coordination')) {
        const prefix = agency.toUpperCase().replace(/-/g, '_');
        expect(env.get(`${prefix}_URL`)?.value, agency).toBe(`https://${agency}:${portOf(agency)}/graphql`);
        expect(env.get(`${prefix}_JWKS_URL`)?.value, agency).toBe(`https://${agency}:${portOf(agency)}/.well-known/jwks.json`);
      }
      const verify = named(objects, 'CronJob', 'audit-verify')!;
      const verifyEnv = environmentOf(objects, verify.spec.jobTemplate.spec.template.spec.containers[0]);
      // Never DATABASE_URL: every store would fall back to it (databaseUrlFor).
      expect(verifyEnv.has('DATABASE_URL')).toBe(false);
      for (const store of ['gateway', 'coordination', 'social-services', 'care']) expect(verifyEnv.get(`${store.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`)?.secret, store).toBeDefined();
    }
  });
});
