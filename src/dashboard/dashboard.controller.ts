import { Controller, Get, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '../admin/openapi-decorators.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DashboardAccessGuard } from './dashboard-access.guard.js';
import { DashboardAssets, type DashboardAsset } from './dashboard-assets.js';
import { DASHBOARD_HEADERS } from './dashboard-headers.js';

/**
 * `GET /_harp/` (and `/_harp`): the dashboard page; `GET /_harp/assets/<file>`: its script
 * modules, style sheet and icon. The page reads everything else from the admin API.
 */
@ApiExcludeController()
@Controller('_harp')
@UseGuards(DashboardAccessGuard)
export class DashboardController {
  constructor(private readonly assets: DashboardAssets) {}

  // Express matches `/_harp` and `/_harp/` alike; the page links its files by absolute path,
  // so both spellings work without a redirect.
  @Get()
  page(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    send(req, res, this.assets.page());
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    const asset = this.assets.asset(name);
    if (asset === undefined) throw new NotFoundException(`no dashboard file is called ${name}`);
    send(req, res, asset);
  }
}

function send(req: IncomingMessage, res: ServerResponse, asset: DashboardAsset): void {
  const headers = { ...DASHBOARD_HEADERS, ETag: asset.etag };
  if (matches(req.headers['if-none-match'], asset.etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  res
    .writeHead(200, { ...headers, 'Content-Type': asset.contentType, 'Content-Length': asset.body.length })
    .end(asset.body);
}

/** `If-None-Match` (RFC 9110 §13.1.2): a list of entity tags, or `*`; weak comparison. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
