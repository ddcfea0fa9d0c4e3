import { validateIdentityPolicy, validateResourcePolicy } from "@cloud-copilot/iam-policy";
import { isJsonObject, listOperations, OpenApiDocument } from "../../components/openapi/operations";
import {
    autoNameSuffix,
    LOCAL_ACCOUNT_ID,
    newAccessKeyId,
    newDeploymentId,
    newIamUniqueId,
    newResourceId,
    newRestApiId,
    newSecretAccessKey,
} from "./ids";

/** AWS's managed policies that local mode knows, with their documents as AWS publishes them. */
export const AWS_MANAGED_POLICIES: Readonly<Record<string, string>> = {
    "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess": JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["execute-api:Invoke", "execute-api:ManageConnections"],
                Resource: "arn:aws:execute-api:*:*:*",
            },
        ],
    }),
};

export interface RestApiRecord {
    readonly id: string;
    readonly name: string;
    readonly body: string;
    readonly endpointType: string;
    readonly disableExecuteApiEndpoint: boolean;
    readonly executionArn: string;
    /** Base URL the gateway serves this API at (no stage), e.g. `http://127.0.0.1:8787`. */
    readonly baseUrl: string;
}

/** A deployment freezes the API as it was when the deployment was made, exactly as in AWS. */
export interface DeploymentRecord {
    readonly id: string;
    readonly restApiId: string;
    readonly body: string;
}

export interface StageRecord {
    readonly restApiId: string;
    readonly stageName: string;
    readonly deploymentId: string;
    readonly invokeUrl: string;
}

export interface UserRecord {
    readonly name: string;
    readonly arn: string;
    /** IAM's unique id (`AIDA…`), what `aws:userid` holds for a user. */
    readonly uniqueId: string;
    /** The user's tags, which policies read as `aws:PrincipalTag/<key>`. */
    readonly tags: ReadonlyMap<string, string>;
}

/** Who signed with an access key, as IAM authorization sees the caller. */
export interface CallerIdentity {
    readonly arn: string;
    readonly accountId: string;
    /** Every identity policy that applies (the user's own and its groups'). */
    readonly policies: readonly AttachedPolicy[];
    /** The caller's global condition keys (`aws:PrincipalArn`, `aws:userid`, …). */
    readonly conditionKeys: readonly (readonly [string, string])[];
}

export interface AccessKeyRecord {
    readonly id: string;
    readonly secret: string;
    readonly userName: string;
    readonly status: "Active" | "Inactive";
}

/** A named IAM policy document attached to a user or group. */
export interface AttachedPolicy {
    readonly name: string;
    readonly document: string;
}

export interface ProvisionResult {
    readonly id: string;
    readonly state: Record<string, unknown>;
}

type Inputs = Record<string, unknown>;

/** Gives each REST API the base URL the gateway will serve it at. */
export type EndpointAllocator = (restApiId: string) => Promise<string>;

/** Raised for requests AWS itself would refuse (missing references, limits), worded like AWS. */
export class LocalAwsError extends Error {
    constructor(code: string, message: string) {
        super(`${code}: ${message}`);
        this.name = "LocalAwsError";
    }
}

/**
 * An in-memory model of one AWS account and region: the API Gateway and IAM resources the component
 * uses, with AWS-shaped ids, ARNs and credentials. The Pulumi mock runtime provisions into it; the
 * local gateway reads from it.
 */
export class LocalAwsAccount {
    readonly accountId = LOCAL_ACCOUNT_ID;
    /** The AWS partition the account lives in. */
    readonly partition = "aws";
    readonly restApis = new Map<string, RestApiRecord>();
    readonly deployments = new Map<string, DeploymentRecord>();
    readonly stages = new Map<string, StageRecord>();
    readonly users = new Map<string, UserRecord>();
    readonly groups = new Map<string, { name: string; arn: string }>();
    readonly policies = new Map<string, { arn: string; name: string; document: string }>();
    readonly accessKeys = new Map<string, AccessKeyRecord>();
    /** Managed policy ARNs attached per group or user name. */
    readonly groupAttachments = new Map<string, Set<string>>();
    readonly userAttachments = new Map<string, Set<string>>();
    readonly groupInlinePolicies = new Map<string, AttachedPolicy[]>();
    readonly userInlinePolicies = new Map<string, AttachedPolicy[]>();
    readonly memberships = new Map<string, Set<string>>();
    /** Stage-wide method settings per `apiId/stage`, as set by MethodSettings `*\/*`. */
    readonly methodSettings = new Map<string, Record<string, unknown>>();
    /** The region's API Gateway CloudWatch role (`aws.apigateway.Account`); logging needs it. */
    cloudWatchRoleArn: string | undefined;
    /** Grows with every change to the account, so caches of decisions know when they are stale. */
    revision = 0;

