/**
 * The node user-data: valid for Debian's `cloud-init schema` (apt package `cloud-init`), under
 * Hetzner's 32 KiB limit, with the daemon's settings, a 0600 token file, a restarting systemd
 * unit, and no credential other than the node's own callback token. The VM installs bubblewrap
 * and socat, checks Node.js's tarball against its pinned SHA-256 before unpacking it (the script
 * really run here with `sh`, against a stand-in tarball, staged under DESTDIR), and installs the
 * daemon's packages with `npm ci` from the artifact's checked lockfile. With `originTls`, a
 * script (also really run) makes a self-signed certificate for the node and the daemon is told
 * to serve HTTPS with it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { nodeInstallScript } from './install-scripts.js';
import { NODE_DIST_URL, NODE_RELEASE } from './node-release.js';
import { buildNodeUserData, USER_DATA_MAX_BYTES, type NodeUserDataInput } from './user-data.js';

const input: NodeUserDataInput = {
  nodeId: 'nod_01JTEST',
  controlPlaneUrl: 'https://flotilla.example.com',
  callbackToken: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJub2RfMDFKVEVTVCJ9.c2lnbmF0dXJl',
  daemon: {
    url: 'https://flotilla.example.com/api/node-daemon/bundle/0.1.0',
    version: '0.1.0',
    sha256: 'a'.repeat(64),
    lockfile: { url: 'https://flotilla.example.com/api/node-daemon/lockfile/0.1.0', sha256: 'c'.repeat(64) },
    dependencies: { 'better-sqlite3': '12.4.1', '@agentclientprotocol/claude-agent-acp': '0.101.0' },
  },
  projectId: 'prj_01JPROJECT',
  chatSessionId: 'ses_01JSESSION',
};

/** Run `cloud-init schema --config-file` on `userData`; answers its exit code and output. */
function cloudInitSchema(userData: string): { status: number | null; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'flotilla-user-data-')), 'user-data.yaml');
  writeFileSync(file, userData);
  const result = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
  if (result.error) throw new Error(`cloud-init is not installed (apt-get install -y cloud-init): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('node user-data', () => {
  it('passes `cloud-init schema` and stays under 32 KiB', () => {
    expect(execFileSync('cloud-init', ['--version'], { encoding: 'utf8' })).toMatch(/\d+\.\d+/);
    const userData = buildNodeUserData(input);
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    const { status, output } = cloudInitSchema(userData);
    expect(output).toContain('Valid cloud-config');
    expect(status).toBe(0);
    expect(Buffer.byteLength(userData)).toBeLessThan(USER_DATA_MAX_BYTES);
  });

  it('a broken config is caught by the same check (the check is real)', () => {
    const { status } = cloudInitSchema('#cloud-config\nwrite_files: not-a-list\nruncmd: 42\n');
    expect(status).not.toBe(0);
  });

  it("writes the daemon's settings, a token file only the daemon can read, and a restarting unit", () => {
    const config = parse(buildNodeUserData(input)) as {
      users: unknown[];
      write_files: Array<{ path: string; permissions: string; owner: string; content: string; defer?: boolean }>;
      runcmd: string[][];
    };
    const file = (path: string) => config.write_files.find((f) => f.path === path);
    expect(file('/etc/flotilla/node.env')?.content.split('\n')).toEqual(
      expect.arrayContaining([
        'FLOTILLA_NODE_ID=nod_01JTEST',
        'FLOTILLA_CONTROL_PLANE_URL=https://flotilla.example.com',
        'FLOTILLA_CALLBACK_TOKEN_FILE=/etc/flotilla/callback-token',
        'FLOTILLA_PROJECT_ID=prj_01JPROJECT',
        'FLOTILLA_CHAT_SESSION_ID=ses_01JSESSION',
        'FLOTILLA_DAEMON_VERSION=0.1.0',
        'FLOTILLA_HOST=0.0.0.0',
        'FLOTILLA_PORT=8080',
        'FLOTILLA_PUBLIC_URL=http://{ipv4}:{port}',
      ]),
    );
    expect(file('/etc/flotilla/node.env')?.content).not.toContain(input.callbackToken);
    expect(file('/etc/flotilla/callback-token')).toMatchObject({ permissions: '0600', owner: 'flotilla:flotilla', content: `${input.callbackToken}\n`, defer: true });
    const unit = file('/etc/systemd/system/flotilla-node-daemon.service')?.content ?? '';
    expect(unit).toContain('Restart=always');
    expect(unit).toContain('User=flotilla');
    expect(unit).toContain('ExecStart=/usr/local/bin/node /opt/flotilla/node-daemon.mjs');
    expect(unit).toContain('StateDirectory=flotilla');
    expect(JSON.parse(file('/opt/flotilla/package.json')?.content ?? '')).toEqual({ name: 'flotilla-node', version: '0.1.0', private: true, type: 'module', dependencies: input.daemon.dependencies });
    const script = config.runcmd.map((c) => c.join(' ')).join('\n');
    expect(script).toContain(input.daemon.url);
    expect(script).toContain(`${'a'.repeat(64)}  node-daemon.mjs.download' | sha256sum -c -`);
    expect(script).toContain(input.daemon.lockfile.url);
    expect(script).toContain(`${'c'.repeat(64)}  package-lock.json.download' | sha256sum -c -`);
    expect(script).toContain('npm ci --omit=dev');
    expect(script).not.toContain('npm install');
    expect(config.runcmd.at(-1)).toEqual(['systemctl', 'enable', '--now', 'flotilla-node-daemon.service']);
  });

  it('installs bubblewrap and socat, and Node.js only once its tarball matches the SHA-256 pinned for the architecture', () => {
    const config = parse(buildNodeUserData(input)) as { packages: string[]; runcmd: string[][] };
    expect(config.packages).toEqual(expect.arrayContaining(['bubblewrap', 'socat', 'git', 'xz-utils']));
    const step = config.runcmd.find((c) => c.join(' ').includes('nodejs.org/dist/'))?.[2] ?? '';
    expect(step).toContain(`${NODE_DIST_URL}/v${NODE_RELEASE.version}/$file`);
    expect(step).toContain(`amd64) arch=x64; sum=${NODE_RELEASE.sha256.x64};;`);
    expect(step).toContain(`arm64) arch=arm64; sum=${NODE_RELEASE.sha256.arm64};;`);
    expect(step.indexOf('sha256sum -c')).toBeLessThan(step.indexOf('tar -xJf'));
    expect(() => buildNodeUserData({ ...input, nodeRelease: { version: '20', sha256: NODE_RELEASE.sha256 } })).toThrow(/version must look like/);
    expect(() => buildNodeUserData({ ...input, nodeRelease: { ...NODE_RELEASE, sha256: { ...NODE_RELEASE.sha256, x64: 'x' } } })).toThrow(/SHA-256 of Node.js/);
  });

  it("the Node.js step, really run: a tarball with the pinned SHA-256 is unpacked; one without stops the boot, unpacked nowhere", () => {
    // A stand-in release tarball served from a directory (curl file://) in place of nodejs.org.
    const dist = mkdtempSync(join(tmpdir(), 'flotilla-node-dist-'));
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim() === 'arm64' ? 'arm64' : 'x64';
    const name = `node-v${NODE_RELEASE.version}-linux-${arch}`;
    mkdirSync(join(dist, 'src', name, 'bin'), { recursive: true });
    writeFileSync(join(dist, 'src', name, 'bin', 'node'), '#!/bin/sh\necho stand-in node\n', { mode: 0o755 });
    mkdirSync(join(dist, `v${NODE_RELEASE.version}`));
    const tarball = join(dist, `v${NODE_RELEASE.version}`, `${name}.tar.xz`);
    execFileSync('tar', ['-cJf', tarball, '-C', join(dist, 'src'), name]);
    const sum = createHash('sha256').update(readFileSync(tarball)).digest('hex');
    const run = (pinned: string) => {
      const root = mkdtempSync(join(tmpdir(), 'flotilla-node-install-'));
      const script = nodeInstallScript({ version: NODE_RELEASE.version, sha256: { x64: pinned, arm64: pinned } }).replace(NODE_DIST_URL, `file://${dist}`);
      return { root, result: spawnSync('sh', ['-c', script], { env: { PATH: process.env.PATH, DESTDIR: root }, encoding: 'utf8' }) };
    };

    const good = run(sum);
    expect(good.result.status, good.result.stderr).toBe(0);
    expect(good.result.stdout).toContain(`${name}.tar.xz: OK`);
    expect(execFileSync(join(good.root, 'usr/local/bin/node'), { encoding: 'utf8' })).toBe('stand-in node\n');

    const tampered = run('0'.repeat(64));
    expect(tampered.result.status).not.toBe(0);
    expect(tampered.result.stdout).toContain(`${name}.tar.xz: FAILED`);
    expect(existsSync(join(tampered.root, 'usr/local/bin/node'))).toBe(false);
  });

  it('omits project and chat-session ids when not given, and carries no other secret', () => {
    const userData = buildNodeUserData({ ...input, projectId: null, chatSessionId: undefined });
    expect(userData).not.toContain('FLOTILLA_PROJECT_ID');
    expect(userData).not.toContain('FLOTILLA_CHAT_SESSION_ID');
    for (const name of ['ANTHROPIC', 'CLAUDE_CODE_OAUTH', 'HETZNER', 'API_KEY', 'hcloud']) expect(userData).not.toContain(name);
  });

  it('refuses values that would break the config, and user-data over the limit', () => {
    expect(() => buildNodeUserData({ ...input, nodeId: 'nod\nEVIL=1' })).toThrow(/newline/);
    expect(() => buildNodeUserData({ ...input, callbackToken: 'x'.repeat(40_000) })).toThrow(/limit is 32768/);
    expect(() => buildNodeUserData({ ...input, daemon: { ...input.daemon, sha256: 'nope' } })).toThrow(/64 hex/);
    expect(() => buildNodeUserData({ ...input, daemon: { ...input.daemon, lockfile: { ...input.daemon.lockfile, sha256: 'nope' } } })).toThrow(/lockfile sha256 must be 64 hex/);
    expect(() => buildNodeUserData({ ...input, daemon: { ...input.daemon, dependencies: { 'node-pty': '^1.1.0' } } })).toThrow(/exact version/);
    expect(() => buildNodeUserData({ ...input, daemonPort: 70_000 })).toThrow(/daemonPort/);
  });

  it('with originTls: a self-signed certificate for the node made before the daemon starts, and HTTPS settings', () => {
    const userData = buildNodeUserData({ ...input, originTls: true });
    const { status, output } = cloudInitSchema(userData);
    expect(output).toContain('Valid cloud-config');
    expect(status).toBe(0);
    expect(Buffer.byteLength(userData)).toBeLessThan(USER_DATA_MAX_BYTES);
    const config = parse(userData) as { packages: string[]; write_files: Array<{ path: string; content: string }>; runcmd: string[][] };
    expect(config.packages).toContain('openssl');
    expect(config.write_files.find((f) => f.path === '/etc/flotilla/node.env')?.content.split('\n')).toEqual(
      expect.arrayContaining([
        'FLOTILLA_TLS_CERT_FILE=/etc/flotilla/tls/cert.pem',
        'FLOTILLA_TLS_KEY_FILE=/etc/flotilla/tls/key.pem',
        'FLOTILLA_PUBLIC_URL=https://{ipv4}:{port}',
      ]),
    );
    const certStep = config.runcmd.findIndex((c) => c.join(' ').includes('openssl req'));
    expect(certStep).toBeGreaterThan(config.runcmd.findIndex((c) => c.join(' ').includes('npm ci')));
    expect(certStep).toBeLessThan(config.runcmd.findIndex((c) => c[0] === 'systemctl'));
    const script = config.runcmd[certStep] ?? [];
    expect(script.slice(0, 2)).toEqual(['sh', '-c']);
    expect(script[2]).toContain('chown flotilla:flotilla key.pem cert.pem');

    // The step itself, staged under DESTDIR as the fake VM runs it (no chown there).
    const root = mkdtempSync(join(tmpdir(), 'flotilla-origin-tls-'));
    execFileSync('sh', ['-c', script[2] ?? ''], { env: { PATH: process.env.PATH, DESTDIR: root }, stdio: 'pipe' });
    const cert = join(root, 'etc/flotilla/tls/cert.pem');
    const key = join(root, 'etc/flotilla/tls/key.pem');
    expect(execFileSync('openssl', ['x509', '-in', cert, '-noout', '-subject'], { encoding: 'utf8' })).toMatch(/^subject=CN ?= ?nod_01jtest$/m);
    const dates = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-enddate'], { encoding: 'utf8' });
    expect(Date.parse(dates.replace(/^notAfter=/, '').trim()) - Date.now()).toBeGreaterThan(9.9 * 365 * 24 * 3600 * 1000);
    expect(execFileSync('openssl', ['pkey', '-in', key, '-noout', '-text'], { encoding: 'utf8' })).toContain('prime256v1');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(cert).mode & 0o777).toBe(0o644);
    // The key belongs to the certificate.
    const publicKeyOf = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
    expect(publicKeyOf(['x509', '-in', cert, '-noout', '-pubkey'])).toBe(publicKeyOf(['pkey', '-in', key, '-pubout']));
    // A boot that runs again keeps the certificate it finds.
    const before = readFileSync(cert, 'utf8');
    execFileSync('sh', ['-c', script[2] ?? ''], { env: { PATH: process.env.PATH, DESTDIR: root }, stdio: 'pipe' });
    expect(readFileSync(cert, 'utf8')).toBe(before);
  });

  it('without originTls: plain HTTP, no certificate step; a given publicUrl wins over the https default', () => {
    const plain = buildNodeUserData(input);
    expect(plain).not.toContain('FLOTILLA_TLS_');
    expect(plain).not.toContain('openssl');
    const custom = buildNodeUserData({ ...input, originTls: true, publicUrl: 'https://nod-01jtest.nodes.example.com' });
    expect(custom).toContain('FLOTILLA_PUBLIC_URL=https://nod-01jtest.nodes.example.com\n');
    expect(() => buildNodeUserData({ ...input, originTls: true, nodeId: 'nod/CN=evil' })).toThrow(/origin certificate/);
  });
});
