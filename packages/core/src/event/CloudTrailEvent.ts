import * as z from "zod";

/**
 * The CloudTrail record fields Vigil reads. Records carry many more; they pass through untouched.
 * Optional fields are optional because AWS omits them for some event types (service events, sign-in).
 */
export const sessionIssuerSchema = z.looseObject({
  type: z.string().optional(),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
});

/**
 * `type` is optional: AWS service events (eventType AwsServiceEvent) carry only `accountId` and
 * `invokedBy`, e.g. Secrets Manager's StartSecretVersionDelete.
 */
export const userIdentitySchema = z.looseObject({
  type: z.string().optional(),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  accessKeyId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .looseObject({
      sessionIssuer: sessionIssuerSchema.optional(),
      attributes: z
        .looseObject({
          mfaAuthenticated: z.string().optional(),
          creationDate: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});

const jsonObject = z.record(z.string(), z.unknown());

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export const cloudTrailEventSchema = z.looseObject({
  eventVersion: z.string().optional(),
  eventID: z.string().min(1),
  /** CloudTrail writes `2026-11-20T08:40:51Z`; windows and sort order need an instant, so anything else is refused. */
  eventTime: z
    .string()
    .refine((text) => ISO_INSTANT.test(text) && Number.isFinite(Date.parse(text)), "must be an ISO 8601 instant such as 2026-11-20T08:40:51Z")
    .optional(),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  eventType: z.string().optional(),
  eventCategory: z.string().optional(),
  awsRegion: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  /**
   * Insights events carry no caller at all. An absent identity reads as `{}` so that every consumer
   * sees "no type, no ARN" the same way instead of each guarding the object itself.
   */
  userIdentity: userIdentitySchema.default(() => ({})),
  requestParameters: jsonObject.nullable().optional(),
  responseElements: jsonObject.nullable().optional(),
  additionalEventData: jsonObject.nullable().optional(),
  serviceEventDetails: jsonObject.nullable().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  recipientAccountId: z.string().optional(),
  readOnly: z.boolean().optional(),
  managementEvent: z.boolean().optional(),
});

export type UserIdentity = z.infer<typeof userIdentitySchema>;
export type CloudTrailEvent = z.infer<typeof cloudTrailEventSchema>;
