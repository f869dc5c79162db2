import { VigilError } from "@vigil/core";

/** A command line that cannot be run as given; exits 2 with the message. */
export class UsageError extends VigilError {}
