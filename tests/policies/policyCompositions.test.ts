import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
    allowPublicOperations,
    denyOutsideAccounts,
    denyOutsideSourceIps,
    ResourcePolicyStatement,
    SecuredRestApi,
    SecuredRestApiArgs,
} from "../../components";
import {
    appliesOnlyUnauthenticated,
    documentPolicyProblems,
    EVERY_SIGNED_REQUEST_KEYS,
} from "../../components/policies/resourcePolicy";
import { CONDITION_KEYS } from "../../local-aws/identity/conditionKeys";
import { prepareSpec } from "../../components/openapi/prepare";
import { crossAccountStatements } from "../../components/callers/callers";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { freshLocalAws, TRANSPILED } from "../helpers/localAws";
import { Credentials, rawRequest, signedHeaders } from "../helpers/rawHttp";
import { openApi3, operation, PROJECT_DIR } from "../helpers/specs";

const PARTNER_ACCOUNT = "111122223333";
const ORIGIN = "https://app.example.com";

/** A public operation above an IAM one: the composition that opened /pets/1/owner to anyone of the account. */
const PETS = openApi3({
    "/pets/{id}": { get: operation() },
    "/pets/{id}/owner": { get: operation(), post: operation() },
    "/pets": { get: operation() },
});

const everyone = (resource: string[], extra: Partial<ResourcePolicyStatement> = {}): ResourcePolicyStatement => ({
    Effect: "Allow",
    Principal: { AWS: ["*"] },
    Action: ["execute-api:Invoke"],
    Resource: resource,
    ...extra,
});

