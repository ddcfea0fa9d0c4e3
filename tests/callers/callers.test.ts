import * as aws from "@pulumi/aws";
import * as aws4 from "aws4";
import * as pulumi from "@pulumi/pulumi";
import {
    AssumeRoleCommand,
    AssumeRoleWithWebIdentityCommand,
    GetCallerIdentityCommand,
    STSClient,
} from "@aws-sdk/client-sts";
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenCommand } from "@aws-sdk/client-cognito-identity";
import { fromCognitoIdentity, fromCognitoIdentityPool } from "@aws-sdk/credential-provider-cognito-identity";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { ApiEndpointWithCredentials, createSignedFetch, TemporaryCredentials } from "../../clients";
import { githubActions, SecuredRestApi } from "../../components";
import { identityPoolTrustPolicy } from "../../components/callers/trust";
import { LocalAwsAccount } from "../../local-aws/engine/account";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { runTool } from "../helpers/cli";
import { Credentials, rawRequest, signedHeaders } from "../helpers/rawHttp";
import { mockIntegration, PETSTORE_OPENAPI, PROJECT_DIR } from "../helpers/specs";
import * as YAML from "yaml";

// The AWS SDK warns that its 2027 releases need Node 22; the tests run on the project's Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const PARTNER_ACCOUNT = "111122223333";
const ORIGIN = "https://app.example.com";
/** A user pool of another region than the stack's (us-west-2): the identity pool names it after its own. */
const USER_POOL = "eu-west-1_TestPool1";
const APP_CLIENT = "app-client-1";
const REPOSITORY = "my-org/my-repo";
const allowAssumeAnyRole = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
});
const trusting = (principal: string) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }],
    });

/** A user with a key and a policy allowing it to assume any role (the trust policy decides). */
function userWithKey(name: string) {
    const user = new aws.iam.User(name, { name });
    new aws.iam.UserPolicy(name, { user: user.name, policy: allowAssumeAnyRole });
    const key = new aws.iam.AccessKey(name, { user: user.name });
    return { user, key: { accessKeyId: key.id, secretAccessKey: key.secret } };
}

/** The pet store with GET /whoami, a MOCK answering with the Cognito fields of `$context.identity`. */
function petstoreWithWhoami(): Record<string, unknown> {
    const document = YAML.parse(PETSTORE_OPENAPI) as { paths: Record<string, unknown> };
    const fields = [
        "cognitoIdentityPoolId",
        "cognitoIdentityId",
        "cognitoAuthenticationType",
        "cognitoAuthenticationProvider",
        "userArn",
    ];
    document.paths["/whoami"] = {
        get: {
            responses: { "200": { description: "the caller" } },
            "x-amazon-apigateway-integration": {
                type: "mock",
                requestTemplates: { "application/json": '{"statusCode": 200}' },
                responses: {
                    default: {
                        statusCode: "200",
                        responseTemplates: {
                            "application/json": `{${fields.map((f) => `"${f}": "$context.identity.${f}"`).join(", ")}}`,
                        },
                    },
                },
            },
        },
    };
    return document;
}

const POOL_B = "cognito-idp.us-west-2.amazonaws.com/us-west-2_PoolB";
const POOL_C = "cognito-idp.us-west-2.amazonaws.com/us-west-2_PoolC";

/** An identity pool of two user pools, with guests, each kind of identity with a role of its own. */
function twoProviderPool() {
    const pool = new aws.cognito.IdentityPool("two-providers", {
        identityPoolName: "two providers",
        allowUnauthenticatedIdentities: true,
        cognitoIdentityProviders: [
            { providerName: POOL_B, clientId: "client-b" },
            { providerName: POOL_C, clientId: "client-c" },
        ],
    });
    const role = (kind: "authenticated" | "unauthenticated") =>
        new aws.iam.Role(`two-providers-${kind}`, {
            assumeRolePolicy: pool.id.apply((id) => JSON.stringify(identityPoolTrustPolicy(id, kind))),
        });
    new aws.cognito.IdentityPoolRoleAttachment("two-providers", {
        identityPoolId: pool.id,
        roles: { authenticated: role("authenticated").arn, unauthenticated: role("unauthenticated").arn },
    });
    return pool.id;
}

