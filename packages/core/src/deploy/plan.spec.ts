import { promises as fsp, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDeploy } from './plan';
import type { DeployPlan, PlanInput } from './types';

const FIXTURES = path.join(__dirname, 'fixtures');
const scenarios = readdirSync(FIXTURES).sort();

describe('planDeploy fixtures', () => {
  it.each(scenarios)('%s', async (scenario) => {
    const input = JSON.parse(await fsp.readFile(path.join(FIXTURES, scenario, 'input.json'), 'utf8')) as PlanInput;
    const expected = JSON.parse(await fsp.readFile(path.join(FIXTURES, scenario, 'expected.json'), 'utf8')) as DeployPlan;
    expect(planDeploy(input)).toEqual(expected);
  });
});