    constructor(
        readonly region: string,
        private readonly allocateEndpoint: EndpointAllocator = (id) =>
            Promise.resolve(`https://${id}.execute-api.${region}.amazonaws.com`),
    ) {}

    /** The stage a gateway request reaches, looked up by REST API id and stage name. */
    stage(restApiId: string, stageName: string): StageRecord | undefined {
        return this.stages.get(`${restApiId}/${stageName}`);
    }

    /** Every policy that applies to a user: its own (attached and inline) and its groups'. */
    policiesForUser(userName: string): AttachedPolicy[] {
        const attached = (arns: Iterable<string>) =>
            [...arns].map((arn) => ({ name: arn, document: this.policyDocument(arn) }));
        const result = [
            ...attached(this.userAttachments.get(userName) ?? []),
            ...(this.userInlinePolicies.get(userName) ?? []),
        ];
        for (const group of this.memberships.get(userName) ?? []) {
            result.push(
                ...attached(this.groupAttachments.get(group) ?? []),
                ...(this.groupInlinePolicies.get(group) ?? []),
            );
        }
        return result;
    }

    /** What SigV4 verification needs of an access key: its secret, for an active key only. */
    credentialFor(accessKeyId: string): { secretAccessKey: string } | undefined {
        const key = this.accessKeys.get(accessKeyId);
        return key && key.status === "Active" ? { secretAccessKey: key.secret } : undefined;
    }

    /** The identity behind an access key whose signature was accepted. */
    identityOfAccessKey(accessKeyId: string): CallerIdentity {
        const key = this.accessKeys.get(accessKeyId);
        const user = key && this.users.get(key.userName);
        if (!user) throw new Error(`Access key ${accessKeyId} was accepted but belongs to no user of the account.`);
        return {
            arn: user.arn,
            accountId: this.accountId,
            policies: this.policiesForUser(user.name),
            conditionKeys: [
                ["aws:PrincipalArn", user.arn],
                ["aws:PrincipalAccount", this.accountId],
                ["aws:PrincipalType", "User"],
                ["aws:userid", user.uniqueId],
                ["aws:username", user.name],
                ["aws:PrincipalIsAWSService", "false"],
                ...[...user.tags].map(([k, v]) => [`aws:PrincipalTag/${k}`, v] as const),
            ],
        };
    }

    /** Fails, naming the type, when local mode cannot provision a resource type. */
    assertEmulated(type: string, name: string): void {
        if (!this.handlers[type]) {
            throw new Error(
                `Local mode does not emulate resource type ${type} (resource "${name}"). It emulates: ${Object.keys(this.handlers).join(", ")}.`,
            );
        }
    }

    /** Provisions one resource the way its AWS API would, returning the provider state Pulumi sees. */
    async provision(type: string, name: string, inputs: Inputs): Promise<ProvisionResult> {
        this.assertEmulated(type, name);
        this.revision++;
        return await this.handlers[type](name, inputs);
    }

