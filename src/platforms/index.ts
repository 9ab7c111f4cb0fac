import type { PlatformId } from '../model/service.js';
import { argoRollouts } from './argo-rollouts.js';
import { argocd } from './argocd.js';
import { cloudRun } from './cloud-run.js';
import { compose } from './compose.js';
import { ecs } from './ecs.js';
import { flux } from './flux.js';
import { helm } from './helm.js';
import { heroku } from './heroku.js';
import { kubernetes } from './kubernetes.js';
import { lambda } from './lambda.js';
import { nomad } from './nomad.js';
import { terraform } from './terraform.js';
import type { Platform } from './types.js';
import { vm } from './vm.js';

export type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

/** One module per deploy mechanism, looked up by id (every PlatformId has one). */
export const PLATFORMS: Readonly<Record<PlatformId, Platform>> = {
  kubernetes,
  helm,
  'argo-rollouts': argoRollouts,
  argocd,
  flux,
  ecs,
  lambda,
  'cloud-run': cloudRun,
  nomad,
  heroku,
  vm,
  terraform,
  compose,
};

export function platformFor(id: PlatformId): Platform | undefined {
  return PLATFORMS[id];
}
