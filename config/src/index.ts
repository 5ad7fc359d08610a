// Loads config/default.json, then config/<env>.json, then an optional file named by
// SIGHTLINE_CONFIG (outside the repo, for secrets), then environment variables; validates once.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { configSchema, type SightlineConfig } from './schema.ts';

export * from './schema.ts';

const configDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Thrown with every problem listed: key, offending value and what was expected. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

type Json = { [k: string]: unknown };

/** Environment variables the configuration reads: name -> dotted key and value type. */
export const ENV_VARS: Record<string, { key: string; type: 'string' | 'number' | 'boolean' | 'list' }> = {
  SIGHTLINE_ENV: { key: 'env', type: 'string' },
  SIGHTLINE_LOG_LEVEL: { key: 'log.level', type: 'string' },
  SIGHTLINE_RELAY_HOST: { key: 'relay.host', type: 'string' },
  SIGHTLINE_RELAY_PORT: { key: 'relay.port', type: 'number' },
  SIGHTLINE_RELAY_PUBLIC_URL: { key: 'relay.publicUrl', type: 'string' },
  SIGHTLINE_RELAY_DATA_DIR: { key: 'relay.dataDir', type: 'string' },
  SIGHTLINE_TOKEN_ENCRYPTION_KEY: { key: 'relay.tokenEncryptionKey', type: 'string' },
  SIGHTLINE_ALLOWED_ORIGINS: { key: 'relay.allowedOrigins', type: 'list' },
  SIGHTLINE_TRUSTED_PROXIES: { key: 'relay.trustedProxies', type: 'list' },
  SIGHTLINE_METRICS_TOKEN: { key: 'relay.metricsToken', type: 'string' },
  SIGHTLINE_SALESFORCE_LOGIN_URL: { key: 'salesforce.loginUrl', type: 'string' },
  SIGHTLINE_SALESFORCE_CLIENT_ID: { key: 'salesforce.clientId', type: 'string' },
  SIGHTLINE_SALESFORCE_ORG_ID: { key: 'salesforce.orgId', type: 'string' },
  SIGHTLINE_SALESFORCE_CLIENT_SECRET: { key: 'salesforce.clientSecret', type: 'string' },
  SIGHTLINE_SERVICENOW_INSTANCE_URL: { key: 'servicenow.instanceUrl', type: 'string' },
  SIGHTLINE_SERVICENOW_CLIENT_ID: { key: 'servicenow.clientId', type: 'string' },
  SIGHTLINE_SERVICENOW_CLIENT_SECRET: { key: 'servicenow.clientSecret', type: 'string' },
  SIGHTLINE_SANDBOX_ENABLED: { key: 'sandbox.enabled', type: 'boolean' },
  SIGHTLINE_SANDBOX_SALESFORCE_PORT: { key: 'sandbox.salesforcePort', type: 'number' },
  SIGHTLINE_SANDBOX_SERVICENOW_PORT: { key: 'sandbox.servicenowPort', type: 'number' },
  SIGHTLINE_SANDBOX_DATA_DIR: { key: 'sandbox.dataDir', type: 'string' },
  SIGHTLINE_REDIS_URL: { key: 'redis.url', type: 'string' },
  SIGHTLINE_CLUSTER_NODE_URL: { key: 'cluster.nodeUrl', type: 'string' },
  SIGHTLINE_DESKTOP_DOWNLOAD_WINDOWS: { key: 'desktop.downloads.windows', type: 'string' },
  SIGHTLINE_DESKTOP_DOWNLOAD_MACOS: { key: 'desktop.downloads.macos', type: 'string' },
  SIGHTLINE_DESKTOP_DOWNLOAD_LINUX: { key: 'desktop.downloads.linux', type: 'string' },
};

/** SIGHTLINE_* variables read elsewhere (not configuration keys); anything else unknown is a mistake. */
export const OTHER_VARS = [
  'SIGHTLINE_CONFIG',
  'SIGHTLINE_TEST_CLOCK',
  'SIGHTLINE_BENCH_OVERRIDES',
  'SIGHTLINE_CHROMIUM',
];

