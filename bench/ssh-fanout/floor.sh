# floor.sh NAME IP — the fan-out benchmark's floor: the same 10 steps as the capstan role and
# ansible/site.yml, as one POSIX sh script, sent over one plain ssh connection per host
# (run.ts: `ssh HOST sh -s -- NAME IP < floor.sh`). No orchestration at all: what the work
# itself costs over SSH. Prints "changed=K".
set -eu
name=$1 ip=$2 changed=0
# put PATH MODE, content on stdin: replace only when the bytes differ, then the mode
put() {
  tmp=$(mktemp "$1.XXXXXX"); cat > "$tmp"
  if [ -f "$1" ] && cmp -s "$tmp" "$1"; then
    rm -f "$tmp"
    if [ "$(stat -c %a "$1")" != "$2" ]; then chmod "$2" "$1"; changed=$((changed + 1)); fi
  else
    chmod "$2" "$tmp"; mv -f "$tmp" "$1"; changed=$((changed + 1))
  fi
}
dir() { # dir PATH MODE
  if [ -d "$1" ] && [ "$(stat -c %a "$1")" = "$2" ]; then return 0; fi
  mkdir -p "$1"; chmod "$2" "$1"; changed=$((changed + 1))
}
kernel=$(uname -r)                                                    # 1
if [ -e /etc/os-release ]; then osrel=True; else osrel=False; fi      # 2
ipfwd=$(sysctl -n net.ipv4.ip_forward)                                # 3
dir /etc/rancher/k3s 755                                              # 4
dir /var/lib/rancher/k3s/server/manifests 700                         # 5
put /etc/rancher/k3s/config.yaml 600 <<CFG                            # 6
write-kubeconfig-mode: "0644"
node-name: $name
node-ip: $ip
disable:
  - traefik
CFG
env=/etc/rancher/k3s/k3s.env                                          # 7
if [ ! -f "$env" ]; then
  printf 'K3S_NODE_NAME=%s\n' "$name" > "$env"; chmod 644 "$env"; changed=$((changed + 1))
elif ! grep -qx "K3S_NODE_NAME=$name" "$env"; then
  if grep -q '^K3S_NODE_NAME=' "$env"; then sed -i "s/^K3S_NODE_NAME=.*/K3S_NODE_NAME=$name/" "$env"
  else printf 'K3S_NODE_NAME=%s\n' "$name" >> "$env"; fi
  changed=$((changed + 1))
fi
put /etc/rancher/k3s/node-info.txt 644 <<TPL                          # 8
# kept by the capstan fan-out bench
host=$name
ip=$ip
kernel=$kernel
os_release_present=$osrel
ip_forward=$ipfwd
TPL
if [ -x /usr/local/bin/k3s ]; then /usr/local/bin/k3s --version > /dev/null; fi   # 9
put /usr/local/bin/k3s-bench-check.sh 755 <<SCR                       # 10
#!/bin/sh
# written by the capstan fan-out bench for $name
test -f /etc/rancher/k3s/config.yaml && echo ok
SCR
echo "changed=$changed"