    private policyDocument(arn: string): string {
        const document = AWS_MANAGED_POLICIES[arn] ?? this.policies.get(arn)?.document;
        if (document === undefined)
            throw new LocalAwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);
        return document;
    }

    private requireCloudWatchRole(): void {
        if (this.cloudWatchRoleArn === undefined) {
            throw new LocalAwsError(
                "BadRequestException",
                "CloudWatch Logs role ARN must be set in account settings to enable logging",
            );
        }
    }

    private iamArn(kind: string, name: string): string {
        return `arn:aws:iam::${this.accountId}:${kind}/${name}`;
    }

    private requireGroup(name: unknown): string {
        if (typeof name !== "string" || !this.groups.has(name)) {
            throw new LocalAwsError("NoSuchEntity", `The group with name ${String(name)} cannot be found.`);
        }
        return name;
    }

    private requireUser(name: unknown): string {
        if (typeof name !== "string" || !this.users.has(name)) {
            throw new LocalAwsError("NoSuchEntity", `The user with name ${String(name)} cannot be found.`);
        }
        return name;
    }

    private readonly handlers: Record<
        string,
        (name: string, inputs: Inputs) => ProvisionResult | Promise<ProvisionResult>
    > = {
        "aws:apigateway/restApi:RestApi": async (name, inputs) => {
            const id = newRestApiId();
            const body = typeof inputs.body === "string" ? inputs.body : "";
            if (body !== "") {
                let document: unknown;
                try {
                    document = JSON.parse(body);
                } catch {
                    throw new LocalAwsError("BadRequestException", "Invalid OpenAPI input.");
                }
                const policy = isJsonObject(document) ? document["x-amazon-apigateway-policy"] : undefined;
                if (policy !== undefined) requireValidPolicy(JSON.stringify(policy), "resource");
            }
            const endpoint = inputs.endpointConfiguration as { types?: string } | undefined;
            const record: RestApiRecord = {
                id,
                name: nameOrAutoName(inputs.name, name),
                body,
                endpointType: endpoint?.types ?? "EDGE",
                disableExecuteApiEndpoint: inputs.disableExecuteApiEndpoint === true,
                executionArn: `arn:aws:execute-api:${this.region}:${this.accountId}:${id}`,
                baseUrl: await this.allocateEndpoint(id),
            };
            this.restApis.set(id, record);
            return {
                id,
                state: {
                    ...inputs,
                    name: record.name,
                    arn: `arn:aws:apigateway:${this.region}::/restapis/${id}`,
                    executionArn: record.executionArn,
                    rootResourceId: newResourceId(),
                    region: this.region,
                },
            };
        },
        "aws:apigateway/deployment:Deployment": (_name, inputs) => {
            const api = this.restApis.get(String(inputs.restApi));
            if (!api)
                throw new LocalAwsError(
                    "NotFoundException",
                    `Invalid API identifier specified ${this.accountId}:${String(inputs.restApi)}`,
                );
            assertEveryMethodIntegrated(api.body);
            const id = newDeploymentId();
            this.deployments.set(id, { id, restApiId: api.id, body: api.body });
            return { id, state: { ...inputs, createdDate: new Date().toISOString(), region: this.region } };
        },
        "aws:apigateway/stage:Stage": (_name, inputs) => {
            const api = this.restApis.get(String(inputs.restApi));
            if (!api)
                throw new LocalAwsError(
                    "NotFoundException",
                    `Invalid API identifier specified ${this.accountId}:${String(inputs.restApi)}`,
                );
            const deployment = this.deployments.get(String(inputs.deployment));
            if (!deployment || deployment.restApiId !== api.id) {
                throw new LocalAwsError("BadRequestException", `Invalid deployment identifier specified`);
            }
            const stageName = String(inputs.stageName);
            if (this.stage(api.id, stageName)) throw new LocalAwsError("ConflictException", "Stage already exists");
            if (inputs.accessLogSettings !== undefined) this.requireCloudWatchRole();
            const record: StageRecord = {
                restApiId: api.id,
                stageName,
                deploymentId: deployment.id,
                invokeUrl: `${api.baseUrl}/${stageName}`,
            };
            this.stages.set(`${api.id}/${stageName}`, record);
            return {
                id: `ags-${api.id}-${stageName}`,
                state: {
                    ...inputs,
                    arn: `arn:aws:apigateway:${this.region}::/restapis/${api.id}/stages/${stageName}`,
                    executionArn: `${api.executionArn}/${stageName}`,
                    invokeUrl: record.invokeUrl,
                    region: this.region,
                },
            };
        },
        "aws:apigateway/methodSettings:MethodSettings": (_name, inputs) => {
            const key = `${String(inputs.restApi)}/${String(inputs.stageName)}`;
            if (!this.stages.has(key))
                throw new LocalAwsError("NotFoundException", `Invalid stage identifier specified`);
            const settings = (inputs.settings ?? {}) as Record<string, unknown>;
            if (settings.loggingLevel !== undefined && settings.loggingLevel !== "OFF") this.requireCloudWatchRole();
            this.methodSettings.set(key, settings);
            return { id: `${key}-${String(inputs.methodPath)}`, state: { ...inputs } };
        },
        "aws:apigateway/account:Account": (_name, inputs) => {
            this.cloudWatchRoleArn = String(inputs.cloudwatchRoleArn);
            return {
                id: "api-gateway-account",
                state: { ...inputs, throttleSettings: [{ burstLimit: 5000, rateLimit: 10000 }] },
            };
        },
        "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => {
            const groupName = nameOrAutoName(inputs.name, name);
            const arn = `arn:aws:logs:${this.region}:${this.accountId}:log-group:${groupName}`;
            return { id: groupName, state: { ...inputs, name: groupName, arn } };
        },
        "aws:iam/group:Group": (name, inputs) => {
            const groupName = nameOrAutoName(inputs.name, name);
            const arn = this.iamArn("group", groupName);
            this.groups.set(groupName, { name: groupName, arn });
            return {
                id: groupName,
                state: { ...inputs, name: groupName, arn, path: "/", uniqueId: newIamUniqueId("AGPA") },
            };
        },
        "aws:iam/policy:Policy": (name, inputs) => {
            const policyName = nameOrAutoName(inputs.name, name);
            const document = requireValidPolicy(inputs.policy, "identity");
            const arn = this.iamArn("policy", policyName);
            this.policies.set(arn, { arn, name: policyName, document });
            return { id: arn, state: { ...inputs, name: policyName, arn, policyId: newIamUniqueId("ANPA") } };
        },
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": (_name, inputs) => {
            const group = this.requireGroup(inputs.group);
            const policyArn = String(inputs.policyArn);
            this.policyDocument(policyArn);
            addTo(this.groupAttachments, group, policyArn);
            return { id: `${group}-${autoNameSuffix()}`, state: { ...inputs } };
        },
        "aws:iam/userPolicyAttachment:UserPolicyAttachment": (_name, inputs) => {
            const user = this.requireUser(inputs.user);
            const policyArn = String(inputs.policyArn);
            this.policyDocument(policyArn);
            addTo(this.userAttachments, user, policyArn);
            return { id: `${user}-${autoNameSuffix()}`, state: { ...inputs } };
        },
        "aws:iam/groupPolicy:GroupPolicy": (name, inputs) => {
            const group = this.requireGroup(inputs.group);
            const policyName = nameOrAutoName(inputs.name, name);
            pushTo(this.groupInlinePolicies, group, {
                name: policyName,
                document: requireValidPolicy(inputs.policy, "identity"),
            });
            return { id: `${group}:${policyName}`, state: { ...inputs, name: policyName } };
        },
        "aws:iam/userPolicy:UserPolicy": (name, inputs) => {
            const user = this.requireUser(inputs.user);
            const policyName = nameOrAutoName(inputs.name, name);
            pushTo(this.userInlinePolicies, user, {
                name: policyName,
                document: requireValidPolicy(inputs.policy, "identity"),
            });
            return { id: `${user}:${policyName}`, state: { ...inputs, name: policyName } };
        },
        "aws:iam/user:User": (name, inputs) => {
            const userName = nameOrAutoName(inputs.name, name);
            const arn = this.iamArn("user", userName);
            const uniqueId = newIamUniqueId("AIDA");
            const tags = new Map(
                Object.entries(isJsonObject(inputs.tags) ? inputs.tags : {}).map(([k, v]) => [k, String(v)]),
            );
            this.users.set(userName, { name: userName, arn, uniqueId, tags });
            return { id: userName, state: { ...inputs, name: userName, arn, path: "/", uniqueId } };
        },
        "aws:iam/userGroupMembership:UserGroupMembership": (_name, inputs) => {
            const user = this.requireUser(inputs.user);
            const groups = (inputs.groups as unknown[]).map((g) => this.requireGroup(g));
            for (const group of groups) addTo(this.memberships, user, group);
            return { id: `terraform-${autoNameSuffix()}`, state: { ...inputs } };
        },
        "aws:iam/accessKey:AccessKey": (_name, inputs) => {
            const user = this.requireUser(inputs.user);
            const existing = [...this.accessKeys.values()].filter((k) => k.userName === user);
            if (existing.length >= 2) {
                throw new LocalAwsError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
            }
            const key: AccessKeyRecord = {
                id: newAccessKeyId(),
                secret: newSecretAccessKey(),
                userName: user,
                status: "Active",
            };
            this.accessKeys.set(key.id, key);
            return {
                id: key.id,
                state: { ...inputs, secret: key.secret, status: key.status, createDate: new Date().toISOString() },
            };
        },
    };
}

