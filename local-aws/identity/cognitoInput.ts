// The JSON input of Cognito Identity's GetId and GetCredentialsForIdentity, checked member by member
// against the Cognito Identity API Reference (each action's Request Parameters) before it is used.
import type { CognitoError } from "./cognito";

export interface GetIdInput {
    readonly identityPoolId: string;
    readonly accountId: string | undefined;
    /** Provider name → token; a Map, as the names are the caller's. */
    readonly logins: ReadonlyMap<string, string>;
}

/** GetOpenIdToken's input: the identity and its logins (the API Reference's Request Parameters). */
export interface GetOpenIdTokenInput {
    readonly identityId: string;
    readonly logins: ReadonlyMap<string, string>;
}

export interface GetCredentialsForIdentityInput {
    readonly identityId: string;
    readonly logins: ReadonlyMap<string, string>;
    readonly customRoleArn: string | undefined;
}

interface StringMember {
    readonly kind: "string";
    readonly field: string;
    /** The member's name in AWS's messages. */
    readonly member: string;
    readonly required?: boolean;
    readonly min: number;
    readonly max: number;
    readonly pattern?: { readonly regex: RegExp; readonly shown: string };
}

/** `LoginsMap`: up to 10 provider names (1 to 128 characters) to tokens (1 to 50,000, sensitive). */
interface LoginsMember {
    readonly kind: "logins";
    readonly field: "Logins";
    readonly member: "logins";
}

type Member = StringMember | LoginsMember;

const REGION_GUID = { regex: /^[\w-]+:[0-9a-f-]+$/, shown: "[\\w-]+:[0-9a-f-]+" };
const LOGINS: LoginsMember = { kind: "logins", field: "Logins", member: "logins" };
const LOGINS_MAX_ENTRIES = 10;

/** GetId's members (Cognito Identity API Reference, GetId). */
const GET_ID: readonly Member[] = [
    {
        kind: "string",
        field: "AccountId",
        member: "accountId",
        min: 1,
        max: 15,
        pattern: { regex: /^\d+$/, shown: "\\d+" },
    },
    {
        kind: "string",
        field: "IdentityPoolId",
        member: "identityPoolId",
        required: true,
        min: 1,
        max: 55,
        pattern: REGION_GUID,
    },
    LOGINS,
];

/** GetCredentialsForIdentity's members (Cognito Identity API Reference, GetCredentialsForIdentity). */
const GET_CREDENTIALS_FOR_IDENTITY: readonly Member[] = [
    {
        kind: "string",
        field: "IdentityId",
        member: "identityId",
        required: true,
        min: 1,
        max: 55,
        pattern: REGION_GUID,
    },
    LOGINS,
    { kind: "string", field: "CustomRoleArn", member: "customRoleArn", min: 20, max: 2048 },
];

/** GetOpenIdToken takes the same IdentityId and Logins, and no role. */
const GET_OPEN_ID_TOKEN: readonly Member[] = GET_CREDENTIALS_FOR_IDENTITY.filter(
    (m) => m.kind !== "string" || m.field !== "CustomRoleArn",
);

const jsonType = (value: unknown): string =>
    value === null
        ? "null"
        : Array.isArray(value)
          ? "an array"
          : typeof value === "object"
            ? "an object"
            : `a ${typeof value}`;

/**
 * A member of the wrong JSON type: AWS's JSON services answer these with `SerializationException`
 * (its exact message is not documented; this one names the member).
 */
const serialization = (message: string): CognitoError => ({ status: 400, type: "SerializationException", message });

/**
 * Every member checked: its JSON type (a string, or for `Logins` an object of strings; `null` is an
 * omitted member, as in AWS's JSON protocol), then its length and pattern, refused as AWS refuses them:
 * `ValidationException` "1 validation error detected: Value '…' at 'identityPoolId' failed to satisfy
 * constraint: …". A token is never echoed. Members the action does not have are ignored, as AWS does.
 */
