import * as http from "http";
import * as https from "https";
import { AddressInfo, createServer, Socket } from "net";
import type { TLSSocket } from "tls";
import { isJsonObject, OpenApiDocument } from "../../components/openapi/operations";
import { requiresApiKey } from "../../components/openapi/secure";
import { DomainNameRecord, LocalAwsAccount, RestApiRecord, StageRecord } from "../engine/account";
import { CredentialDirectory } from "../engine/accounts";
import { CallerIdentity } from "../engine/records";
import { CallerFacts, requestContext } from "../identity/conditionKeys";
import { newRequestId } from "../engine/ids";
import {
    DEFAULT_EVALUATION_TIMEOUT_MS,
    IamEvaluator,
    InvokeAnswer,
    InvokeQuestion,
    invokeResourceArn,
} from "./authorize";
import { hostNamesDomain, resolveBasePath } from "./domains";
import { Caller } from "./identity";
import { withGatewayResponse } from "./gatewayResponses";
import { runIntegration } from "./integrations";
import { LambdaRuntimes } from "./lambdaRuntimes";
import { MAX_HEADER_VALUES_BYTES, methodArnTooLong, requestLimitRefusal } from "./limits";
import { ClientGone, headerPairs, readBody, requestTarget, sourceIpOf } from "./httpRequest";
import { parseResourcePath, parseStagePath, ResourcePath, StagePath } from "./path";
import { responseHeaderBlock } from "./responseHeaders";
import {
    accessDenied,
    badRequest,
    forbidden,
    GatewayResponse,
    headersTooLarge,
    internalServerError,
    invalidSignature,
    missingAuthenticationToken,
    requestTooLarge,
    uriTooLong,
} from "./responses";
import { buildRouteTable, findUnambiguousRoute, Route, RouteTable } from "./routing";
import { headerValues, parseQuery, verifySigV4, WireRequest } from "./sigv4";
import { CertificateAuthority, clientCertificateRefusal } from "./tls";
import { CompiledTemplates, compileTemplates } from "./vtl";

const LOOPBACK = "127.0.0.1";
const MAX_CACHED_DECISIONS = 10_000;
/** Internal errors kept for `close()` to report; past it they are only counted. */
const MAX_KEPT_INTERNAL_ERRORS = 100;
/** Node's own header limit is raised above API Gateway's, so the gateway answers oversized headers itself. */
const MAX_PARSED_HEADER_BYTES = 64 * 1024;
/** The only method override API Gateway documents (known issues: "API Gateway overrides the method"). */
const METHOD_OVERRIDE_HEADER = "x-http-method-override";

/** What a stage serves: the document its deployment froze, worked out once per deployment. */
interface DeployedApi {
    readonly deploymentId: string;
    readonly document: OpenApiDocument;
    readonly routes: RouteTable;
    readonly templates: CompiledTemplates;
    /** The resource policy as JSON text, as API Gateway holds it (see `RestApiRecord.policy`); undefined when there is none. */
    readonly resourcePolicy: string | undefined;
}

/** One line of the gateway's request log. Never holds a credential. */
export interface RequestLogEntry {
    readonly requestId: string;
    readonly method: string;
    /** The path as sent, without its query string (which can carry a presigned credential). */
    readonly path: string;
    readonly status: number;
    /** `x-amzn-ErrorType` of a refusal or failure. */
    readonly errorType: string | undefined;
    /** The signed caller's ARN, or `anonymous`. */
    readonly caller: string;
    /** Time spent in the integration, when one ran. */
    readonly integrationMs: number | undefined;
    /** Why IAM refused (which statement denied, or that none allowed), or why the request failed. */
    readonly reason: string | undefined;
}

