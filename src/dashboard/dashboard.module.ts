import { Module } from '@nestjs/common';
import { DashboardAccessGuard } from './dashboard-access.guard.js';
import { DashboardAssets } from './dashboard-assets.js';
import { DashboardController } from './dashboard.controller.js';

/**
 * The dashboard page at `/_harp/` (see `docs/dashboard.md`): static files served from memory,
 * which read the admin API from the browser. Needs `HarpConfigModule` (global); import it
 * before `ProxyModule`, whose catch-all must come last.
 */
@Module({
  controllers: [DashboardController],
  providers: [DashboardAssets, DashboardAccessGuard],
})
export class DashboardModule {}
