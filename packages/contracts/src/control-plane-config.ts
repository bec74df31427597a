/**
 * The control plane's configurable timeouts and limits, with their defaults (milliseconds).
 * Each is a Worker var of the same name; `flotilla up` forwards those set in its environment.
 */
/** Defaults of every configurable timeout and limit of the control plane (milliseconds). */
export const CONTROL_PLANE_CONFIG_DEFAULTS = {
  /** node_selection: picking or registering a node. */
  STEP_NODE_SELECTION_TIMEOUT_MS: 30_000,
  /** node_provisioning: the provider accepting the create call. */
  STEP_NODE_PROVISIONING_TIMEOUT_MS: 120_000,
  /** node_agent_ready: the node daemon calling back `ready` (a VM installs Node.js, build tools and the daemon's packages first). */
  STEP_NODE_AGENT_READY_TIMEOUT_MS: 600_000,
  /** workspace_creation: the daemon accepting the workspace. */
  STEP_WORKSPACE_CREATION_TIMEOUT_MS: 60_000,
  /** workspace_ready: clone + branch done, daemon calling back. */
  STEP_WORKSPACE_READY_TIMEOUT_MS: 600_000,
  /** agent_session: register + start accepted by the daemon. */
  STEP_AGENT_SESSION_TIMEOUT_MS: 60_000,
  /** running: the agent's whole turn, until the task callback. */
  STEP_RUNNING_TIMEOUT_MS: 4 * 60 * 60 * 1000,
  /** First retry delay of a transient step failure; doubles up to the max. */
  STEP_RETRY_INITIAL_MS: 500,
  STEP_RETRY_MAX_MS: 15_000,
  /** How often a waiting step re-checks D1 when no callback woke it. */
  STEP_POLL_INTERVAL_MS: 2_000,
  /** Timeout of one HTTP call from the control plane to a node daemon or provider. */
  OUTBOUND_REQUEST_TIMEOUT_MS: 30_000,
  /**
   * Checking a project's repository and default branch when it is created or its branch changed:
   * the git server's ref advertisement (https) or the local cloud's `git ls-remote` (a path).
   */
  REPOSITORY_CHECK_TIMEOUT_MS: 10_000,
  /** Most bytes of a git server's ref advertisement read by that check (a byte count, not ms; 4 MiB). */
  REPOSITORY_CHECK_MAX_BYTES: 4 * 1024 * 1024,
  /** Lifetime of a viewer token for a workspace's direct agent channel (checked at connect). */
  VIEWER_TOKEN_TTL_MS: 5 * 60 * 1000,
  /** Lifetime of callback tokens handed to node daemons. */
  CALLBACK_TOKEN_TTL_MS: 24 * 60 * 60 * 1000,
  /** How long an idle auto-provisioned node stays warm before it is destroyed (30 min). */
  NODE_WARM_TIMEOUT_MS: 30 * 60 * 1000,
  /** Extra time the cron sweep allows past a warm node's timeout before it destroys it itself. */
  NODE_WARM_SWEEP_GRACE_MS: 5 * 60 * 1000,
  /**
   * A node daemon silent (no heartbeat) for longer than this is lost: the tasks running on it
   * fail with "node lost" (checked by the TaskRunner while it waits on the node).
   */
  NODE_HEARTBEAT_TIMEOUT_MS: 120_000,
  /** Delay between attempts to deliver a follow-up prompt the node daemon did not take. */
  FOLLOW_UP_RETRY_INTERVAL_MS: 2_000,
  /** A follow-up prompt not delivered within this long after it was sent is given up (failed). */
  FOLLOW_UP_DELIVERY_TIMEOUT_MS: 120_000,
  /** Delay before retrying a failed node deletion (NodeLifecycle alarm). */
  NODE_DESTROY_RETRY_MS: 60_000,
  /** Age past which the sweep destroys an auto-provisioned node that runs no task (4 h). */
  MAX_AUTO_NODE_LIFETIME_MS: 4 * 60 * 60 * 1000,
  /**
   * Tasks one active node takes at once (a count, not ms). 1: a node runs one task's workspace
   * at a time, so a warm node is claimed by exactly one task and VMs are sized for one agent.
   */
  NODE_MAX_WORKSPACES: 1,
  /**
   * A server a cloud provider lists as Flotilla's, for a node the control plane does not know or
   * has destroyed, is deleted by the sweep once it is this old (a create in flight is younger).
   */
  ORPHAN_NODE_GRACE_MS: 10 * 60 * 1000,
  /**
   * How long the workspace of a failed or cancelled task (or of one whose push was rejected) is
   * kept for inspection before the node sweep deletes it and releases its node (24 h). Workspaces
   * created by hand do not expire.
   */
  KEPT_WORKSPACE_TTL_MS: 24 * 60 * 60 * 1000,
  /**
   * Warm agents (issue 15, control plane hot-agents/warm-agents.ts): 1 — a node keeps one agent
   * spawned and initialized ahead of the next task (a new local node from its start, a node a run
   * leaves warm from then); 0 — none.
   */
  NODE_WARM_AGENTS: 1,
  // --- Resume (issue 15 item 3) ---
  /**
   * Most characters of the earlier conversation (the user's prompts and the agent's answers,
   * newest kept) handed to the agent with a follow-up that resumes an ended task (about 10k
   * tokens: enough for the gist of a long session, small next to any agent's context window).
   */
  RESUME_CONTEXT_MAX_CHARS: 40_000,
  // --- Resume with session/load (issue 15 item 3: tasks/session-archives/) ---
  /**
   * Largest session archive kept (bytes, gzipped; 1 MiB — a long Claude Code transcript; at most
   * contracts SESSION_ARCHIVE_HARD_MAX_BYTES, D1's value limit): a larger one is refused with 413
   * and the resume hands the agent the conversation as context instead.
   */
  SESSION_ARCHIVE_MAX_BYTES: 1024 * 1024,
  /** How long a session archive is kept after the run that made it (days; the cron deletes older ones). */
  SESSION_ARCHIVE_RETENTION_DAYS: 7,
  // ---- Costs and budgets (issue 16 item 2) ----
  /**
   * How often a task held back by its project's daily budget re-checks it (1 min); a change of
   * the budget wakes it at once. Capped by STEP_NODE_SELECTION_TIMEOUT_MS (the step it waits in).
   */
  BUDGET_RECHECK_INTERVAL_MS: 60_000,

  // Triggers (issue 16 item 4; apps/control-plane/src/triggers).
  /** Largest body of a trigger's webhook call, inbound or GitHub's (bytes; 413 above it). */
  TRIGGER_WEBHOOK_MAX_BODY_BYTES: 1024 * 1024,
  /** Shortest time between two slots of a schedule trigger's cron expression (ms; a closer one is refused with 400). */
  TRIGGER_SCHEDULE_MIN_INTERVAL_MS: 60_000,
  /** How many times the result of a GitHub issue's task is tried to be commented back before giving up (count). */
  TRIGGER_COMMENT_MAX_ATTEMPTS: 5,
  /** Wait before trying again to comment a result on a GitHub issue after GitHub refused or did not answer (ms). */
  TRIGGER_COMMENT_RETRY_MS: 60_000,

  // Notifications (issue 16, item 3: notifications/ in the control plane).
  /** Attempts to deliver one event to one webhook or push subscription (a count, not ms), the first included. */
  NOTIFICATION_MAX_ATTEMPTS: 6,
  /** Delay before the first retry of a delivery; doubles with each further attempt (5 s, 10 s, 20 s, …). */
  NOTIFICATION_RETRY_BASE_MS: 5_000,
  /** Longest delay between two attempts of one delivery (1 h). */
  NOTIFICATION_RETRY_MAX_MS: 60 * 60 * 1000,
  /** Limit of one webhook or push request (ms). */
  NOTIFICATION_REQUEST_TIMEOUT_MS: 10_000,
  /** Attempts kept in each webhook's delivery log (a count, not ms); older ones are deleted. */
  WEBHOOK_DELIVERY_LOG_SIZE: 50,
  /** How long a delivered or given-up notification job is kept (it stops the same event going out twice): 7 days. */
  NOTIFICATION_JOB_RETENTION_MS: 7 * 24 * 60 * 60 * 1000,

  // Personal API tokens (issue 14 item 4: auth/personal-tokens.ts in the control plane).
  /** Days until a new token expires when `POST /api/tokens` does not say (a count of days, not ms). */
  API_TOKEN_DEFAULT_TTL_DAYS: 90,
  /** Longest lifetime a token may be given, other than never (days, not ms). */
  API_TOKEN_MAX_TTL_DAYS: 365,
  /**
   * Shortest lifetime a token may be given (ms; 1 day). Tests lower it to see a token expire in
   * real time; a deployment has no reason to.
   */
  API_TOKEN_MIN_TTL_MS: 24 * 60 * 60 * 1000,
  /** A token's "last used" time is written at most this often (ms), not on every request. */
  API_TOKEN_LAST_USED_INTERVAL_MS: 60_000,
  // Audit log (issue 14, item 5: audit/ in the control plane).
  /** How long audit events are kept, in days (not ms); older ones are deleted by the cron. */
  AUDIT_RETENTION_DAYS: 365,
  // Sign-in with GitHub / OpenID Connect and user sessions (issue 14 item 1; control plane auth/user-sessions.ts).
  /** How long a sign-in session lasts from signing in (days, not ms). */
  AUTH_SESSION_TTL_DAYS: 30,
  /** How long a started sign-in may take at the provider before its state expires (ms; 10 min). */
  AUTH_SIGN_IN_TIMEOUT_MS: 10 * 60 * 1000,
  /** A session's last_seen_at is written at most this often (ms; 1 min). */
  AUTH_SESSION_TOUCH_INTERVAL_MS: 60_000,
  /** Limit of one request to the sign-in provider (discovery, token, user info; ms). */
  AUTH_PROVIDER_TIMEOUT_MS: 10_000,
} as const;


