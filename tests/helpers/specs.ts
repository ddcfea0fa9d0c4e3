import * as fs from "fs";
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "../..");
export const PETSTORE_OPENAPI_PATH = path.join(PROJECT_DIR, "api/petstore.openapi.yaml");
export const PETSTORE_OPENAPI = fs.readFileSync(PETSTORE_OPENAPI_PATH, "utf8");
export const PETSTORE_SWAGGER = fs.readFileSync(path.join(__dirname, "../fixtures/petstore.swagger.json"), "utf8");

type Json = Record<string, unknown>;

/** A MOCK integration answering 200 with a fixed JSON body. */
export function mockIntegration(body = '{"ok": true}'): Json {
    return {
        type: "mock",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
        responses: { default: { statusCode: "200", responseTemplates: { "application/json": body } } },
    };
}

/** An operation that API Gateway accepts, with a MOCK integration. */
export function operation(extra: Json = {}): Json {
    return {
        responses: { "200": { description: "ok" } },
        "x-amazon-apigateway-integration": mockIntegration(),
        ...extra,
    };
}

/** A minimal valid OpenAPI 3.0 document with the given paths and top-level fields. */
export function openApi3(paths: Json = { "/pets": { get: operation() } }, extra: Json = {}): Json {
    return { openapi: "3.0.3", info: { title: "Test API", version: "1" }, paths, ...extra };
}

/** A minimal valid Swagger 2.0 document with the given paths and top-level fields. */
export function swagger2(paths: Json = { "/pets": { get: operation() } }, extra: Json = {}): Json {
    return { swagger: "2.0", info: { title: "Test API", version: "1" }, paths, ...extra };
}
