import * as http from "http";
import { AddressInfo } from "net";
import { isJsonObject, OpenApiDocument } from "../../components/openapi/operations";
import { POLICY_EXTENSION } from "../../components/openapi/prepare";
import { requiresApiKey } from "../../components/openapi/secure";
import { LocalAwsAccount } from "../engine/account";
import { newRequestId } from "../engine/ids";
import { authorizeInvoke, Caller, Decision, invokeResourceArn } from "./authorize";
import { runIntegration } from "./integrations";
import { accessDenied, forbidden, GatewayResponse, internalServerError, missingAuthenticationToken } from "./responses";
import { matchRoute } from "./routing";
import { headerValues, parseQuery, verifySigV4, WireRequest } from "./sigv4";

/** API Gateway's payload limit for REST APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const LOOPBACK = "127.0.0.1";
const MAX_CACHED_DECISIONS = 10_000;

/** What a stage serves: the document its deployment froze, and the resource policy in it. */
interface DeployedApi {
    readonly deploymentId: string;
    readonly document: OpenApiDocument;
    /** With `execute-api:` resources rewritten to the API's ARN; undefined when there is none. */
    readonly resourcePolicy: unknown;
}

export interface GatewayOptions {
    /** Port of the first REST API; each further API gets the next port. 0 picks free ports. @default 0 */
    readonly port?: number;
    /** The server's clock, for SigV4's ±5 minute window. @default () => new Date() */
    readonly now?: () => Date;
}

/**
 * The local stand-in for API Gateway's data plane. Each REST API of the local account gets its own
 * loopback listener (its "execute-api host"), and every stage is served under `/<stage>`. A request
 * goes through API Gateway's steps in API Gateway's order: route by the deployed OpenAPI document,
 * SigV4 authentication, IAM authorization of `execute-api:Invoke`, API key, then the integration.
 */
export class LocalGateway {
    private readonly servers: http.Server[] = [];
    private account: LocalAwsAccount | undefined;
    private readonly deployments = new Map<string, DeployedApi>();
    /** IAM decisions by caller, resource, source and account revision, as AWS caches policy evaluations. */
    private readonly decisions = new Map<string, Decision>();

    constructor(private readonly options: GatewayOptions = {}) {}

