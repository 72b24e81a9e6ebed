// @ts-check
/**
 * What `pnpm pack` and `pnpm publish` (and so `changeset publish`) put in a tarball's
 * package.json, for every package at once. In the repo, `exports` carry a `source` condition
 * pointing at `src/` so tests and typechecks need no build; `src/` is not in the tarball, so the
 * published manifest drops that condition, and a tool that honours `source` (bundlers, a
 * consumer's own `customConditions`) never resolves to a file that is not there.
 *
 * The packages are ESM only. `import` becomes `default`, so `require()` finds the same files
 * (Node 20.19 and later load ES modules from `require`) instead of ERR_PACKAGE_PATH_NOT_EXPORTED.
 * `repository` comes from the root package.json, with the package's own `directory`.
 * The LICENSE beside package.json is copied from the root by the build (tsup.shared.ts).
 *
 * `npm pack` would skip this hook and keep `workspace:` ranges: pack with pnpm.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = __dirname;
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Package name -> its directory relative to the root, for the workspace globs we use. */
function packageDirectories() {
  const directories = new Map();
  for (const parent of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, parent, entry.name);
      try {
        const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        directories.set(name, relative(root, dir));
      } catch {}
    }
  }
  return directories;
}

/** An exports value without `source`, with `import` as `default`. */
function publishedExports(value) {
  if (typeof value !== 'object' || value === null) return value;
  const out = {};
  for (const [key, target] of Object.entries(value)) {
    if (key === 'source') continue;
    out[key === 'import' && !('default' in value) ? 'default' : key] = publishedExports(target);
  }
  return out;
}

function beforePacking(pkg) {
  if (pkg.exports !== undefined) pkg.exports = publishedExports(pkg.exports);
  const directory = packageDirectories().get(pkg.name);
  if (rootManifest.repository && directory !== undefined) {
    pkg.repository = { ...rootManifest.repository, directory };
  }
  return pkg;
}

module.exports = { hooks: { beforePacking } };
