import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, ExitCode } from '../exit-codes.ts';
import { HubConfig } from './schema.ts';
import { CONFIG_ENV, SETTINGS, type Setting } from './settings.ts';

type Json = Record<string, unknown>;

/** A config that failed validation: one line per problem, each naming the field. */
export class ConfigError extends CliError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'), ExitCode.USAGE);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** `--config <file>`; `SWITCHBOARD_CONFIG` when absent. */
  file?: string | undefined;
  /** The environment (`process.env`). */
  env: Record<string, string | undefined>;
  /** `serve` flags by their name in SETTINGS (`max-connections`), as given. */
  flags: Record<string, string | boolean | undefined>;
}

export interface LoadedConfig {
  config: HubConfig;
  /** The file read, if any. */
  file: string | undefined;
  /** Where each key set by a variable or flag came from (`limits.maxConnections` → `--max-connections`). */
  origins: ReadonlyMap<string, string>;
}

/**
 * Reads the config file, then the `SWITCHBOARD_*` variables, then the flags, each
 * overriding the one before (flags > env > file > defaults), and validates the result once.
 * A problem names the field (`config.limits.maxConnections`) and, for a variable or flag,
 * where the value came from.
 */
export function loadConfig(sources: ConfigSources): LoadedConfig {
  const file = sources.file ?? sources.env[CONFIG_ENV];
  const merged: Json = file === undefined ? {} : readConfigFile(file);
  const origins = new Map<string, string>();
  for (const setting of SETTINGS) {
    const fromEnv = sources.env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      setAt(merged, setting.path, convert(setting, fromEnv));
      origins.set(setting.path.join('.'), setting.env);
    }
  }
  for (const setting of SETTINGS) {
    const fromFlag = setting.flag === undefined ? undefined : sources.flags[camel(setting.flag)];
    if (fromFlag !== undefined) {
      setAt(merged, setting.path, convert(setting, fromFlag));
      origins.set(setting.path.join('.'), `--${setting.flag}`);
    }
  }
  const parsed = HubConfig.safeParse(merged, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, origins, file)));
  }
  return { config: parsed.data, file, origins };
}

/** commander's name for a flag's value (`max-connections` → `maxConnections`). */
export function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function readConfigFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`cannot read config file ${file}: ${(error as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${file} is not valid JSON: ${(error as Error).message}`]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([`config: expected a JSON object in ${file}`]);
  }
  // Files named in a config file are relative to it, not to where serve was started.
  const json = value as Json;
  const tls = json.tls as Json | undefined;
  if (tls && typeof tls === 'object') {
    for (const key of ['cert', 'key', 'ca']) {
      if (typeof tls[key] === 'string') tls[key] = resolve(dirname(file), tls[key] as string);
    }
  }
  const jwt = (json.auth as Json | undefined)?.jwt as Json | undefined;
  if (jwt && typeof jwt === 'object' && typeof jwt.publicKey === 'string') {
    if (!jwt.publicKey.startsWith('-----BEGIN')) {
      jwt.publicKey = resolve(dirname(file), jwt.publicKey);
    }
  }
  return json;
}

/**
 * Text to a config value. Text that does not convert stays text, so the schema reports it
 * with the field's own message (`expected a positive integer`).
 */
function convert(setting: Setting, value: string | boolean): unknown {
  if (typeof value === 'boolean') return value;
  switch (setting.kind) {
    case 'integer':
      return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(value)) return true;
      if (/^(false|0|no|off)$/i.test(value)) return false;
      return value;
    case 'path':
      return resolve(value);
    case 'tokens':
      return parseTokens(setting, value);
    case 'list':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    default:
      return value;
  }
}

/** `SWITCHBOARD_TOKENS`: the JSON list of `auth.tokens`, or `id:token,id:token` (no ACL). */
function parseTokens(setting: Setting, value: string): unknown {
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError([`${setting.env} is not valid JSON: ${(error as Error).message}`]);
    }
  }
  return text
    .split(',')
    .filter((pair) => pair.trim() !== '')
    .map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0 || colon === pair.length - 1) {
        throw new ConfigError([
          `${setting.env}: expected "id:token" pairs separated by commas, got "${pair.trim().slice(0, 40)}"`,
        ]);
      }
      return { id: pair.slice(0, colon).trim(), token: pair.slice(colon + 1).trim() };
    });
}

function setAt(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Json;
  }
  node[path.at(-1)!] = value;
}

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code: string;
  readonly keys?: readonly string[];
  readonly input?: unknown;
}

function describeIssue(
  issue: Issue,
  origins: ReadonlyMap<string, string>,
  file: string | undefined,
): string {
  const path = issue.path.map(String);
  const field = ['config', ...path].join('.');
  let message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys ?? [];
    message = `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    message = `is required (${message})`;
  }
  let origin: string | undefined;
  for (let i = path.length; i > 0 && origin === undefined; i--) {
    origin = origins.get(path.slice(0, i).join('.'));
  }
  const where = origin ? ` (from ${origin})` : file ? ` (in ${file})` : '';
  return `${field}: ${message}${where}`;
}
