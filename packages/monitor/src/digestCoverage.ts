import type { Finding } from "@vigil/core";
import { DeliveryLeaseLostError } from "@vigil/store-dynamodb";
import type { NotificationOutbox } from "./ports.ts";

export type DigestOutcome = { published: true; messageId: string } | { published: false; error: unknown };

/**
 * Settles the notifications a digest stood for: each leaves the outbox with the digest's MessageId
 * as its reference, or, when the digest was not published, is released for the retry sweep to
 * publish on its own. A failed notification is retried, never lost.
 */
export async function settleDigestCoverage(outbox: NotificationOutbox, covered: readonly Finding[], owner: string, outcome: DigestOutcome): Promise<void> {
  for (const finding of covered) {
    if (!outcome.published) {
      await outbox.releaseDelivery(finding.id, "sns", { owner, error: outcome.error });
      continue;
    }
    try {
      await outbox.completeDelivery(finding.id, "sns", { owner, reference: outcome.messageId });
    } catch (error) {
      // The lease ran out and the sweep took the finding: it publishes it on its own, which is no loss.
      if (!(error instanceof DeliveryLeaseLostError)) throw error;
    }
  }
}
