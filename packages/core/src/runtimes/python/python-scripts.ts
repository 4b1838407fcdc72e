/**
 * Small Python programs run with the build's interpreter (`python3 -c`). They read files or
 * source text and print JSON; none of them imports user code.
 */

/**
 * `check_module(src, filename, fn, major, minor)`: parses module source with `ast` (as the target
 * Python's grammar where the interpreter allows) and looks for a module-level `fn`, including
 * definitions inside top-level if/try/with blocks. Returns {"syntaxError": {...}} or
 * {"found": kind | None, "names": [...]}.
 */
const CHECK_MODULE_FUNCTION = String.raw`
import ast, json, sys
def check_module(src, filename, fn, major, minor):
    feature = (major, minor) if (major, minor) < sys.version_info[:2] else None
    try:
        tree = ast.parse(src, filename=filename, feature_version=feature)
    except SyntaxError as e:
        return {"syntaxError": {"line": e.lineno, "offset": e.offset, "msg": e.msg, "text": (e.text or "").strip()}}
    result = {"found": None, "names": []}
    def define(name, kind):
        result["names"].append(name)
        if name == fn:
            result["found"] = kind
    def visit(body):
        for node in body:
            if isinstance(node, ast.FunctionDef):
                define(node.name, "def")
            elif isinstance(node, ast.AsyncFunctionDef):
                define(node.name, "async def")
            elif isinstance(node, ast.ClassDef):
                define(node.name, "class")
            elif isinstance(node, ast.Assign):
                for t in node.targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            define(n.id, "assignment")
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
                define(node.target.id, "assignment")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    define(a.asname or a.name.split(".")[0], "import")
            elif isinstance(node, ast.ImportFrom):
                for a in node.names:
                    define(a.asname or a.name, "import")
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                visit(getattr(node, "finalbody", []))
                for h in getattr(node, "handlers", []):
                    visit(h.body)
    visit(tree.body)
    return result
`;

/**
 * The one interpreter start before pip. stdin: {"files": [toml paths], "env": PEP 508 environment,
 * "markers": [markers of requirements-file lines], "handler"?: {"filename", "fn", "major", "minor", "source" (base64)}}.
 * stdout: {"files": {path: parsed}, "markers": {marker: bool}, "errors": {path or marker: message},
 * "toolchain": {"python", "pip"}, "executable": sys.executable, "handler"?: check_module result}.
 * Every `marker`/`markers`/`resolution-markers` string in the parsed files, and the marker of each
 * PEP 508 string in a `dependencies` list, is evaluated for the Lambda target, so the lockfile
 * walk in TypeScript needs no second call. Missing files are left out.
 */
export const PREPARE_SCRIPT = CHECK_MODULE_FUNCTION + String.raw`
import base64
import pip
req = json.load(sys.stdin)
env = dict(req["env"], extra="")
out = {"files": {}, "markers": {}, "errors": {}, "toolchain": {"python": sys.version.split()[0], "pip": pip.__version__}, "executable": sys.executable}
def evaluate(m):
    if isinstance(m, str) and m not in out["markers"] and m not in out["errors"]:
        from pip._vendor.packaging.markers import Marker
        try:
            out["markers"][m] = Marker(m).evaluate(env)
        except Exception as e:
            out["errors"][m] = "invalid marker: %s" % e
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("marker", "markers", "resolution-markers"):
                for m in ([x] if isinstance(x, str) else x if isinstance(x, list) else []):
                    evaluate(m)
            elif k == "dependencies" and isinstance(x, list):
                for d in x:
                    if isinstance(d, str) and ";" in d:
                        evaluate(d.split(";", 1)[1].strip())
                    else:
                        walk(d)
            else:
                walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
for f in req["files"]:
    try:
        try:
            import tomllib
        except ImportError:
            from pip._vendor import tomli as tomllib
        with open(f, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        continue
    except Exception as e:
        out["errors"][f] = str(e)
        continue
    out["files"][f] = data
    walk(data)
for m in req.get("markers", []):
    evaluate(m)
h = req.get("handler")
if h:
    out["handler"] = check_module(base64.b64decode(h["source"]), h["filename"], h["fn"], h["major"], h["minor"])
json.dump(out, sys.stdout, default=str)
`;

/** argv: filename, function name, target major, target minor. stdin: the module's source. stdout: check_module's result. */
export const CHECK_HANDLER_SCRIPT = CHECK_MODULE_FUNCTION + String.raw`
json.dump(check_module(sys.stdin.buffer.read(), sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])), sys.stdout)
`;
