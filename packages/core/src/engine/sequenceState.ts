/**
 * One sequence as a WindowStore keeps it (the steps seen on one resource), and the pure step that
 * records a step in it. Like windowState.ts, both stores take this step, so the CLI and the
 * deployed monitor agree, and the DynamoDB store only adds the conditional write around it.
 */

/** A step of a sequence rule as recorded: enough to name it in the finding without the event. */
export interface SequenceStep {
  /** The CloudTrail eventID. */
  id: string;
  /** The step's name among the rule's steps (`create`, `admin`, ...). */
  step: string;
  /** Event time, epoch ms. */
  t: number;
  /** How the finding names this step. */
  summary: string;
}

/** A completed sequence: the steps it was made of and the event that completed it. */
export interface CompletedSequence {
  by: string;
  steps: SequenceStep[];
}

export interface SequenceState {
  /** Steps not yet part of a completed sequence, in the order they were recorded. */
  open: SequenceStep[];
  /** The latest completed sequences, newest last: their steps are never used again. */
  done: CompletedSequence[];
}

export type SequenceTransition =
  | { changed: false; fired: SequenceStep[] | undefined }
  | { changed: true; next: SequenceState; fired: SequenceStep[] | undefined };

export const EMPTY_SEQUENCE: SequenceState = { open: [], done: [] };

/** Enough to recognise the redelivery of a recent completion while keeping the item small. */
const MAX_DONE = 4;

/**
 * Records one step. Fires once, with every open step inside the span, when some span shorter than
 * `windowMs` holds every `required` step; those steps are then spent, so the sequence is reported
 * once however its steps arrive: in any order (CloudTrail delivers out of order), redelivered, or
 * spread over batches and invocations. The step that completed a sequence, redelivered, fires it
 * again with the same steps (the same finding); any other spent step is a no-op.
 *
 * Steps older than `windowMs` before the one being recorded can no longer join it and are dropped.
 */
export function recordStep(state: SequenceState, step: SequenceStep, windowMs: number, required: readonly string[]): SequenceTransition {
  const done = state.done.find((candidate) => candidate.steps.some((spent) => spent.id === step.id));
  if (done) return { changed: false, fired: done.by === step.id ? [...done.steps] : undefined };
  if (state.open.some((candidate) => candidate.id === step.id)) return { changed: false, fired: undefined };
  const open = [...state.open.filter((candidate) => step.t - candidate.t < windowMs), step];
  const span = completeSpan(open, windowMs, required);
  if (!span) return { changed: true, next: { open, done: state.done }, fired: undefined };
  const spent = new Set(span.map((candidate) => candidate.id));
  return {
    changed: true,
    next: { open: open.filter((candidate) => !spent.has(candidate.id)), done: [...state.done, { by: step.id, steps: span }].slice(-MAX_DONE) },
    fired: [...span],
  };
}

/** The earliest run of steps, by event time, shorter than the window and holding every required step. */
function completeSpan(steps: readonly SequenceStep[], windowMs: number, required: readonly string[]): SequenceStep[] | undefined {
  const sorted = [...steps].sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const [index, first] of sorted.entries()) {
    const span = sorted.slice(index).filter((candidate) => candidate.t - first.t < windowMs);
    const names = new Set(span.map((candidate) => candidate.step));
    if (required.every((name) => names.has(name))) return span;
  }
  return undefined;
}
