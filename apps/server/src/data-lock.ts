import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database belongs to one process. The server writes a lock file in the data
 * folder; command-line tools that would open the same folder refuse while it is alive.
 */
export interface LockHolder {
  pid: number;
  port: number | null;
  command: string;
  since: string;
}

const LOCK_FILE = 'tejido.lock';

export class DataFolderBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The data folder ${dataDir} is in use by Tejido (${holder.command}, pid ${holder.pid}` +
        `${holder.port ? `, serving on port ${holder.port}` : ''}, since ${holder.since}). ` +
        "The embedded database can be opened by one process only: stop that process first, or use the running server's API.",
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dataDir: string): LockHolder | undefined {
  const file = join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return alive(holder.pid) && holder.pid !== process.pid ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Take the data folder for this process, or throw DataFolderBusyError naming who holds it. Returns the release function. */
export function lockDataFolder(dataDir: string, command: string, port: number | null = null): () => void {
  mkdirSync(dataDir, { recursive: true });
  const holder = readLock(dataDir);
  if (holder) throw new DataFolderBusyError(dataDir, holder);
  const file = join(dataDir, LOCK_FILE);
  writeFileSync(file, JSON.stringify({ pid: process.pid, port, command, since: new Date().toISOString() }));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      const current = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
      if (current.pid === process.pid) rmSync(file);
    } catch {
      // Already gone.
    }
  };
}
