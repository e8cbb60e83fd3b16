// The live sandbox state, swapped as a whole when a new scenario is loaded.
import { Behaviour } from './limits/behaviour';
import { scenarioSchema, type Scenario } from './scenario/scenario.schema';
import { CloudState } from './store/cloud-state';
import { AwsError } from '../contract';

export interface CloudRuntime {
  scenario: Scenario;
  state: CloudState;
  behaviour: Behaviour;
  /** Increments on every load, so NextTokens from an older scenario are rejected. */
  generation: number;
}

let generations = 0;

/** Validates a scenario document; throws AwsError 400 with the zod issues when it is invalid. */
export function parseScenario(input: unknown): Scenario {
  const result = scenarioSchema.safeParse(input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AwsError('InvalidScenario', `invalid scenario: ${issues}`, 400);
  }
  return result.data;
}

/** Builds a runtime from a validated scenario. */
export function createRuntime(scenario: Scenario): CloudRuntime {
  return {
    scenario,
    state: new CloudState(scenario),
    behaviour: new Behaviour(scenario),
    generation: ++generations,
  };
}