function checked(
    body: unknown,
    members: readonly Member[],
): Map<string, string | ReadonlyMap<string, string>> | CognitoError {
    if (typeof body !== "object" || body === null || Array.isArray(body))
        return serialization(`The request body must be a JSON object, not ${jsonType(body)}.`);
    const input = body as Record<string, unknown>;
    const values = new Map<string, string | ReadonlyMap<string, string>>();
    const problems: string[] = [];
    for (const m of members) {
        // Own properties only: a name the caller left out never reaches Object.prototype.
        const value = Object.hasOwn(input, m.field) ? input[m.field] : undefined;
        if (value === undefined || value === null) {
            if (m.kind === "string" && m.required)
                problems.push(`Value null at '${m.member}' failed to satisfy constraint: Member must not be null`);
            continue;
        }
        if (m.kind === "string") {
            if (typeof value !== "string")
                return serialization(`Value at '${m.member}' must be a string, not ${jsonType(value)}.`);
            const fail = (constraint: string) =>
                problems.push(
                    `Value '${value}' at '${m.member}' failed to satisfy constraint: Member must ${constraint}`,
                );
            if (value.length < m.min) fail(`have length greater than or equal to ${m.min}`);
            if (value.length > m.max) fail(`have length less than or equal to ${m.max}`);
            if (m.pattern && !m.pattern.regex.test(value))
                fail(`satisfy regular expression pattern: ${m.pattern.shown}`);
            values.set(m.field, value);
            continue;
        }
        if (typeof value !== "object" || Array.isArray(value))
            return serialization(
                `Value at 'logins' must be an object of provider names to tokens, not ${jsonType(value)}.`,
            );
        const logins = new Map<string, string>();
        for (const [provider, token] of Object.entries(value as Record<string, unknown>)) {
            if (typeof token !== "string")
                return serialization(`Each value at 'logins' must be a string (a token), not ${jsonType(token)}.`);
            logins.set(provider, token);
        }
        // The map's own constraints, then its keys' and values' (the tokens are sensitive: never shown).
        const fail = (constraint: string) =>
            problems.push(`Value at 'logins' failed to satisfy constraint: ${constraint}`);
        if (logins.size > LOGINS_MAX_ENTRIES)
            fail(`Member must have length less than or equal to ${LOGINS_MAX_ENTRIES}`);
        const names = [...logins.keys()];
        if (names.some((n) => n.length < 1 || n.length > 128))
            fail(
                "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
            );
        const tokens = [...logins.values()];
        if (tokens.some((t) => t.length < 1 || t.length > 50_000))
            fail(
                "Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]",
            );
        values.set(m.field, logins);
    }
    if (problems.length > 0) {
        const count = problems.length === 1 ? "1 validation error" : `${problems.length} validation errors`;
        return { status: 400, type: "ValidationException", message: `${count} detected: ${problems.join("; ")}` };
    }
    return values;
}

const NO_LOGINS: ReadonlyMap<string, string> = new Map();

export function getIdInput(body: unknown): GetIdInput | CognitoError {
    const values = checked(body, GET_ID);
    if (!(values instanceof Map)) return values;
    return {
        identityPoolId: values.get("IdentityPoolId") as string,
        accountId: values.get("AccountId") as string | undefined,
        logins: (values.get("Logins") as ReadonlyMap<string, string> | undefined) ?? NO_LOGINS,
    };
}

export function getCredentialsForIdentityInput(body: unknown): GetCredentialsForIdentityInput | CognitoError {
    const values = checked(body, GET_CREDENTIALS_FOR_IDENTITY);
    if (!(values instanceof Map)) return values;
    return {
        identityId: values.get("IdentityId") as string,
        logins: (values.get("Logins") as ReadonlyMap<string, string> | undefined) ?? NO_LOGINS,
        customRoleArn: values.get("CustomRoleArn") as string | undefined,
    };
}

export function getOpenIdTokenInput(body: unknown): GetOpenIdTokenInput | CognitoError {
    const values = checked(body, GET_OPEN_ID_TOKEN);
    if (!(values instanceof Map)) return values;
    return {
        identityId: values.get("IdentityId") as string,
        logins: (values.get("Logins") as ReadonlyMap<string, string> | undefined) ?? NO_LOGINS,
    };
}
