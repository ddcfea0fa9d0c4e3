import { runSimulation } from "@cloud-copilot/iam-simulate";
import { INVOKE_ACTION } from "../../components/policy";
import { AttachedPolicy } from "../engine/account";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

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
 * Evaluates the caller's identity policies (its own and its groups') for `execute-api:Invoke` on the
 * request's resource with `@cloud-copilot/iam-simulate`: an explicit Deny wins, else an Allow must match.
 */
export async function authorizeInvoke(
    principalArn: string,
    accountId: string,
    resourceArn: string,
    policies: readonly AttachedPolicy[],
): Promise<Decision> {
    if (policies.length === 0) return "ImplicitlyDenied";
    const result = await runSimulation(
        {
            request: {
                principal: principalArn,
                action: INVOKE_ACTION,
                resource: { resource: resourceArn, accountId },
                contextVariables: {},
            },
            identityPolicies: policies.map((p, i) => ({
                name: `${i}:${p.name}`,
                policy: JSON.parse(p.document) as unknown,
            })),
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
