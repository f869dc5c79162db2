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

export const userIdentitySchema = z.looseObject({
  type: z.string(),
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

export const cloudTrailEventSchema = z.looseObject({
  eventVersion: z.string().optional(),
  eventID: z.string().min(1),
  eventTime: z.string().optional(),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  eventType: z.string().optional(),
  awsRegion: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  userIdentity: userIdentitySchema,
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