/**
 * Control-plane vars that are not timeouts or limits (strings), which `flotilla up` / `run`
 * also forward from their environment: the Hetzner provider's settings, how a VM's daemon
 * listens and announces itself, this deployment's id (labels of its cloud servers), and the
 * Cloudflare zone nodes get DNS names in (its API token,
 * CLOUDFLARE_API_TOKEN, is a secret: `flotilla up` hands it over in its secrets file). (`BASE_URL`, the URL nodes call back to, comes from
 * `FLOTILLA_BASE_URL`: a generic name like BASE_URL is too often set for something else.)
 */
export const CONTROL_PLANE_STRING_VARS = [
  'HETZNER_API_URL',
  'HETZNER_SERVER_TYPES',
  'HETZNER_IMAGE',
  'HETZNER_LOCATION',
  'NODE_DAEMON_PORT',
  'NODE_PUBLIC_URL_TEMPLATE',
  'NODE_ORIGIN_TLS',
  'NODE_DNS_ZONE_ID',
  'NODE_DNS_DOMAIN',
  'NODE_DNS_PROXIED',
  'CLOUDFLARE_API_URL',
  'DEPLOYMENT_ID',
  'REPOSITORY_CHECK_INSTEAD_OF',
  // Costs and budgets: the price table over the default (JSON; apps/control-plane costs/price-table.ts).
  'PRICE_TABLE',
  // Triggers: where GitHub issue triggers comment a task's result.
  'GITHUB_API_URL',
  // Sign-in (control plane auth/sign-in-config.ts); the client secrets are secrets, not forwarded.
  'AUTH_GITHUB_CLIENT_ID',
  'AUTH_GITHUB_URL',
  'AUTH_OIDC_ISSUER',
  'AUTH_OIDC_CLIENT_ID',
  'AUTH_OIDC_NAME',
  'AUTH_ALLOWED_EMAIL_DOMAINS',
  'AUTH_ALLOWED_GITHUB_ORGS',
  'AUTH_REQUIRE_APPROVAL',
] as const;