/** The stack: an API for roles only, granted to an existing role, a role to assume, an identity pool, a partner account, CORS. */
function program() {
    const caller = userWithKey("caller");
    const outsider = userWithKey("outsider");
    const worker = new aws.iam.Role("worker", { name: "worker", assumeRolePolicy: caller.user.arn.apply(trusting) });
    const api = new SecuredRestApi("api", {
        openApiSpec: petstoreWithWhoami(),
        createUser: false,
        grants: [{ roles: [worker.name], operations: ["GET /pets"] }],
        role: {
            trustedPrincipals: [caller.user.arn],
            webIdentities: [githubActions({ repository: REPOSITORY, branch: "main", createProvider: true })],
            operations: ["GET /pets", "GET /pets/{petId}"],
        },
        identityPool: {
            userPool: { userPoolId: USER_POOL, clientIds: [APP_CLIENT] },
            authenticatedOperations: ["GET /pets", "POST /pets", "GET /whoami"],
            allowUnauthenticatedIdentities: true,
            allowClassicFlow: true,
            unauthenticatedOperations: ["GET /pets", "GET /whoami"],
        },
        crossAccountGrants: [
            {
                principals: [
                    `arn:aws:iam::${PARTNER_ACCOUNT}:role/partner`,
                    `arn:aws:iam::${PARTNER_ACCOUNT}:role/partner-bare`,
                ],
                operations: ["GET /pets/{petId}"],
            },
        ],
        cors: { allowOrigin: ORIGIN },
    });
    return {
        invokeUrl: api.invokeUrl,
        region: api.region,
        roleArn: api.roleArn,
        identityPoolId: api.identityPoolId,
        unauthenticatedRoleArn: api.unauthenticatedRoleArn,
        crossAccountPolicies: api.crossAccountPolicies,
        accessKeyId: api.accessKeyId,
        workerArn: worker.arn,
        twoProviderPoolId: twoProviderPool(),
        caller: pulumi.secret(caller.key),
        outsider: pulumi.secret(outsider.key),
    };
}

interface Outputs {
    invokeUrl: string;
    region: string;
    roleArn: string;
    identityPoolId: string;
    unauthenticatedRoleArn: string;
    crossAccountPolicies: { principals: string[]; policies: string[] }[];
    accessKeyId?: string;
    workerArn: string;
    twoProviderPoolId: string;
    caller: Credentials;
    outsider: Credentials;
}

