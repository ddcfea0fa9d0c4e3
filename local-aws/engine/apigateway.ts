import { resolveAwsVariables } from "../../components/openapi/awsVariables";
import { isJsonObject, listOperations, OpenApiDocument } from "../../components/openapi/operations";
import { newDeploymentId, newResourceId, newRestApiId } from "./ids";
import { startExecutionLogging } from "./logs";
import { HandlerTable, LocalAwsError, nameOrAutoName, requireValidPolicy, RestApiRecord, StageRecord } from "./records";

/** What API Gateway's REST API resources become in the local account. */
export const APIGATEWAY_HANDLERS: HandlerTable = {
    "aws:apigateway/restApi:RestApi": async (account, name, inputs) => {
        const id = newRestApiId();
        const executionArn = `arn:${account.partition}:execute-api:${account.region}:${account.accountId}:${id}`;
        let body = typeof inputs.body === "string" ? inputs.body : "";
        let imported: string | undefined;
        if (body !== "") {
            let document: unknown;
            try {
                document = JSON.parse(body);
            } catch {
                throw new LocalAwsError("BadRequestException", "Invalid OpenAPI input.");
            }
            // API Gateway resolves its AWS variables at import, with the importing account's values (developer guide, "AWS variables for OpenAPI import").
            if (isJsonObject(document)) {
                const resolved = resolveAwsVariables(document, account);
                if (resolved !== document) {
                    document = resolved;
                    body = JSON.stringify(resolved);
                }
            }
            const policy = isJsonObject(document) ? document["x-amazon-apigateway-policy"] : undefined;
            if (policy !== undefined)
                imported = importedPolicy(requireValidPolicy(JSON.stringify(policy), "resource"), executionArn);
        }
        const endpoint = inputs.endpointConfiguration as { types?: string } | undefined;
        const record: RestApiRecord = {
            id,
            name: nameOrAutoName(inputs.name, name),
            body,
            // The provider applies the policy argument after the import when the two differ (rest_api.go, resourceRestAPIWithBodyUpdateOperations).
            // "" is the provider's "no policy" (d.GetOk): the imported one stands.
            policy:
                inputs.policy === undefined || inputs.policy === ""
                    ? imported
                    : requireValidPolicy(inputs.policy, "resource"),
            endpointType: endpoint?.types ?? "EDGE",
            disableExecuteApiEndpoint: inputs.disableExecuteApiEndpoint === true,
            executionArn,
            baseUrl: await account.allocateEndpoint(id),
        };
        account.restApis.set(id, record);
        return {
            id,
            state: {
                ...inputs,
                name: record.name,
                arn: `arn:${account.partition}:apigateway:${account.region}::/restapis/${id}`,
                executionArn: record.executionArn,
                rootResourceId: newResourceId(),
                region: account.region,
            },
        };
    },
    "aws:apigateway/deployment:Deployment": (account, _name, inputs) => {
        const api = account.restApis.get(String(inputs.restApi));
        if (!api)
            throw new LocalAwsError(
                "NotFoundException",
                `Invalid API identifier specified ${account.accountId}:${String(inputs.restApi)}`,
            );
        assertEveryMethodIntegrated(api.body);
        const id = newDeploymentId();
        account.deployments.set(id, {
            id,
            restApiId: api.id,
            body: api.body,
            policy: api.policy,
            disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
        });
        return { id, state: { ...inputs, createdDate: new Date().toISOString(), region: account.region } };
    },
    "aws:apigateway/stage:Stage": (account, _name, inputs) => {
        const api = account.restApis.get(String(inputs.restApi));
        if (!api)
            throw new LocalAwsError(
                "NotFoundException",
                `Invalid API identifier specified ${account.accountId}:${String(inputs.restApi)}`,
            );
        const deployment = account.deployments.get(String(inputs.deployment));
        if (!deployment || deployment.restApiId !== api.id) {
            throw new LocalAwsError("BadRequestException", `Invalid deployment identifier specified`);
        }
        const stageName = String(inputs.stageName);
        if (account.stage(api.id, stageName)) throw new LocalAwsError("ConflictException", "Stage already exists");
        if (inputs.accessLogSettings !== undefined) account.requireCloudWatchRole();
        const record: StageRecord = {
            restApiId: api.id,
            stageName,
            deploymentId: deployment.id,
            invokeUrl: `${api.baseUrl}/${stageName}`,
            variables: new Map(
                Object.entries(isJsonObject(inputs.variables) ? inputs.variables : {}).map(([k, v]) => [k, String(v)]),
            ),
        };
        account.stages.set(`${api.id}/${stageName}`, record);
        return {
            id: `ags-${api.id}-${stageName}`,
            state: {
                ...inputs,
                arn: `arn:${account.partition}:apigateway:${account.region}::/restapis/${api.id}/stages/${stageName}`,
                executionArn: `${api.executionArn}/${stageName}`,
                invokeUrl: record.invokeUrl,
                region: account.region,
            },
        };
    },
    "aws:apigateway/methodSettings:MethodSettings": (account, _name, inputs) => {
        const key = `${String(inputs.restApi)}/${String(inputs.stageName)}`;
        if (!account.stages.has(key))
            throw new LocalAwsError("NotFoundException", `Invalid stage identifier specified`);
        const settings = (inputs.settings ?? {}) as Record<string, unknown>;
        if (settings.loggingLevel !== undefined && settings.loggingLevel !== "OFF") {
            account.requireCloudWatchRole();
            startExecutionLogging(account, String(inputs.restApi), String(inputs.stageName));
        }
        account.methodSettings.set(key, settings);
        return { id: `${key}-${String(inputs.methodPath)}`, state: { ...inputs } };
    },
    "aws:apigateway/account:Account": (account, _name, inputs) => {
        account.cloudWatchRoleArn = String(inputs.cloudwatchRoleArn);
        return {
            id: "api-gateway-account",
            state: { ...inputs, throttleSettings: [{ burstLimit: 5000, rateLimit: 10000 }] },
        };
    },
};

/** The body's resource policy as API Gateway saves it on import: `execute-api:/…` written as this API's ARN. */
function importedPolicy(policy: string, executionArn: string): string {
    const document = JSON.parse(policy) as { Statement?: unknown };
    const rewrite = (resource: unknown) =>
        typeof resource === "string" ? resource.replace(/^execute-api:(?=\/)/, executionArn) : resource;
    const rewriteAll = (value: unknown) => (Array.isArray(value) ? value.map(rewrite) : rewrite(value));
    const statements: unknown[] = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return JSON.stringify({
        ...document,
        Statement: statements.map((statement): unknown => {
            if (!isJsonObject(statement)) return statement;
            const written = { ...statement };
            if (written.Resource !== undefined) written.Resource = rewriteAll(written.Resource);
            if (written.NotResource !== undefined) written.NotResource = rewriteAll(written.NotResource);
            return written;
        }),
    });
}

/** API Gateway refuses to deploy an API with a method that has no integration. */
function assertEveryMethodIntegrated(body: string): void {
    if (body === "") throw new LocalAwsError("BadRequestException", "The REST API doesn't contain any methods");
    const operations = listOperations(JSON.parse(body) as OpenApiDocument);
    if (operations.some((o) => o.operation["x-amazon-apigateway-integration"] === undefined)) {
        throw new LocalAwsError("BadRequestException", "No integration defined for method");
    }
}
