import { atLeast, SEVERITIES, type Severity } from "@vigil/core";

/** Findings counted by severity, for the summary line, without keeping the findings. */
export class SeverityCounts {
  readonly #counts = new Map<Severity, number>();

  add(severity: Severity): void {
    this.#counts.set(severity, (this.#counts.get(severity) ?? 0) + 1);
  }

  get total(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  atLeast(minimum: Severity): number {
    let total = 0;
    for (const [severity, count] of this.#counts) if (atLeast(severity, minimum)) total += count;
    return total;
  }

  /** "4 CRITICAL, 3 HIGH", most severe first. */
  describe(): string {
    return SEVERITIES.filter((severity) => this.#counts.has(severity))
      .map((severity) => `${this.#counts.get(severity)} ${severity}`)
      .join(", ");
  }
}
