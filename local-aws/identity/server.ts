import * as http from "http";
import { AddressInfo } from "net";
import { LocalAwsAccounts } from "../engine/accounts";
import { newRequestId } from "../engine/ids";
import { IamEvaluator } from "../gateway/authorize";
import { ClientGone, headerPairs, readBody, requestTarget, sourceIpOf } from "../gateway/httpRequest";
import { headerValues, verifySigV4, WireRequest } from "../gateway/sigv4";
import { CallOrigin } from "./conditionKeys";
import { CognitoError, LocalCognitoIdentity } from "./cognito";
import { getCredentialsForIdentityInput, getIdInput, getOpenIdTokenInput } from "./cognitoInput";
import { isStsError, LocalSts, StsError, StsResult, xmlElement } from "./sts";
import { LocalTokenIssuer } from "./tokens";

const LOOPBACK = "127.0.0.1";
const MAX_BODY_BYTES = 1024 * 1024;
const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
const COGNITO_TARGET = "AWSCognitoIdentityService.";

/** The gateway's refusals of a signature, as STS words their codes (inferred: STS's own wording is not recorded). */
const STS_SIGNATURE_CODES: ReadonlyMap<string, string> = new Map([
    ["MissingAuthenticationTokenException", "MissingAuthenticationToken"],
    ["IncompleteSignatureException", "IncompleteSignature"],
    ["InvalidSignatureException", "SignatureDoesNotMatch"],
    ["UnrecognizedClientException", "InvalidClientTokenId"],
    ["ExpiredTokenException", "ExpiredToken"],
]);

export interface IdentityServicesOptions {
    readonly accounts: LocalAwsAccounts;
    readonly evaluator: IamEvaluator;
    /** @default () => new Date() */
    readonly now?: () => Date;
    /** @default 0 (a free port) */
    readonly port?: number;
}

/**
 * One loopback endpoint for local mode's identity services: STS in its query protocol (form-encoded
 * `Action=…&Version=2011-06-15`, XML answers), as the AWS SDKs and botocore speak it with a custom
 * endpoint, and Cognito Identity's JSON protocol (`X-Amz-Target: AWSCognitoIdentityService.*`). STS
 * calls that need credentials are verified with the gateway's SigV4 verifier for service `sts`.
 */
export class LocalIdentityServices {
    readonly tokens = new LocalTokenIssuer();
    readonly sts: LocalSts;
    readonly cognito: LocalCognitoIdentity;
    private readonly server: http.Server;
    private readonly now: () => Date;
    /** Failures of the services themselves; `close()` reports them. */
    readonly internalErrors: Error[] = [];
    private address: string | undefined;

    constructor(private readonly options: IdentityServicesOptions) {
        this.now = options.now ?? (() => new Date());
        this.sts = new LocalSts(options.accounts, options.evaluator, this.tokens, this.now);
        this.cognito = new LocalCognitoIdentity(options.accounts, this.sts, this.tokens, this.now);
        this.server = http.createServer((req, res) => void this.handle(req, res));
    }

    /** The endpoint URL (`http://127.0.0.1:<port>`), for `endpoint_url` / `endpoint` of an SDK client. */
    get url(): string {
        if (this.address === undefined) throw new Error("The local identity services are not listening yet.");
        return this.address;
    }

