import type { Agency } from '@finsam/kit/agencies';
import { controllerKindOf, isKommunkod, isLanskod, REGION_NAMES, regionOfMunicipality } from '@finsam/kit/controllers';

/**
 * Which data controller (personuppgiftsansvarig) a consent names. The social services are run by
 * each municipality and care by each region, so a consent to them names one: "socialtjänsten i
 * Mölndal", not "the social services". Försäkringskassan and Arbetsförmedlingen are one authority
 * each and a consent to them names none (null).
 */
export type ControllerKind = 'MUNICIPALITY' | 'REGION';

/**
 * The kind of controller a consent to the agency names. Care's row in the agency table names no
 * kind yet (its subgraph serves one region); coordination's consents name the region all the same,
 * so that a consent recorded today still says whose it is when care serves several.
 */
export function consentControllerKind(agency: Agency): ControllerKind | undefined {
  return controllerKindOf(agency) ?? (agency === 'CARE' ? 'REGION' : undefined);
}

/** The kind of controller a code names by its form: a kommunkod (four digits) or a länskod (two); undefined for neither. */
export function kindOfCode(code: string): ControllerKind | undefined {
  if (isKommunkod(code)) return 'MUNICIPALITY';
  if (isLanskod(code)) return 'REGION';
  return undefined;
}

/** The controller of that kind where the person lives: the home municipality, or its region. */
export function homeController(kind: ControllerKind, municipalityCode: string): string {
  return kind === 'MUNICIPALITY' ? municipalityCode : regionOfMunicipality(municipalityCode);
}

/** The controllers of the förbund's members: each member municipality, and the region of each. */
export function forbundControllers(municipalityCodes: readonly string[]): Set<string> {
  return new Set(municipalityCodes.flatMap((code) => [code, regionOfMunicipality(code)]));
}

/** GraphQL's `DataController`. */
export interface DataControllerView {
  kind: ControllerKind;
  code: string;
  name: string;
}

/** A region as `DataController`: named from the kit's list of regions (REGION_NAMES). */
export function regionController(lanskod: string): DataControllerView {
  return { kind: 'REGION', code: lanskod, name: REGION_NAMES[lanskod] ?? lanskod };
}
