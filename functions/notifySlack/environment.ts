import * as z from "zod";
import { tableName } from "../shared/env.ts";

/** What the Slack consumer reads from its environment; stacks/monitor/notifySlackFunction.ts sets exactly these. */
export const notifySlackEnvironment = {
  FINDINGS_TABLE_NAME: tableName,
  /** The SSM parameter name of the webhook URL, never the URL itself. */
  SLACK_WEBHOOK_PARAMETER: z.string().startsWith("/"),
};
