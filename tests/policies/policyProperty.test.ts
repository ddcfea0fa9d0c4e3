import * as http from "http";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fc from "fast-check";
import {
    allowPublicOperations,
    denyOutsideAccounts,
    denyOutsideSourceIps,
    InvalidSecuredRestApiInput,
    SecuredRestApi,
    SecuredRestApiArgs,
} from "../../components";
import { OpenApiDocument } from "../../components/openapi/operations";
import { LocalAwsAccount } from "../../local-aws/engine/account";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { matchRoute } from "../../local-aws/gateway/routing";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { TRANSPILED } from "../helpers/localAws";
import { Credentials, signedHeaders } from "../helpers/rawHttp";
import { mockIntegration, openApi3, operation, PROJECT_DIR } from "../helpers/specs";

const SEED = 20261203;
const APIS = 16;
const OWN_ACCOUNT = "123456789012";
const PARTNER_ACCOUNT = "111122223333";
const PARTNER_USER = `arn:aws:iam::${PARTNER_ACCOUNT}:user/partner`;
const LITERALS = ["a", "b", "pets", "x"];
/** Values a request puts where a template has a parameter: literals of other templates, a case variant, others. */
const VALUES = [...LITERALS, "PETS", "1", "zz"];
const VERBS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"];

/** One generated API: its document's operations and every argument that decides who may call what. */
interface ApiCase {
    readonly operations: readonly { verb: string; path: string }[];
    readonly publicOperations: readonly string[];
    readonly resourcePolicy: boolean;
    readonly cors: boolean;
    /** `invokeOperations` of the component's own user; undefined for the whole stage. */
    readonly invokeOperations: readonly string[] | undefined;
    /** `grants` to the account's user "grantee": the operations, or undefined for the whole stage. */
    readonly grantee: { operations: readonly string[] | undefined } | undefined;
    /** `crossAccountGrants`: to the partner account's user, to the whole partner account, or both. */
    readonly partner: readonly { account: boolean; operations: readonly string[] | undefined }[];
}

/** Paths of at most three segments: literals, one parameter name per level, a greedy last segment. */
const template = fc
    .tuple(fc.array(fc.oneof(fc.constantFrom(...LITERALS), fc.constant("")), { maxLength: 3 }), fc.boolean())
    .map(([parts, greedy]) => {
        const segments = parts.map((p, i) => (p === "" ? `{p${i + 1}}` : p));
        if (greedy) segments.push(`{p${segments.length + 1}+}`);
        return `/${segments.join("/")}`;
    });

const subsetOf = <T>(items: readonly T[]) => fc.subarray([...items]);
const scope = (keys: readonly string[]) =>
    fc.option(
        subsetOf(keys).filter((s) => s.length > 0),
        { nil: undefined },
    );

const apiCase: fc.Arbitrary<ApiCase> = fc
    .uniqueArray(fc.tuple(fc.constantFrom("GET", "POST", "ANY"), template), {
        minLength: 2,
        maxLength: 7,
        selector: ([verb, path]) => `${verb} ${path}`,
    })
    .filter(importable)
    .chain((pairs) => {
        const operations = pairs.map(([verb, path]) => ({ verb, path }));
        const keys = operations.map((o) => `${o.verb} ${o.path}`);
        return fc.record({
            operations: fc.constant(operations),
            publicOperations: subsetOf(keys).filter((p) => p.length < keys.length),
            resourcePolicy: fc.boolean(),
            cors: fc.boolean(),
            invokeOperations: scope(keys),
            grantee: fc.option(fc.record({ operations: scope(keys) }), { nil: undefined }),
            partner: fc.array(fc.record({ account: fc.boolean(), operations: scope(keys) }), { maxLength: 2 }),
        });
    })
    .map((c) => {
        // Grants name IAM operations only: take the public ones out.
        const iam = (list: readonly string[] | undefined) => {
            const kept = list?.filter((k) => !c.publicOperations.includes(k));
            return kept === undefined ? undefined : kept.length > 0 ? kept : undefined;
        };
        return {
            ...c,
            invokeOperations: iam(c.invokeOperations),
            grantee: c.grantee && { operations: iam(c.grantee.operations) },
            partner: c.partner.map((p) => ({ ...p, operations: iam(p.operations) })),
        };
    });

/** Only documents API Gateway imports: under one parent, one variable segment (a parameter or a greedy one). */
function importable(pairs: readonly (readonly [string, string])[]): boolean {
    const variables = new Map<string, string>();
    for (const [, path] of pairs) {
        const segments = path.split("/").slice(1);
        for (let i = 0; i < segments.length; i++) {
            if (!segments[i].startsWith("{")) continue;
            const parent = segments.slice(0, i).join("/");
            if ((variables.get(parent) ?? segments[i]) !== segments[i]) return false;
            variables.set(parent, segments[i]);
        }
    }
    return true;
}

