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

/** Who is calling: an IAM user with its policies, or nobody (a method without authorization). */
export type Caller = { readonly principalArn: string; readonly policies: readonly AttachedPolicy[] } | "anonymous";

/**
 * Evaluates `execute-api:Invoke` on the request's resource with `@cloud-copilot/iam-simulate`, as IAM
 * does for a caller of the same account: the caller's identity policies (its own and its groups') and
 * the API's resource policy; an explicit Deny anywhere wins, else an Allow from either must match. An
 * anonymous caller (API Gateway still evaluates the resource policy for methods without authorization)
 * has no identity policies, so only an explicit Allow in the resource policy lets it through.
 */
export async function authorizeInvoke(
    caller: Caller,
    accountId: string,
    resourceArn: string,
    resourcePolicy: unknown,
    context: RequestContext,
): Promise<Decision> {
    const signed = caller !== "anonymous";
    const result = await runSimulation(
        {
            request: {
                principal: signed ? caller.principalArn : anonymousPrincipal,
                action: INVOKE_ACTION,
                resource: { resource: resourceArn, accountId },
                contextVariables: {
                    "aws:SourceIp": context.sourceIp,
                    ...(signed ? { "aws:PrincipalAccount": accountId } : {}),
                },
            },
            identityPolicies: signed
                ? caller.policies.map((p, i) => ({ name: `${i}:${p.name}`, policy: JSON.parse(p.document) as unknown }))
                : [],
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