    /** Opens a listener for a new REST API and returns its base URL; pass as the engine's allocator. */
    readonly allocateEndpoint = async (restApiId: string): Promise<string> => {
        const base = this.options.port ?? 0;
        const port = base === 0 ? 0 : base + this.servers.length;
        const server = http.createServer((req, res) => void this.handle(restApiId, req, res));
        this.servers.push(server);
        await new Promise<void>((resolve, reject) => {
            server.once("error", (e: NodeJS.ErrnoException) =>
                reject(
                    new Error(
                        e.code === "EADDRINUSE" ? `Port ${port} is in use; choose another with --port.` : e.message,
                    ),
                ),
            );
            server.listen(port, LOOPBACK, resolve);
        });
        return `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
    };

    /** Starts answering requests from the account's deployed stages. */
    serve(account: LocalAwsAccount): void {
        this.account = account;
    }

    async close(): Promise<void> {
        await Promise.all(
            this.servers.map(
                (s) =>
                    new Promise<void>((resolve) => {
                        s.closeAllConnections();
                        s.close(() => resolve());
                    }),
            ),
        );
    }

    private async handle(restApiId: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const requestId = newRequestId();
        let response: GatewayResponse;
        try {
            const body = await readBody(req);
            response = body === undefined ? tooLarge() : await this.respond(restApiId, req, body, requestId);
        } catch {
            response = internalServerError();
        }
        const body = typeof response.body === "string" ? Buffer.from(response.body) : response.body;
        res.writeHead(response.status, {
            ...response.headers,
            "Content-Length": body.length,
            "x-amzn-RequestId": requestId,
        });
        res.end(body);
    }

    private async respond(
        restApiId: string,
        req: http.IncomingMessage,
        body: Buffer,
        requestId: string,
    ): Promise<GatewayResponse> {
        const account = this.account;
        if (!account) return internalServerError("The local gateway is still starting.");
        const url = req.url ?? "/";
        const queryAt = url.indexOf("?");
        const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
        const rawQuery = queryAt < 0 ? "" : url.slice(queryAt + 1);
        const method = req.method ?? "GET";

        // A disabled default endpoint answers everything with 403 Forbidden (custom domains only).
        if (account.restApis.get(restApiId)?.disableExecuteApiEndpoint) return forbidden();
        const stageMatch = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
        const stage = stageMatch ? account.stage(restApiId, stageMatch[1]) : undefined;
        if (!stageMatch || !stage) return missingAuthenticationToken();
        const resourcePath = stageMatch[2] ?? "/";
        const deployment = this.deployed(account, stage.deploymentId);
        const document = deployment.document;
        const route = matchRoute(document, method, resourcePath);
        if (!route) return missingAuthenticationToken();

        const wire: WireRequest = { method, rawPath, rawQuery, headers: headerPairs(req.rawHeaders), body };
        const auth = route.operation["x-amazon-apigateway-auth"];
        const authType = isJsonObject(auth) && typeof auth.type === "string" ? auth.type.toUpperCase() : "NONE";
        const resourceArn = invokeResourceArn(
            account.region,
            account.accountId,
            restApiId,
            stage.stageName,
            method.toUpperCase(),
            resourcePath,
        );
        const sourceIp = (req.socket.remoteAddress ?? LOOPBACK).replace(/^::ffff:/, "");
        let caller: { userArn: string; accessKey: string } | undefined;
        if (authType === "AWS_IAM") {
            const verification = await verifySigV4(wire, {
                region: account.region,
                service: "execute-api",
                now: this.options.now,
                lookup: (id) => {
                    const key = account.accessKeys.get(id);
                    return key && key.status === "Active" ? { secretAccessKey: key.secret } : undefined;
                },
            });
            if (!verification.ok) return verification.response;
            const user = account.users.get(account.accessKeys.get(verification.accessKeyId)!.userName)!;
            const decision = await this.decide(
                account,
                deployment,
                { principalArn: user.arn, policies: account.policiesForUser(user.name) },
                resourceArn,
                sourceIp,
            );
            if (decision !== "Allowed") return accessDenied(user.arn, resourceArn, decision === "ExplicitlyDenied");
            caller = { userArn: user.arn, accessKey: verification.accessKeyId };
        } else if (deployment.resourcePolicy !== undefined) {
            const decision = await this.decide(account, deployment, "anonymous", resourceArn, sourceIp);
            if (decision !== "Allowed") return accessDenied("anonymous", resourceArn, decision === "ExplicitlyDenied");
        }
        // Local mode has no API keys or usage plans, so a key-protected method refuses like AWS without a valid key.
        if (requiresApiKey(document, route.operation)) return forbidden();

        const query = parseQuery(rawQuery);
        const headers: Record<string, string> = {};
        for (const [name, value] of wire.headers) headers[name] = value;
        return runIntegration(route, {
            requestId,
            accountId: account.accountId,
            apiId: restApiId,
            stage: stage.stageName,
            httpMethod: method,
            resourcePath: route.pathTemplate,
            path: rawPath,
            pathParams: route.pathParams,
            query: Object.fromEntries(
                Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] : (v ?? "")]),
            ),
            headers,
            sourceIp,
            userArn: caller?.userArn ?? null,
            accessKey: caller?.accessKey ?? null,
            requestTimeEpoch: Date.now(),
            rawQuery,
            rawHeaders: wire.headers,
            body,
            accept: headerValues(wire.headers, "accept")[0],
            contentType: headerValues(wire.headers, "content-type")[0],
        });
    }

    /** The document a deployment froze and its resource policy, worked out once per deployment. */
    private deployed(account: LocalAwsAccount, deploymentId: string): DeployedApi {
        let deployed = this.deployments.get(deploymentId);
        if (!deployed) {
            const { body, restApiId } = account.deployments.get(deploymentId)!;
            const document = JSON.parse(body) as OpenApiDocument;
            const executionArn = account.restApis.get(restApiId)!.executionArn;
            deployed = { deploymentId, document, resourcePolicy: deployedResourcePolicy(document, executionArn) };
            this.deployments.set(deploymentId, deployed);
        }
        return deployed;
    }

    /** An IAM decision, cached by caller, resource, source and account revision as AWS caches evaluations. */
    private async decide(
        account: LocalAwsAccount,
        deployment: DeployedApi,
        caller: Caller,
        resourceArn: string,
        sourceIp: string,
    ): Promise<Decision> {
        const who = caller === "anonymous" ? caller : caller.principalArn;
        const key = `${account.revision}|${deployment.deploymentId}|${who}|${resourceArn}|${sourceIp}`;
        let decision = this.decisions.get(key);
        if (decision === undefined) {
            decision = await authorizeInvoke(caller, account.accountId, resourceArn, deployment.resourcePolicy, {
                sourceIp,
            });
            if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
            this.decisions.set(key, decision);
        }
        return decision;
    }
}

/**
 * The resource policy the deployment carries, with `execute-api:` resources rewritten to this API's
 * ARN as API Gateway does on import; undefined when there is none.
 */
function deployedResourcePolicy(document: OpenApiDocument, executionArn: string): unknown {
    const policy = document[POLICY_EXTENSION];
    if (!isJsonObject(policy)) return undefined;
    const rewrite = (resource: unknown) =>
        typeof resource === "string" ? resource.replace(/^execute-api:/, executionArn) : resource;
    const statements: unknown[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    return {
        ...policy,
        Statement: statements.map((statement): unknown => {
            if (!isJsonObject(statement)) return statement;
            const resource = statement.Resource;
            return { ...statement, Resource: Array.isArray(resource) ? resource.map(rewrite) : rewrite(resource) };
        }),
    };
}

function headerPairs(raw: string[]): [string, string][] {
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
    return pairs;
}

/** The request body, or undefined past API Gateway's payload limit. */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
        });
        req.on("end", () => resolve(size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

function tooLarge(): GatewayResponse {
    return {
        status: 413,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ message: "Request Too Long" }),
    };
}
