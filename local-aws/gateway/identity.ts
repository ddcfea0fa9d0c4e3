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
}

/** `$context.identity` and a Lambda proxy event's `requestContext.identity`: the same fields, from one place. */
export interface RequestIdentity {
    readonly cognitoIdentityPoolId: null;
    readonly accountId: string | null;
    readonly cognitoIdentityId: null;
    readonly caller: string | null;
    readonly sourceIp: string;
    readonly principalOrgId: null;
    readonly accessKey: string | null;
    readonly cognitoAuthenticationType: null;
    readonly cognitoAuthenticationProvider: null;
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
        cognitoIdentityPoolId: null,
        accountId: caller?.accountId ?? null,
        cognitoIdentityId: null,
        caller: caller?.userId ?? null,
        sourceIp,
        principalOrgId: null,
        accessKey: caller?.accessKey ?? null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: caller?.arn ?? null,
        userAgent: userAgent ?? null,
        user: caller?.userId ?? null,
    };
}
