import * as http from "http";
import { expect } from "chai";
import * as fc from "fast-check";
import { SecuredRestApi } from "../../../components";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { clientOutputs } from "../../helpers/localAws";
import { signedHeaders } from "../../helpers/rawHttp";
import { TRANSPILED } from "../../helpers/localAws";
import { PETSTORE_OPENAPI, PROJECT_DIR } from "../../helpers/specs";

const RUNS = 10_000;
const SEED = 20261121;
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

type Mode = "valid" | "unsigned" | "garbage" | "wrongSecret" | "unknownKey" | "mutated";

/** Paths the resource policy denies, as decoded once: no spelling of them may ever get a 2xx. */
const DENIED = new Set(["/pets/2", "/pets/3"]);
const denyStatement = (sid: string, resource: string) => ({
    Sid: sid,
    Effect: "Deny" as const,
    Principal: { AWS: ["*"] },
    Action: ["execute-api:Invoke"],
    Resource: [resource],
});

/** The pet store behind a resource policy whose Denies the generated spellings try to slip past. */
function program(): Record<string, unknown> {
    const api = new SecuredRestApi("fuzz", {
        openApiSpec: PETSTORE_OPENAPI,
        resourcePolicy: [
            denyStatement("DenyPetTwo", "execute-api:/*/GET/pets/2"),
            denyStatement("DenyPetThree", "execute-api:/*/*/pets/3"),
        ],
    });
    return clientOutputs(api);
}

/** A path with each character percent-encoded or not, hex digits in either case, as the generator picked. */
function spell(path: string, picks: readonly number[]): string {
    return [...path]
        .map((ch, i) => {
            const pick = picks[i % picks.length];
            if (ch === "/" || pick < 2) return ch;
            const hex = ch.charCodeAt(0).toString(16).padStart(2, "0");
            return `%${pick === 2 ? hex.toUpperCase() : hex.toLowerCase()}`;
        })
        .join("");
}
type Mutation = "method" | "path" | "query" | "date" | "body" | "host" | "signature";

interface Case {
    mode: Mode;
    mutation: Mutation;
    method: string;
    path: string;
    query: [string, string][];
    body: string;
    contentType: string;
    garbage: string;
    shiftSeconds: number;
    flipAt: number;
}

