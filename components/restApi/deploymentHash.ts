import { createHash } from "crypto";

/** Everything that shapes what callers of the deployed API get, and so must force a new Deployment. */
export interface DeploymentShape {
    /** The exact body imported into the REST API (it carries the resource policy when there is one). */
    readonly body: string;
    /** The endpoint type (`REGIONAL`, `EDGE`, `PRIVATE`). */
    readonly endpointType: string;
    /** Whether the default `execute-api` endpoint is disabled. */
    readonly disableExecuteApiEndpoint: boolean;
}

/**
 * A REST API does not redeploy by itself: a new body is invisible to callers until a new Deployment is
 * made. Hashing every input that shapes the API into the Deployment's `triggers` replaces the Deployment
 * exactly when one of them changes (and never otherwise), so the stage can never serve a stale API.
 * Keys are written in a fixed order so the hash depends on values only.
 */
export function deploymentHash(shape: DeploymentShape): string {
    const canonical = JSON.stringify([shape.body, shape.endpointType, shape.disableExecuteApiEndpoint]);
    return createHash("sha256").update(canonical).digest("hex");
}
