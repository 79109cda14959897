/**
 * Preloaded by bin/capstan.js only when capstan is installed inside a node_modules folder (an
 * installed `npm pack` tarball): Node refuses to strip types there
 * (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), so capstan's own .ts files are stripped here
 * with Node's own stripTypeScriptTypes (the same stripping, erasable syntax only).
 */
import module from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

module.registerHooks({
  load(url, context, next) {
    if (url.startsWith('file:') && url.endsWith('.ts') && fileURLToPath(url).startsWith(root) && !fileURLToPath(url).slice(root.length).includes('node_modules')) {
      const source = module.stripTypeScriptTypes(readFileSync(fileURLToPath(url), 'utf8'), { mode: 'strip' });
      return { format: 'module', source, shortCircuit: true };
    }
    return next(url, context);
  },
});
