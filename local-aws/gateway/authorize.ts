import { anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";
import { INVOKE_ACTION } from "../../components/policy";
import { AttachedPolicy } from "../engine/account";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** What the request carries that policies can test. */
export interface RequestContext {
    readonly sourceIp: string;
}

/**
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<VERB>/<path>` for the concrete request
 * (the path as called, not its template, without its leading slash: `…/test/GET/pets/42`).
 */
export function invokeResourceArn(
    region: string,
    accountId: string,
    apiId: string,
    stage: string,
    verb: string,
    resourcePath: string,
): string {
    return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${verb}/${resourcePath.replace(/^\//, "")}`;
}

/**
 * Evaluates `execute-api:Invoke` on the request's resource with `@cloud-copilot/iam-simulate`: the
 * caller's identity policies (its own and its groups') and the API's resource policy, as IAM does for a
 * caller of the same account: an explicit Deny anywhere wins, else an Allow from either must match.
 */
export async function authorizeInvoke(
    principalArn: string,
    accountId: string,
    resourceArn: string,
    policies: readonly AttachedPolicy[],
    resourcePolicy: unknown,
    context: RequestContext,
): Promise<Decision> {
    const result = await runSimulation(
        {
            request: {
                principal: principalArn,
                action: INVOKE_ACTION,
                resource: { resource: resourceArn, accountId },
                contextVariables: { "aws:SourceIp": context.sourceIp, "aws:PrincipalAccount": accountId },
            },
            identityPolicies: policies.map((p, i) => ({
                name: `${i}:${p.name}`,
                policy: JSON.parse(p.document) as unknown,
            })),
            resourcePolicy,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result.resultType === "error") {
        // A policy the simulator cannot read grants nothing; AWS would have refused to store it.
        return "ImplicitlyDenied";
    }
    const overall = result.overallResult;
    return overall === "Allowed" || overall === "ExplicitlyDenied" ? overall : "ImplicitlyDenied";
}

/**
 * For a method without authorization, API Gateway still evaluates the resource policy, as an anonymous
 * caller: it needs an explicit Allow there (no identity policy can grant it), and any Deny wins.
 */
export async function authorizeAnonymousInvoke(
    accountId: string,
    resourceArn: string,
    resourcePolicy: unknown,
    context: RequestContext,
): Promise<Decision> {
    const result = await runSimulation(
        {
            request: {
                principal: anonymousPrincipal,
                action: INVOKE_ACTION,
                resource: { resource: resourceArn, accountId },
                contextVariables: { "aws:SourceIp": context.sourceIp },
            },
            identityPolicies: [],
            resourcePolicy,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result.resultType === "error") return "ImplicitlyDenied";
    const overall = result.overallResult;
    return overall === "Allowed" || overall === "ExplicitlyDenied" ? overall : "ImplicitlyDenied";
}