describe("what a policy names is all it opens", () => {
    describe("at preview, every Allow is judged by what it opens", () => {
        const refusal = (args: Partial<SecuredRestApiArgs>) => {
            try {
                new SecuredRestApi("api", { openApiSpec: PETS, ...args });
            } catch (e) {
                return (e as Error).message;
            }
            return "";
        };
        beforeEach(() => freshLocalAws(true));

        it("refuses an Allow to everyone whose pattern reaches an IAM operation, naming it", () => {
            const message = refusal({
                publicOperations: ["GET /pets/{id}"],
                resourcePolicy: [everyone(["execute-api:/*/GET/pets/*"])],
            });
            expect(message).to.match(
                /allows everyone \("\*"\) to invoke GET \/pets\/\{id\}\/owner, which requires AWS_IAM/,
            );
            expect(message).not.to.include("POST /pets/{id}/owner");
            // A pattern that reaches public operations only is fine, and so is the unauthenticated-only form.
            expect(
                refusal({
                    publicOperations: ["GET /pets"],
                    resourcePolicy: [everyone(["execute-api:/test/GET/pets"])],
                }),
            ).to.equal("");
            expect(
                refusal({
                    publicOperations: ["GET /pets/{id}"],
                    resourcePolicy: [
                        everyone(["execute-api:/*/GET/pets/*"], {
                            Condition: { Null: { "aws:PrincipalAccount": ["true"] } },
                        }),
                    ],
                }),
            ).to.equal("");
        });

        it("refuses an Allow to everyone whose resources mix public and IAM operations", () => {
            expect(
                refusal({
                    publicOperations: ["GET /pets"],
                    resourcePolicy: [everyone(["execute-api:/test/GET/pets", "execute-api:/test/POST/pets/*/owner"])],
                }),
            ).to.match(/to invoke POST \/pets\/\{id\}\/owner, which requires AWS_IAM/);
        });

        it("refuses an Allow to everyone with NotResource or no Resource, and any Allow with NotPrincipal or no Principal", () => {
            const base = { Effect: "Allow" as const, Action: ["execute-api:Invoke"] };
            const through = (statement: Record<string, unknown>) =>
                documentPolicyProblems(
                    { Version: "2012-10-17", Statement: [statement] },
                    "REGIONAL",
                    prepareSpec(PETS).operations,
                    "test",
                ).join("\n");
            expect(through({ ...base, Principal: "*", NotResource: ["execute-api:/test/GET/pets"] })).to.match(
                /every operation its NotResource does not list, the AWS_IAM ones included/,
            );
            expect(through({ ...base, Principal: "*" })).to.match(/every operation \(it has no Resource\)/);
            expect(
                through({
                    ...base,
                    NotPrincipal: { AWS: ["arn:aws:iam::123456789012:user/x"] },
                    Resource: ["execute-api:/*"],
                }),
            ).to.match(/is an Allow with NotPrincipal, which IAM does not support/);
            expect(through({ ...base, Resource: ["execute-api:/*"] })).to.match(/has no Principal/);
            // Wildcards in a principal ARN name everyone just the same.
            expect(
                through({ ...base, Principal: { AWS: ["arn:aws:iam::*:root"] }, Resource: ["execute-api:/*"] }),
            ).to.match(/allows everyone/);
            // A named principal's Allow is its own to scope.
            expect(
                through({ ...base, Principal: { AWS: ["111122223333"] }, NotResource: ["execute-api:/test/GET/pets"] }),
            ).to.equal("");
        });

        it("takes an Allow to everyone as unauthenticated-only only on a key every signed caller carries (local mode's condition-key table)", () => {
            const signedKinds = ["user", "roleSession", "webIdentitySession", "identityPoolSession"] as const;
            const through = (key: string) =>
                documentPolicyProblems(
                    {
                        Version: "2012-10-17",
                        Statement: [everyone(["execute-api:/*"], { Condition: { Null: { [key]: ["true"] } } })],
                    },
                    "REGIONAL",
                    prepareSpec(PETS).operations,
                    "test",
                ).join("\n");
            const accepted: string[] = [];
            for (const row of CONDITION_KEYS.filter((r) => /^[\w-]+:[\w-]+$/.test(r.key))) {
                const everySignedCaller = signedKinds.every((kind) => typeof row.cells[kind] === "function");
                const opens = /allows everyone \("\*"\) to invoke/.test(through(row.key));
                // A key some signed caller lacks (aws:username for role sessions) would let that caller in.
                if (!everySignedCaller) expect(opens, `Null ${row.key}: "true"`).to.equal(true);
                if (!opens) {
                    expect("absent" in row.cells.anonymous, `${row.key} is absent for unsigned callers`).to.equal(true);
                    accepted.push(row.key.toLowerCase());
                }
            }
            expect(accepted.sort()).to.deep.equal([...EVERY_SIGNED_REQUEST_KEYS].sort());
            for (const key of ["aws:username", "aws:PrincipalOrgID", "aws:SourceVpce", "aws:PrincipalTag/team"])
                expect(through(key), key).to.match(/allows everyone/);
            // Only "true" itself: a value that is not one (a nested list) makes no condition IAM would read.
            expect(appliesOnlyUnauthenticated({ Null: { "aws:PrincipalAccount": [["true"]] } })).to.equal(false);
            expect(appliesOnlyUnauthenticated({ Null: { "aws:PrincipalAccount": true } })).to.equal(true);
        });

        it("writes the public Allow for unauthenticated callers only, and an Allow's API id as ten ?", () => {
            expect(allowPublicOperations(["GET /pets/{id}"]).Condition).to.deep.equal({
                Null: { "aws:PrincipalAccount": ["true"] },
            });
        });
    });

    it("cross-account grants: one principal in two grants gets both, an account's Deny cannot refuse what its role is granted", () => {
        const { operations } = prepareSpec(PETS);
        const principal = `arn:aws:iam::${PARTNER_ACCOUNT}:role/reader`;
        const statements = crossAccountStatements(
            [
                { principals: [principal], operations: ["GET /pets/{id}"] },
                { principals: [principal], operations: ["GET /pets/{id}/owner"] },
            ],
            operations,
            "test",
        );
        // GET/pets/* reaches no other GET operation: nothing to deny, and the first grant's Deny no longer refuses the second's.
        expect(statements.map((s) => [s.Effect, s.Resource])).to.deep.equal([
            ["Allow", ["execute-api:/test/GET/pets/*", "execute-api:/test/GET/pets/*/owner"]],
        ]);
        expect(() =>
            crossAccountStatements(
                [
                    { principals: [PARTNER_ACCOUNT], operations: ["GET /pets/{id}"] },
                    { principals: [principal], operations: ["GET /pets/{id}/owner"] },
                ],
                operations,
                "test",
            ),
        ).to.throw(
            /a Deny naming an account applies to each of its principals: .*role\/reader, granted GET \/pets\/\{id\}\/owner by crossAccountGrants\[1\], could never call it\. Grant GET \/pets\/\{id\}\/owner to the account 111122223333 as well/,
        );
        // The suggested fix: the account gets it too.
        expect(() =>
            crossAccountStatements(
                [
                    { principals: [PARTNER_ACCOUNT], operations: ["GET /pets/{id}", "GET /pets/{id}/owner"] },
                    { principals: [principal], operations: ["GET /pets/{id}/owner"] },
                ],
                operations,
                "test",
            ),
        ).not.to.throw();
    });

    describe("in local mode", () => {
        let local: LocalMode;
        let o: {
            invokeUrl: string;
            nobody: Credentials;
            anything: { invokeUrl: string; user: Credentials };
            staged: string;
            other: string;
        };
        let outsider: Credentials;
        before(async () => {
            local = await startLocalMode({
                projectDir: PROJECT_DIR,
                ...TRANSPILED,
                program: () => {
                    const user = new aws.iam.User("nobody", { name: "nobody" });
                    const key = new aws.iam.AccessKey("nobody", { user: user.name });
                    const api = new SecuredRestApi("pets", {
                        openApiSpec: PETS,
                        publicOperations: ["GET /pets/{id}"],
                        resourcePolicy: [
                            allowPublicOperations(["GET /pets/{id}"]),
                            denyOutsideAccounts(["123456789012", PARTNER_ACCOUNT]),
                        ],
                    });
                    // CORS on a path served by ANY, behind a resource policy: the preflight is the one public method.
                    const anything = new SecuredRestApi("anything", {
                        openApiSpec: openApi3({
                            "/items": { "x-amazon-apigateway-any-method": operation() },
                            "/items/{id}": { get: operation() },
                        }),
                        cors: { allowOrigin: ORIGIN },
                        resourcePolicy: [denyOutsideSourceIps(["127.0.0.0/8"])],
                    });
                    // A grant names its stage: another stage of the same API is not the partner's.
                    const staged = new SecuredRestApi("staged", {
                        openApiSpec: PETS,
                        crossAccountGrants: [{ principals: [`arn:aws:iam::${PARTNER_ACCOUNT}:user/outsider`] }],
                    });
                    const other = new aws.apigateway.Stage("other", {
                        restApi: staged.restApiId,
                        deployment: staged.deployment.id,
                        stageName: "other",
                    });
                    return {
                        staged: staged.invokeUrl,
                        other: other.invokeUrl,
                        invokeUrl: api.invokeUrl,
                        nobody: pulumi.secret({ accessKeyId: key.id, secretAccessKey: key.secret }),
                        anything: {
                            invokeUrl: anything.invokeUrl,
                            user: pulumi.secret({
                                accessKeyId: anything.accessKeyId,
                                secretAccessKey: anything.secretAccessKey,
                            }),
                        },
                    };
                },
            });
            o = outputsAsJson(local.outputs) as typeof o;
            const partner = local.accounts.create(PARTNER_ACCOUNT);
            await partner.provision("aws:iam/user:User", "outsider", { name: "outsider" });
            await partner.provision("aws:iam/userPolicy:UserPolicy", "invoke", {
                user: "outsider",
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
                }),
            });
            const k = await partner.provision("aws:iam/accessKey:AccessKey", "k", { user: "outsider" });
            outsider = { accessKeyId: k.id, secretAccessKey: String(k.state.secret) };
        });
        after(() => local?.close());

        const call = (path: string, key?: Credentials, method = "GET", invokeUrl = o.invokeUrl) => {
            const url = new URL(invokeUrl);
            const target = `${url.pathname}${path}`;
            const headers = key
                ? signedHeaders(url.host, "us-west-2", key, { method, target, headers: { Origin: ORIGIN } })
                : [["Host", url.host] as [string, string], ["Origin", ORIGIN] as [string, string]];
            return rawRequest(Number(url.port), { method, target, headers });
        };

        it("the public operation answers anyone, unsigned; the IAM operation under it refuses a principal without a permission", async () => {
            expect((await call("/pets/1")).status).to.equal(200);
            for (const key of [o.nobody, outsider]) {
                const owner = await call("/pets/1/owner", key);
                expect(owner.status).to.equal(403);
                expect(owner.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
            }
            expect((await call("/pets/1/owner")).headers["x-amzn-errortype"]).to.equal(
                "MissingAuthenticationTokenException",
            );
        });

        it("a cross-account grant opens its stage only, even to a principal whose own policy allows every API", async () => {
            expect((await call("/pets/1/owner", outsider, "GET", o.staged)).status).to.equal(200);
            const other = await call("/pets/1/owner", outsider, "GET", o.other);
            expect([other.status, other.headers["x-amzn-errortype"]]).to.deep.equal([403, "AccessDeniedException"]);
        });

        it("cors on a path served by ANY: the preflight answers unsigned with every method; each other method needs SigV4", async () => {
            const { invokeUrl, user } = o.anything;
            const preflight = await call("/items", undefined, "OPTIONS", invokeUrl);
            expect(preflight.status).to.equal(200);
            expect(preflight.headers["access-control-allow-origin"]).to.equal(ORIGIN);
            expect(preflight.headers["access-control-allow-methods"]).to.equal(
                "GET,PUT,POST,DELETE,PATCH,HEAD,OPTIONS",
            );
            expect(
                (await call("/items/1", undefined, "OPTIONS", invokeUrl)).headers["access-control-allow-methods"],
            ).to.equal("GET,OPTIONS");
            for (const method of ["GET", "PUT", "POST", "DELETE", "PATCH"]) {
                const unsigned = await call("/items", undefined, method, invokeUrl);
                expect([unsigned.status, unsigned.headers["x-amzn-errortype"]], method).to.deep.equal([
                    403,
                    "MissingAuthenticationTokenException",
                ]);
                // A refusal carries the CORS headers too, so a page can read why.
                expect(unsigned.headers["access-control-allow-origin"], method).to.equal(ORIGIN);
                const signed = await call("/items", user, method, invokeUrl);
                expect(signed.status, method).to.equal(200);
                expect(signed.headers["access-control-allow-origin"], method).to.equal(ORIGIN);
            }
        });
    });
});
