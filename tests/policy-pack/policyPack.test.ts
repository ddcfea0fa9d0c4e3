import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { runProgramLocally } from "../../local-aws/engine/runProgram";
import { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicyPack, PolicyDiagnostic, readPolicyPackConfig } from "../../local-aws/policyPack";
import { POLICY, TYPES } from "../../policy-pack/policies";
import { levels, verdictOn } from "../helpers/policyPrograms";
import { openApi3, operation, PROJECT_DIR } from "../helpers/specs";

const M = `mandatory ${POLICY.methodsRequireIam}`;

/** A raw REST API with a body, as another team's stack would write it. */
const restApi =
    (document: Record<string, unknown>, extra: Partial<aws.apigateway.RestApiArgs> = {}) =>
    () =>
        void new aws.apigateway.RestApi("raw", { name: "raw-api", body: JSON.stringify(document), ...extra });

const IAM = { "x-amazon-apigateway-auth": { type: "AWS_IAM" } };
const LAMBDA_AUTHORIZER = {
    type: "apiKey",
    name: "Authorization",
    in: "header",
    "x-amazon-apigateway-authtype": "custom",
    "x-amazon-apigateway-authorizer": { type: "token", authorizerUri: "arn:aws:apigateway:us-west-2:lambda:path/fn" },
};

/** An Allow to everyone on every operation: fit for a body whose every operation is public, and nothing more. */
const EVERYONE_EVERYWHERE = {
    Effect: "Allow",
    Principal: "*",
    Action: "execute-api:Invoke",
    Resource: "execute-api:/*",
};

/** A REST API whose body has one public operation, its policy, and an AWS_IAM method added beside the body. */
const besideAddedMethod =
    (statement: Record<string, unknown>, addMethod = true) =>
    () => {
        const body = openApi3({ "/health": { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) } });
        const api = new aws.apigateway.RestApi("mixed", {
            name: "mixed-api",
            body: JSON.stringify(body),
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
        });
        if (addMethod) methodOn(api, "admin", "AWS_IAM");
    };

/** An aws.apigateway.Method `GET /<part>` of an API, with its resource, as another team's stack would add it. */
function methodOn(api: aws.apigateway.RestApi, part: string, authorization: string): void {
    const resource = new aws.apigateway.Resource(part, {
        restApi: api.id,
        parentId: api.rootResourceId,
        pathPart: part,
    });
    new aws.apigateway.Method(`${part}-get`, {
        restApi: api.id,
        resourceId: resource.id,
        httpMethod: "GET",
        authorization,
    });
}

