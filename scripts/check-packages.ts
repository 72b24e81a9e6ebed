/**
 * Checks what users install: builds every public package, packs it with pnpm (as
 * `changeset publish` does, through the `.pnpmfile.cjs` hook), and then
 *
 * - reads each tarball's manifest: LICENSE inside, `repository` with its `directory`, no
 *   `source` export condition, no `workspace:` range;
 * - runs publint and @arethetypeswrong/cli (profile `esm-only`: the packages are ESM, and
 *   CommonJS reaches them through `require(esm)`, which the bundled TypeScript of attw
 *   predates; the consumer project below checks that path with the repo's TypeScript);
 * - installs all tarballs into a project outside the repo and there `import`s and `require`s
 *   every entry, runs a hub and a client from the tarballs, and typechecks an ES module and
 *   a CommonJS module that use them (`module: nodenext`, `skipLibCheck: false`).
 *
 *   pnpm check:packages
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

interface PublicPackage {
  name: string;
  dir: string;
  /** Subpaths of `exports` that are code (not `./package.json`, not data such as JSON). */
  entries: string[];
  /** Subpaths of `exports` that are JSON data (the CLI's config schema). */
  data: string[];
  /** Peer dependencies a user installs next to it (React). */
  peers: string[];
}

async function publicPackages(): Promise<PublicPackage[]> {
  const found: PublicPackage[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const entry of await readdir(join(root, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, parent, entry.name);
      const manifest = JSON.parse(
        await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}'),
      );
      if (manifest.private || !manifest.name) continue;
      const subpaths = Object.keys(manifest.exports ?? { '.': null }).filter(
        (subpath) => subpath !== './package.json',
      );
      const entries = subpaths.filter((subpath) => !subpath.endsWith('.json'));
      const data = subpaths.filter((subpath) => subpath.endsWith('.json'));
      const peers = Object.keys(manifest.peerDependencies ?? {});
      found.push({ name: manifest.name, dir, entries, data, peers });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

const failures: string[] = [];
function check(ok: boolean, message: string): void {
  if (!ok) failures.push(message);
}

async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 32 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${relative(root, cwd) || '.'}: ${file} ${args.join(' ')} failed\n${stdout}${stderr}`,
    );
  }
}

async function pack(pkg: PublicPackage, destination: string): Promise<string> {
  await sh('pnpm', ['pack', '--pack-destination', destination], pkg.dir);
  const base = `${pkg.name.replace('@', '').replace('/', '-')}-`;
  const tarball = (await readdir(destination)).find(
    (file) => file.startsWith(base) && file.endsWith('.tgz'),
  );
  if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${pkg.name}`);
  return join(destination, tarball);
}

async function checkTarball(pkg: PublicPackage, tarball: string, scratch: string): Promise<void> {
  const into = join(scratch, pkg.name.replace('/', '+'));
  await mkdir(into, { recursive: true });
  await sh('tar', ['xzf', tarball, '-C', into], root);
  const files = await readdir(join(into, 'package'));
  check(files.includes('LICENSE'), `${pkg.name}: the tarball has no LICENSE`);
  const text = await readFile(join(into, 'package', 'package.json'), 'utf8');
  const manifest = JSON.parse(text);
  check(!text.includes('"source"'), `${pkg.name}: the published exports still have "source"`);
  check(!text.includes('workspace:'), `${pkg.name}: the published manifest has a workspace: range`);
  check(manifest.license === 'MIT', `${pkg.name}: license is ${manifest.license}, not MIT`);
  check(
    typeof manifest.repository?.url === 'string' &&
      manifest.repository?.directory === relative(root, pkg.dir),
    `${pkg.name}: repository ${JSON.stringify(manifest.repository)} lacks url or directory`,
  );
  await sh(bin('publint'), ['run', tarball, '--strict'], root).catch((error: Error) => {
    failures.push(`${pkg.name}: publint\n${error.message}`);
  });
  await sh(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], root).catch(
    (error: Error) => failures.push(`${pkg.name}: attw\n${error.message}`),
  );
}

