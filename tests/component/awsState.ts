import { APIGatewayClient, GetRestApiCommand } from "@aws-sdk/client-api-gateway";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
    GetGroupCommand,
    GetOpenIDConnectProviderCommand,
    GetPolicyCommand,
    GetRoleCommand,
    GetUserCommand,
    IAMClient,
} from "@aws-sdk/client-iam";
import { GetFunctionCommand, GetPolicyCommand as GetFunctionPolicyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Stack } from "@pulumi/pulumi/automation";

/** A resource of a stack's state: its Pulumi type and its provider id. */
export interface StackResource {
    readonly type: string;
    readonly id: string;
}

/** The resources a stack holds now (the provider's own resources and components left out). */
export async function stackResources(stack: Stack): Promise<StackResource[]> {
    const state = (await stack.exportStack()) as {
        deployment?: { resources?: { type: string; id?: string; custom?: boolean }[] };
    };
    return (state.deployment?.resources ?? [])
        .filter((r) => r.custom === true && r.id !== undefined && !r.type.startsWith("pulumi:providers:"))
        .map((r) => ({ type: r.type, id: r.id! }));
}

/** The live resource policy of a REST API, parsed (API Gateway stores it JSON-escaped), or undefined. */
export async function liveResourcePolicy(restApiId: string, region: string): Promise<unknown> {
    const { policy } = await new APIGatewayClient({ region }).send(new GetRestApiCommand({ restApiId }));
    if (policy === undefined || policy === "") return undefined;
    // GetRestApi may hand the policy back with its quotes backslash-escaped (terraform-provider-aws unquotes it).
    return JSON.parse(policy.trimStart().startsWith('{\\"') ? policy.replace(/\\"/g, '"') : policy);
}

const notFound = (e: unknown) =>
    ["NotFoundException", "NoSuchEntityException", "NoSuchEntity", "ResourceNotFoundException"].includes(
        (e as { name?: string }).name ?? "",
    );

/** Whether a resource still exists, for the types whose existence stands for their children's. */
const STILL_THERE = new Map<string, (id: string, region: string) => Promise<boolean>>([
    [
        "aws:apigateway/restApi:RestApi",
        (id, region) => exists(() => new APIGatewayClient({ region }).send(new GetRestApiCommand({ restApiId: id }))),
    ],
    ["aws:iam/user:User", (id) => exists(() => new IAMClient({}).send(new GetUserCommand({ UserName: id })))],
    ["aws:iam/role:Role", (id) => exists(() => new IAMClient({}).send(new GetRoleCommand({ RoleName: id })))],
    ["aws:iam/group:Group", (id) => exists(() => new IAMClient({}).send(new GetGroupCommand({ GroupName: id })))],
    ["aws:iam/policy:Policy", (id) => exists(() => new IAMClient({}).send(new GetPolicyCommand({ PolicyArn: id })))],
    [
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        (id) =>
            exists(() => new IAMClient({}).send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: id }))),
    ],
    [
        "aws:lambda/function:Function",
        (id, region) => exists(() => new LambdaClient({ region }).send(new GetFunctionCommand({ FunctionName: id }))),
    ],
    [
        "aws:cloudwatch/logGroup:LogGroup",
        async (id, region) => {
            const found = await new CloudWatchLogsClient({ region }).send(
                new DescribeLogGroupsCommand({ logGroupNamePrefix: id }),
            );
            return (found.logGroups ?? []).some((g) => g.logGroupName === id);
        },
    ],
]);

async function exists(get: () => Promise<unknown>): Promise<boolean> {
    try {
        await get();
        return true;
    } catch (e) {
        if (notFound(e)) return false;
        throw e; // anything else (no permission, throttling) is not an answer: say so
    }
}

/**
 * What of a destroyed stack's resources AWS still has: each top-level resource is asked for by its id
 * (a stage, a permission or an attachment goes with its API, function or role). Lists `type id`.
 */
export async function remainingAfterDestroy(resources: readonly StackResource[], region: string): Promise<string[]> {
    const remaining: string[] = [];
    for (const { type, id } of resources) {
        const check = STILL_THERE.get(type);
        if (check !== undefined && (await check(id, region))) remaining.push(`${type} ${id}`);
    }
    return remaining;
}

/** The types `remainingAfterDestroy` can ask about, so a test can require that each kind it made is covered. */
export const CHECKED_TYPES: ReadonlySet<string> = new Set(STILL_THERE.keys());

/** The source ARNs a function's resource policy lets API Gateway invoke it from (one per statement). */
export async function functionSourceArns(functionName: string, region: string): Promise<string[]> {
    const { Policy } = await new LambdaClient({ region }).send(
        new GetFunctionPolicyCommand({ FunctionName: functionName }),
    );
    const statements =
        (JSON.parse(Policy ?? "{}") as { Statement?: { Condition?: Record<string, Record<string, string>> }[] })
            .Statement ?? [];
    return statements.map((s) => s.Condition?.ArnLike?.["AWS:SourceArn"] ?? "(no source ARN)");
}
