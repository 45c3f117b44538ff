/**
 * Finding and reading the files the `check` command is given. Nothing is skipped without a
 * word: every path that cannot be read becomes an input error (exit status 2), and the
 * rest is still checked so that one run reports everything.
 */
import * as fs from 'fs';
import * as path from 'path';
import { reportFolderAbove } from '../practices/app-folders';
import { ManifestInput, REPORT_FILE } from '../practices/model';
import { decodeText, readManifestText } from '../practices/read';

/** A file that cdk8s writes next to the manifests on request (`recordConstructMetadata`). */
const NOT_MANIFESTS = new Set(['construct-metadata.json']);
const MANIFEST_NAME = /\.(ya?ml|json)$/i;

/** The manifests of the inputs, the problems found on the way, and where each document starts. */
export interface Inputs {
  /**
   * Group (an app) -> manifests: '' for everything named together; a directory with
   * --each-dir; and, below a directory argument, every folder that holds the report of an
   * enforced synthesis (`dist/<app>/<environment>/`), with everything under it.
   */
  readonly groups: Map<string, ManifestInput[]>;
  readonly problems: string[];
  /** What was left out on purpose (hidden directories, node_modules): told, not an error. */
  readonly notes: string[];
  /** Source (`file#2`) -> first line of the document. */
  readonly lines: Map<string, number>;
  /** File (or `<stdin>`) -> the text read from it, to find the line of a field in it. */
  readonly texts: Map<string, string>;
  /** Objects of documents refused as input errors, in `groups` for lookups only: never checked (`ReadResult.unreadable`). */
  readonly unreadable: Set<ManifestInput>;
  files: number;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function errorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOENT': return 'no such file or directory';
    case 'ELOOP': return 'a symbolic link loop';
    case 'EISDIR': return 'is a directory';
    default: return String((e as Error)?.message ?? e).split('\n')[0];
  }
}

/** `reportFolderAbove`, with a note when the folder is above `dir`. */
function appFolderOf(dir: string, note: (text: string) => void): string | undefined {
  const folder = reportFolderAbove(dir);
  if (folder !== undefined && folder !== dir) note(`${dir}: checked with the app of ${folder} (it holds ${REPORT_FILE})`);
  return folder;
}

/**
 * One step of finding the inputs, in the order they were met: a problem, a note, or the raw
 * content of a file (or standard input) and the app it belongs to. Finding (file system
 * walks, reading bytes) is apart from reading manifests, so that the same contents can be read
 * again elsewhere (another thread of the `check` command) without touching the file system.
 */
export interface FoundInput {
  readonly problem?: string;
  readonly note?: string;
  readonly raw?: string | Uint8Array;
  readonly source?: string;
  readonly group?: string;
}

/** Reads every path into `inputs`; `stdin` is read for '-'. */
export function readInputs(paths: readonly string[], eachDir: boolean, stdin: () => string | Uint8Array): Inputs {
  return readFound(findInputs(paths, eachDir, stdin));
}

/** Reads the manifests of what `findInputs` found. */
export function readFound(found: readonly FoundInput[]): Inputs {
  const inputs: Inputs = { groups: new Map(), problems: [], notes: [], lines: new Map(), texts: new Map(), unreadable: new Set(), files: 0 };
  const add = (group: string, list: ManifestInput[]) => {
    const existing = inputs.groups.get(group);
    if (existing) existing.push(...list); else inputs.groups.set(group, list);
  };
  for (const step of found) {
    if (step.problem !== undefined) { inputs.problems.push(step.problem); continue; }
    if (step.note !== undefined) { inputs.notes.push(step.note); continue; }
    const raw = step.raw!;
    const source = step.source!;
    inputs.files++;
    let text: string | undefined;
    if (typeof raw === 'string') {
      text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    } else {
      const decoded = decodeText(raw, source);
      if (decoded.problem) { inputs.problems.push(decoded.problem); continue; }
      text = decoded.text!;
    }
    const r = readManifestText(text, source);
    inputs.problems.push(...r.problems);
    inputs.notes.push(...r.notes);
    for (const [k, v] of r.lines) inputs.lines.set(k, v);
    for (const [k, v] of r.texts) inputs.texts.set(k, v);
    add(step.group!, r.inputs);
    for (const u of r.unreadable) inputs.unreadable.add(u);
    add(step.group!, r.unreadable);
  }
  return inputs;
}

