/**
 * The region of the monitor itself. IAM, STS (global endpoint), Organizations and the root user's
 * console sign-ins are all recorded here, so its default event bus sees most of what Vigil watches;
 * the forwarders bring the rest.
 */
export const HOME_REGION = "us-east-1";
