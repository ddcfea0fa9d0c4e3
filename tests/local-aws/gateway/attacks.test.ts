import { expect } from "chai";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { amzDate, Credentials, presignedTarget, RawAnswer, rawRequest, signedHeaders } from "../../helpers/rawHttp";
import { TRANSPILED } from "../../helpers/localAws";
import { PROJECT_DIR } from "../../helpers/specs";

const MISSING_TOKEN = '{"message":"Missing Authentication Token"}';
const MISMATCH = "The request signature we calculated does not match the signature you provided.";

/** Every refusal: 403, JSON, the error type, a request id, and never a 2xx or 5xx. */
function expectRefusal(answer: RawAnswer, errorType: string, body?: string | RegExp): void {
    expect(answer.status, answer.body).to.equal(403);
    expect(answer.headers["x-amzn-errortype"]).to.equal(errorType);
    expect(answer.headers["content-type"]).to.equal("application/json");
    expect(answer.headers["x-amzn-requestid"]).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    if (typeof body === "string") expect(answer.body).to.equal(body);
    else if (body) expect(answer.body).to.match(body);
}

function message(answer: RawAnswer): string {
    const parsed = JSON.parse(answer.body) as { message?: string; Message?: string };
    return parsed.message ?? parsed.Message ?? "";
}

