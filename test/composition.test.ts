import fs from 'node:fs';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_FILE, composeSubgraphs, composeSupergraph } from '@finsam/schema/compose';
import { servedSubgraphSdl } from '@finsam/kit/composition';

describe('composition', () => {
  const result = composeSupergraph();

  it('composes the five subgraphs without errors', () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('matches the committed schema/supergraph.graphql (run `npm run compose` after changing a subgraph schema)', () => {
    expect(result.ok && result.supergraphSdl).toBe(fs.readFileSync(SUPERGRAPH_FILE, 'utf8'));
  });

  it('describes every type, field, argument and enum value of the graph', () => {
    const schema = buildSchema(fs.readFileSync(SUPERGRAPH_FILE, 'utf8'), { assumeValidSDL: true });
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || /^(join|link)__/.test(type.name) || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      if (isUnionType(type) && !type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });

  it('composes coordination\'s and the social services\' DataController as one value type: @shareable, the same three fields', () => {
    // The data controller a consent names (personuppgiftsansvarig), and the one that paid a month of ekonomiskt bistånd.
    const served = servedSubgraphSdl();
    for (const name of ['coordination', 'social-services'] as const) {
      const declared = /type DataController @shareable \{([^}]*)\}/.exec(served[name]!)?.[1];
      expect(declared, `${name} declares DataController @shareable`).toBeDefined();
      expect([...declared!.matchAll(/^\s*(\w+): String!$/gm)].map((m) => m[1]), name).toEqual(['kind', 'code', 'name']);
    }
    const result = composeSubgraphs(served);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
