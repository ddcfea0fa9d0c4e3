import { randomUUID } from "crypto";
import { COGNITO_IDENTITY } from "../../components/callers/trust";
import { LocalAwsAccounts } from "../engine/accounts";
import { awsManagedPolicyArn } from "../../components/policies/arns";
import { awsManagedPolicyDocument } from "../engine/managedPolicies";
import { AttachedPolicy, IdentityPoolRecord } from "../engine/records";
import { GetCredentialsForIdentityInput, GetIdInput, GetOpenIdTokenInput } from "./cognitoInput";
import { CallOrigin } from "./conditionKeys";
import { isStsError, LocalSts } from "./sts";
import { LocalTokenIssuer, WebIdentityClaims } from "./tokens";

/** A refusal of Cognito Identity's JSON API: status, `__type` and message. */
export interface CognitoError {
    readonly status: number;
    readonly type: string;
    readonly message: string;
}

interface IdentityRecord {
    readonly poolId: string;
    /** The provider the identity signed in with, and its user's `sub`; undefined for a guest. */
    readonly login: { readonly provider: string; readonly sub: string } | undefined;
}

/** How long Cognito's identity tokens last (GetOpenIdToken: "The OpenID token is valid for 10 minutes"). */
const TOKEN_SECONDS = 600;
/** The session name Cognito's enhanced flow gives every role session. */
const SESSION_NAME = "CognitoIdentityCredentials";
const notAuthorized = (message: string): CognitoError => ({ status: 400, type: "NotAuthorizedException", message });

/**
 * Cognito identity pools' enhanced (simplified) flow, as `fromCognitoIdentityPool` calls it: `GetId`
 * gives an identity (signed in with an ID token of one of the pool's user pool clients, or a guest
 * where the pool allows guests), `GetCredentialsForIdentity` exchanges it for the pool's role, through
 * the same trust evaluation as STS's `AssumeRoleWithWebIdentity` with a Cognito identity token
 * (`aud` the pool, `amr` authenticated or unauthenticated). User pool sign-in itself is not emulated:
 * its ID tokens are local test tokens for the issuer `cognito-idp.<region>.amazonaws.com/<pool id>`.
 */
export class LocalCognitoIdentity {
    private readonly identities = new Map<string, IdentityRecord>();

    constructor(
        private readonly accounts: LocalAwsAccounts,
        private readonly sts: LocalSts,
        private readonly tokens: LocalTokenIssuer,
        private readonly now: () => Date,
    ) {}

    getId(input: GetIdInput): Record<string, unknown> | CognitoError {
        const pool = this.pool(input.identityPoolId);
        if (!pool)
            return {
                status: 400,
                type: "ResourceNotFoundException",
                message: `IdentityPool '${input.identityPoolId}' not found.`,
            };
        const login = this.login(pool, input.logins);
        if ("type" in login) return login;
        const existing =
            login.login === undefined
                ? undefined
                : [...this.identities].find(
                      ([, r]) =>
                          r.poolId === pool.id &&
                          r.login?.provider === login.login!.provider &&
                          r.login.sub === login.login!.sub,
                  )?.[0];
        const identityId = existing ?? `${pool.id.split(":")[0]}:${randomUUID()}`;
        this.identities.set(identityId, { poolId: pool.id, login: login.login });
        return { IdentityId: identityId };
    }

    async getCredentialsForIdentity(
        input: GetCredentialsForIdentityInput,
        origin: CallOrigin,
    ): Promise<Record<string, unknown> | CognitoError> {
        if (input.customRoleArn !== undefined)
            // The component sets no rules-based role mapping, so a caller can never choose its role.
            return {
                status: 400,
                type: "InvalidParameterException",
                message: "Local mode does not emulate CustomRoleArn: the pool's own roles are used.",
            };
        const signed = this.signedIdentity(input.identityId, input.logins);
        if ("type" in signed) return signed;
        const { pool, kind, claims } = signed;
        const misconfigured: CognitoError = {
            status: 400,
            type: "InvalidIdentityPoolConfigurationException",
            message: "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
        };
        const roleArn = pool.roles.get(kind);
        if (roleArn === undefined) return misconfigured;
        const granted = await this.sts.exchangeWebIdentity(
            claims,
            roleArn,
            SESSION_NAME,
            origin,
            undefined,
            kind === "unauthenticated" ? [guestScopeDown(this.accounts.main.partition)] : [],
        );
        if (isStsError(granted)) return misconfigured;
        const { session } = granted;
        return {
            IdentityId: input.identityId,
            Credentials: {
                AccessKeyId: session.accessKeyId,
                SecretKey: session.secretAccessKey,
                SessionToken: session.sessionToken,
                Expiration: Math.floor(session.expiration.getTime() / 1000),
            },
        };
    }

