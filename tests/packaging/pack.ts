// Helpers of the packaging tests: build check, `pnpm pack`, tarball inspection, scratch installs.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The monorepo root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A workspace package's manifest (the fields these tests read). */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** The manifest of `packages/<directory>`. */
export function readManifest(directory: string): Manifest {
  return JSON.parse(readFileSync(join(repoRoot, 'packages', directory, 'package.json'), 'utf8')) as Manifest;
}

/**
 * Makes sure `dist/` of the given packages exists: `pnpm test` has turbo build every package
 * first (the `test` task depends on `^build`); a bare `vitest run` builds the missing ones here.
 */
export async function ensureBuilt(directories: readonly string[]): Promise<void> {
  const missing = directories.filter((directory) => !existsSync(join(repoRoot, 'packages', directory, 'dist', 'index.js')));
  if (missing.length === 0) return;
  // `name...` selects a package and its dependencies; pnpm runs them in dependency order.
  const filters = missing.flatMap((directory) => ['--filter', `@tfgen/${directory}...`]);
  await run('pnpm', [...filters, '--workspace-concurrency=1', 'run', 'build'], { cwd: repoRoot, maxBuffer: 64 << 20 });
}

/** Runs `pnpm pack` in `packages/<directory>` and returns the tarball's path in `destination`. */
export async function pack(directory: string, destination: string): Promise<string> {
  const manifest = readManifest(directory);
  await run('pnpm', ['pack', '--pack-destination', destination], { cwd: join(repoRoot, 'packages', directory), maxBuffer: 64 << 20 });
  const tarball = join(destination, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
  if (!existsSync(tarball)) throw new Error(`pnpm pack of ${manifest.name}: expected ${tarball}, found ${readdirSync(destination).join(', ')}`);
  return tarball;
}

/** Unpacks a tarball into `directory` (its files land under `directory/package`). */
export async function unpack(tarball: string, directory: string): Promise<string> {
  mkdirSync(directory, { recursive: true });
  await run('tar', ['xzf', tarball, '-C', directory]);
  return join(directory, 'package');
}

/** Every file under `directory`, relative to it. */
export function listFiles(directory: string): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(relative(directory, full));
    }
  };
  walk(directory);
  return files.sort();
}

/** The package a bare module specifier names (`@scope/name/sub` -> `@scope/name`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Every module specifier a built JavaScript or declaration file imports: static and dynamic
 * `import`, `export ... from`, `require()`, and `import("...")` types.
 */
export function importedSpecifiers(code: string): string[] {
  const found = new Set<string>();
  // Examples in doc comments (`import '@tensorflow/tfjs-backend-wasm'`) are not imports.
  code = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

const builtins = new Set(builtinModules);

/** A problem found in an unpacked tarball. */
export interface TarballProblem {
  file: string;
  problem: string;
}

/**
 * Checks an unpacked package: its manifest has no `workspace:` ranges; every import in its
 * built files is relative (inside the package), a Node built-in, or one of its own
 * dependencies/peerDependencies (never a devDependency, never another package's `src/`);
 * source maps carry their sources' text and never point into another tfgen package's `src/`.
 */
export function inspectUnpacked(root: string): TarballProblem[] {
  const problems: TarballProblem[] = [];
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  const allowed = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    for (const [name, range] of Object.entries((manifest[field] as Record<string, string> | undefined) ?? {})) {
      if (range.startsWith('workspace:') || range.startsWith('file:') || range.startsWith('link:')) {
        problems.push({ file: 'package.json', problem: `${field}.${name} is ${range}` });
      }
    }
  }
  for (const file of listFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    if (/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file)) {
      for (const specifier of importedSpecifiers(text)) {
        if (specifier.startsWith('.')) {
          if (/(^|\/)src\//.test(specifier) || specifier.includes('packages/')) problems.push({ file, problem: `imports ${specifier}` });
          continue;
        }
        if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
        if (!allowed.has(packageOf(specifier))) problems.push({ file, problem: `imports ${specifier}, not a dependency or peerDependency` });
        if (/\/src(\/|$)/.test(specifier)) problems.push({ file, problem: `imports another package's sources: ${specifier}` });
      }
      const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '');
      if (/packages\/(core|losses|strategies|architectures|explicit|datasets|metrics)\/src\//.test(withoutComments)) {
        problems.push({ file, problem: 'mentions a path inside another package\'s src/' });
      }
    }
    if (file.endsWith('.map')) {
      const map = JSON.parse(text) as { sources: string[]; sourcesContent?: (string | null)[] };
      const withText = (map.sourcesContent ?? []).filter((content) => typeof content === 'string').length;
      if (withText !== map.sources.length) problems.push({ file, problem: `${map.sources.length - withText} sources without sourcesContent` });
      for (const source of map.sources) {
        if (/\.\.\/\.\.\/(core|losses|strategies|architectures|explicit|datasets|metrics)\/src\//.test(source)) {
          problems.push({ file, problem: `maps to another package's sources: ${source}` });
        }
      }
    }
  }
  return problems;
}

/**
 * Creates a scratch project in `directory` whose only dependencies are `@tensorflow/tfjs` and the
 * given tarballs (`overrides` pin the transitive tfgen packages to tarballs too, since they are
 * not on the registry), copies `scripts` into it and runs `npm install` there.
 */
export async function scratchProject(options: {
  directory: string;
  dependencies: Record<string, string>;
  overrides?: Record<string, string>;
  scripts: readonly string[];
}): Promise<void> {
  mkdirSync(options.directory, { recursive: true });
  const manifest = {
    name: 'tfgen-scratch-user',
    version: '0.0.0',
    private: true,
    dependencies: { '@tensorflow/tfjs': '4.22.0', ...options.dependencies },
    overrides: options.overrides ?? {},
  };
  writeFileSync(join(options.directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const script of options.scripts) {
    writeFileSync(join(options.directory, script), readFileSync(new URL(`./fixtures/${script}`, import.meta.url)));
  }
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: options.directory, maxBuffer: 64 << 20 });
}

/** Runs `node script` in a scratch project and parses the JSON line it prints last. */
export async function runScript<T>(directory: string, script: string): Promise<T> {
  const { stdout } = await run('node', [script], { cwd: directory, maxBuffer: 64 << 20 });
  const lines = stdout.trim().split('\n').filter((line) => line.startsWith('{'));
  if (lines.length === 0) throw new Error(`${script} printed no JSON result; stdout:\n${stdout}`);
  return JSON.parse(lines[lines.length - 1]) as T;
}
