/**
 * Ansible facts (`ansible_facts`, `ansible_default_ipv4`, `ansible_hostname`...) referenced in
 * inventory values. capstan gathers no facts (it reads the inventory, and asks hosts only what
 * each step needs), so these are undefined, as in Ansible with `gather_facts: false`; the
 * message says so and what to use instead, not "define it in group_vars".
 */
const FACT_NAMES = new Set([
  'ansible_facts', 'ansible_default_ipv4', 'ansible_default_ipv6', 'ansible_all_ipv4_addresses', 'ansible_all_ipv6_addresses',
  'ansible_interfaces', 'ansible_hostname', 'ansible_nodename', 'ansible_fqdn', 'ansible_domain', 'ansible_distribution',
  'ansible_distribution_version', 'ansible_distribution_major_version', 'ansible_distribution_release', 'ansible_os_family',
  'ansible_architecture', 'ansible_machine', 'ansible_kernel', 'ansible_system', 'ansible_lsb', 'ansible_memtotal_mb',
  'ansible_memfree_mb', 'ansible_processor_vcpus', 'ansible_processor_cores', 'ansible_processor_count', 'ansible_env',
  'ansible_date_time', 'ansible_mounts', 'ansible_devices', 'ansible_pkg_mgr', 'ansible_service_mgr', 'ansible_user_id',
  'ansible_python', 'ansible_python_version', 'ansible_virtualization_type', 'ansible_product_name', 'ansible_dns',
]);
/** Interface facts: ansible_eth0, ansible_ens18, ansible_enp3s0, ansible_bond0, ansible_vmbr0... */
const INTERFACE_FACT = /^ansible_(?:eth|ens|enp|eno|enx|wlan|wlp|bond|br|vmbr|virbr|docker|cni|flannel|lo)[\w]*$/;

const ADDRESS = 'use ansible_host (the address capstan connects to), or set the address in host_vars/<host>.yml';
const INSTEAD: Record<string, string> = {
  ansible_default_ipv4: ADDRESS,
  ansible_default_ipv6: ADDRESS,
  ansible_all_ipv4_addresses: ADDRESS,
  ansible_all_ipv6_addresses: ADDRESS,
  ansible_hostname: 'use inventory_hostname_short (the inventory name), or set k3s_node_name per host',
  ansible_nodename: 'use inventory_hostname_short (the inventory name), or set k3s_node_name per host',
  ansible_fqdn: 'use inventory_hostname, or set the name in host_vars/<host>.yml',
  ansible_env: "use lookup('env', 'NAME') for the controller's environment, or set the value in group_vars/",
};

/** The message for a fact name, or undefined when `name` is not a fact. */
export function factMessage(name: string): string | undefined {
  if (!FACT_NAMES.has(name) && !INTERFACE_FACT.test(name)) return undefined;
  const instead = INSTEAD[name] ?? (INTERFACE_FACT.test(name) ? ADDRESS : 'set the value it stands for in group_vars/ or host_vars/');
  return `'${name}' is an Ansible fact, and capstan gathers no facts (as a play with gather_facts: false): ${instead}`;
}
