// Load balancers: the model, haproxy.cfg, F5 AS3 and tmsh (docs/load-balancers.md). Re-exports only.
export { lbVars, type LbVars, type ExtraService } from './vars.ts';
export { clusterVarsOf, readClusterVars, readLbVars, type ClusterVars } from './cluster-vars.ts';
export { lbInput, lbValidate } from './role-input.ts';
export { buildModel, type LbInput, type LbModel, type Frontend, type Backend, type Member, type HealthCheck } from './model.ts';
export { lbProblems } from './problems.ts';
export { renderHaproxy, haproxyView, type HaproxyGlobals } from './haproxy.ts';
export { f5Objects, type F5Objects, type F5Settings } from './f5-objects.ts';
export { as3Declaration, AS3_SCHEMA_VERSION } from './f5-as3.ts';
export { tmshCommands } from './f5-tmsh.ts';
export { generateLb, haproxyConfig, f5Settings, haproxyGlobals, HAPROXY_FILE, AS3_FILE, TMSH_FILE, type LbFile, type LbOutput } from './generate.ts';
