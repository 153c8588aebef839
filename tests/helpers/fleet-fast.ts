// Short queue and lease timings for the fleet tests: a job or lease of a killed worker lapses in seconds.
import type { HostCrawlerOptions } from '../../src/fleet/crawl-host.ts';
import type { QueueOptions } from '../../src/fleet/queue.ts';

export const FLEET_FAST: QueueOptions = {
  fetchExpireSeconds: 6,
  extractExpireSeconds: 6,
  retryDelaySeconds: 0,
  pollingIntervalSeconds: 0.5,
  maintenanceIntervalSeconds: 1,
};

export const HOST_FAST: HostCrawlerOptions = {
  leaseMs: 3000,
  pollMs: 50,
  /** well below fetchExpireSeconds: a live job is never expired under it */
  jobBudgetMs: 1500,
  lockStaleMs: 5000,
  lockHeartbeatMs: 1000,
};