/** A MOCK answering with the operation's key, so a 200 says which operation answered. */
function documentOf(c: ApiCase): OpenApiDocument {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { verb, path } of c.operations) {
        const key = verb === "ANY" ? "x-amazon-apigateway-any-method" : verb.toLowerCase();
        (paths[path] ??= {})[key] = operation({
            "x-amazon-apigateway-integration": mockIntegration(JSON.stringify({ op: `${verb} ${path}` })),
        });
    }
    return openApi3(paths);
}

function argsOf(c: ApiCase): SecuredRestApiArgs {
    const publicOperations = [...c.publicOperations];
    return {
        openApiSpec: documentOf(c),
        publicOperations,
        invokeOperations: c.invokeOperations && [...c.invokeOperations],
        cors: c.cors ? { allowOrigin: "https://app.example.com" } : undefined,
        // Behind any resource policy (cross-account grants write one) public operations need their Allow.
        resourcePolicy: [
            ...(publicOperations.length > 0 && (c.resourcePolicy || c.partner.length > 0)
                ? [allowPublicOperations(publicOperations)]
                : []),
            ...(c.resourcePolicy
                ? [denyOutsideSourceIps(["127.0.0.0/8"]), denyOutsideAccounts([OWN_ACCOUNT, PARTNER_ACCOUNT])]
                : []),
        ],
        grants: c.grantee && [{ users: ["grantee"], operations: c.grantee.operations && [...c.grantee.operations] }],
        crossAccountGrants: c.partner.map((p) => ({
            principals: [p.account ? PARTNER_ACCOUNT : PARTNER_USER],
            operations: p.operations && [...p.operations],
        })),
    };
}

type Caller = "anonymous" | "nobody" | "outsider" | "grantee" | "partner" | "user";
const CALLERS: readonly Caller[] = ["anonymous", "nobody", "outsider", "grantee", "partner", "user"];

/** The IAM operations each caller is granted, by the arguments alone (undefined: every one). */
function grantedTo(caller: Caller, c: ApiCase): ReadonlySet<string> | "all" {
    const union = (scopes: readonly (readonly string[] | undefined)[]) =>
        scopes.some((s) => s === undefined) ? "all" : new Set(scopes.flatMap((s) => s ?? []));
    switch (caller) {
        case "anonymous":
        case "nobody":
            return new Set();
        case "user":
            return union([c.invokeOperations]);
        case "grantee":
            return c.grantee ? union([c.grantee.operations]) : new Set();
        case "outsider":
            return union(c.partner.filter((p) => p.account).map((p) => p.operations));
        case "partner":
            return union(c.partner.map((p) => p.operations));
    }
}

interface Served {
    readonly c: ApiCase;
    readonly port: number;
    readonly host: string;
    readonly stage: string;
    readonly document: OpenApiDocument;
    readonly authorization: ReadonlyMap<string, string>;
    readonly user: Credentials;
}

