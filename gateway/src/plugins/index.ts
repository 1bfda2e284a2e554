import type { AuditLog } from '@finsam/kit/audit';
import type { Logger } from '@finsam/kit/logger';
import type { ProcessMetrics } from '@finsam/kit/metrics';
import type { RequestPlugin } from '@finsam/kit/request-plugin';
import type { AnalystRateLimit } from '../analyst-rate-limit.ts';
import type { Authenticator } from '../authentication.ts';
import type { GatewayContext } from '../context.ts';
import type { KnownAnalysts } from '../known-analysts.ts';
import type { RegisteredOperations } from '../registered-operations.ts';
import type { RequiresMap } from '../selected-errors.ts';
import { useAnalystCostLimit } from './use-analyst-cost-limit.ts';
import { useAnalystRateLimit } from './use-analyst-rate-limit.ts';
import { useArmor } from './use-armor.ts';
import { useAuthentication } from './use-authentication.ts';
import { useFieldUsage } from './use-field-usage.ts';
import { useIntrospectionForAnalysts } from './use-introspection-for-analysts.ts';
import { useKnownAnalysts } from './use-known-analysts.ts';
import { useRegisteredOperations } from './use-registered-operations.ts';
import { useRequestAudit } from './use-request-audit.ts';
import { useSelectedErrors } from './use-selected-errors.ts';
import { useTokenLimit } from './use-token-limit.ts';

export interface GatewayPluginOptions {
  authenticate: Authenticator;
  /** The förbund's list of analysts (known-analysts.ts). */
  knownAnalysts: KnownAnalysts;
  rateLimit: AnalystRateLimit;
  /** Null: coordinators may send ad hoc queries too (tests of the checks behind the registered operations only). */
  operations: RegisteredOperations | null;
  auditLog: AuditLog;
  requires: RequiresMap;
  metrics: ProcessMetrics;
  logger: Logger;
}

/**
 * The gateway's request path, in the order a request passes it (the hook points of
 * @finsam/kit/request-plugin: onRequest on the headers, onParams on the read body, then Apollo
 * Server's stages; each point runs its hooks in this list's order). docs/architecture.md lists
 * what each refuses.
 */
export function gatewayPlugins(options: GatewayPluginOptions): RequestPlugin<GatewayContext>[] {
  const { logger, metrics } = options;
  return [
    // First: every other plugin reads the user it names, and an anonymous caller costs nothing more.
    useAuthentication(options.authenticate, logger),
    // Right after the token: an analyst not on the förbund's list is refused before anything else
    // is spent on them, a place in the rate limit included.
    useKnownAnalysts({ analysts: options.knownAnalysts, auditLog: options.auditLog, logger }),
    // After authentication (it limits by user), before any parsing, planning or subgraph call.
    useAnalystRateLimit(options.rateLimit, logger),
    // Once the body is read and before Apollo Server parses: what a coordinator's request runs is the registered text.
    ...(options.operations ? [useRegisteredOperations({ operations: options.operations, metrics, logger, auditLog: options.auditLog })] : []),
    useArmor(),
    useTokenLimit(),
    useIntrospectionForAnalysts(),
    useAnalystCostLimit(),
    useRequestAudit(options.auditLog, logger),
    // After the audit plugin, which records every error the subgraphs gave (its read comes first).
    useSelectedErrors(options.requires, logger),
    // Last: it counts at executionDidStart, which no request refused by the plugins above reaches.
    useFieldUsage({ metrics, manifest: options.operations?.manifest ?? null }),
  ];
}