const segment = fc.oneof(
    fc.constantFrom("pets", "1", "2", "3", "42", "..", ".", "", "%2e%2e", "%2F", "PETS", "%00", "%", "~", "pets;x"),
    fc.stringMatching(/^[A-Za-z0-9._~%-]{1,12}$/),
);
const arbitraryCase: fc.Arbitrary<Case> = fc.record({
    mode: fc.constantFrom<Mode>("valid", "unsigned", "garbage", "wrongSecret", "unknownKey", "mutated", "mutated"),
    mutation: fc.constantFrom<Mutation>("method", "path", "query", "date", "body", "host", "signature"),
    method: fc.constantFrom(...METHODS),
    path: fc.oneof(
        fc.constantFrom("/", "/pets", "/pets/1", "/pets/2", "/pets/3", "/pets/9"),
        {
            // The denied paths and their neighbours, with characters encoded at random.
            weight: 3,
            arbitrary: fc
                .tuple(
                    fc.constantFrom("/pets/2", "/pets/3", "/pets/1", "/pets"),
                    fc.array(fc.nat(3), { minLength: 1, maxLength: 8 }),
                )
                .map(([path, picks]) => spell(path, picks)),
        },
        fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join("/")}`),
    ),
    query: fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.stringMatching(/^[A-Za-z0-9%+]{0,6}$/)), {
        maxLength: 3,
    }),
    body: fc.oneof(fc.constant(""), fc.json(), fc.string({ maxLength: 40 })),
    contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
    garbage: fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
    shiftSeconds: fc.integer({ min: 1, max: 900 }).chain((n) => fc.constantFrom(n, -n)),
    flipAt: fc.nat(63),
});

describe("property: no unsigned or mis-signed request ever gets through, no Deny is ever skipped, and the gateway never fails", () => {
    let local: LocalMode;
    let port: number;
    let host: string;
    let region: string;
    let stage: string;
    let credentials: { accessKeyId: string; secretAccessKey: string };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, program, ...TRANSPILED });
        const o = outputsAsJson(local.outputs) as Record<string, string>;
        const url = new URL(o.invokeUrl);
        [port, host, region, stage] = [Number(url.port), url.host, o.region, url.pathname];
        credentials = { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey };
    });
    after(async () => {
        agent.destroy();
        await local.close();
    });

    function send(
        method: string,
        target: string,
        headers: Record<string, string>,
        body: string,
    ): Promise<{ status: number; errorType: string | undefined }> {
        // The real length always: a stale one would make the server read the rest as another request.
        const framed = { ...headers, "Content-Length": String(Buffer.byteLength(body)) };
        return new Promise((resolve, reject) => {
            const request = http.request(
                { host: "127.0.0.1", port, method, path: target, headers: framed, agent },
                (response) => {
                    response.resume();
                    response.on("end", () =>
                        resolve({
                            status: response.statusCode ?? 0,
                            errorType: response.headers["x-amzn-errortype"] as string | undefined,
                        }),
                    );
                },
            );
            request.on("error", reject);
            request.end(body);
        });
    }

    /** The request a case describes: signed (or not) as its mode says, then altered as its mutation says. */
    function build(c: Case): { method: string; target: string; headers: Record<string, string>; body: string } {
        const query = c.query.map(([k, v]) => `${k}=${v}`).join("&");
        const target = `${stage}${c.path}${query ? `?${query}` : ""}`;
        const base: Record<string, string> = { Host: host };
        if (c.contentType) base["Content-Type"] = c.contentType;
        const body = c.body;
        if (c.mode === "unsigned") return { method: c.method, target, headers: base, body };
        if (c.mode === "garbage")
            return { method: c.method, target, headers: { ...base, Authorization: c.garbage }, body };
        const who =
            c.mode === "wrongSecret"
                ? {
                      ...credentials,
                      secretAccessKey: credentials.secretAccessKey.replace(/.$/, (ch) => (ch === "A" ? "B" : "A")),
                  }
                : c.mode === "unknownKey"
                  ? { ...credentials, accessKeyId: "AKIA" + "Z".repeat(16) }
                  : credentials;
        const extra: Record<string, string> = c.contentType ? { "Content-Type": c.contentType } : {};
        const headers = Object.fromEntries(
            signedHeaders(host, region, who, { method: c.method, target, headers: extra, body: c.body }),
        );
        if (c.mode !== "mutated") return { method: c.method, target, headers, body };
        switch (c.mutation) {
            case "method":
                return { method: METHODS[(METHODS.indexOf(c.method) + 1) % METHODS.length], target, headers, body };
            case "path":
                return { method: c.method, target: target.replace(c.path, `${c.path}x`), headers, body };
            case "query":
                return { method: c.method, target: `${target}${query ? "&" : "?"}injected=1`, headers, body };
            case "date": {
                const d = headers["X-Amz-Date"];
                const time = Date.UTC(
                    +d.slice(0, 4),
                    +d.slice(4, 6) - 1,
                    +d.slice(6, 8),
                    +d.slice(9, 11),
                    +d.slice(11, 13),
                    +d.slice(13, 15),
                );
                const shifted = new Date(time + c.shiftSeconds * 1000)
                    .toISOString()
                    .replace(/[-:]/g, "")
                    .replace(/\.\d{3}/, "");
                return { method: c.method, target, headers: { ...headers, "X-Amz-Date": shifted }, body };
            }
            case "body":
                return { method: c.method, target, headers, body: `${body}!` };
            case "host":
                return { method: c.method, target, headers: { ...headers, Host: `localhost:${port}` }, body };
            case "signature": {
                const auth = headers.Authorization;
                const at = auth.length - 64 + c.flipAt;
                const flipped = auth[at] === "0" ? "1" : "0";
                return {
                    method: c.method,
                    target,
                    headers: { ...headers, Authorization: auth.slice(0, at) + flipped + auth.slice(at + 1) },
                    body,
                };
            }
        }
    }

    it(`${RUNS} generated requests (seed ${SEED}): no 2xx unless validly signed and not denied, never a 5xx`, async () => {
        const statuses = new Map<number, number>();
        let deniedSpellings = 0;
        await fc.assert(
            fc.asyncProperty(arbitraryCase, async (c) => {
                const request = build(c);
                const { status, errorType } = await send(request.method, request.target, request.headers, request.body);
                statuses.set(status, (statuses.get(status) ?? 0) + 1);
                if (status >= 500) throw new Error(`5xx (${status}) for ${JSON.stringify(c)}`);
                if (c.mode !== "valid" && status < 300)
                    throw new Error(`${status} for a ${c.mode} request: ${JSON.stringify(c)}`);
                const decoded = decodeOnce(c.path);
                if (decoded !== undefined && DENIED.has(decoded) && c.method === "GET") {
                    if (status < 300) throw new Error(`${status}: a Deny was skipped for ${JSON.stringify(c)}`);
                    if (c.mode === "valid" && errorType === "AccessDeniedException") deniedSpellings++;
                }
            }),
            { numRuns: RUNS, seed: SEED },
        );
        const total = [...statuses.values()].reduce((a, b) => a + b, 0);
        console.log(
            `      fuzz: ${total} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${deniedSpellings} validly signed spellings of denied paths, each refused by IAM`,
        );
        expect(total).to.equal(RUNS);
        expect(
            statuses.get(200) ?? 0,
            "some valid requests must succeed, or the property proves nothing",
        ).to.be.greaterThan(0);
        expect(deniedSpellings, "validly signed spellings of the denied paths must reach IAM").to.be.greaterThan(25);
        // Still alive and still serving after the run.
        const control = signedHeaders(host, region, credentials, { method: "GET", target: `${stage}/pets` });
        expect((await send("GET", `${stage}/pets`, Object.fromEntries(control), "")).status).to.equal(200);
    });
});

/** The path as a decoding gateway sees it, or undefined when it does not decode. */
function decodeOnce(path: string): string | undefined {
    try {
        return decodeURIComponent(path);
    } catch {
        return undefined;
    }
}
