/**
 * k3s STAND-IN: the shell scripts it installs on a lab host, as text. The install script follows
 * the real installer's interface (INSTALL_K3S_VERSION, INSTALL_K3S_SKIP_DOWNLOAD,
 * INSTALL_K3S_SKIP_START, INSTALL_K3S_SYSTEMD_DIR, `sh -s - server|agent ARGS...`), but installs
 * the stand-in: a `k3s` wrapper, a `systemctl` stand-in, k3s-killall.sh and the uninstall script.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { posixQuote as q } from '../../shell.ts';
import { STANDIN_STATE_DIR } from './paths.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface ScriptEnv {
  /** The stand-in's HTTP server (URL mode downloads the k3s wrapper from it). */
  baseUrl: string;
  /** K3S_STANDIN_CONF: the JSON conf the programs read. */
  confPath: string;
}

/** The `k3s` "binary" of a version: a wrapper around lib/lab/k3s-standin/k3s.ts. */
export function k3sWrapper(version: string, env: ScriptEnv): string {
  if (!/^v[0-9A-Za-z.+-]+$/.test(version)) throw new Error(`k3s stand-in: odd version ${version}`);
  return `#!/bin/sh
# k3s STAND-IN for capstan tests: NOT k3s. Version ${version}.
# --version is answered here, in a millisecond as k3s's own binary does, not by a Node start
# (what k3s.ts would print for it).
case "\${1:-}" in --version|-v|version) [ $# -eq 1 ] && { printf 'k3s version %s (k3s-standin)\\ngo version go1.23 (capstan k3s stand-in, not k3s)\\n' ${q(version)}; exit 0; } ;; esac
K3S_STANDIN_VERSION=${q(version)} K3S_STANDIN_CONF=${q(env.confPath)} exec ${q(process.execPath)} ${q(join(here, 'k3s.ts'))} "$@"
`;
}

/**
 * \`systemctl is-active <unit>\` is answered here as systemctl.ts would (the unit's recorded PID
 * alive and not a zombie, and its ready file), logged the same way, in a millisecond as systemd's
 * is; everything else starts systemctl.ts.
 */
function systemctlWrapper(env: ScriptEnv): string {
  const state = STANDIN_STATE_DIR;
  return `#!/bin/sh
# systemctl STAND-IN (capstan k3s stand-in): lab hosts have no systemd.
if [ $# -eq 2 ] && [ "$1" = is-active ]; then
  unit=\${2%.service}
  case "$unit" in k3s|k3s-agent) ;; *) unit='' ;; esac
  if [ -n "$unit" ]; then
    mkdir -p ${state}
    printf '{"verb":"is-active","unit":"%s","time":"%s"}\\n' "$unit" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >> ${state}/systemctl.log
    pid=$(cat ${state}/"$unit".pid 2>/dev/null) || pid=''
    stat=''
    [ -n "$pid" ] && stat=$(cat /proc/"$pid"/stat 2>/dev/null) && stat=\${stat##*) }
    case "$stat" in ''|Z*) ;; *) [ -e ${state}/"$unit".ready ] && { echo active; exit 0; } ;; esac
    echo inactive
    exit 3
  fi
fi
K3S_STANDIN_CONF=${q(env.confPath)} exec ${q(process.execPath)} ${q(join(here, 'systemctl.ts'))} "$@"
`;
}

const killall = `#!/bin/sh
# k3s-killall.sh of the k3s STAND-IN (k3s's script name): stops the stand-in's own units through its
# systemctl, which ends only the PIDs it recorded when it started them.
for unit in k3s k3s-agent; do
  [ -f ${STANDIN_STATE_DIR}/$unit.args ] && /usr/local/bin/systemctl stop "$unit"
done
exit 0
`;

