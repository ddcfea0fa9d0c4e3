// One measured type check, in a fresh process, as local mode runs it before a program: reports, as
// JSON, how long typeCheckProgram took (loading the compiler included, when it needs it).
import * as path from "path";
import { performance } from "perf_hooks";
import { typeCheckProgram } from "../local-aws/engine/typeCheck";

const root = path.resolve(__dirname, "..");
const started = performance.now();
typeCheckProgram(path.resolve(root, process.argv[2]), root);
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));
