import type { Finding } from "@vigil/core";
import type { NotificationOutbox, PostureFindings } from "@vigil/monitor";
import type { PostureRunSync, PostureSyncResult } from "@vigil/store-dynamodb";

/**
 * Stands in for the DynamoDB finding store in the organization benchmark, making the requests
 * PostureLifecycle makes (one write of the run's findings, then one byRule query per check that
 * ran, in sequence) each answered after `latencyMs`, as the benchmark answers every AWS call.
 * dynalite runs in the benchmark's own process and would measure its CPU, not the run's waiting.
 * Every finding is new: the first run of a fresh deployment.
 */
export class LatentStore implements PostureFindings, NotificationOutbox {
  readonly #wait: () => Promise<void>;
  requests = 0;

  constructor(latencyMs: number) {
    this.#wait = () => {
      this.requests += 1;
      return new Promise((resolve) => setTimeout(resolve, latencyMs));
    };
  }

  async syncPostureRun(run: PostureRunSync): Promise<PostureSyncResult> {
    await this.#wait();
    for (const _check of run.checkIds) await this.#wait();
    return { created: [...run.findings] as Finding[], seenAgain: [], stillOpen: [], resolved: [], reopened: [] };
  }

  async recordRemediation(): Promise<boolean> {
    await this.#wait();
    return true;
  }

  async completeDelivery(): Promise<void> {
    await this.#wait();
  }

  async releaseDelivery(): Promise<boolean> {
    await this.#wait();
    return true;
  }

  async claimDelivery(): Promise<"claimed"> {
    await this.#wait();
    return "claimed";
  }

  async listUndelivered(): Promise<Finding[]> {
    await this.#wait();
    return [];
  }
}
