/**
 * Generates src/wire/validators.generated.ts, the zod-free validators of
 * `@switchboard/protocol/wire`, from the zod schemas of the frames.
 *
 *   pnpm --filter @switchboard/protocol wire          regenerate the file
 *   pnpm --filter @switchboard/protocol wire:check    exit 1 if it is not what the schemas produce (CI)
 *
 * It walks each schema's definition (`schema._zod.def`) and writes the same checks with the
 * building blocks of src/wire/validate.ts. Anything it does not know (a new kind of schema, a
 * check, a refinement other than the topic, pattern and method rules) stops it with an error
 * rather than being left out, so the validators never accept more than the schemas.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../src/errors.ts';
import { ServedMethod } from '../src/frame-fields.ts';
import { ClientFrame, ServerFrame } from '../src/frames.ts';
import { HistoryResponse } from '../src/history.ts';
import { Pattern, Topic } from '../src/stream-fields.ts';

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}
interface Schema {
  _zod: { def: Def; optin?: string; optout?: string };
}

const REFINED = new Map<unknown, string>([
  [Topic, 'topic'],
  [Pattern, 'pattern'],
  [ServedMethod, 'method'],
]);

/** How often each schema is used, to give the shared ones a name. */
const uses = new Map<Schema, number>();
function count(schema: Schema): void {
  uses.set(schema, (uses.get(schema) ?? 0) + 1);
  if ((uses.get(schema) ?? 0) > 1) return;
  for (const child of children(schema._zod.def)) count(child);
}

function children(def: Def): Schema[] {
  switch (def.type) {
    case 'object':
      return Object.values(def.shape as Record<string, Schema>);
    case 'optional':
    case 'nullable':
      return [def.innerType as Schema];
    case 'array':
      return [def.element as Schema];
    case 'union':
      return def.options as Schema[];
    default:
      return [];
  }
}

const named = new Map<Schema, string>();
const declarations: string[] = [];
const imports = new Set<string>();

function use(name: string): string {
  imports.add(name);
  return name;
}

/** The checks of a schema, meta (descriptions) left out. */
function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map((c) => c._zod.def).filter((c) => c.check !== 'meta');
}

function unsupported(what: string): never {
  throw new Error(`wire-codegen: cannot generate a validator for ${what}; extend the generator`);
}

function lengthBounds(checks: CheckDef[], where: string): [number, number] {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const check of checks) {
    if (check.check === 'min_length') min = Math.max(min, check.minimum!);
    else if (check.check === 'max_length') max = Math.min(max, check.maximum!);
    else unsupported(`the "${check.check}" check of ${where}`);
  }
  return [min, max];
}

function args(...values: (number | string | undefined)[]): string {
  const shown = values.map((v) =>
    v === undefined || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY
      ? 'undefined'
      : JSON.stringify(v),
  );
  while (shown.at(-1) === 'undefined') shown.pop();
  return shown.join(', ');
}

/** The validator expression of `schema`, naming it when it is used more than once. */
function emit(schema: Schema): string {
  const existing = named.get(schema);
  if (existing !== undefined) return existing;
  const expression = build(schema);
  if ((uses.get(schema) ?? 0) < 2 || /^[a-z]+$/.test(expression)) return expression;
  const name = `v${named.size}`;
  named.set(schema, name);
  declarations.push(`const ${name} = ${expression};`);
  return name;
}

