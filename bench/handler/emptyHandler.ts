/** The baseline: a handler that does nothing, bundled and imported exactly as the real ones are. */
export const handler = async () => ({ batchItemFailures: [] });
