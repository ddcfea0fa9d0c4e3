import { createHmac, randomBytes, timingSafeEqual } from "crypto";

/** The claims of a web identity token, as an OIDC provider (or Cognito) puts them in an ID token. */
export interface WebIdentityClaims {
    /** The issuer URL, e.g. `https://token.actions.githubusercontent.com`. */
    readonly iss: string;
    readonly sub: string;
    readonly aud: string;
    /** Expiry, in seconds since the epoch. */
    readonly exp: number;
    /** Issue time, in seconds since the epoch. */
    readonly iat: number;
    /** Authentication methods (Cognito identity tokens: `authenticated` or `unauthenticated`, then the providers). */
    readonly amr?: readonly string[];
}

export type TokenCheck =
    | { readonly ok: true; readonly claims: WebIdentityClaims }
    | { readonly ok: false; readonly reason: "invalid" | "expired"; readonly message: string };

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "local-aws" })).toString("base64url");

/**
 * Issues and checks the web identity tokens of local mode: JWTs signed with a key of this process
 * only. The local STS accepts these and nothing else, so there is no key discovery or algorithm to
 * negotiate: a token is valid when its header is exactly ours, its HMAC matches and it has not expired.
 */
export class LocalTokenIssuer {
    private readonly key = randomBytes(32);

    /** A token with these claims, valid for `lifetimeSeconds` from `now`. */
    issue(
        claims: { iss: string; sub: string; aud: string; amr?: readonly string[] },
        now: Date,
        lifetimeSeconds = 3600,
    ): string {
        const iat = Math.floor(now.getTime() / 1000);
        const payload = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + lifetimeSeconds })).toString(
            "base64url",
        );
        return `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`;
    }

    /** The token's claims, or why it is refused (`expired` only for a token that is otherwise valid). */
    check(token: string, now: Date): TokenCheck {
        const parts = token.split(".");
        const invalid = (message: string): TokenCheck => ({ ok: false, reason: "invalid", message });
        if (parts.length !== 3 || parts[0] !== HEADER) return invalid("The token is not a JWT this local STS issued.");
        const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
        const given = Buffer.from(parts[2]);
        if (expected.length !== given.length || !timingSafeEqual(expected, given))
            return invalid("The token's signature is not valid.");
        const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as WebIdentityClaims;
        const problem = claimsProblem(claims);
        if (problem !== undefined) return invalid(problem);
        if (claims.exp * 1000 <= now.getTime())
            return {
                ok: false,
                reason: "expired",
                message: `Token expired: current date/time ${Math.floor(now.getTime() / 1000)} must be before the expiration date/time ${claims.exp}`,
            };
        return { ok: true, claims };
    }

    private sign(data: string): string {
        return createHmac("sha256", this.key).update(data).digest("base64url");
    }
}

/** What makes a token's claims unusable for a web identity (IAM refuses such tokens); undefined when none. */
function claimsProblem(claims: Partial<Record<keyof WebIdentityClaims, unknown>>): string | undefined {
    const text = (value: unknown) => typeof value === "string" && value !== "";
    if (!text(claims.iss) || !String(claims.iss).startsWith("https://"))
        return "The token's iss claim must be an https:// URL.";
    if (!text(claims.sub)) return "The token has no sub claim.";
    if (!text(claims.aud)) return "The token has no aud claim (one audience, a string).";
    if (typeof claims.exp !== "number" || typeof claims.iat !== "number") return "The token has no exp or iat time.";
    if (claims.amr !== undefined && !(Array.isArray(claims.amr) && claims.amr.every((m) => typeof m === "string")))
        return "The token's amr claim must be a list of strings.";
    return undefined;
}