function build(schema: Schema): string {
  const def = schema._zod.def;
  const refinement = REFINED.get(schema);
  const checks = checksOf(def);
  switch (def.type) {
    case 'string': {
      const custom = checks.filter((c) => c.check === 'custom');
      if (custom.length > (refinement === undefined ? 0 : 1)) unsupported('a refined string');
      const [min, max] = lengthBounds(
        checks.filter((c) => c.check !== 'custom'),
        'a string',
      );
      return `${use('string')}(${args(min === 0 ? undefined : min, max, refinement)})`;
    }
    case 'number': {
      if (def.format === undefined && checks.length === 0) return use('number');
      if (def.format !== 'safeint') unsupported(`a number of format ${String(def.format)}`);
      let min: number | undefined;
      let max: number | undefined;
      for (const check of checks) {
        if (check.check === 'greater_than' && check.inclusive) min = check.value;
        else if (check.check === 'less_than' && check.inclusive) max = check.value;
        else unsupported(`the "${check.check}" check of a number`);
      }
      return `${use('int')}(${args(min, max)})`;
    }
    case 'boolean':
    case 'unknown':
      if (checks.length > 0) unsupported(`a refined ${def.type}`);
      return use(def.type);
    case 'literal':
    case 'enum': {
      if (checks.length > 0) unsupported(`a refined ${def.type}`);
      const values =
        def.type === 'literal'
          ? (def.values as unknown[])
          : Object.values(def.entries as Record<string, unknown>);
      const isErrorCodes =
        values.length === ERROR_CODES.length && values.every((v, i) => v === ERROR_CODES[i]);
      if (isErrorCodes) imports.add('ERROR_CODES');
      return `${use('oneOf')}(${isErrorCodes ? 'ERROR_CODES' : JSON.stringify(values)})`;
    }
    case 'nullable':
      return `${use('nullable')}(${emit(def.innerType as Schema)})`;
    case 'array': {
      const [min, max] = lengthBounds(checks, 'an array');
      const bounds = args(
        min === 0 && max !== Number.POSITIVE_INFINITY ? 0 : min || undefined,
        max,
      );
      const element = emit(def.element as Schema);
      return `${use('array')}(${bounds === '' ? element : `${element}, ${bounds}`})`;
    }
    case 'record': {
      const key = (def.keyType as Schema)._zod.def;
      const value = (def.valueType as Schema)._zod.def;
      if (key.type !== 'string' || checksOf(key).length > 0 || value.type !== 'unknown') {
        unsupported('a record other than record(string, unknown)');
      }
      return use('record');
    }
    case 'union': {
      if (def.discriminator !== undefined) unsupported('a nested discriminated union');
      const error = def.error as ((issue: unknown) => unknown) | undefined;
      const message = error?.({ code: 'invalid_union' });
      if (typeof message !== 'string') unsupported('a union without a fixed error message');
      const options = (def.options as Schema[]).map(emit);
      return `${use('union')}([${options.join(', ')}], ${JSON.stringify(message)})`;
    }
    case 'object': {
      if (checks.length > 0) unsupported('a refined object');
      if (def.catchall !== undefined) unsupported('an object with a catchall');
      const fields = Object.entries(def.shape as Record<string, Schema>).map(([key, field]) => {
        const fieldDef = field._zod.def;
        if (fieldDef.type === 'optional') {
          if (checksOf(fieldDef).length > 0) unsupported('a refined optional');
          return `${JSON.stringify(key)}: [${emit(fieldDef.innerType as Schema)}]`;
        }
        if (field._zod.optin !== undefined)
          unsupported(`field "${key}", optional by ${fieldDef.type}`);
        return `${JSON.stringify(key)}: ${emit(field)}`;
      });
      return `${use('object')}({ ${fields.join(', ')} })`;
    }
    default:
      return unsupported(`a schema of type "${def.type}"`);
  }
}

/** The members of a frame union, by their `type`. */
function framesOf(union: typeof ClientFrame | typeof ServerFrame): string {
  const entries = union._zod.def.options.map((frame) => {
    const type = frame._zod.def.shape.type._zod.def.values[0];
    return `${JSON.stringify(type)}: ${emit(frame as unknown as Schema)}`;
  });
  return `{ ${entries.join(', ')} }`;
}

export function generate(): string {
  const roots = [
    ...ServerFrame._zod.def.options,
    ...ClientFrame._zod.def.options,
    HistoryResponse,
    ServedMethod,
  ] as unknown as Schema[];
  for (const root of roots) count(root);
  const server = framesOf(ServerFrame);
  const client = framesOf(ClientFrame);
  const history = emit(HistoryResponse as unknown as Schema);
  const method = emit(ServedMethod as unknown as Schema);
  const blocks = [...imports].filter((name) => name !== 'ERROR_CODES').sort();
  return [
    '// Generated by packages/protocol/scripts/wire-codegen.ts from the zod schemas; do not edit.',
    '// `pnpm --filter @switchboard/protocol wire` regenerates it; CI checks it is up to date.',
    ...(imports.has('ERROR_CODES') ? ["import { ERROR_CODES } from '../errors.ts';"] : []),
    `import { ${blocks.join(', ')}, type Validator } from './validate.ts';`,
    '',
    ...declarations,
    '',
    '/** Every frame a hub sends, by type (ServerFrame). */',
    `export const SERVER_FRAMES: Record<string, Validator> = ${server};`,
    '',
    '/** Every frame a client sends, by type (ClientFrame). */',
    `export const CLIENT_FRAMES: Record<string, Validator> = ${client};`,
    '',
    '/** The data of a `$history` response (HistoryResponse). */',
    `export const historyResponse: Validator = ${history};`,
    '',
    '/** A method a client serves (ServedMethod). */',
    `export const servedMethod: Validator = ${method};`,
    '',
  ].join('\n');
}

const target = fileURLToPath(new URL('../src/wire/validators.generated.ts', import.meta.url));
const shown = 'packages/protocol/src/wire/validators.generated.ts';

/** The text formatted as biome formats the repository, so that `biome ci` accepts the file. */
function formatted(text: string): string {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  const result = spawnSync(process.execPath, [biome, 'format', `--stdin-file-path=${target}`], {
    input: text,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`biome format failed: ${result.stderr}`);
  return result.stdout;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = formatted(generate());
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current !== text) {
      console.error(
        `${shown} is ${current === undefined ? 'missing' : 'out of date with the zod schemas'}.\n` +
          'Run `pnpm --filter @switchboard/protocol wire` and commit the result.',
      );
      process.exit(1);
    }
    console.log(`${shown} is up to date.`);
  } else {
    await writeFile(target, text);
    console.log(`Wrote ${shown}.`);
  }
}
