/**
 * haproxy.cfg from the load-balancer model. Every line is computed here; the template
 * (templates/haproxy/haproxy.cfg.hbs, overridable per inventory) only lays the sections out.
 */
import { registerSecretLine } from '../secret-diff.ts';
import type { Backend, Frontend, HealthCheck, LbModel, Member } from './model.ts';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from '../render/index.ts';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface HaproxyGlobals {
  readonly logTarget: string;
  readonly statsSocket: string;
  /** '' for no chroot. */
  readonly chroot: string;
  readonly user: string;
  readonly group: string;
}

export interface HaproxyView {
  readonly header: string;
  readonly source: string;
  readonly global: readonly string[];
  readonly defaults: readonly string[];
  readonly sections: readonly { readonly header: string; readonly lines: readonly string[] }[];
}

const PLAIN = /^[A-Za-z0-9._/:@+=*-]+$/;

// `stats auth user:password` carries lb_stats_password: a diff masks the line on both sides.
registerSecretLine(/^\s*stats auth\s/);

/** A config word: as is when plain, else single-quoted (HAProxy quotes like a shell: no expansion inside '...'). */
export function hapWord(value: string | number): string {
  const s = String(value);
  return PLAIN.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function globalLines(model: LbModel, g: HaproxyGlobals): string[] {
  return [
    `log ${g.logTarget}`,
    ...(g.chroot ? [`chroot ${hapWord(g.chroot)}`] : []),
    `stats socket ${hapWord(g.statsSocket)} mode 660 level admin`,
    'stats timeout 30s',
    `user ${hapWord(g.user)}`,
    `group ${hapWord(g.group)}`,
    'daemon',
    ...(model.maxconn ? [`maxconn ${model.maxconn}`] : []),
    'ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets',
  ];
}

function defaultLines(model: LbModel): string[] {
  const t = model.timeouts;
  return [
    'log global',
    'option dontlognull',
    `timeout connect ${t.connect}`,
    `timeout client ${t.client}`,
    `timeout server ${t.server}`,
    'timeout http-request 10s',
    `timeout check ${t.connect}`,
    `default-server inter ${model.check.interval} fall ${model.check.fall} rise ${model.check.rise}`,
  ];
}

function bindLine(f: Frontend, port: number, certificate: string | undefined): string {
  return `bind ${f.address}:${port}${certificate ? ` ssl crt ${hapWord(certificate)}` : ''}`;
}

function frontendLines(f: Frontend): string[] {
  const tls = f.binds.some((b) => b.certificate);
  const lines = [`mode ${f.mode}`, ...f.binds.map((b) => bindLine(f, b.port, b.certificate))];
  if (f.mode === 'tcp') return [...lines, 'option tcplog', `default_backend ${f.backend}`];
  lines.push('option httplog', 'option forwardfor');
  if (tls) {
    lines.push('http-request set-header X-Forwarded-Proto https if { ssl_fc }', 'http-request set-header X-Forwarded-Proto http if !{ ssl_fc }');
  } else {
    lines.push('http-request set-header X-Forwarded-Proto http');
  }
  if (f.redirectToHttps) lines.push(`http-request redirect scheme https code 301${tls ? ' if !{ ssl_fc }' : ''}`);
  return [...lines, `default_backend ${f.backend}`];
}

function checkLines(health: HealthCheck): string[] {
  if (health.type === 'tcp') return [];
  return [`option httpchk GET ${hapWord(health.path)}`, `http-check expect status ${health.expectStatus}`];
}

function serverLine(b: Backend, m: Member): string {
  const checkPort = b.health.type === 'http' && b.health.port !== m.port ? ` port ${b.health.port}` : '';
  return `server ${m.name} ${m.address}:${m.port} check${checkPort}${b.proxyProtocol ? ' send-proxy-v2' : ''}`;
}

function backendLines(b: Backend): string[] {
  return [`mode ${b.mode}`, `balance ${b.balance}`, ...checkLines(b.health), ...b.members.map((m) => serverLine(b, m))];
}

function statsLines(stats: NonNullable<LbModel['stats']>): string[] {
  return [
    'mode http',
    `bind ${stats.address}:${stats.port}`,
    'stats enable',
    'stats uri /stats',
    'stats refresh 10s',
    'stats show-legends',
    `stats auth ${hapWord(`${stats.user}:${stats.password}`)}`,
  ];
}

/** The template's data: every directive as a line. */
export function haproxyView(model: LbModel, globals: HaproxyGlobals, source: string): HaproxyView {
  const sections = [
    ...model.frontends.map((f) => ({ header: `frontend ${f.name}`, lines: frontendLines(f) })),
    ...model.backends.map((b) => ({ header: `backend ${b.name}`, lines: backendLines(b) })),
    ...(model.stats ? [{ header: 'listen stats', lines: statsLines(model.stats) }] : []),
  ];
  const header = `${model.name}: ${model.frontends.length} frontends, ${model.backends.length} backends`;
  return { header, source, global: globalLines(model, globals), defaults: defaultLines(model), sections };
}

/** Render haproxy.cfg; `inventoryDir` lets `inventory/<name>/templates/haproxy/haproxy.cfg.hbs` override the template. */
export function renderHaproxy(model: LbModel, globals: HaproxyGlobals, options: { source: string; inventoryDir?: string }): string {
  return renderTemplate('haproxy', 'haproxy.cfg.hbs', haproxyView(model, globals, options.source),
    { projectDir: PROJECT_DIR, ...(options.inventoryDir ? { inventoryDir: options.inventoryDir } : {}) });
}
