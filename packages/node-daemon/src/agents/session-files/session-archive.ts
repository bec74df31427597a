/**
 * An agent's session files, archived and restored (issue 15 item 3): when a task's turn ends the
 * daemon takes the files its agent definition names for the ACP session (registry
 * `AgentDefinition.sessionFiles`) from the agent's HOME — safely: safe-home-files.ts — and gzips
 * them into an archive (contracts `SessionArchiveBundle`) for the control plane; when a resumed
 * task's agent starts, the archive's files are written into the new agent's HOME, each where the
 * agent looks for it with the new cwd, before ACP `session/load`.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { SessionArchiveBundle, type SessionArchiveFile } from '@flotilla/contracts';
import type { AgentSessionFiles } from '../registry/agent-definition.js';
import { HomeFileTooLargeError, listHomeSubdirs, readHomeFile, writeHomeFile } from './safe-home-files.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** How many more bytes the files read for an archive may total than the archive itself (before compression). */
export const SESSION_FILES_RAW_FACTOR = 16;

/** Most subdirectories of a searched directory looked into. */
const MAX_SEARCHED_SUBDIRS = 1000;

/** What {@link collectSessionArchive} made: an archive, or why there is none. */
export type CollectedArchive = { kind: 'archive'; archive: Buffer; files: number } | { kind: 'none'; reason: string };

/**
 * Collect the session files of ACP session `acpSessionId` (run in `cwd`) from `home` into a
 * gzipped archive of at most `maxBytes`.
 * Files that are symlinks, not regular, or outside HOME are left out (`onRefused` says which).
 * @returns the archive, or `none` with the reason: no files, over `maxBytes` (or the files over
 *   {@link SESSION_FILES_RAW_FACTOR} times it)
 */
export async function collectSessionArchive(
  sessionFiles: AgentSessionFiles,
  at: { home: string; acpSessionId: string; cwd: string; maxBytes: number },
  onRefused: (path: string, reason: string) => void,
): Promise<CollectedArchive> {
  if (at.maxBytes <= 0) return { kind: 'none', reason: 'SESSION_ARCHIVE_MAX_BYTES is 0' };
  const { paths, searchDirs } = sessionFiles.candidates(at.acpSessionId, at.cwd);
  const candidates = new Set(paths);
  for (const { dir, fileName } of searchDirs) {
    try {
      for (const subdir of await listHomeSubdirs(at.home, dir, MAX_SEARCHED_SUBDIRS)) candidates.add(`${dir}/${subdir}/${fileName}`);
    } catch (error) {
      onRefused(dir, (error as Error).message);
    }
  }
  let roomBytes = at.maxBytes * SESSION_FILES_RAW_FACTOR;
  const files: SessionArchiveFile[] = [];
  for (const path of candidates) {
    let bytes: Buffer | null;
    try {
      bytes = await readHomeFile(at.home, path, roomBytes);
    } catch (error) {
      if (error instanceof HomeFileTooLargeError) return { kind: 'none', reason: `the session files are over ${at.maxBytes * SESSION_FILES_RAW_FACTOR} bytes (${error.message})` };
      onRefused(path, (error as Error).message);
      continue;
    }
    if (!bytes) continue;
    roomBytes -= bytes.length;
    files.push({ path, contentBase64: bytes.toString('base64') });
  }
  if (files.length === 0) return { kind: 'none', reason: 'the agent left no session files' };
  const bundle: SessionArchiveBundle = { version: 1, files };
  const archive = await gzipAsync(Buffer.from(JSON.stringify(bundle)));
  if (archive.length > at.maxBytes) return { kind: 'none', reason: `the archive is ${archive.length} bytes, over SESSION_ARCHIVE_MAX_BYTES (${at.maxBytes})` };
  return { kind: 'archive', archive, files: files.length };
}

/**
 * Write the files of `archive` (base64 of the gzipped bundle) into `home`, each where the agent
 * looks for it for ACP session `acpSessionId` resumed in `cwd` (`sessionFiles.restorePath`);
 * files the agent would not look for are left out.
 * @param maxBytes most bytes the unpacked archive may have
 * @returns how many files were written
 * @throws when the archive cannot be unpacked or is not a bundle, a path is unsafe, or nothing is
 *   left to restore
 */
export async function restoreSessionArchive(sessionFiles: AgentSessionFiles, at: { home: string; acpSessionId: string; cwd: string; archive: string; maxBytes: number }): Promise<number> {
  const unpacked = await gunzipAsync(Buffer.from(at.archive, 'base64'), { maxOutputLength: at.maxBytes });
  const bundle = SessionArchiveBundle.parse(JSON.parse(unpacked.toString('utf8')));
  let written = 0;
  for (const file of bundle.files) {
    const target = sessionFiles.restorePath(file.path, at.acpSessionId, at.cwd);
    if (target === null) continue;
    await writeHomeFile(at.home, target, Buffer.from(file.contentBase64, 'base64'));
    written += 1;
  }
  if (written === 0) throw new Error(`the archive holds no file of session ${at.acpSessionId}`);
  return written;
}
