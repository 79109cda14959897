/** The capstan commands and their one-line summaries: read by main.ts (help, dispatch) and completion.ts (names). */
export const COMMAND_SUMMARIES = {
  play: 'run a playbook: --plan, --check, --diff, --tags, --limit (ansible-playbook)',
  inventory: 'print an inventory as ansible-inventory --list / --host does',
  doc: "a role's variables (ansible-doc); --write regenerates docs/variables.md",
  lab: 'throw-away SSH hosts on this machine: up N | down [ID] | status (root)',
  demo: 'the full site playbook on a throw-away lab, end to end (root)',
  dashboard: 'open Kiali, Grafana, Jaeger or Prometheus on 127.0.0.1 through the cluster access (port-forward)',
  completion: 'print the bash or zsh completion script: source <(capstan completion bash)',
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;