/** Seeded programs, each of which must fail with its policy's name (and pass with that policy removed). */
const SEEDED: {
    name: string;
    policy: string;
    level: "mandatory" | "advisory";
    program: () => void;
    says: RegExp;
    config?: PolicyPackConfig;
}[] = [
    {
        name: 'an aws.apigateway.Method with authorization: "NONE"',
        policy: POLICY.methodsRequireIam,
        level: "mandatory",
        program: () => methodOn(new aws.apigateway.RestApi("methods", { name: "methods-api" }), "items", "NONE"),
        says: /aws\.apigateway\.Method "items-get" \(GET on its resource\) has authorization "NONE".*Fix: set authorization: "AWS_IAM"/,
    },
    {
        name: "a body with a NONE operation",
        policy: POLICY.methodsRequireIam,
        level: "mandatory",
        program: restApi(
            openApi3({
                "/pets": { get: operation(IAM), post: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) },
            }),
        ),
        says: /REST API "raw-api": POST \/pets declares x-amazon-apigateway-auth NONE.*Fix: give it AWS_IAM.*publicOperations/,
    },
    {
        name: "a body put into an API (aws.apigateway.RestApiPut) with a NONE operation",
        policy: POLICY.methodsRequireIam,
        level: "mandatory",
        program: () => {
            const shell = new aws.apigateway.RestApi("shell", { name: "shell-api" });
            const document = openApi3({
                "/open": { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) },
            });
            new aws.apigateway.RestApiPut("put", { restApiId: shell.id, body: JSON.stringify(document) });
        },
        says: /REST API "Test API": GET \/open declares x-amazon-apigateway-auth NONE.*Fix: give it AWS_IAM/,
    },
    {
        name: "a body put into an API (aws.apigateway.RestApiPut) whose own policy allows everyone",
        policy: POLICY.resourcePolicyScoped,
        level: "mandatory",
        program: () => {
            const shell = new aws.apigateway.RestApi("shell", { name: "shell-api" });
            const document = openApi3(
                { "/pets": { get: operation(IAM) } },
                {
                    "x-amazon-apigateway-policy": {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }],
                    },
                },
            );
            new aws.apigateway.RestApiPut("put", { restApiId: shell.id, body: JSON.stringify(document) });
        },
        says: /REST API "Test API": Resource policy statement 0 allows everyone \("\*"\) to invoke GET \/pets, which requires AWS_IAM/,
    },
    {
        name: "a body with a Lambda authorizer",
        policy: POLICY.methodsRequireIam,
        level: "mandatory",
        program: restApi(
            openApi3(
                { "/pets": { get: operation({ security: [{ token: [] }] }) } },
                { components: { securitySchemes: { token: LAMBDA_AUTHORIZER } } },
            ),
        ),
        says: /GET \/pets is authorized by a Lambda authorizer \(security scheme "token"\).*acceptLambdaAuthorizers: true/,
    },
    {
        name: "a resource policy whose public Allow reaches an IAM operation",
        policy: POLICY.resourcePolicyScoped,
        level: "mandatory",
        program: restApi(
            openApi3({
                "/pets/{id}": { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) },
                "/pets/{id}/owner": { get: operation(IAM) },
            }),
            {
                // Written for the public GET /pets/{id}; IAM's * spans "/", so it also opens the owner.
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "execute-api:Invoke",
                            Resource: "arn:aws:execute-api:us-west-2:123456789012:*/prod/GET/pets/*",
                        },
                    ],
                }),
            },
        ),
        // Its public operation is listed, so only the resource policy is left to refuse.
        config: {
            [POLICY.methodsRequireIam]: { publicOperations: [{ restApi: "raw-api", operations: ["GET /pets/{id}"] }] },
        },
        says: /REST API "raw-api": Resource policy statement 0 allows everyone \("\*"\) to invoke GET \/pets\/\{id\}\/owner, which requires AWS_IAM/,
    },
    {
        name: "a resource policy fit for its body, beside an aws.apigateway.Method it would open",
        policy: POLICY.resourcePolicyCoversAddedMethods,
        level: "mandatory",
        program: besideAddedMethod(EVERYONE_EVERYWHERE),
        config: {
            [POLICY.methodsRequireIam]: { publicOperations: [{ restApi: "mixed-api", operations: ["GET /health"] }] },
        },
        says: /REST API "mixed-api": Resource policy statement 0 allows everyone \("\*"\) to invoke ANY \/.*which require.* AWS_IAM.*this stack also adds methods to REST APIs with "admin-get"/,
    },
    {
        name: "an identity policy on execute-api:*",
        policy: POLICY.invokeNotAccountWide,
        level: "advisory",
        program: () =>
            void new aws.iam.Policy("callers", {
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "execute-api:*", Resource: "*" }],
                }),
            }),
        says: /"callers": Policy statement 0 allows execute-api:Invoke on \*: every API of every account.*Fix: scope it to one API's stage/,
    },
    {
        name: "AmazonAPIGatewayInvokeFullAccess attached",
        policy: POLICY.noInvokeFullAccess,
        level: "advisory",
        program: () =>
            void new aws.iam.RolePolicyAttachment("callers", {
                role: "callers",
                policyArn: "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess",
            }),
        says: /"callers" attaches AWS's AmazonAPIGatewayInvokeFullAccess.*Fix:/,
    },
    {
        name: "an IAM access key",
        policy: POLICY.noAccessKeys,
        level: "advisory",
        program: () => void new aws.iam.AccessKey("caller-key", { user: "caller" }),
        says: /IAM access key "caller-key" is a long-lived credential.*Security Hub IAM\.3.*Fix:/,
    },
    {
        name: "a stage without access logs or throttling",
        policy: POLICY.stagesLoggedAndThrottled,
        level: "advisory",
        program: () =>
            void new aws.apigateway.Stage("prod", { restApi: "abc123", deployment: "d1", stageName: "prod" }),
        says: /Stage "prod" \("prod"\) (has no access logs|is not throttled).*Fix:/,
    },
];

