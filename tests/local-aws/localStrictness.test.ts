import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-provider-cognito-identity";
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { expect } from "chai";
import { identityPoolTrustPolicy } from "../../components/callers/trust";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { craftSignedHeaders } from "../helpers/craftedSigV4";
import { TRANSPILED } from "../helpers/localAws";
import { Credentials, RawAnswer, rawRequest, signedHeaders } from "../helpers/rawHttp";
import { mockIntegration, openApi3, PROJECT_DIR } from "../helpers/specs";
// What the gateway's evaluation loads first: the simulator, with its two answers fixed.
import "../../local-aws/gateway/iamSimulator";

// The AWS SDK warns that its 2027 releases need Node 22; the tests run on the project's Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const ACCOUNT = "123456789012";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const GITHUB = "token.actions.githubusercontent.com";
const GITHUB_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB}`;
const COGNITO = "cognito-identity.amazonaws.com";
const USER_POOL = "cognito-idp.us-west-2.amazonaws.com/us-west-2_Strict1";
const APP_CLIENT = "strict-client";
const INVOKE = "execute-api:Invoke";
/** A method of this stage of any API: the identity policies' way to name one operation. */
const method = (verbAndPath: string) => `arn:aws:execute-api:*:*:*/test/${verbAndPath}`;

const policy = (...statements: Record<string, unknown>[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: statements });
const ALLOW_ALL = policy({ Effect: "Allow", Action: [INVOKE, "sts:AssumeRole"], Resource: "*" });
const denyIp = (principal: Record<string, unknown>, action: string) => ({
    Effect: "Deny",
    Principal: principal,
    Action: action,
    Condition: { IpAddress: { "aws:SourceIp": "127.0.0.0/8" } },
});

let backendUrl = "";

/** Paths answered by a MOCK, an echo of the body, and an http_proxy to a backend that echoes headers. */
function document(): Record<string, unknown> {
    const iam = { "x-amazon-apigateway-auth": { type: "AWS_IAM" } };
    const mock = {
        responses: { "200": { description: "ok" } },
        "x-amazon-apigateway-integration": mockIntegration(),
        ...iam,
    };
    const gets = [
        "open",
        "mfa",
        "np-user",
        "np-session",
        "np-role",
        "ip-deny",
        "ip-allow",
        "gha-sub",
        "gha-aud",
        "amr",
        "cognito-aud",
        "users/{id}",
    ];
    const paths: Record<string, unknown> = Object.fromEntries(gets.map((p) => [`/${p}`, { get: mock }]));
    paths["/echo"] = { post: mock };
    paths["/proxy"] = {
        get: {
            ...iam,
            responses: { "200": { description: "ok" } },
            "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: `${backendUrl}/headers` },
        },
    };
    const deny = (sid: string, path: string, extra: Record<string, unknown>) => ({
        Sid: sid,
        Effect: "Deny",
        Action: INVOKE,
        Resource: `execute-api:/*/GET/${path}`,
        ...extra,
    });
    return openApi3(paths, {
        "x-amazon-apigateway-policy": {
            Version: "2012-10-17",
            Statement: [
                deny("DenyWithoutMfa", "mfa", {
                    Principal: { AWS: "*" },
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
                }),
                // IAM User Guide's NotPrincipal example: everyone but this user (its account listed too).
                deny("OnlyAlice", "np-user", { NotPrincipal: { AWS: [userArn("alice"), ROOT] } }),
                deny("OnlySessionS1", "np-session", {
                    NotPrincipal: { AWS: [`arn:aws:sts::${ACCOUNT}:assumed-role/hop/s1`, roleArn("hop"), ROOT] },
                }),
                deny("RoleWithoutSession", "np-role", { NotPrincipal: { AWS: [roleArn("hop"), ROOT] } }),
                deny("DenyEveryAddress", "ip-deny", {
                    Principal: { AWS: "*" },
                    Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } },
                }),
                {
                    Sid: "AllowCarolFromNoAddress",
                    Effect: "Allow",
                    Principal: { AWS: userArn("carol") },
                    Action: INVOKE,
                    Resource: "execute-api:/*/GET/ip-allow",
                    Condition: { NotIpAddress: { "aws:SourceIp": "0.0.0.0/0" } },
                },
            ],
        },
    });
}

