/**
 * The ansible.cfg settings capstan reads (same meaning as in Ansible) with their section, keys
 * and ANSIBLE_* variables, and the settings Ansible has that capstan does not use (named once
 * with -v, so that nobody wonders why `gathering = smart` changed nothing).
 */

export interface AnsibleSettings {
  inventory?: string[];
  forks?: number;
  remoteUser?: string;
  remotePort?: number;
  privateKeyFile?: string;
  hostKeyChecking?: boolean;
  timeout?: number;
  vaultPasswordFile?: string;
  vaultIdentityList?: string[];
  askVaultPass?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomeAskPass?: boolean;
  logPath?: string;
  retryFilesEnabled?: boolean;
  retryFilesSavePath?: string;
  stdoutCallback?: string;
  sshArgs?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
}


export type SettingKind = 'string' | 'path' | 'pathlist' | 'list' | 'int' | 'bool';

export interface Setting {
  readonly name: keyof AnsibleSettings;
  readonly section: string;
  /** The key and its old spellings (`hostfile`), lower-case. */
  readonly keys: readonly string[];
  readonly env: readonly string[];
  readonly kind: SettingKind;
  readonly key: string;
}

const s = (name: keyof AnsibleSettings, section: string, keys: string[], env: string[], kind: SettingKind): Setting => ({ name, section, keys, env, kind, key: keys[0]! });

export const SETTINGS: readonly Setting[] = [
  s('inventory', 'defaults', ['inventory', 'hostfile'], ['ANSIBLE_INVENTORY'], 'pathlist'),
  s('forks', 'defaults', ['forks'], ['ANSIBLE_FORKS'], 'int'),
  s('remoteUser', 'defaults', ['remote_user'], ['ANSIBLE_REMOTE_USER'], 'string'),
  s('remotePort', 'defaults', ['remote_port'], ['ANSIBLE_REMOTE_PORT'], 'int'),
  s('privateKeyFile', 'defaults', ['private_key_file'], ['ANSIBLE_PRIVATE_KEY_FILE'], 'path'),
  s('hostKeyChecking', 'defaults', ['host_key_checking'], ['ANSIBLE_HOST_KEY_CHECKING'], 'bool'),
  s('timeout', 'defaults', ['timeout'], ['ANSIBLE_TIMEOUT'], 'int'),
  s('vaultPasswordFile', 'defaults', ['vault_password_file'], ['ANSIBLE_VAULT_PASSWORD_FILE'], 'path'),
  s('vaultIdentityList', 'defaults', ['vault_identity_list'], ['ANSIBLE_VAULT_IDENTITY_LIST'], 'list'),
  s('askVaultPass', 'defaults', ['ask_vault_pass'], ['ANSIBLE_ASK_VAULT_PASS'], 'bool'),
  s('become', 'privilege_escalation', ['become'], ['ANSIBLE_BECOME'], 'bool'),
  s('becomeUser', 'privilege_escalation', ['become_user'], ['ANSIBLE_BECOME_USER'], 'string'),
  s('becomeMethod', 'privilege_escalation', ['become_method'], ['ANSIBLE_BECOME_METHOD'], 'string'),
  s('becomeAskPass', 'privilege_escalation', ['become_ask_pass'], ['ANSIBLE_BECOME_ASK_PASS'], 'bool'),
  s('logPath', 'defaults', ['log_path'], ['ANSIBLE_LOG_PATH'], 'path'),
  s('retryFilesEnabled', 'defaults', ['retry_files_enabled'], ['ANSIBLE_RETRY_FILES_ENABLED'], 'bool'),
  s('retryFilesSavePath', 'defaults', ['retry_files_save_path'], ['ANSIBLE_RETRY_FILES_SAVE_PATH'], 'path'),
  s('stdoutCallback', 'defaults', ['stdout_callback'], ['ANSIBLE_STDOUT_CALLBACK'], 'string'),
  s('sshArgs', 'ssh_connection', ['ssh_args'], ['ANSIBLE_SSH_ARGS'], 'string'),
  s('sshCommonArgs', 'ssh_connection', ['ssh_common_args'], ['ANSIBLE_SSH_COMMON_ARGS'], 'string'),
  s('sshExtraArgs', 'ssh_connection', ['ssh_extra_args'], ['ANSIBLE_SSH_EXTRA_ARGS'], 'string'),
];

/** Ansible settings with no meaning here (section → keys); their ANSIBLE_<KEY> variables too. */
export const UNUSED: Readonly<Record<string, readonly string[]>> = {
  defaults: [
    'gathering', 'gather_subset', 'gather_timeout', 'fact_caching', 'fact_caching_connection', 'fact_caching_timeout',
    'roles_path', 'library', 'module_utils', 'collections_path', 'collections_paths', 'callback_whitelist', 'callbacks_enabled',
    'callback_plugins', 'connection_plugins', 'filter_plugins', 'lookup_plugins', 'strategy', 'strategy_plugins',
    'interpreter_python', 'deprecation_warnings', 'command_warnings', 'system_warnings', 'nocows', 'nocolor', 'transport',
    'poll_interval', 'internal_poll_interval', 'display_skipped_hosts', 'display_ok_hosts', 'host_pattern_mismatch',
    'any_errors_fatal', 'local_tmp', 'remote_tmp', 'hash_behaviour', 'jinja2_extensions', 'module_name', 'executable',
    'force_handlers', 'bin_ansible_callbacks', 'retry_files_save_path_mode', 'vault_encrypt_identity', 'vault_id_match',
    'ansible_managed', 'error_on_undefined_vars', 'private_role_vars', 'allow_world_readable_tmpfiles', 'show_custom_stats',
    'max_diff_size', 'ask_pass', 'pipelining', 'module_compression', 'jinja2_native', 'inventory_ignore_extensions',
  ],
  privilege_escalation: ['become_exe', 'become_flags', 'become_allow_same_user', 'agnostic_become_prompt'],
  ssh_connection: ['pipelining', 'control_path', 'control_path_dir', 'scp_if_ssh', 'transfer_method', 'retries', 'ssh_executable', 'sftp_batch_mode', 'usetty'],
  persistent_connection: ['connect_timeout', 'command_timeout'],
  inventory: ['enable_plugins', 'ignore_extensions', 'ignore_patterns', 'unparsed_is_failed', 'cache'],
  colors: ['highlight', 'verbose', 'warn', 'error', 'debug', 'deprecate', 'skip', 'unreachable', 'ok', 'changed', 'diff'],
  diff: ['always', 'context'],
  galaxy: ['server_list', 'server', 'ignore_certs'],
};