describe("the policy pack: seeded programs fail with their policy's name", () => {
    for (const seeded of SEEDED) {
        it(`${seeded.name}: ${seeded.level} ${seeded.policy}, and nothing without that policy`, async () => {
            const diagnostics = await verdictOn(seeded.program, { config: seeded.config });
            const own = diagnostics.filter((d) => d.policyName === seeded.policy);
            expect(levels(own), JSON.stringify(diagnostics, null, 1)).to.include(`${seeded.level} ${seeded.policy}`);
            expect(own.map((d) => d.message).join("\n")).to.match(seeded.says);
            // With the policy removed the program passes: the test proves that policy, no other.
            const without = await verdictOn(seeded.program, { config: seeded.config, without: seeded.policy });
            expect(levels(without).filter((l) => l.startsWith("mandatory"))).to.deep.equal([]);
            expect(without.some((d) => seeded.says.test(d.message))).to.equal(false);
        });
    }

    it("reads the resource types the programs register (the pack names them without loading @pulumi/aws)", () => {
        const classes: Record<keyof typeof TYPES, unknown> = {
            restApi: aws.apigateway.RestApi,
            restApiPut: aws.apigateway.RestApiPut,
            restApiPolicy: aws.apigateway.RestApiPolicy,
            method: aws.apigateway.Method,
            stage: aws.apigateway.Stage,
            methodSettings: aws.apigateway.MethodSettings,
            accessKey: aws.iam.AccessKey,
            policy: aws.iam.Policy,
            rolePolicy: aws.iam.RolePolicy,
            userPolicy: aws.iam.UserPolicy,
            groupPolicy: aws.iam.GroupPolicy,
            role: aws.iam.Role,
            rolePolicyAttachment: aws.iam.RolePolicyAttachment,
            userPolicyAttachment: aws.iam.UserPolicyAttachment,
            groupPolicyAttachment: aws.iam.GroupPolicyAttachment,
            policyAttachment: aws.iam.PolicyAttachment,
        };
        for (const [key, cls] of Object.entries(classes))
            expect((cls as { __pulumiType: string }).__pulumiType, key).to.equal(TYPES[key as keyof typeof TYPES]);
    });
});

describe("the policy pack reads every way @pulumi/aws writes a REST API's methods or policy", () => {
    // Private custom domains' own policies are not judged: the pack's rules are about REST APIs.
    const NOT_READ = new Map([["DomainName", "a private custom domain's policy (docs/policy-pack.md)"]]);

    it("each aws.apigateway resource with a body, an authorization or a policy argument is one the pack reads", () => {
        const dir = path.dirname(require.resolve("@pulumi/aws/apigateway/restApi"));
        const writers = fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".d.ts"))
            .flatMap((file) => {
                const args = /export interface (\w+)Args \{([\s\S]*?)\n\}/.exec(
                    fs.readFileSync(path.join(dir, file), "utf8"),
                );
                return args && /^ {4}(body|authorization|policy)\??:/m.test(args[2]) ? [args[1]] : [];
            });
        expect(writers, "the scan reads @pulumi/aws's declarations").to.include.members(["RestApi", "Method"]);
        const read = new Set<string>(Object.values(TYPES));
        const classes = aws.apigateway as unknown as Record<string, { __pulumiType: string }>;
        const unread = writers.filter((name) => !NOT_READ.has(name) && !read.has(classes[name].__pulumiType));
        expect(unread, "add each to the pack's TYPES and its rules, or to NOT_READ with why").to.deep.equal([]);
    });
});

