import { IAMClient } from "@aws-sdk/client-iam";
import { restoreOmittedPolicy } from "@vigil/aws-iam";
import type { PolicyRestorer } from "@vigil/monitor";
import { tracer } from "./observability.ts";

// Imported dynamically by evaluate the first time an event omits its policy document: a bundle
// split into chunks loads the IAM client only then, not at every cold start.
const client = tracer.captureAWSv3Client(new IAMClient({}));

export const restorePolicy: PolicyRestorer = (event) => restoreOmittedPolicy(client, event);