describe("property: a composed policy opens exactly what it names (generated documents and callers, local mode as the oracle)", function () {
    this.timeout(120_000);
    let local: LocalMode;
    const served: Served[] = [];
    const refused: string[] = [];
    const keys = new Map<Caller, Credentials>();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const cases = fc.sample(apiCase, { seed: SEED, numRuns: APIS });

    before(async () => {
        local = await startLocalMode({
            projectDir: PROJECT_DIR,
            ...TRANSPILED,
            program: () => {
                const key = (name: string) => {
                    const user = new aws.iam.User(name, { name });
                    const k = new aws.iam.AccessKey(name, { user: user.name });
                    return pulumi.secret({ accessKeyId: k.id, secretAccessKey: k.secret });
                };
                const outputs: Record<string, unknown> = { nobody: key("nobody"), grantee: key("grantee") };
                cases.forEach((c, i) => {
                    try {
                        const api = new SecuredRestApi(`api${i}`, argsOf(c));
                        outputs[`api${i}`] = {
                            invokeUrl: api.invokeUrl,
                            operations: api.operations,
                            user: pulumi.secret({ accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey }),
                        };
                    } catch (e) {
                        // A grant IAM cannot write apart from another is refused at preview, naming both: never half-made.
                        if (!(e instanceof InvalidSecuredRestApiInput)) throw e;
                        expect(e.message).to.match(/cannot be kept out while granting|could never call/);
                        refused.push(`api${i}`);
                    }
                });
                return outputs;
            },
        });
        const o = outputsAsJson(local.outputs);
        keys.set("nobody", o.nobody as Credentials);
        keys.set("grantee", o.grantee as Credentials);
        const partner: LocalAwsAccount = local.accounts.create(PARTNER_ACCOUNT);
        const invokeAnything = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
        });
        for (const name of ["partner", "outsider"] as const) {
            await partner.provision("aws:iam/user:User", name, { name });
            await partner.provision("aws:iam/userPolicy:UserPolicy", name, { user: name, policy: invokeAnything });
            const k = await partner.provision("aws:iam/accessKey:AccessKey", name, { user: name });
            keys.set(name, { accessKeyId: k.id, secretAccessKey: String(k.state.secret) });
        }
        cases.forEach((c, i) => {
            const api = o[`api${i}`] as
                | {
                      invokeUrl: string;
                      operations: { verb: string; path: string; authorization: string }[];
                      user: Credentials;
                  }
                | undefined;
            if (!api) return;
            const url = new URL(api.invokeUrl);
            const restApi = [...local.account.restApis.values()].find((r) => api.invokeUrl.startsWith(r.baseUrl))!;
            served.push({
                c,
                port: Number(url.port),
                host: url.host,
                stage: url.pathname,
                document: JSON.parse(restApi.body) as OpenApiDocument,
                authorization: new Map(api.operations.map((op) => [`${op.verb} ${op.path}`, op.authorization])),
                user: api.user,
            });
        });
    });
    after(async () => {
        agent.destroy();
        await local?.close();
    });

    function send(api: Served, method: string, path: string, credentials: Credentials | undefined) {
        const target = `${api.stage}${path}`;
        const headers = credentials
            ? signedHeaders(api.host, "us-west-2", credentials, { method, target })
            : [["Host", api.host] as [string, string]];
        return new Promise<{ status: number; body: string; type: string | undefined }>((resolve, reject) => {
            const req = http.request(
                {
                    host: "127.0.0.1",
                    port: api.port,
                    method,
                    path: target,
                    agent,
                    headers: Object.fromEntries(headers),
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (chunk: Buffer) => chunks.push(chunk));
                    res.on("end", () =>
                        resolve({
                            status: res.statusCode ?? 0,
                            body: Buffer.concat(chunks).toString(),
                            type: res.headers["x-amzn-errortype"] as string | undefined,
                        }),
                    );
                },
            );
            req.on("error", reject);
            req.end();
        });
    }

    /** Requests to every operation, with parameters that may equal other templates' literals, and some others. */
    function requestsFor(api: Served, random: () => number): { method: string; path: string }[] {
        const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
        const concrete = (path: string) =>
            path === "/"
                ? "/"
                : path.replace(/\{[^}]+\}/g, (p) =>
                      p.endsWith("+}")
                          ? [pick(VALUES), ...(random() < 0.5 ? [pick(VALUES)] : [])].join("/")
                          : pick(VALUES),
                  );
        const requests: { method: string; path: string }[] = [];
        for (const key of api.authorization.keys()) {
            const [verb, path] = key.split(" ");
            for (let i = 0; i < 3; i++)
                requests.push({ method: verb === "ANY" ? pick(VERBS) : verb, path: concrete(path) });
        }
        for (let i = 0; i < 4; i++) {
            const depth = Math.floor(random() * 4);
            requests.push({
                method: pick(VERBS),
                path: `/${Array.from({ length: depth }, () => pick(VALUES)).join("/")}`,
            });
        }
        return requests;
    }

    /** The operation the gateway routes a request to: its verb's own, else its resource's ANY. */
    function routedKey(api: Served, method: string, path: string): string | undefined {
        const route = matchRoute(api.document, method, path);
        if (!route) return undefined;
        const item = (api.document.paths as Record<string, Record<string, unknown>>)[route.pathTemplate];
        return item[method.toLowerCase()] === route.operation
            ? `${method} ${route.pathTemplate}`
            : `ANY ${route.pathTemplate}`;
    }

    it(`${APIS} generated APIs (seed ${SEED}): a caller reaches exactly the public operations and those granted to it`, async () => {
        expect(served.length, `refused at preview: ${refused.join(", ")}`).to.be.greaterThan(APIS / 2);
        let seed = SEED;
        const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        const failures: string[] = [];
        let checked = 0;
        for (const api of served) {
            const checks = requestsFor(api, random).flatMap((request) =>
                CALLERS.map((caller) => ({ ...request, caller })),
            );
            const credentials = (caller: Caller) =>
                caller === "anonymous" ? undefined : caller === "user" ? api.user : keys.get(caller)!;
            await Promise.all(
                checks.map(async ({ method, path, caller }) => {
                    const key = routedKey(api, method, path);
                    const answer = await send(api, method, path, credentials(caller));
                    checked++;
                    const granted = grantedTo(caller, api.c);
                    const allowed =
                        key !== undefined &&
                        (api.authorization.get(key) === "NONE" || granted === "all" || granted.has(key));
                    const got =
                        answer.status === 200
                            ? `200 from ${(JSON.parse(answer.body || "{}") as { op?: string }).op ?? "a preflight"}`
                            : `${answer.status} ${answer.type}`;
                    const ok = allowed
                        ? answer.status === 200
                        : answer.status === 403 &&
                          ["AccessDeniedException", "MissingAuthenticationTokenException"].includes(answer.type ?? "");
                    if (!ok)
                        failures.push(
                            `${caller} ${method} ${path} (routed to ${key ?? "nothing"}): expected ${allowed ? "200" : "403"}, got ${got}; case ${JSON.stringify({ ...api.c, operations: api.c.operations.map((o) => `${o.verb} ${o.path}`) })}`,
                        );
                }),
            );
        }
        expect(failures, failures.slice(0, 5).join("\n")).to.deep.equal([]);
        expect(checked).to.be.greaterThan(500);
    });
});
