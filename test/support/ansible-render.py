"""Renders inventory vars with ansible-core's own Templar, for the compatibility tests.

usage: python ansible-render.py INVENTORY HOST NAME...   (run with the python that has ansible)

Loads INVENTORY as ansible-playbook does (InventoryManager, VariableManager with a play, so the
play-context vars exist), renders each var NAME for HOST and prints one JSON object:
{"version": "2.19.x", "results": {NAME: {"value": ...} | {"error": "..."}}}.
Works with ansible-core 2.14 (Debian) and 2.19 (the venv of .ci/setup-venv).
"""
import json
import sys

from ansible import context, release
from ansible.cli import CLI
from ansible.module_utils.common.collections import ImmutableDict
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play import Play
from ansible.template import Templar
from ansible.vars.hostvars import HostVars
from ansible.vars.manager import VariableManager

try:  # 2.15+: collections (ansible.utils' ipaddr, community.general's json_query) need the loader set up
    from ansible.plugins.loader import init_plugin_loader
except ImportError:  # 2.14 sets it up on import
    def init_plugin_loader():
        pass

try:  # 2.19: only trusted text is templated; the driver's own "{{ name }}" must be marked
    from ansible.template import trust_as_template
except ImportError:  # 2.14: everything is a template
    def trust_as_template(text):
        return text


def plain(value):
    """JSON-able copy (2.19 tags values with their origin; 2.14 uses AnsibleUnicode...)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    text = str(value)
    if text.startswith('__omit_place_holder__'):
        return {'__omit__': True}
    return text


def main():
    inventory_path, host_name, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    # what ansible-playbook's options give the play-context vars (ansible_check_mode, ansible_version...)
    context.CLIARGS = ImmutableDict(check=False, diff=False, verbosity=0, tags=('all',), skip_tags=(), forks=5)
    init_plugin_loader()
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[inventory_path])
    manager = VariableManager(loader=loader, inventory=inventory, version_info=CLI.version_info(gitinfo=False))
    manager._hostvars = HostVars(inventory=inventory, variable_manager=manager, loader=loader)  # as the task queue sets it
    play = Play.load({'hosts': 'all', 'gather_facts': False}, variable_manager=manager, loader=loader)
    host = inventory.get_host(host_name)
    variables = manager.get_vars(play=play, host=host, include_hostvars=True)
    templar = Templar(loader=loader, variables=variables)
    results = {}
    for name in names:
        try:
            # the var's own value, as a task argument `x: "{{ ... }}"` would be templated
            value = templar.template(variables[name]) if name in variables else templar.template(trust_as_template('{{ %s }}' % name))
            results[name] = {'value': plain(value), 'type': type(value).__name__}
        except Exception as e:  # every failure is a result to compare, not a crash
            results[name] = {'error': '%s: %s' % (type(e).__name__, str(e).splitlines()[0] if str(e) else '')}
    print(json.dumps({'version': release.__version__, 'results': results}))


main()