export interface GatewayOptions {
    /** Port of the first REST API; each further API gets the next port. 0 picks free ports. @default 0 */
    readonly port?: number;
    /** The server's clock, for SigV4's ±5 minute window. @default () => new Date() */
    readonly now?: () => Date;
    /** Called once per answered request. @default nothing is logged */
    readonly log?: (entry: RequestLogEntry) => void;
    /**
     * Called when the gateway itself fails (a bug in the emulator, never a decision about the caller);
     * the request gets a 500. @default printed to stderr
     */
    readonly onInternalError?: (error: Error) => void;
    /** How long one IAM evaluation may run. @default 1000 */
    readonly evaluationTimeoutMs?: number;
    /** Receives each line a Lambda function writes, prefixed with its name. @default stderr */
    readonly functionLog?: (line: string) => void;
    /** Port of the first custom domain's HTTPS listener; each further domain gets the next port. 0 picks free ports. @default 0 */
    readonly domainPort?: number;
}

/** Where a request came in: a REST API's default endpoint, or a custom domain name's listener. */
type Listener = { readonly restApiId: string } | { readonly domainName: string };

/** The name of local mode's own certificate authority, which issues every custom domain's certificate. */
export const LOCAL_CA_NAME = "secured-rest-api local mode CA";

/** A request as the gateway received it, with its one parsed path, used by every stage. */
interface GatewayRequest extends WireRequest {
    /** The authority of an absolute-form request target (`GET http://host/...`), which then names the host. */
    readonly authority: string | undefined;
    readonly requestId: string;
    readonly receivedAt: number;
    readonly sourceIp: string;
}

/** A caller whose signature was accepted, as IAM evaluates it. */
type SignedPrincipal = Pick<CallerIdentity, "arn" | "policies" | "sessionPolicies" | "facts">;

const ANONYMOUS: CallerFacts = { kind: "anonymous" };

/** What handling a request produced, for the answer and the log. */
interface Outcome {
    readonly response: GatewayResponse;
    readonly caller?: string;
    readonly reason?: string;
    readonly integrationMs?: number;
}

/**
 * The local stand-in for API Gateway's data plane. Each REST API of the local account gets its own
 * loopback listener (its "execute-api host"), and every stage is served under `/<stage>`. A request
 * goes through API Gateway's steps in API Gateway's order, each a function of its own: quotas, host,
 * route by the deployed OpenAPI document, the method ARN's length, SigV4 authentication, IAM
 * authorization of `execute-api:Invoke` (on a worker thread), API key, then the integration.
 */
export class LocalGateway {
    private readonly servers: http.Server[] = [];
    /** The custom domains' HTTPS listeners, and where each listens (`127.0.0.1:<port>`), by domain name. */
    private readonly domainServers: https.Server[] = [];
    private readonly domainAddresses = new Map<string, string>();
    private authority: CertificateAuthority | undefined;
    private closed = false;
    private account: LocalAwsAccount | undefined;
    /** Where callers' keys are looked up: the account itself, or every account of the run. */
    private credentials: CredentialDirectory | undefined;
    private readonly deployments = new Map<string, DeployedApi>();
    /** IAM decisions by caller, resource, context and account revision, as AWS caches policy evaluations. */
    private readonly decisions = new Map<string, InvokeAnswer>();
    private readonly evaluator: IamEvaluator;
    /** Each REST API's listener port, by API id. */
    private readonly ports = new Map<string, number>();
    /** The Host values each REST API answers to, lower case, by API id. */
    private readonly ownHosts = new Map<string, ReadonlySet<string>>();
    /** Which condition keys the policies in play mention, by account revision, deployment and caller. */
    private readonly mentionedKeys = new Map<string, (key: string) => boolean>();
    /** Callers by account revision and access key id (only keys whose signature was accepted). */
    private readonly identities = new Map<string, CallerIdentity>();
    /** Failures of the gateway itself since it started (the first ones); `close()` reports them. */
    readonly internalErrors: Error[] = [];
    private internalErrorCount = 0;
    /** The execution environments of the account's Lambda functions, each a process of its own. */
    private readonly lambdaRuntimes: LambdaRuntimes;

    constructor(private readonly options: GatewayOptions = {}) {
        this.evaluator = new IamEvaluator(options.evaluationTimeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS);
        this.lambdaRuntimes = new LambdaRuntimes({ log: options.functionLog });
    }

