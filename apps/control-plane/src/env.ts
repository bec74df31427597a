/**
 * The Worker's environment, by name: every binding (wrangler.jsonc) and every var or secret it
 * reads. Types only — settings are read and checked in config.ts, Durable Object stubs are made
 * in bindings.ts. The Durable Object namespaces are typed by each object's RPC interface (defined
 * in its domain), never by its class, so that nothing here depends on code.
 */
import type { CONTROL_PLANE_CONFIG_DEFAULTS } from '@flotilla/contracts';
import type { ProjectDataRpc } from './chat/project-data-rpc.js';
import type { NodeLifecycleRpc } from './nodes/lifecycle/node-lifecycle-rpc.js';
import type { TaskRunnerRpc } from './tasks/runner/task-runner-rpc.js';
import type { TriggerRunnerRpc } from './triggers/trigger-runner-rpc.js';
import type { WorkspaceRunnerRpc } from './workspaces/runner/workspace-runner-rpc.js';
import type { NotifierRpc } from './notifications/notifier-rpc.js';

/**
 * Timeouts and limits, one optional var each, named as in contracts CONTROL_PLANE_CONFIG_DEFAULTS
 * (STEP_NODE_SELECTION_TIMEOUT_MS, OUTBOUND_REQUEST_TIMEOUT_MS, NODE_WARM_TIMEOUT_MS, …): a
 * number of milliseconds (or a count, NODE_MAX_WORKSPACES) as a string.
 */
export type LimitVars = { [K in keyof typeof CONTROL_PLANE_CONFIG_DEFAULTS]?: string };

export interface Env extends LimitVars {
  /** D1: projects, tasks, nodes, workspaces, agent sessions, credentials, signing keys. */
  DB: D1Database;
  /** The web app and the node daemon artifact (static assets); absent in the workerd tests. */
  ASSETS?: Fetcher;
  /** ProjectData, one per project (chat/). */
  PROJECT_DATA: DurableObjectNamespace<ProjectDataRpc>;
  /** TaskRunner, one per task (tasks/runner/). */
  TASK_RUNNER: DurableObjectNamespace<TaskRunnerRpc>;
  /** WorkspaceRunner, one per workspace created by hand (workspaces/runner/). */
  WORKSPACE_RUNNER: DurableObjectNamespace<WorkspaceRunnerRpc>;
  /** NodeLifecycle, one per node (nodes/lifecycle/). */
  NODE_LIFECYCLE: DurableObjectNamespace<NodeLifecycleRpc>;
  /** Notifier, one per project (notifications/). */
  NOTIFIER: DurableObjectNamespace<NotifierRpc>;

  /**
   * `local` (one implicit user on loopback; `flotilla up` sets it) or anything else — the
   * default, wrangler.jsonc's `deployed` — a deployment, which serves no API until its auth is
   * configured (auth/deployment.ts).
   */
  DEPLOYMENT_MODE?: string;
  /** This deployment's id, labelling its cloud servers (nodes/deployment.ts); default: made once and kept in D1. */
  DEPLOYMENT_ID?: string;
  /** The port a local control plane listens on (`flotilla up` sets it): its own Host names (auth/browser-requests.ts). */
  LISTEN_PORT?: string;
  /** URL node daemons use to reach this control plane, e.g. `http://127.0.0.1:8787`. */
  BASE_URL?: string;
  /** `<base>=<prefix>,…`: git's url.<base>.insteadOf for the repository check of projects (projects/url-rewrites.ts). */
  REPOSITORY_CHECK_INSTEAD_OF?: string;
  /** URL of the CLI-hosted local cloud (local provider). */
  LOCAL_CLOUD_URL?: string;
  /** Secret: what the local cloud requires of its callers (`flotilla up` makes it once and passes it in its secrets file). */
  LOCAL_CLOUD_SECRET?: string;
  /** Secret: when set, the public API requires it (auth/api-token.ts). */
  FLOTILLA_API_TOKEN?: string;
  /** Secret: 32 random bytes, base64, that encrypt stored credentials (AES-256-GCM). */
  CREDENTIALS_ENCRYPTION_KEY?: string;
  /** Secret: Cloudflare API token ("Zone · DNS · Edit") for node DNS names. */
  CLOUDFLARE_API_TOKEN?: string;
  /** Hetzner: API base URL, `size=type,…` server types, image, location (nodes/providers.ts). */
  HETZNER_API_URL?: string;
  HETZNER_SERVER_TYPES?: string;
  /** Costs: the price table over the default (JSON contracts `PriceTable`; costs/price-table.ts). */
  PRICE_TABLE?: string;
  HETZNER_IMAGE?: string;
  HETZNER_LOCATION?: string;
  /** How a VM's daemon listens and announces itself (nodes/user-data.ts). */
  NODE_DAEMON_PORT?: string;
  NODE_PUBLIC_URL_TEMPLATE?: string;
  NODE_ORIGIN_TLS?: string;
  /** Node DNS names in a Cloudflare zone (nodes/dns.ts). */
  NODE_DNS_ZONE_ID?: string;
  NODE_DNS_DOMAIN?: string;
  NODE_DNS_PROXIED?: string;
  CLOUDFLARE_API_URL?: string;
  /** GitHub's REST API, where GitHub issue triggers comment a task's result (triggers/). */
  GITHUB_API_URL?: string;
  /** Sign-in with GitHub and OpenID Connect (auth/sign-in-config.ts); the two client secrets are secrets. */
  AUTH_GITHUB_CLIENT_ID?: string;
  AUTH_GITHUB_CLIENT_SECRET?: string;
  AUTH_GITHUB_URL?: string;
  AUTH_OIDC_ISSUER?: string;
  AUTH_OIDC_CLIENT_ID?: string;
  AUTH_OIDC_CLIENT_SECRET?: string;
  AUTH_OIDC_NAME?: string;
  AUTH_ALLOWED_EMAIL_DOMAINS?: string;
  AUTH_ALLOWED_GITHUB_ORGS?: string;
  AUTH_REQUIRE_APPROVAL?: string;
  /** TriggerRunner, one (named `triggers`): the alarm of the next schedule slot, and the comments back on GitHub issues (triggers/). */
  TRIGGER_RUNNER: DurableObjectNamespace<TriggerRunnerRpc>;
}
