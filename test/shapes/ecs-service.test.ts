/**
 * An ECS Fargate service behind a load balancer, with a container health check (startPeriod 30)
 * and two task definition files of the same family (Fargate and EC2 variants).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover.js';
import { commands, design, drivers, SHAPES } from './helpers.js';

describe('fixture ecs-service', () => {
  it('low risk, one command, the container health check and the deregistration delay in the duration', async () => {
    const p = await design('ecs-service');
    expect(p.risk).toBe('low');
    expect(p.trigger.command).toBe(
      'aws ecs update-service --cluster=payments-prod --service=payments-api --task-definition "${TARGET_TASK_DEFINITION}"',
    );
    expect(commands(p)).toContain(
      'aws ecs wait services-stable --cluster=payments-prod --services=payments-api',
    );
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'desiredCount=4 (manifest@deploy/ecs/service.json:5)',
        'container healthCheck.startPeriod=30 (manifest@deploy/ecs/task-definition.fargate.json:19)',
        'container healthCheck.interval=10 (manifest@deploy/ecs/task-definition.fargate.json:16)',
        'healthCheckGracePeriodSeconds=60 (manifest@deploy/ecs/service.json:12)',
        'deregistrationDelaySeconds=300 (default)',
      ]),
    );
    const step = p.runbook.find((s) => s.id === 'ecs-update-service');
    // one wave: pull 10 + max(a new target's first ALB check 30, startPeriod 30 + interval 10) = 50,
    // + deregistration 300 (the old tasks drain after the new ones are healthy)
    expect(step?.expectedSeconds).toBe(350);
  });

  it('both task definition files are accounted for: the Fargate one read, the EC2 one set aside with why', async () => {
    const r = await discoverRepository({ dir: join(SHAPES, 'ecs-service') });
    expect(r.deployFiles.map((f) => `${f.file} ${f.status} ${f.notes[0] ?? ''}`)).toEqual([
      'deploy/ecs/service.json chosen ',
      "deploy/ecs/task-definition.ec2.json ignored EC2 variant: not the service's launch type FARGATE (ecsservice/payments-api)",
      'deploy/ecs/task-definition.fargate.json chosen ECS task definition, family payments-api',
    ]);
    expect(r.discovery.unknowns).toEqual([]);
  });
});