    /** Opens a listener for a new REST API and returns its base URL; pass as the engine's allocator. */
    readonly allocateEndpoint = async (restApiId: string): Promise<string> => {
        if (this.closed) throw new Error("The local gateway has stopped: it opens no listener for a new REST API.");
        const base = this.options.port ?? 0;
        const port = base === 0 ? 0 : base + this.servers.length;
        const server = http.createServer(HTTP_OPTIONS, (req, res) => this.handle({ restApiId }, req, res));
        this.servers.push(server);
        const listening = await listen(server, port, "--port");
        this.ports.set(restApiId, listening);
        return `http://${LOOPBACK}:${listening}`;
    };

    /**
     * Opens one HTTPS listener per custom domain name of the account (after the program ran: a domain's
     * listener is local mode's, not part of what the program provisions), each with a server certificate
     * local mode's CA issues for the name, the domain's minimum TLS version and, with mutual TLS, a
     * request for the client's certificate checked against the truststore. Returns where each listens.
     */
    async serveDomains(account: LocalAwsAccount): Promise<ReadonlyMap<string, string>> {
        if (this.closed) throw new Error("The local gateway has stopped: it opens no listener for a custom domain.");
        const base = this.options.domainPort ?? 0;
        for (const domain of account.domainNames.values()) {
            if (this.domainAddresses.has(domain.domainName)) continue;
            this.authority ??= await CertificateAuthority.create(LOCAL_CA_NAME);
            const issued = await this.authority.issue({
                commonName: domain.domainName,
                use: "server",
                dnsNames: [domain.domainName],
            });
            const server = https.createServer(
                {
                    ...HTTP_OPTIONS,
                    key: issued.privateKeyPem,
                    cert: `${issued.certificatePem}\n${this.authority.certificatePem}`,
                    minVersion: domain.securityPolicy === "TLS_1_2" ? "TLSv1.2" : "TLSv1",
                    // Checked by the gateway, not refused in the handshake: API Gateway answers an untrusted client in HTTP, 403.
                    requestCert: domain.mutualTls !== undefined,
                    rejectUnauthorized: false,
                    ca: domain.mutualTls ? [...domain.mutualTls.certificates] : undefined,
                },
                (req, res) => this.handle({ domainName: domain.domainName }, req, res),
            );
            this.domainServers.push(server);
            const port = await listen(server, base === 0 ? 0 : base + this.domainServers.length - 1, "--domain-port");
            this.domainAddresses.set(domain.domainName, `${LOOPBACK}:${port}`);
        }
        return this.domainAddresses;
    }

    /** The PEM certificate of local mode's CA, which clients trust to call the custom domains; undefined before any domain. */
    get certificateAuthorityPem(): string | undefined {
        return this.authority?.certificatePem;
    }

    /**
     * Starts answering requests from the account's deployed stages, for callers whose keys `credentials`
     * knows (by default the account's own users and role sessions; pass every account of the run to let
     * another account's principals in, as far as both halves of IAM allow).
     */
    serve(account: LocalAwsAccount, credentials: CredentialDirectory = account): void {
        this.account = account;
        this.credentials = credentials;
    }

    /** Stops listening; rejects, listing them, if the gateway failed internally while serving. */
    async close(): Promise<void> {
        this.closed = true;
        await this.lambdaRuntimes.close();
        await Promise.all(
            [...this.servers, ...this.domainServers].map(
                (s) =>
                    new Promise<void>((resolve) => {
                        s.closeAllConnections();
                        s.close(() => resolve());
                    }),
            ),
        );
        if (this.internalErrorCount > 0) {
            throw new Error(
                `The local gateway failed internally ${this.internalErrorCount} time(s); first: ${this.internalErrors[0].message}`,
            );
        }
    }

    /** Hands over (and forgets) the internal errors so far, for a test that provokes one on purpose. */
    takeInternalErrors(): Error[] {
        this.internalErrorCount = 0;
        return this.internalErrors.splice(0);
    }