/** An identity pool of one user pool, with guests, each kind of identity with a role trusting it as the component does. */
function identityPool(
    name: string,
    trustExtra: (id: string) => Record<string, unknown>[],
    authenticatedPolicy?: (id: string) => string,
) {
    const pool = new aws.cognito.IdentityPool(name, {
        identityPoolName: name,
        allowUnauthenticatedIdentities: true,
        cognitoIdentityProviders: [{ providerName: USER_POOL, clientId: APP_CLIENT }],
    });
    const role = (kind: "authenticated" | "unauthenticated") => {
        const r = new aws.iam.Role(`${name}-${kind}`, {
            name: `${name}-${kind}`,
            assumeRolePolicy: pool.id.apply((id) => {
                const trust = identityPoolTrustPolicy(id, kind);
                return JSON.stringify({ ...trust, Statement: [...trust.Statement, ...trustExtra(id)] });
            }),
        });
        const granted =
            kind === "authenticated" && authenticatedPolicy
                ? pool.id.apply(authenticatedPolicy)
                : policy({ Effect: "Allow", Action: INVOKE, Resource: method("GET/open") });
        new aws.iam.RolePolicy(`${name}-${kind}`, { role: r.name, policy: granted });
        return r;
    };
    new aws.cognito.IdentityPoolRoleAttachment(name, {
        identityPoolId: pool.id,
        roles: { authenticated: role("authenticated").arn, unauthenticated: role("unauthenticated").arn },
    });
    return pool.id;
}

