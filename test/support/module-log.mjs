// Preload for tests (node --import): records every module the process loads (ESM and CommonJS,
// through module.registerHooks) and writes their URLs, one a line, to $MODULE_LOG at exit.
import module from 'node:module';
import { writeFileSync } from 'node:fs';

module.enableCompileCache?.();
const seen = new Set();
module.registerHooks({ load(url, context, next) { seen.add(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.MODULE_LOG ?? '/dev/null', `${[...seen].join('\n')}\n`));
