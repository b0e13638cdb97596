import { Injectable, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';

/** One file of the page, as it is answered. */
export interface DashboardAsset {
  readonly name: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong validator (RFC 9110 §8.8.3): a digest of the bytes. */
  readonly etag: string;
}

/** Where the files are: beside this module, in `src/` when run from source, `dist/` when built. */
export const DASHBOARD_PUBLIC_DIR = new URL('./public/', import.meta.url);

/** The page itself, answered at `/_harp/`. */
export const DASHBOARD_PAGE = 'index.html';

/** The kinds of file served, by extension; anything else in the folder is left out. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The dashboard's static files, read once at start-up and kept in memory (a few tens of kB).
 * A missing folder fails start-up: a build that forgot to copy the files should not be found
 * out by the first person who opens the page.
 */
@Injectable()
export class DashboardAssets implements OnModuleInit {
  private readonly assets = new Map<string, DashboardAsset>();

  async onModuleInit(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(DASHBOARD_PUBLIC_DIR);
    } catch (error) {
      throw new Error(`the dashboard's files are missing at ${DASHBOARD_PUBLIC_DIR.pathname}`, { cause: error });
    }
    for (const name of names.sort()) {
      const contentType = CONTENT_TYPES[extname(name)];
      // `.d.ts` files describe the modules to the type checker; they are not served.
      if (contentType === undefined || name.endsWith('.d.ts')) continue;
      const body = await readFile(new URL(name, DASHBOARD_PUBLIC_DIR));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      this.assets.set(name, { name, body, contentType, etag });
    }
    if (!this.assets.has(DASHBOARD_PAGE)) {
      throw new Error(`the dashboard's ${DASHBOARD_PAGE} is missing at ${DASHBOARD_PUBLIC_DIR.pathname}`);
    }
  }

  /** The page. */
  page(): DashboardAsset {
    return this.assets.get(DASHBOARD_PAGE)!;
  }

  /** A script, style sheet or image of the page by its file name; the page itself is not one. */
  asset(name: string): DashboardAsset | undefined {
    return name === DASHBOARD_PAGE ? undefined : this.assets.get(name);
  }

  /** Every file served, by name. */
  names(): string[] {
    return [...this.assets.keys()];
  }
}
