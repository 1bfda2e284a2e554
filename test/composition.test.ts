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

  it('still composes when the social services declare DataController too, as coordination does or without its descriptions', () => {
    // The data controller a consent names (personuppgiftsansvarig) is a value type both may return: @shareable, the same three fields.
    const served = servedSubgraphSdl();
    const declared = /"""[^"]*"""\ntype DataController @shareable \{[^}]*\}/.exec(served.coordination!)?.[0];
    expect(declared, 'coordination declares DataController @shareable').toBeDefined();
    const bare = 'type DataController @shareable { kind: String! code: String! name: String! }';
    for (const own of [declared!, bare]) {
      const result = composeSubgraphs({ ...served, 'social-services': `${served['social-services']}\n${own}\n` });
      expect(result.ok ? [] : result.errors, own).toEqual([]);
    }
  });
});
