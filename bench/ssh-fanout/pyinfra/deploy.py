"""The fan-out benchmark as a pyinfra 3 deploy: the same 10 steps as ../ansible/site.yml, the
capstan role (../roles/fanout) and ../floor.sh, writing byte-identical files, so every mode can
follow any other on the same hosts. Steps 1-3 are facts (pyinfra reads them before it runs any
operation; the template needs their values), 4-10 operations.
Run by ../modes.ts: pyinfra -y --parallel 50 inventory.py deploy.py
"""
import os
from io import StringIO

from pyinfra import host
from pyinfra.facts.server import Command
from pyinfra.operations import files, server

name = host.name
ip = host.data.ssh_hostname

kernel = host.get_fact(Command, "uname -r")  # 1 kernel release
# /etc/os-release is a symlink on Debian, for which the File fact says False: test -e, as capstan does
osrel = host.get_fact(Command, "if test -e /etc/os-release; then echo True; else echo False; fi")  # 2 stat os-release
ip_forward = host.get_fact(Command, "sysctl -n net.ipv4.ip_forward")  # 3 sysctl check

files.directory(name="4 config dir", path="/etc/rancher/k3s", mode="755")
files.directory(name="5 manifests dir", path="/var/lib/rancher/k3s/server/manifests", mode="700")
files.put(
    name="6 config.yaml",
    src=StringIO(f'write-kubeconfig-mode: "0644"\nnode-name: {name}\nnode-ip: {ip}\ndisable:\n  - traefik\n'),
    dest="/etc/rancher/k3s/config.yaml",
    mode="600",
)
files.line(name="7 env line", path="/etc/rancher/k3s/k3s.env", line="^K3S_NODE_NAME=.*$", replace=f"K3S_NODE_NAME={name}")
files.template(
    name="8 node-info template",
    src=os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "node-info.j2"),
    dest="/etc/rancher/k3s/node-info.txt",
    mode="644",
    inventory_hostname=name,
    ansible_host=ip,
    kernel=kernel,
    os_release_present=osrel,
    ip_forward=ip_forward,
)
server.shell(name="9 k3s binary present?", commands=["if [ -x /usr/local/bin/k3s ]; then /usr/local/bin/k3s --version; else echo absent; fi"])
files.put(
    name="10 helper script",
    src=StringIO(f"#!/bin/sh\n# written by the capstan fan-out bench for {name}\ntest -f /etc/rancher/k3s/config.yaml && echo ok\n"),
    dest="/usr/local/bin/k3s-bench-check.sh",
    mode="755",
)
