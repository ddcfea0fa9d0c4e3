import { createHash, createHmac, timingSafeEqual } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";

/**
 * The gateway's second baseline: the least a server can do to answer a SigV4-signed GET correctly.
 * It checks the same signature with `node:crypto` (canonical request from method, path, query, the
 * signed headers and the empty body's hash; signing key cached) and answers a fixed body, 403 otherwise.
 * No routing, no IAM, no templates, no error shapes: what is left of the gateway's cost is theirs.
 */
export async function startSigV4Server(
    body: string,
    secretAccessKey: string,
    region: string,
): Promise<{ url: string; close(): void }> {
    const emptyHash = createHash("sha256").update("").digest("hex");
    const keys = new Map<string, Buffer>();
    const signingKey = (date: string) => {
        let key = keys.get(date);
        if (!key) {
            const hmac = (k: string | Buffer, d: string) => createHmac("sha256", k).update(d).digest();
            key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), "execute-api"), "aws4_request");
            keys.set(date, key);
        }
        return key;
    };
    const server = http.createServer((req, res) => {
        const match = /Credential=([^/]+)\/(\d{8})\/[^,]+, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})/.exec(
            req.headers.authorization ?? "",
        );
        const amzDate = String(req.headers["x-amz-date"] ?? "");
        let ok = false;
        if (match) {
            const [, , date, signed, signature] = match;
            const [path, query = ""] = (req.url ?? "/").split("?");
            const names = signed.split(";");
            const canonical = [
                req.method,
                path,
                query,
                names.map((n) => `${n}:${String(req.headers[n] ?? "").trim()}\n`).join(""),
                signed,
                emptyHash,
            ].join("\n");
            const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${date}/${region}/execute-api/aws4_request\n${createHash("sha256").update(canonical).digest("hex")}`;
            const expected = createHmac("sha256", signingKey(date)).update(toSign).digest("hex");
            ok = timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
        }
        const answer = ok ? body : '{"message":"Forbidden"}';
        res.writeHead(ok ? 200 : 403, {
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(answer),
        });
        res.end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
