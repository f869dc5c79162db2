import type { Template } from "aws-cdk-lib/assertions";
import { HOME_REGION } from "../../stacks/home.ts";
import type { SynthesizedStack } from "../../stacks/synthesize.ts";
import type { SynthesizedTemplates } from "../helpers/synth.ts";
import { functionWithHandler, only, type Resource, resources } from "./templateQueries.ts";

/** The Vigil functions of the home stack, by their handler path. */
export const HANDLERS = {
  evaluate: "functions/evaluate.handler",
  notifySlack: "functions/notifySlack.handler",
  retry: "functions/retryNotifications.handler",
  posture: "functions/posture.handler",
  api: "functions/api.handler",
};

/** Lookups into one synthesized home stack: a function's logical id and properties, a construct's logical id. */
export function homeLookups(templates: SynthesizedTemplates) {
  const home: Template = templates.home;
  const homeStack = templates.stacks.find((stack) => stack.region === HOME_REGION) as SynthesizedStack;
  const fnId = (handler: string) => functionWithHandler(homeStack, handler);
  const fnProps = (handler: string) => (resources(home, "AWS::Lambda::Function")[fnId(handler)] as Resource).Properties ?? {};
  const id = (type: string, constructId: string, template = home) => only(template, type, constructId)[0];
  return { home, homeStack, fnId, fnProps, id };
}