    async listen(): Promise<string> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", (e: NodeJS.ErrnoException) =>
                reject(
                    e.code === "EADDRINUSE"
                        ? new Error(
                              `Port ${this.options.port} for the local STS and Cognito Identity endpoint is in use; choose another with --sts-port.`,
                          )
                        : e,
                ),
            );
            this.server.listen(this.options.port ?? 0, LOOPBACK, resolve);
        });
        this.address = `http://${LOOPBACK}:${(this.server.address() as AddressInfo).port}`;
        return this.address;
    }

    /**
     * A web identity token as an OIDC provider would issue it, for tests and local CI: `issuer` without
     * `https://` (e.g. `token.actions.githubusercontent.com`), valid `lifetimeSeconds` from the clock.
     */
    issueWebIdentityToken(
        claims: { issuer: string; subject: string; audience: string },
        lifetimeSeconds = 3600,
    ): string {
        return this.tokens.issue(
            { iss: `https://${claims.issuer}`, sub: claims.subject, aud: claims.audience },
            this.now(),
            lifetimeSeconds,
        );
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => {
            this.server.closeAllConnections();
            this.server.close(() => resolve());
        });
        if (this.internalErrors.length > 0)
            throw new Error(`The local identity services failed internally; first: ${this.internalErrors[0].message}`);
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const requestId = newRequestId();
        const send = (status: number, contentType: string, body: string, headers: Record<string, string> = {}) => {
            res.writeHead(status, { "Content-Type": contentType, "x-amzn-RequestId": requestId, ...headers });
            res.end(body);
        };
        try {
            const body = await readBody(req, MAX_BODY_BYTES);
            // Past the limit the body is not read to its end: this connection cannot carry another request.
            if (body === undefined) return send(413, "text/plain", "Request Too Long", { Connection: "close" });
            const headers = headerPairs(req.rawHeaders);
            const origin: CallOrigin = {
                sourceIp: sourceIpOf(req),
                userAgent: headerValues(headers, "user-agent")[0],
                referer: headerValues(headers, "referer")[0],
            };
            const target = req.headers["x-amz-target"];
            if (typeof target === "string" && target.startsWith(COGNITO_TARGET)) {
                const answer = await this.cognitoAction(target.slice(COGNITO_TARGET.length), body, origin);
                const json = "application/x-amz-json-1.1";
                return isCognitoError(answer)
                    ? send(answer.status, json, JSON.stringify({ __type: answer.type, message: answer.message }), {
                          "x-amzn-ErrorType": answer.type,
                      })
                    : send(200, json, JSON.stringify(answer));
            }
            const wire = wireRequest(req, body);
            const params = queryParameters(wire.rawQuery, req.method === "POST" ? body.toString("utf8") : "");
            if (!(params instanceof URLSearchParams))
                return send(params.status, "text/xml", stsErrorXml(params, requestId));
            const action = params.get("Action") ?? "";
            const answer = await this.stsAction(action, params, wire, origin);
            if (isStsError(answer)) return send(answer.status, "text/xml", stsErrorXml(answer, requestId));
            return send(
                200,
                "text/xml",
                `<${action}Response xmlns="${STS_NAMESPACE}"><${action}Result>${answer.result}</${action}Result><ResponseMetadata>${xmlElement("RequestId", requestId)}</ResponseMetadata></${action}Response>`,
            );
        } catch (e) {
            // A caller that hung up mid-request has nobody to answer; that is not a failure of ours.
            if (e instanceof ClientGone) return void res.destroy();
            const error = e instanceof Error ? e : new Error(String(e));
            this.internalErrors.push(error);
            console.error(
                `LOCAL IDENTITY SERVICES INTERNAL ERROR (a bug in the emulator, answered 500): ${error.stack ?? error.message}`,
            );
            send(500, "text/plain", "Internal error of the local identity services");
        }
    }

    private async stsAction(
        action: string,
        params: URLSearchParams,
        wire: WireRequest,
        origin: CallOrigin,
    ): Promise<StsResult | StsError> {
        if (params.get("Version") !== "2011-06-15")
            return {
                status: 400,
                code: "InvalidAction",
                message: `Could not find operation ${action} for version ${params.get("Version") ?? "NO_VERSION_SPECIFIED"}`,
            };
        switch (action) {
            case "AssumeRoleWithWebIdentity":
                return this.sts.assumeRoleWithWebIdentity(params, origin);
            case "AssumeRole":
            case "GetCallerIdentity": {
                const accounts = this.options.accounts;
                const verification = verifySigV4(wire, {
                    region: accounts.main.region,
                    service: "sts",
                    now: this.now,
                    lookup: (id) => accounts.credentialFor(id),
                });
                if (!verification.ok) {
                    const type = verification.response.headers["x-amzn-ErrorType"] ?? "";
                    const body = JSON.parse(String(verification.response.body)) as { message?: string };
                    return {
                        status: type === "IncompleteSignatureException" ? 400 : 403,
                        code: STS_SIGNATURE_CODES.get(type) ?? type,
                        message: body.message ?? "",
                    };
                }
                const caller = accounts.identityOfAccessKey(verification.accessKeyId);
                return action === "AssumeRole"
                    ? this.sts.assumeRole(caller, params, origin)
                    : this.sts.getCallerIdentity(caller);
            }
            default:
                return {
                    status: 400,
                    code: "InvalidAction",
                    message: `Could not find operation ${action} for version 2011-06-15`,
                };
        }
    }

    private async cognitoAction(
        operation: string,
        body: Buffer,
        origin: CallOrigin,
    ): Promise<Record<string, unknown> | CognitoError> {
        let input: unknown;
        try {
            input = JSON.parse(body.toString("utf8") || "{}");
        } catch {
            return { status: 400, type: "SerializationException", message: "The request body is not JSON." };
        }
        switch (operation) {
            case "GetId": {
                const request = getIdInput(input);
                return "type" in request ? request : this.cognito.getId(request);
            }
            case "GetCredentialsForIdentity": {
                const request = getCredentialsForIdentityInput(input);
                return "type" in request ? request : this.cognito.getCredentialsForIdentity(request, origin);
            }
            case "GetOpenIdToken": {
                const request = getOpenIdTokenInput(input);
                return "type" in request ? request : this.cognito.getOpenIdToken(request);
            }
            default:
                return {
                    status: 400,
                    type: "UnknownOperationException",
                    message: `Local mode does not emulate ${operation}.`,
                };
        }
    }
}

const isCognitoError = (answer: Record<string, unknown> | CognitoError): answer is CognitoError =>
    typeof answer.status === "number" && typeof answer.type === "string";

function wireRequest(req: http.IncomingMessage, body: Buffer): WireRequest {
    const { rawPath, rawQuery } = requestTarget(req.url ?? "/");
    return { rawPath, rawQuery, method: req.method ?? "GET", headers: headerPairs(req.rawHeaders), body };
}

/** STS's error document. */
function stsErrorXml(error: StsError, requestId: string): string {
    return `<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>${error.status >= 500 ? "Receiver" : "Sender"}</Type>${xmlElement("Code", error.code)}${xmlElement("Message", error.message)}</Error>${xmlElement("RequestId", requestId)}</ErrorResponse>`;
}

/**
 * The parameters of an STS query request: the query string's and a POST's form body, every one of them
 * read (the signature covers both). AWS does not document which of two values it takes, so a name given
 * twice is refused: a signed parameter is never silently set aside.
 */
function queryParameters(rawQuery: string, form: string): URLSearchParams | StsError {
    const params = new URLSearchParams();
    for (const source of [rawQuery, form])
        for (const [name, value] of new URLSearchParams(source)) {
            if (params.has(name))
                return {
                    status: 400,
                    code: "InvalidParameterCombination",
                    message: `Parameter ${name} is given more than once; give it once.`,
                };
            params.append(name, value);
        }
    return params;
}
