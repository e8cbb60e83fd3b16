// Latency and injected faults: the parts of "how AWS behaves" that are not about data.
import type { Scenario } from '../scenario/scenario.schema';
import { createRng, hash32, type Rng } from '../util/hash';
import { ThrottleLimiter } from './token-bucket';

export interface BehaviourSettings {
  latencyMs: number;
  latencyJitterMs?: number | undefined;
  handlerInternalFailureRate: number;
}

export class Behaviour {
  readonly throttle: ThrottleLimiter;
  private settings: BehaviourSettings;
  private readonly rng: Rng;

  constructor(scenario: Scenario) {
    this.throttle = new ThrottleLimiter(scenario.throttle);
    this.settings = {
      latencyMs: scenario.latencyMs,
      latencyJitterMs: scenario.latencyJitterMs,
      handlerInternalFailureRate: scenario.faults.handlerInternalFailureRate,
    };
    this.rng = createRng(hash32(`${scenario.seed}|faults`));
  }

  get current(): BehaviourSettings {
    return { ...this.settings };
  }

  update(patch: Partial<BehaviourSettings>): void {
    this.settings = { ...this.settings, ...patch };
  }

  /** Waits the configured latency (mean ± jitter; jitter defaults to 20% of the mean). */
  async delay(): Promise<void> {
    const { latencyMs, latencyJitterMs } = this.settings;
    if (latencyMs <= 0) return;
    const jitter = latencyJitterMs ?? latencyMs * 0.2;
    const ms = Math.max(0, latencyMs + (this.rng() * 2 - 1) * jitter);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** True when this call should fail with HandlerInternalFailureException. */
  injectHandlerFailure(): boolean {
    return (
      this.settings.handlerInternalFailureRate > 0 && this.rng() < this.settings.handlerInternalFailureRate
    );
  }
}
