/**
 * Small Python programs run with the build's interpreter (`python3 -c`). They read files or
 * source text and print JSON; none of them imports user code.
 */

/**
 * stdin: {"files": [toml paths], "env": PEP 508 environment}.
 * Markers also come from PEP 508 strings in `dependencies` lists (`six; python_version < "3"`).
 * stdout: {"files": {path: parsed}, "markers": {marker: bool}, "errors": {path or marker: message},
 * "toolchain": {"python": version, "pip": version}} (one interpreter start per batch, toolchain included).
 * Every `marker`/`markers` string met in the parsed files is evaluated for the Lambda target, so
 * the lockfile walk in TypeScript needs no second call. Missing files are left out.
 */
export const READ_TOML_SCRIPT = String.raw`
import json, sys
import pip
try:
    import tomllib
except ImportError:
    from pip._vendor import tomli as tomllib
from pip._vendor.packaging.markers import Marker
req = json.load(sys.stdin)
env = dict(req["env"], extra="")
out = {"files": {}, "markers": {}, "errors": {}, "toolchain": {"python": sys.version.split()[0], "pip": pip.__version__}}
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("marker", "markers", "resolution-markers"):
                for m in ([x] if isinstance(x, str) else x if isinstance(x, list) else []):
                    if isinstance(m, str) and m not in out["markers"] and m not in out["errors"]:
                        try:
                            out["markers"][m] = Marker(m).evaluate(env)
                        except Exception as e:
                            out["errors"][m] = "invalid marker: %s" % e
            elif k == "dependencies" and isinstance(x, list):
                for d in x:
                    if isinstance(d, str) and ";" in d:
                        walk({"marker": d.split(";", 1)[1].strip()})
                    else:
                        walk(d)
            else:
                walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
for f in req["files"]:
    try:
        with open(f, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        continue
    except Exception as e:
        out["errors"][f] = str(e)
        continue
    out["files"][f] = data
    walk(data)
json.dump(out, sys.stdout, default=str)
`;

/**
 * argv: filename, function name, target major, target minor. stdin: the module's source.
 * stdout: {"syntaxError": {line, offset, msg, text}} or {"found": kind | null, "names": [...]}.
 * Module-level definitions count, including those inside top-level if/try/with blocks.
 */
export const CHECK_HANDLER_SCRIPT = String.raw`
import ast, json, sys
filename, fn, major, minor = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
src = sys.stdin.buffer.read()
feature = (major, minor) if (major, minor) < sys.version_info[:2] else None
try:
    tree = ast.parse(src, filename=filename, feature_version=feature)
except SyntaxError as e:
    json.dump({"syntaxError": {"line": e.lineno, "offset": e.offset, "msg": e.msg, "text": (e.text or "").strip()}}, sys.stdout)
    sys.exit(0)
found = None
names = []
def define(name, kind):
    global found
    names.append(name)
    if name == fn:
        found = kind
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
json.dump({"found": found, "names": names}, sys.stdout)
`;