    /**
     * The basic (classic) flow's first half: a Cognito identity token for the identity, which the app
     * exchanges with STS's AssumeRoleWithWebIdentity for a role that trusts the pool. Only where the pool
     * allows the basic flow (aws/aws-cli#7652 and aws-amplify/amplify-js#9704 quote AWS's refusal).
     */
    getOpenIdToken(input: GetOpenIdTokenInput): Record<string, unknown> | CognitoError {
        const signed = this.signedIdentity(input.identityId, input.logins);
        if ("type" in signed) return signed;
        if (!signed.pool.allowClassicFlow)
            return {
                status: 400,
                type: "InvalidParameterException",
                message: "Basic (classic) flow is not enabled, please use enhanced flow.",
            };
        const { claims } = signed;
        const token = this.tokens.issue(
            { iss: claims.iss, sub: claims.sub, aud: claims.aud, amr: claims.amr },
            this.now(),
            TOKEN_SECONDS,
        );
        return { IdentityId: input.identityId, Token: token };
    }

    /**
     * An identity, checked against the logins a request gives for it, with what Cognito's identity
     * token says of it (`aud` the pool, `sub` the identity, `amr` its kind and sign-in).
     */
    private signedIdentity(
        identityId: string,
        logins: ReadonlyMap<string, string>,
    ):
        | { pool: IdentityPoolRecord; kind: "authenticated" | "unauthenticated"; claims: WebIdentityClaims }
        | CognitoError {
        const identity = this.identities.get(identityId);
        if (!identity)
            return { status: 400, type: "ResourceNotFoundException", message: `Identity '${identityId}' not found.` };
        const pool = this.pool(identity.poolId)!;
        const login = this.login(pool, logins);
        if ("type" in login) return login;
        // An identity is bound to the provider and user it was made for: a sub is unique only within its provider.
        if (identity.login !== undefined && !sameLogin(identity.login, login.login))
            return notAuthorized(`Access to Identity '${identityId}' is forbidden.`);
        // A guest's identity takes no logins (AWS: "Logins should not be specified"); refusing can never widen access.
        if (identity.login === undefined && login.login !== undefined)
            return notAuthorized(
                `Identity '${identityId}' is unauthenticated: get the signed-in user's own identity with GetId and these Logins.`,
            );
        const kind = login.login === undefined ? "unauthenticated" : "authenticated";
        const iat = Math.floor(this.now().getTime() / 1000);
        const claims: WebIdentityClaims = {
            iss: `https://${COGNITO_IDENTITY}`,
            aud: pool.id,
            sub: identityId,
            amr:
                login.login === undefined
                    ? ["unauthenticated"]
                    : ["authenticated", login.login.provider, signInOf(login.login.provider, login.login.sub)],
            iat,
            exp: iat + TOKEN_SECONDS,
        };
        return { pool, kind, claims };
    }

    private pool(id: string): IdentityPoolRecord | undefined {
        for (const account of this.accounts.all) {
            const pool = account.identityPools.get(id);
            if (pool) return pool;
        }
        return undefined;
    }

    /** The sign-in a request's `Logins` proves, or none (a guest, where the pool allows guests). */
    private login(pool: IdentityPoolRecord, logins: ReadonlyMap<string, string>): IdentityRecord | CognitoError {
        const entries = [...logins];
        if (entries.length === 0)
            return pool.allowUnauthenticatedIdentities
                ? { poolId: pool.id, login: undefined }
                : notAuthorized("Unauthenticated access is not supported for this identity pool.");
        if (entries.length > 1) return notAuthorized("Local mode accepts one login per request.");
        const [provider, token] = entries[0];
        const clients = pool.providers.get(provider);
        if (!clients)
            return notAuthorized(`Invalid login token. Token is not from a supported provider of identities.`);
        const check = this.tokens.check(token, this.now());
        if (!check.ok) return notAuthorized(`Invalid login token. ${check.message}`);
        if (check.claims.iss !== `https://${provider}`)
            return notAuthorized("Invalid login token. Issuer doesn't match providerName");
        if (!clients.includes(check.claims.aud)) return notAuthorized("Invalid login token. Incorrect token audience.");
        return { poolId: pool.id, login: { provider, sub: check.claims.sub } };
    }
}

/** The `amr` entry naming the signed-in user: `<user pool provider>:CognitoSignIn:<sub>`, else `<provider>:<id>`. */
function signInOf(provider: string, subject: string): string {
    return provider.startsWith("cognito-idp.") ? `${provider}:CognitoSignIn:${subject}` : `${provider}:${subject}`;
}

function sameLogin(a: IdentityRecord["login"], b: IdentityRecord["login"]): boolean {
    return a !== undefined && b !== undefined && a.provider === b.provider && a.sub === b.sub;
}

/** The AWS managed policy Cognito adds as a session policy to the enhanced flow's guest credentials. */
const GUEST_SCOPE_DOWN = "AmazonCognitoUnAuthedIdentitiesSessionPolicy";

/**
 * Cognito scopes the enhanced flow's guest credentials down with an AWS managed policy (its description:
 * "Cognito Identity Service will automatically include it as a scoped down policy when creating
 * credentials"); what a guest may do is what its role and that policy both allow.
 */
function guestScopeDown(partition: string): AttachedPolicy {
    const document = awsManagedPolicyDocument(GUEST_SCOPE_DOWN, partition);
    if (document === undefined)
        throw new Error(`The managed policy data has no ${GUEST_SCOPE_DOWN}, which Cognito applies to guests.`);
    return { name: awsManagedPolicyArn(partition, GUEST_SCOPE_DOWN), document };
}