function program(): Record<string, unknown> {
    const user = (name: string, grant?: string) => {
        const u = new aws.iam.User(name, { name });
        if (grant) new aws.iam.UserPolicy(name, { user: u.name, policy: grant });
        const key = new aws.iam.AccessKey(name, { user: u.name });
        return pulumi.secret({ accessKeyId: key.id, secretAccessKey: key.secret });
    };
    const role = (name: string, trust: Record<string, unknown>[], grant: string) => {
        const r = new aws.iam.Role(name, { name, assumeRolePolicy: policy(...trust) });
        new aws.iam.RolePolicy(name, { role: r.name, policy: grant });
    };
    const trustAlice = { Effect: "Allow", Principal: { AWS: userArn("alice") }, Action: "sts:AssumeRole" };
    role("hop", [trustAlice], ALLOW_ALL);
    role(
        "mfa-guarded",
        [
            { Effect: "Allow", Principal: { AWS: ROOT }, Action: "sts:AssumeRole" },
            {
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: "sts:AssumeRole",
                Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
            },
        ],
        ALLOW_ALL,
    );
    role("ip-guarded", [trustAlice, denyIp({ AWS: "*" }, "sts:AssumeRole")], ALLOW_ALL);
    new aws.iam.OpenIdConnectProvider("github", { url: `https://${GITHUB}`, clientIdLists: ["sts.amazonaws.com"] });
    const trustGithub = {
        Effect: "Allow",
        Principal: { Federated: GITHUB_PROVIDER },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${GITHUB}:aud`]: "sts.amazonaws.com" } },
    };
    role(
        "gha",
        [trustGithub],
        policy(
            { Effect: "Allow", Action: INVOKE, Resource: "*" },
            {
                Effect: "Deny",
                Action: INVOKE,
                Resource: method("GET/gha-sub"),
                Condition: { StringLike: { [`${GITHUB}:sub`]: "repo:*" } },
            },
            {
                Effect: "Deny",
                Action: INVOKE,
                Resource: method("GET/gha-aud"),
                Condition: { StringEquals: { [`${GITHUB}:aud`]: "sts.amazonaws.com" } },
            },
        ),
    );
    role(
        "gha-ip-guarded",
        [trustGithub, denyIp({ Federated: GITHUB_PROVIDER }, "sts:AssumeRoleWithWebIdentity")],
        ALLOW_ALL,
    );
    const strictPool = identityPool(
        "strict",
        () => [],
        (id) =>
            policy(
                {
                    Effect: "Allow",
                    Action: INVOKE,
                    Resource: [method("GET/open"), method("GET/amr"), method("GET/cognito-aud")],
                },
                { Effect: "Allow", Action: INVOKE, Resource: method("GET/users/*") },
                // The Cognito developer guide's per-identity variable, in a Deny: an Allow must match every
                // spelling of the method ARN, and one of them spells the identity id's ":" as %3A.
                { Effect: "Deny", Action: INVOKE, Resource: method(`GET/users/\${${COGNITO}:sub}`) },
                {
                    Effect: "Deny",
                    Action: INVOKE,
                    Resource: method("GET/amr"),
                    Condition: { "ForAnyValue:StringEquals": { [`${COGNITO}:amr`]: "authenticated" } },
                },
                {
                    Effect: "Deny",
                    Action: INVOKE,
                    Resource: method("GET/cognito-aud"),
                    Condition: { StringEquals: { [`${COGNITO}:aud`]: id } },
                },
            ),
    );
    const ipPool = identityPool("ip-guarded-pool", () => [
        denyIp({ Federated: COGNITO }, "sts:AssumeRoleWithWebIdentity"),
    ]);
    const api = new aws.apigateway.RestApi("strict", { name: "strict", body: JSON.stringify(document()) });
    const deployment = new aws.apigateway.Deployment("strict", { restApi: api.id });
    const stage = new aws.apigateway.Stage("strict", { restApi: api.id, deployment: deployment.id, stageName: "test" });
    return {
        invokeUrl: stage.invokeUrl,
        strictPool,
        ipPool,
        alice: user("alice", ALLOW_ALL),
        bob: user("bob", ALLOW_ALL),
        carol: user("carol"),
    };
}

interface Outputs {
    invokeUrl: string;
    strictPool: string;
    ipPool: string;
    alice: Credentials;
    bob: Credentials;
    carol: Credentials;
}

/** A loopback backend that answers with the headers it received. */
async function headerEcho(): Promise<http.Server> {
    const server = http.createServer((req, res) => {
        req.resume();
        res.writeHead(200, { "Content-Type": "application/json" });
        // rawHeaders: Node's own parsed headers are a plain object, which would drop a header named __proto__ itself.
        res.end(JSON.stringify(req.rawHeaders));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
}

describe("local mode refuses what AWS refuses (condition keys, NotPrincipal, CIDRs, STS and Cognito input)", () => {
    let local: LocalMode;
    let o: Outputs;
    let backend: http.Server;
    /** A fixed clock for the tests that need one; undefined: the real clock. */
    let clock: number | undefined;
    const now = () => (clock === undefined ? new Date() : new Date(clock));
    const region = "us-west-2";
    const url = () => new URL(o.invokeUrl);
    const sts = (credentials?: Credentials) =>
        new STSClient({ region, endpoint: local.identity.url, credentials, maxAttempts: 1 });
    const call = (
        key: Credentials,
        target: string,
        extra: Partial<Pick<Parameters<typeof signedHeaders>[3], "method" | "headers" | "body">> = {},
    ) => {
        const request = { method: "GET", target: `${url().pathname}${target}`, ...extra };
        return rawRequest(Number(url().port), { ...request, headers: signedHeaders(url().host, region, key, request) });
    };
    const errorType = (answer: RawAnswer) => answer.headers["x-amzn-errortype"];
    const messageOf = (answer: RawAnswer) => (JSON.parse(answer.body) as { Message?: string }).Message ?? "";
    const failure = (promise: Promise<unknown>) =>
        promise.then(
            () => undefined,
            (e: Error) => ({ name: e.name, message: e.message }),
        );
    const assume = async (key: Credentials, role: string, session = "s1", extra: Record<string, unknown> = {}) => {
        const c = (
            await sts(key).send(new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName: session, ...extra }))
        ).Credentials!;
        return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };
    const githubToken = () =>
        local.identity.issueWebIdentityToken({
            issuer: GITHUB,
            subject: "repo:my-org/my-repo:ref:refs/heads/main",
            audience: "sts.amazonaws.com",
        });
    const withWebIdentity = (role: string, token: string) =>
        sts().send(
            new AssumeRoleWithWebIdentityCommand({
                RoleArn: roleArn(role),
                RoleSessionName: "web",
                WebIdentityToken: token,
            }),
        );
    const credentialsOf = (answer: Awaited<ReturnType<typeof withWebIdentity>>): Credentials => {
        const c = answer.Credentials!;
        return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };
    const signedInUser = (pool: string) =>
        fromCognitoIdentityPool({
            clientConfig: { region, endpoint: local.identity.url },
            identityPoolId: pool,
            logins: {
                [USER_POOL]: local.identity.issueWebIdentityToken({
                    issuer: USER_POOL,
                    subject: "user-1",
                    audience: APP_CLIENT,
                }),
            },
        })();

    before(async () => {
        backend = await headerEcho();
        backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
        local = await startLocalMode({ projectDir: PROJECT_DIR, program, now, ...TRANSPILED });
        o = outputsAsJson(local.outputs) as unknown as Outputs;
    });
    after(async () => {
        await local.close();
        await new Promise((resolve) => backend.close(resolve));
    });

    describe("aws:SourceIp reaches every STS path (AssumeRole, AssumeRoleWithWebIdentity, Cognito's exchange)", () => {
        it("a trust policy's Deny on the caller's address refuses AssumeRole", async () => {
            expect(await failure(assume(o.alice, "ip-guarded"))).to.deep.include({ name: "AccessDenied" });
            expect((await assume(o.alice, "hop")).accessKeyId, "control: the same caller, an unguarded role").to.match(
                /^ASIA/,
            );
        });

        it("and AssumeRoleWithWebIdentity", async () => {
            expect(await failure(withWebIdentity("gha-ip-guarded", githubToken()))).to.deep.include({
                name: "AccessDenied",
            });
            expect(await failure(withWebIdentity("gha", githubToken())), "control").to.equal(undefined);
        });

        it("and Cognito's GetCredentialsForIdentity, which goes through the same exchange", async () => {
            const guest = (pool: string) =>
                fromCognitoIdentityPool({
                    clientConfig: { region, endpoint: local.identity.url },
                    identityPoolId: pool,
                })();
            expect(await failure(guest(o.ipPool))).to.deep.include({
                name: "InvalidIdentityPoolConfigurationException",
            });
            expect(await failure(guest(o.strictPool)), "control").to.equal(undefined);
        });
    });

    describe("aws:MultiFactorAuthPresent: false for every role session, absent for an access key", () => {
        it("a Deny on Bool false refuses a role session at the gateway, never a user's long-term key", async () => {
            const denied = await call(await assume(o.alice, "hop"), "/mfa");
            expect([denied.status, errorType(denied)]).to.deep.equal([403, "AccessDeniedException"]);
            expect(messageOf(denied)).to.match(/with an explicit deny$/);
            const web = await call(credentialsOf(await withWebIdentity("gha", githubToken())), "/mfa");
            expect(web.status, "a web identity's session").to.equal(403);
            expect((await call(o.alice, "/mfa")).status, "the key is absent for access keys").to.equal(200);
        });

        it("and in a trust policy: a role session assuming a role (role chaining), never the user itself", async () => {
            const session = await assume(o.alice, "hop");
            expect(await failure(assume(session, "mfa-guarded", "chained"))).to.deep.include({ name: "AccessDenied" });
            expect((await assume(o.alice, "mfa-guarded")).accessKeyId).to.match(/^ASIA/);
        });
    });

    describe("a web identity's and an identity pool's token keys ride on their session's requests", () => {
        it("a role policy's Deny on token.actions.githubusercontent.com:sub, and on :aud", async () => {
            const session = credentialsOf(await withWebIdentity("gha", githubToken()));
            for (const path of ["/gha-sub", "/gha-aud"]) {
                const denied = await call(session, path);
                expect([denied.status, errorType(denied)], path).to.deep.equal([403, "AccessDeniedException"]);
            }
            expect((await call(session, "/open")).status, "control").to.equal(200);
        });

        it("a Deny on cognito-identity.amazonaws.com:amr and :aud; ${…:sub} in a Resource names the identity's own resource", async () => {
            const user = await signedInUser(o.strictPool);
            for (const path of ["/amr", "/cognito-aud", `/users/${user.identityId}`]) {
                const denied = await call(user, path);
                expect([denied.status, errorType(denied)], path).to.deep.equal([403, "AccessDeniedException"]);
                expect(messageOf(denied), path).to.match(/with an explicit deny$/);
            }
            expect(
                (await call(user, "/users/us-west-2:00000000-0000-0000-0000-000000000000")).status,
                "another's",
            ).to.equal(200);
            expect((await call(user, "/open")).status, "control").to.equal(200);
        });
    });

    describe("NotPrincipal in a Deny exempts only what it lists, at every level AWS evaluates (the simulator fixed at run time)", () => {
        it("listing a user and its account's root exempts that user, not the account's other users", async () => {
            expect((await call(o.alice, "/np-user")).status).to.equal(200);
            const bob = await call(o.bob, "/np-user");
            expect([bob.status, errorType(bob)]).to.deep.equal([403, "AccessDeniedException"]);
            expect(messageOf(bob)).to.match(/with an explicit deny$/);
        });

        it("a role session is exempt only when its own session ARN is listed (with its role and account)", async () => {
            const s1 = await assume(o.alice, "hop", "s1");
            const s2 = await assume(o.alice, "hop", "s2");
            expect((await call(s1, "/np-session")).status).to.equal(200);
            expect((await call(s2, "/np-session")).status, "another session of the listed role").to.equal(403);
            expect((await call(s1, "/np-role")).status, "the role listed, not the session").to.equal(403);
        });
    });

    describe("an IPv4 /0 is every address (the simulator fixed at run time), in both directions", () => {
        it("a Deny on IpAddress 0.0.0.0/0 refuses every caller", async () => {
            const denied = await call(o.alice, "/ip-deny");
            expect([denied.status, errorType(denied)]).to.deep.equal([403, "AccessDeniedException"]);
            expect((await call(o.alice, "/open")).status, "control").to.equal(200);
        });

        it("an Allow on NotIpAddress 0.0.0.0/0 allows nobody", async () => {
            const refused = await call(o.carol, "/ip-allow");
            expect([refused.status, errorType(refused)]).to.deep.equal([403, "AccessDeniedException"]);
        });

        it("the fixed function itself, for prefixes 0, 1, 31 and 32 (the build the project loads)", async () => {
            const loaded = require.resolve("@cloud-copilot/iam-simulate");
            expect(loaded).to.include(`${path.sep}dist${path.sep}cjs${path.sep}`);
            const { isIpInCidrV4 } = (await import(path.join(path.dirname(loaded), "condition/ipaddress/ipv4.js"))) as {
                isIpInCidrV4: (ip: string, cidr: string) => boolean;
            };
            const cases: [string, string, boolean][] = [
                ["203.0.113.9", "0.0.0.0/0", true],
                ["0.0.0.0", "0.0.0.0/0", true],
                ["255.255.255.255", "0.0.0.0/0", true],
                ["127.0.0.1", "0.0.0.0/1", true],
                ["128.0.0.1", "0.0.0.0/1", false],
                ["128.0.0.1", "128.0.0.0/1", true],
                ["10.0.0.3", "10.0.0.2/31", true],
                ["10.0.0.4", "10.0.0.2/31", false],
                ["10.0.0.2", "10.0.0.2/32", true],
                ["10.0.0.3", "10.0.0.2/32", false],
            ];
            for (const [ip, cidr, inside] of cases) expect(isIpInCidrV4(ip, cidr), `${ip} in ${cidr}`).to.equal(inside);
        });
    });

    describe("STS refuses parameters outside its constraints with ValidationError", () => {
        const constraint = (value: string, member: string, rule: string) =>
            `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must ${rule}`;
        const cases: [string, Record<string, unknown>, string][] = [
            [
                "a one-character ExternalId",
                { ExternalId: "a" },
                constraint("a", "externalId", "have length greater than or equal to 2"),
            ],
            [
                "an ExternalId of 1,225 characters",
                { ExternalId: "x".repeat(1225) },
                constraint("x".repeat(1225), "externalId", "have length less than or equal to 1224"),
            ],
            [
                "an ExternalId with a space",
                { ExternalId: "my id" },
                constraint("my id", "externalId", "satisfy regular expression pattern: [\\w+=,.@:/-]*"),
            ],
            [
                "a session name with a space",
                { RoleSessionName: "my session" },
                constraint("my session", "roleSessionName", "satisfy regular expression pattern: [\\w+=,.@-]*"),
            ],
            [
                "a role ARN of 19 characters",
                { RoleArn: "arn:aws:iam::1:role" },
                constraint("arn:aws:iam::1:role", "roleArn", "have length greater than or equal to 20"),
            ],
            [
                "DurationSeconds over 43200",
                { DurationSeconds: 43201 },
                constraint("43201", "durationSeconds", "have value less than or equal to 43200"),
            ],
        ];
        for (const [what, given, message] of cases)
            it(`AssumeRole with ${what}`, async () => {
                const answer = await failure(assume(o.alice, "hop", "s1", given));
                expect(answer).to.deep.equal({ name: "ValidationError", message });
            });

        it("AssumeRoleWithWebIdentity: a token under 4 characters is refused without being echoed, a short ProviderId too", async () => {
            const shortToken = await failure(withWebIdentity("gha", "abc"));
            expect(shortToken).to.deep.equal({
                name: "ValidationError",
                message:
                    "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
            });
            const provider = await failure(
                sts().send(
                    new AssumeRoleWithWebIdentityCommand({
                        RoleArn: roleArn("gha"),
                        RoleSessionName: "web",
                        WebIdentityToken: githubToken(),
                        ProviderId: "ab",
                    }),
                ),
            );
            expect(provider).to.deep.equal({
                name: "ValidationError",
                message: constraint("ab", "providerId", "have length greater than or equal to 4"),
            });
        });
    });

    describe("Cognito Identity checks every member's JSON type and constraints (never a 500)", () => {
        const cognito = async (operation: string, body: unknown) => {
            const answer = await fetch(local.identity.url, {
                method: "POST",
                headers: {
                    "Content-Type": "application/x-amz-json-1.1",
                    "X-Amz-Target": `AWSCognitoIdentityService.${operation}`,
                },
                body: JSON.stringify(body),
            });
            const json = (await answer.json()) as { __type?: string; message?: string };
            return { status: answer.status, type: json.__type, message: json.message };
        };
        const WRONG: [string, unknown][] = [
            ["an object", { toString: 1 }],
            ["a number", 1],
            ["an array", ["x"]],
            ["a boolean", true],
        ];
        let guestId: string;
        const bases = (): Record<string, Record<string, unknown>> => ({
            GetId: { IdentityPoolId: o.strictPool },
            GetCredentialsForIdentity: { IdentityId: guestId },
        });
        const FIELDS: [string, string, boolean][] = [
            ["GetId", "IdentityPoolId", true],
            ["GetId", "AccountId", false],
            ["GetId", "Logins", false],
            ["GetCredentialsForIdentity", "IdentityId", true],
            ["GetCredentialsForIdentity", "Logins", false],
            ["GetCredentialsForIdentity", "CustomRoleArn", false],
        ];
        before(async () => {
            const answer = await fetch(local.identity.url, {
                method: "POST",
                headers: {
                    "Content-Type": "application/x-amz-json-1.1",
                    "X-Amz-Target": "AWSCognitoIdentityService.GetId",
                },
                body: JSON.stringify({ IdentityPoolId: o.strictPool }),
            });
            guestId = ((await answer.json()) as { IdentityId: string }).IdentityId;
        });

        for (const [operation, field, required] of FIELDS) {
            it(`${operation}: ${field} of each wrong JSON type is a SerializationException; null is ${required ? "a missing required member" : "an omitted member"}`, async () => {
                const base = bases()[operation];
                const wrongs: [string, unknown][] =
                    field === "Logins" ? [["a string", "token"], ...WRONG.filter(([w]) => w !== "an object")] : WRONG;
                for (const [what, value] of wrongs)
                    expect(await cognito(operation, { ...base, [field]: value }), what).to.deep.include({
                        status: 400,
                        type: "SerializationException",
                    });
                const withNull = await cognito(operation, { ...base, [field]: null });
                if (required) {
                    const member = field[0].toLowerCase() + field.slice(1);
                    expect(withNull).to.deep.equal({
                        status: 400,
                        type: "ValidationException",
                        message: `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
                    });
                } else {
                    // JSON.stringify leaves an undefined member out: the field omitted.
                    const omitted = await cognito(operation, { ...base, [field]: undefined });
                    expect([withNull.status, withNull.type]).to.deep.equal([omitted.status, omitted.type]);
                }
            });
        }

        it("a Logins token of any JSON type but a string, or a body that is no object, is a SerializationException", async () => {
            for (const [what, value] of [...WRONG, ["null", null] as [string, unknown]])
                expect(
                    await cognito("GetId", { IdentityPoolId: o.strictPool, Logins: { [USER_POOL]: value } }),
                    what,
                ).to.deep.include({
                    status: 400,
                    type: "SerializationException",
                });
            for (const body of [[], 1, "x", null])
                expect(await cognito("GetId", body), JSON.stringify(body)).to.deep.include({
                    type: "SerializationException",
                });
        });

        it("lengths and patterns of the Cognito Identity API Reference: ValidationException, a token never echoed", async () => {
            expect(await cognito("GetId", { IdentityPoolId: "us-west-2_NotAnIdentityPool" })).to.deep.equal({
                status: 400,
                type: "ValidationException",
                message:
                    "1 validation error detected: Value 'us-west-2_NotAnIdentityPool' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+",
            });
            const secret = "t".repeat(50_001);
            const tooLong = await cognito("GetCredentialsForIdentity", {
                IdentityId: guestId,
                Logins: { [USER_POOL]: secret },
            });
            expect(tooLong).to.deep.include({ status: 400, type: "ValidationException" });
            expect(tooLong.message).to.not.include("tttt");
        });
    });

    describe("signatures: what is signed is what is checked", () => {
        const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

        it("a client's X-Amz-Content-Sha256 never stands in for the body's own hash: the gateway", async () => {
            const [signedBody, sentBody] = ['{"a":1}', '{"a":2}'];
            const request = {
                method: "POST",
                target: `${url().pathname}/echo`,
                headers: { "Content-Type": "application/json", "X-Amz-Content-Sha256": sha256(signedBody) },
                body: signedBody,
            };
            const headers = signedHeaders(url().host, region, o.alice, request);
            const send = (body: string) => rawRequest(Number(url().port), { ...request, headers, body });
            const swapped = await send(sentBody);
            expect([swapped.status, errorType(swapped)]).to.deep.equal([403, "InvalidSignatureException"]);
            expect((await send(signedBody)).status, "control: the body that was signed").to.equal(200);
        });

        it("nor at the local STS, which shares the verifier", async () => {
            const [signedBody, sentBody] = [
                "Action=GetCallerIdentity&Version=2011-06-15",
                "Version=2011-06-15&Action=GetCallerIdentity",
            ];
            const host = new URL(local.identity.url).host;
            const request = {
                method: "POST",
                target: "/",
                service: "sts",
                headers: {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Amz-Content-Sha256": sha256(signedBody),
                },
                body: signedBody,
            };
            const headers = signedHeaders(host, region, o.alice, request);
            const send = (body: string) =>
                rawRequest(Number(new URL(local.identity.url).port), { ...request, headers, body });
            const swapped = await send(sentBody);
            expect(swapped.status).to.equal(403);
            expect(swapped.body).to.include("<Code>SignatureDoesNotMatch</Code>");
            expect((await send(signedBody)).body, "control").to.include("<GetCallerIdentityResult>");
        });

        it("a signature that leaves host unsigned is refused (403 InvalidSignatureException), valid in every other part", async () => {
            const request = {
                method: "GET",
                target: `${url().pathname}/open`,
                host: url().host,
                region,
                credentials: o.alice,
            };
            const unsignedHost = await rawRequest(Number(url().port), {
                ...request,
                headers: craftSignedHeaders({ ...request, signedHeaders: ["x-amz-date"] }),
            });
            expect([unsignedHost.status, errorType(unsignedHost)]).to.deep.equal([403, "InvalidSignatureException"]);
            expect(unsignedHost.body).to.not.include('"ok"');
            const signedHost = await rawRequest(Number(url().port), {
                ...request,
                headers: craftSignedHeaders(request),
            });
            expect([signedHost.status, JSON.parse(signedHost.body)]).to.deep.equal([200, { ok: true }]);
        });
    });

    describe("web identity tokens", () => {
        it("at the exp boundary: a second before accepted, at and after exp refused with ExpiredTokenException", async () => {
            const issuedAt = Date.UTC(2030, 0, 1, 12, 0, 0);
            const lifetime = 600;
            const token = local.identity.tokens.issue(
                { iss: `https://${GITHUB}`, sub: "repo:my-org/my-repo:ref:refs/heads/main", aud: "sts.amazonaws.com" },
                new Date(issuedAt),
                lifetime,
            );
            const exp = issuedAt + lifetime * 1000;
            try {
                clock = exp - 1000;
                expect(await failure(withWebIdentity("gha", token))).to.equal(undefined);
                for (const at of [exp, exp + 1000]) {
                    clock = at;
                    expect(await failure(withWebIdentity("gha", token)), String(at - exp)).to.deep.include({
                        name: "ExpiredTokenException",
                    });
                }
            } finally {
                clock = undefined;
            }
        });

        it("an unauthenticated identity's Cognito token cannot assume the pool's authenticated role through STS, nor the reverse", async () => {
            const role = (kind: string) => `strict-${kind}`;
            const cognitoToken = (amr: string[]) =>
                local.identity.tokens.issue(
                    {
                        iss: `https://${COGNITO}`,
                        aud: o.strictPool,
                        sub: "us-west-2:11111111-2222-3333-4444-555555555555",
                        amr,
                    },
                    now(),
                );
            const guest = cognitoToken(["unauthenticated"]);
            const signedIn = cognitoToken(["authenticated", USER_POOL, `${USER_POOL}:CognitoSignIn:user-1`]);
            expect(await failure(withWebIdentity(role("authenticated"), guest))).to.deep.include({
                name: "AccessDenied",
            });
            expect(await failure(withWebIdentity(role("unauthenticated"), signedIn))).to.deep.include({
                name: "AccessDenied",
            });
            expect(
                await failure(withWebIdentity(role("unauthenticated"), guest)),
                "control: the guests' role",
            ).to.equal(undefined);
            expect(
                await failure(withWebIdentity(role("authenticated"), signedIn)),
                "control: the users' role",
            ).to.equal(undefined);
        });
    });

    it("a request header named __proto__ reaches an http_proxy backend, as any other name does", async () => {
        const request = {
            method: "GET",
            target: `${url().pathname}/proxy`,
            host: url().host,
            region,
            credentials: o.alice,
        };
        const headers = craftSignedHeaders({
            ...request,
            headers: [
                ["__proto__", "kept"],
                ["constructor", "kept too"],
            ],
        });
        const answer = await rawRequest(Number(url().port), { ...request, headers });
        expect(answer.status).to.equal(200);
        const received = JSON.parse(answer.body) as string[];
        const pairs = received.flatMap((name, i) => (i % 2 === 0 ? [`${name.toLowerCase()}: ${received[i + 1]}`] : []));
        expect(pairs).to.include.members(["__proto__: kept", "constructor: kept too"]);
    });
});
