/**
 * Reading one environment variable of the node daemon's configuration (config.ts): present or
 * not, a whole number in a range, an http(s) URL, a list of absolute paths — each failure a
 * {@link ConfigError} that names the variable.
 */

export type Env = Record<string, string | undefined>;

/** Thrown when a variable is missing or invalid; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The trimmed value of `name`, or undefined when unset or blank. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** @throws ConfigError when unset. */
export function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, 'is required');
  return value;
}

/** A whole number in [min, max], or `fallback` when unset. @throws ConfigError otherwise. */
export function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** An http(s) URL without trailing slashes. @throws ConfigError when invalid (or required and unset). */
export function url(env: Env, name: string, isRequired: true): string;
export function url(env: Env, name: string, isRequired: false): string | undefined;
export function url(env: Env, name: string, isRequired: boolean): string | undefined {
  const raw = isRequired ? required(env, name) : optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/** A comma list of absolute paths. */
export function pathList(env: Env, name: string): string[] {
  const paths = (optional(env, name) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const path of paths) if (!path.startsWith('/')) throw new ConfigError(name, `"${path}" is not an absolute path`);
  return paths;
}
