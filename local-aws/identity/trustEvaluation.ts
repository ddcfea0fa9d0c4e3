import { createValidatedPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { runUnsafeSimulation } from "../gateway/iamSimulator";
import { InvokeAnswer, NamedPolicy, stricterOfReadings } from "../gateway/iamEvaluation";

/** Everything IAM looks at to decide whether a caller may assume a role, in plain data (it crosses to a worker). */
export interface AssumeRoleQuestion {
    readonly kind: "assumeRole";
    /** The caller: a user or role-session ARN, an OIDC provider's ARN, or `cognito-identity.amazonaws.com`. */
    readonly principal: string;
    readonly action: "sts:AssumeRole" | "sts:AssumeRoleWithWebIdentity";
    readonly roleArn: string;
    readonly roleAccountId: string;
    /** The role's trust policy, a resource policy of the role. */
    readonly trustPolicy: string;
    /** The caller's identity policies (none for a web identity). */
    readonly identityPolicies: readonly NamedPolicy[];
    /** Condition keys: the caller's, the request's (`sts:ExternalId`), the token's (`<issuer>:sub`, …). */
    readonly context: readonly (readonly [string, string | readonly string[]])[];
    /** Keys of the context AWS may or may not send: asked with and without them, the stricter answer holds. */
    readonly uncertainKeys?: readonly string[];
}

/**
 * IAM's decision on assuming a role, with `@cloud-copilot/iam-simulate` as for every other decision
 * of local mode: the trust policy must allow the caller explicitly (also in the role's own account),
 * and a caller of another account also needs an Allow of its own policies; a Deny anywhere wins.
 */
export function evaluateAssumeRole(question: AssumeRoleQuestion): InvokeAnswer {
    return stricterOfReadings(question, evaluateOneReading);
}

function evaluateOneReading(question: AssumeRoleQuestion): InvokeAnswer {
    const trust = createValidatedPolicy(JSON.parse(question.trustPolicy), validateTrustPolicy, {
        name: "trust policy",
    });
    if (trust.errors.length > 0)
        throw new Error(`The trust policy of ${question.roleArn} is invalid: ${JSON.stringify(trust.errors)}`);
    const context: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [key, value] of question.context) context[key] = typeof value === "string" ? value : [...value];
    const result = runUnsafeSimulation(
        {
            request: {
                principal: question.principal,
                action: question.action,
                resource: { resource: question.roleArn, accountId: question.roleAccountId },
                contextVariables: context,
            },
            identityPolicies: question.identityPolicies.map((p) => ({
                name: p.name,
                policy: JSON.parse(p.document) as unknown,
            })),
            resourcePolicy: trust,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result !== "Allowed" && result !== "ImplicitlyDenied" && result !== "ExplicitlyDenied")
        throw new Error(
            `The IAM simulator answered ${JSON.stringify(result)} for ${question.action} on ${question.roleArn}, which is no decision.`,
        );
    const reason =
        result === "Allowed"
            ? "allowed"
            : result === "ExplicitlyDenied"
              ? `an explicit Deny matches ${question.action} on ${question.roleArn}`
              : `no statement of the trust policy${question.identityPolicies.length > 0 ? " and the caller's policies" : ""} allows ${question.principal} ${question.action} on ${question.roleArn}`;
    return { decision: result, reason };
}