describe("a REST API's resource policy beside methods the stack adds to REST APIs", () => {
    const listed = {
        [POLICY.methodsRequireIam]: { publicOperations: [{ restApi: "mixed-api", operations: ["GET /health"] }] },
    };
    const mandatory = async (program: () => void) =>
        levels(await verdictOn(program, { config: listed })).filter((l) => l.startsWith("mandatory"));

    it("passes without an added method, and with the Allow limited to unauthenticated callers", async () => {
        expect(await mandatory(besideAddedMethod(EVERYONE_EVERYWHERE, false))).to.deep.equal([]);
        const unauthenticatedOnly = { ...EVERYONE_EVERYWHERE, Condition: { Null: { "aws:PrincipalAccount": "true" } } };
        expect(await mandatory(besideAddedMethod(unauthenticatedOnly))).to.deep.equal([]);
    });

    it("at preview too, with the API's id unknown", async () => {
        const diagnostics = await verdictOn(besideAddedMethod(EVERYONE_EVERYWHERE), { config: listed, preview: true });
        expect(levels(diagnostics)).to.include(`mandatory ${POLICY.resourcePolicyCoversAddedMethods}`);
    });
});

describe("a REST API imported under a base path (parameters.basepath): its routes are not its body's paths", () => {
    const underV1 = (parameters?: Record<string, string>) => () => {
        const body = openApi3(
            {
                "/health": { get: operation({ "x-amazon-apigateway-auth": { type: "NONE" } }) },
                "/admin": { get: operation(IAM) },
            },
            { servers: [{ url: "https://api.example.com/v1" }] },
        );
        // Written for the routes API Gateway makes under /v1; the body's own paths have no /v1.
        const statement = { ...EVERYONE_EVERYWHERE, Resource: "execute-api:/*/GET/v1/*" };
        new aws.apigateway.RestApi("based", {
            name: "based-api",
            body: JSON.stringify(body),
            parameters,
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
        });
    };
    const config = {
        [POLICY.methodsRequireIam]: { publicOperations: [{ restApi: "based-api", operations: ["GET /health"] }] },
    };
    const messages = async (program: () => void) =>
        (await verdictOn(program, { config }))
            .filter((d) => d.policyName === POLICY.resourcePolicyScoped)
            .map((d) => d.message);

    it("judges its policy with every operation as AWS_IAM besides the body's, for prepend and split", async () => {
        for (const basepath of ["prepend", "split"])
            expect((await messages(underV1({ basepath }))).join("\n"), basepath).to.match(
                /imported with parameters\.basepath "(prepend|split)".*allows everyone \("\*"\) to invoke/,
            );
    });

    it("reads the body's paths as the routes when the base path is ignored (the default)", async () => {
        for (const program of [underV1(), underV1({ basepath: "ignore" })])
            expect((await messages(program)).join("\n")).not.to.match(/allows everyone/);
    });
});