/** Finds every path's files and reads their bytes (`stdin` for '-'), without reading manifests. */
export function findInputs(paths: readonly string[], eachDir: boolean, stdin: () => string | Uint8Array): FoundInput[] {
  const found: FoundInput[] = [];
  let files = 0;
  const problem = (text: string) => found.push({ problem: text });
  const note = (text: string) => found.push({ note: text });
  const seenFiles = new Set<string>();
  const readText = (raw: string | Uint8Array, source: string, group: string) => {
    files++;
    found.push({ raw, source, group });
  };

  const readFile = (file: string, group: string) => {
    let real = file;
    try { real = fs.realpathSync(file); } catch { /* a FIFO given by name: read as is */ }
    if (seenFiles.has(real)) return; // reached twice (two links): checked once
    seenFiles.add(real);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      problem(`${file}: cannot be read: ${errorText(e)}`);
      return;
    }
    readText(bytes, file, group);
  };

  /**
   * Walks a directory; `ancestors` holds the real paths of the directories above, to stop at
   * loops. `group` is the app of the files found; `top` says that `dir` was named by the user.
   */
  const walk = (dir: string, ancestors: Set<string>, group: string, top: boolean) => {
    let real: string;
    try { real = fs.realpathSync(dir); } catch (e) { problem(`${dir}: cannot be read: ${errorText(e)}`); return; }
    if (ancestors.has(real)) {
      problem(`${dir}: is a symbolic link loop (it leads back to ${real}); not followed`);
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problem(`${dir}: cannot be read: ${errorText(e)}`);
      return;
    }
    const below = new Set(ancestors).add(real);
    // A folder that a synthesis wrote (it holds the report) is one app or environment:
    // `check dist` on `dist/<app>/<environment>/` checks each one as its own app.
    if (!eachDir && (!top || paths.length > 1) && group !== dir && entries.some((e) => e.name === REPORT_FILE && (e.isFile() || e.isSymbolicLink()))) {
      group = dir;
      note(`${dir}: checked as its own app (it holds ${REPORT_FILE}, written by the synthesis of one app or environment)`);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      let stat: fs.Stats | undefined;
      if (entry.isSymbolicLink()) {
        try {
          stat = fs.statSync(full);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            let target = '?';
            try { target = fs.readlinkSync(full); } catch { /* keep '?' */ }
            problem(`${full}: is a dangling symbolic link (to ${target})`);
          } else {
            problem(`${full}: cannot be followed: ${errorText(e)}`);
          }
          continue;
        }
      }
      const isDir = stat ? stat.isDirectory() : entry.isDirectory();
      if (isDir) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) {
          note(`${full}: ${entry.name === 'node_modules' ? 'node_modules' : 'a hidden directory'}, not searched (name it on the command line to check it)`);
        } else {
          walk(full, below, group, false);
        }
        continue;
      }
      if (!MANIFEST_NAME.test(entry.name) || NOT_MANIFESTS.has(entry.name)) continue;
      const isFile = stat ? stat.isFile() : entry.isFile();
      if (!isFile) {
        let what = 'not a regular file';
        try { what = kindOf(stat ?? fs.statSync(full)); } catch { /* keep the generic words */ }
        problem(`${full}: is ${what}, not a regular file; skipped (name it on the command line to read it)`);
        continue;
      }
      readFile(full, eachDir ? dir : group);
    }
  };

  for (const p of paths) {
    if (p === '-') {
      let raw: string | Uint8Array;
      try {
        raw = stdin();
      } catch (e) {
        problem(`<stdin>: cannot be read: ${errorText(e)}`);
        continue;
      }
      readText(raw, '<stdin>', '-');
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      let dangling = false;
      try { dangling = code === 'ENOENT' && fs.lstatSync(p).isSymbolicLink(); } catch { /* does not exist at all */ }
      problem(dangling ? `${p}: is a dangling symbolic link (to ${fs.readlinkSync(p)})` : `${p}: ${errorText(e)}`);
      continue;
    }
    if (stat.isDirectory()) {
      const before = files;
      const app = eachDir ? undefined : appFolderOf(p, note);
      walk(p, new Set(), app === undefined || (app === p && paths.length === 1) ? '' : app, true);
      if (files === before) problem(`${p}: has no *.yaml, *.yml or *.json file to check`);
    } else if (stat.isFile() || stat.isFIFO()) {
      // A pipe named on the command line is read: `check <(helm template .)`.
      readFile(p, eachDir ? path.dirname(p) : appFolderOf(path.dirname(p), note) ?? '');
    } else {
      problem(`${p}: is ${kindOf(stat)}, not a file or directory of manifests`);
    }
  }
  return found;
}
