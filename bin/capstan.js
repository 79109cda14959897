#!/usr/bin/env node
/*
 * The `capstan` command: starts lib/cli/main.ts on a Node that runs TypeScript (22.19 or newer):
 * the pinned Node 24 of the `node` dependency in node_modules.
 * The Node that runs this launcher may be any version (Debian's 20, say): this file is CommonJS
 * in ES5 syntax so that even an old Node parses it, and a Node too old says so in one line.
 *
 * Installed with `npm install -g .`, `npm link`, an `npm pack` tarball, or run as `npx capstan`
 * in the checkout. Relative paths on the command line stay relative to the user's directory:
 * the child keeps this process's cwd.
 */
'use strict';
var fs = require('fs');
var path = require('path');

var root = path.resolve(path.dirname(fs.realpathSync(__filename)), '..');
// Type stripping without flags, module.registerHooks and stripTypeScriptTypes. Not package.json
// `engines`: npm checks that against the Node running npm, which is not the one capstan runs on.
var NEEDED = { major: 22, minor: 19 };

function atLeast(version) {
  var m = /^v?(\d+)\.(\d+)/.exec(version);
  var major = Number(m[1]);
  return major > NEEDED.major || (major === NEEDED.major && Number(m[2]) >= NEEDED.minor);
}

/** The `node` package's binary, wherever npm put it (in the checkout, or nested or hoisted by an install). */
function pinnedNode() {
  var dir = root;
  for (var i = 0; i < 20; i++) {
    var candidate = path.join(dir, 'node_modules', 'node', 'bin', 'node');
    if (fs.existsSync(candidate)) return candidate;
    var parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

var node = pinnedNode() || (atLeast(process.version) ? process.execPath : undefined);
if (!node) {
  process.stderr.write('capstan needs Node ' + NEEDED.major + '.' + NEEDED.minor + ' or newer (it runs TypeScript); this is Node ' +
    process.version + ' (' + process.execPath + '): run `npm install` in ' + root + ' to get the pinned Node 24, or install Node ' + NEEDED.major + '.' + NEEDED.minor + '+\n');
  process.exit(1);
}

function realpath(file) {
  try { return fs.realpathSync(file); } catch (e) { return file; }
}

var args = [];
var argv = process.argv.slice(2);
var versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
if (versionOnly && realpath(node) === realpath(process.execPath)) {
  // This process already is the Node capstan runs on (`npx capstan`, `npm run`, or no pinned Node
  // and this one new enough): answer here, without starting a second Node (~100 ms).
  var pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  process.stdout.write('capstan ' + pkg.version + '\n  node ' + process.version + ' (' + process.execPath + ')\n  installed at ' + root + '\n');
  process.exit(0);
}
var url = require('url');
if (versionOnly) {
  // The same three lines as lib/cli/main.ts prints, from plain JavaScript on the pinned Node: no
  // TypeScript module is loaded, so Node does not start its type stripper (a WebAssembly module
  // compiled on every start, ~50 ms CPU; npm run bench -- cli-start).
  var printVersion = 'var fs = require("fs"), path = require("path"), root = process.argv[1];' +
    'var pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));' +
    'process.stdout.write("capstan " + pkg.version + "\\n  node " + process.version + " (" + process.execPath + ")\\n  installed at " + root + "\\n");';
  args.push('-e', printVersion, root);
} else {
  // Node strips types only outside node_modules; an installed tarball lives inside one.
  if (root.split(path.sep).indexOf('node_modules') >= 0) {
    args.push('--disable-warning=ExperimentalWarning', '--import', url.pathToFileURL(path.join(root, 'bin', 'strip-types-hook.mjs')).href);
  }
  args.push('--import', url.pathToFileURL(path.join(root, 'lib', 'cli', 'compile-cache.mjs')).href, path.join(root, 'lib', 'cli', 'main.ts'));
  args = args.concat(argv);
}


var child = require('child_process').spawn(node, args, { stdio: 'inherit' });
// Ctrl-C reaches the child from the terminal itself; a signal sent to this process alone is passed on.
process.on('SIGINT', function () {});
['SIGTERM', 'SIGHUP'].forEach(function (sig) {
  process.on(sig, function () { child.kill(sig); });
});
child.on('error', function (err) {
  process.stderr.write('capstan: cannot start ' + node + ': ' + err.message + '\n');
  process.exit(1);
});
child.on('exit', function (code, signal) {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code === null ? 1 : code);
});