    private handle(listener: Listener, req: http.IncomingMessage, res: http.ServerResponse): void {
        let sourceIp: string;
        try {
            sourceIp = sourceIpOf(req);
        } catch (e) {
            if (!(e instanceof ClientGone)) throw e;
            return void res.destroy();
        }
        const request: GatewayRequest = {
            ...requestTarget(req.url ?? "/"),
            method: req.method ?? "GET",
            headers: headerPairs(req.rawHeaders),
            body: Buffer.alloc(0),
            requestId: newRequestId(),
            receivedAt: Date.now(),
            sourceIp,
        };
        void this.answer(listener, req, request)
            .then((outcome) => {
                outcome = this.write(res, request, outcome);
                this.options.log?.({
                    requestId: request.requestId,
                    method: request.method,
                    path: request.rawPath,
                    status: outcome.response.status,
                    errorType: outcome.response.headers["x-amzn-ErrorType"],
                    caller: outcome.caller ?? "anonymous",
                    integrationMs: outcome.integrationMs,
                    reason: outcome.reason,
                });
            })
            .catch((e) => {
                // Not even a 500 could be written: the connection is all that is left to end.
                this.internalError(e);
                res.destroy();
            });
    }

    /** Writes the answer; one HTTP cannot carry (a header value a mapping made, say) is a failure of ours: a 500. */
    private write(res: http.ServerResponse, request: GatewayRequest, outcome: Outcome): Outcome {
        const { response } = outcome;
        const body = typeof response.body === "string" ? Buffer.from(response.body) : response.body;
        const own = {
            "Content-Length": body.length,
            "x-amzn-RequestId": request.requestId,
            // A body refused for its size is not read to its end: this connection cannot carry another request.
            ...(response.status === 413 ? { Connection: "close" } : {}),
        };
        try {
            res.writeHead(response.status, responseHeaderBlock(response.headers, response.multiValueHeaders, own));
        } catch (e) {
            if (res.headersSent) throw e;
            const failed = this.internalError(e);
            return this.write(res, request, { response: internalServerError(), reason: failed.reason });
        }
        res.end(body);
        return outcome;
    }

    /** Records and reports a failure of the gateway itself; its answer is API Gateway's 500. */
    private internalError(e: unknown): { reason: string } {
        const error = e instanceof Error ? e : new Error(String(e));
        if (this.internalErrors.length < MAX_KEPT_INTERNAL_ERRORS) this.internalErrors.push(error);
        this.internalErrorCount++;
        (this.options.onInternalError ?? reportLoudly)(error);
        return { reason: `internal error: ${error.message}` };
    }

    /** Quotas on what was sent first, then the body, then everything else; a failure of ours is a 500. */
    private async answer(listener: Listener, req: http.IncomingMessage, head: GatewayRequest): Promise<Outcome> {
        try {
            const account = this.account;
            const api = "restApiId" in listener ? account?.restApis.get(listener.restApiId) : undefined;
            const domain = "domainName" in listener ? account?.domainNames.get(listener.domainName) : undefined;
            if (!account || (!api && !domain))
                return { response: internalServerError("The local gateway is still starting.") };
            const host = headerValues(head.headers, "host");
            const endpointType = api?.endpointType ?? domain!.endpointType;
            const tooMuch = requestLimitRefusal(req.url ?? "/", host[0] ?? "", head.headers, endpointType);
            if (tooMuch) return { response: tooMuch };
            const body = await readBody(req);
            if (body === undefined) return { response: requestTooLarge() };
            if (domain) return await this.respondOnDomain(account, domain, { ...head, body }, req.socket as TLSSocket);
            return await this.respond(account, api!, { ...head, body });
        } catch (e) {
            // The client hung up before its body arrived: nobody to answer, and no fault of the gateway.
            if (e instanceof ClientGone) return { response: badRequest(), reason: "the client closed the connection" };
            return { response: internalServerError(), ...this.internalError(e) };
        }
    }

