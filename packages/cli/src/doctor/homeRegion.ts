/** Where the Monitor stack, its topics and the Slack parameter live; mirrors stacks/home.ts, which the CLI does not import. */
export const HOME_REGION = "us-east-1";