describe("callers beyond one IAM user, in local mode (STS, roles, other accounts, identity pools, CORS)", () => {
    let local: LocalMode;
    let o: Outputs;
    let skewMs = 0;
    const now = () => new Date(Date.now() + skewMs);
    const sts = (credentials?: Credentials) =>
        new STSClient({ region: o.region, endpoint: local.identity.url, credentials, maxAttempts: 1 });
    const url = () => new URL(o.invokeUrl);
    const apiId = () => [...local.account.restApis.keys()][0];
    /** A request signed with these credentials (a session token included), dated by the local clock. */
    const call = (method: string, path: string, key?: Credentials, headers: Record<string, string> = {}) => {
        const target = `${url().pathname}${path}`;
        const sent: [string, string][] = key
            ? signedHeaders(url().host, o.region, key, {
                  method,
                  target,
                  headers: {
                      ...headers,
                      "X-Amz-Date": now()
                          .toISOString()
                          .replace(/[-:]|\.\d{3}/g, ""),
                  },
              })
            : [["Host", url().host], ...Object.entries(headers)];
        return rawRequest(Number(url().port), { method, target, headers: sent });
    };
    const assume = async (key: Credentials, roleArn: string, durationSeconds?: number): Promise<Credentials> => {
        const answer = await sts(key).send(
            new AssumeRoleCommand({
                RoleArn: roleArn,
                RoleSessionName: "test-session",
                DurationSeconds: durationSeconds,
            }),
        );
        const c = answer.Credentials!;
        return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };

    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, program, now });
        o = outputsAsJson(local.outputs) as unknown as Outputs;
    });
    after(() => local.close());

    it("creates no user or key with createUser: false", () => {
        expect(o.accessKeyId).to.equal(undefined);
        expect([...local.account.users.keys()].sort()).to.deep.equal(["caller", "outsider"]);
    });

    it("a role assumed through the local STS (the AWS SDK's own client) calls the API as assumed-role/<role>/<session>", async () => {
        const session = await assume(o.caller, o.roleArn);
        expect(session.accessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/);
        const who = await sts(session).send(new GetCallerIdentityCommand({}));
        const roleName = o.roleArn.split("/").pop()!;
        const role = local.account.roles.get(roleName)!;
        expect(who.Arn).to.equal(`arn:aws:sts::123456789012:assumed-role/${roleName}/test-session`);
        expect(who.UserId).to.equal(`${role.uniqueId}:test-session`);
        expect((await call("GET", "/pets/1", session)).status).to.equal(200);
        const refused = await call("POST", "/pets", session);
        expect(refused.status).to.equal(403);
        expect(JSON.parse(refused.body)).to.deep.include({
            Message: `User: arn:aws:sts::123456789012:assumed-role/${roleName}/test-session is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-west-2:********9012:${apiId()}/test/POST/pets`,
        });
    });

    it("an existing role granted some operations reaches exactly those", async () => {
        const session = await assume(o.caller, o.workerArn);
        expect((await call("GET", "/pets", session)).status).to.equal(200);
        expect((await call("GET", "/pets/1", session)).status).to.equal(403);
    });

    it("an untrusted principal cannot assume the role (AccessDenied, as for a role that does not exist)", async () => {
        for (const roleArn of [o.roleArn, "arn:aws:iam::123456789012:role/no-such-role"]) {
            const failure = await sts(o.outsider)
                .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "s1" }))
                .then(
                    () => undefined,
                    (e: Error & { name: string }) => e,
                );
            expect(failure?.name, roleArn).to.equal("AccessDenied");
            expect(failure?.message).to.equal(
                `User: arn:aws:iam::123456789012:user/outsider is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
            );
        }
    });

    it("STS over plain form posts: unsigned, mis-signed and expired callers, unknown issuers and audiences get STS's errors", async () => {
        const post = async (form: Record<string, string>, key?: Credentials, query?: Record<string, string>) => {
            const body = new URLSearchParams({ Version: "2011-06-15", ...form }).toString();
            const target = query === undefined ? "/" : `/?${new URLSearchParams(query).toString()}`;
            const endpoint = new URL(local.identity.url);
            const headers: Record<string, string> = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Amz-Date": now()
                    .toISOString()
                    .replace(/[-:]|\.\d{3}/g, ""),
            };
            const signed: Record<string, string> = key
                ? (aws4.sign(
                      {
                          host: endpoint.host,
                          path: target,
                          method: "POST",
                          service: "sts",
                          region: o.region,
                          headers,
                          body,
                      },
                      key,
                  ).headers as Record<string, string>)
                : headers;
            delete signed.Host;
            delete signed["Content-Length"];
            const answer = await fetch(new URL(target, local.identity.url), { method: "POST", headers: signed, body });
            const text = await answer.text();
            return { status: answer.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], text };
        };
        const assumeForm = { Action: "AssumeRole", RoleArn: o.roleArn, RoleSessionName: "form" };
        expect((await post(assumeForm, o.caller)).text).to.match(
            /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult><AssumedRoleUser>/,
        );
        expect(await post(assumeForm)).to.deep.include({ status: 403, code: "MissingAuthenticationToken" });
        const wrongSecret = { ...o.caller, secretAccessKey: "x".repeat(40) };
        expect(await post(assumeForm, wrongSecret)).to.deep.include({ status: 403, code: "SignatureDoesNotMatch" });
        const session = await assume(o.caller, o.roleArn, 900);
        expect(await post(assumeForm, { ...session, sessionToken: undefined })).to.deep.include({
            code: "InvalidClientTokenId",
        });
        skewMs = 901_000;
        try {
            expect(await post({ Action: "GetCallerIdentity" }, session)).to.deep.include({ code: "ExpiredToken" });
        } finally {
            skewMs = 0;
        }
        const web = (issuer: string, audience: string) => ({
            Action: "AssumeRoleWithWebIdentity",
            RoleArn: o.roleArn,
            RoleSessionName: "web",
            WebIdentityToken: local.identity.issueWebIdentityToken({
                issuer,
                subject: `repo:${REPOSITORY}:ref:refs/heads/main`,
                audience,
            }),
        });
        const noProvider = await post(web("gitlab.com", "sts.amazonaws.com"));
        expect(noProvider).to.deep.include({ status: 400, code: "InvalidIdentityToken" });
        expect(noProvider.text).to.include("No OpenIDConnect provider found in your account for https://gitlab.com");
        expect(await post(web("token.actions.githubusercontent.com", "another-audience"))).to.deep.include({
            code: "InvalidIdentityToken",
        });
        expect(await post({ ...assumeForm, Policy: "{}" }, o.caller)).to.deep.include({
            status: 400,
            code: "ValidationError",
        });
        // The signature covers a POST's query string too: what it carries is read, never set aside.
        expect(await post(assumeForm, o.caller, { Policy: "{}" })).to.deep.include({ code: "ValidationError" });
        expect(await post(assumeForm, o.caller, { RoleSessionName: "other" })).to.deep.include({
            status: 400,
            code: "InvalidParameterCombination",
        });
        expect((await post({}, o.caller, { Action: "GetCallerIdentity" })).text).to.include(
            "<GetCallerIdentityResult>",
        );
        const github = web("token.actions.githubusercontent.com", "sts.amazonaws.com");
        expect(await post({ ...github, ProviderId: "www.amazon.com" })).to.deep.include({ code: "ValidationError" });
        expect((await post(github)).status).to.equal(200);
    });

    it("refuses expired credentials as AWS does, and STS refuses durations the role does not allow", async () => {
        const session = await assume(o.caller, o.roleArn, 900);
        expect((await call("GET", "/pets", session)).status).to.equal(200);
        skewMs = 901_000;
        try {
            const expired = await call("GET", "/pets", session);
            expect(expired.status).to.equal(403);
            expect(expired.headers["x-amzn-errortype"]).to.equal("ExpiredTokenException");
            expect(JSON.parse(expired.body)).to.deep.equal({
                message: "The security token included in the request is expired",
            });
        } finally {
            skewMs = 0;
        }
        const tooLong = await sts(o.caller)
            .send(new AssumeRoleCommand({ RoleArn: o.roleArn, RoleSessionName: "s1", DurationSeconds: 7200 }))
            .then(
                () => undefined,
                (e: Error) => e.message,
            );
        expect(tooLong).to.equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    });

    it("a GitHub Actions token of the trusted repository and branch gets in; another repository's or branch's does not", async () => {
        const exchange = (subject: string) =>
            sts().send(
                new AssumeRoleWithWebIdentityCommand({
                    RoleArn: o.roleArn,
                    RoleSessionName: "gha",
                    WebIdentityToken: local.identity.issueWebIdentityToken({
                        issuer: "token.actions.githubusercontent.com",
                        subject,
                        audience: "sts.amazonaws.com",
                    }),
                }),
            );
        const answer = await exchange(`repo:${REPOSITORY}:ref:refs/heads/main`);
        const c = answer.Credentials!;
        const session = {
            accessKeyId: c.AccessKeyId!,
            secretAccessKey: c.SecretAccessKey!,
            sessionToken: c.SessionToken!,
        };
        expect((await call("GET", "/pets", session)).status).to.equal(200);
        for (const subject of [`repo:other/repo:ref:refs/heads/main`, `repo:${REPOSITORY}:ref:refs/heads/dev`]) {
            const failure = await exchange(subject).then(
                () => undefined,
                (e: Error) => e.message,
            );
            expect(failure, subject).to.equal("Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        const forged = await sts()
            .send(
                new AssumeRoleWithWebIdentityCommand({
                    RoleArn: o.roleArn,
                    RoleSessionName: "gha",
                    WebIdentityToken: "a.b.c",
                }),
            )
            .then(
                () => undefined,
                (e: Error & { name: string }) => e.name,
            );
        expect(forged).to.equal("InvalidIdentityTokenException");
    });

    it("an identity pool (its user pool in eu-west-1, the stack in us-west-2): its roles reach only their operations, guests by the basic flow, users through fromCognitoIdentityPool", async () => {
        const clientConfig = { region: o.region, endpoint: local.identity.url };
        const fetchWith = (credentials: ApiEndpointWithCredentials["credentials"]) =>
            createSignedFetch({ invokeUrl: o.invokeUrl, region: o.region, credentials });
        // Each kind of identity reaches exactly its operations: every operation of the document, both ways.
        const reaches = async (fetcher: ReturnType<typeof fetchWith>) => {
            const allowed: string[] = [];
            for (const [method, path] of [
                ["GET", "/"],
                ["GET", "/pets"],
                ["POST", "/pets"],
                ["GET", "/pets/1"],
                ["GET", "/whoami"],
            ]) {
                const init =
                    method === "POST" ? { method, headers: { "Content-Type": "application/json" }, body: "{}" } : {};
                const status = (await fetcher(path, init)).status;
                expect(status, `${method} ${path}`).to.be.oneOf([200, 201, 403]);
                if (status !== 403) allowed.push(`${method} ${path}`);
            }
            return allowed;
        };
        // The enhanced flow's guest credentials are scoped down by Cognito's session policy, which has no execute-api.
        const enhancedGuest = fetchWith(fromCognitoIdentityPool({ clientConfig, identityPoolId: o.identityPoolId }));
        expect(await reaches(enhancedGuest)).to.deep.equal([]);
        // The basic flow: the identity's Cognito token, exchanged with STS for the guests' role.
        const cognito = new CognitoIdentityClient({ ...clientConfig, maxAttempts: 1 });
        const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: o.identityPoolId }));
        const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId }));
        const assumed = await sts().send(
            new AssumeRoleWithWebIdentityCommand({
                RoleArn: o.unauthenticatedRoleArn,
                RoleSessionName: "guest",
                WebIdentityToken: Token,
            }),
        );
        const guest = fetchWith({
            accessKeyId: assumed.Credentials!.AccessKeyId!,
            secretAccessKey: assumed.Credentials!.SecretAccessKey!,
            sessionToken: assumed.Credentials!.SessionToken!,
        });
        expect(await reaches(guest)).to.deep.equal(["GET /pets", "GET /whoami"]);
        const guestSeen = (await (await guest("/whoami")).json()) as Record<string, string>;
        expect(guestSeen).to.include({
            cognitoIdentityPoolId: o.identityPoolId,
            cognitoIdentityId: IdentityId,
            cognitoAuthenticationType: "unauthenticated",
        });
        expect(guestSeen.cognitoAuthenticationProvider, "a guest signed in with no provider").to.not.include(
            "cognito-idp",
        );
        expect(guestSeen.cognitoIdentityId).to.match(/^us-west-2:[0-9a-f-]{36}$/);
        expect(guestSeen.userArn).to.match(/:assumed-role\/[^/]+\/guest$/);
        // A guest's token assumes no role for signed-in users: the roles trust the pool only for their own kind.
        const authenticatedRole = local.account.identityPools.get(o.identityPoolId)!.roles.get("authenticated")!;
        const refusedRole = await sts()
            .send(
                new AssumeRoleWithWebIdentityCommand({
                    RoleArn: authenticatedRole,
                    RoleSessionName: "guest",
                    WebIdentityToken: Token,
                }),
            )
            .then(
                () => "",
                (e: Error) => e.name,
            );
        expect(refusedRole).to.equal("AccessDenied");
        const provider = `cognito-idp.eu-west-1.amazonaws.com/${USER_POOL}`;
        const idToken = local.identity.issueWebIdentityToken({
            issuer: provider,
            subject: "user-1",
            audience: APP_CLIENT,
        });
        const signedIn = createSignedFetch({
            invokeUrl: o.invokeUrl,
            region: o.region,
            credentials: fromCognitoIdentityPool({
                clientConfig,
                identityPoolId: o.identityPoolId,
                logins: { [provider]: idToken },
            }),
        });
        expect(await reaches(signedIn)).to.deep.equal(["GET /pets", "POST /pets", "GET /whoami"]);
        // What the application learns of its signed-in user, as API Gateway documents $context.identity.
        const userSeen = (await (await signedIn("/whoami")).json()) as Record<string, string>;
        expect(userSeen).to.include({
            cognitoIdentityPoolId: o.identityPoolId,
            cognitoAuthenticationType: "authenticated",
            cognitoAuthenticationProvider: `${provider},${provider}:CognitoSignIn:user-1`,
        });
        expect(userSeen.cognitoIdentityId).to.not.equal(guestSeen.cognitoIdentityId);
        const otherClient = local.identity.issueWebIdentityToken({
            issuer: provider,
            subject: "user-1",
            audience: "other-client",
        });
        const refused = fromCognitoIdentityPool({
            clientConfig,
            identityPoolId: o.identityPoolId,
            logins: { [provider]: otherClient },
        });
        expect(
            await refused().then(
                () => "",
                (e: Error) => e.name,
            ),
        ).to.equal("NotAuthorizedException");
    });

    it("a pool without allowClassicFlow refuses the basic flow as Cognito does; the enhanced flow still hands out credentials", async () => {
        const cognito = new CognitoIdentityClient({ region: o.region, endpoint: local.identity.url, maxAttempts: 1 });
        const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: o.twoProviderPoolId }));
        const refused = await cognito.send(new GetOpenIdTokenCommand({ IdentityId })).then(
            () => undefined,
            (e: Error) => ({ name: e.name, message: e.message }),
        );
        expect(refused).to.deep.equal({
            name: "InvalidParameterException",
            message: "Basic (classic) flow is not enabled, please use enhanced flow.",
        });
        const clientConfig = { region: o.region, endpoint: local.identity.url };
        const credentials = await fromCognitoIdentity({ clientConfig, identityId: IdentityId! })();
        expect(credentials.sessionToken).to.be.a("string");
    });

    it("an identity pool's identity is its own user's: not another provider's user of the same sub, nor a signed-in user's when a guest's", async () => {
        const clientConfig = { region: o.region, endpoint: local.identity.url };
        const token = (provider: string, audience: string, subject: string) =>
            local.identity.issueWebIdentityToken({ issuer: provider, subject, audience });
        const bob = { [POOL_B]: token(POOL_B, "client-b", "bob") };
        const identityOf = async (logins?: Record<string, string>) =>
            (await fromCognitoIdentityPool({ clientConfig, identityPoolId: o.twoProviderPoolId, logins })()).identityId;
        const credentials = (identityId: string, logins?: Record<string, string>) =>
            fromCognitoIdentity({ clientConfig, identityId, logins })().then(
                (c) => c.identityId,
                (e: Error) => e.name,
            );
        const bobs = await identityOf(bob);
        expect(await credentials(bobs, bob)).to.equal(bobs);
        // Another user pool's user whose sub is also "bob" is somebody else.
        expect(await credentials(bobs, { [POOL_C]: token(POOL_C, "client-c", "bob") })).to.equal(
            "NotAuthorizedException",
        );
        const guest = await identityOf();
        expect(await credentials(guest)).to.equal(guest);
        expect(await credentials(guest, bob)).to.equal("NotAuthorizedException");
    });

    it("npm run call signs with the credentials a credential process prints (X-Amz-Security-Token), with no keys in the outputs", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credential-process-"));
        try {
            const session = await assume(o.caller, o.workerArn);
            const printed = path.join(dir, "credentials.json");
            const process = {
                Version: 1,
                AccessKeyId: session.accessKeyId,
                SecretAccessKey: session.secretAccessKey,
                SessionToken: session.sessionToken,
                Expiration: new Date(Date.now() + 3_600_000).toISOString(),
            };
            fs.writeFileSync(printed, JSON.stringify(process));
            const outputsFile = path.join(dir, "outputs.json");
            fs.writeFileSync(outputsFile, JSON.stringify({ invokeUrl: o.invokeUrl, region: o.region }));
            const args = ["--outputs", outputsFile, "--credential-process", `cat ${printed}`];
            const allowed = await runTool("clients/cli/call.ts", ["GET", "/pets", ...args]);
            expect(allowed.code, allowed.stderr).to.equal(0);
            expect(JSON.parse(allowed.stdout)).to.have.length(3);
            for (const text of [allowed.stdout, allowed.stderr]) expect(text).not.to.include(session.secretAccessKey);
            // The smoke test proves the role's operation the same way (a document holding just it).
            const granted = path.join(dir, "granted.json");
            fs.writeFileSync(
                granted,
                JSON.stringify({
                    openapi: "3.0.3",
                    info: { title: "t", version: "1" },
                    paths: {
                        "/pets": {
                            get: {
                                responses: { "200": { description: "ok" } },
                                "x-amazon-apigateway-integration": mockIntegration(),
                            },
                        },
                    },
                }),
            );
            const smoke = await runTool("smoke/cli.ts", [...args, "--spec", granted]);
            expect(smoke.code, smoke.stdout + smoke.stderr).to.equal(0);
            expect(smoke.stdout).to.match(/GET \/pets/);
            for (const secret of [session.secretAccessKey, session.sessionToken!])
                expect(smoke.stdout + smoke.stderr).not.to.include(secret);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("another account's caller gets in only with both halves of the permission", () => {
        let partner: LocalAwsAccount;
        let partnerUser: Credentials;
        before(async () => {
            partner = local.accounts.create(PARTNER_ACCOUNT);
            const make = (type: string, name: string, inputs: Record<string, unknown>) =>
                partner.provision(`aws:iam/${type}`, name, { name, ...inputs });
            await make("user:User", "partner-user", {});
            await make("userPolicy:UserPolicy", "assume", { user: "partner-user", policy: allowAssumeAnyRole });
            const key = await partner.provision("aws:iam/accessKey:AccessKey", "k", { user: "partner-user" });
            partnerUser = { accessKeyId: key.id, secretAccessKey: String(key.state.secret) };
            const trust = trusting(`arn:aws:iam::${PARTNER_ACCOUNT}:user/partner-user`);
            const identityHalf = o.crossAccountPolicies[0].policies[0];
            for (const role of ["partner", "partner-bare"]) await make("role:Role", role, { assumeRolePolicy: trust });
            await make("rolePolicy:RolePolicy", "invoke", { role: "partner", policy: identityHalf });
            await make("userPolicy:UserPolicy", "invoke", { user: "partner-user", policy: identityHalf });
        });

        it("outputs the identity half naming the exact principals and operations (never *)", () => {
            const [grant] = o.crossAccountPolicies;
            expect(grant.principals).to.deep.equal([
                `arn:aws:iam::${PARTNER_ACCOUNT}:role/partner`,
                `arn:aws:iam::${PARTNER_ACCOUNT}:role/partner-bare`,
            ]);
            expect(JSON.parse(grant.policies[0])).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "InvokeGrantedOperations",
                        Effect: "Allow",
                        Action: "execute-api:Invoke",
                        Resource: [`arn:aws:execute-api:us-west-2:123456789012:${apiId()}/test/GET/pets/*`],
                    },
                ],
            });
        });

        it("both halves: 200; no identity policy: 403; not named in the resource policy: 403", async () => {
            const arn = (role: string) => `arn:aws:iam::${PARTNER_ACCOUNT}:role/${role}`;
            const both = await assume(partnerUser, arn("partner"));
            expect((await call("GET", "/pets/1", both)).status).to.equal(200);
            expect((await call("GET", "/pets", both)).status, "an operation not granted").to.equal(403);
            const noIdentityHalf = await call("GET", "/pets/1", await assume(partnerUser, arn("partner-bare")));
            expect(noIdentityHalf.status).to.equal(403);
            expect(noIdentityHalf.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
            const noResourceHalf = await call("GET", "/pets/1", partnerUser);
            expect(noResourceHalf.status).to.equal(403);
            expect((JSON.parse(noResourceHalf.body) as { Message: string }).Message).to.match(
                new RegExp(
                    `^User: arn:aws:iam::${PARTNER_ACCOUNT}:user/partner-user is not authorized to perform: execute-api:Invoke`,
                ),
            );
        });
    });

    describe("CORS under IAM", () => {
        it("a browser's preflight gets 200 and the CORS headers, without a signature, behind the resource policy", async () => {
            const preflight = await call("OPTIONS", "/pets/1", undefined, {
                Origin: ORIGIN,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization,x-amz-date,x-amz-security-token",
            });
            expect(preflight.status).to.equal(200);
            expect(preflight.headers["access-control-allow-origin"]).to.equal(ORIGIN);
            expect(preflight.headers["access-control-allow-methods"]).to.equal("GET,OPTIONS");
            expect(preflight.headers["access-control-allow-headers"]).to.include("X-Amz-Security-Token");
        });

        it("a refused call carries the CORS headers, so the page can read why; an allowed one too", async () => {
            const unsigned = await call("GET", "/pets", undefined, { Origin: ORIGIN });
            expect(unsigned.status).to.equal(403);
            expect(unsigned.headers["access-control-allow-origin"]).to.equal(ORIGIN);
            expect(unsigned.headers["access-control-expose-headers"]).to.equal("x-amzn-RequestId,x-amzn-ErrorType");
            const session = await assume(o.caller, o.workerArn);
            const denied = await call("GET", "/pets/1", session, { Origin: ORIGIN });
            expect(denied.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
            expect(denied.headers["access-control-allow-origin"]).to.equal(ORIGIN);
            const allowed = await call("GET", "/pets", session, { Origin: ORIGIN });
            expect(allowed.status).to.equal(200);
            expect(allowed.headers["access-control-allow-origin"]).to.equal(ORIGIN);
        });
    });

    it("createSignedFetch caches temporary credentials while fresh and refreshes them before they expire", async () => {
        const fetchWith = (lifetimeMs: number) => {
            const counter = { calls: 0 };
            const provider = async (): Promise<TemporaryCredentials> => {
                counter.calls++;
                return { ...(await assume(o.caller, o.roleArn, 900)), expiration: new Date(Date.now() + lifetimeMs) };
            };
            return {
                counter,
                api: createSignedFetch({ invokeUrl: o.invokeUrl, region: o.region, credentials: provider }),
            };
        };
        const fresh = fetchWith(15 * 60_000);
        const nearExpiry = fetchWith(4 * 60_000); // within the five minutes before expiry: asked again each time
        for (const { api } of [fresh, nearExpiry]) {
            expect((await api("/pets")).status).to.equal(200);
            expect((await api("/pets")).status).to.equal(200);
        }
        expect(fresh.counter.calls).to.equal(1);
        expect(nearExpiry.counter.calls).to.equal(2);
    });
});