    private async respond(account: LocalAwsAccount, api: RestApiRecord, request: GatewayRequest): Promise<Outcome> {
        const hosts = headerValues(request.headers, "host");
        let own = this.ownHosts.get(api.id);
        if (!own) this.ownHosts.set(api.id, (own = ownHostNames(api.id, account.region, this.ports.get(api.id)!)));
        const host = hosts.length === 1 ? hosts[0].trim().toLowerCase() : undefined;
        // With an absolute-form target the Host header, which the signature covers, must name the same host.
        const authority = request.authority?.toLowerCase() ?? host;
        if (host === undefined || authority !== host || !own.has(host)) {
            // API Gateway finds the API by its host name: another host reaches no API of this account (inferred).
            return { response: forbidden(), reason: "the Host header names no API served here" };
        }
        const stagePath = parseStagePath(request.rawPath);
        const stage = stagePath ? account.stage(api.id, stagePath.stage) : undefined;
        // A disabled default endpoint answers everything with 403 Forbidden, once a deployment carries the switch.
        if (stage && account.deployments.get(stage.deploymentId)!.disableExecuteApiEndpoint)
            return { response: forbidden() };
        if (api.disableExecuteApiEndpoint && !stage) return { response: forbidden() };
        if (!stagePath || !stage) return { response: missingAuthenticationToken() };
        const deployment = this.deployed(account, stage.deploymentId);
        const outcome = await this.authorizeAndRun(
            account,
            api,
            request,
            stage,
            stagePath,
            deployment,
            `/${stagePath.stage}`,
        );
        // API Gateway's own answers, refusals and integration failures alike, take the API's gateway responses.
        return { ...outcome, response: withGatewayResponse(deployment.document, request, outcome.response) };
    }

    /**
     * A request to a custom domain: the client's certificate (mutual TLS), the Host, the base path
     * mapping (which names the API and stage), then the same steps as on the default endpoint, the
     * signature over the path as sent to the domain. A disabled default endpoint does not concern it.
     */
    private async respondOnDomain(
        account: LocalAwsAccount,
        domain: DomainNameRecord,
        request: GatewayRequest,
        socket: TLSSocket,
    ): Promise<Outcome> {
        // Before anything of the request is read: the developer guide says 403 ("Invoke an API … mutual TLS"); the body is inferred.
        const refusal = domain.mutualTls ? clientCertificateRefusal(socket) : undefined;
        if (refusal !== undefined) return { response: forbidden(), reason: `mutual TLS: ${refusal}` };
        const hosts = headerValues(request.headers, "host");
        const host = hosts.length === 1 ? hosts[0].trim().toLowerCase() : undefined;
        const authority = request.authority?.toLowerCase() ?? host;
        const port = Number(this.domainAddresses.get(domain.domainName)!.split(":")[1]);
        if (host === undefined || authority !== host || !hostNamesDomain(domain.domainName, host, port))
            return { response: forbidden(), reason: "the Host header names no custom domain served here" };
        const route = resolveBasePath(account.basePathMappings.get(domain.domainName) ?? [], request.rawPath);
        const api = route && account.restApis.get(route.restApiId);
        const stage = route && api && account.stage(api.id, route.stageName);
        // Inferred: a path no base path mapping covers reaches no API, and API Gateway answers it 403 Forbidden.
        if (!route || !api || !stage)
            return { response: forbidden(), reason: "no base path mapping of this custom domain covers the path" };
        const deployment = this.deployed(account, stage.deploymentId);
        const stagePath: StagePath = { stage: stage.stageName, resource: parseResourcePath(route.resourceWire) };
        const outcome = await this.authorizeAndRun(account, api, request, stage, stagePath, deployment, route.prefix);
        return { ...outcome, response: withGatewayResponse(deployment.document, request, outcome.response) };
    }

