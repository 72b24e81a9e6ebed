import * as z from 'zod/mini';
import * as callFrames from './call-frames.ts';
import * as frames from './frames.ts';
import { ClientFrame, ServerFrame } from './frames.ts';
import { HistoryRequest, HistoryResponse } from './history.ts';
import { KpiSnapshot } from './metrics.ts';
import { CURRENT_PROTOCOL_VERSION, subprotocolFor } from './version.ts';

/**
 * Builds `docs/protocol.schema.json` for peers that do not use TypeScript. Not exported from the
 * package entry: it is repo tooling (scripts/generate-protocol-schema.ts) and keeps
 * `z.toJSONSchema` out of the runtime bundle.
 *
 * Refinements (`superRefine`: the topic and pattern rules) have no JSON Schema form and are left
 * out by zod; the schema carries them as descriptions, so it accepts a superset of what the
 * parser accepts.
 */

/** Every exported schema of the frame modules, by its export name. */
const EXPORT_NAMES = new Map<unknown, string>(
  Object.entries({ ...frames, ...callFrames }).map(([name, value]) => [value, name]),
);

/**
 * Schemas under `$defs`, in output order: the two unions first, then each member of the client
 * union and then of the server union, in union order (ping and pong once), then history and the `$metrics` snapshot. Derived
 * from the unions, so a frame added to a union is in the schema without a second list to edit.
 */
const DEFINITIONS: Record<string, z.ZodMiniType> = (() => {
  const definitions: Record<string, z.ZodMiniType> = { ClientFrame, ServerFrame };
  for (const member of [...ClientFrame._zod.def.options, ...ServerFrame._zod.def.options]) {
    const name = EXPORT_NAMES.get(member);
    if (name === undefined) {
      throw new Error('every member of the frame unions must be exported under its own name');
    }
    definitions[name] = member;
  }
  return { ...definitions, HistoryRequest, HistoryResponse, KpiSnapshot };
})();

export interface ProtocolJsonSchemaResult {
  schema: Record<string, unknown>;
  /** Paths of schema parts zod could not represent and emitted as `{}` (accept anything). */
  unrepresentable: string[];
}

export function buildProtocolJsonSchema(): ProtocolJsonSchemaResult {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(DEFINITIONS)) registry.add(schema, { id });

  const unrepresentable: string[] = [];
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    // What a peer may send: the parser strips unknown keys, so they stay allowed.
    io: 'input',
    // Never throw on a type without a JSON Schema form; report it so the generator can warn.
    unrepresentable: ({ path, message }) => {
      unrepresentable.push(`${path.join('.') || '(root)'}: ${message}`);
      return 'any';
    },
    uri: (id) => `#/$defs/${id}`,
  });

  const defs: Record<string, unknown> = {};
  for (const id of Object.keys(DEFINITIONS)) {
    const { $schema: _schema, $id: _id, ...body } = schemas[id] as Record<string, unknown>;
    defs[id] = body;
  }
  // Subschemas zod extracted because several definitions share them (none today).
  const shared = (schemas.__shared as { $defs?: Record<string, unknown> } | undefined)?.$defs;
  if (shared) Object.assign(defs, shared);

  return {
    unrepresentable,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Switchboard wire protocol',
      description: `Every frame of the Switchboard WebSocket protocol, version ${CURRENT_PROTOCOL_VERSION} (subprotocol "${subprotocolFor(CURRENT_PROTOCOL_VERSION)}"). Generated from the zod schemas of @switchboard/protocol by scripts/generate-protocol-schema.ts; do not edit. See docs/protocol.md. Topic and pattern rules are checked by the parser, not by this schema.`,
      // ping and pong go both ways, so a frame may match both unions: anyOf, not oneOf.
      anyOf: [{ $ref: '#/$defs/ClientFrame' }, { $ref: '#/$defs/ServerFrame' }],
      $defs: defs,
    },
  };
}

/** The schema as written to disk: pretty-printed, with a trailing newline. */
export function renderProtocolJsonSchema(): ProtocolJsonSchemaResult & { text: string } {
  const result = buildProtocolJsonSchema();
  return { ...result, text: `${JSON.stringify(result.schema, null, 2)}\n` };
}
