import * as aws from "@pulumi/aws";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { TRANSPILED } from "../../helpers/localAws";
import { Credentials, rawRequest, signedHeaders } from "../../helpers/rawHttp";
import { mockIntegration, openApi3, PROJECT_DIR } from "../../helpers/specs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const ACCOUNT = "123456789012";
const REGION = "us-west-2";
const policy = (...statements: Record<string, unknown>[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: statements });
const ALLOW_INVOKE = { Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" };
const DENY_INVOKE = { Effect: "Deny", Action: "execute-api:Invoke", Resource: "*" };
const TRUST_ACCOUNT = policy({
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: "sts:AssumeRole",
});

/** One IAM operation, the raw API a program declares, and the identities whose inputs are under test. */
function program(): Record<string, unknown> {
    const body = openApi3({
        "/pets": {
            get: {
                "x-amazon-apigateway-auth": { type: "AWS_IAM" },
                responses: { "200": { description: "ok" } },
                "x-amazon-apigateway-integration": mockIntegration(),
            },
        },
    });
    const api = new aws.apigateway.RestApi("inputs", { name: "inputs", body: JSON.stringify(body) });
    const deployment = new aws.apigateway.Deployment("inputs", { restApi: api.id });
    const stage = new aws.apigateway.Stage("inputs", { restApi: api.id, deployment: deployment.id, stageName: "test" });
    const keyOf = (name: string, grant: string, status?: string) => {
        const user = new aws.iam.User(name, { name });
        new aws.iam.UserPolicy(name, { user: user.name, policy: grant });
        const key = new aws.iam.AccessKey(name, { user: user.name, status });
        return { accessKeyId: key.id, secretAccessKey: key.secret };
    };
    const allowed = new aws.iam.Policy("allowed", { policy: policy(ALLOW_INVOKE) });
    new aws.iam.Role("inline-allow", {
        name: "inline-allow",
        assumeRolePolicy: TRUST_ACCOUNT,
        inlinePolicies: [{ name: "invoke", policy: policy(ALLOW_INVOKE) }],
    });
    new aws.iam.Role("inline-deny", {
        name: "inline-deny",
        assumeRolePolicy: TRUST_ACCOUNT,
        inlinePolicies: [
            { name: "invoke", policy: policy(ALLOW_INVOKE) },
            { name: "no-invoke", policy: policy(DENY_INVOKE) },
        ],
    });
    new aws.iam.Role("managed", {
        name: "managed",
        assumeRolePolicy: TRUST_ACCOUNT,
        managedPolicyArns: [allowed.arn],
    });
    new aws.iam.Role("nothing", { name: "nothing", assumeRolePolicy: TRUST_ACCOUNT });
    return {
        invokeUrl: stage.invokeUrl,
        assumer: keyOf("assumer", policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" })),
        active: keyOf("active", policy(ALLOW_INVOKE)),
        inactive: keyOf("inactive", policy(ALLOW_INVOKE), "Inactive"),
    };
}

/** What local mode stops with when a program declares only what `declare` does, or "served". */
function refusalOf(declare: () => unknown): Promise<string> {
    return startLocalMode({
        projectDir: PROJECT_DIR,
        program: () => {
            declare();
            return {};
        },
        ...TRANSPILED,
    }).then(
        async (l) => {
            await l.close();
            return "served";
        },
        (e: Error) => e.message,
    );
}

describe("local mode's IAM reads every input that changes who may call, or refuses it", () => {
    let local: LocalMode;
    let o: { invokeUrl: string; assumer: Credentials; active: Credentials; inactive: Credentials };
    const url = () => new URL(o.invokeUrl);
    const get = (key: Credentials) => {
        const request = { method: "GET", target: `${url().pathname}/pets` };
        return rawRequest(Number(url().port), { ...request, headers: signedHeaders(url().host, REGION, key, request) });
    };
    const session = async (role: string): Promise<Credentials> => {
        const sts = new STSClient({
            region: REGION,
            endpoint: local.identity.url,
            credentials: o.assumer,
            maxAttempts: 1,
        });
        const c = (
            await sts.send(
                new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, RoleSessionName: "tester" }),
            )
        ).Credentials!;
        return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };

    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, program, ...TRANSPILED });
        o = outputsAsJson(local.outputs) as typeof o;
    });
    after(() => local.close());

    it("a role's inlinePolicies are its identity policies: an Allow lets its session in, a Deny among them refuses it", async () => {
        expect((await get(await session("inline-allow"))).status).to.equal(200);
        const denied = await get(await session("inline-deny"));
        expect([denied.status, denied.headers["x-amzn-errortype"]]).to.deep.equal([403, "AccessDeniedException"]);
        expect(denied.body).to.include("with an explicit deny");
    });

    it("a role's managedPolicyArns are attached to it; a role with neither is refused", async () => {
        expect((await get(await session("managed"))).status).to.equal(200);
        expect((await get(await session("nothing"))).status).to.equal(403);
    });

    it('an access key with status "Inactive" cannot sign (as an unknown key), one left Active can', async () => {
        expect((await get(o.active)).status).to.equal(200);
        const refused = await get(o.inactive);
        expect([refused.status, refused.headers["x-amzn-errortype"]]).to.deep.equal([
            403,
            "UnrecognizedClientException",
        ]);
    });

    for (const [what, declare, says] of [
        [
            "a RolePolicy beside the role's exclusive inlinePolicies",
            () => {
                const role = new aws.iam.Role("exclusive", {
                    assumeRolePolicy: TRUST_ACCOUNT,
                    inlinePolicies: [{ name: "a", policy: policy(ALLOW_INVOKE) }],
                });
                new aws.iam.RolePolicy("beside", { role: role.name, policy: policy(ALLOW_INVOKE) });
            },
            /role exclusive-\w+ sets inlinePolicies, which the provider keeps exclusive.*Put the policy in the role's inlinePolicies/,
        ],
        [
            "a RolePolicyAttachment beside the role's exclusive managedPolicyArns",
            () => {
                const allowed = new aws.iam.Policy("allowed", { policy: policy(ALLOW_INVOKE) });
                const role = new aws.iam.Role("exclusive", { assumeRolePolicy: TRUST_ACCOUNT, managedPolicyArns: [] });
                new aws.iam.RolePolicyAttachment("beside", { role: role.name, policyArn: allowed.arn });
            },
            /sets managedPolicyArns, which the provider keeps exclusive.*List the policy in the role's managedPolicyArns/,
        ],
        [
            "two inline policies of one name on one role (IAM keeps the one put last)",
            () => {
                const role = new aws.iam.Role("twice", { name: "twice", assumeRolePolicy: TRUST_ACCOUNT });
                new aws.iam.RolePolicy("narrow", { name: "p", role: role.name, policy: policy(DENY_INVOKE) });
                new aws.iam.RolePolicy("broad", { name: "p", role: role.name, policy: policy(ALLOW_INVOKE) });
            },
            /twice already has an inline policy named p: IAM keeps one per name/,
        ],
    ] as const) {
        it(`refuses ${what}, which would keep more than AWS keeps`, async () => {
            const refused = await refusalOf(declare);
            expect(refused).to.match(says);
        });
    }

    for (const [what, declare] of [
        [
            "a user's permissionsBoundary",
            () => new aws.iam.User("bounded", { permissionsBoundary: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
        ],
        [
            "a role's permissionsBoundary",
            () =>
                new aws.iam.Role("bounded", {
                    assumeRolePolicy: TRUST_ACCOUNT,
                    permissionsBoundary: "arn:aws:iam::aws:policy/ReadOnlyAccess",
                }),
        ],
        ["a user's path", () => new aws.iam.User("pathed", { path: "/ops/" })],
        ["a role's path", () => new aws.iam.Role("pathed", { assumeRolePolicy: TRUST_ACCOUNT, path: "/ops/" })],
    ] as const) {
        it(`refuses ${what}, which it does not emulate, naming it (running without it would let in what AWS refuses)`, async () => {
            const refused = await refusalOf(declare);
            expect(refused).to.match(/Local mode does not emulate (permissions boundaries|IAM paths)/);
            expect(refused).to.match(/leave it out to run the program locally/);
        });
    }
});
