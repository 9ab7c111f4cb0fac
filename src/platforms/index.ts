import type { PlatformId } from '../model/service.js';
import type { Platform } from './types.js';

export type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

/** One module per deploy mechanism, looked up by id. */
export const PLATFORMS: Partial<Record<PlatformId, Platform>> = {};

export function platformFor(id: PlatformId): Platform | undefined {
  return PLATFORMS[id];
}
