import { INVOKE_ACTION } from "./policy";

/** Whether a statement allows or denies. */
export const PolicyEffect = { Allow: "Allow", Deny: "Deny" } as const;
export type PolicyEffect = (typeof PolicyEffect)[keyof typeof PolicyEffect];

/** The principals a statement applies to: account roots or IAM ARNs, or `"*"` for everyone. */
export interface PolicyPrincipal {
    AWS: string[];
}

/**
 * A statement of the API's resource policy, in IAM's JSON shape. `Resource` defaults to
 * `execute-api:/*`, which API Gateway rewrites to this API's ARN on import. (Lists rather than
 * "string or list", so Pulumi's schema can express it for every language.)
 */
export interface ResourcePolicyStatement {
    /** An identifier for the statement. */
    Sid?: string;
    Effect: PolicyEffect;
    Principal: PolicyPrincipal;
    /** Actions, e.g. `["execute-api:Invoke"]`. */
    Action: string[];
    /** @default ["execute-api:/*"] (this whole API) */
    Resource?: string[];
    /** IAM conditions: operator → condition key → values. */
    Condition?: Record<string, Record<string, string[]>>;
}

const EVERYONE: PolicyPrincipal = { AWS: ["*"] };

/** Every method of every stage of this API, in the form API Gateway rewrites on import. */
export const THIS_API = "execute-api:/*";

function denyUnless(sid: string, operator: string, key: string, values: readonly string[]): ResourcePolicyStatement {
    if (values.length === 0) throw new Error(`${sid}: give at least one value for ${key}.`);
    return {
        Sid: sid,
        Effect: "Deny",
        Principal: EVERYONE,
        Action: [INVOKE_ACTION],
        Resource: [THIS_API],
        Condition: { [operator]: { [key]: [...values] } },
    };
}

/**
 * Refuses callers whose credentials belong to another AWS account, even if that account's policies
 * allow them (without any resource policy, API Gateway already refuses cross-account IAM callers;
 * this makes it explicit and survives a later Allow).
 * @example resourcePolicy: [denyOutsideAccounts(["123456789012"])]
 */
export const denyOutsideAccounts = (accountIds: readonly string[]): ResourcePolicyStatement =>
    denyUnless("DenyOutsideAccounts", "StringNotEquals", "aws:PrincipalAccount", accountIds);

/**
 * Refuses requests that do not come from these IP ranges (CIDR), signed or not.
 * @example resourcePolicy: [denyOutsideSourceIps(["203.0.113.0/24"])]
 */
export const denyOutsideSourceIps = (cidrs: readonly string[]): ResourcePolicyStatement =>
    denyUnless("DenyOutsideSourceIps", "NotIpAddress", "aws:SourceIp", cidrs);

/**
 * Refuses requests that do not arrive through one of these VPCs (for a `PRIVATE` API).
 * @example resourcePolicy: [denyOutsideSourceVpcs(["vpc-0abc"])]
 */
export const denyOutsideSourceVpcs = (vpcIds: readonly string[]): ResourcePolicyStatement =>
    denyUnless("DenyOutsideSourceVpcs", "StringNotEquals", "aws:SourceVpc", vpcIds);

/**
 * Refuses requests that do not arrive through one of these interface VPC endpoints (for a `PRIVATE` API).
 * @example resourcePolicy: [denyOutsideVpcEndpoints(["vpce-0abc"])]
 */
export const denyOutsideVpcEndpoints = (vpceIds: readonly string[]): ResourcePolicyStatement =>
    denyUnless("DenyOutsideVpcEndpoints", "StringNotEquals", "aws:SourceVpce", vpceIds);

/**
 * What a `PRIVATE` API needs to be callable at all: an Allow for the account (principals still need
 * their own IAM permission) through these VPC endpoints.
 * @example resourcePolicy: allowAccountThroughVpcEndpoints("123456789012", ["vpce-0abc"])
 */
export function allowAccountThroughVpcEndpoints(
    accountId: string,
    vpceIds: readonly string[],
): ResourcePolicyStatement[] {
    return [
        {
            Sid: "AllowAccountPrincipals",
            Effect: "Allow",
            Principal: { AWS: [`arn:aws:iam::${accountId}:root`] },
            Action: [INVOKE_ACTION],
            Resource: [THIS_API],
        },
        denyOutsideVpcEndpoints(vpceIds),
    ];
}

/**
 * Problems with statements that would weaken the API: an Allow to everyone (`Principal: "*"`) lets any
 * principal of the account call it without an IAM permission of its own.
 */
export function resourcePolicyProblems(statements: readonly ResourcePolicyStatement[]): string[] {
    const problems: string[] = [];
    statements.forEach((statement, i) => {
        if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
            problems.push(
                `resourcePolicy[${i}] has Effect ${JSON.stringify(statement.Effect)}; use "Allow" or "Deny".`,
            );
        } else if (statement.Effect === "Allow" && (statement.Principal?.AWS ?? []).includes("*")) {
            problems.push(
                `resourcePolicy[${i}] allows Principal "*": with IAM authorization that lets any principal of the account call the API without its own permission. Name the account root ({ AWS: "arn:aws:iam::<account>:root" }) or use a Deny.`,
            );
        }
    });
    return problems;
}

/** The statements with `Resource` defaulted, as the body's `x-amazon-apigateway-policy` carries them. */
export function policyStatementsForBody(statements: readonly ResourcePolicyStatement[]): ResourcePolicyStatement[] {
    return statements.map((s) => ({ ...s, Resource: s.Resource ?? [THIS_API] }));
}