describe("attack suite against the local gateway (every answer as documented, never 2xx or 5xx)", () => {
    let local: LocalMode;
    let port: number;
    let host: string;
    let region: string;
    let stagePath: string;
    let owner: Credentials;
    let outsider: Credentials & { arn: string };
    let denied: Credentials & { arn: string };
    let restApiId: string;

    const send = (method: string, target: string, headers: [string, string][], body?: string) =>
        rawRequest(port, { method, target, headers, body });
    const signed = (
        method: string,
        target: string,
        extra: Record<string, string> = {},
        body?: string,
        who: Credentials = owner,
    ) => signedHeaders(host, region, who, { method, target, headers: extra, body });
    /** Replaces the value of one header line (case-insensitively by name). */
    const withHeader = (headers: [string, string][], name: string, value: string): [string, string][] =>
        headers.map(([n, v]) => (n.toLowerCase() === name.toLowerCase() ? [n, value] : [n, v]));
    const authorization = (headers: [string, string][]) =>
        headers.find(([n]) => n.toLowerCase() === "authorization")![1];

    async function newUser(name: string, groups: string[], denyAll: boolean): Promise<Credentials & { arn: string }> {
        const user = await local.account.provision("aws:iam/user:User", name, {});
        if (groups.length > 0)
            await local.account.provision("aws:iam/userGroupMembership:UserGroupMembership", name, {
                user: user.id,
                groups,
            });
        if (denyAll) {
            const policy = {
                Version: "2012-10-17",
                Statement: [{ Effect: "Deny", Action: "execute-api:Invoke", Resource: "*" }],
            };
            await local.account.provision("aws:iam/userPolicy:UserPolicy", name, {
                user: user.id,
                policy: JSON.stringify(policy),
            });
        }
        const key = await local.account.provision("aws:iam/accessKey:AccessKey", name, { user: user.id });
        return { accessKeyId: key.id, secretAccessKey: String(key.state.secret), arn: String(user.state.arn) };
    }

    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, ...TRANSPILED });
        const o = outputsAsJson(local.outputs) as Record<string, string>;
        const url = new URL(o.invokeUrl);
        port = Number(url.port);
        host = url.host;
        region = o.region;
        stagePath = url.pathname;
        restApiId = o.restApiId;
        owner = { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey };
        const group = [...local.account.groups.keys()][0];
        outsider = await newUser("outsider", [], false);
        denied = await newUser("denied", [group], true);
    });
    after(() => local.close());

    it("control: a correctly signed request gets the data", async () => {
        const answer = await send("GET", `${stagePath}/pets`, signed("GET", `${stagePath}/pets`));
        expect(answer.status).to.equal(200);
        expect(JSON.parse(answer.body)).to.have.length(3);
    });

    it("an IAM change takes effect on the next request: nothing about a caller is kept across account changes", async () => {
        const late = await newUser("late", [], false);
        const userName = late.arn.split("/").pop()!;
        const get = () => send("GET", `${stagePath}/pets`, signed("GET", `${stagePath}/pets`, {}, undefined, late));
        expect((await get()).status).to.equal(403);
        const group = [...local.account.groups.keys()][0];
        await local.account.provision("aws:iam/userGroupMembership:UserGroupMembership", "late", {
            user: userName,
            groups: [group],
        });
        expect((await get()).status).to.equal(200);
        await local.account.provision("aws:iam/userPolicy:UserPolicy", "late", {
            user: userName,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Deny", Action: "execute-api:Invoke", Resource: "*" }],
            }),
        });
        const denied = await get();
        expect(denied.status).to.equal(403);
        expect(denied.body).to.include("with an explicit deny");
    });

    describe("no or malformed Authorization", () => {
        it("no auth at all", async () => {
            expectRefusal(
                await send("GET", `${stagePath}/pets`, [["Host", host]]),
                "MissingAuthenticationTokenException",
                MISSING_TOKEN,
            );
        });

        it("garbage: a scheme and a token without '='", async () => {
            const answer = await send("GET", `${stagePath}/pets`, [
                ["Host", host],
                ["Authorization", "Bearer abc"],
            ]);
            expectRefusal(
                answer,
                "IncompleteSignatureException",
                JSON.stringify({
                    message:
                        "'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'.",
                }),
            );
        });

        it("garbage: one word, and no date header", async () => {
            const answer = await send("GET", `${stagePath}/pets`, [
                ["Host", host],
                ["Authorization", "garbage"],
            ]);
            const sentences = [
                "Authorization header requires 'Credential' parameter.",
                "Authorization header requires 'Signature' parameter.",
                "Authorization header requires 'SignedHeaders' parameter.",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
            ];
            expectRefusal(
                answer,
                "IncompleteSignatureException",
                JSON.stringify({ message: `${sentences.join(" ")} Authorization=garbage` }),
            );
        });

        it("partial: a Credential only, naming just the missing parts", async () => {
            const header = `AWS4-HMAC-SHA256 Credential=${owner.accessKeyId}/20250101/${region}/execute-api/aws4_request`;
            const answer = await send("GET", `${stagePath}/pets`, [
                ["Host", host],
                ["X-Amz-Date", amzDate()],
                ["Authorization", header],
            ]);
            const expected = `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${header}`;
            expectRefusal(answer, "IncompleteSignatureException", JSON.stringify({ message: expected }));
            expect(answer.body).not.to.include(owner.secretAccessKey);
        });

        it("duplicated: two copies of a valid Authorization header", async () => {
            const headers = signed("GET", `${stagePath}/pets`);
            const answer = await send("GET", `${stagePath}/pets`, [
                ...headers,
                ["Authorization", authorization(headers)],
            ]);
            expectRefusal(
                answer,
                "IncompleteSignatureException",
                /not a valid key=value pair \(missing equal-sign\) in Authorization header/,
            );
        });
    });

    describe("each signed part altered after signing", () => {
        const target = () => `${stagePath}/pets?type=cat&page=1`;
        const expectMismatch = (answer: RawAnswer) => {
            expectRefusal(answer, "InvalidSignatureException");
            expect(message(answer)).to.match(
                /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'[^]*'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/[a-z0-9-]+\/execute-api\/aws4_request\n[0-9a-f]{64}'\n$/,
            );
        };

        it("method", async () => {
            expectMismatch(await send("POST", `${stagePath}/pets`, signed("GET", `${stagePath}/pets`)));
        });
        it("path", async () => {
            expectMismatch(await send("GET", `${stagePath}/pets/2`, signed("GET", `${stagePath}/pets/1`)));
        });
        it("every query name and value", async () => {
            const headers = signed("GET", target());
            for (const changed of [
                "type=dog&page=1",
                "kind=cat&page=1",
                "type=cat&page=2",
                "type=cat&pages=1",
                "type=cat",
                "type=cat&page=1&extra=1",
            ]) {
                expectMismatch(await send("GET", `${stagePath}/pets?${changed}`, headers));
            }
        });
        it("host (changed to the API's other name, so it still reaches the API)", async () => {
            const awsName = `${restApiId}.execute-api.${region}.amazonaws.com`;
            expectMismatch(await send("GET", target(), withHeader(signed("GET", target()), "host", awsName)));
        });
        it("x-amz-date (one second later)", async () => {
            const headers = signed("GET", target());
            const date = headers.find(([n]) => n.toLowerCase() === "x-amz-date")![1];
            const later = amzDate(
                new Date(
                    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13)}`,
                ).getTime() -
                    Date.now() +
                    1000,
            );
            expectMismatch(await send("GET", target(), withHeader(headers, "x-amz-date", later)));
        });
        it("body", async () => {
            const body = JSON.stringify({ type: "cat", price: 1 });
            const headers = signed("POST", `${stagePath}/pets`, { "Content-Type": "application/json" }, body);
            expectMismatch(await send("POST", `${stagePath}/pets`, headers, body.replace("1", "2")));
        });
        it("a signed header's value", async () => {
            const body = JSON.stringify({ type: "cat", price: 1 });
            const headers = signed("POST", `${stagePath}/pets`, { "Content-Type": "application/json" }, body);
            expectMismatch(
                await send(
                    "POST",
                    `${stagePath}/pets`,
                    withHeader(headers, "content-type", "application/json; charset=utf-8"),
                    body,
                ),
            );
        });
        it("the SignedHeaders list", async () => {
            const headers = signed("POST", `${stagePath}/pets`, { "Content-Type": "application/json" }, "{}");
            const shortened = authorization(headers).replace(
                "SignedHeaders=content-length;content-type;host;x-amz-date",
                "SignedHeaders=host;x-amz-date",
            );
            expect(shortened).not.to.equal(authorization(headers));
            expectMismatch(
                await send("POST", `${stagePath}/pets`, withHeader(headers, "authorization", shortened), "{}"),
            );
        });
        it("the credential scope's date", async () => {
            const headers = signed("GET", target());
            const scopeDate = /Credential=[^/]+\/(\d{8})\//.exec(authorization(headers))![1];
            const other = scopeDate === "20200101" ? "20200102" : "20200101";
            const answer = await send(
                "GET",
                target(),
                withHeader(headers, "authorization", authorization(headers).replace(`/${scopeDate}/`, `/${other}/`)),
            );
            expectRefusal(
                answer,
                "InvalidSignatureException",
                /Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP/,
            );
        });
        it("the credential scope's region", async () => {
            const headers = signedHeaders(host, "us-east-1", owner, { method: "GET", target: target() });
            expectRefusal(
                await send("GET", target(), headers),
                "InvalidSignatureException",
                JSON.stringify({ message: "Credential should be scoped to a valid region. " }),
            );
        });
        it("the credential scope's service", async () => {
            const headers = signed("GET", target());
            const answer = await send(
                "GET",
                target(),
                withHeader(headers, "authorization", authorization(headers).replace("/execute-api/", "/s3/")),
            );
            expectRefusal(
                answer,
                "InvalidSignatureException",
                JSON.stringify({ message: "Credential should be scoped to correct service: 'execute-api'. " }),
            );
        });
    });

    describe("time", () => {
        it("a replay older than 5 minutes", async () => {
            const answer = await send(
                "GET",
                `${stagePath}/pets`,
                signed("GET", `${stagePath}/pets`, { "X-Amz-Date": amzDate(-6 * 60 * 1000) }),
            );
            expectRefusal(
                answer,
                "InvalidSignatureException",
                /^\{"message":"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)"\}$/,
            );
        });
        it("a date more than 5 minutes in the future", async () => {
            const answer = await send(
                "GET",
                `${stagePath}/pets`,
                signed("GET", `${stagePath}/pets`, { "X-Amz-Date": amzDate(6 * 60 * 1000) }),
            );
            expectRefusal(
                answer,
                "InvalidSignatureException",
                /^\{"message":"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)"\}$/,
            );
        });
        it("host not signed", async () => {
            const headers = signed("GET", `${stagePath}/pets`);
            const answer = await send(
                "GET",
                `${stagePath}/pets`,
                withHeader(
                    headers,
                    "authorization",
                    authorization(headers).replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date"),
                ),
            );
            expectRefusal(
                answer,
                "InvalidSignatureException",
                JSON.stringify({
                    message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
                }),
            );
        });
    });

    describe("path tricks never reach another route's integration", () => {
        const tricks = () => [
            `${stagePath}/pets/..`,
            `${stagePath}/pets/../pets/1`,
            `${stagePath}/pets/./1`,
            `${stagePath}//pets`,
            `${stagePath}/pets//1`,
            `${stagePath}/pets/%2e%2e`,
            `${stagePath}/pets/%2E%2E/`,
            `${stagePath}/pets%2F1`,
            `${stagePath}/%2Fpets`,
            `${stagePath}/PETS`,
            `${stagePath.toUpperCase()}/pets`,
            `${stagePath}/pets/`,
            `${stagePath}/pets/1/`,
            `${stagePath}/${"a/".repeat(1500)}pets`,
            `${stagePath}/pets/%`,
        ];
        it("unsigned and signed, each is 403 Missing Authentication Token", async () => {
            for (const trick of tricks()) {
                expectRefusal(
                    await send("GET", trick, [["Host", host]]),
                    "MissingAuthenticationTokenException",
                    MISSING_TOKEN,
                );
                expectRefusal(
                    await send("GET", trick, signed("GET", trick)),
                    "MissingAuthenticationTokenException",
                    MISSING_TOKEN,
                );
            }
        });
    });

    describe("methods", () => {
        it("X-HTTP-Method-Override re-aims the method (as API Gateway documents), only when signed", async () => {
            // Signed: routed and authorized as the override names, so DELETE /pets, which is not defined.
            const reaimed = signed("GET", `${stagePath}/pets`, { "X-HTTP-Method-Override": "DELETE" });
            expectRefusal(
                await send("GET", `${stagePath}/pets`, reaimed),
                "MissingAuthenticationTokenException",
                MISSING_TOKEN,
            );
            const toPost = signed("GET", `${stagePath}/pets`, { "X-HTTP-Method-Override": "POST" });
            expect((await send("GET", `${stagePath}/pets`, toPost)).status).to.equal(201);
            // Added to a captured signature, it would change what the caller signed: refused.
            const added = [...signed("GET", `${stagePath}/pets`), ["X-HTTP-Method-Override", "POST"]] as [
                string,
                string,
            ][];
            const refused = await send("GET", `${stagePath}/pets`, added);
            expectRefusal(refused, "InvalidSignatureException");
            expect(message(refused)).to.equal(
                "'X-HTTP-Method-Override' must be a 'SignedHeader' in the AWS Authorization.",
            );
            // Headers API Gateway does not document are only headers.
            for (const name of ["X-HTTP-Method", "X-Method-Override"]) {
                const answer = await send("GET", `${stagePath}/pets`, [
                    ...signed("GET", `${stagePath}/pets`),
                    [name, "DELETE"],
                ]);
                expect(answer.status).to.equal(200);
                expect(JSON.parse(answer.body)).to.have.length(3);
            }
            expectRefusal(
                await send(
                    "POST",
                    `${stagePath}/pets`,
                    [
                        ["Host", host],
                        ["X-HTTP-Method-Override", "GET"],
                    ],
                    "{}",
                ),
                "MissingAuthenticationTokenException",
                MISSING_TOKEN,
            );
        });
        it("HEAD and OPTIONS on secured routes (not defined, so signed or not: 403)", async () => {
            for (const method of ["HEAD", "OPTIONS"]) {
                for (const headers of [[["Host", host]] as [string, string][], signed(method, `${stagePath}/pets`)]) {
                    const answer = await send(method, `${stagePath}/pets`, headers);
                    expect(answer.status).to.equal(403);
                    expect(answer.headers["x-amzn-errortype"]).to.equal("MissingAuthenticationTokenException");
                    if (method === "OPTIONS") expect(answer.body).to.equal(MISSING_TOKEN);
                }
            }
        });
    });

    describe("identities", () => {
        it("a valid key of a user outside the group", async () => {
            const answer = await send(
                "GET",
                `${stagePath}/pets/1`,
                signed("GET", `${stagePath}/pets/1`, {}, undefined, outsider),
            );
            const resource = `arn:aws:execute-api:${region}:********9012:${restApiId}/test/GET/pets/1`;
            expectRefusal(
                answer,
                "AccessDeniedException",
                JSON.stringify({
                    Message: `User: ${outsider.arn} is not authorized to perform: execute-api:Invoke on resource: ${resource}`,
                }),
            );
        });
        it("a user in the group with an explicit Deny", async () => {
            const answer = await send(
                "GET",
                `${stagePath}/pets`,
                signed("GET", `${stagePath}/pets`, {}, undefined, denied),
            );
            const resource = `arn:aws:execute-api:${region}:********9012:${restApiId}/test/GET/pets`;
            expectRefusal(
                answer,
                "AccessDeniedException",
                JSON.stringify({
                    Message: `User: ${denied.arn} is not authorized to perform: execute-api:Invoke on resource: ${resource} with an explicit deny`,
                }),
            );
        });
    });

    describe("query-string (presigned) signatures (API Gateway's handling inferred from SigV4's rules)", () => {
        it("a valid presigned URL is accepted", async () => {
            const answer = await send("GET", presignedTarget(host, region, owner, "GET", `${stagePath}/pets/3`), [
                ["Host", host],
            ]);
            expect(answer.status).to.equal(200);
            expect(JSON.parse(answer.body)).to.deep.equal({ id: 3, type: "fish", price: 0.99 });
        });
        it("a presigned URL whose path or query was changed is refused", async () => {
            const presigned = presignedTarget(host, region, owner, "GET", `${stagePath}/pets/3`);
            const answer = await send("GET", presigned.replace("/pets/3", "/pets/2"), [["Host", host]]);
            expectRefusal(answer, "InvalidSignatureException");
            expect(message(answer)).to.match(new RegExp(`^${MISMATCH.replace(/\./g, "\\.")}`));
            expectRefusal(await send("GET", `${presigned}&type=dog`, [["Host", host]]), "InvalidSignatureException");
        });
        it("an expired presigned URL is refused", async () => {
            const old = presignedTarget(host, region, owner, "GET", `${stagePath}/pets/3`).replace(
                /X-Amz-Date=\d{8}T\d{6}Z/,
                `X-Amz-Date=${amzDate(-3600 * 1000)}`,
            );
            const answer = await send("GET", old.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=60"), [["Host", host]]);
            expectRefusal(answer, "InvalidSignatureException");
        });
    });
});