/** A project outside the repo that installs the tarballs as a user would. */
async function checkConsumer(packages: PublicPackage[], tarballs: string[], scratch: string) {
  const project = join(scratch, 'consumer');
  await mkdir(project);
  const specifierOf = (pkg: PublicPackage, entry: string) =>
    entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`;
  const specifiers = packages.flatMap((pkg) => pkg.entries.map((e) => specifierOf(pkg, e)));
  const dataSpecifiers = packages.flatMap((pkg) => pkg.data.map((e) => specifierOf(pkg, e)));
  // A TypeScript user of a package with a peer installs the peer's types too (@types/react).
  const peerTypes = [...new Set(packages.flatMap((pkg) => pkg.peers))].map(
    (peer) => `@types/${peer}`,
  );
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }, null, 2),
  );
  await sh(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...tarballs,
      '@types/node@20',
      ...peerTypes,
    ],
    project,
  );
  const list = JSON.stringify(specifiers);
  await writeFile(
    join(project, 'load.mjs'),
    `for (const specifier of ${list}) {
  const module = await import(specifier);
  if (Object.keys(module).length === 0) throw new Error(\`import \${specifier}: no exports\`);
}
for (const specifier of ${JSON.stringify(dataSpecifiers)}) {
  const { default: data } = await import(specifier, { with: { type: 'json' } });
  if (typeof data !== 'object' || data === null) throw new Error(\`import \${specifier}: not JSON\`);
}
const { WSServer, WSRouter } = await import('@switchboard/server');
const { WSClient } = await import('@switchboard/client');
const server = new WSServer({ port: 0 });
const router = new WSRouter(server);
await server.start();
const client = new WSClient({ url: server.url });
await client.connect();
await client.subscribe(['agent.*.status']);
const event = new Promise((resolve) => client.once('event', resolve));
await router.publish('agent.1.status', { state: 'busy' });
const { data } = await event;
if (data.state !== 'busy') throw new Error('the event did not arrive');
await client.disconnect();
await server.shutdown();
await router.close();
console.log('import: ok');
`,
  );
  await writeFile(
    join(project, 'load.cjs'),
    `for (const specifier of ${list}) {
  const module = require(specifier);
  if (Object.keys(module).length === 0) throw new Error(\`require \${specifier}: no exports\`);
}
console.log('require: ok');
`,
  );
  const typedImports = specifiers.map((specifier, i) => `import * as m${i} from '${specifier}';`);
  const used = `export const loaded = [${specifiers.map((_, i) => `m${i}`).join(', ')}];`;
  const usage = `
const server = new WSServer({ port: 0, authenticate: async (token) => token === 'valid-token' });
const router = new WSRouter(server, { queueSize: 1000 });
router.on('message-dropped', ({ clientId, topic }) => console.log(clientId, topic));
const client = new WSClient({ url: 'ws://localhost:8080', token: 'valid-token', reconnect: true });
client.on('event', (event) => console.log(event.sequenceNumber, event.data));
`;
  await writeFile(
    join(project, 'types.mts'),
    `${typedImports.join('\n')}
import { WSRouter, WSServer } from '@switchboard/server';
import { WSClient } from '@switchboard/client';
${used}
${usage}`,
  );
  await writeFile(
    join(project, 'types.cts'),
    `${specifiers.map((specifier, i) => `import m${i} = require('${specifier}');`).join('\n')}
import { WSRouter, WSServer } from '@switchboard/server';
import { WSClient } from '@switchboard/client';
${used}
${usage}`,
  );
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['types.mts', 'types.cts'],
    }),
  );
  for (const [file, expected] of [
    ['load.mjs', 'import: ok'],
    ['load.cjs', 'require: ok'],
  ] as const) {
    const output = await sh(process.execPath, [file], project).catch(
      (error: Error) => error.message,
    );
    check(output.includes(expected), `consumer: node ${file}\n${output}`);
  }
  await sh(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
    project,
  ).catch((error: Error) => failures.push(`consumer: tsc\n${error.message}`));
}

const packages = await publicPackages();
console.log(`check:packages: ${packages.map((pkg) => pkg.name).join(', ')}`);
await sh(
  bin('turbo'),
  ['run', 'build', '--output-logs=errors-only', ...packages.map((pkg) => `--filter=${pkg.name}`)],
  root,
);
const scratch = await mkdtemp(join(tmpdir(), 'switchboard-packages-'));
try {
  // Packing is mostly process start-up: all at once; the lint of each follows its pack.
  const tarballs = await Promise.all(
    packages.map(async (pkg) => {
      const tarball = await pack(pkg, join(scratch, 'tarballs', pkg.name.replace('/', '+')));
      await checkTarball(pkg, tarball, scratch);
      return tarball;
    }),
  );
  await checkConsumer(packages, tarballs, scratch);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(failures.join('\n\n'));
  console.error(`check:packages: ${failures.length} problem(s)`);
  process.exit(1);
}
console.log(
  `check:packages: ${packages.length} packages packed, linted, installed, imported, required and typechecked`,
);
