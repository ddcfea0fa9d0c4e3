import { expect } from "chai";
import {
    DEFAULT_ACCESS_LOG_FORMAT,
    denyOutsideAccounts,
    denyOutsideSourceIps,
    denyOutsideVpcEndpoints,
    allowAccountThroughVpcEndpoints,
    allowPublicOperations,
    ResourcePolicyStatement,
    prepareSpec,
    SecuredRestApi,
    SecuredRestApiArgs,
} from "../components";
import { storedResourcePolicy } from "../components/resourcePolicy";
import { LocalAwsAccount } from "../local-aws/engine/account";
import { allRegistrationsSettled } from "../local-aws/engine/mocks";
import { clientOutputs, freshLocalAws, inputsOf, serveLocally } from "./helpers/localAws";
import { Credentials, rawRequest } from "./helpers/rawHttp";
import { PETSTORE_OPENAPI, PETSTORE_SWAGGER } from "./helpers/specs";

/** Deploys one SecuredRestApi with these args on a local account and gateway; returns how to call it. */
function serve(args: Partial<SecuredRestApiArgs>) {
    return serveLocally(() => {
        const api = new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, ...args });
        return {
            ...clientOutputs(api),
            keys: api.accessKeys.map((k) => ({ accessKeyId: k.id, secretAccessKey: k.secret })),
        };
    }) as Promise<Awaited<ReturnType<typeof serveLocally>> & { outputs: { keys: Credentials[] } }>;
}

