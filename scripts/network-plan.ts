/**
 * Two samordningsförbund on one machine, as `npm run start:network` runs them and the network's
 * end-to-end test builds them (docs/network.md): each förbund its own gateway, coordination,
 * social services (its member municipalities, each its own store) and care, in a DATA_DIR of its
 * own with its own keys; Försäkringskassan's and Arbetsförmedlingen's subgraphs shared, in a
 * DATA_DIR of theirs, answering both förbund by their list (TRUSTED_FORBUND_FILE).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SUBGRAPH_NAMES, envPrefix, type SubgraphName } from '@finsam/kit/config';
import { loadOrCreateGatewayKey } from '@finsam/kit/gateway-token';
import { loadOrCreateCoordinationKey } from '@finsam/kit/release-basis';
import { keySetFile } from '@finsam/kit/signing-key';
import { WITHDRAWALS_PATH } from '@finsam/kit/consent-withdrawals';

export interface NetworkForbund {
  /** Its FORBUND_ID, and the synthetic catalogue's förbund it seeds (SEED_FORBUND). */
  id: string;
  name: string;
  /** Its social services' municipalities (SOCIAL_SERVICES_CONTROLLERS). */
  municipalities: string;
  /** Its care's region (CARE_CONTROLLERS). */
  region: string;
}

/** A: three municipalities and Västra Götalandsregionen; B: two municipalities and Region Västerbotten. */
export const NETWORK_FORBUND: readonly NetworkForbund[] = [
  { id: 'forbund-goteborg', name: 'Samordningsförbundet Göteborg', municipalities: '1480=Göteborg,1481=Mölndal,1402=Partille', region: '14=Västra Götalandsregionen' },
  { id: 'forbund-umea', name: 'Samordningsförbundet Umeå', municipalities: '2480=Umeå,2409=Robertsfors', region: '24=Region Västerbotten' },
];

/** The national agencies' subgraphs, one each for every förbund. */
export const NATIONAL_SUBGRAPHS = ['sickness-insurance', 'employment'] as const satisfies readonly SubgraphName[];
/** What each förbund runs besides its gateway. */
export const FORBUND_SUBGRAPHS = SUBGRAPH_NAMES.filter((name) => !(NATIONAL_SUBGRAPHS as readonly string[]).includes(name));

export type PartName = SubgraphName | 'gateway';

export interface NetworkPart {
  /** `national`, or the förbund's id. */
  owner: string;
  name: PartName;
  port: number;
  /** Its environment, on top of the caller's. */
  env: Record<string, string>;
}

export interface NetworkPlan {
  root: string;
  /** The national agencies' list of förbund. */
  listFile: string;
  nationalDataDir: string;
  /** Each förbund, with where its coordination serves its withdrawal feed (docs/release-basis.md), for the national agencies' list. */
  forbund: (NetworkForbund & { dataDir: string; gatewayUrl: string; withdrawalsUrl: string })[];
  parts: NetworkPart[];
}

/** The default ports: the first förbund on npm start's (4000 …), the second 100 above; the national subgraphs on their own defaults. */
export function defaultNetworkPort(owner: string, name: PartName): number {
  const index = NETWORK_FORBUND.findIndex((f) => f.id === owner);
  const offset = name === 'gateway' ? 0 : 1 + SUBGRAPH_NAMES.indexOf(name);
  return 4000 + offset + (owner === 'national' ? 0 : Math.max(index, 0) * 100);
}

export function networkPlan(root: string, portOf: (owner: string, name: PartName) => number = defaultNetworkPort): NetworkPlan {
  const nationalDataDir = path.join(root, 'national');
  const listFile = path.join(root, 'trusted-forbund.json');
  const url = (owner: string, name: SubgraphName) => `http://127.0.0.1:${portOf(owner, name)}/graphql`;
  const ownerOf = (forbund: string, name: SubgraphName) => ((NATIONAL_SUBGRAPHS as readonly string[]).includes(name) ? 'national' : forbund);
  const parts: NetworkPart[] = NATIONAL_SUBGRAPHS.map((name) => ({
    owner: 'national', name, port: portOf('national', name),
    env: { DATA_DIR: nationalDataDir, TRUSTED_FORBUND_FILE: listFile, SEED_FORBUND: NETWORK_FORBUND.map((f) => f.id).join(',') },
  }));
  const forbund = NETWORK_FORBUND.map((f) => {
    const dataDir = path.join(root, f.id);
    const env: Record<string, string> = {
      DATA_DIR: dataDir, FORBUND_ID: f.id, SEED_FORBUND: f.id, SOCIAL_SERVICES_CONTROLLERS: f.municipalities, CARE_CONTROLLERS: f.region,
      // Where every subgraph is, the national ones shared; and their published keys, to which coordination seals member lists.
      ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${envPrefix(name)}_URL`, url(ownerOf(f.id, name), name)])),
      ...Object.fromEntries(NATIONAL_SUBGRAPHS.map((name) => [`${envPrefix(name)}_JWKS_URL`, new URL('/.well-known/jwks.json', url('national', name)).toString()])),
    };
    for (const name of [...FORBUND_SUBGRAPHS, 'gateway' as const]) parts.push({ owner: f.id, name, port: portOf(f.id, name), env });
    return { ...f, dataDir, gatewayUrl: `http://127.0.0.1:${portOf(f.id, 'gateway')}`, withdrawalsUrl: new URL(WITHDRAWALS_PATH, url(f.id, 'coordination')).toString() };
  });
  return { root, listFile, nationalDataDir, forbund, parts };
}

/**
 * Before anything starts: each förbund's gateway and coordination keys (so that the national
 * agencies' list can name their key set files), and the list itself, every förbund answered
 * unless `cutOff` names it.
 */
export async function prepareNetwork(plan: NetworkPlan, cutOff: readonly string[] = []): Promise<void> {
  for (const dir of [plan.root, plan.nationalDataDir, ...plan.forbund.map((f) => f.dataDir)]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of plan.forbund) {
    await loadOrCreateGatewayKey(f.dataDir);
    await loadOrCreateCoordinationKey(f.dataDir);
  }
  writeTrustedList(plan, cutOff);
}

/** The national agencies' list (docs/trusted-forbund.md); they read it again when it changes. */
export function writeTrustedList(plan: NetworkPlan, cutOff: readonly string[] = []): void {
  const relative = (file: string) => path.relative(path.dirname(plan.listFile), file);
  const forbund = plan.forbund.map((f) => ({
    id: f.id, name: f.name,
    gatewayJwks: relative(keySetFile(f.dataDir, 'gateway')), coordinationJwks: relative(keySetFile(f.dataDir, 'coordination')),
    // The keys are files here, so the feed is named: without it a national agency releases nothing under this förbund's bases.
    withdrawals: f.withdrawalsUrl,
    cutOff: cutOff.includes(f.id),
  }));
  const written = `${plan.listFile}.${process.pid}.tmp`;
  fs.writeFileSync(written, `${JSON.stringify({ forbund }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(written, plan.listFile);
  // A modification time of its own for each version, whatever the file system's grain: the subgraphs re-read on a change of it.
  const stamp = new Date(Math.max(Date.now(), fs.statSync(plan.listFile).mtimeMs + 1000));
  fs.utimesSync(plan.listFile, stamp, stamp);
}
