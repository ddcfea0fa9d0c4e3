import { randomBytes, randomInt, randomUUID } from "crypto";

/** The account every local run lives in, as in AWS's documentation examples. */
export const LOCAL_ACCOUNT_ID = "123456789012";

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
// IAM key and unique ids use base32-like characters: A–Z and 2–7.
const IAM_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function randomString(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
    return out;
}

/** A REST API id: ten lowercase letters and digits, like `a1b2c3d4e5`. */
export const newRestApiId = (): string => randomString(LOWER_ALNUM, 10);
/** A deployment id: six lowercase letters and digits. */
export const newDeploymentId = (): string => randomString(LOWER_ALNUM, 6);
/** An IAM unique id with its documented prefix (`AGPA` group, `AIDA` user, `ANPA` policy). */
export const newIamUniqueId = (prefix: string): string => prefix + randomString(IAM_ID_CHARS, 17);
/** A long-term access key id: `AKIA` and sixteen characters, twenty in all. */
export const newAccessKeyId = (): string => "AKIA" + randomString(IAM_ID_CHARS, 16);
/** A temporary (STS) access key id: `ASIA` and sixteen characters. */
export const newSessionAccessKeyId = (): string => "ASIA" + randomString(IAM_ID_CHARS, 16);
/** A session token: opaque and long, as STS issues them (callers must not assume a size). */
export const newSessionToken = (): string => randomBytes(192).toString("base64");
/** A Cognito identity pool id or identity id: `<region>:<uuid>`. */
export const newCognitoId = (region: string): string => `${region}:${randomUUID()}`;
/** A secret access key: forty characters of base64 alphabet, as IAM issues them. */
export const newSecretAccessKey = (): string => randomBytes(30).toString("base64");
/** The suffix Pulumi's AWS provider appends when it auto-names a resource. */
export const autoNameSuffix = (): string => randomString(LOWER_ALNUM, 7);
/** A request id in the UUID form API Gateway puts in `x-amzn-RequestId`. */
export const newRequestId = (): string => randomUUID();
export const newResourceId = (): string => randomString(LOWER_ALNUM, 10);