    /** Route, then SigV4 and IAM (or the resource policy alone for a public method), then the integration. */
    private async authorizeAndRun(
        account: LocalAwsAccount,
        api: RestApiRecord,
        request: GatewayRequest,
        stage: StageRecord,
        stagePath: StagePath,
        deployment: DeployedApi,
        /** The path as sent before the resource path (`/<stage>`, or a custom domain's base path). */
        pathPrefix: string,
    ): Promise<Outcome> {
        const credentials = this.credentials ?? account;
        const method = routedMethod(request);
        const path = stagePath.resource;
        const route = path && method ? findUnambiguousRoute(deployment.routes, method, path.segments) : undefined;
        if (!path || !method || !route) return { response: missingAuthenticationToken() };

        const auth = route.operation["x-amazon-apigateway-auth"];
        const authType = isJsonObject(auth) && typeof auth.type === "string" ? auth.type.toUpperCase() : "NONE";
        const signed = authType === "AWS_IAM";
        const resourceArns = path.arnTails.map((tail) =>
            invokeResourceArn(
                account.partition,
                account.region,
                account.accountId,
                api.id,
                stage.stageName,
                method,
                tail,
            ),
        );
        if ((signed || deployment.resourcePolicy !== undefined) && methodArnTooLong(resourceArns))
            return { response: uriTooLong(), reason: "the method ARN is over API Gateway's 1,600 bytes" };

        let caller: Caller | undefined;
        if (signed) {
            const verification = verifySigV4(request, {
                region: account.region,
                service: "execute-api",
                now: this.options.now,
                lookup: (id) => credentials.credentialFor(id),
            });
            if (!verification.ok) return { response: verification.response };
            if (
                method !== request.method.toUpperCase() &&
                !verification.signedHeaders.includes(METHOD_OVERRIDE_HEADER)
            ) {
                // API Gateway routes by the override; unsigned, it would let anyone re-aim a captured signature.
                return {
                    response: invalidSignature(
                        "'X-HTTP-Method-Override' must be a 'SignedHeader' in the AWS Authorization.",
                    ),
                };
            }
            const identity = this.identityOf(credentials, verification.accessKeyId);
            const answer = await this.decide(account, deployment, request, resourceArns, identity);
            if (answer.decision !== "Allowed") {
                return {
                    response: accessDenied(identity.arn, resourceArns[0], answer.decision === "ExplicitlyDenied"),
                    caller: identity.arn,
                    reason: answer.reason,
                };
            }
            caller = {
                arn: identity.arn,
                accessKey: verification.accessKeyId,
                accountId: identity.accountId,
                userId: identity.userId,
                cognito: identity.cognito,
            };
        } else if (deployment.resourcePolicy !== undefined) {
            // API Gateway evaluates the resource policy for methods without authorization too.
            const answer = await this.decide(account, deployment, request, resourceArns, undefined);
            if (answer.decision !== "Allowed") {
                return {
                    response: accessDenied("anonymous", resourceArns[0], answer.decision === "ExplicitlyDenied"),
                    reason: answer.reason,
                };
            }
        }
        // Local mode has no API keys or usage plans, so a key-protected method refuses like AWS without a valid key.
        if (requiresApiKey(deployment.document, route.operation))
            return { response: forbidden(), caller: caller?.arn, reason: "an API key is required" };

        const started = performance.now();
        const integrated = await runIntegration(route, {
            ...integrationRequest(request, account, api, stage, method, route, path, caller, deployment, pathPrefix),
            methodArns: resourceArns,
            lambda: { account, runtimes: this.lambdaRuntimes },
        });
        return {
            response: integrated.response,
            caller: caller?.arn,
            reason: integrated.reason,
            integrationMs: performance.now() - started,
        };
    }

    /** Who signed with a key, worked out again only when an account changed (policies are read from them). */
    private identityOf(credentials: CredentialDirectory, accessKeyId: string): CallerIdentity {
        const key = `${credentials.revision}|${accessKeyId}`;
        let identity = this.identities.get(key);
        if (!identity) {
            identity = credentials.identityOfAccessKey(accessKeyId);
            if (this.identities.size >= MAX_CACHED_DECISIONS) this.identities.clear();
            this.identities.set(key, identity);
        }
        return identity;
    }

