import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname } from 'node:path';

/** Quiet time after the last change before the files are read again. */
export const RELOAD_DEBOUNCE_MS = 250;

/**
 * Calls `changed` once things have been quiet for `debounceMs` after any change in the
 * directories of `files`. Directories, not the files: a file replaced by `mv`, by an editor's
 * save (a new file renamed over the old) or by a Kubernetes secret's symlink swap is a new inode,
 * which a watch on the old file would never report. The caller compares contents, so a change
 * to another file of the directory costs one read and nothing else.
 */
export function watchDirectories(files: readonly string[], changed: () => void, debounceMs = RELOAD_DEBOUNCE_MS): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const onEvent = (): void => {
    clearTimeout(timer);
    timer = setTimeout(changed, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const directory of new Set(files.map((file) => dirname(file)))) {
    const watcher = watch(directory, { persistent: false }, onEvent);
    // A directory that goes away stops its watcher; the certificates in use stay.
    watcher.on('error', () => watcher.close());
    watchers.push(watcher);
  }
  return {
    close(): void {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