/** IAM refuses to store a policy document it cannot read; so does the local account. */
function requireValidPolicy(text: unknown, kind: "identity" | "resource"): string {
    const document = String(text);
    let parsed: unknown;
    try {
        parsed = JSON.parse(document);
    } catch {
        throw new LocalAwsError("MalformedPolicyDocument", "Syntax errors in policy.");
    }
    const errors = kind === "identity" ? validateIdentityPolicy(parsed) : validateResourcePolicy(parsed);
    if (errors.length > 0) {
        throw new LocalAwsError("MalformedPolicyDocument", errors.map((e) => `${e.path}: ${e.message}`).join("; "));
    }
    return document;
}

/** API Gateway refuses to deploy an API with a method that has no integration. */
function assertEveryMethodIntegrated(body: string): void {
    if (body === "") throw new LocalAwsError("BadRequestException", "The REST API doesn't contain any methods");
    const operations = listOperations(JSON.parse(body) as OpenApiDocument);
    if (operations.some((o) => o.operation["x-amazon-apigateway-integration"] === undefined)) {
        throw new LocalAwsError("BadRequestException", "No integration defined for method");
    }
}

/** The name given, or what the AWS provider's auto-naming would make of the resource name. */
function nameOrAutoName(given: unknown, resourceName: string): string {
    return typeof given === "string" ? given : `${resourceName}-${autoNameSuffix()}`;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
    const set = map.get(key) ?? new Set<string>();
    set.add(value);
    map.set(key, set);
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
    map.set(key, [...(map.get(key) ?? []), value]);
}
