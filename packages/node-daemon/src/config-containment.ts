/**
 * How the node daemon contains its agents, read from the environment (see config.ts's table):
 * the sandbox (sandbox/), each workspace's egress proxy (egress-proxy/) and model gateway
 * (model-gateway/).
 */
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EgressHost } from '@flotilla/contracts';
import { ConfigError, integer, optional, pathList, type Env } from './config-values.js';

/** Defaults of the settings below, each defined once. */
export const CONTAINMENT_DEFAULTS = {
  egressConnectTimeoutMs: 30_000,
  /** Anthropic's SDKs wait 10 minutes for a request by default; a streamed answer may take that long. */
  modelGatewayRequestTimeoutMs: 600_000,
  /** Anthropic's Messages API takes requests of up to 32 MB. */
  modelGatewayMaxBodyBytes: 32 * 1024 * 1024,
} as const;

/** How agents (and git on their checkouts) are sandboxed (sandbox/). */
export interface SandboxConfig {
  /** FLOTILLA_UNSAFE_NO_SANDBOX=1: run agents unconfined where no sandbox can be made. */
  allowUnsandboxed: boolean;
  /** FLOTILLA_BWRAP. */
  bwrap: string;
  /** FLOTILLA_SOCAT. */
  socat: string;
  /** FLOTILLA_SANDBOX_HIDE: absolute directories sandboxes see empty (besides the built-in ones). */
  hide: string[];
  /** FLOTILLA_SANDBOX_READ: absolute directories shown again read-only inside hidden ones. */
  read: string[];
  /**
   * FLOTILLA_SANDBOX_WRITE: absolute directories every sandbox may write besides its own — shared
   * by all workspaces of the node, so never a place for anything secret (a test's log directory).
   */
  write: string[];
  /** FLOTILLA_SANDBOX_RUN_DIR: parent of each sandbox's socket directory (kept short: Unix socket paths are limited to 107 bytes). */
  runDir: string;
}

/** What each workspace's egress proxy lets through (egress-proxy/), besides the workspace's own allowlist. */
export interface EgressConfig {
  /** FLOTILLA_EGRESS_ALLOW: hosts (or `*.domain`) every workspace may reach. */
  allow: string[];
  /** FLOTILLA_EGRESS_ALLOW_ADDRESSES: CIDR ranges allowed although loopback, link-local or metadata. */
  allowAddresses: string[];
  /** EGRESS_CONNECT_TIMEOUT_MS. */
  connectTimeoutMs: number;
}

/** Limits of each workspace's model gateway (model-gateway/). */
export interface ModelGatewayConfig {
  /** MODEL_GATEWAY_REQUEST_TIMEOUT_MS: one request, from its arrival to the end of the streamed answer. */
  requestTimeoutMs: number;
  /** MODEL_GATEWAY_MAX_BODY_BYTES: larger request bodies are answered 413. */
  maxBodyBytes: number;
}

/** The FLOTILLA_UNSAFE_NO_SANDBOX, FLOTILLA_BWRAP, FLOTILLA_SOCAT and FLOTILLA_SANDBOX_* settings. */
export function sandboxConfig(env: Env): SandboxConfig {
  const unsafe = optional(env, 'FLOTILLA_UNSAFE_NO_SANDBOX');
  if (unsafe !== undefined && unsafe !== '1' && unsafe !== '0') throw new ConfigError('FLOTILLA_UNSAFE_NO_SANDBOX', `must be 1 or 0, got "${unsafe}"`);
  const runDir = optional(env, 'FLOTILLA_SANDBOX_RUN_DIR') ?? join(tmpdir(), `flotilla-sandboxes-${process.getuid?.() ?? 'user'}`);
  if (!runDir.startsWith('/')) throw new ConfigError('FLOTILLA_SANDBOX_RUN_DIR', `"${runDir}" is not an absolute path`);
  if (runDir.length > 48) throw new ConfigError('FLOTILLA_SANDBOX_RUN_DIR', `"${runDir}" is too long for Unix socket paths below it (at most 48 characters)`);
  return {
    allowUnsandboxed: unsafe === '1',
    bwrap: optional(env, 'FLOTILLA_BWRAP') ?? 'bwrap',
    socat: optional(env, 'FLOTILLA_SOCAT') ?? 'socat',
    hide: pathList(env, 'FLOTILLA_SANDBOX_HIDE'),
    read: pathList(env, 'FLOTILLA_SANDBOX_READ'),
    write: pathList(env, 'FLOTILLA_SANDBOX_WRITE'),
    runDir,
  };
}

/** FLOTILLA_EGRESS_ALLOW entries, each an allowlist host (contracts `EgressHost`). */
function egressHosts(env: Env, name: string): string[] {
  return (optional(env, name) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const parsed = EgressHost.safeParse(entry);
    if (!parsed.success) throw new ConfigError(name, `"${entry}" is not a host name such as registry.npmjs.org or *.example.com`);
    return parsed.data;
  });
}

/** FLOTILLA_EGRESS_ALLOW_ADDRESSES entries: `address/prefix` (or a lone address). */
function cidrList(env: Env, name: string): string[] {
  return (optional(env, name) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    if (family === 0 || rest.length > 0 || (prefix !== undefined && (!/^\d+$/.test(prefix) || Number(prefix) > bits))) {
      throw new ConfigError(name, `"${entry}" is not an address range such as 127.0.0.1/32`);
    }
    return `${address}/${prefix ?? bits}`;
  });
}

/** The FLOTILLA_EGRESS_* and EGRESS_* settings. */
export function egressConfig(env: Env): EgressConfig {
  return {
    allow: egressHosts(env, 'FLOTILLA_EGRESS_ALLOW'),
    allowAddresses: cidrList(env, 'FLOTILLA_EGRESS_ALLOW_ADDRESSES'),
    connectTimeoutMs: integer(env, 'EGRESS_CONNECT_TIMEOUT_MS', CONTAINMENT_DEFAULTS.egressConnectTimeoutMs, 1),
  };
}

/** The MODEL_GATEWAY_* settings. */
export function modelGatewayConfig(env: Env): ModelGatewayConfig {
  return {
    requestTimeoutMs: integer(env, 'MODEL_GATEWAY_REQUEST_TIMEOUT_MS', CONTAINMENT_DEFAULTS.modelGatewayRequestTimeoutMs, 1),
    maxBodyBytes: integer(env, 'MODEL_GATEWAY_MAX_BODY_BYTES', CONTAINMENT_DEFAULTS.modelGatewayMaxBodyBytes, 1024),
  };
}