describe("security options, secure by default", () => {
    describe("resource policy kept inside the body", () => {
        it("is sent as the policy argument in the form API Gateway stores it, other resources untouched", () => {
            const stored = storedResourcePolicy(
                {
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "execute-api:Invoke",
                            NotResource: ["execute-api:/*/GET/a", "*"],
                        },
                    ],
                },
                "arn:aws-cn:execute-api:cn-north-1:111122223333",
            );
            expect(stored).to.equal(
                '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws-cn:execute-api:cn-north-1:111122223333:*/*"},{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","NotResource":["arn:aws-cn:execute-api:cn-north-1:111122223333:??????????/*/GET/a","*"]}]}',
            );
        });

        it('is removed when its last statement goes: the argument becomes "" (never unset, which would re-apply the old one)', async () => {
            const policyOf = async (args: Partial<SecuredRestApiArgs>) => {
                const { mocks } = await freshLocalAws(false);
                new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, ...args });
                await allRegistrationsSettled();
                return inputsOf(mocks, "aws:apigateway/restApi:RestApi").policy;
            };
            const granted = await policyOf({ crossAccountGrants: [{ principals: ["111122223333"] }] });
            expect((JSON.parse(String(granted)) as { Statement: unknown[] }).Statement).to.have.length(1);
            // The same stack after the grant is removed: the transition the provider sees.
            expect(await policyOf({})).to.equal("");
            expect(await policyOf({ resourcePolicy: [] })).to.equal("");
        });

        it("is written in the form AWS stores it, for every statement the component writes (no diff on the next preview)", async () => {
            const { mocks } = await freshLocalAws(false);
            new SecuredRestApi("api", {
                openApiSpec: PETSTORE_OPENAPI,
                publicOperations: ["GET /"],
                invokeOperations: ["GET /pets"],
                cors: { allowOrigin: "https://app.example.com" },
                crossAccountGrants: [
                    { principals: ["111122223333"], operations: ["GET /pets/{petId}"] },
                    { principals: ["arn:aws:iam::444455556666:role/reader"] },
                ],
                resourcePolicy: [
                    allowPublicOperations(["GET /"]),
                    denyOutsideAccounts(["123456789012", "111122223333", "444455556666"]),
                    denyOutsideSourceIps(["127.0.0.0/8"]),
                ],
            });
            await allRegistrationsSettled();
            const stored = JSON.parse(String(inputsOf(mocks, "aws:apigateway/restApi:RestApi").policy)) as {
                Statement: { Principal: unknown; Resource: string[] }[];
            };
            for (const statement of stored.Statement) {
                // IAM's forms: everyone as "*", an account as its root ARN, a resource as a whole ARN.
                expect(statement.Principal === "*" || typeof statement.Principal === "object").to.equal(true);
                if (typeof statement.Principal === "object")
                    for (const p of (statement.Principal as { AWS: string[] }).AWS)
                        expect(p).to.match(/^arn:aws:iam::\d{12}:(root|role\/[\w+=,.@-]+)$/);
                for (const r of statement.Resource) expect(r).to.match(/^arn:aws:execute-api:us-west-2:123456789012:/);
            }
        });

        it("goes into x-amazon-apigateway-policy, after the document's own statements, and into the deployment hash", () => {
            const spec = PETSTORE_OPENAPI.replace(
                "paths:",
                'x-amazon-apigateway-policy:\n  Version: "2012-10-17"\n  Statement:\n    - Effect: Deny\n      Principal: "*"\n      Action: execute-api:Invoke\n      Resource: execute-api:/*/DELETE/*\npaths:',
            );
            const { document } = prepareSpec(spec, { resourcePolicy: [denyOutsideSourceIps(["203.0.113.0/24"])] });
            const policy = document["x-amazon-apigateway-policy"] as {
                Statement: { Sid?: string; Condition?: unknown; Resource?: string }[];
            };
            expect(policy.Statement).to.have.length(2);
            expect(policy.Statement[1]).to.deep.equal({
                Sid: "DenyOutsideSourceIps",
                Effect: "Deny",
                Principal: { AWS: ["*"] },
                Action: ["execute-api:Invoke"],
                Resource: ["execute-api:/*"],
                Condition: { NotIpAddress: { "aws:SourceIp": ["203.0.113.0/24"] } },
            });
            expect(prepareSpec(PETSTORE_OPENAPI).body).not.to.equal(
                prepareSpec(PETSTORE_OPENAPI, { resourcePolicy: [denyOutsideAccounts(["123456789012"])] }).body,
            );
        });

        it("helpers restrict to accounts, VPCs and VPC endpoints; an Allow to everyone is refused", async () => {
            expect(denyOutsideAccounts(["111122223333"]).Condition).to.deep.equal({
                StringNotEquals: { "aws:PrincipalAccount": ["111122223333"] },
                Null: { "aws:PrincipalAccount": ["false"] },
            });
            expect(denyOutsideVpcEndpoints(["vpce-1"]).Condition).to.deep.equal({
                StringNotEquals: { "aws:SourceVpce": ["vpce-1"] },
            });
            // The account id: the component writes it as the root ARN of the provider's partition (tests/partitions.test.ts).
            expect(allowAccountThroughVpcEndpoints("111122223333", ["vpce-1"])[0].Principal).to.deep.equal({
                AWS: ["111122223333"],
            });
            const { mocks } = await freshLocalAws(true);
            const open = { Effect: "Allow" as const, Principal: { AWS: ["*"] }, Action: ["execute-api:Invoke"] };
            expect(() => new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, resourcePolicy: [open] })).to.throw(
                /Resource policy statement 0 allows everyone \("\*"\) to invoke GET \/, GET \/pets, POST \/pets, GET \/pets\/\{petId\}, which require AWS_IAM/,
            );
            expect(mocks.registrations).to.deep.equal([]);
            new SecuredRestApi("private", {
                openApiSpec: PETSTORE_OPENAPI,
                endpointType: "PRIVATE",
                resourcePolicy: allowAccountThroughVpcEndpoints("123456789012", ["vpce-1"]),
            });
            await allRegistrationsSettled();
            expect(inputsOf(mocks, "aws:apigateway/restApi:RestApi").endpointConfiguration).to.deep.equal({
                types: "PRIVATE",
            });
        });

        it("refuses policies that weaken the API or would lock callers out on AWS", async () => {
            const { mocks } = await freshLocalAws(true);
            const everyone = {
                Effect: "Allow",
                Principal: "*",
                Action: ["execute-api:Invoke"],
            } as unknown as ResourcePolicyStatement;
            const refuse = (args: Partial<SecuredRestApiArgs>, pattern: RegExp) =>
                expect(() => new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, ...args })).to.throw(pattern);
            refuse(
                { resourcePolicy: [everyone] },
                /allows everyone \("\*"\) to invoke GET \/, GET \/pets, POST \/pets/,
            );
            const ownPolicy = PETSTORE_OPENAPI.replace(
                "paths:",
                'x-amazon-apigateway-policy:\n  Statement:\n    - Effect: Allow\n      Principal: "*"\n      Action: execute-api:Invoke\n      Resource: execute-api:/*\npaths:',
            );
            refuse(
                { openApiSpec: ownPolicy },
                /Resource policy statement 0 allows everyone \("\*"\) to invoke GET \/, GET \/pets, POST \/pets, GET \/pets\/\{petId\}, which require AWS_IAM/,
            );
            refuse(
                { resourcePolicy: [denyOutsideVpcEndpoints(["vpce-1"])] },
                /tests aws:SourceVpc\/aws:SourceVpce, which API Gateway sets only for PRIVATE APIs: on a REGIONAL API/,
            );
            refuse(
                { endpointType: "PRIVATE", resourcePolicy: [denyOutsideVpcEndpoints(["vpce-1"])] },
                /endpointType "PRIVATE" needs a resource policy that allows/,
            );
            const withPublic = { openApiSpec: PETSTORE_SWAGGER, publicOperations: ["OPTIONS /pets"] };
            refuse(
                { ...withPublic, resourcePolicy: [denyOutsideSourceIps(["10.0.0.0/8"])] },
                /evaluates it for the public operations too, as an unsigned caller, and would refuse OPTIONS \/pets: no statement allows OPTIONS \/pets \(unauthenticated methods need an explicit Allow\)\. Fix: add allowPublicOperations\(\["OPTIONS \/pets"\]\) to resourcePolicy\./,
            );
            const unguarded = { StringNotEquals: denyOutsideAccounts(["123456789012"]).Condition!.StringNotEquals };
            refuse(
                {
                    ...withPublic,
                    resourcePolicy: [
                        allowPublicOperations(["OPTIONS /pets"]),
                        { ...denyOutsideAccounts(["123456789012"]), Condition: unguarded },
                    ],
                },
                /would refuse OPTIONS \/pets: statement 1 \(DenyOutsideAccounts\) denies on aws:PrincipalAccount, which unsigned calls do not have\. Fix: add the condition Null: \{"aws:PrincipalAccount":\["false"\]\} to statement 1/,
            );
            expect(mocks.registrations).to.deep.equal([]);

            new SecuredRestApi("ok", {
                ...withPublic,
                resourcePolicy: [allowPublicOperations(["OPTIONS /pets"]), denyOutsideSourceIps(["203.0.113.0/24"])],
            });
            new SecuredRestApi("accounts", {
                ...withPublic,
                resourcePolicy: [allowPublicOperations(["OPTIONS /pets"]), denyOutsideAccounts(["123456789012"])],
            });
            await allRegistrationsSettled();
            const restApi = mocks.registrations.find((r) => r.type === "aws:apigateway/restApi:RestApi")!.inputs;
            const inBody = (JSON.parse(String(restApi.body)) as Record<string, unknown>)["x-amazon-apigateway-policy"];
            expect(JSON.stringify(inBody)).to.include('"Resource":["execute-api:/*/OPTIONS/pets"]');
            // The argument is the body's policy in the form AWS stores it, so an unchanged policy is no diff; an
            // Allow's API id is ten ?, which never spans into the path as a * would.
            expect(String(restApi.policy)).to.equal(
                JSON.stringify(inBody)
                    .replace(
                        '"execute-api:/*/OPTIONS',
                        '"arn:aws:execute-api:us-west-2:123456789012:??????????/*/OPTIONS',
                    )
                    .replace(/"execute-api:\//g, '"arn:aws:execute-api:us-west-2:123456789012:*/')
                    // Everyone as IAM writes it: the provider's equivalence check tells "*" from { AWS: "*" }.
                    .replace(/"Principal":\{"AWS":\["\*"\]\}/g, '"Principal":"*"'),
            );
            expect(String(restApi.policy)).to.include(
                '"Resource":["arn:aws:execute-api:us-west-2:123456789012:??????????/*/OPTIONS/pets"]',
            );
        });

        it("is evaluated for public operations too, as an anonymous caller", async () => {
            for (const [cidr, status] of [
                ["10.0.0.0/8", 403],
                ["127.0.0.0/8", 200],
            ] as const) {
                const served = await serveLocally(() =>
                    clientOutputs(
                        new SecuredRestApi("api", {
                            openApiSpec: PETSTORE_SWAGGER,
                            publicOperations: ["OPTIONS /pets"],
                            resourcePolicy: [allowPublicOperations(["OPTIONS /pets"]), denyOutsideSourceIps([cidr])],
                        }),
                    ),
                );
                try {
                    const url = new URL(served.outputs.invokeUrl);
                    const answer = await rawRequest(Number(url.port), {
                        method: "OPTIONS",
                        target: `${url.pathname}/pets`,
                        headers: [["Host", url.host]],
                    });
                    expect(answer.status, cidr).to.equal(status);
                    if (status === 403)
                        expect(answer.body).to.match(
                            /^\{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: .* with an explicit deny"\}$/,
                        );
                } finally {
                    await served.local.close();
                }
            }
        });

        it("is enforced by the local gateway: a source IP outside the ranges is denied explicitly, inside passes", async () => {
            const outside = await serve({ resourcePolicy: [denyOutsideSourceIps(["10.0.0.0/8"])] });
            try {
                // The root resource (…/GET/, an empty path) is evaluated like any other.
                for (const path of ["/pets", "/"]) {
                    const answer = await outside.get(path);
                    expect(answer.status, path).to.equal(403);
                    expect(answer.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
                    expect(answer.body).to.match(
                        /is not authorized to perform: execute-api:Invoke on resource: .* with an explicit deny"}$/,
                    );
                }
            } finally {
                await outside.local.close();
            }
            const inside = await serve({
                resourcePolicy: [denyOutsideSourceIps(["127.0.0.0/8"]), denyOutsideAccounts(["123456789012"])],
            });
            try {
                expect((await inside.get("/pets")).status).to.equal(200);
                expect((await inside.get("/")).status).to.equal(200);
            } finally {
                await inside.local.close();
            }
        });
    });

    it("disableExecuteApiEndpoint turns the default endpoint off (403 Forbidden) and redeploys", async () => {
        const served = await serve({ disableExecuteApiEndpoint: true });
        try {
            const answer = await served.get("/pets");
            expect(answer.status).to.equal(403);
            expect(answer.body).to.equal('{"message":"Forbidden"}');
        } finally {
            await served.local.close();
        }
    });

    describe("stage settings", () => {
        it("throttles the stage by default, never traces data, logs execution only when asked", async () => {
            const { mocks } = await freshLocalAws(true);
            new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI });
            await allRegistrationsSettled();
            const settings = inputsOf(mocks, "aws:apigateway/methodSettings:MethodSettings");
            expect(settings.methodPath).to.equal("*/*");
            expect(settings.settings).to.deep.equal({
                throttlingRateLimit: 100,
                throttlingBurstLimit: 200,
                loggingLevel: "OFF",
                dataTraceEnabled: false,
            });
            expect(inputsOf(mocks, "aws:apigateway/stage:Stage")).not.to.have.property("accessLogSettings");
            expect(
                () =>
                    new SecuredRestApi("bad", {
                        openApiSpec: PETSTORE_OPENAPI,
                        throttle: { rateLimit: -5, burstLimit: 1.5 },
                    }),
            ).to.throw(/throttle\.rateLimit -5.*\n.*throttle\.burstLimit 1\.5/);
        });

        it("access logging is opt-in, records the caller's userArn, and needs the account's CloudWatch role", async () => {
            const { mocks } = await freshLocalAws(true);
            new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, accessLog: {} });
            await allRegistrationsSettled();
            const stage = inputsOf(mocks, "aws:apigateway/stage:Stage");
            expect((stage.accessLogSettings as { format: string }).format).to.equal(DEFAULT_ACCESS_LOG_FORMAT);
            expect(DEFAULT_ACCESS_LOG_FORMAT).to.include('"userArn":"$context.identity.userArn"');
            expect(inputsOf(mocks, "aws:cloudwatch/logGroup:LogGroup").retentionInDays).to.equal(365);
            expect(
                mocks.registrations.some((r) => r.type === "aws:apigateway/account:Account"),
                "never takes over the regional singleton unasked",
            ).to.equal(false);
            expect(
                () =>
                    new SecuredRestApi("bad", {
                        openApiSpec: PETSTORE_OPENAPI,
                        accessLog: { format: "$context.identity.userArn" },
                    }),
            ).to.throw(/must include \$context\.requestId/);

            // As in AWS, a stage cannot log before the account has a CloudWatch role.
            const account = new LocalAwsAccount("us-west-2");
            const api = await account.provision("aws:apigateway/restApi:RestApi", "a", {
                body: prepareSpec(PETSTORE_OPENAPI).body,
            });
            const deployment = await account.provision("aws:apigateway/deployment:Deployment", "a", {
                restApi: api.id,
            });
            const loggedStage = {
                restApi: api.id,
                deployment: deployment.id,
                stageName: "test",
                accessLogSettings: { destinationArn: "arn", format: DEFAULT_ACCESS_LOG_FORMAT },
            };
            let refusal: unknown;
            await account
                .provision("aws:apigateway/stage:Stage", "a", loggedStage)
                .catch((e: unknown) => (refusal = e));
            expect(String(refusal)).to.include(
                "BadRequestException: CloudWatch Logs role ARN must be set in account settings to enable logging",
            );
            await account.provision("aws:apigateway/account:Account", "a", {
                cloudwatchRoleArn: "arn:aws:iam::123456789012:role/apigw-logs",
            });
            expect((await account.provision("aws:apigateway/stage:Stage", "a", loggedStage)).state.invokeUrl).to.match(
                /\/test$/,
            );

            const { mocks: withRole } = await freshLocalAws(false);
            const retained: (boolean | undefined)[] = [];
            new SecuredRestApi(
                "log",
                {
                    openApiSpec: PETSTORE_OPENAPI,
                    accessLog: { accountCloudWatchRoleArn: "arn:aws:iam::123456789012:role/apigw-logs" },
                },
                {
                    transformations: [
                        (resource) => {
                            if (resource.type === "aws:apigateway/account:Account") {
                                retained.push(resource.opts.retainOnDelete);
                            }
                            return undefined;
                        },
                    ],
                },
            );
            await allRegistrationsSettled();
            expect(inputsOf(withRole, "aws:apigateway/account:Account").cloudwatchRoleArn).to.equal(
                "arn:aws:iam::123456789012:role/apigw-logs",
            );
            // Destroying the stack must not reset the region's logging role for every other API.
            expect(retained).to.deep.equal([true]);
        });
    });

    describe("key rotation without downtime", () => {
        it("two keys work side by side; the outputs give the newer one", async () => {
            const served = await serve({ accessKeys: ["1", "2"] });
            try {
                expect(served.outputs.keys).to.have.length(2);
                expect(served.outputs.accessKeyId).to.equal(served.outputs.keys[1].accessKeyId);
                expect((await served.get("/pets", served.outputs.keys[0])).status).to.equal(200);
                expect((await served.get("/pets", served.outputs.keys[1])).status).to.equal(200);
            } finally {
                await served.local.close();
            }
        });

        it("at most two labels, distinct and name-safe", async () => {
            await freshLocalAws(true);
            expect(
                () => new SecuredRestApi("a", { openApiSpec: PETSTORE_OPENAPI, accessKeys: ["1", "2", "3"] }),
            ).to.throw(/IAM allows 2 keys per user/);
            expect(() => new SecuredRestApi("b", { openApiSpec: PETSTORE_OPENAPI, accessKeys: ["1", "1"] })).to.throw(
                /labels must differ/,
            );
            expect(() => new SecuredRestApi("c", { openApiSpec: PETSTORE_OPENAPI, accessKeys: ["a b"] })).to.throw(
                /label "a b"/,
            );
        });
    });
});
