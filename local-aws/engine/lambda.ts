import * as pulumi from "@pulumi/pulumi";
import { isJsonObject } from "../../components/openapi/operations";
import type { LocalAwsAccount } from "./account";
import { autoNameSuffix } from "./ids";
import { MAX_FUNCTION_POLICY_BYTES } from "../../components/restApi/backends";
import { unpackCode } from "./lambdaCode";
import { settle } from "./outputs";
import { FunctionRecord, HandlerTable, Inputs, LocalAwsError, nameOrAutoName, PermissionRecord } from "./records";

/** The Node.js runtimes Lambda lets functions be created with; local mode runs them on its own Node.js. */
export const EMULATED_RUNTIMES: readonly string[] = ["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"];

/** Lambda's defaults and bounds for a function's timeout (seconds) and memory (MB). */
const DEFAULT_TIMEOUT_SECONDS = 3;
const MAX_TIMEOUT_SECONDS = 900;
const DEFAULT_MEMORY_MB = 128;

/** Environment variables Lambda sets itself and refuses to take from a function's configuration. */
const RESERVED_VARIABLES = new Set([
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
]);

/** What Lambda's resources become in the local account: functions and their resource policies. */
export const LAMBDA_HANDLERS: HandlerTable = {
    "aws:lambda/function:Function": async (account, name, inputs) => {
        const what = `aws.lambda.Function "${name}"`;
        const functionName = nameOrAutoName(inputs.name, name);
        if (account.functions.has(functionName))
            throw new LocalAwsError("ResourceConflictException", `Function already exist: ${functionName}`);
        refuseUnemulated(inputs, what);
        const runtime = emulatedRuntime(inputs.runtime, what);
        if (typeof inputs.handler !== "string" || !/^[^\s]+\.[^\s.]+$/.test(inputs.handler))
            throw new LocalAwsError(
                "InvalidParameterValueException",
                `${what}: handler must be "<file>.<export>", such as "index.handler"; got ${JSON.stringify(inputs.handler)}.`,
            );
        const roleArn = lambdaRole(account, inputs.role);
        const timeoutSeconds = boundedInteger(
            inputs.timeout,
            DEFAULT_TIMEOUT_SECONDS,
            1,
            MAX_TIMEOUT_SECONDS,
            "timeout",
        );
        const memorySizeMb = boundedInteger(inputs.memorySize, DEFAULT_MEMORY_MB, 128, 10_240, "memorySize");
        const environment = environmentOf(inputs);
        const arn = `arn:${account.partition}:lambda:${account.region}:${account.accountId}:function:${functionName}`;
        const record: FunctionRecord = {
            name: functionName,
            arn,
            runtime,
            handler: inputs.handler,
            codeDir: await unpackCode(inputs.code, what),
            environment,
            timeoutSeconds,
            memorySizeMb,
            roleArn,
        };
        account.functions.set(functionName, record);
        return {
            id: functionName,
            state: {
                ...inputs,
                name: functionName,
                arn,
                qualifiedArn: `${arn}:$LATEST`,
                invokeArn: `arn:${account.partition}:apigateway:${account.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                version: "$LATEST",
                timeout: timeoutSeconds,
                memorySize: memorySizeMb,
                lastModified: new Date().toISOString(),
                packageType: "Zip",
                region: account.region,
            },
        };
    },
    "aws:lambda/permission:Permission": async (account, _name, inputs) => {
        // A Function passed itself (not its name or ARN) reaches the provider as a reference to it: its id, the name.
        const reference = pulumi.CustomResource.isInstance(inputs.function)
            ? await settle(inputs.function.id)
            : inputs.function;
        const { fn, qualifier } = account.functionNamed(reference);
        const statementId =
            typeof inputs.statementId === "string"
                ? inputs.statementId
                : `${typeof inputs.statementIdPrefix === "string" ? inputs.statementIdPrefix : "terraform-"}${autoNameSuffix()}`;
        const policy = account.permissions.get(fn.name) ?? [];
        if (policy.some((p) => p.statementId === statementId))
            throw new LocalAwsError(
                "ResourceConflictException",
                `The statement id (${statementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
            );
        const record: PermissionRecord = {
            statementId,
            functionName: fn.name,
            qualifier: typeof inputs.qualifier === "string" ? inputs.qualifier : qualifier,
            action: String(inputs.action),
            principal: String(inputs.principal),
            sourceArn: typeof inputs.sourceArn === "string" ? inputs.sourceArn : undefined,
            sourceAccount: typeof inputs.sourceAccount === "string" ? inputs.sourceAccount : undefined,
        };
        const held = [...policy, record];
        const bytes = Buffer.byteLength(functionPolicy(fn, held, record.qualifier));
        if (bytes > MAX_FUNCTION_POLICY_BYTES)
            throw new LocalAwsError(
                "PolicyLengthExceededException",
                `The final policy size (${bytes}) is bigger than the limit (${MAX_FUNCTION_POLICY_BYTES}).`,
            );
        account.permissions.set(fn.name, held);
        return { id: statementId, state: { ...inputs, statementId } };
    },
};

/**
 * A function's resource policy for one qualifier (the unqualified function, a version or an alias: each
 * has its own), as Lambda's GetPolicy returns it: its statements with their conditions.
 */
export function functionPolicy(
    fn: FunctionRecord,
    statements: readonly PermissionRecord[],
    qualifier: string | undefined,
): string {
    const resource = qualifier === undefined ? fn.arn : `${fn.arn}:${qualifier}`;
    const partition = fn.arn.split(":")[1];
    const principal = (p: string) =>
        p === "*" ? "*" : /^\d{12}$/.test(p) ? { AWS: `arn:${partition}:iam::${p}:root` } : { Service: p };
    return JSON.stringify({
        Version: "2012-10-17",
        Id: "default",
        Statement: statements
            .filter((s) => s.qualifier === qualifier)
            .map((s) => ({
                Sid: s.statementId,
                Effect: "Allow",
                Principal: principal(s.principal),
                Action: s.action,
                Resource: resource,
                ...(s.sourceArn === undefined && s.sourceAccount === undefined
                    ? {}
                    : {
                          Condition: {
                              ...(s.sourceAccount === undefined
                                  ? {}
                                  : { StringEquals: { "AWS:SourceAccount": s.sourceAccount } }),
                              ...(s.sourceArn === undefined ? {} : { ArnLike: { "AWS:SourceArn": s.sourceArn } }),
                          },
                      }),
            })),
    });
}

/** Code from S3, container images and layers are not emulated: said at once, naming the resource. */
function refuseUnemulated(inputs: Inputs, what: string): void {
    const unemulated = [
        inputs.packageType === "Image" || inputs.imageUri !== undefined ? "container images (packageType Image)" : "",
        inputs.s3Bucket !== undefined ? "code from S3 (s3Bucket, s3Key)" : "",
        Array.isArray(inputs.layers) && inputs.layers.length > 0 ? "layers" : "",
        inputs.vpcConfig !== undefined ? "VPC attachment (vpcConfig)" : "",
        inputs.fileSystemConfig !== undefined ? "EFS file systems (fileSystemConfig)" : "",
    ].filter((s) => s !== "");
    if (unemulated.length > 0)
        throw new Error(
            `Local mode does not emulate ${unemulated.join(", ")} of ${what}; it runs Node.js functions (${EMULATED_RUNTIMES.join(", ")}) from a FileArchive (folder or .zip) or an AssetArchive.`,
        );
}

function emulatedRuntime(runtime: unknown, what: string): string {
    if (typeof runtime === "string" && EMULATED_RUNTIMES.includes(runtime)) return runtime;
    if (typeof runtime === "string" && /^nodejs/.test(runtime))
        // Lambda no longer creates functions on deprecated runtimes.
        throw new LocalAwsError(
            "InvalidParameterValueException",
            `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions (${what}: use one of ${EMULATED_RUNTIMES.join(", ")}).`,
        );
    throw new Error(
        `Local mode does not emulate the runtime ${JSON.stringify(runtime)} of ${what}; it runs Node.js functions: ${EMULATED_RUNTIMES.join(", ")}.`,
    );
}

/** The execution role: a role of this account that Lambda may assume, as CreateFunction requires. */
function lambdaRole(account: LocalAwsAccount, role: unknown): string {
    const name =
        typeof role === "string" ? /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(role)?.[1] : undefined;
    const record = name === undefined ? undefined : account.roles.get(name);
    if (!record || record.arn !== role)
        throw new LocalAwsError(
            "InvalidParameterValueException",
            `The role defined for the function cannot be assumed by Lambda (${JSON.stringify(role)} is not a role of account ${account.accountId}).`,
        );
    if (!trustsLambda(record.assumeRolePolicy))
        throw new LocalAwsError(
            "InvalidParameterValueException",
            `The role defined for the function cannot be assumed by Lambda (the trust policy of ${record.name} allows no sts:AssumeRole by lambda.amazonaws.com).`,
        );
    return record.arn;
}

/** Whether a trust policy lets the Lambda service assume the role (an unconditional Allow; anything else is refused). */
function trustsLambda(document: string): boolean {
    const policy = JSON.parse(document) as { Statement?: unknown };
    const statements = Array.isArray(policy.Statement) ? (policy.Statement as unknown[]) : [policy.Statement];
    const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : [value]);
    return statements.some(
        (s) =>
            isJsonObject(s) &&
            s.Effect === "Allow" &&
            s.Condition === undefined &&
            list(s.Action).some((a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*") &&
            isJsonObject(s.Principal) &&
            list(s.Principal.Service).includes("lambda.amazonaws.com"),
    );
}

function boundedInteger(value: unknown, fallback: number, min: number, max: number, field: string): number {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
        throw new LocalAwsError(
            "InvalidParameterValueException",
            `${field} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}.`,
        );
    return value;
}

function environmentOf(inputs: Inputs): ReadonlyMap<string, string> {
    const environment = isJsonObject(inputs.environment) ? inputs.environment : {};
    const variables = isJsonObject(environment.variables) ? environment.variables : {};
    const reserved = Object.keys(variables).filter((k) => RESERVED_VARIABLES.has(k));
    if (reserved.length > 0)
        throw new LocalAwsError(
            "InvalidParameterValueException",
            `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(", ")}`,
        );
    return new Map(Object.entries(variables).map(([k, v]) => [k, String(v)]));
}