describe("the policy pack's configuration: public operations per API, accepted authorizers", () => {
    const open = restApi(
        openApi3(
            { "/health": { get: operation() }, "/pets": { get: operation(IAM) } },
            { info: { title: "t", version: "1" } },
        ),
        { tags: { exposure: "public" } },
    );
    const config = (properties: Record<string, unknown>) => ({ [POLICY.methodsRequireIam]: properties });

    it("lists an API's public operations by its name, or by a tag it carries", async () => {
        expect(levels(await verdictOn(open))).to.include(M);
        for (const entry of [
            { restApi: "raw-api", operations: ["GET /health"] },
            { tags: { exposure: "public" }, operations: ["get /health"] },
        ])
            expect(levels(await verdictOn(open, { config: config({ publicOperations: [entry] }) }))).to.not.include(M);
    });

    it("a listing for another API, tag value or operation leaves the method refused", async () => {
        for (const entry of [
            { restApi: "other-api", operations: ["GET /health"] },
            { tags: { exposure: "internal" }, operations: ["GET /health"] },
            { restApi: "raw-api", tags: { exposure: "internal" }, operations: ["GET /health"] },
            { restApi: "raw-api", operations: ["POST /health"] },
        ]) {
            const diagnostics = await verdictOn(open, { config: config({ publicOperations: [entry] }) });
            expect(diagnostics.map((d) => d.message).join("\n"), JSON.stringify(entry)).to.match(
                /REST API "raw-api": GET \/health has no authorization/,
            );
        }
    });

    it("a listing under the API's name in another case, or its resource name, says so; the name it gives passes", async () => {
        for (const misnamed of ["RAW-API", "raw"]) {
            const entry = { restApi: misnamed, operations: ["GET /health"] };
            const message = (await verdictOn(open, { config: config({ publicOperations: [entry] }) }))
                .map((d) => d.message)
                .join("\n");
            expect(message).to.include(
                `the configuration lists GET /health for restApi "${misnamed}", which is not this API's name "raw-api"`,
            );
            const named = /write "([^"]+)" there/.exec(message)?.[1];
            const fixed = { ...entry, restApi: named };
            expect(levels(await verdictOn(open, { config: config({ publicOperations: [fixed] }) }))).to.not.include(M);
        }
        const other = await verdictOn(open, {
            config: config({ publicOperations: [{ restApi: "other-api", operations: ["GET /health"] }] }),
        });
        expect(other.map((d) => d.message).join("\n")).not.to.include("the configuration lists");
    });

    it("accepts a Lambda or Cognito authorizer only when configured to", async () => {
        const lambda = SEEDED.find((s) => s.name === "a body with a Lambda authorizer")!.program;
        expect(levels(await verdictOn(lambda, { config: config({ acceptCognitoAuthorizers: true }) }))).to.include(M);
        expect(levels(await verdictOn(lambda, { config: config({ acceptLambdaAuthorizers: true }) }))).to.not.include(
            M,
        );
        const cognitoMethod = () =>
            void new aws.apigateway.Method("m", {
                restApi: "abc123",
                resourceId: "r1",
                httpMethod: "GET",
                authorization: "COGNITO_USER_POOLS",
                authorizerId: "a1",
            });
        expect(levels(await verdictOn(cognitoMethod))).to.include(M);
        expect(
            levels(await verdictOn(cognitoMethod, { config: config({ acceptCognitoAuthorizers: true }) })),
        ).to.not.include(M);
    });

    it("lists a public aws.apigateway.Method by its resource name", async () => {
        const method = SEEDED[0].program;
        expect(levels(await verdictOn(method, { config: config({ publicMethods: ["items-get"] }) }))).to.not.include(M);
        expect(levels(await verdictOn(method, { config: config({ publicMethods: ["items-post"] }) }))).to.include(M);
    });

    it("refuses a configuration that could never match, naming the entry and the fix", async () => {
        for (const [publicOperations, says] of [
            [[{ operations: ["GET /health"] }], /publicOperations\[0\] names no API: give restApi/],
            [[{ restApi: "raw-api", operations: ["/health"] }], /operations entry "\/health" is not "VERB \/path"/],
        ] as const) {
            const failure = await verdictOn(open, { config: config({ publicOperations }) }).then(
                () => "passed",
                (e: Error) => e.message,
            );
            expect(failure).to.match(says);
        }
    });

    it("honours a configured enforcement level, as --policy-pack-config does", async () => {
        const lowered = { [POLICY.methodsRequireIam]: { enforcementLevel: "advisory" as const } };
        expect(levels(await verdictOn(open, { config: lowered }))).to.include(`advisory ${POLICY.methodsRequireIam}`);
        const disabled = { [POLICY.methodsRequireIam]: "disabled" as const };
        expect(levels(await verdictOn(open, { config: disabled }))).to.not.include(M);
    });
});

