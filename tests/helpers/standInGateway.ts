import * as http from "http";
import { AddressInfo } from "net";
import { headerPairs, readBody, requestTarget } from "../../local-aws/gateway/httpRequest";
import { verifySigV4, WireRequest } from "../../local-aws/gateway/sigv4";
import { PET_STORE_DATA_CHECKS } from "../../smoke/petStore";
import type { SmokeOutputs } from "../../smoke/smokeTest";
import { TEST_REGION } from "./localAws";

/** An answer as a stand-in integration (or API Gateway in its place) gives it. */
export interface StandInAnswer {
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body?: string;
}

/** A request the stand-in received. */
export interface StandInRequest {
    readonly method: string;
    /** The path below the stage, query included. */
    readonly path: string;
    readonly body: string;
    /** Let in by auth (or a public operation's): what the gateway gave its integration. */
    readonly reachedIntegration: boolean;
}

export interface StandInGateway {
    readonly outputs: SmokeOutputs;
    /** Every request received, in order, with what it was answered. */
    readonly answered: { readonly request: StandInRequest; readonly answer: StandInAnswer }[];
    /**
     * What a request is answered with, from the request, its number (from 0) and what a working
     * gateway answers it (a refusal, or the pet store integration's answer). @default that answer
     */
    answer: (request: StandInRequest, index: number, working: StandInAnswer) => StandInAnswer;
    close(): Promise<void>;
}

/** Fixed, made-up test credentials: never a real account's. */
const CREDENTIALS = {
    accessKeyId: "TESTSTANDINGATEWAYXX", // not AKIA…: no scanner takes it for a real key
    secretAccessKey: "standInGatewaySecretKeyForTests0123456789",
};
const STAGE = "/test";

/**
 * The pet store's MOCK integrations, as the example deploys them: the data its checks expect, and an
 * empty JSON object to any other request (a working integration).
 */
export function petStoreIntegration(request: Pick<StandInRequest, "method" | "path">): StandInAnswer {
    const check = PET_STORE_DATA_CHECKS.find(
        (c) => c.request.method === request.method && c.request.path === request.path,
    );
    if (check === undefined) return { status: 200, headers: { "Content-Type": "application/json" }, body: "{}" };
    return {
        status: check.expect.status ?? 200,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(check.expect.json),
    };
}

/**
 * A stand-in for API Gateway on loopback: it authenticates with the local gateway's own SigV4 verifier
 * (so every bad caller is refused exactly as local mode refuses it) and answers what passes, or a
 * public operation's request, with `answer` (by default a working pet store integration).
 */
export async function standInGateway(
    options: { readonly isPublic?: (method: string, path: string) => boolean } = {},
): Promise<StandInGateway> {
    const answered: StandInGateway["answered"] = [];
    const server = http.createServer((req, res) => {
        void (async () => {
            const body = (await readBody(req)) ?? Buffer.alloc(0);
            const target = requestTarget(req.url ?? "/");
            const wire: WireRequest = {
                method: req.method ?? "GET",
                rawPath: target.rawPath,
                rawQuery: target.rawQuery,
                headers: headerPairs(req.rawHeaders),
                body,
            };
            const path = target.rawPath.slice(STAGE.length) + (target.rawQuery ? `?${target.rawQuery}` : "");
            const verification = options.isPublic?.(wire.method, path)
                ? undefined
                : verifySigV4(wire, {
                      region: TEST_REGION,
                      service: "execute-api",
                      lookup: (id) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS : undefined),
                  });
            const request: StandInRequest = {
                method: wire.method,
                path,
                body: body.toString(),
                reachedIntegration: verification?.ok ?? true,
            };
            const working: StandInAnswer =
                verification === undefined || verification.ok
                    ? petStoreIntegration(request)
                    : {
                          status: verification.response.status,
                          headers: verification.response.headers,
                          body: verification.response.body.toString(),
                      };
            const answer = gateway.answer(request, answered.length, working);
            answered.push({ request, answer });
            res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? "");
        })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const gateway: StandInGateway = {
        outputs: { invokeUrl: `http://127.0.0.1:${port}${STAGE}`, region: TEST_REGION, ...CREDENTIALS },
        answered,
        answer: (_request, _index, own) => own,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    return gateway;
}
