#!/usr/bin/env node
// The `paved` command. There is no build step: the first start after a change
// to src/ compiles every source file to JavaScript with esbuild (the compiler
// tsx itself uses, with tsconfig.json's settings), one file for each, into
// node_modules/.cache/paved/, and every later start runs those files directly.
// Without a loader (tsx's runs in a thread of its own and checks every module
// it loads) a command starts in a fraction of the time and the server needs
// less memory. Any change to a source file (its size or time) makes a new
// compilation; if compiling is impossible the sources run through tsx as before.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const CACHE = join(ROOT, 'node_modules', '.cache', 'paved');
/** Changes whenever the way sources are compiled changes, so that old compilations are not reused. */
const COMPILER_VERSION = '1';

/** The source files a command may load: every .ts and .tsx under src/ but the tests. */
function sourceFiles(dir = SRC, files = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) sourceFiles(path, files);
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** A 53-bit hash of a string as hex (cyrb53; node:crypto alone takes longer to load than the whole check). */
function hash(text) {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** Where the compilation of the sources as they are now lives (it may not exist yet). */
function compiledDir(files) {
  let key = `${COMPILER_VERSION}\0${process.versions.node}\0${ROOT}\n`;
  for (const file of [join(ROOT, 'tsconfig.json'), ...files]) {
    const s = statSync(file);
    key += `${file.slice(ROOT.length)}\0${s.size}\0${s.mtimeMs}\n`;
  }
  return join(CACHE, `cli-${hash(key)}`);
}

/** Compiles `files` into `dir` (written beside it first, then renamed into place at once). */
async function compile(files, dir) {
  const require = createRequire(fileURLToPath(import.meta.resolve('tsx/package.json')));
  const esbuild = await import(pathToFileURL(require.resolve('esbuild')).href);
  const work = `${dir}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const inside = (path) => !relative(SRC, path).startsWith('..');
  await esbuild.build({
    entryPoints: files,
    outbase: SRC,
    outdir: join(work, 'src'),
    // Bundling only to rewrite imports: every import stays one (see the plugin).
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    tsconfig: join(ROOT, 'tsconfig.json'),
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    // import.meta.url is the source file's, so that files beside it are found.
    define: { 'import.meta.url': '__pavedSourceUrl' },
    logLevel: 'silent',
    plugins: [
      {
        name: 'paved-one-file-each',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            if (!args.path.startsWith('.')) return { path: args.path, external: true };
            const target = resolve(args.resolveDir, args.path);
            if (inside(target) && /\.tsx?$/.test(target)) {
              return { path: args.path.replace(/\.tsx?$/, '.js'), external: true };
            }
            return { path: pathToFileURL(target).href, external: true };
          });
          build.onLoad({ filter: /\.tsx?$/ }, async (args) => {
            const { readFile } = await import('node:fs/promises');
            let contents = await readFile(args.path, 'utf8');
            if (contents.includes('import.meta.url')) {
              // On the first line, so that every line keeps its number.
              const url = JSON.stringify(pathToFileURL(args.path).href);
              contents = `const __pavedSourceUrl = ${url};${contents}`;
            }
            return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
          });
        },
      },
    ],
  });
  writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
  try {
    renameSync(work, dir);
  } catch (error) {
    // Another start compiled the same sources first: use theirs.
    rmSync(work, { recursive: true, force: true });
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw error;
  }
  prune(dir);
}

/**
 * Removes the compilations of older sources an hour after they were made, and
 * abandoned work (a running server loads nothing more after it starts).
 */
function prune(keep) {
  const hourAgo = Date.now() - 60 * 60 * 1000;
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (path === keep || !name.startsWith('cli-')) continue;
    const made = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Number.POSITIVE_INFINITY;
    if (made < hourAgo) rmSync(path, { recursive: true, force: true });
  }
}

/** The URL of main.js compiled from the current sources, or null when they cannot be compiled. */
async function compiledMain() {
  try {
    const files = sourceFiles();
    const dir = compiledDir(files);
    if (!statSync(dir, { throwIfNoEntry: false })) await compile(files, dir);
    return pathToFileURL(join(dir, 'src', 'main.js')).href;
  } catch {
    return null;
  }
}

let main = await compiledMain();
if (main === null) {
  const { register } = await import('tsx/esm/api');
  register();
  main = new URL('../src/main.ts', import.meta.url).href;
}
const { run } = await import(main);
// `serve` keeps the process alive through its open server; every other command ends here.
process.exitCode = await run(process.argv.slice(2));