    /** The document a deployment froze, its routes, templates and resource policy, worked out once. */
    private deployed(account: LocalAwsAccount, deploymentId: string): DeployedApi {
        let deployed = this.deployments.get(deploymentId);
        if (!deployed) {
            const { body, policy } = account.deployments.get(deploymentId)!;
            const document = JSON.parse(body) as OpenApiDocument;
            deployed = {
                deploymentId,
                document,
                routes: buildRouteTable(document),
                templates: compileTemplates(document),
                resourcePolicy: policy,
            };
            this.deployments.set(deploymentId, deployed);
        }
        return deployed;
    }

    /** IAM's decision, cached by everything it depends on, as AWS caches policy evaluations. */
    private async decide(
        account: LocalAwsAccount,
        deployment: DeployedApi,
        request: GatewayRequest,
        resourceArns: readonly string[],
        principal: SignedPrincipal | undefined,
    ): Promise<InvokeAnswer> {
        const { entries: context, uncertainKeys } = requestContext(principal?.facts ?? ANONYMOUS, {
            sourceIp: request.sourceIp,
            receivedAt: new Date(request.receivedAt),
            region: account.region,
            resourceAccountId: account.accountId,
            userAgent: headerValues(request.headers, "user-agent")[0],
            referer: headerValues(request.headers, "referer")[0],
        });
        const question: InvokeQuestion = {
            principal: principal && {
                arn: principal.arn,
                policies: principal.policies,
                sessionPolicies: principal.sessionPolicies,
            },
            resourceAccountId: account.accountId,
            resourceArns,
            resourcePolicy: deployment.resourcePolicy,
            context,
            uncertainKeys,
        };
        // Two sessions of a role may differ by their session policies only.
        const who = `${principal?.arn ?? ""}|${(principal?.sessionPolicies ?? []).map((p) => p.name).join(",")}`;
        const scope = `${account.revision}|${this.credentials?.revision ?? 0}|${deployment.deploymentId}|${who}`;
        let mentioned = this.mentionedKeys.get(scope);
        if (!mentioned) {
            const text = [...(principal?.policies ?? []).map((p) => p.document), deployment.resourcePolicy ?? ""]
                .join("\n")
                .toLowerCase();
            const seen = new Map<string, boolean>();
            mentioned = (name: string) => {
                let found = seen.get(name);
                if (found === undefined) seen.set(name, (found = text.includes(name.toLowerCase())));
                return found;
            };
            if (this.mentionedKeys.size >= MAX_CACHED_DECISIONS) this.mentionedKeys.clear();
            this.mentionedKeys.set(scope, mentioned);
        }
        // Only the condition keys some policy mentions can change the answer, so only they key the cache.
        let key = `${scope}|${resourceArns.join(" ")}|${uncertainKeys.join(" ")}`;
        for (const [name, value] of context) if (mentioned(name)) key += `|${name}=${String(value)}`;
        let answer = this.decisions.get(key);
        if (answer === undefined) {
            answer = await this.evaluator.decide(question);
            if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
            this.decisions.set(key, answer);
        }
        return answer;
    }
}

function integrationRequest(
    request: GatewayRequest,
    account: LocalAwsAccount,
    api: RestApiRecord,
    stage: StageRecord,
    method: string,
    route: Route,
    path: ResourcePath,
    caller: Caller | undefined,
    deployment: DeployedApi,
    pathPrefix: string,
) {
    return {
        requestId: request.requestId,
        accountId: account.accountId,
        apiId: api.id,
        stage: stage.stageName,
        httpMethod: method,
        resourcePath: route.pathTemplate,
        // `$context.path`: the path as called, so on a custom domain with its base path (and no stage).
        path: `${pathPrefix}${path.decoded === "/" ? "" : path.decoded}` || "/",
        pathParams: route.pathParams,
        query: parseQuery(request.rawQuery),
        headers: request.headers,
        sourceIp: request.sourceIp,
        caller,
        requestTimeEpoch: request.receivedAt,
        rawQuery: request.rawQuery,
        body: request.body,
        templates: deployment.templates,
        stageVariables: stage.variables,
        document: deployment.document,
        deploymentId: deployment.deploymentId,
        host: headerValues(request.headers, "host")[0] ?? "",
    };
}