/** Removes only what the stand-in wrote, all inside the lab host's private dirs. */
function uninstall(unit: string): string {
  return `#!/bin/sh
# uninstall script of the k3s STAND-IN (unit ${unit}).
set -e
SYSTEMD_DIR=$(dirname "$(cat ${STANDIN_STATE_DIR}/${unit}.envfile)")
/usr/local/bin/k3s standin-forget || echo "k3s stand-in: could not remove the node from the cluster" >&2
/usr/local/bin/k3s-killall.sh
/usr/local/bin/systemctl disable ${unit}
rm -f "$SYSTEMD_DIR/${unit}.service" "$SYSTEMD_DIR/${unit}.service.env"
rm -rf /etc/rancher/k3s /var/lib/rancher/k3s ${STANDIN_STATE_DIR}
rm -f /usr/local/bin/k3s /usr/local/bin/kubectl /usr/local/bin/k3s-killall.sh /usr/local/bin/systemctl
rm -f "$0"
`;
}

export function installScript(env: ScriptEnv): string {
  return `#!/bin/sh
# k3s STAND-IN install script for capstan tests: NOT the k3s installer. It installs the k3s
# stand-in (lib/lab/k3s-standin) with the real installer's interface.
set -eu
BASE=${q(env.baseUrl)}
VERSION="\${INSTALL_K3S_VERSION:?the stand-in needs INSTALL_K3S_VERSION}"
SYSTEMD_DIR="\${INSTALL_K3S_SYSTEMD_DIR:-/etc/systemd/system}"
BIN=/usr/local/bin
STATE=${STANDIN_STATE_DIR}
CMD=server
if [ -n "\${K3S_URL:-}" ]; then CMD=agent; fi
case "\${1:-}" in server|agent) CMD=$1; shift ;; esac
UNIT=k3s
[ "$CMD" = agent ] && UNIT=k3s-agent
mkdir -p "$STATE" "$SYSTEMD_DIR" /etc/rancher/k3s
if [ "\${INSTALL_K3S_SKIP_DOWNLOAD:-}" = true ]; then
  [ -x "$BIN/k3s" ] || { echo "[ERROR] INSTALL_K3S_SKIP_DOWNLOAD: $BIN/k3s is missing" >&2; exit 1; }
else
  echo "[INFO]  Downloading k3s stand-in $VERSION"
  curl -fsSL -o "$BIN/k3s.download" "$BASE/releases/$VERSION/k3s"
  chmod 755 "$BIN/k3s.download"
  mv -f "$BIN/k3s.download" "$BIN/k3s"
fi
ln -sf k3s "$BIN/kubectl"
: > "$STATE/$UNIT.args"
for a in "$CMD" "$@"; do printf '%s\\0' "$a" >> "$STATE/$UNIT.args"; done
printf '%s\\n' "$SYSTEMD_DIR/$UNIT.service.env" > "$STATE/$UNIT.envfile"
cat > "$SYSTEMD_DIR/$UNIT.service" <<UNIT
[Unit]
Description=k3s STAND-IN (capstan tests)
[Service]
Type=notify
EnvironmentFile=-$SYSTEMD_DIR/$UNIT.service.env
ExecStart=$BIN/k3s $CMD (arguments in $STATE/$UNIT.args)
UNIT
(umask 0177; env | grep -E '^(K3S|CONTAINERD)_' > "$SYSTEMD_DIR/$UNIT.service.env" || true)
cat > "$BIN/systemctl" <<'WRAPPER'
${systemctlWrapper(env)}WRAPPER
cat > "$BIN/k3s-killall.sh" <<'KILLALL'
${killall}KILLALL
cat > "$BIN/$UNIT-uninstall.sh" <<'UNINSTALL'
${uninstall('__UNIT__')}UNINSTALL
sed -i "s/__UNIT__/$UNIT/g" "$BIN/$UNIT-uninstall.sh"
chmod 755 "$BIN/systemctl" "$BIN/k3s-killall.sh" "$BIN/$UNIT-uninstall.sh"
echo "[INFO]  k3s stand-in $VERSION installed as $UNIT ($CMD)"
if [ "\${INSTALL_K3S_SKIP_START:-}" != true ]; then "$BIN/systemctl" restart "$UNIT"; fi
`;
}
