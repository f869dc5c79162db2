import type { ExportSink } from "@vigil/store-dynamodb";

/** The export sweep's metrics, which its stack module alarms on (Powertools adds the `service` dimension). */
export const EXPORT_METRICS = {
  exported: { securityHub: "FindingsImportedToSecurityHub", ocsf: "FindingsWrittenAsOcsf" } satisfies Record<ExportSink, string>,
  failures: { securityHub: "SecurityHubImportFailures", ocsf: "OcsfWriteFailures" } satisfies Record<ExportSink, string>,
  /** Seconds since the latest change of the oldest finding a sink could not take; 0 when every sink took all. */
  oldestUnexportedAge: "OldestUnexportedChangeAgeSeconds",
} as const;