/** A misspelt variable would silently fall back to a default: name it, and the one it probably meant. */
function unknownVars(env: NodeJS.ProcessEnv, problems: string[]): void {
  const known = [...Object.keys(ENV_VARS), ...OTHER_VARS];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('SIGHTLINE_')) continue;
    const base = name.endsWith('_FILE') && name.slice(0, -5) in ENV_VARS ? name.slice(0, -5) : name;
    if (known.includes(base)) continue;
    const guess = closest(base, known);
    const near = distance(base, guess) <= Math.max(3, Math.floor(base.length / 4));
    problems.push(`${name}: not a Sightline variable${near ? `; did you mean ${guess}?` : ' (the README lists them)'}`);
  }
}

function readSecretFile(name: string, path: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    problems.push(`${name}_FILE=${JSON.stringify(path)}: cannot read the file (${code})`);
    return undefined;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  return out;
}

function setPath(target: Json, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(node[p])) node[p] = {};
    node = node[p] as Json;
  }
  node[parts[parts.length - 1]!] = value;
}

function readJson(path: string, problems: string[]): Json {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (isObject(parsed)) {
      delete parsed.$comment; // documentation inside the JSON files, not configuration
      return parsed;
    }
    problems.push(`${path}: expected a JSON object at the top level`);
  } catch (err) {
    problems.push(`${path}: ${(err as Error).message}`);
  }
  return {};
}

function fromEnv(env: NodeJS.ProcessEnv, problems: string[]): Json {
  const out: Json = {};
  for (const [name, { key, type }] of Object.entries(ENV_VARS)) {
    // NAME_FILE reads a secret from a file outside the repo (Docker/Kubernetes secrets style).
    const fileVar = env[`${name}_FILE`];
    const raw = fileVar ? readSecretFile(name, fileVar, problems) : env[name];
    if (raw === undefined || raw === '') continue;
    if (type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) problems.push(`${name}=${JSON.stringify(raw)}: expected a number`);
      else setPath(out, key, n);
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`);
      else setPath(out, key, raw === 'true');
    } else if (type === 'list') {
      setPath(
        out,
        key,
        raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    } else setPath(out, key, raw);
  }
  return out;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let node = input;
  for (const p of path) node = isObject(node) || Array.isArray(node) ? (node as Json)[p as string] : undefined;
  return node;
}

/** Only secrets are redacted (not keyLength or keyMode); a Redis URL may carry a password. */
const SECRET_KEYS = /(^|\.)(clientSecret|tokenEncryptionKey|fixedKey|password)$|^redis\.url$/;

/** Validates a raw config object; errors name the key, the value and what was expected. */
export function parseConfig(raw: unknown): SightlineConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.') || '(root)';
      const value = valueAt(raw, issue.path);
      if (issue.code === 'unrecognized_keys') return `${key}: ${issue.message}`;
      const json = JSON.stringify(value) ?? String(value);
      const shown = SECRET_KEYS.test(key) ? '<redacted>' : json.length > 80 ? `${json.slice(0, 77)}...` : json;
      return `${key}: ${issue.message} (got ${value === undefined ? 'nothing' : shown})`;
    }),
  );
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides applied last, for tests and embedding. */
  overrides?: Json;
  dir?: string;
}

export function loadConfig(options: LoadOptions = {}): SightlineConfig {
  const env = options.env ?? process.env;
  const dir = options.dir ?? configDir;
  const problems: string[] = [];
  const envName =
    env.SIGHTLINE_ENV ??
    (env.NODE_ENV === 'test' ? 'test' : env.NODE_ENV === 'production' ? 'production' : 'development');
  let raw = readJson(join(dir, 'default.json'), problems);
  const envFile = join(dir, `${envName}.json`);
  if (existsSync(envFile)) raw = merge(raw, readJson(envFile, problems));
  if (env.SIGHTLINE_CONFIG) raw = merge(raw, readJson(env.SIGHTLINE_CONFIG, problems));
  raw = merge(raw, { env: envName });
  unknownVars(env, problems);
  raw = merge(raw, fromEnv(env, problems));
  if (options.overrides) raw = merge(raw, options.overrides);
  if (problems.length) throw new ConfigError(problems);
  const config = parseConfig(raw);
  if (config.env === 'production') {
    const missing: string[] = [];
    if (!config.relay.tokenEncryptionKey) missing.push('relay.tokenEncryptionKey (SIGHTLINE_TOKEN_ENCRYPTION_KEY)');
    if (!config.relay.publicUrl?.startsWith('https://')) missing.push('relay.publicUrl must be https:// in production');
    if (config.sandbox.enabled) missing.push('sandbox.enabled must be false in production');
    if (missing.length) throw new ConfigError(missing);
  }
  return config;
}

export { z };
