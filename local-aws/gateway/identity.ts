import type { CognitoCaller } from "../engine/records";

/** A caller whose signature and IAM authorization were accepted, as the integration sees it. */
export interface Caller {
    /** The principal's ARN (`$context.identity.userArn`). */
    readonly arn: string;
    /** The access key id the request was signed with. */
    readonly accessKey: string;
    /** The principal's account. */
    readonly accountId: string;
    /** IAM's unique id of the principal (`aws:userid`): `AIDA…` for a user. */
    readonly userId: string;
    /** The identity pool's identity, for credentials Cognito Identity issued. */
    readonly cognito?: CognitoCaller;
}

/** `$context.identity` and a Lambda proxy event's `requestContext.identity`: the same fields, from one place. */
export interface RequestIdentity {
    readonly cognitoIdentityPoolId: string | null;
    readonly accountId: string | null;
    readonly cognitoIdentityId: string | null;
    readonly caller: string | null;
    readonly sourceIp: string;
    readonly principalOrgId: null;
    readonly accessKey: string | null;
    readonly cognitoAuthenticationType: string | null;
    readonly cognitoAuthenticationProvider: string | null;
    readonly userArn: string | null;
    readonly userAgent: string | null;
    readonly user: string | null;
}

/**
 * What API Gateway tells an integration about who called: for an AWS_IAM method the principal's ARN,
 * account, unique id (`user` and `caller`) and access key; for a method without authorization only the
 * source IP and user agent, every other field null (AWS's documented example of both).
 */
export function requestIdentity(
    caller: Caller | undefined,
    sourceIp: string,
    userAgent: string | undefined,
): RequestIdentity {
    return {
        cognitoIdentityPoolId: caller?.cognito?.identityPoolId ?? null,
        accountId: caller?.accountId ?? null,
        cognitoIdentityId: caller?.cognito?.identityId ?? null,
        caller: caller?.userId ?? null,
        sourceIp,
        principalOrgId: null,
        accessKey: caller?.accessKey ?? null,
        cognitoAuthenticationType: caller?.cognito?.authenticationType ?? null,
        cognitoAuthenticationProvider: caller?.cognito?.authenticationProvider ?? null,
        userArn: caller?.arn ?? null,
        userAgent: userAgent ?? null,
        user: caller?.userId ?? null,
    };
}