describe("the policy pack with values only pulumi up knows (the SDK's unknown-checking proxy)", () => {
    // The body waits on a function's ARN, as @pulumi/aws-apigateway and SecuredRestApi's lambdaIntegrations write it.
    const openBehindUnknown = () => {
        const fn = new aws.lambda.Function("fn", { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs22.x" });
        new aws.apigateway.RestApi("raw", {
            name: "raw-api",
            body: fn.arn.apply((arn) =>
                JSON.stringify(
                    openApi3({ "/open": { get: operation({ "x-amazon-apigateway-integration": { uri: arn } }) } }),
                ),
            ),
        });
    };

    it("at preview, a body it cannot read is reported (advisory, the SDK's words), never passed nor refused", async () => {
        const diagnostics = await verdictOn(openBehindUnknown, { preview: true });
        const own = diagnostics.filter((d) => d.policyName === POLICY.methodsRequireIam);
        expect(levels(own)).to.deep.equal([`advisory ${POLICY.methodsRequireIam}`]);
        expect(own[0].message).to.equal(
            `can't run policy '${POLICY.methodsRequireIam}' from policy pack 'secured-rest-api-guard@v0.1.0' during preview: string value at .body can't be known during preview`,
        );
        expect(levels(diagnostics).filter((l) => l.startsWith("mandatory"))).to.deep.equal([]);
    });

    it("at up, the same body is known and the open method is refused before the API is created", async () => {
        expect(levels(await verdictOn(openBehindUnknown))).to.include(M);
    });

    it("an API whose every method is IAM never needs its unknown tags", async () => {
        const program = () => {
            const fn = new aws.lambda.Function("fn", {
                role: "arn:aws:iam::123456789012:role/r",
                runtime: "nodejs22.x",
            });
            new aws.apigateway.RestApi("raw", {
                name: "raw-api",
                body: JSON.stringify(openApi3({ "/pets": { get: operation(IAM) } })),
                tags: { owner: fn.arn },
            });
        };
        const config = {
            [POLICY.methodsRequireIam]: { publicOperations: [{ tags: { a: "b" }, operations: ["GET /x"] }] },
        };
        expect(await verdictOn(program, { preview: true, config })).to.deep.equal([]);
    });
});

describe("the example program and examples/ pass the pack (no mandatory violation), at preview and at up", () => {
    const mandatory = (d: PolicyDiagnostic[]) => d.filter((x) => x.enforcementLevel === "mandatory");
    for (const [projectDir, program, stack, configFile] of [
        [PROJECT_DIR, "index.ts", "test", undefined],
        [PROJECT_DIR, "examples/lambda/index.ts", "test", undefined],
        [path.join(PROJECT_DIR, "examples/consumer"), "index.ts", "dev", "policy-pack-config.json"],
    ] as const)
        for (const preview of [true, false])
            it(`${path.relative(PROJECT_DIR, path.join(projectDir, program))} at ${preview ? "preview" : "up"}`, async () => {
                const run = await runProgramLocally({ projectDir, program, stack, preview, typeCheck: false });
                const config = configFile && readPolicyPackConfig(path.join(projectDir, configFile));
                const diagnostics = await evaluatePolicyPack(run.mocks.registrations, { preview, config });
                expect(mandatory(diagnostics), JSON.stringify(diagnostics, null, 1)).to.deep.equal([]);
                if (configFile !== undefined && !preview) {
                    // Its public preflight is what the configuration lists: without it, the pack refuses it.
                    const bare = await evaluatePolicyPack(run.mocks.registrations);
                    expect(
                        mandatory(bare)
                            .map((d) => d.message)
                            .join("\n"),
                    ).to.match(/OPTIONS \/orders/);
                }
            });

    it("SecuredRestApi's own outputs satisfy every rule but the advisories it documents", async () => {
        const run = await runProgramLocally({ projectDir: PROJECT_DIR, typeCheck: false });
        const policies = new Set((await evaluatePolicyPack(run.mocks.registrations)).map((d) => d.policyName));
        expect([...policies].sort()).to.deep.equal([POLICY.noAccessKeys, POLICY.stagesLoggedAndThrottled].sort());
        expect(pulumi.getStack()).to.equal("test");
    });
});