/**
 * The method the request is routed and authorized as: its own, or the one `X-HTTP-Method-Override`
 * names (API Gateway documents that it overrides the method). Undefined for an override that is not
 * one plain verb.
 */
function routedMethod(request: GatewayRequest): string | undefined {
    const overrides = headerValues(request.headers, METHOD_OVERRIDE_HEADER);
    if (overrides.length === 0) return request.method.toUpperCase();
    return overrides.length === 1 && /^[A-Za-z]+$/.test(overrides[0].trim())
        ? overrides[0].trim().toUpperCase()
        : undefined;
}

/**
 * The Host values that name this API: its loopback `host:port`, and its
 * `<api-id>.execute-api.<region>.amazonaws.com` name (with or without the listener's port).
 */
function ownHostNames(restApiId: string, region: string, port: number): ReadonlySet<string> {
    const awsName = `${restApiId}.execute-api.${region}.amazonaws.com`;
    return new Set([`${LOOPBACK}:${port}`, awsName, `${awsName}:${port}`]);
}

/**
 * Every header line is seen (Node drops those past 2,000 entries by default), and a request without Host
 * reaches the gateway, which answers it like any unknown host.
 */
const HTTP_OPTIONS = { maxHeaderSize: MAX_PARSED_HEADER_BYTES, requireHostHeader: false } as const;

/**
 * Refuses a loopback port something else listens on, before a program runs: found only when the program's
 * stage is served, the refusal would reach the user inside Pulumi's "error serializing property" chain.
 */
export async function assertPortFree(port: number, flag: string): Promise<void> {
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
        probe.once("error", (e: NodeJS.ErrnoException) => reject(listenError(e, port, flag)));
        probe.listen(port, LOOPBACK, resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
}

const listenError = (e: NodeJS.ErrnoException, port: number, flag: string) =>
    new Error(e.code === "EADDRINUSE" ? `Port ${port} is in use; choose another with ${flag}.` : e.message);

/** Listens on a loopback port with the gateway's answers to malformed requests; resolves with the port. */
async function listen(server: http.Server | https.Server, port: number, flag: string): Promise<number> {
    server.maxHeadersCount = 0;
    server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
        answerOnSocket(
            socket,
            error.code === "HPE_HEADER_OVERFLOW" ? headersTooLarge(MAX_HEADER_VALUES_BYTES) : badRequest(),
        ),
    );
    // CONNECT names no resource of a REST API: answered like any method no route has.
    server.on("connect", (_req: http.IncomingMessage, socket: Socket) =>
        answerOnSocket(socket, missingAuthenticationToken()),
    );
    await new Promise<void>((resolve, reject) => {
        server.once("error", (e: NodeJS.ErrnoException) => reject(listenError(e, port, flag)));
        server.listen(port, LOOPBACK, resolve);
    });
    return (server.address() as AddressInfo).port;
}

/** An answer in API Gateway's shape written on a raw socket (no request object to answer), then closed. */
function answerOnSocket(socket: Socket, response: GatewayResponse): void {
    if (!socket.writable) {
        socket.destroy();
        return;
    }
    const body = Buffer.from(response.body);
    const head = [
        `HTTP/1.1 ${response.status} ${http.STATUS_CODES[response.status]}`,
        ...Object.entries(response.headers).map(([name, value]) => `${name}: ${value}`),
        `Content-Length: ${body.length}`,
        `x-amzn-RequestId: ${newRequestId()}`,
        "Connection: close",
    ];
    socket.end(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), body]));
}

function reportLoudly(error: Error): void {
    console.error(
        `LOCAL GATEWAY INTERNAL ERROR (a bug in the emulator, answered 500): ${error.stack ?? error.message}`,
    );
}
