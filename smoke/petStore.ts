import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { listOperations } from "../components/openapi/operations";
import { PACKAGE_ROOT } from "../local-aws/packageLayout";
import type { DeployedOperation } from "./operations";
import type { SmokeCheck } from "./smokeTest";

/** The document the project's own program deploys as its example (the package ships it). */
export const PET_STORE_SPEC = path.join(PACKAGE_ROOT, "api/petstore.openapi.yaml");

const ALL_PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

/** What the example's MOCK integrations answer to a signed caller: the data a user sees first. */
export const PET_STORE_DATA_CHECKS: readonly SmokeCheck[] = [
    { operation: "GET /pets", check: "signed: the pets", request: { method: "GET", path: "/pets" }, json: ALL_PETS },
    {
        operation: "GET /pets/{petId}",
        check: "signed: pet 2",
        request: { method: "GET", path: "/pets/2" },
        json: ALL_PETS[1],
    },
    {
        operation: "POST /pets",
        check: "signed: a JSON body",
        request: { method: "POST", path: "/pets", body: JSON.stringify({ type: "cat", price: 50 }) },
        status: 201,
        json: { id: 4, message: "Pet created" },
    },
    {
        operation: "GET /pets",
        check: "signed: a query string",
        request: { method: "GET", path: "/pets?type=fish" },
        json: [ALL_PETS[2]],
    },
].map(({ status, json, ...check }) => ({
    ...check,
    signing: "valid",
    expect: { status: status ?? 200, json, integrationAnswered: true },
}));

let petStoreOperations: string | undefined;

/**
 * Whether the deployed API is the example pet store: exactly its document's operations, each under
 * AWS_IAM as the example program deploys them. Only then do its data checks apply.
 */
export function isPetStore(operations: readonly DeployedOperation[]): boolean {
    petStoreOperations ??= fingerprint(
        listOperations(YAML.parse(fs.readFileSync(PET_STORE_SPEC, "utf8")) as Record<string, unknown>).map(
            ({ verb, path }) => ({ verb, path, authorization: "AWS_IAM" }),
        ),
    );
    return fingerprint(operations) === petStoreOperations;
}

const fingerprint = (operations: readonly DeployedOperation[]) =>
    JSON.stringify(operations.map((o) => `${o.verb} ${o.path} ${o.authorization}`).sort());
